/*
 * test_users.c - the panel's users, API tokens and web sessions: rules
 * for names and passwords, what the database keeps (hashes only), expiry,
 * what goes with a deleted user, and the upgrade of a version-1 store.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "fixture.h"
#include "store.h"
#include "users.h"
#include "util.h"

#define PASSWORD "correct horse battery"
/* users.c: a label fits one line of svccert token list */
#define LABEL_MAX 64

static struct store *open_store(const char *state_dir)
{
	struct store *store = NULL;
	struct error err;

	if (!store_open(&store, state_dir, &err))
		fail_msg("store_open: %s: %s", err.code, err.message);
	return store;
}

static void add_user(struct store *store, const char *name,
    enum user_role role)
{
	struct error err;

	if (!users_add(store, name, role, PASSWORD, &err))
		fail_msg("users_add %s: %s: %s", name, err.code, err.message);
}

/* One integer from SQL run straight on the store's database. */
static int64_t db_int(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt;
	int64_t value;

	assert_int_equal(sqlite3_prepare_v2(store_database(store), sql, -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

/* One text from SQL on the store's database (malloc'd). */
static char *db_text(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt;
	char *value;

	assert_int_equal(sqlite3_prepare_v2(store_database(store), sql, -1,
	    &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	value = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return value;
}

static void db_exec(struct store *store, const char *sql)
{
	assert_int_equal(sqlite3_exec(store_database(store), sql, NULL, NULL,
	    NULL), SQLITE_OK);
}

static bool is_hex(const char *s, size_t length)
{
	return strlen(s) == length && strspn(s, "0123456789abcdef") ==
	    length;
}

static void test_users_add_get_list_delete(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	time_t before = time(NULL);
	struct user user, *list;
	struct error err;
	size_t count;

	assert_true(users_count(store, &count, &err));
	assert_int_equal(count, 0);
	add_user(store, "root", USER_ADMIN);
	add_user(store, "bob", USER_RESELLER);

	assert_true(users_get(store, "bob", &user, &err));
	assert_string_equal(user.name, "bob");
	assert_int_equal(user.role, USER_RESELLER);
	assert_false(user.service_ssl);
	assert_true(user.created >= before && user.created <= time(NULL));
	user_free(&user);

	/* By name, whatever order they came in. */
	assert_true(users_list(store, &list, &count, &err));
	assert_int_equal(count, 2);
	assert_string_equal(list[0].name, "bob");
	assert_string_equal(list[1].name, "root");
	assert_int_equal(list[1].role, USER_ADMIN);
	users_free(list, count);

	assert_false(users_add(store, "bob", USER_ADMIN, PASSWORD, &err));
	assert_string_equal(err.code, "user-exists");
	assert_non_null(strstr(err.message, "'bob'"));

	assert_true(users_delete(store, "bob", &err));
	assert_false(users_get(store, "bob", &user, &err));
	assert_string_equal(err.code, "user-not-found");
	assert_non_null(strstr(err.message, "'bob'"));
	assert_non_null(strstr(err.message, "svccert user list"));
	assert_false(users_delete(store, "bob", &err));
	assert_string_equal(err.code, "user-not-found");
	assert_true(users_count(store, &count, &err));
	assert_int_equal(count, 1);
	store_close(store);
	free(dir);
}

static void test_users_name_rules(void **state)
{
	static const char *const bad[] = {
		"", "Bob", "1bob", "-bob", "bo b", "bob$", "bób", "bob\n",
		"a23456789012345678901234567890123",
	};
	static const char *const good[] = {
		"a", "reseller-1", "web.admin_2",
		"a2345678901234567890123456789012",
	};
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(users_check_name(bad[i], &err));
		assert_false(users_add(store, bad[i], USER_RESELLER, PASSWORD,
		    &err));
		assert_string_equal(err.code, "bad-user-name");
		assert_null(strchr(err.message, '\n'));
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		add_user(store, good[i], USER_RESELLER);
	store_close(store);
	free(dir);
}

static void test_users_password_rules(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char long_password[600];
	struct error err;

	assert_false(users_add(store, "bob", USER_RESELLER, "", &err));
	assert_string_equal(err.code, "weak-password");
	assert_false(users_add(store, "bob", USER_RESELLER, "1234567", &err));
	assert_string_equal(err.code, "weak-password");
	assert_non_null(strstr(err.message, "'bob'"));
	assert_non_null(strstr(err.message, "8"));

	memset(long_password, 'x', sizeof(long_password) - 1);
	long_password[sizeof(long_password) - 1] = '\0';
	assert_false(users_add(store, "bob", USER_RESELLER, long_password,
	    &err));
	assert_string_equal(err.code, "password-too-long");

	/* Nothing was added by the refusals. */
	assert_false(users_get(store, "bob", NULL, &err));
	assert_true(users_add(store, "bob", USER_RESELLER, "12345678", &err));
	assert_false(users_set_password(store, "bob", "short", &err));
	assert_string_equal(err.code, "weak-password");
	assert_false(users_set_password(store, "nobody", PASSWORD, &err));
	assert_string_equal(err.code, "user-not-found");
	store_close(store);
	free(dir);
}

static double elapsed_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_users_authenticate(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct error wrong, unknown, err;
	double wrong_time, unknown_time;
	struct timespec start;
	struct user user;

	add_user(store, "bob", USER_RESELLER);
	assert_true(users_authenticate(store, "bob", PASSWORD, &user, &err));
	assert_string_equal(user.name, "bob");
	assert_int_equal(user.role, USER_RESELLER);
	user_free(&user);
	assert_true(users_authenticate(store, "bob", PASSWORD, NULL, &err));

	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_false(users_authenticate(store, "bob", "wrong password",
	    &user, &wrong));
	wrong_time = elapsed_since(&start);
	assert_null(user.name);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_false(users_authenticate(store, "alice", PASSWORD, &user,
	    &unknown));
	unknown_time = elapsed_since(&start);

	/* The same answer either way, and no quick one for a bad name. */
	assert_string_equal(wrong.code, "bad-credentials");
	assert_string_equal(unknown.code, "bad-credentials");
	assert_true(unknown_time > wrong_time / 4);

	/* A case-changed name is another (unknown) name. */
	assert_false(users_authenticate(store, "Bob", PASSWORD, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	store_close(store);
	free(dir);
}

static void test_users_password_hash(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char *first, *second;
	struct error err;

	add_user(store, "bob", USER_RESELLER);
	first = db_text(store, "SELECT password_hash FROM user");
	assert_memory_equal(first, "$y$", 3);
	assert_null(strstr(first, PASSWORD));

	/* A new password is a new hash with a new salt; the old one fails. */
	assert_true(users_set_password(store, "bob", "another password",
	    &err));
	second = db_text(store, "SELECT password_hash FROM user");
	assert_memory_equal(second, "$y$", 3);
	assert_string_not_equal(first, second);
	assert_false(users_authenticate(store, "bob", PASSWORD, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_true(users_authenticate(store, "bob", "another password",
	    NULL, &err));
	free(first);
	free(second);
	store_close(store);
	free(dir);
}

static void test_users_random_password(void **state)
{
	char *a = users_random_password();
	char *b = users_random_password();

	assert_int_equal(strlen(a), 24);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_"), 24);
	assert_string_not_equal(a, b);
	util_free_secret(a, strlen(a));
	util_free_secret(b, strlen(b));
}

static void test_users_privilege(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct user user;
	struct error err;
	int64_t id;
	char *token;

	add_user(store, "root", USER_ADMIN);
	add_user(store, "bob", USER_RESELLER);
	assert_true(users_get(store, "root", &user, &err));
	assert_true(user_may_manage(&user));
	assert_string_equal(user_role_name(user.role), "admin");
	user_free(&user);
	assert_string_equal(user_role_name(USER_RESELLER), "reseller");

	/* Each request reads the row again: a grant or revoke counts at
	 * once for a token already in use. */
	assert_true(tokens_create(store, "bob", NULL, &token, &id, &err));
	assert_true(tokens_authenticate(store, NULL, token, &user, &err));
	assert_false(user_may_manage(&user));
	user_free(&user);
	assert_true(users_set_privilege(store, "bob", true, &err));
	assert_true(tokens_authenticate(store, NULL, token, &user, &err));
	assert_true(user.service_ssl);
	assert_true(user_may_manage(&user));
	user_free(&user);
	assert_true(users_set_privilege(store, "bob", false, &err));
	assert_true(tokens_authenticate(store, NULL, token, &user, &err));
	assert_false(user_may_manage(&user));
	user_free(&user);

	assert_false(users_set_privilege(store, "root", false, &err));
	assert_string_equal(err.code, "user-is-admin");
	assert_non_null(strstr(err.message, "'root'"));
	assert_false(users_set_privilege(store, "nobody", true, &err));
	assert_string_equal(err.code, "user-not-found");
	util_free_secret(token, strlen(token));
	store_close(store);
	free(dir);
}

static void test_users_last_admin(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct error err;

	add_user(store, "root", USER_ADMIN);
	add_user(store, "bob", USER_RESELLER);
	assert_false(users_delete(store, "root", &err));
	assert_string_equal(err.code, "last-admin");
	assert_non_null(strstr(err.message, "'root'"));
	assert_true(users_get(store, "root", NULL, &err));

	add_user(store, "admin2", USER_ADMIN);
	assert_true(users_delete(store, "root", &err));
	assert_false(users_delete(store, "admin2", &err));
	assert_string_equal(err.code, "last-admin");
	assert_true(users_delete(store, "bob", &err));
	store_close(store);
	free(dir);
}

/* The database file's bytes, to look for secrets in them. */
static char *read_db(const char *dir, size_t *length)
{
	char *path = xasprintf("%s/svccert.db", dir);
	struct error err;
	char *data;

	if (!util_read_file(path, 64 << 20, &data, length, &err))
		fail_msg("%s: %s", err.code, err.message);
	free(path);
	return data;
}

static bool db_contains(const char *dir, const char *text)
{
	size_t length;
	char *data = read_db(dir, &length);
	bool found = memmem(data, length, text, strlen(text)) != NULL;

	free(data);
	return found;
}

static void test_tokens(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	struct token_info *list;
	char *token, *other;
	int64_t id, other_id;
	struct user user;
	struct error err;
	size_t count;

	add_user(store, "root", USER_ADMIN);
	add_user(store, "bob", USER_RESELLER);
	assert_true(tokens_create(store, "bob", "deploy script", &token, &id,
	    &err));
	assert_true(is_hex(token, 64));
	assert_true(tokens_create(store, "root", NULL, &other, &other_id,
	    &err));
	assert_true(other_id > id);
	assert_string_not_equal(token, other);

	/* Bearer: any owner; whm USER:TOKEN: that owner only. */
	assert_true(tokens_authenticate(store, NULL, token, &user, &err));
	assert_string_equal(user.name, "bob");
	user_free(&user);
	assert_true(tokens_authenticate(store, "bob", token, &user, &err));
	assert_string_equal(user.name, "bob");
	user_free(&user);
	assert_false(tokens_authenticate(store, "root", token, &user, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_null(user.name);
	assert_false(tokens_authenticate(store, "nobody", token, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_false(tokens_authenticate(store, NULL, "0123abcd", NULL,
	    &err));
	assert_string_equal(err.code, "bad-credentials");

	/* Listed with owner, label and use; the secret is nowhere. */
	assert_true(tokens_list(store, NULL, &list, &count, &err));
	assert_int_equal(count, 2);
	assert_int_equal(list[0].id, id);
	assert_string_equal(list[0].user, "bob");
	assert_string_equal(list[0].label, "deploy script");
	assert_true(list[0].created > 0);
	assert_true(list[0].last_used >= list[0].created);
	assert_string_equal(list[1].label, "");
	assert_int_equal(list[1].last_used, 0);
	tokens_free(list, count);
	assert_true(tokens_list(store, "root", &list, &count, &err));
	assert_int_equal(count, 1);
	assert_int_equal(list[0].id, other_id);
	tokens_free(list, count);
	assert_false(tokens_list(store, "nobody", &list, &count, &err));
	assert_string_equal(err.code, "user-not-found");

	store_close(store);
	assert_false(db_contains(dir, token));
	assert_false(db_contains(dir, other));
	assert_true(db_contains(dir, "deploy script"));
	store = open_store(dir);

	assert_true(tokens_revoke(store, id, &err));
	assert_false(tokens_authenticate(store, NULL, token, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_false(tokens_revoke(store, id, &err));
	assert_string_equal(err.code, "token-not-found");
	assert_non_null(strstr(err.message, "svccert token list"));
	assert_true(tokens_authenticate(store, "root", other, NULL, &err));
	util_free_secret(token, strlen(token));
	util_free_secret(other, strlen(other));
	store_close(store);
	free(dir);
}

static void test_tokens_refused(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char label[LABEL_MAX + 2];
	struct error err;
	char *token;
	int64_t id;

	add_user(store, "bob", USER_RESELLER);
	assert_false(tokens_create(store, "nobody", "x", &token, &id, &err));
	assert_string_equal(err.code, "user-not-found");
	assert_null(token);
	assert_false(tokens_create(store, "bob", "two\nlines", &token, &id,
	    &err));
	assert_string_equal(err.code, "bad-token-label");
	memset(label, 'x', sizeof(label) - 1);
	label[sizeof(label) - 1] = '\0';
	assert_false(tokens_create(store, "bob", label, &token, &id, &err));
	assert_string_equal(err.code, "bad-token-label");
	assert_int_equal(db_int(store, "SELECT count(*) FROM token"), 0);
	store_close(store);
	free(dir);
}

static void test_sessions(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char *id, *csrf, *checked;
	struct user user;
	struct error err;

	add_user(store, "bob", USER_RESELLER);
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));
	assert_true(is_hex(id, 64));
	assert_true(is_hex(csrf, 64));
	assert_string_not_equal(id, csrf);

	assert_true(sessions_check(store, id, &user, &checked, &err));
	assert_string_equal(user.name, "bob");
	assert_string_equal(checked, csrf);
	user_free(&user);
	free(checked);
	assert_true(sessions_check(store, id, NULL, NULL, &err));

	/* The cookie's value is not in the database; its hash is. */
	store_close(store);
	assert_false(db_contains(dir, id));
	store = open_store(dir);

	assert_false(sessions_check(store, "f00d", &user, &checked, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_null(user.name);
	assert_null(checked);

	assert_true(sessions_delete(store, id, &err));
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	/* Logging out twice is no error. */
	assert_true(sessions_delete(store, id, &err));
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));
	assert_false(sessions_create(store, "nobody", &id, &csrf, &err));
	assert_string_equal(err.code, "user-not-found");
	assert_null(id);
	assert_null(csrf);
	store_close(store);
	free(dir);
}

/* Move a session's clock: idle since idle_ago, begun begun_ago. */
static void age_sessions(struct store *store, long idle_ago, long begun_ago)
{
	char *sql = xasprintf("UPDATE session SET last_used = strftime('%%s') "
	    "- %ld, created = strftime('%%s') - %ld", idle_ago, begun_ago);

	db_exec(store, sql);
	free(sql);
}

static void test_sessions_expire(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char *id, *csrf, *stale_id, *stale_csrf;
	struct error err;

	add_user(store, "bob", USER_RESELLER);
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));

	/* Used a minute within the idle limit: still good, and refreshed. */
	age_sessions(store, SESSION_IDLE_SECONDS - 60, SESSION_IDLE_SECONDS);
	assert_true(sessions_check(store, id, NULL, NULL, &err));
	assert_true(db_int(store, "SELECT strftime('%s') - last_used FROM "
	    "session") < 60);

	/* Idle too long: expired, and the row goes. */
	age_sessions(store, SESSION_IDLE_SECONDS + 1, SESSION_IDLE_SECONDS);
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "session-expired");
	assert_non_null(strstr(err.message, "'bob'"));
	assert_int_equal(db_int(store, "SELECT count(*) FROM session"), 0);
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));

	/* In use all along, but past the absolute limit. */
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));
	age_sessions(store, 0, SESSION_MAX_SECONDS + 1);
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "session-expired");
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));

	/* An expired session nobody checks goes at the next login. */
	assert_true(sessions_create(store, "bob", &stale_id, &stale_csrf,
	    &err));
	age_sessions(store, SESSION_IDLE_SECONDS + 1, SESSION_IDLE_SECONDS);
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));
	assert_int_equal(db_int(store, "SELECT count(*) FROM session"), 1);
	assert_true(sessions_check(store, id, NULL, NULL, &err));
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));
	util_free_secret(stale_id, strlen(stale_id));
	util_free_secret(stale_csrf, strlen(stale_csrf));
	store_close(store);
	free(dir);
}

