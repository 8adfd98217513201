/*
 * probes.c - ask endpoints which certificate they serve, on the probe
 * worker.  The loop must stay free meanwhile: one of the endpoints may
 * be svccertd itself, whose loop is the one that has to answer.
 *
 * A batch copies what it needs from the registry, so a SIGHUP that
 * reloads the registry while it runs changes nothing under its feet.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "util.h"

/* As long as svccert show waits: a reader is waiting for the answer. */
#define PROBES_TIMEOUT_MS 2000

static void probes_run_job(struct worker_job *job)
{
	struct probe_batch *batch = (struct probe_batch *)job;

	for (size_t i = 0; i < batch->count; i++) {
		struct probe_target *t = &batch->targets[i];
		struct error err;

		error_clear(&err);
		t->served[0] = '\0';
		t->answered = probe_endpoint(&t->endpoint, t->sni,
		    PROBES_TIMEOUT_MS, t->served, NULL, &err);
		snprintf(t->problem, sizeof(t->problem), "%s",
		    t->answered ? "" : err.message);
	}
}

static void probes_done_job(struct worker_job *job)
{
	struct probe_batch *batch = (struct probe_batch *)job;

	batch->done(batch);
}

struct probe_batch *probes_new(void (*done)(struct probe_batch *),
    struct request *request, json_t *doc)
{
	struct probe_batch *batch = xcalloc(1, sizeof(*batch));

	batch->job.run = probes_run_job;
	batch->job.done = probes_done_job;
	batch->done = done;
	batch->request = request;
	batch->doc = doc;
	return batch;
}

void probes_add_service(struct probe_batch *batch,
    const struct context *ctx, const struct service *svc,
    const char *installed)
{
	for (size_t i = 0; i < svc->endpoint_count; i++) {
		struct probe_target *t;

		batch->targets = xrealloc(batch->targets,
		    (batch->count + 1) * sizeof(*batch->targets));
		t = &batch->targets[batch->count++];
		memset(t, 0, sizeof(*t));
		t->service = xstrdup(svc->name);
		t->endpoint = svc->endpoints[i];
		t->endpoint.host = xstrdup(svc->endpoints[i].host);
		t->sni = xstrdup(service_hostname(svc, &ctx->config));
		snprintf(t->installed, sizeof(t->installed), "%s",
		    installed != NULL ? installed : "");
	}
}

void probes_run(struct daemon *d, struct probe_batch *batch)
{
	/* Nothing to ask: no need for the thread. */
	if (batch->count == 0)
		batch->done(batch);
	else
		worker_post(d->probes, &batch->job);
}

void probes_free(struct probe_batch *batch)
{
	for (size_t i = 0; i < batch->count; i++) {
		free(batch->targets[i].service);
		free(batch->targets[i].endpoint.host);
		free(batch->targets[i].sni);
	}
	free(batch->targets);
	json_decref(batch->doc);
	free(batch);
}

json_t *probes_served_json(const struct probe_batch *batch)
{
	json_t *list = json_array();

	for (size_t i = 0; i < batch->count; i++) {
		const struct probe_target *t = &batch->targets[i];
		bool matches = t->answered && t->installed[0] != '\0' &&
		    strcmp(t->served, t->installed) == 0;

		json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:s, "
		    "s:i, s:o}", "host", t->endpoint.host, "port",
		    t->endpoint.port, "protocol",
		    probe_protocol_name(t->endpoint.protocol), "fingerprint",
		    t->served, "matches", matches ? 1 : 0, "problem",
		    svcjson_text(t->problem)));
	}
	return list;
}
