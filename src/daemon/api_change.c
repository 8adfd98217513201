/*
 * api_change.c - install, reset, apply and restore, each as a job for
 * the change worker.
 *
 * The loop checks only what needs no context (a change already running,
 * parameters present) and posts the job.  On the worker the job opens a
 * context of its own, makes the same decisions as svccert (change.c),
 * takes the lock without waiting (another svccert run holding it means
 * 409 busy) and runs one transaction per service.  Its answer goes back
 * to the loop, which adds the service object WHM callers expect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "daemon.h"
#include "log.h"
#include "report.h"
#include "util.h"
#include "validate.h"

enum change_kind {
	CHANGE_INSTALL_WHM,   /* install_service_ssl_certificate */
	CHANGE_RESET_WHM,     /* reset_service_ssl_certificate */
	CHANGE_INSTALL,       /* svccert_install */
	CHANGE_APPLY,         /* svccert_apply */
	CHANGE_RESTORE,       /* svccert_restore */
};

struct change_job {
	struct worker_job job;
	struct daemon *daemon;     /* only its options are read off-loop */
	struct request *request;   /* the loop's, untouched by run() */
	enum change_kind kind;
	json_t *params;            /* the worker's own copy */
	char *user;

	/* The answer, made on the worker. */
	int status;
	struct error err;          /* code and reason unless ok */
	struct findings findings;
	json_t *results;
};

/* What every kind needs in the worker's context. */
struct change_run {
	struct change_job *job;
	struct context *ctx;
	char **names;              /* target services */
	size_t count;
	struct material mat;       /* validated, unless a reset */
};

static bool change_fail(struct change_job *c, int status, const char *code,
    const char *message)
{
	c->status = status;
	snprintf(c->err.code, sizeof(c->err.code), "%s", code);
	snprintf(c->err.message, sizeof(c->err.message), "%s", message);
	return false;
}

/* A name that is no service answers 404; with leaf, host name warnings. */
static bool change_check_targets(struct change_run *run, X509 *leaf)
{
	struct error err;

	if (change_check_services(run->ctx, run->names, run->count, leaf,
	    &run->job->findings, &err))
		return true;
	return change_fail(run->job, 404, err.code, err.message);
}

/* The first error finding is the code and reason of a 400. */
static bool change_validate(struct change_run *run, const struct input *in)
{
	struct findings *findings = &run->job->findings;
	struct validate_options options;

	change_validate_options(run->ctx, NULL, &options);
	if (validate_input(in, &options, &run->mat, findings))
		return change_check_targets(run, run->mat.leaf);

	for (size_t i = 0; i < findings->count; i++)
		if (findings->items[i].severity == FINDING_ERROR)
			return change_fail(run->job, 400,
			    findings->items[i].code,
			    findings->items[i].message);
	return change_fail(run->job, 400, "invalid-input", "the paste was "
	    "refused");
}

static bool change_lock(struct change_run *run)
{
	struct error err;

	if (txn_try_lock(run->ctx, &err))
		return true;
	return change_fail(run->job, strcmp(err.code, "busy") == 0 ? 409 :
	    500, err.code, err.message);
}

/* One transaction; the first failure names the answer's code. */
static void change_install_one(struct change_run *run, size_t i,
    const struct material *mat, const char *action)
{
	struct change_job *c = run->job;
	const struct service *svc = registry_find(&run->ctx->registry,
	    run->names[i]);
	struct txn_result result;

	txn_install(run->ctx, svc, mat, action, false, &result);
	json_array_append_new(c->results, report_result_json(&result,
	    REPORT_FLAGS_INTEGER));
	log_info("%s by %s on %s: %s", action, c->user, result.service,
	    txn_status_name(result.status));
	if (result.status != TXN_OK && strcmp(c->err.code, "ok") == 0) {
		snprintf(c->err.code, sizeof(c->err.code), "%s", result.code);
		snprintf(c->err.message, sizeof(c->err.message), "%s",
		    result.message);
	}
}