static void test_users_password_ends_sessions(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char *id, *csrf, *token;
	struct error err;
	int64_t token_id;

	add_user(store, "bob", USER_RESELLER);
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));
	assert_true(tokens_create(store, "bob", NULL, &token, &token_id,
	    &err));
	assert_true(users_set_password(store, "bob", "a new password",
	    &err));
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	/* Tokens are credentials of their own. */
	assert_true(tokens_authenticate(store, "bob", token, NULL, &err));
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));
	util_free_secret(token, strlen(token));
	store_close(store);
	free(dir);
}

static void test_users_delete_cascades(void **state)
{
	char *dir = fixture_temp_dir();
	struct store *store = open_store(dir);
	char *id, *csrf, *token, *kept;
	struct token_info *list;
	int64_t token_id, kept_id;
	struct error err;
	size_t count;

	add_user(store, "root", USER_ADMIN);
	add_user(store, "bob", USER_RESELLER);
	assert_true(sessions_create(store, "bob", &id, &csrf, &err));
	assert_true(tokens_create(store, "bob", "a", &token, &token_id,
	    &err));
	assert_true(tokens_create(store, "root", "b", &kept, &kept_id, &err));

	assert_true(users_delete(store, "bob", &err));
	assert_int_equal(db_int(store, "SELECT count(*) FROM token WHERE "
	    "user = 'bob'"), 0);
	assert_int_equal(db_int(store, "SELECT count(*) FROM session"), 0);
	assert_false(tokens_authenticate(store, NULL, token, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");
	assert_false(sessions_check(store, id, NULL, NULL, &err));
	assert_string_equal(err.code, "bad-credentials");

	/* A new bob is a new user: nothing of the old one comes back. */
	add_user(store, "bob", USER_RESELLER);
	assert_false(tokens_authenticate(store, "bob", token, NULL, &err));
	assert_true(tokens_list(store, NULL, &list, &count, &err));
	assert_int_equal(count, 1);
	assert_int_equal(list[0].id, kept_id);
	tokens_free(list, count);
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));
	util_free_secret(token, strlen(token));
	util_free_secret(kept, strlen(kept));
	store_close(store);
	free(dir);
}

