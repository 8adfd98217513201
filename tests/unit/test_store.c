/*
 * test_store.c - the state store: folders and modes, history with its
 * files, the audit log, and data kept across a reopen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "fixture.h"
#include "store.h"
#include "util.h"

static struct store *open_store(const char *state_dir)
{
	struct store *store = NULL;
	struct error err;

	if (!store_open(&store, state_dir, &err))
		fail_msg("store_open: %s: %s", err.code, err.message);
	return store;
}

static void assert_mode(const char *path, mode_t mode)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
}

static void test_store_creates_state_dir(void **state)
{
	char *dir = fixture_temp_dir();
	char *state_dir = xasprintf("%s/var/lib/svccert", dir);
	char *db = xasprintf("%s/svccert.db", state_dir);
	struct store *store;

	umask(022);
	store = open_store(state_dir);
	assert_string_equal(store_state_dir(store), state_dir);
	assert_mode(state_dir, 0700);
	assert_mode(db, 0600);
	store_close(store);
	free(db);
	free(state_dir);
	free(dir);
}

static void test_store_history(void **state)
{
	char *dir = fixture_temp_dir();
	struct history_entry *list, entry;
	struct store *store = open_store(dir);
	time_t before = time(NULL);
	int64_t first, second;
	struct error err;
	size_t count;
	char *expect;

	assert_true(store_history_add(store, "exim", "AA:BB", "CN=mail",
	    1900000000, "install", &first, &err));
	assert_true(store_history_add(store, "dovecot", "", "", 0, "reset",
	    &second, &err));
	assert_true(second > first);

	/* Its folder exists, private: it will hold a copy of the key. */
	assert_true(store_history_get(store, first, &entry, &err));
	expect = xasprintf("%s/history/%lld", dir, (long long)first);
	assert_string_equal(entry.dir, expect);
	assert_mode(entry.dir, 0700);
	free(expect);
	assert_int_equal(entry.id, first);
	assert_string_equal(entry.service, "exim");
	assert_string_equal(entry.fingerprint, "AA:BB");
	assert_string_equal(entry.subject, "CN=mail");
	assert_int_equal(entry.not_after, 1900000000);
	assert_string_equal(entry.reason, "install");
	assert_true(entry.created >= before && entry.created <= time(NULL));
	history_entry_free(&entry);

	/* Newest first, and filtered by service. */
	assert_true(store_history_list(store, NULL, &list, &count, &err));
	assert_int_equal(count, 2);
	assert_int_equal(list[0].id, second);
	assert_string_equal(list[0].service, "dovecot");
	assert_string_equal(list[0].fingerprint, "");
	assert_int_equal(list[1].id, first);
	history_entries_free(list, count);

	assert_true(store_history_list(store, "exim", &list, &count, &err));
	assert_int_equal(count, 1);
	assert_string_equal(list[0].service, "exim");
	history_entries_free(list, count);

	assert_true(store_history_list(store, "nginx", &list, &count, &err));
	assert_int_equal(count, 0);
	history_entries_free(list, count);
	store_close(store);
	free(dir);
}

static void test_store_history_files(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct history_file crt = {
		.index = 0, .path = "/etc/exim4/exim.crt", .existed = true,
		.mode = 0644, .uid = 0, .gid = 105,
	};
	struct history_file key = {
		.index = 1, .path = "/etc/exim4/exim.key", .existed = false,
	};
	struct history_file *files;
	struct error err;
	size_t count;
	int64_t id;

	assert_true(store_history_add(store, "exim", "AA", "CN=a", 0,
	    "install", &id, &err));
	assert_true(store_history_add_file(store, id, &key, &err));
	assert_true(store_history_add_file(store, id, &crt, &err));

	/* In the service's file order, whatever order they were added. */
	assert_true(store_history_files(store, id, &files, &count, &err));
	assert_int_equal(count, 2);
	assert_int_equal(files[0].index, 0);
	assert_string_equal(files[0].path, "/etc/exim4/exim.crt");
	assert_true(files[0].existed);
	assert_int_equal(files[0].mode, 0644);
	assert_int_equal(files[0].uid, 0);
	assert_int_equal(files[0].gid, 105);
	assert_int_equal(files[1].index, 1);
	assert_false(files[1].existed);
	history_files_free(files, count);

	/* The same index twice is a caller's mistake the store refuses. */
	assert_false(store_history_add_file(store, id, &crt, &err));
	assert_string_equal(err.code, "store-failed");
	store_close(store);
	free(dir);
}

static void test_store_history_missing(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct history_entry entry;
	struct history_file *files;
	struct error err;
	size_t count;

	assert_false(store_history_get(store, 42, &entry, &err));
	assert_string_equal(err.code, "history-not-found");
	assert_non_null(strstr(err.message, "42"));
	assert_true(store_history_files(store, 42, &files, &count, &err));
	assert_int_equal(count, 0);
	history_files_free(files, count);
	store_close(store);
	free(dir);
}