static bool change_install_all(struct change_run *run, const char *action)
{
	if (!change_lock(run))
		return false;
	run->job->status = 200;
	for (size_t i = 0; i < run->count; i++)
		change_install_one(run, i, &run->mat, action);
	return true;
}

static void change_do_install(struct change_run *run)
{
	struct input in;

	input_init(&in);
	svcjson_read_paste(run->job->params, &in, &run->job->findings);
	if (change_check_targets(run, NULL) && change_validate(run, &in))
		change_install_all(run, "install");
	input_free(&in);
}

/* Each service gets a key of its own: a reset shares nothing. */
static void change_do_reset(struct change_run *run)
{
	struct error err;

	if (!change_check_targets(run, NULL) || !change_lock(run))
		return;
	run->job->status = 200;
	for (size_t i = 0; i < run->count; i++) {
		struct material mat;

		material_init(&mat);
		if (change_reset_material(run->ctx, registry_find(
		    &run->ctx->registry, run->names[i]), &mat, &err))
			change_install_one(run, i, &mat, "reset");
		else
			change_fail(run->job, 500, err.code, err.message);
		material_free(&mat);
	}
}

static void change_do_apply(struct change_run *run)
{
	const char *from = params_get(run->job->params, "from");
	char *source[] = { (char *)from, NULL };
	struct error err;
	struct input in;

	if (!change_check_apply(from, run->names, run->count, &err)) {
		change_fail(run->job, 400, err.code, err.message);
		return;
	}
	if (!change_check_services(run->ctx, source, 1, NULL,
	    &run->job->findings, &err)) {
		change_fail(run->job, 404, err.code, err.message);
		return;
	}

	/* The key is read from the source's files; it is never sent. */
	input_init(&in);
	service_read_input(registry_find(&run->ctx->registry, from), &in,
	    &run->job->findings);
	if (change_check_targets(run, NULL) && change_validate(run, &in))
		change_install_all(run, "apply");
	input_free(&in);
}

/* A history entry that is not there, or not this service's: 404. */
static bool change_load_history(struct change_run *run, int64_t id,
    struct input *in)
{
	struct error err;

	if (txn_load_history(run->ctx, registry_find(&run->ctx->registry,
	    run->names[0]), id, in, &run->job->findings, &err))
		return true;
	return change_fail(run->job, strcmp(err.code, "history-not-found") ==
	    0 || strcmp(err.code, "history-mismatch") == 0 ? 404 : 500,
	    err.code, err.message);
}

static void change_do_restore(struct change_run *run)
{
	const char *text = params_get(run->job->params, "id");
	struct error err;
	struct input in;
	int64_t id;

	if (!change_check_targets(run, NULL))
		return;
	if (!change_parse_history_id(text != NULL ? text : "", run->names[0],
	    &id, &err)) {
		change_fail(run->job, 400, err.code, err.message);
		return;
	}
	input_init(&in);
	if (change_load_history(run, id, &in) && change_validate(run, &in))
		change_install_all(run, "restore");
	input_free(&in);
}

static char **change_targets(const struct change_job *c, size_t *count)
{
	switch (c->kind) {
	case CHANGE_INSTALL:
		return params_list(c->params, "services", count);
	case CHANGE_APPLY:
		return params_list(c->params, "to", count);
	default:
		return params_list(c->params, "service", count);
	}
}

static void change_dispatch(struct change_run *run)
{
	switch (run->job->kind) {
	case CHANGE_INSTALL_WHM:
	case CHANGE_INSTALL:
		change_do_install(run);
		break;
	case CHANGE_RESET_WHM:
		change_do_reset(run);
		break;
	case CHANGE_APPLY:
		change_do_apply(run);
		break;
	case CHANGE_RESTORE:
		change_do_restore(run);
		break;
	}
}

