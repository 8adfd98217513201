/*
 * probes.c - ask endpoints which certificate they serve (served.c), on
 * the probe worker.  The loop must stay free meanwhile: one of the
 * endpoints may be svccertd itself, whose loop is the one that has to
 * answer.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "util.h"

static void probes_run_job(struct worker_job *job)
{
	struct probe_batch *batch = (struct probe_batch *)job;

	served_probe(&batch->served, SERVED_TIMEOUT_MS);
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
	served_init(&batch->served);
	return batch;
}

void probes_run(struct daemon *d, struct probe_batch *batch)
{
	/* Nothing to ask: no need for the thread. */
	if (batch->served.count == 0)
		batch->done(batch);
	else
		worker_post(d->probes, &batch->job);
}

void probes_free(struct probe_batch *batch)
{
	served_free(&batch->served);
	json_decref(batch->doc);
	free(batch);
}

json_t *probes_served_json(const struct probe_batch *batch)
{
	json_t *list = json_array();

	for (size_t i = 0; i < batch->served.count; i++) {
		const struct served_endpoint *ep = &batch->served.items[i];

		json_array_append_new(list, json_pack("{s:s, s:i, s:s, s:s, "
		    "s:i, s:o}", "host", ep->endpoint.host, "port",
		    ep->endpoint.port, "protocol",
		    probe_protocol_name(ep->endpoint.protocol), "fingerprint",
		    ep->served, "matches", served_matches(ep) ? 1 : 0,
		    "problem", svcjson_text(ep->problem)));
	}
	return list;
}
