/*
 * main.c - svccertd, the panel: svccert's functions as a JSON API over
 * HTTPS, and the page that uses them.
 *
 * It stays in the foreground, as systemd (Type=simple) and containers
 * expect.  SIGHUP re-reads the configuration, the services and its own
 * certificate, which is how svccert's reload of the svccertd service
 * reaches it; SIGTERM stops accepting, lets the requests in flight
 * finish for a few seconds, and exits 0.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "atomic.h"
#include "change.h"
#include "daemon.h"
#include "log.h"
#include "svccert-build.h"
#include "util.h"

#define EXIT_USAGE 2
/* What SIGTERM leaves the requests in flight. */
#define STOP_GRACE_MS 5000
#define STOP_POLL_MS 50

struct svccertd {
	struct daemon d;
	struct event *sighup;
	struct event *sigterm;
	struct event *sigint;
	struct event *stop_timer;
	long stop_deadline;
	bool pidfile_written;
};

static pthread_mutex_t daemon_context_mutex = PTHREAD_MUTEX_INITIALIZER;

bool daemon_context_open(struct daemon *d, struct context *ctx,
    struct error *err)
{
	bool ok;

	pthread_mutex_lock(&daemon_context_mutex);
	ok = context_open(ctx, d->options.root, d->options.config_file, err);
	if (!ok)
		context_close(ctx);
	pthread_mutex_unlock(&daemon_context_mutex);
	return ok;
}

void daemon_context_close(struct context *ctx)
{
	pthread_mutex_lock(&daemon_context_mutex);
	context_close(ctx);
	pthread_mutex_unlock(&daemon_context_mutex);
}

static long daemon_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: svccertd [--root DIR] [--config FILE] "
	    "[--listen ADDR:PORT]\n"
	    "                [--redirect-listen ADDR:PORT] [--no-redirect] "
	    "[--web-dir DIR]\n"
	    "                [--log stderr|syslog] "
	    "[--log-level error|warning|info|debug]\n"
	    "                [--pidfile FILE]\n\nsee svccertd(8)\n");
}

static bool parse_log_level(const char *text, enum log_level *level)
{
	static const char *const names[] = { "error", "warning", "info",
	    "debug" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(text, names[i]) == 0) {
			*level = (enum log_level)i;
			return true;
		}
	return false;
}

/* Before anything is opened or written: a typo must change nothing. */
static bool check_addresses(const struct daemon_options *o)
{
	const char *addresses[] = { o->listen, o->redirect_listen };
	const char *names[] = { "--listen", "--redirect-listen" };
	struct error err;
	char *host;
	int port;

	for (size_t i = 0; i < 2; i++) {
		if (addresses[i] == NULL)
			continue;
		if (!config_split_address(addresses[i], names[i], &host, &port,
		    &err)) {
			fprintf(stderr, "svccertd: %s\n", err.message);
			return false;
		}
		free(host);
	}
	return true;
}

/* --log (L) and --log-level (v). */
static bool parse_log_option(int opt, const char *arg,
    enum log_level *level)
{
	if (opt == 'v')
		return parse_log_level(arg, level);
	if (strcmp(arg, "syslog") == 0)
		log_use_syslog(true);
	return strcmp(arg, "syslog") == 0 || strcmp(arg, "stderr") == 0;
}

/* Options as svccert has them; -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct daemon_options *o)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "redirect-listen", required_argument, NULL, 'R' },
		{ "no-redirect", no_argument, NULL, 'n' },
		{ "web-dir", required_argument, NULL, 'w' },
		{ "log", required_argument, NULL, 'L' },
		{ "log-level", required_argument, NULL, 'v' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum log_level level = LOG_LEVEL_INFO;
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r': o->root = optarg; break;
		case 'c': o->config_file = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'R': o->redirect_listen = optarg; break;
		case 'n': o->no_redirect = true; break;
		case 'w': o->web_dir = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'L':
		case 'v':
			if (!parse_log_option(opt, optarg, &level)) {
				usage(stderr);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("svccertd %s\n", SVCCERT_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	log_set_level(level);
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return check_addresses(o) ? -1 : EXIT_USAGE;
}

/*
 * Without a certificate there is nothing to serve TLS with: make a
 * self-signed one, the way svccert reset would, written by the same
 * transaction (kept in history, audited) but without the reload, since
 * the daemon to reload is this one, not yet listening.
 */
