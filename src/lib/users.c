/*
 * users.c - the panel's users, their API tokens and their web sessions.
 *
 * Every check reads the database again, never a cache: a revoked
 * privilege, a deleted user or a revoked token stops working on the next
 * request.  Passwords are kept as yescrypt hashes, slow on purpose since
 * people choose guessable ones; tokens and session IDs are 256 random
 * bits, which no one can guess, so a SHA-256 of them is enough.  Secrets
 * are wiped from memory once used.
 */
#include "users.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util.h"

#define USER_NAME_MAX 32
#define USER_NAME_FIRST "abcdefghijklmnopqrstuvwxyz"
#define USER_NAME_CHARS USER_NAME_FIRST "0123456789._-"
#define PASSWORD_MIN 8
/* libxcrypt refuses longer passphrases. */
#define PASSWORD_MAX (CRYPT_MAX_PASSPHRASE_SIZE - 1)
#define TOKEN_LABEL_MAX 64
#define SECRET_BYTES 32
#define HEX_SIZE(bytes) (2 * (bytes) + 1)
#define SHA256_BYTES 32
/* 144 bits, 24 characters of base64url: strong, and short enough to
 * type once. */
#define RANDOM_PASSWORD_BYTES 18

#define USER_COLUMNS "name, role, service_ssl, created"
#define TOKEN_COLUMNS "id, user, label, created, last_used"

/*
 * A yescrypt hash, at the cost users_add uses (libxcrypt's default), of a
 * password no one has: checking an unknown user costs one crypt, as
 * checking a known one does, so the time taken does not tell which names
 * exist.
 */
static const char users_dummy_hash[] =
    "$y$j9T$8wPp9smMSzVE32JJrXDw8/$"
    "w1cplHRSijFyTot2TY94XY6z4fZhCO86WRTWEMVzzjC";

/* Database helpers */

static void users_fail(struct store *store, const char *what,
    struct error *err)
{
	sqlite3 *db = store_database(store);

	error_set(err, "store-failed", "cannot %s in %s (%s); check the "
	    "state folder's permissions and free space", what,
	    sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
}

static bool users_prepare(struct store *store, const char *sql,
    sqlite3_stmt **stmt, const char *what, struct error *err)
{
	if (sqlite3_prepare_v2(store_database(store), sql, -1, stmt,
	    NULL) == SQLITE_OK)
		return true;
	users_fail(store, what, err);
	return false;
}

/* Run a statement that returns no rows, and finalize it. */
static bool users_finish(struct store *store, sqlite3_stmt *stmt,
    const char *what, struct error *err)
{
	bool ok = sqlite3_step(stmt) == SQLITE_DONE;

	if (!ok)
		users_fail(store, what, err);
	sqlite3_finalize(stmt);
	return ok;
}

static bool users_exec(struct store *store, const char *sql,
    const char *what, struct error *err)
{
	sqlite3_stmt *stmt;

	return users_prepare(store, sql, &stmt, what, err) &&
	    users_finish(store, stmt, what, err);
}

/* IMMEDIATE: a check and the change it allows see the same rows. */
static bool users_begin(struct store *store, struct error *err)
{
	return users_exec(store, "BEGIN IMMEDIATE", "lock the database",
	    err);
}

/* Commit when ok, else undo; true when the change is saved. */
static bool users_end(struct store *store, bool ok, struct error *err)
{
	if (ok && users_exec(store, "COMMIT", "save the change", err))
		return true;
	users_exec(store, "ROLLBACK", "undo the change", NULL);
	return false;
}

static void users_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static char *users_column_text(sqlite3_stmt *stmt, int index)
{
	const unsigned char *text = sqlite3_column_text(stmt, index);

	return xstrdup(text != NULL ? (const char *)text : "");
}

/* A statement with one text parameter and no rows. */
static bool users_exec_for(struct store *store, const char *sql,
    const char *arg, const char *what, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, sql, &stmt, what, err))
		return false;
	users_bind_text(stmt, 1, arg);
	return users_finish(store, stmt, what, err);
}

