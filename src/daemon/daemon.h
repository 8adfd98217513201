/*
 * daemon.h - what the parts of svccertd share.
 *
 * One libevent loop accepts every connection and answers every request.
 * Reads run on the loop with the main context.  Changes run one at a
 * time on the change worker, a thread with a context of its own: a
 * change probes its daemon for seconds, and when that daemon is
 * svccertd the probe connects back here, so the loop must stay free to
 * answer it (and to handle the SIGHUP the change sends).  Endpoint
 * probes made for details and notices run on a probe worker for the
 * same reason.
 */
#ifndef SVCCERTD_DAEMON_H
#define SVCCERTD_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "certinfo.h"
#include "error.h"
#include "finding.h"
#include "material.h"
#include "served.h"
#include "service.h"
#include "txn.h"
#include "users.h"

/* The registry's name for this daemon: its certificate and pidfile. */
#define DAEMON_SERVICE "svccertd"
/* Request bodies beyond this get 413 (docs/api.md). */
#define DAEMON_BODY_MAX (1024 * 1024)

struct daemon_options {
	const char *root;
	const char *config_file;
	const char *listen;           /* NULL: the configuration's */
	const char *redirect_listen;  /* NULL: the configuration's */
	bool no_redirect;
	const char *web_dir;          /* NULL: configuration, then default */
	const char *pidfile;          /* NULL: the svccertd service's */
};

struct server;
struct worker;
struct throttle;

struct daemon {
	struct event_base *base;
	struct daemon_options options;
	struct context ctx;           /* the loop's; a worker opens its own */
	struct server *server;
	struct worker *changes;       /* one change at a time */
	struct worker *probes;        /* endpoint probes for reads */
	struct throttle *throttle;    /* failed logins */
	char *listen;                 /* "ADDR:PORT" of HTTPS */
	char *web_dir;
	char *pidfile;
	bool change_running;          /* a change is posted or running */
	size_t in_flight;             /* requests not answered yet */
	bool stopping;                /* SIGTERM: no new connections */
};

/* main.c: SIGHUP re-reads configuration, registry and certificate. */
void daemon_reload(struct daemon *d);
/*
 * context_open for the loop and the change worker alike: the registry's
 * user and group look-ups (getpwnam, getgrnam) are not thread-safe, so
 * contexts are opened and closed one at a time.
 */
bool daemon_context_open(struct daemon *d, struct context *ctx,
    struct error *err);
void daemon_context_close(struct context *ctx);

/* server.c: the listeners, TLS, and the certificate swap. */
bool server_start(struct daemon *d, struct error *err);
/* Build a TLS context from svccertd's files; swap it in if it loads. */
bool server_load_certificate(struct daemon *d, struct error *err);
void server_stop_accepting(struct daemon *d);
/* "https://HOST:PORT/" of the HTTPS listener. */
char *server_url(const struct daemon *d);
void server_free(struct daemon *d);

/* request.c: one request, its answer, and the line it leaves in the log. */
enum auth_kind {
	AUTH_NONE,
	AUTH_TOKEN,     /* Authorization: whm USER:TOKEN or Bearer TOKEN */
	AUTH_SESSION,   /* the svccert_session cookie */
};

struct request {
	struct daemon *daemon;
	struct evhttp_request *http;
	const char *method;      /* "GET", "POST", ... */
	char *path;              /* decoded, without the query string */
	char *command;           /* metadata.command of the answer */
	json_t *params;          /* query string and body, see params.c */
	struct user user;        /* user.name NULL until authenticated */
	enum auth_kind auth;
	char *csrf;              /* the session's CSRF token */
	char client[64];         /* peer address, for throttling and logs */
};

struct request *request_new(struct daemon *d, struct evhttp_request *http);
const char *request_header(const struct request *r, const char *name);
/* Send body as it is (headers set by the caller), log, free r. */
void request_send(struct request *r, int status, struct evbuffer *body);
/* Send doc (reference taken), log the request, free r. */
void request_reply(struct request *r, int status, json_t *doc);
/* The WHM envelope around data (reference taken; NULL: {}). */
void request_reply_envelope(struct request *r, int status,
    const char *code, const char *reason, json_t *data, json_t *warnings);
