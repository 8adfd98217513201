/*
 * request.c - one request: its answer in the WHM envelope, the headers
 * every answer carries, and the one line it leaves in the log.
 *
 * The log line names method, path, user and status, never the query
 * string or a header: those carry tokens, cookies and pastes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <openssl/crypto.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

static const char *request_method_name(enum evhttp_cmd_type type)
{
	switch (type) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	}
	return "?";
}

/* The decoded path; "" when it hides a NUL, which no file name has. */
static char *request_decode_path(struct evhttp_request *http)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(http);
	const char *raw = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	size_t length = 0;
	char *decoded, *path;

	if (raw == NULL || *raw == '\0')
		return xstrdup("/");
	decoded = evhttp_uridecode(raw, 0, &length);
	if (decoded == NULL)
		return xstrdup("");
	path = xstrdup(strlen(decoded) == length ? decoded : "");
	free(decoded);
	return path;
}

struct request *request_new(struct daemon *d, struct evhttp_request *http)
{
	struct request *r = xcalloc(1, sizeof(*r));
	struct evhttp_connection *conn = evhttp_request_get_connection(http);
	char *address = NULL;
	ev_uint16_t port = 0;

	r->daemon = d;
	r->http = http;
	r->method = request_method_name(evhttp_request_get_command(http));
	r->path = request_decode_path(http);
	r->command = xstrdup("");
	if (conn != NULL)
		evhttp_connection_get_peer(conn, &address, &port);
	snprintf(r->client, sizeof(r->client), "%s", address != NULL ?
	    address : "-");
	d->in_flight++;
	return r;
}

const char *request_header(const struct request *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->http),
	    name);
}

/*
 * HSTS: the panel is HTTPS only.  The CSP allows the page's own files
 * and nothing else, so an injected script has nowhere to load from or
 * send to; framing is refused against clickjacking.
 */
void request_set_security_headers(struct evhttp_request *http)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(http);

	evhttp_add_header(out, "Strict-Transport-Security",
	    "max-age=31536000");
	evhttp_add_header(out, "Content-Security-Policy", "default-src 'self'");
	evhttp_add_header(out, "X-Frame-Options", "DENY");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(out, "Referrer-Policy", "no-referrer");
}

static void request_free(struct request *r)
{
	r->daemon->in_flight--;
	params_free(r->params);
	user_free(&r->user);
	if (r->csrf != NULL)
		util_free_secret(r->csrf, strlen(r->csrf));
	free(r->path);
	free(r->command);
	free(r);
}

void request_send(struct request *r, int status, struct evbuffer *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->http);

	request_set_security_headers(r->http);

	/* Shutting down: the client must not reuse this connection. */
	if (r->daemon->stopping)
		evhttp_add_header(out, "Connection", "close");
	evhttp_send_reply(r->http, status, NULL, body);

	log_info("%s %s %s %s %d", r->client, r->method, r->path,
	    r->user.name != NULL ? r->user.name : "-", status);
	request_free(r);
}

void request_reply(struct request *r, int status, json_t *doc)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->http);
	struct evbuffer *body = evbuffer_new();
	char *text = json_dumps(doc, JSON_COMPACT);

	if (body == NULL || text == NULL)
		abort();
	evbuffer_add(body, text, strlen(text));
	evbuffer_add(body, "\n", 1);
	free(text);
	json_decref(doc);

	evhttp_add_header(out, "Content-Type",
	    "application/json; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "no-store");
	request_send(r, status, body);
	evbuffer_free(body);
}

void request_reply_envelope(struct request *r, int status,
    const char *code, const char *reason, json_t *data, json_t *warnings)
{
	json_t *doc;

	doc = json_pack("{s:{s:o, s:i, s:o, s:i, s:s, s:o}, s:o}",
	    "metadata", "command", svcjson_text(r->command), "result",
	    status < 400 && strcmp(code, "ok") == 0 ? 1 : 0, "reason",
	    svcjson_text(reason),
	    "version", 1, "code", code, "warnings",
	    warnings != NULL ? warnings : json_array(), "data",
	    data != NULL ? data : json_object());
	if (doc == NULL)
		abort();
	request_reply(r, status, doc);
}

void request_reply_ok(struct request *r, json_t *data, json_t *warnings)
{
	request_reply_envelope(r, 200, "ok", "OK", data, warnings);
}

/* Internal errors share one code; the message says what failed. */
void request_fail(struct request *r, int status, const struct error *err)
{
	request_reply_envelope(r, status, status >= 500 ? "internal" :
	    err->code, err->message, NULL, NULL);
}

void request_fail_with(struct request *r, int status, const char *code,
    const char *fmt, ...)
{
	struct error err;
	va_list ap;

	snprintf(err.code, sizeof(err.code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	request_fail(r, status, &err);
}
