/*
 * served.h - which certificate each endpoint of a service serves now,
 * next to the one installed: svccert show, and svccertd's details and
 * notices.
 *
 * Collecting copies from the registry what the probes need, so they can
 * run apart from it: svccertd probes on another thread while a SIGHUP
 * may reload its registry.
 */
#ifndef SVCCERT_SERVED_H
#define SVCCERT_SERVED_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "error.h"
#include "material.h"
#include "service.h"

/* Someone is waiting for the answer: a daemon that is down says so fast,
 * one that hangs should not hold the reader longer than this. */
#define SERVED_TIMEOUT_MS 2000

struct served_endpoint {
	char *service;
	struct endpoint endpoint;            /* its own copy of host */
	char *sni;                           /* the service's host name */
	char installed[FINGERPRINT_SIZE];    /* "" when none is installed */
	char served[FINGERPRINT_SIZE];       /* "" until it answered */
	bool answered;
	char problem[ERROR_MESSAGE_MAX];     /* why not, unless answered */
};

struct served_list {
	struct served_endpoint *items;
	size_t count;
};

void served_init(struct served_list *list);
void served_free(struct served_list *list);

/* Every endpoint of svc; installed is the fingerprint of its leaf or
 * NULL when it has none. */
void served_add_service(struct served_list *list, const struct config *cfg,
    const struct service *svc, const char *installed);

/* Ask each endpoint in turn, each network step bounded by timeout_ms. */
void served_probe(struct served_list *list, int timeout_ms);

/* It answered with the installed leaf. */
bool served_matches(const struct served_endpoint *ep);
/* It answered with another leaf than the installed one. */
bool served_differs(const struct served_endpoint *ep);

#endif
