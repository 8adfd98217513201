/*
 * store.c - the state store: history and audit log in SQLite, and the
 * schema of the panel's users, tokens and sessions (kept by users.c).
 *
 * Prepared statements only, so no service name or daemon message can
 * change a query.  History and audit rows are never deleted: history is
 * how an administrator gets a certificate back, the audit log how they
 * learn who changed it.
 */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "atomic.h"
#include "util.h"

/* Raised with each change of the tables; store_migrate upgrades. */
#define STORE_SCHEMA_VERSION 3
#define STORE_FILE "svccert.db"
/* Another svccert run (the daemon, a cron job) may hold the database. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store {
	sqlite3 *db;
	char *state_dir;
	char *path;
};

static const char *const store_schema_v1[] = {
	"CREATE TABLE history ("
	" id INTEGER PRIMARY KEY,"
	" service TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" fingerprint TEXT NOT NULL,"
	" subject TEXT NOT NULL,"
	" not_after INTEGER NOT NULL,"
	" reason TEXT NOT NULL)",
	"CREATE INDEX history_by_service ON history (service, id)",
	"CREATE TABLE history_file ("
	" history_id INTEGER NOT NULL REFERENCES history (id),"
	" idx INTEGER NOT NULL,"
	" path TEXT NOT NULL,"
	" existed INTEGER NOT NULL,"
	" mode INTEGER NOT NULL,"
	" uid INTEGER NOT NULL,"
	" gid INTEGER NOT NULL,"
	" PRIMARY KEY (history_id, idx))",
	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" user TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" service TEXT,"
	" old_fingerprint TEXT,"
	" new_fingerprint TEXT,"
	" result TEXT NOT NULL,"
	" message TEXT)",
	"PRAGMA user_version = 1",
	NULL,
};

/*
 * The panel's users.  Tokens and sessions go with their user (foreign
 * keys are on for every connection); only hashes of their secrets are
 * kept, so a copy of the database lets no one in.
 */
static const char *const store_schema_v2[] = {
	"CREATE TABLE user ("
	" name TEXT PRIMARY KEY,"
	" role TEXT NOT NULL,"
	" password_hash TEXT NOT NULL,"
	" service_ssl INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL)",
	"CREATE TABLE token ("
	" id INTEGER PRIMARY KEY,"
	" user TEXT NOT NULL REFERENCES user (name) ON DELETE CASCADE,"
	" label TEXT NOT NULL,"
	" hash TEXT NOT NULL UNIQUE,"
	" created INTEGER NOT NULL,"
	" last_used INTEGER NOT NULL DEFAULT 0)",
	"CREATE INDEX token_by_user ON token (user)",
	"CREATE TABLE session ("
	" id_hash TEXT PRIMARY KEY,"
	" user TEXT NOT NULL REFERENCES user (name) ON DELETE CASCADE,"
	" csrf TEXT NOT NULL,"
	" created INTEGER NOT NULL,"
	" last_used INTEGER NOT NULL)",
	"CREATE INDEX session_by_user ON session (user)",
	"PRAGMA user_version = 2",
	NULL,
};

/*
 * How the change that took a history entry ended: "ok" when the entry's
 * certificate was really replaced, "rolled-back" when it is still (or
 * again) the one installed.  Entries from before version 3 say "".
 */
static const char *const store_schema_v3[] = {
	"ALTER TABLE history ADD COLUMN result TEXT NOT NULL DEFAULT ''",
	"PRAGMA user_version = 3",
	NULL,
};

/* Entry N brings a database at version N to version N + 1. */
static const char *const *const store_migrations[STORE_SCHEMA_VERSION] = {
	store_schema_v1,
	store_schema_v2,
	store_schema_v3,
};

static void store_fail(const struct store *store, const char *what,
    struct error *err)
{
	error_set(err, "store-failed", "cannot %s in %s (%s); check the "
	    "state folder's permissions and free space", what, store->path,
	    sqlite3_errmsg(store->db));
}

static bool store_prepare(struct store *store, const char *sql,
    sqlite3_stmt **stmt, const char *what, struct error *err)
{
	if (sqlite3_prepare_v2(store->db, sql, -1, stmt, NULL) == SQLITE_OK)
		return true;
	store_fail(store, what, err);
	return false;
}

