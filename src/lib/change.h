/*
 * change.h - what a certificate change decides before its transaction.
 *
 * svccert and svccertd take the same decisions the same way: which
 * services a change names, how the paste is validated, which host names
 * each target must cover, and what a reset installs.  Only then does
 * txn_install run, once per service.
 */
#ifndef SVCCERT_CHANGE_H
#define SVCCERT_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "error.h"
#include "finding.h"
#include "material.h"
#include "service.h"
#include "txn.h"
#include "validate.h"

/* Self-signed certificates made by a reset are valid this long. */
#define CHANGE_RESET_DAYS 365

/*
 * Split "a,b,c" into a NULL-terminated array; empty and repeated items
 * are dropped.
 * Free it with change_free_names.
 */
char **change_split_names(const char *text, size_t *count);
void change_free_names(char **names);

/* How a paste is judged here; trust_file NULL: the configured one. */
void change_validate_options(const struct context *ctx,
    const char *trust_file, struct validate_options *options);

/*
 * Every name must be a service of the registry (code unknown-service).
 * With leaf, a hostname-not-covered warning is added for each service
 * whose host name it does not cover.
 */
bool change_check_services(const struct context *ctx, char *const *names,
    size_t count, X509 *leaf, struct findings *findings,
    struct error *err);

/* A service's certificate cannot be its own target (code apply-to-self). */
bool change_check_apply(const char *from, char *const *to, size_t count,
    struct error *err);

/* "12" -> 12; anything else is refused naming svccert history. */
bool change_parse_history_id(const char *text, const char *service,
    int64_t *id, struct error *err);

/*
 * A new key of the configured type and a self-signed certificate for
 * svc's host name plus the configured names.  Each call makes a new key.
 */
bool change_reset_material(const struct context *ctx,
    const struct service *svc, struct material *mat, struct error *err);

/* The one to report: rollback-failed, rolled-back, refused, then ok. */
enum txn_status change_worse_status(enum txn_status a, enum txn_status b);

#endif
