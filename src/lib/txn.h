/*
 * txn.h - changing a service's certificate as one transaction.
 *
 * For each service: validate (done by the caller), lock, keep the current
 * files in history, write the new ones atomically, run the configuration
 * test, reload or restart, probe every endpoint until it serves the new
 * leaf; on any failure put the old files back, reload, and probe that the
 * old leaf is served.  A journal in the state directory records the
 * transaction while it runs, so the next svccert run undoes one that a
 * crash interrupted.
 */
#ifndef SVCCERT_TXN_H
#define SVCCERT_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "finding.h"
#include "input.h"
#include "material.h"
#include "service.h"
#include "store.h"

/* Exit statuses of the CLI, shared with the API's per-service results. */
enum txn_status {
	TXN_OK = 0,
	TXN_REFUSED = 1,          /* nothing was changed */
	TXN_ROLLED_BACK = 3,      /* failed; the previous certificate is back */
	TXN_ROLLBACK_FAILED = 4,  /* failed, and so did putting it back */
};

struct context {
	struct config config;
	struct registry registry;
	struct store *store;
	int lock_fd;              /* -1 when not held */
	const char *user;         /* who is acting, for the audit log */
};

struct txn_result {
	enum txn_status status;
	char service[64];
	char old_fingerprint[FINGERPRINT_SIZE];
	char new_fingerprint[FINGERPRINT_SIZE];
	bool reloaded;
	bool verified;            /* every endpoint served the new leaf */
	int64_t history_id;       /* entry that keeps the replaced files */
	char message[ERROR_MESSAGE_MAX];
	char code[ERROR_CODE_MAX];
};

/* Load configuration and registry, open the store. */
bool context_open(struct context *ctx, const char *root,
    const char *config_file, struct error *err);
void context_close(struct context *ctx);

/*
 * Take the lock (waiting for another run to finish), then finish or undo
 * a transaction a crash interrupted, reporting what was done on stderr.
 */
bool txn_lock(struct context *ctx, struct error *err);
void txn_unlock(struct context *ctx);

/*
 * Like txn_lock, but never waits: while another run holds the lock it
 * fails at once with code busy.  For svccertd, whose callers get an
 * answer instead of waiting behind a change that may take minutes.
 */
bool txn_try_lock(struct context *ctx, struct error *err);

/*
 * For commands that only read: when a journal shows an interrupted
 * change, take the lock long enough to undo it, so what they show is
 * true.  Cheap when there is none.
 */
bool txn_recover_pending(struct context *ctx, struct error *err);

/*
 * Install mat on svc.  action is recorded in history and audit ("install",
 * "reset", "apply", "restore").  With no_reload the files are written and
 * the daemon is left alone (nothing is verified).  The lock must be held.
 */
enum txn_status txn_install(struct context *ctx, const struct service *svc,
    const struct material *mat, const char *action, bool no_reload,
    struct txn_result *result);

/*
 * Read back what history entry id kept for svc, to be validated and
 * installed again ("restore").  Refuses an entry of another service.
 */
bool txn_load_history(struct context *ctx, const struct service *svc,
    int64_t id, struct input *in, struct findings *findings,
    struct error *err);

const char *txn_status_name(enum txn_status status);

#endif