/* Run a statement that returns no rows, and finalize it. */
static bool store_finish(struct store *store, sqlite3_stmt *stmt,
    const char *what, struct error *err)
{
	bool ok = sqlite3_step(stmt) == SQLITE_DONE;

	if (!ok)
		store_fail(store, what, err);
	sqlite3_finalize(stmt);
	return ok;
}

static bool store_exec(struct store *store, const char *sql,
    const char *what, struct error *err)
{
	sqlite3_stmt *stmt;

	return store_prepare(store, sql, &stmt, what, err) &&
	    store_finish(store, stmt, what, err);
}

/* NOT NULL columns take "" for a value the caller does not know. */
static void store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	sqlite3_bind_text(stmt, index, text != NULL ? text : "", -1,
	    SQLITE_TRANSIENT);
}

static char *store_column_text(sqlite3_stmt *stmt, int index)
{
	const unsigned char *text = sqlite3_column_text(stmt, index);

	return xstrdup(text != NULL ? (const char *)text : "");
}

static bool store_read_version(struct store *store, int *version,
    struct error *err)
{
	sqlite3_stmt *stmt;
	bool ok;

	if (!store_prepare(store, "PRAGMA user_version", &stmt,
	    "read the schema version", err))
		return false;
	ok = sqlite3_step(stmt) == SQLITE_ROW;
	if (ok)
		*version = sqlite3_column_int(stmt, 0);
	else
		store_fail(store, "read the schema version", err);
	sqlite3_finalize(stmt);
	return ok;
}

static bool store_upgrade(struct store *store, int version,
    struct error *err)
{
	size_t i;

	/* A newer svccert may have added tables this one does not know. */
	if (version > STORE_SCHEMA_VERSION) {
		error_set(err, "store-too-new", "%s was written by a newer "
		    "svccert (schema %d, this one knows %d); upgrade svccert",
		    store->path, version, STORE_SCHEMA_VERSION);
		return false;
	}

	/* In place, step by step: history and audit are kept. */
	for (; version < STORE_SCHEMA_VERSION; version++)
		for (i = 0; store_migrations[version][i] != NULL; i++)
			if (!store_exec(store, store_migrations[version][i],
			    "upgrade the tables", err))
				return false;
	return true;
}

/* In one transaction, so two first runs cannot both create tables. */
static bool store_migrate(struct store *store, struct error *err)
{
	int version = 0;

	if (!store_exec(store, "BEGIN IMMEDIATE", "lock the database", err))
		return false;

	if (!store_read_version(store, &version, err) ||
	    !store_upgrade(store, version, err)) {
		store_exec(store, "ROLLBACK", "undo the schema change", NULL);
		return false;
	}
	return store_exec(store, "COMMIT", "save the schema", err);
}

/*
 * Made 0600 before SQLite opens it: the history names every key file, and
 * SQLite gives its journal the database's mode.
 */
static bool store_create_file(const char *path, struct error *err)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		error_set_errno(err, "store-failed", errno, "cannot open the "
		    "state database %s", path);
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
}

static bool store_open_db(struct store *store, struct error *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_FULLMUTEX;

	if (!store_create_file(store->path, err))
		return false;

	if (sqlite3_open_v2(store->path, &store->db, flags, NULL) !=
	    SQLITE_OK) {
		store_fail(store, "open the database", err);
		return false;
	}
	sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);

	return store_exec(store, "PRAGMA foreign_keys = ON",
	    "enable foreign keys", err) && store_migrate(store, err);
}

bool store_open(struct store **storep, const char *state_dir,
    struct error *err)
{
	struct store *store = xcalloc(1, sizeof(*store));
	bool ok = false;

	store->state_dir = xstrdup(state_dir);
	store->path = xasprintf("%s/%s", state_dir, STORE_FILE);

	/* 0700: history keeps copies of private keys. */
	if (!atomic_make_dirs(state_dir, 0700, err) ||
	    !store_open_db(store, err))
		goto out;
	ok = true;
out:
	if (!ok) {
		store_close(store);
		store = NULL;
	}
	*storep = store;
	return ok;
}

void store_close(struct store *store)
{
	if (store == NULL)
		return;
	sqlite3_close(store->db);
	free(store->state_dir);
	free(store->path);
	free(store);
}