/* One integer from a query such as SELECT count(*). */
static bool users_query_count(struct store *store, const char *sql,
    const char *arg, size_t *count, struct error *err)
{
	sqlite3_stmt *stmt;
	bool ok;

	if (!users_prepare(store, sql, &stmt, "count the users", err))
		return false;
	if (arg != NULL)
		users_bind_text(stmt, 1, arg);
	ok = sqlite3_step(stmt) == SQLITE_ROW;
	if (ok)
		*count = (size_t)sqlite3_column_int64(stmt, 0);
	else
		users_fail(store, "count the users", err);
	sqlite3_finalize(stmt);
	return ok;
}

/* Secrets */

static void users_hex(const unsigned char *bytes, size_t length, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < length; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0x0f];
	}
	out[2 * length] = '\0';
}

static void users_random_bytes(unsigned char *buf, size_t length)
{
	/* Without randomness no secret can be made, and none must be made
	 * from anything weaker. */
	if (RAND_bytes(buf, (int)length) != 1)
		abort();
}

/* A new 256-bit secret in hex (malloc'd; wipe it when done). */
static char *users_new_secret(void)
{
	unsigned char bytes[SECRET_BYTES];
	char *hex = xmalloc(HEX_SIZE(SECRET_BYTES));

	users_random_bytes(bytes, sizeof(bytes));
	users_hex(bytes, sizeof(bytes), hex);
	OPENSSL_cleanse(bytes, sizeof(bytes));
	return hex;
}

static void users_free_secret(char *secret)
{
	if (secret != NULL)
		util_free_secret(secret, strlen(secret));
}

/*
 * The SHA-256 of a secret in hex: what the database keeps instead.  The
 * lookup by hash is not constant-time, which tells a prober at most how
 * the hash of a guess begins: nothing about any real token.
 */
static void users_hash_secret(const char *secret,
    char out[HEX_SIZE(SHA256_BYTES)])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;

	/* Fails only without memory or without the default provider. */
	if (!EVP_Digest(secret, strlen(secret), digest, &length,
	    EVP_sha256(), NULL) || length != SHA256_BYTES)
		abort();
	users_hex(digest, length, out);
	OPENSSL_cleanse(digest, sizeof(digest));
}

char *users_random_password(void)
{
	unsigned char bytes[RANDOM_PASSWORD_BYTES];
	char *text = xmalloc(4 * ((RANDOM_PASSWORD_BYTES + 2) / 3) + 1);
	char *c;

	users_random_bytes(bytes, sizeof(bytes));
	EVP_EncodeBlock((unsigned char *)text, bytes, sizeof(bytes));
	OPENSSL_cleanse(bytes, sizeof(bytes));

	/* base64url: nothing a shell or a URL would mangle. */
	for (c = text; *c != '\0'; c++)
		if (*c == '+')
			*c = '-';
		else if (*c == '/')
			*c = '_';
	return text;
}

/* Passwords */

static bool users_check_password(const char *name, const char *password,
    struct error *err)
{
	size_t length = strlen(password);

	if (length < PASSWORD_MIN) {
		error_set(err, "weak-password", "the password for '%s' is "
		    "too short; use at least %d characters", name,
		    PASSWORD_MIN);
		return false;
	}
	if (length > PASSWORD_MAX) {
		error_set(err, "password-too-long", "the password for '%s' "
		    "is too long; use at most %d characters", name,
		    PASSWORD_MAX);
		return false;
	}
	return true;
}

/* A new yescrypt hash of password (malloc'd), or NULL with err set. */
static char *users_hash_password(const char *name, const char *password,
    struct error *err)
{
	struct crypt_data *data = xcalloc(1, sizeof(*data));
	char *setting, *hash = NULL;

	/* Cost 0 is libxcrypt's default, which follows current advice. */
	setting = crypt_gensalt_ra("$y$", 0, NULL, 0);
	if (setting != NULL &&
	    crypt_rn(password, setting, data, sizeof(*data)) != NULL)
		hash = xstrdup(data->output);
	else
		error_set_errno(err, "password-hash-failed", errno, "cannot "
		    "hash the password for '%s'; check that libxcrypt "
		    "supports yescrypt", name);

	/* The work area holds a copy of the password. */
	free(setting);
	util_free_secret(data, sizeof(*data));
	return hash;
}

/* One full crypt whatever the outcome; compared in constant time. */
static bool users_password_matches(const char *password, const char *hash)
{
	struct crypt_data *data = xcalloc(1, sizeof(*data));
	size_t length = strlen(hash);
	const char *out;
	bool match;

	out = crypt_rn(password, hash, data, sizeof(*data));
	match = out != NULL && strlen(out) == length &&
	    CRYPTO_memcmp(out, hash, length) == 0;
	util_free_secret(data, sizeof(*data));
	return match;
}

