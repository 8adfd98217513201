/*
 * api_read.c - the functions that only read: fetch, whoami, details,
 * validate, history, notices.
 *
 * They run on the loop with the main context; only their endpoint
 * probes go to the probe worker.  An interrupted change is not undone
 * here (that takes the lock, which a running change holds): the change
 * worker and the next start do it.
 */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "daemon.h"
#include "report.h"
#include "util.h"
#include "validate.h"

static struct service *api_find_service(struct request *r,
    const char *name)
{
	struct service *svc = registry_find(&r->daemon->ctx.registry, name);

	if (svc == NULL)
		request_fail_with(r, 404, "unknown-service", "there is no "
		    "service named '%.64s'; fetch_service_ssl_components "
		    "lists them", name);
	return svc;
}

void api_fetch(struct request *r)
{
	struct context *ctx = &r->daemon->ctx;
	json_t *list = json_array();
	struct error err;

	for (size_t i = 0; i < ctx->registry.count; i++) {
		struct material mat;

		material_init(&mat);
		json_array_append_new(list, svcjson_service(ctx,
		    &ctx->registry.services[i], &mat));
		material_free(&mat);
	}
	if (!filter_apply(r, list, &err)) {
		json_decref(list);
		request_fail(r, 400, &err);
		return;
	}
	request_reply_ok(r, json_pack("{s:o}", "services", list), NULL);
}

void api_whoami(struct request *r)
{
	json_t *data = json_pack("{s:s, s:s, s:[]}", "user", r->user.name,
	    "role", user_role_name(r->user.role), "privileges");

	char *reason;

	if (r->auth == AUTH_SESSION)
		json_object_set_new(data, "csrf_token", json_string(r->csrf));
	if (user_may_manage(&r->user)) {
		json_array_append_new(json_object_get(data, "privileges"),
		    json_string("service-ssl"));
		request_reply_ok(r, data, NULL);
		return;
	}

	/*
	 * Like every other call, 403 for a reseller without the privilege;
	 * the data still says who is logged in, so the page can say why
	 * (and offer to log out) rather than show a bare refusal.
	 */
	reason = xasprintf("%s may not manage service certificates; ask the "
	    "administrator to run: svccert user grant %s", r->user.name,
	    r->user.name);
	request_reply_envelope(r, 403, "forbidden", reason, data, NULL);
	free(reason);
}

/* The service object waits for its endpoints' answers. */
static void api_details_done(struct probe_batch *batch)
{
	json_object_set_new(batch->doc, "served", probes_served_json(batch));
	request_reply_ok(batch->request, json_incref(batch->doc), NULL);
	probes_free(batch);
}

void api_details(struct request *r)
{
	const char *const required[] = { "service", NULL };
	struct context *ctx = &r->daemon->ctx;
	struct probe_batch *batch;
	struct material mat;
	struct service *svc;
	json_t *doc, *info;

	if (!params_require(r, required) || (svc = api_find_service(r,
	    params_get(r->params, "service"))) == NULL)
		return;

	material_init(&mat);
	doc = svcjson_service(ctx, svc, &mat);
	json_object_set_new(doc, "chain", report_chain_json(&mat));
	material_free(&mat);

	info = json_object_get(doc, "certificate_info");
	batch = probes_new(api_details_done, r, doc);
	served_add_service(&batch->served, &ctx->config, svc,
	    json_string_value(json_object_get(info, "fingerprint_sha256")));
	probes_run(r->daemon, batch);
}

/* Unknown names answer 404; known ones add host name warnings. */
static bool api_validate_services(struct request *r, X509 *leaf,
    struct findings *findings)
{
	size_t count = 0;
	char **names = params_list(r->params, "service", &count);
	struct error err;
	bool ok;

	ok = change_check_services(&r->daemon->ctx, names, count, leaf,
	    findings, &err);
	change_free_names(names);
	if (!ok)
		request_fail(r, 404, &err);
	return ok;
}

static json_t *api_validation_json(bool ok, const struct material *mat,
    const struct findings *findings)
{
	struct certinfo info;
	json_t *data = json_pack("{s:i, s:o}", "ok", ok ? 1 : 0, "findings",
	    report_findings_json(findings));

	if (ok && certinfo_from_x509(&info, mat->leaf)) {
		json_object_set_new(data, "certificate_info",
		    svcjson_certinfo(&info));
		certinfo_free(&info);
	} else
		json_object_set_new(data, "certificate_info", json_null());
	json_object_set_new(data, "chain", report_chain_json(mat));
	return data;
}

/* A dry run: the findings are the answer, so it is 200 either way. */
void api_validate(struct request *r)
{
	const char *const required[] = { "crt", NULL };
	struct validate_options options;
	struct findings findings;
	struct material mat;
	struct input in;
	bool ok;

	if (!params_require(r, required))
		return;
	input_init(&in);
	material_init(&mat);
	findings_init(&findings);
	svcjson_read_paste(r->params, &in, &findings);
	change_validate_options(&r->daemon->ctx, NULL, &options);
	ok = validate_input(&in, &options, &mat, &findings);

	if (api_validate_services(r, ok ? mat.leaf : NULL, &findings))
		request_reply_ok(r, api_validation_json(ok, &mat, &findings),
		    svcjson_warnings(&findings));
	findings_free(&findings);
	material_free(&mat);
	input_free(&in);
}

void api_history(struct request *r)
{
	const char *service = params_get(r->params, "service");
	struct history_entry *entries = NULL;
	size_t count = 0;
	struct error err;

	if (service != NULL && *service == '\0')
		service = NULL;
	if (!store_history_list(r->daemon->ctx.store, service, &entries,
	    &count, &err)) {
		request_fail(r, 500, &err);
		return;
	}

	/* As svccert history: a service that is gone keeps its history,
	 * a typo has none. */
	if (service == NULL || count > 0 || api_find_service(r, service))
		request_reply_ok(r, json_pack("{s:o}", "history",
		    report_history_json(entries, count)), NULL);
	history_entries_free(entries, count);
}

static void api_notices_done(struct probe_batch *batch)
{
	notices_for_probes(batch->doc, batch);
	request_reply_ok(batch->request, json_pack("{s:O}", "notices",
	    batch->doc), NULL);
	probes_free(batch);
}

/* The files' notices now; what the endpoints serve once they answer. */
void api_notices(struct request *r)
{
	struct context *ctx = &r->daemon->ctx;
	struct probe_batch *batch = probes_new(api_notices_done, r,
	    json_array());

	for (size_t i = 0; i < ctx->registry.count; i++) {
		const struct service *svc = &ctx->registry.services[i];
		struct material mat;
		struct certinfo info;
		struct error err;
		bool ok;

		material_init(&mat);
		error_clear(&err);
		ok = service_read_material(svc, &mat, &err) &&
		    certinfo_from_x509(&info, mat.leaf);
		if (!ok && !error_is_set(&err))
			error_set(&err, "malformed-input", "%s: its "
			    "certificate cannot be read", svc->name);
		notices_for_certificate(batch->doc, ctx, svc, ok ? &info :
		    NULL, &err);
		if (ok) {
			served_add_service(&batch->served, &ctx->config, svc,
			    info.fingerprint);
			certinfo_free(&info);
		}
		material_free(&mat);
	}
	probes_run(r->daemon, batch);
}