static bool daemon_first_certificate(struct daemon *d,
    const struct service *svc, struct error *err)
{
	struct txn_result result;
	struct material mat;
	bool ok;

	log_info("%s has no certificate yet: making a self-signed one for %s",
	    svc->name, service_hostname(svc, &d->ctx.config));
	material_init(&mat);
	ok = txn_lock(&d->ctx, err) && change_reset_material(&d->ctx, svc,
	    &mat, err);
	if (ok && txn_install(&d->ctx, svc, &mat, "reset", true, &result) !=
	    TXN_OK) {
		error_set(err, result.code, "%s", result.message);
		ok = false;
	}
	txn_unlock(&d->ctx);
	material_free(&mat);
	return ok;
}

static bool daemon_check_certificate(struct daemon *d, struct error *err)
{
	const struct service *svc = registry_find(&d->ctx.registry,
	    DAEMON_SERVICE);
	struct material mat;
	bool ok;

	material_init(&mat);
	ok = service_read_material(svc, &mat, err);
	material_free(&mat);
	if (ok || strcmp(err->code, "no-certificate") != 0)
		return ok;
	return daemon_first_certificate(d, svc, err);
}

/*
 * The svccertd service's pidfile unless told otherwise: svccert's
 * reload of that service signals the PID it finds there.
 */
static char *daemon_pidfile(const struct daemon *d)
{
	const struct service *svc = registry_find(&d->ctx.registry,
	    DAEMON_SERVICE);

	if (d->options.pidfile != NULL)
		return xstrdup(d->options.pidfile);
	if (svc->pidfile != NULL)
		return xstrdup(svc->pidfile);
	return config_resolve(&d->ctx.config, "/run/svccertd.pid");
}

static bool daemon_write_pidfile(const struct daemon *d, struct error *err)
{
	char *dir = xstrdup(d->pidfile), *slash = strrchr(dir, '/');
	char text[32];
	bool ok = true;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		ok = atomic_make_dirs(dir, 0755, err);
	}
	free(dir);
	snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	return ok && atomic_write_file(d->pidfile, text, strlen(text),
	    getuid(), getgid(), 0644, err);
}

/* Only ours: a second svccertd that failed to start must not remove it. */
static void daemon_remove_pidfile(const struct daemon *d)
{
	char *text = NULL, mine[32];
	size_t length;
	struct error err;

	snprintf(mine, sizeof(mine), "%ld\n", (long)getpid());
	if (util_read_file(d->pidfile, 64, &text, &length, &err) &&
	    strcmp(text, mine) == 0)
		unlink(d->pidfile);
	free(text);
}

/* Said once at start, since a change would otherwise fail later. */
static void daemon_check_setup(const struct daemon *d)
{
	const struct service *svc = registry_find(&d->ctx.registry,
	    DAEMON_SERVICE);
	char *host = NULL;
	int port = 0;
	bool probed = false;
	struct error err;

	if (config_split_address(d->listen, "listen", &host, &port, &err))
		for (size_t i = 0; i < svc->endpoint_count; i++)
			probed |= svc->endpoints[i].port == port;
	if (!probed)
		log_warning("%s's definition probes no endpoint on port %d, "
		    "where it listens: a change of its certificate will not "
		    "be verified there (set its endpoints in %s/%s.json)",
		    svc->name, port, d->ctx.config.services_dir, svc->name);
	if (svc->reload != SERVICE_RELOAD_SIGNAL || svc->pidfile == NULL ||
	    strcmp(svc->pidfile, d->pidfile) != 0)
		log_warning("%s's definition does not signal the PID in %s: "
		    "a change of its certificate will not reach this process",
		    svc->name, d->pidfile);
	if (access(d->web_dir, F_OK) != 0)
		log_warning("the page's folder %s is missing: only the API "
		    "answers (set --web-dir)", d->web_dir);
	free(host);
}

void daemon_reload(struct daemon *d)
{
	struct context fresh;
	struct error err;

	log_info("SIGHUP: reading the configuration, the services and the "
	    "certificate again");
	if (daemon_context_open(d, &fresh, &err)) {
		if (d->options.listen == NULL &&
		    strcmp(fresh.config.listen, d->listen) != 0)
			log_warning("listen is now %s; svccertd keeps %s until "
			    "it is restarted", fresh.config.listen, d->listen);
		daemon_context_close(&d->ctx);
		d->ctx = fresh;
		d->ctx.user = DAEMON_SERVICE;
	} else
		log_error("%s; keeping the configuration read before",
		    err.message);

	if (!server_load_certificate(d, &err))
		log_error("%s; still serving the certificate loaded before",
		    err.message);
}

static void daemon_on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct svccertd *s = arg;

	daemon_reload(&s->d);
}