/* Users */

bool user_may_manage(const struct user *user)
{
	return user->role == USER_ADMIN || user->service_ssl;
}

const char *user_role_name(enum user_role role)
{
	return role == USER_ADMIN ? "admin" : "reseller";
}

void user_free(struct user *user)
{
	if (user == NULL)
		return;
	free(user->name);
	memset(user, 0, sizeof(*user));
}

void users_free(struct user *users, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		user_free(&users[i]);
	free(users);
}

bool users_check_name(const char *name, struct error *err)
{
	size_t length = strlen(name);

	if (length >= 1 && length <= USER_NAME_MAX &&
	    strchr(USER_NAME_FIRST, name[0]) != NULL &&
	    strspn(name, USER_NAME_CHARS) == length)
		return true;
	error_set(err, "bad-user-name", "'%.64s' is not a valid user name; "
	    "use 1 to %d of a-z, 0-9, '.', '_' and '-', starting with a "
	    "letter", name, USER_NAME_MAX);
	return false;
}

/* Columns in USER_COLUMNS order. */
static void users_read_row(sqlite3_stmt *stmt, struct user *user)
{
	const unsigned char *role = sqlite3_column_text(stmt, 1);

	user->name = users_column_text(stmt, 0);
	/* A role this version does not know gets the least privilege. */
	user->role = role != NULL && strcmp((const char *)role, "admin") == 0 ?
	    USER_ADMIN : USER_RESELLER;
	user->service_ssl = sqlite3_column_int(stmt, 2) != 0;
	user->created = (time_t)sqlite3_column_int64(stmt, 3);
}

static void users_not_found(const char *name, struct error *err)
{
	error_set(err, "user-not-found", "there is no user '%.64s'; svccert "
	    "user list shows them", name);
}

/* out may be NULL: only whether the user exists. */
bool users_get(struct store *store, const char *name, struct user *out,
    struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (!users_prepare(store, "SELECT " USER_COLUMNS " FROM user WHERE "
	    "name = ?", &stmt, "read a user", err))
		return false;
	users_bind_text(stmt, 1, name);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW && out != NULL)
		users_read_row(stmt, out);
	else if (rc == SQLITE_DONE)
		users_not_found(name, err);
	else if (rc != SQLITE_ROW)
		users_fail(store, "read a user", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW;
}

bool users_list(struct store *store, struct user **users, size_t *count,
    struct error *err)
{
	struct user *list = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc;

	*users = NULL;
	*count = 0;
	if (!users_prepare(store, "SELECT " USER_COLUMNS " FROM user ORDER "
	    "BY name", &stmt, "list the users", err))
		return false;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof(*list));
		users_read_row(stmt, &list[n++]);
	}
	sqlite3_finalize(stmt);

	if (rc != SQLITE_DONE) {
		users_fail(store, "list the users", err);
		users_free(list, n);
		return false;
	}
	*users = list;
	*count = n;
	return true;
}

bool users_count(struct store *store, size_t *count, struct error *err)
{
	return users_query_count(store, "SELECT count(*) FROM user", NULL,
	    count, err);
}

/* Hand a user read here to the caller, or free it when out is NULL. */
static void users_move(struct user *from, struct user *out)
{
	if (out != NULL)
		*out = *from;
	else
		user_free(from);
	memset(from, 0, sizeof(*from));
}

static bool users_insert(struct store *store, const char *name,
    enum user_role role, const char *hash, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!users_prepare(store, "INSERT INTO user (name, role, "
	    "password_hash, service_ssl, created) VALUES (?, ?, ?, 0, ?)",
	    &stmt, "add a user", err))
		return false;
	users_bind_text(stmt, 1, name);
	users_bind_text(stmt, 2, user_role_name(role));
	users_bind_text(stmt, 3, hash);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)time(NULL));

	rc = sqlite3_step(stmt);
	if (rc == SQLITE_CONSTRAINT && sqlite3_extended_errcode(
	    store_database(store)) == SQLITE_CONSTRAINT_PRIMARYKEY)
		error_set(err, "user-exists", "there is already a user '%s'; "
		    "choose another name, or change their password with "
		    "svccert user passwd %s", name, name);
	else if (rc != SQLITE_DONE)
		users_fail(store, "add a user", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE;
}