/* What svccert 0.1 created: schema version 1, history and audit. */
static void make_v1_database(const char *dir)
{
	char *path = xasprintf("%s/svccert.db", dir);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	    "CREATE TABLE history (id INTEGER PRIMARY KEY, service TEXT NOT "
	    "NULL, created INTEGER NOT NULL, fingerprint TEXT NOT NULL, "
	    "subject TEXT NOT NULL, not_after INTEGER NOT NULL, reason TEXT "
	    "NOT NULL);"
	    "CREATE INDEX history_by_service ON history (service, id);"
	    "CREATE TABLE history_file (history_id INTEGER NOT NULL "
	    "REFERENCES history (id), idx INTEGER NOT NULL, path TEXT NOT "
	    "NULL, existed INTEGER NOT NULL, mode INTEGER NOT NULL, uid "
	    "INTEGER NOT NULL, gid INTEGER NOT NULL, PRIMARY KEY "
	    "(history_id, idx));"
	    "CREATE TABLE audit (id INTEGER PRIMARY KEY, time INTEGER NOT "
	    "NULL, user TEXT NOT NULL, action TEXT NOT NULL, service TEXT, "
	    "old_fingerprint TEXT, new_fingerprint TEXT, result TEXT NOT "
	    "NULL, message TEXT);"
	    "INSERT INTO history VALUES (7, 'exim', 1700000000, 'AA:BB', "
	    "'CN=mail', 1800000000, 'install');"
	    "INSERT INTO audit (time, user, action, result) VALUES "
	    "(1700000000, 'root', 'install', 'ok');"
	    "PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
}

