/*
 * probe.h - ask a daemon over TLS which certificate it serves.
 *
 * Speaks just enough of SMTP, IMAP, POP3 and FTP to start TLS, then reads
 * the leaf the daemon presents.  The peer is not verified: the point is to
 * compare what is served with what was installed.
 */
#ifndef SVCCERT_PROBE_H
#define SVCCERT_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "material.h"
#include "service.h"

/*
 * Connect, start TLS (sending sni when not NULL), and write the served
 * leaf's SHA-256 fingerprint ("AA:BB:...").  chain_length, when not NULL,
 * gets the number of certificates served.  Each network step is bounded
 * by timeout_ms.
 */
bool probe_endpoint(const struct endpoint *ep, const char *sni,
    int timeout_ms, char fingerprint[FINGERPRINT_SIZE], int *chain_length,
    struct error *err);

#endif