bool users_add(struct store *store, const char *name, enum user_role role,
    const char *password, struct error *err)
{
	char *hash;
	bool ok;

	if (!users_check_name(name, err) ||
	    !users_check_password(name, password, err))
		return false;

	if ((hash = users_hash_password(name, password, err)) == NULL)
		return false;
	ok = users_insert(store, name, role, hash, err);
	free(hash);
	return ok;
}

/*
 * Step a statement to its end and finalize it; *rows counts the rows it
 * returned (for UPDATE and DELETE ... RETURNING: the rows changed).
 */
static bool users_step_all(struct store *store, sqlite3_stmt *stmt,
    size_t *rows, const char *what, struct error *err)
{
	int rc;

	/* RETURNING statements finish their change only at the end. */
	*rows = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		(*rows)++;
	if (rc != SQLITE_DONE)
		users_fail(store, what, err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE;
}

/* users_step_all for a change to one user's row: user-not-found when
 * there was no row to change. */
static bool users_step_change(struct store *store, sqlite3_stmt *stmt,
    const char *name, const char *what, struct error *err)
{
	size_t rows;

	if (!users_step_all(store, stmt, &rows, what, err))
		return false;
	if (rows == 0)
		users_not_found(name, err);
	return rows > 0;
}

static bool users_update_hash(struct store *store, const char *name,
    const char *hash, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, "UPDATE user SET password_hash = ? WHERE "
	    "name = ? RETURNING name", &stmt, "change a password", err))
		return false;
	users_bind_text(stmt, 1, hash);
	users_bind_text(stmt, 2, name);
	return users_step_change(store, stmt, name, "change a password", err);
}

/*
 * A new password also ends the user's web sessions: changing it is what
 * someone does who fears another has it.  API tokens are credentials of
 * their own and stay until revoked.
 */
bool users_set_password(struct store *store, const char *name,
    const char *password, struct error *err)
{
	char *hash;
	bool ok;

	if (!users_check_password(name, password, err))
		return false;
	if ((hash = users_hash_password(name, password, err)) == NULL)
		return false;

	if (!users_begin(store, err)) {
		free(hash);
		return false;
	}
	ok = users_update_hash(store, name, hash, err) &&
	    users_exec_for(store, "DELETE FROM session WHERE user = ?", name,
	    "end the user's sessions", err);
	free(hash);
	return users_end(store, ok, err);
}

bool users_set_privilege(struct store *store, const char *name,
    bool granted, struct error *err)
{
	sqlite3_stmt *stmt;
	struct user user;
	bool ok = false;

	if (!users_get(store, name, &user, err))
		return false;

	/* Administrators manage everything; a flag would only mislead. */
	if (user.role == USER_ADMIN) {
		error_set(err, "user-is-admin", "'%s' is an administrator and "
		    "may always manage service certificates; the service-ssl "
		    "privilege is for resellers", name);
		goto out;
	}
	if (!users_prepare(store, "UPDATE user SET service_ssl = ? WHERE "
	    "name = ? RETURNING name", &stmt, "change a privilege", err))
		goto out;
	sqlite3_bind_int(stmt, 1, granted);
	users_bind_text(stmt, 2, name);
	ok = users_step_change(store, stmt, name, "change a privilege", err);
out:
	user_free(&user);
	return ok;
}

/*
 * Without an administrator no one could add one from the panel, and the
 * CLI would be the only way back in.
 */
static bool users_check_not_last_admin(struct store *store,
    const struct user *user, struct error *err)
{
	size_t admins = 0;

	if (user->role != USER_ADMIN)
		return true;
	if (!users_query_count(store, "SELECT count(*) FROM user WHERE "
	    "role = ?", user_role_name(USER_ADMIN), &admins, err))
		return false;
	if (admins > 1)
		return true;
	error_set(err, "last-admin", "'%s' is the last administrator; add "
	    "another with svccert user add NAME before deleting this one",
	    user->name);
	return false;
}

/*
 * Tokens and sessions go in the same transaction.  The foreign keys
 * cascade too; deleting them here does not depend on the connection
 * having them on.
 */
