/*
 * served.c - probe every endpoint of some services and keep, for each,
 * what it serves beside what is installed.
 */
#include "served.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "util.h"

void served_init(struct served_list *list)
{
	list->items = NULL;
	list->count = 0;
}

void served_free(struct served_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->items[i].service);
		free(list->items[i].endpoint.host);
		free(list->items[i].sni);
	}
	free(list->items);
	served_init(list);
}

void served_add_service(struct served_list *list, const struct config *cfg,
    const struct service *svc, const char *installed)
{
	for (size_t i = 0; i < svc->endpoint_count; i++) {
		struct served_endpoint *ep;

		list->items = xrealloc(list->items,
		    (list->count + 1) * sizeof(*list->items));
		ep = &list->items[list->count++];
		memset(ep, 0, sizeof(*ep));
		ep->service = xstrdup(svc->name);
		ep->endpoint = svc->endpoints[i];
		ep->endpoint.host = xstrdup(svc->endpoints[i].host);
		ep->sni = xstrdup(service_hostname(svc, cfg));
		snprintf(ep->installed, sizeof(ep->installed), "%s",
		    installed != NULL ? installed : "");
	}
}

void served_probe(struct served_list *list, int timeout_ms)
{
	for (size_t i = 0; i < list->count; i++) {
		struct served_endpoint *ep = &list->items[i];
		struct error err;

		error_clear(&err);
		ep->served[0] = '\0';
		ep->answered = probe_endpoint(&ep->endpoint, ep->sni,
		    timeout_ms, ep->served, NULL, &err);
		snprintf(ep->problem, sizeof(ep->problem), "%s",
		    ep->answered ? "" : err.message);
	}
}

bool served_matches(const struct served_endpoint *ep)
{
	return ep->answered && ep->installed[0] != '\0' &&
	    strcmp(ep->served, ep->installed) == 0;
}

bool served_differs(const struct served_endpoint *ep)
{
	return ep->answered && ep->installed[0] != '\0' &&
	    strcmp(ep->served, ep->installed) != 0;
}
