/*
 * auth.c - who is calling: API tokens, the session cookie, its CSRF
 * token, the service-ssl privilege; login, logout and the first start.
 *
 * Secrets are checked by users.c against hashes in the store; this file
 * only finds them in the request.  None of them is ever logged.  The
 * CSRF token is needed with the cookie only: a browser sends the cookie
 * to us whoever asked it to, but another site cannot read the token to
 * send it along, while a token header is never added by a browser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <openssl/crypto.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

#define AUTH_COOKIE "svccert_session"
/* HttpOnly: no script reads it; Secure: never sent over plain HTTP;
 * SameSite=Strict: not sent with requests other sites start. */
#define AUTH_COOKIE_ATTRIBUTES "HttpOnly; Secure; SameSite=Strict; Path=/"
#define AUTH_ADMIN "root"

/* The library's codes name the reason; the API's is one for all. */
static void auth_refuse(struct request *r, struct error *err)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->http);

	if (strcmp(err->code, "store-failed") == 0) {
		request_fail(r, 500, err);
		return;
	}
	snprintf(err->code, sizeof(err->code), "unauthenticated");
	evhttp_add_header(out, "WWW-Authenticate", "Bearer realm=\"svccert\"");
	request_fail(r, 401, err);
}

/* "whm USER:TOKEN" or "Bearer TOKEN", as WHM and OAuth clients send. */
static bool auth_by_token(struct request *r, const char *header,
    struct error *err)
{
	const char *token = NULL, *colon;
	char *user = NULL;
	bool ok = false;

	if (strncasecmp(header, "whm ", 4) == 0 &&
	    (colon = strchr(header + 4, ':')) != NULL) {
		user = xstrndup(header + 4, (size_t)(colon - header - 4));
		token = colon + 1;
	} else if (strncasecmp(header, "Bearer ", 7) == 0)
		token = header + 7;

	if (token == NULL || *token == '\0')
		error_set(err, "unauthenticated", "the Authorization header "
		    "must be 'whm USER:TOKEN' or 'Bearer TOKEN'");
	else
		ok = tokens_authenticate(r->daemon->ctx.store, user, token,
		    &r->user, err);
	free(user);
	r->auth = ok ? AUTH_TOKEN : AUTH_NONE;
	return ok;
}

/* The value of our cookie in "a=b; svccert_session=ID; c=d", or NULL. */
static char *auth_cookie_value(const struct request *r)
{
	const char *header = request_header(r, "Cookie");
	const size_t name_length = strlen(AUTH_COOKIE);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t;");
		if (strncmp(p, AUTH_COOKIE, name_length) == 0 &&
		    p[name_length] == '=') {
			p += name_length + 1;
			return xstrndup(p, strcspn(p, "; \t"));
		}
		p = strchr(p, ';');
	}
	return NULL;
}

static bool auth_by_session(struct request *r, char *id, struct error *err)
{
	bool ok = sessions_check(r->daemon->ctx.store, id, &r->user,
	    &r->csrf, err);

	r->auth = ok ? AUTH_SESSION : AUTH_NONE;
	return ok;
}

bool auth_identify(struct request *r)
{
	const char *header = request_header(r, "Authorization");
	struct error err;
	char *session;
	bool ok = false;

	error_clear(&err);
	if (header != NULL)
		ok = auth_by_token(r, header, &err);
	else if ((session = auth_cookie_value(r)) != NULL) {
		ok = auth_by_session(r, session, &err);
		util_free_secret(session, strlen(session));
	} else
		error_set(&err, "unauthenticated", "log in first (POST "
		    "/login), or send an API token made with svccert token "
		    "create USER: Authorization: whm USER:TOKEN");

	if (!ok)
		auth_refuse(r, &err);
	return ok;
}

bool auth_check_csrf(struct request *r)
{
	const char *sent = request_header(r, "X-CSRF-Token");

	if (r->auth != AUTH_SESSION)
		return true;

	/* Compared in constant time: the token must not leak by timing. */
	if (sent != NULL && r->csrf != NULL &&
	    strlen(sent) == strlen(r->csrf) &&
	    CRYPTO_memcmp(sent, r->csrf, strlen(sent)) == 0)
		return true;
	request_fail_with(r, 403, "csrf", "the X-CSRF-Token header is %s; "
	    "send the token from the login answer or svccert_whoami (reload "
	    "the page)", sent == NULL ? "missing" : "wrong");
	return false;
}

bool auth_check_privilege(struct request *r)
{
	if (user_may_manage(&r->user))
		return true;
	request_fail_with(r, 403, "forbidden", "%s may not manage service "
	    "certificates; ask the administrator to run: svccert user grant "
	    "%s", r->user.name, r->user.name);
	return false;
}