bool users_delete(struct store *store, const char *name, struct error *err)
{
	struct user user = { 0 };
	bool ok;

	if (!users_begin(store, err))
		return false;

	ok = users_get(store, name, &user, err) &&
	    users_check_not_last_admin(store, &user, err) &&
	    users_exec_for(store, "DELETE FROM token WHERE user = ?", name,
	    "revoke the user's API tokens", err) &&
	    users_exec_for(store, "DELETE FROM session WHERE user = ?", name,
	    "end the user's sessions", err) &&
	    users_exec_for(store, "DELETE FROM user WHERE name = ?", name,
	    "delete a user", err);
	user_free(&user);
	return users_end(store, ok, err);
}

/* The user's row and password hash; *hash stays NULL when there is no
 * such user. */
static bool users_read_login(struct store *store, const char *name,
    struct user *user, char **hash, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	*hash = NULL;
	if (!users_prepare(store, "SELECT " USER_COLUMNS ", password_hash "
	    "FROM user WHERE name = ?", &stmt, "read a user", err))
		return false;
	users_bind_text(stmt, 1, name);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		users_read_row(stmt, user);
		*hash = users_column_text(stmt, 4);
	} else if (rc != SQLITE_DONE)
		users_fail(store, "read a user", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

bool users_authenticate(struct store *store, const char *name,
    const char *password, struct user *out, struct error *err)
{
	struct user user = { 0 };
	char *hash = NULL;
	bool ok;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (!users_read_login(store, name, &user, &hash, err))
		return false;

	/* An unknown name costs the same crypt as a known one. */
	ok = users_password_matches(password, hash != NULL ? hash :
	    users_dummy_hash) && hash != NULL;
	free(hash);

	if (!ok) {
		error_set(err, "bad-credentials", "wrong user name or "
		    "password for '%.64s'; check both and try again", name);
		user_free(&user);
		return false;
	}
	users_move(&user, out);
	return true;
}

/* API tokens */

/* One line each in svccert token list: no control characters. */
static bool tokens_check_label(const char *user, const char *label,
    struct error *err)
{
	size_t i, length = strlen(label);

	for (i = 0; i < length; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			break;
	if (i == length && length <= TOKEN_LABEL_MAX)
		return true;
	error_set(err, "bad-token-label", "the label of a new API token for "
	    "'%s' must be at most %d characters on one line; choose a "
	    "shorter one", user, TOKEN_LABEL_MAX);
	return false;
}

static bool tokens_insert(struct store *store, const char *user,
    const char *label, const char *hash, int64_t *id, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!users_prepare(store, "INSERT INTO token (user, label, hash, "
	    "created) VALUES (?, ?, ?, ?) RETURNING id", &stmt,
	    "add an API token", err))
		return false;
	users_bind_text(stmt, 1, user);
	users_bind_text(stmt, 2, label);
	users_bind_text(stmt, 3, hash);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)time(NULL));

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		rc = sqlite3_step(stmt);
	}
	if (rc != SQLITE_DONE)
		users_fail(store, "add an API token", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE;
}

bool tokens_create(struct store *store, const char *user,
    const char *label, char **token, int64_t *id, struct error *err)
{
	char hash[HEX_SIZE(SHA256_BYTES)];
	char *secret;

	*token = NULL;
	if (label == NULL)
		label = "";
	if (!tokens_check_label(user, label, err) ||
	    !users_get(store, user, NULL, err))
		return false;

	/* Only the hash goes into the database. */
	secret = users_new_secret();
	users_hash_secret(secret, hash);
	if (!tokens_insert(store, user, label, hash, id, err)) {
		users_free_secret(secret);
		return false;
	}
	*token = secret;
	return true;
}

bool tokens_revoke(struct store *store, int64_t id, struct error *err)
{
	sqlite3_stmt *stmt;
	size_t rows;

	if (!users_prepare(store, "DELETE FROM token WHERE id = ? RETURNING "
	    "id", &stmt, "revoke an API token", err))
		return false;
	sqlite3_bind_int64(stmt, 1, id);
	if (!users_step_all(store, stmt, &rows, "revoke an API token", err))
		return false;

	if (rows == 0)
		error_set(err, "token-not-found", "there is no API token "
		    "%lld; svccert token list shows them", (long long)id);
	return rows > 0;
}