/* Read the audit log back with SQLite itself: every column. */
static void test_store_audit(void **state)
{
	char *dir = fixture_temp_dir();
	char *db_path = xasprintf("%s/svccert.db", dir);
	struct store *store = open_store(dir);
	struct audit_record ok = {
		.user = "root", .action = "install", .service = "exim",
		.old_fingerprint = "AA", .new_fingerprint = "BB",
		.result = "ok", .message = "installed and verified",
	};
	struct audit_record bare = { .action = "recover", .result = "ok" };
	sqlite3_stmt *stmt;
	struct error err;
	sqlite3 *db;

	assert_true(store_audit_add(store, &ok, &err));
	assert_true(store_audit_add(store, &bare, &err));
	store_close(store);

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT user, action, "
	    "service, old_fingerprint, new_fingerprint, result, message, "
	    "time FROM audit ORDER BY id", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 0),
	    "root");
	assert_string_equal((const char *)sqlite3_column_text(stmt, 2),
	    "exim");
	assert_string_equal((const char *)sqlite3_column_text(stmt, 4), "BB");
	assert_string_equal((const char *)sqlite3_column_text(stmt, 6),
	    "installed and verified");
	assert_true(sqlite3_column_int64(stmt, 7) > 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(stmt, 1),
	    "recover");
	assert_int_equal(sqlite3_column_type(stmt, 2), SQLITE_NULL);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	free(db_path);
	free(dir);
}

static void test_store_reopen_keeps_data(void **state)
{
	char *dir = fixture_temp_dir();
	struct history_file crt = {
		.index = 0, .path = "/etc/exim4/exim.crt", .existed = true,
		.mode = 0644,
	};
	struct history_entry *list;
	struct history_file *files;
	struct store *store;
	struct error err;
	size_t count;
	int64_t id, next;

	store = open_store(dir);
	assert_true(store_history_add(store, "exim", "AA", "CN=a", 5,
	    "install", &id, &err));
	assert_true(store_history_add_file(store, id, &crt, &err));
	store_close(store);

	store = open_store(dir);
	assert_true(store_history_list(store, NULL, &list, &count, &err));
	assert_int_equal(count, 1);
	assert_int_equal(list[0].id, id);
	assert_string_equal(list[0].fingerprint, "AA");
	history_entries_free(list, count);
	assert_true(store_history_files(store, id, &files, &count, &err));
	assert_int_equal(count, 1);
	history_files_free(files, count);

	/* Ids go on from where they were: history is never renumbered. */
	assert_true(store_history_add(store, "exim", "BB", "CN=b", 5,
	    "install", &next, &err));
	assert_true(next > id);
	store_close(store);
	free(dir);
}

static void test_store_newer_schema(void **state)
{
	char *dir = fixture_temp_dir();
	char *db_path = xasprintf("%s/svccert.db", dir);
	struct store *store = NULL;
	struct error err;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_false(store_open(&store, dir, &err));
	assert_null(store);
	assert_string_equal(err.code, "store-too-new");
	assert_non_null(strstr(err.message, db_path));
	free(db_path);
	free(dir);
}

static void test_store_unusable_dir(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "plain", "x");
	char *state_dir = xasprintf("%s/state", file);
	struct store *store = NULL;
	struct error err;

	assert_false(store_open(&store, state_dir, &err));
	assert_null(store);
	assert_string_equal(err.code, "write-failed");
	free(state_dir);
	free(file);
	free(dir);
}

static int teardown(void **state)
{
	fixture_cleanup_dirs();
	return 0;
}

/* What the panel shows as a service's last change. */
static void test_store_audit_last(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct audit_record first = { .user = "root", .action = "install",
	    .service = "exim", .result = "ok" };
	struct audit_record second = { .user = "ann", .action = "reset",
	    .service = "exim", .result = "rolled-back" };
	struct audit_record other = { .user = "root", .action = "install",
	    .service = "dovecot", .result = "ok" };
	struct audit_entry entry;
	struct error err;
	bool found = true;

	assert_true(store_audit_last(store, "exim", &entry, &found, &err));
	assert_false(found);
	audit_entry_free(&entry);

	assert_true(store_audit_add(store, &first, &err));
	assert_true(store_audit_add(store, &second, &err));
	assert_true(store_audit_add(store, &other, &err));
	assert_true(store_audit_last(store, "exim", &entry, &found, &err));
	assert_true(found);
	assert_string_equal(entry.user, "ann");
	assert_string_equal(entry.action, "reset");
	assert_string_equal(entry.result, "rolled-back");
	assert_true(entry.time > 0);
	audit_entry_free(&entry);
	store_close(store);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_creates_state_dir),
		cmocka_unit_test(test_store_history),
		cmocka_unit_test(test_store_history_files),
		cmocka_unit_test(test_store_history_missing),
		cmocka_unit_test(test_store_audit),
		cmocka_unit_test(test_store_audit_last),
		cmocka_unit_test(test_store_reopen_keeps_data),
		cmocka_unit_test(test_store_newer_schema),
		cmocka_unit_test(test_store_unusable_dir),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