/* Locked out by user name or by address, whichever waits longer. */
static bool auth_throttled(struct request *r, const char *user_key,
    const char *client_key)
{
	long wait = throttle_wait(r->daemon->throttle, user_key);
	long by_client = throttle_wait(r->daemon->throttle, client_key);
	char seconds[24];

	if (by_client > wait)
		wait = by_client;
	if (wait == 0)
		return false;
	snprintf(seconds, sizeof(seconds), "%ld", wait);
	evhttp_add_header(evhttp_request_get_output_headers(r->http),
	    "Retry-After", seconds);
	request_fail_with(r, 429, "throttled", "too many failed logins for "
	    "this user or from %s; try again in %ld minute(s)", r->client,
	    (wait + 59) / 60);
	return true;
}

static void auth_set_cookie(struct request *r, const char *id)
{
	char *cookie = xasprintf("%s=%s; %s", AUTH_COOKIE, id,
	    AUTH_COOKIE_ATTRIBUTES);

	evhttp_add_header(evhttp_request_get_output_headers(r->http),
	    "Set-Cookie", cookie);
	util_free_secret(cookie, strlen(cookie));
}

/* A new session for the user just authenticated. */
static void auth_start_session(struct request *r)
{
	struct store *store = r->daemon->ctx.store;
	char *id = NULL, *csrf = NULL;
	struct error err;

	if (!sessions_create(store, r->user.name, &id, &csrf, &err)) {
		request_fail(r, 500, &err);
		return;
	}
	auth_set_cookie(r, id);
	request_reply_ok(r, json_pack("{s:s, s:s, s:s}", "user",
	    r->user.name, "role", user_role_name(r->user.role), "csrf_token",
	    csrf), NULL);
	util_free_secret(id, strlen(id));
	util_free_secret(csrf, strlen(csrf));
}

void auth_login(struct request *r)
{
	const char *const required[] = { "user", "password", NULL };
	const char *user, *password;
	char user_key[80], client_key[80];
	struct error err;

	if (!params_require(r, required))
		return;
	user = params_get(r->params, "user");
	password = params_get(r->params, "password");
	snprintf(user_key, sizeof(user_key), "user:%.64s", user);
	snprintf(client_key, sizeof(client_key), "addr:%s", r->client);
	if (auth_throttled(r, user_key, client_key))
		return;

	if (!users_authenticate(r->daemon->ctx.store, user, password,
	    &r->user, &err)) {
		if (strcmp(err.code, "bad-credentials") == 0) {
			throttle_fail(r->daemon->throttle, user_key);
			throttle_fail(r->daemon->throttle, client_key);
			log_warning("failed login for '%.64s' from %s", user,
			    r->client);
		}
		auth_refuse(r, &err);
		return;
	}
	r->auth = AUTH_SESSION;
	auth_start_session(r);
}

void auth_logout(struct request *r)
{
	struct error err;
	char *id = auth_cookie_value(r);
	bool ok;

	if (id == NULL) {
		request_fail_with(r, 400, "missing-parameter", "logout ends "
		    "a session: send the svccert_session cookie");
		return;
	}
	ok = sessions_delete(r->daemon->ctx.store, id, &err);
	util_free_secret(id, strlen(id));
	if (!ok) {
		request_fail(r, 500, &err);
		return;
	}
	auth_set_cookie(r, "; Max-Age=0");
	request_reply_ok(r, NULL, NULL);
}

/*
 * The only time the password exists outside the hash: it goes to the
 * administrator's terminal (or the service manager's journal), not to
 * the log, which may be kept and shipped elsewhere.
 */
static void auth_announce(const struct daemon *d, const char *password)
{
	char *url = server_url(d);

	fprintf(stderr, "svccertd: first start: log in at %s as %s with the "
	    "password %s\nsvccertd: it is shown only this once; change it "
	    "with: svccert user passwd %s\n", url, AUTH_ADMIN, password,
	    AUTH_ADMIN);
	fflush(stderr);
	free(url);
}

bool auth_first_start(struct daemon *d, struct error *err)
{
	size_t count = 0;
	char *password;
	bool ok;

	if (!users_count(d->ctx.store, &count, err))
		return false;
	if (count > 0)
		return true;

	password = users_random_password();
	ok = users_add(d->ctx.store, AUTH_ADMIN, USER_ADMIN, password, err);
	if (ok) {
		log_info("first start: created the administrator %s",
		    AUTH_ADMIN);
		auth_announce(d, password);
	}
	util_free_secret(password, strlen(password));
	return ok;
}