/* Columns in TOKEN_COLUMNS order. */
static void tokens_read_row(sqlite3_stmt *stmt, struct token_info *token)
{
	token->id = sqlite3_column_int64(stmt, 0);
	token->user = users_column_text(stmt, 1);
	token->label = users_column_text(stmt, 2);
	token->created = (time_t)sqlite3_column_int64(stmt, 3);
	token->last_used = (time_t)sqlite3_column_int64(stmt, 4);
}

bool tokens_list(struct store *store, const char *user,
    struct token_info **tokens, size_t *count, struct error *err)
{
	struct token_info *list = NULL;
	sqlite3_stmt *stmt;
	size_t n = 0;
	int rc;

	*tokens = NULL;
	*count = 0;
	if (user != NULL && !users_get(store, user, NULL, err))
		return false;
	if (!users_prepare(store, "SELECT " TOKEN_COLUMNS " FROM token WHERE "
	    "?1 IS NULL OR user = ?1 ORDER BY id", &stmt,
	    "list the API tokens", err))
		return false;
	if (user != NULL)
		users_bind_text(stmt, 1, user);

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof(*list));
		tokens_read_row(stmt, &list[n++]);
	}
	sqlite3_finalize(stmt);

	if (rc != SQLITE_DONE) {
		users_fail(store, "list the API tokens", err);
		tokens_free(list, n);
		return false;
	}
	*tokens = list;
	*count = n;
	return true;
}

void tokens_free(struct token_info *tokens, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		free(tokens[i].user);
		free(tokens[i].label);
	}
	free(tokens);
}

/*
 * The owner of the token with this hash, read with the user's row in one
 * query, so a token never outlives its user.  With user, only a token
 * of that user counts.  owner->name stays NULL when none does.
 */
static bool tokens_find_owner(struct store *store, const char *hash,
    const char *user, struct user *owner, int64_t *id, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!users_prepare(store, "SELECT user.name, user.role, "
	    "user.service_ssl, user.created, token.id FROM token JOIN user "
	    "ON user.name = token.user WHERE token.hash = ?1 AND (?2 IS NULL "
	    "OR token.user = ?2)", &stmt, "check an API token", err))
		return false;
	users_bind_text(stmt, 1, hash);
	if (user != NULL)
		users_bind_text(stmt, 2, user);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		users_read_row(stmt, owner);
		*id = sqlite3_column_int64(stmt, 4);
	} else if (rc != SQLITE_DONE)
		users_fail(store, "check an API token", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static bool tokens_touch(struct store *store, int64_t id,
    struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, "UPDATE token SET last_used = ? WHERE "
	    "id = ?", &stmt, "note an API token's use", err))
		return false;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(stmt, 2, id);
	return users_finish(store, stmt, "note an API token's use", err);
}

bool tokens_authenticate(struct store *store, const char *user,
    const char *token, struct user *out, struct error *err)
{
	char hash[HEX_SIZE(SHA256_BYTES)];
	struct user owner = { 0 };
	int64_t id = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	users_hash_secret(token, hash);
	if (!tokens_find_owner(store, hash, user, &owner, &id, err))
		return false;

	if (owner.name == NULL) {
		if (user != NULL)
			error_set(err, "bad-credentials", "this API token is "
			    "not valid for '%.64s'; check it, or make a new "
			    "one with svccert token create %.64s", user, user);
		else
			error_set(err, "bad-credentials", "this API token is "
			    "not valid; check it, or make a new one with "
			    "svccert token create USER");
		return false;
	}
	if (!tokens_touch(store, id, err)) {
		user_free(&owner);
		return false;
	}
	users_move(&owner, out);
	return true;
}

/* Web sessions */

struct session_row {
	struct user user;       /* name NULL: no such session */
	char *csrf;
	time_t created;
	time_t last_used;
};

static bool sessions_read(struct store *store, const char *hash,
    struct session_row *row, struct error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!users_prepare(store, "SELECT user.name, user.role, "
	    "user.service_ssl, user.created, session.csrf, session.created, "
	    "session.last_used FROM session JOIN user ON user.name = "
	    "session.user WHERE session.id_hash = ?", &stmt,
	    "check a session", err))
		return false;
	users_bind_text(stmt, 1, hash);

	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		users_read_row(stmt, &row->user);
		row->csrf = users_column_text(stmt, 4);
		row->created = (time_t)sqlite3_column_int64(stmt, 5);
		row->last_used = (time_t)sqlite3_column_int64(stmt, 6);
	} else if (rc != SQLITE_DONE)
		users_fail(store, "check a session", err);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/*
 * Sessions nobody checks again would stay forever; each login clears
 * the expired ones.
 */