/* Done when nothing is in flight, or when the grace is over. */
static void daemon_on_stop_poll(evutil_socket_t fd, short what, void *arg)
{
	struct svccertd *s = arg;
	struct timeval poll = { 0, STOP_POLL_MS * 1000 };

	if (s->d.in_flight == 0 || daemon_now_ms() >= s->stop_deadline)
		event_base_loopexit(s->d.base, NULL);
	else
		evtimer_add(s->stop_timer, &poll);
}

static void daemon_on_term(evutil_socket_t sig, short what, void *arg)
{
	struct svccertd *s = arg;

	if (s->d.stopping)
		return;
	s->d.stopping = true;
	log_info("%s: no new connections; %zu request(s) in flight",
	    sig == SIGINT ? "SIGINT" : "SIGTERM", s->d.in_flight);
	server_stop_accepting(&s->d);
	s->stop_deadline = daemon_now_ms() + STOP_GRACE_MS;
	daemon_on_stop_poll(-1, 0, s);
}

static struct event *daemon_signal(struct svccertd *s, int sig,
    event_callback_fn callback)
{
	struct event *ev = evsignal_new(s->d.base, sig, callback, s);

	if (ev == NULL || event_add(ev, NULL) != 0)
		abort();
	return ev;
}

static void daemon_start_loop(struct svccertd *s)
{
	struct daemon *d = &s->d;

	d->throttle = throttle_new();
	d->changes = worker_start(d->base, "change worker");
	d->probes = worker_start(d->base, "probe worker");
	s->sighup = daemon_signal(s, SIGHUP, daemon_on_hup);
	s->sigterm = daemon_signal(s, SIGTERM, daemon_on_term);
	s->sigint = daemon_signal(s, SIGINT, daemon_on_term);
	s->stop_timer = evtimer_new(d->base, daemon_on_stop_poll, s);
	if (s->stop_timer == NULL)
		abort();
}

/* Everything up to the loop; false when svccertd cannot run. */
static bool daemon_start(struct svccertd *s, struct error *err)
{
	struct daemon *d = &s->d;
	const struct daemon_options *o = &d->options;

	if (!daemon_context_open(d, &d->ctx, err) ||
	    !txn_recover_pending(&d->ctx, err))
		return false;
	d->ctx.user = DAEMON_SERVICE;
	d->listen = xstrdup(o->listen != NULL ? o->listen :
	    d->ctx.config.listen);
	d->web_dir = static_web_dir(o, &d->ctx.config);
	d->pidfile = daemon_pidfile(d);
	if (!daemon_check_certificate(d, err))
		return false;

	/* Listening first: the first start's password names the URL. */
	if ((d->base = event_base_new()) == NULL)
		abort();
	if (!server_start(d, err) || !auth_first_start(d, err) ||
	    !daemon_write_pidfile(d, err))
		return false;
	s->pidfile_written = true;
	daemon_check_setup(d);
	daemon_start_loop(s);
	return true;
}

static void daemon_free_events(struct svccertd *s)
{
	struct event *events[] = { s->sighup, s->sigterm, s->sigint,
	    s->stop_timer };

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i] != NULL)
			event_free(events[i]);
}

static void daemon_stop(struct svccertd *s)
{
	struct daemon *d = &s->d;

	if (s->pidfile_written)
		daemon_remove_pidfile(d);

	/* A change cut short is undone from its journal at the next start. */
	if ((d->changes != NULL && !worker_idle(d->changes)) ||
	    (d->probes != NULL && !worker_idle(d->probes))) {
		log_warning("exiting with a change or probe still running; "
		    "an unfinished change is undone at the next start");
		_exit(EXIT_SUCCESS);
	}
	worker_stop(d->changes);
	worker_stop(d->probes);
	server_free(d);
	daemon_free_events(s);
	if (d->base != NULL)
		event_base_free(d->base);
	throttle_free(d->throttle);
	daemon_context_close(&d->ctx);
	free(d->listen);
	free(d->web_dir);
	free(d->pidfile);
}

int main(int argc, char **argv)
{
	struct svccertd s;
	struct error err;
	int rc;

	memset(&s, 0, sizeof(s));
	log_set_program("svccertd");
	if ((rc = parse_options(argc, argv, &s.d.options)) >= 0)
		return rc;

	/* Peers that hang up mid-write must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	registry_list_builtin(DAEMON_SERVICE);
	if (evthread_use_pthreads() != 0)
		abort();

	error_clear(&err);
	if (daemon_start(&s, &err)) {
		event_base_dispatch(s.d.base);
		rc = EXIT_SUCCESS;
	} else {
		log_error("%s", err.message);
		rc = EXIT_FAILURE;
	}
	daemon_stop(&s);
	log_info("stopped");
	return rc;
}
