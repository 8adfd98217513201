/*
 * users.h - who may use the panel: users, API tokens, web sessions.
 *
 * All of it lives in the state store's database.  Passwords are kept as
 * yescrypt hashes (crypt(3) from libxcrypt), tokens and session IDs as
 * SHA-256 hashes: a stolen database gives no way in.  The administrator
 * is "root"; resellers use the service-certificate functions only when
 * granted the service-ssl privilege.
 */
#ifndef SVCCERT_USERS_H
#define SVCCERT_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "error.h"
#include "store.h"

enum user_role {
	USER_ADMIN,
	USER_RESELLER,
};

struct user {
	char *name;
	enum user_role role;
	bool service_ssl;      /* resellers: granted the privilege */
	time_t created;
};

/* Admins always; resellers only with the service-ssl privilege. */
bool user_may_manage(const struct user *user);
const char *user_role_name(enum user_role role);
void user_free(struct user *user);
void users_free(struct user *users, size_t count);

/*
 * Names: 1-32 of [a-z0-9._-], starting with a letter (code bad-user-name).
 * Passwords: at least 8 bytes (code weak-password).
 */
bool users_check_name(const char *name, struct error *err);
bool users_add(struct store *store, const char *name, enum user_role role,
    const char *password, struct error *err);
bool users_set_password(struct store *store, const char *name,
    const char *password, struct error *err);
bool users_set_privilege(struct store *store, const char *name,
    bool granted, struct error *err);
bool users_delete(struct store *store, const char *name, struct error *err);
/* code user-not-found */
bool users_get(struct store *store, const char *name, struct user *out,
    struct error *err);
bool users_list(struct store *store, struct user **users, size_t *count,
    struct error *err);
bool users_count(struct store *store, size_t *count, struct error *err);

/*
 * Check a password.  Unknown user and wrong password give the same code
 * (bad-credentials) and take the same time, so names cannot be probed.
 */
bool users_authenticate(struct store *store, const char *name,
    const char *password, struct user *out, struct error *err);

/* A random password for the first administrator (printed once). */
char *users_random_password(void);

struct token_info {
	int64_t id;
	char *user;
	char *label;
	time_t created;
	time_t last_used;      /* 0: never */
};

/*
 * A new API token for user; *token is the secret, shown once, never
 * stored (only its hash is).  The caller wipes and frees it.
 */
bool tokens_create(struct store *store, const char *user,
    const char *label, char **token, int64_t *id, struct error *err);
bool tokens_revoke(struct store *store, int64_t id, struct error *err);
/* user NULL: every user's tokens. */
bool tokens_list(struct store *store, const char *user,
    struct token_info **tokens, size_t *count, struct error *err);
void tokens_free(struct token_info *tokens, size_t count);
/*
 * The user a token belongs to.  user may be NULL (Bearer); when given
 * (whm USER:TOKEN) it must be the token's owner.  code bad-credentials.
 */
bool tokens_authenticate(struct store *store, const char *user,
    const char *token, struct user *out, struct error *err);

#define SESSION_IDLE_SECONDS (30 * 60)
#define SESSION_MAX_SECONDS (12 * 60 * 60)

/* A new web session: *id goes in the cookie, *csrf in every change. */
bool sessions_create(struct store *store, const char *user, char **id,
    char **csrf, struct error *err);
/*
 * The session's user and CSRF token; refreshes its idle time.
 * code session-expired, or bad-credentials for an unknown ID.
 */
bool sessions_check(struct store *store, const char *id, struct user *out,
    char **csrf, struct error *err);
bool sessions_delete(struct store *store, const char *id,
    struct error *err);

#endif