const char *store_state_dir(const struct store *store)
{
	return store->state_dir;
}

sqlite3 *store_database(struct store *store)
{
	return store->db;
}

static char *store_history_dir(const struct store *store, int64_t id)
{
	return xasprintf("%s/history/%lld", store->state_dir, (long long)id);
}

static bool store_insert_history(struct store *store, const char *service,
    const char *fingerprint, const char *subject, time_t not_after,
    const char *reason, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!store_prepare(store, "INSERT INTO history (service, created, "
	    "fingerprint, subject, not_after, reason) VALUES (?, ?, ?, ?, ?, "
	    "?)", &stmt, "add a history entry", err))
		return false;
	store_bind_text(stmt, 1, service);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL));
	store_bind_text(stmt, 3, fingerprint);
	store_bind_text(stmt, 4, subject);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)not_after);
	store_bind_text(stmt, 6, reason);
	return store_finish(store, stmt, "add a history entry", err);
}

/* The row and its folder together: an entry without one is useless. */
bool store_history_add(struct store *store, const char *service,
    const char *fingerprint, const char *subject, time_t not_after,
    const char *reason, int64_t *id, struct error *err)
{
	char *dir = NULL;
	bool ok = false;

	if (!store_exec(store, "BEGIN IMMEDIATE", "lock the database", err))
		return false;

	if (!store_insert_history(store, service, fingerprint, subject,
	    not_after, reason, err))
		goto out;
	*id = sqlite3_last_insert_rowid(store->db);

	dir = store_history_dir(store, *id);
	if (!atomic_make_dirs(dir, 0700, err))
		goto out;
	ok = store_exec(store, "COMMIT", "save the history entry", err);
out:
	if (!ok)
		store_exec(store, "ROLLBACK", "undo the history entry", NULL);
	free(dir);
	return ok;
}

bool store_history_add_file(struct store *store, int64_t id,
    const struct history_file *file, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!store_prepare(store, "INSERT INTO history_file (history_id, idx, "
	    "path, existed, mode, uid, gid) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    &stmt, "add a file to a history entry", err))
		return false;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, file->index);
	store_bind_text(stmt, 3, file->path);
	sqlite3_bind_int(stmt, 4, file->existed);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)file->mode);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64)file->uid);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)file->gid);
	return store_finish(store, stmt, "add a file to a history entry",
	    err);
}

#define STORE_HISTORY_COLUMNS \
	"SELECT id, service, created, fingerprint, subject, not_after, " \
	"reason, result FROM history "

static void store_read_entry(const struct store *store, sqlite3_stmt *stmt,
    struct history_entry *entry)
{
	entry->id = sqlite3_column_int64(stmt, 0);
	entry->service = store_column_text(stmt, 1);
	entry->created = (time_t)sqlite3_column_int64(stmt, 2);
	entry->fingerprint = store_column_text(stmt, 3);
	entry->subject = store_column_text(stmt, 4);
	entry->not_after = (time_t)sqlite3_column_int64(stmt, 5);
	entry->reason = store_column_text(stmt, 6);
	entry->result = store_column_text(stmt, 7);
	entry->dir = store_history_dir(store, entry->id);
}

bool store_history_list(struct store *store, const char *service,
    struct history_entry **entries, size_t *count, struct error *err)
{
	struct history_entry *list = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc;

	*entries = NULL;
	*count = 0;
	if (!store_prepare(store, STORE_HISTORY_COLUMNS "WHERE ?1 IS NULL OR "
	    "service = ?1 ORDER BY id DESC", &stmt, "list the history", err))
		return false;
	if (service != NULL)
		store_bind_text(stmt, 1, service);

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof(*list));
		store_read_entry(store, stmt, &list[n++]);
	}
	sqlite3_finalize(stmt);

	if (rc != SQLITE_DONE) {
		store_fail(store, "list the history", err);
		history_entries_free(list, n);
		return false;
	}
	*entries = list;
	*count = n;
	return true;
}

