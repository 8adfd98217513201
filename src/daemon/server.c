/*
 * server.c - the HTTPS listener, the plain-HTTP redirect, and the swap
 * of svccertd's own certificate.
 *
 * evhttp parses HTTP; each connection gets its TLS from
 * bufferevent_openssl with SSL_new(current context).  A SIGHUP builds a
 * new context from the svccertd service's files and swaps it in only
 * when the certificate and key load and match.  SSL objects hold a
 * reference to the context they were made from, so connections opened
 * before the swap carry on with the old certificate and none is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "daemon.h"
#include "log.h"
#include "util.h"

/* An idle keep-alive connection is closed after this long. */
#define SERVER_TIMEOUT_SECONDS 60
/*
 * evhttp's own hard limit.  Up to it the body is read and our 413
 * envelope answers; beyond it evhttp refuses by itself (413 as well,
 * without the envelope) so that no client makes us buffer more.
 */
#define SERVER_HARD_BODY_MAX (4 * DAEMON_BODY_MAX)
#define SERVER_HEADERS_MAX (DAEMON_BODY_MAX + 64 * 1024)

struct server {
	struct evhttp *https;
	struct evhttp *redirect;
	struct evhttp_bound_socket *https_socket;
	struct evhttp_bound_socket *redirect_socket;
	SSL_CTX *tls;                        /* what new connections get */
	char fingerprint[FINGERPRINT_SIZE];  /* of its certificate */
	char *location;                      /* where the redirect sends */
};

/* Which files a message is about, unless it says so already. */
static void server_name_files(const struct service *svc, struct error *err)
{
	char message[ERROR_MESSAGE_MAX];

	if (svc->file_count == 0 || strstr(err->message, svc->files[0].path))
		return;
	snprintf(message, sizeof(message), "%s", err->message);
	snprintf(err->message, sizeof(err->message), "%s (%s%s): %s",
	    svc->name, svc->files[0].path, svc->file_count > 1 ? " and the "
	    "others of its files" : "", message);
}

/* The key and certificate as material.c reads them for every service. */
static bool server_tls_use(SSL_CTX *tls, const struct service *svc,
    char fingerprint[FINGERPRINT_SIZE], struct error *err)
{
	struct material mat;
	bool ok = false;

	material_init(&mat);
	if (!service_read_material(svc, &mat, err)) {
		server_name_files(svc, err);
		goto out;
	}
	if (mat.key == NULL) {
		error_set(err, "no-key", "%s: its files hold no private key; "
		    "run svccert reset %s", svc->name, svc->name);
		goto out;
	}
	if (SSL_CTX_use_cert_and_key(tls, mat.leaf, mat.key, mat.chain, 1)
	    != 1 || SSL_CTX_check_private_key(tls) != 1) {
		error_set(err, "key-mismatch", "%s: the certificate and key "
		    "in its files do not belong together; install a matching "
		    "pair or run svccert reset %s", svc->name, svc->name);
		error_append_openssl(err);
		goto out;
	}
	material_fingerprint(mat.leaf, fingerprint, FINGERPRINT_SIZE);
	ok = true;
out:
	material_free(&mat);
	return ok;
}

/*
 * TLS 1.2 and 1.3 only; no renegotiation, a known DoS lever.  No session
 * tickets either: their key lives as long as the process and weakens
 * forward secrecy, a panel gains nothing from resumption, and a TLS 1.3
 * ticket arriving unasked after the handshake makes clients that wait
 * for the server to speak (an early 413) stop sending their body.
 */
