/*
 * router.c - every request starts here: the API under /json-api/, the
 * session calls /login and /logout, and the page's files for the rest.
 *
 * Checks run in the order that gives the most useful answer: unknown
 * function, wrong method, credentials, privilege, CSRF token, and only
 * then the parameters, so no unauthenticated body is ever parsed.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "daemon.h"
#include "util.h"

#define ROUTER_API_PREFIX "/json-api/"

static bool router_method_is(const struct request *r, const char *method)
{
	return strcmp(r->method, method) == 0;
}

static void router_method_not_allowed(struct request *r, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->http), "Allow",
	    allow);
	request_fail_with(r, 405, "method-not-allowed", "%s %s: use %s; a "
	    "change is never made by a GET", r->method, r->path, allow);
}

/* 413 for a body over the limit, 400 for anything else malformed. */
static bool router_read_params(struct request *r)
{
	struct error err;

	if (params_read(r, &err))
		return true;
	request_fail(r, strcmp(err.code, "too-large") == 0 ? 413 : 400, &err);
	return false;
}

static void router_api(struct request *r, const char *name)
{
	const struct api_function *f = api_find(name);

	free(r->command);
	r->command = xstrdup(name);
	if (f == NULL) {
		request_fail_with(r, 404, "unknown-function", "there is no "
		    "function '%.64s'; docs/api.md lists them", name);
		return;
	}
	if (f->changes && !router_method_is(r, "POST")) {
		router_method_not_allowed(r, "POST");
		return;
	}
	if (!router_method_is(r, "GET") && !router_method_is(r, "POST")) {
		router_method_not_allowed(r, "GET, POST");
		return;
	}

	if (!auth_identify(r) || (!f->any_user && !auth_check_privilege(r)) ||
	    (f->changes && !auth_check_csrf(r)) || !router_read_params(r))
		return;
	f->handle(r);
}

static void router_login(struct request *r)
{
	free(r->command);
	r->command = xstrdup("login");
	if (!router_method_is(r, "POST"))
		router_method_not_allowed(r, "POST");
	else if (router_read_params(r))
		auth_login(r);
}

/* Ending a session changes something: the CSRF token is needed. */
static void router_logout(struct request *r)
{
	free(r->command);
	r->command = xstrdup("logout");
	if (!router_method_is(r, "POST"))
		router_method_not_allowed(r, "POST");
	else if (auth_identify(r) && auth_check_csrf(r))
		auth_logout(r);
}

void router_handle(struct evhttp_request *http, void *arg)
{
	struct request *r = request_new(arg, http);
	const size_t prefix = strlen(ROUTER_API_PREFIX);

	if (strncmp(r->path, ROUTER_API_PREFIX, prefix) == 0)
		router_api(r, r->path + prefix);
	else if (strcmp(r->path, "/login") == 0)
		router_login(r);
	else if (strcmp(r->path, "/logout") == 0)
		router_logout(r);
	else
		static_serve(r);
}
