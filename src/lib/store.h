/*
 * store.h - the state store: SQLite under the state directory.
 *
 * history: every certificate a change replaced, with copies of the files
 *          (state_dir/history/ID/), never erased;
 * audit:   every change: when, who, what, fingerprints, result;
 * user, token, session: the panel's users (read and written by users.c).
 */
#ifndef SVCCERT_STORE_H
#define SVCCERT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <sqlite3.h>

#include "error.h"

struct store;

struct history_entry {
	int64_t id;
	char *service;
	time_t created;
	char *fingerprint;   /* "" when the service had no certificate */
	char *subject;
	time_t not_after;
	char *reason;        /* "install", "reset", "apply", "restore" ... */
	char *result;        /* how that change ended: "ok", "rolled-back",
	                        "rollback-failed", "refused"; "" unknown */
	char *dir;           /* state_dir/history/ID */
};

/* One file of a service as it was when the history entry was taken. */
struct history_file {
	int index;           /* position in the service's file list */
	char *path;          /* where it lived */
	bool existed;
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

struct audit_record {
	const char *user;
	const char *action;      /* install, reset, apply, restore, recover */
	const char *service;
	const char *old_fingerprint;
	const char *new_fingerprint;
	const char *result;      /* ok, rolled-back, rollback-failed, refused */
	const char *message;
};

/* Creates state_dir (0700) and the database when missing. */
bool store_open(struct store **store, const char *state_dir,
    struct error *err);
void store_close(struct store *store);

/* New entry; creates its folder (0700) and returns its id. */
bool store_history_add(struct store *store, const char *service,
    const char *fingerprint, const char *subject, time_t not_after,
    const char *reason, int64_t *id, struct error *err);
bool store_history_add_file(struct store *store, int64_t id,
    const struct history_file *file, struct error *err);
/* service NULL: all services; newest first. */
bool store_history_list(struct store *store, const char *service,
    struct history_entry **entries, size_t *count, struct error *err);
bool store_history_get(struct store *store, int64_t id,
    struct history_entry *entry, struct error *err);
bool store_history_files(struct store *store, int64_t id,
    struct history_file **files, size_t *count, struct error *err);
void history_entry_free(struct history_entry *entry);
void history_entries_free(struct history_entry *entries, size_t count);
void history_files_free(struct history_file *files, size_t count);

/* Record how the change that took entry id ended (txn_status_name). */
bool store_history_set_result(struct store *store, int64_t id,
    const char *result, struct error *err);

bool store_audit_add(struct store *store, const struct audit_record *rec,
    struct error *err);

/* A change as the audit log recorded it. */
struct audit_entry {
	time_t time;
	char *user;
	char *action;
	char *result;
};

/* The newest record for service; *found is false when there is none. */
bool store_audit_last(struct store *store, const char *service,
    struct audit_entry *entry, bool *found, struct error *err);
void audit_entry_free(struct audit_entry *entry);

const char *store_state_dir(const struct store *store);
/*
 * The open database, for modules that keep their own tables in it
 * (users.c).  It stays the store's: do not close it.
 */
sqlite3 *store_database(struct store *store);

#endif