static bool sessions_purge(struct store *store, time_t now,
    struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, "DELETE FROM session WHERE last_used < ? "
	    "OR created < ?", &stmt, "clear expired sessions", err))
		return false;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)(now -
	    SESSION_IDLE_SECONDS));
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)(now -
	    SESSION_MAX_SECONDS));
	return users_finish(store, stmt, "clear expired sessions", err);
}

static bool sessions_insert(struct store *store, const char *hash,
    const char *user, const char *csrf, time_t now, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, "INSERT INTO session (id_hash, user, csrf, "
	    "created, last_used) VALUES (?, ?, ?, ?, ?)", &stmt,
	    "start a session", err))
		return false;
	users_bind_text(stmt, 1, hash);
	users_bind_text(stmt, 2, user);
	users_bind_text(stmt, 3, csrf);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64)now);
	return users_finish(store, stmt, "start a session", err);
}

bool sessions_create(struct store *store, const char *user, char **id,
    char **csrf, struct error *err)
{
	char hash[HEX_SIZE(SHA256_BYTES)];
	time_t now = time(NULL);
	char *new_id, *new_csrf;

	*id = NULL;
	*csrf = NULL;
	if (!users_get(store, user, NULL, err) ||
	    !sessions_purge(store, now, err))
		return false;

	/* The cookie's value is a credential: only its hash is kept.  The
	 * CSRF token is worth nothing without the cookie. */
	new_id = users_new_secret();
	new_csrf = users_new_secret();
	users_hash_secret(new_id, hash);
	if (!sessions_insert(store, hash, user, new_csrf, now, err)) {
		users_free_secret(new_id);
		users_free_secret(new_csrf);
		return false;
	}
	*id = new_id;
	*csrf = new_csrf;
	return true;
}

static bool sessions_delete_hash(struct store *store, const char *hash,
    struct error *err)
{
	return users_exec_for(store, "DELETE FROM session WHERE id_hash = ?",
	    hash, "end a session", err);
}

static bool sessions_touch(struct store *store, const char *hash,
    time_t now, struct error *err)
{
	sqlite3_stmt *stmt;

	if (!users_prepare(store, "UPDATE session SET last_used = ? WHERE "
	    "id_hash = ?", &stmt, "refresh a session", err))
		return false;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64)now);
	users_bind_text(stmt, 2, hash);
	return users_finish(store, stmt, "refresh a session", err);
}

static bool sessions_expired(const struct session_row *row, time_t now)
{
	return now - row->last_used > SESSION_IDLE_SECONDS ||
	    now - row->created > SESSION_MAX_SECONDS;
}

bool sessions_check(struct store *store, const char *id, struct user *out,
    char **csrf, struct error *err)
{
	char hash[HEX_SIZE(SHA256_BYTES)];
	struct session_row row = { 0 };
	time_t now = time(NULL);
	bool ok = false;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (csrf != NULL)
		*csrf = NULL;
	users_hash_secret(id, hash);
	if (!sessions_read(store, hash, &row, err))
		return false;

	if (row.user.name == NULL) {
		error_set(err, "bad-credentials", "this session is not known "
		    "(it ended, or never began); log in again");
		goto out;
	}

	/* Deleted when met, so a clock set back cannot revive it. */
	if (sessions_expired(&row, now)) {
		sessions_delete_hash(store, hash, NULL);
		error_set(err, "session-expired", "the session of '%s' has "
		    "expired; log in again", row.user.name);
		goto out;
	}
	if (!sessions_touch(store, hash, now, err))
		goto out;

	users_move(&row.user, out);
	if (csrf != NULL) {
		*csrf = row.csrf;
		row.csrf = NULL;
	}
	ok = true;
out:
	user_free(&row.user);
	free(row.csrf);
	return ok;
}

/* Ending a session that has already gone is no error: the user is out
 * either way. */
bool sessions_delete(struct store *store, const char *id,
    struct error *err)
{
	char hash[HEX_SIZE(SHA256_BYTES)];

	users_hash_secret(id, hash);
	return sessions_delete_hash(store, hash, err);
}
