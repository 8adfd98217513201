/*
 * notices.c - what needs the administrator's attention: a service
 * without a certificate, a self-signed one, one that expires soon or
 * has expired, and an endpoint serving another certificate than the
 * one installed (the daemon was not reloaded, or reads other files).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "util.h"

#define NOTICES_DAY 86400

static void notices_add(json_t *list, const char *level,
    const char *service, const char *message)
{
	json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "level",
	    level, "service", service, "message", svcjson_text(message)));
}

static void notices_for_expiry(json_t *list, const struct context *ctx,
    const struct service *svc, const struct certinfo *info)
{
	char when[32], message[256];
	time_t now = time(NULL);
	long days = (long)((info->not_after - now) / NOTICES_DAY);

	util_format_time(info->not_after, when, sizeof(when));
	if (info->not_after <= now) {
		snprintf(message, sizeof(message), "the certificate of %s "
		    "expired on %s; clients refuse it: install a new one",
		    svc->name, when);
		notices_add(list, "error", svc->name, message);
	} else if (days < ctx->config.warn_days) {
		snprintf(message, sizeof(message), "the certificate of %s "
		    "expires on %s, in %ld day(s); renew it", svc->name, when,
		    days);
		notices_add(list, "warning", svc->name, message);
	}
}

void notices_for_certificate(json_t *list, const struct context *ctx,
    const struct service *svc, const struct certinfo *info,
    const struct error *err)
{
	char message[256];

	/* No certificate yet is a to-do; an unreadable one is broken. */
	if (info == NULL) {
		notices_add(list, strcmp(err->code, "no-certificate") == 0 ?
		    "warning" : "error", svc->name, err->message);
		return;
	}
	if (info->self_signed) {
		snprintf(message, sizeof(message), "%s has a self-signed "
		    "certificate: clients warn or refuse; install one from a "
		    "certificate authority", svc->name);
		notices_add(list, "warning", svc->name, message);
	}
	notices_for_expiry(list, ctx, svc, info);
}

void notices_for_probes(json_t *list, const struct probe_batch *batch)
{
	char message[512];

	for (size_t i = 0; i < batch->served.count; i++) {
		const struct served_endpoint *ep = &batch->served.items[i];

		if (!served_differs(ep))
			continue;
		snprintf(message, sizeof(message), "%s: %s:%d (%s) serves "
		    "the certificate %.23s..., not the installed %.23s...; "
		    "reload the daemon or check which files it reads",
		    ep->service, ep->endpoint.host, ep->endpoint.port,
		    probe_protocol_name(ep->endpoint.protocol), ep->served,
		    ep->installed);
		notices_add(list, "error", ep->service, message);
	}
}