static SSL_CTX *server_tls_new(const struct service *svc,
    char fingerprint[FINGERPRINT_SIZE], struct error *err)
{
	SSL_CTX *tls = SSL_CTX_new(TLS_server_method());

	if (tls == NULL)
		abort();
	SSL_CTX_set_min_proto_version(tls, TLS1_2_VERSION);
	SSL_CTX_set_options(tls, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(tls, 0);
	if (server_tls_use(tls, svc, fingerprint, err))
		return tls;
	SSL_CTX_free(tls);
	return NULL;
}

bool server_load_certificate(struct daemon *d, struct error *err)
{
	struct server *s = d->server;
	const struct service *svc = registry_find(&d->ctx.registry,
	    DAEMON_SERVICE);
	char fingerprint[FINGERPRINT_SIZE];
	SSL_CTX *fresh;

	if (svc == NULL) {
		error_set(err, "unknown-service", "the registry has no %s "
		    "service; check %s", DAEMON_SERVICE,
		    d->ctx.config.services_dir);
		return false;
	}
	if ((fresh = server_tls_new(svc, fingerprint, err)) == NULL)
		return false;

	SSL_CTX_free(s->tls);
	s->tls = fresh;
	if (strcmp(fingerprint, s->fingerprint) != 0)
		log_info("serving the certificate %s", fingerprint);
	snprintf(s->fingerprint, sizeof(s->fingerprint), "%s", fingerprint);
	return true;
}

static struct bufferevent *server_new_connection(struct event_base *base,
    void *arg)
{
	struct server *s = arg;
	SSL *ssl = SSL_new(s->tls);
	struct bufferevent *bev;

	/* Never NULL: evhttp would fall back to plain HTTP. */
	if (ssl == NULL)
		abort();
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		abort();

	/* Clients often close without close_notify; that is no error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static struct evhttp *server_http_new(struct daemon *d)
{
	struct evhttp *http = evhttp_new(d->base);

	if (http == NULL)
		abort();
	evhttp_set_max_body_size(http, SERVER_HARD_BODY_MAX);
	evhttp_set_max_headers_size(http, SERVER_HEADERS_MAX);
	evhttp_set_timeout(http, SERVER_TIMEOUT_SECONDS);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);

	/* Read a refused body to its end, so the client sees the 413. */
	evhttp_set_flags(http, EVHTTP_SERVER_LINGERING_CLOSE);
	return http;
}

static struct evhttp_bound_socket *server_bind(struct evhttp *http,
    const char *address, const char *what, struct error *err)
{
	struct evhttp_bound_socket *socket;
	char *host;
	int port;

	if (!config_split_address(address, what, &host, &port, err))
		return NULL;
	socket = evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
	if (socket == NULL)
		error_set(err, "bind-failed", "cannot listen on %s (%s): is "
		    "another svccertd running, or the port taken? Set another "
		    "with %s", address, what, what);
	free(host);
	return socket;
}

/* Every request on the plain port: to the HTTPS address, nothing else. */
static void server_redirect(struct evhttp_request *http, void *arg)
{
	struct server *s = arg;
	struct evkeyvalq *out = evhttp_request_get_output_headers(http);
	struct evbuffer *body = evbuffer_new();

	if (body == NULL)
		abort();
	evbuffer_add_printf(body, "svccertd answers on %s\n", s->location);
	evhttp_add_header(out, "Location", s->location);
	evhttp_add_header(out, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_send_reply(http, 301, NULL, body);
	evbuffer_free(body);
}

char *server_url(const struct daemon *d)
{
	char *host = NULL, *url;
	const char *shown;
	int port = 0;
	struct error err;

	if (!config_split_address(d->listen, "listen", &host, &port, &err))
		return xstrdup(d->listen);

	/* A wildcard address is reached by the machine's name. */
	shown = host;
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		shown = d->ctx.config.hostname;
	url = xasprintf("https://%s%s%s:%d/", strchr(shown, ':') ? "[" : "",
	    shown, strchr(shown, ':') ? "]" : "", port);
	free(host);
	return url;
}

static bool server_start_redirect(struct daemon *d, const char *address,
    struct error *err)
{
	struct server *s = d->server;

	s->redirect = server_http_new(d);
	evhttp_set_gencb(s->redirect, server_redirect, s);
	s->redirect_socket = server_bind(s->redirect, address,
	    "--redirect-listen", err);
	return s->redirect_socket != NULL;
}

bool server_start(struct daemon *d, struct error *err)
{
	struct server *s = xcalloc(1, sizeof(*s));
	const char *redirect = d->options.redirect_listen != NULL ?
	    d->options.redirect_listen : d->ctx.config.redirect_listen;

	d->server = s;
	s->location = server_url(d);
	if (!server_load_certificate(d, err))
		return false;

	s->https = server_http_new(d);
	evhttp_set_bevcb(s->https, server_new_connection, s);
	evhttp_set_gencb(s->https, router_handle, d);
	s->https_socket = server_bind(s->https, d->listen, "--listen", err);
	if (s->https_socket == NULL)
		return false;
	if (!d->options.no_redirect && !server_start_redirect(d, redirect,
	    err))
		return false;
	log_info("listening on %s%s%s", s->location, d->options.no_redirect ?
	    "" : ", redirecting from http://", d->options.no_redirect ? "" :
	    redirect);
	return true;
}

void server_stop_accepting(struct daemon *d)
{
	struct server *s = d->server;

	if (s->https_socket != NULL)
		evhttp_del_accept_socket(s->https, s->https_socket);
	if (s->redirect_socket != NULL)
		evhttp_del_accept_socket(s->redirect, s->redirect_socket);
	s->https_socket = s->redirect_socket = NULL;
}

void server_free(struct daemon *d)
{
	struct server *s = d->server;

	if (s == NULL)
		return;
	if (s->https != NULL)
		evhttp_free(s->https);
	if (s->redirect != NULL)
		evhttp_free(s->redirect);
	SSL_CTX_free(s->tls);
	free(s->location);
	free(s);
	d->server = NULL;
}