static void test_users_migrate_v1(void **state)
{
	char *dir = fixture_temp_dir();
	struct history_entry *entries;
	struct store *store;
	struct error err;
	size_t count;
	char *token;
	int64_t id;

	make_v1_database(dir);
	store = open_store(dir);
	assert_int_equal(db_int(store, "PRAGMA user_version"), 3);

	/* Upgraded in place: what history and audit had is still there. */
	assert_true(store_history_list(store, NULL, &entries, &count, &err));
	assert_int_equal(count, 1);
	assert_int_equal(entries[0].id, 7);
	assert_string_equal(entries[0].fingerprint, "AA:BB");
	assert_string_equal(entries[0].result, "");  /* not known then */
	history_entries_free(entries, count);
	assert_int_equal(db_int(store, "SELECT count(*) FROM audit"), 1);

	add_user(store, "root", USER_ADMIN);
	assert_true(tokens_create(store, "root", NULL, &token, &id, &err));
	assert_true(tokens_authenticate(store, "root", token, NULL, &err));
	util_free_secret(token, strlen(token));
	store_close(store);

	/* Opening again changes nothing more. */
	store = open_store(dir);
	assert_int_equal(db_int(store, "PRAGMA user_version"), 3);
	assert_true(users_get(store, "root", NULL, &err));
	store_close(store);
	free(dir);
}

static int teardown(void **state)
{
	fixture_cleanup_dirs();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_add_get_list_delete),
		cmocka_unit_test(test_users_name_rules),
		cmocka_unit_test(test_users_password_rules),
		cmocka_unit_test(test_users_authenticate),
		cmocka_unit_test(test_users_password_hash),
		cmocka_unit_test(test_users_random_password),
		cmocka_unit_test(test_users_privilege),
		cmocka_unit_test(test_users_last_admin),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_tokens_refused),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_sessions_expire),
		cmocka_unit_test(test_users_password_ends_sessions),
		cmocka_unit_test(test_users_delete_cascades),
		cmocka_unit_test(test_users_migrate_v1),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