bool store_history_get(struct store *store, int64_t id,
    struct history_entry *entry, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(entry, 0, sizeof(*entry));
	if (!store_prepare(store, STORE_HISTORY_COLUMNS "WHERE id = ?", &stmt,
	    "read a history entry", err))
		return false;
	sqlite3_bind_int64(stmt, 1, id);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		store_read_entry(store, stmt, entry);
	else if (rc == SQLITE_DONE)
		error_set(err, "history-not-found", "there is no history entry "
		    "%lld; run svccert history to see the entries",
		    (long long)id);
	else
		store_fail(store, "read a history entry", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW;
}

bool store_history_files(struct store *store, int64_t id,
    struct history_file **files, size_t *count, struct error *err)
{
	struct history_file *list = NULL, *f;
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc;

	*files = NULL;
	*count = 0;
	if (!store_prepare(store, "SELECT idx, path, existed, mode, uid, gid "
	    "FROM history_file WHERE history_id = ? ORDER BY idx", &stmt,
	    "read a history entry's files", err))
		return false;
	sqlite3_bind_int64(stmt, 1, id);

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof(*list));
		f = &list[n++];
		f->index = sqlite3_column_int(stmt, 0);
		f->path = store_column_text(stmt, 1);
		f->existed = sqlite3_column_int(stmt, 2) != 0;
		f->mode = (mode_t)sqlite3_column_int64(stmt, 3);
		f->uid = (uid_t)sqlite3_column_int64(stmt, 4);
		f->gid = (gid_t)sqlite3_column_int64(stmt, 5);
	}
	sqlite3_finalize(stmt);

	if (rc != SQLITE_DONE) {
		store_fail(store, "read a history entry's files", err);
		history_files_free(list, n);
		return false;
	}
	*files = list;
	*count = n;
	return true;
}

void history_entry_free(struct history_entry *entry)
{
	free(entry->service);
	free(entry->fingerprint);
	free(entry->subject);
	free(entry->reason);
	free(entry->result);
	free(entry->dir);
	memset(entry, 0, sizeof(*entry));
}

void history_entries_free(struct history_entry *entries, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		history_entry_free(&entries[i]);
	free(entries);
}

void history_files_free(struct history_file *files, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(files[i].path);
	free(files);
}

bool store_history_set_result(struct store *store, int64_t id,
    const char *result, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!store_prepare(store, "UPDATE history SET result = ? WHERE id = ?",
	    &stmt, "record how a change ended", err))
		return false;
	store_bind_text(stmt, 1, result);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)id);
	return store_finish(store, stmt, "record how a change ended", err);
}

bool store_audit_add(struct store *store, const struct audit_record *rec,
    struct error *err)
{
	sqlite3_stmt *stmt;

	/* What was done and how it ended are the record; without them it
	 * is a caller's bug. */
	if (rec->action == NULL || rec->result == NULL)
		abort();

	if (!store_prepare(store, "INSERT INTO audit (time, user, action, "
	    "service, old_fingerprint, new_fingerprint, result, message) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &stmt, "add to the audit log",
	    err))
		return false;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL));
	store_bind_text(stmt, 2, rec->user);
	store_bind_text(stmt, 3, rec->action);
	sqlite3_bind_text(stmt, 4, rec->service, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, rec->old_fingerprint, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, rec->new_fingerprint, -1,
	    SQLITE_TRANSIENT);
	store_bind_text(stmt, 7, rec->result);
	sqlite3_bind_text(stmt, 8, rec->message, -1, SQLITE_TRANSIENT);
	return store_finish(store, stmt, "add to the audit log", err);
}

bool store_audit_last(struct store *store, const char *service,
    struct audit_entry *entry, bool *found, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(entry, 0, sizeof(*entry));
	*found = false;
	if (!store_prepare(store, "SELECT time, user, action, result FROM "
	    "audit WHERE service = ? ORDER BY id DESC LIMIT 1", &stmt,
	    "read the audit log", err))
		return false;
	store_bind_text(stmt, 1, service);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		entry->time = (time_t)sqlite3_column_int64(stmt, 0);
		entry->user = store_column_text(stmt, 1);
		entry->action = store_column_text(stmt, 2);
		entry->result = store_column_text(stmt, 3);
		*found = true;
	} else if (rc != SQLITE_DONE)
		store_fail(store, "read the audit log", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

void audit_entry_free(struct audit_entry *entry)
{
	free(entry->user);
	free(entry->action);
	free(entry->result);
	memset(entry, 0, sizeof(*entry));
}