/* On the worker: a context of its own, for this change only. */
static void change_job_run(struct worker_job *job)
{
	struct change_job *c = (struct change_job *)job;
	struct change_run run = { .job = c };
	struct context ctx;
	struct error err;

	change_fail(c, 200, "ok", "OK");
	if (!daemon_context_open(c->daemon, &ctx, &err)) {
		change_fail(c, 500, err.code, err.message);
		return;
	}
	ctx.user = c->user;
	run.ctx = &ctx;
	material_init(&run.mat);
	run.names = change_targets(c, &run.count);
	if (run.count == 0)
		change_fail(c, 400, "missing-parameter", "name at least one "
		    "service to change");
	else
		change_dispatch(&run);
	change_free_names(run.names);
	material_free(&run.mat);
	daemon_context_close(&ctx);
}

/* WHM answers with the service object after the change. */
static json_t *change_whm_data(struct change_job *c, json_t *data)
{
	struct context *ctx = &c->daemon->ctx;
	const char *name = params_get(c->params, "service");
	struct service *svc = registry_find(&ctx->registry, name);
	struct material mat;
	json_t *doc;

	if (svc == NULL || c->status != 200)
		return data;
	material_init(&mat);
	doc = svcjson_service(ctx, svc, &mat);
	material_free(&mat);
	json_object_set(doc, "result", json_array_get(c->results, 0));
	json_object_set(doc, "findings", json_object_get(data, "findings"));
	json_decref(data);
	return doc;
}

static void change_job_free(struct change_job *c)
{
	params_free(c->params);
	findings_free(&c->findings);
	json_decref(c->results);
	free(c->user);
	free(c);
}

/* On the loop again: answer, and let the next change in. */
static void change_job_done(struct worker_job *job)
{
	struct change_job *c = (struct change_job *)job;
	json_t *data = json_pack("{s:o, s:O}", "findings",
	    report_findings_json(&c->findings), "results", c->results);

	if (c->kind == CHANGE_INSTALL_WHM || c->kind == CHANGE_RESET_WHM)
		data = change_whm_data(c, data);
	c->daemon->change_running = false;
	request_reply_envelope(c->request, c->status, c->status >= 500 ?
	    "internal" : c->err.code, c->err.message, data,
	    svcjson_warnings(&c->findings));
	change_job_free(c);
}

static void change_post(struct request *r, enum change_kind kind,
    const char *const *required)
{
	struct daemon *d = r->daemon;
	struct change_job *c;

	if (d->change_running) {
		request_fail_with(r, 409, "busy", "another change is running "
		    "in svccertd; try again when it has finished");
		return;
	}
	if (!params_require(r, required))
		return;

	c = xcalloc(1, sizeof(*c));
	c->job.run = change_job_run;
	c->job.done = change_job_done;
	c->daemon = d;
	c->request = r;
	c->kind = kind;
	c->params = json_deep_copy(r->params);
	c->user = xstrdup(r->user.name);
	findings_init(&c->findings);
	c->results = json_array();
	d->change_running = true;
	worker_post(d->changes, &c->job);
}

void api_install_whm(struct request *r)
{
	const char *const required[] = { "service", "crt", "key", NULL };

	change_post(r, CHANGE_INSTALL_WHM, required);
}

void api_reset_whm(struct request *r)
{
	const char *const required[] = { "service", NULL };

	change_post(r, CHANGE_RESET_WHM, required);
}

void api_install(struct request *r)
{
	const char *const required[] = { "services", "crt", NULL };

	change_post(r, CHANGE_INSTALL, required);
}

void api_apply(struct request *r)
{
	const char *const required[] = { "from", "to", NULL };

	change_post(r, CHANGE_APPLY, required);
}

void api_restore(struct request *r)
{
	const char *const required[] = { "service", "id", NULL };

	change_post(r, CHANGE_RESTORE, required);
}