void request_reply_ok(struct request *r, json_t *data, json_t *warnings);
void request_fail(struct request *r, int status, const struct error *err);
void request_fail_with(struct request *r, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The headers every HTTPS answer carries. */
void request_set_security_headers(struct evhttp_request *http);

/* params.c: parameters from the query string and the body. */
bool params_read(struct request *r, struct error *err);
/* A string parameter, or NULL. */
const char *params_get(json_t *params, const char *name);
/* "a,b" or a JSON array of strings; NULL-terminated (change_free_names). */
char **params_list(json_t *params, const char *name, size_t *count);
/* Answers 400 missing-parameter and returns false when one is absent. */
bool params_require(struct request *r, const char *const *names);
/* Wipes every value (pastes hold keys) and frees. */
void params_free(json_t *params);

/* auth.c: who is calling, CSRF, login and logout. */
bool auth_identify(struct request *r);       /* false: answered 401 */
bool auth_check_csrf(struct request *r);     /* false: answered 403 */
bool auth_check_privilege(struct request *r);  /* false: answered 403 */
void auth_login(struct request *r);
void auth_logout(struct request *r);
/* First start: create root with a random password, shown once. */
bool auth_first_start(struct daemon *d, struct error *err);

/* throttle.c: failed logins per user and per address, in memory. */
struct throttle *throttle_new(void);
void throttle_free(struct throttle *t);
/* Seconds until key may try again; 0 when it may now. */
long throttle_wait(struct throttle *t, const char *key);
void throttle_fail(struct throttle *t, const char *key);

/* router.c: the one request callback. */
void router_handle(struct evhttp_request *http, void *arg);

/* api.c: the functions of docs/api.md. */
struct api_function {
	const char *name;
	bool changes;        /* POST only, CSRF, the change worker */
	bool any_user;       /* no service-ssl privilege needed */
	void (*handle)(struct request *r);
};
const struct api_function *api_find(const char *name);

/* api_read.c: answered on the loop. */
void api_fetch(struct request *r);
void api_whoami(struct request *r);
void api_details(struct request *r);
void api_validate(struct request *r);
void api_history(struct request *r);
void api_notices(struct request *r);

/* api_change.c: answered when the change worker is done. */
void api_install_whm(struct request *r);
void api_reset_whm(struct request *r);
void api_install(struct request *r);
void api_apply(struct request *r);
void api_restore(struct request *r);

/* svcjson.c: the service object and certificate_info. */
/* A JSON string of s, with bytes that are not UTF-8 text replaced. */
json_t *svcjson_text(const char *s);
json_t *svcjson_service(struct context *ctx, const struct service *svc,
    struct material *mat);
json_t *svcjson_certinfo(const struct certinfo *info);
json_t *svcjson_warnings(const struct findings *findings);
/* The paste's parameters crt, key and cabundle, read into in. */
void svcjson_read_paste(json_t *params, struct input *in,
    struct findings *findings);

/* filter.c: WHM's api.filter.* parameters. */
bool filter_apply(const struct request *r, json_t *list,
    struct error *err);

/* worker.c: a thread that runs jobs one at a time. */
struct worker_job {
	void (*run)(struct worker_job *job);   /* on the worker's thread */
	void (*done)(struct worker_job *job);  /* on the loop, after run */
	struct worker_job *next;
};

struct worker *worker_start(struct event_base *base, const char *name);
void worker_post(struct worker *w, struct worker_job *job);
bool worker_idle(struct worker *w);
/* Joins the thread; only an idle worker can be stopped. */
void worker_stop(struct worker *w);

/* probes.c: served.c's probes, on the probe worker. */
struct probe_batch {
	struct worker_job job;
	struct served_list served;
	void (*done)(struct probe_batch *batch);
	struct request *request;     /* answered by done() */
	json_t *doc;                 /* the answer being built */
};

/* doc's reference is taken; probes_free drops it. */
struct probe_batch *probes_new(void (*done)(struct probe_batch *),
    struct request *request, json_t *doc);
/* Probe on the probe worker; batch->done runs on the loop. */
void probes_run(struct daemon *d, struct probe_batch *batch);
void probes_free(struct probe_batch *batch);
json_t *probes_served_json(const struct probe_batch *batch);

/* notices.c: what needs the administrator's attention. */
void notices_for_certificate(json_t *list, const struct context *ctx,
    const struct service *svc, const struct certinfo *info,
    const struct error *err);
void notices_for_probes(json_t *list, const struct probe_batch *batch);

/* static.c: the page's files. */
void static_serve(struct request *r);
/* --web-dir, else web_dir, else the installed folder or the source's. */
char *static_web_dir(const struct daemon_options *options,
    const struct config *cfg);

#endif
