/*
 * test_served.c - what endpoints serve beside what is installed, against
 * a forked TLS server on 127.0.0.1 and a closed port.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "fixture.h"
#include "served.h"
#include "util.h"

#define TIMEOUT_MS 5000

static struct fixture_pair leaf;

/* A listening (or, closed, a just-closed) socket on a free port. */
static int local_socket(int *port, bool closed)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t length = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &length), 0);
	*port = ntohs(sin.sin_port);
	if (closed) {
		close(fd);
		return -1;
	}
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

/* One TLS handshake with the fixture leaf, then exit. */
static pid_t serve_once(int listen_fd)
{
	pid_t pid = fork();
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;

	assert_true(pid >= 0);
	if (pid > 0) {
		close(listen_fd);
		return pid;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(ctx, leaf.cert);
	SSL_CTX_use_PrivateKey(ctx, leaf.key);
	fd = accept(listen_fd, NULL, NULL);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		SSL_shutdown(ssl);
	_exit(0);
}

static void make_service(struct service *svc, struct endpoint *ep, int port)
{
	memset(svc, 0, sizeof(*svc));
	svc->name = "demo";
	svc->hostname = "mail.test";
	ep->host = "127.0.0.1";
	ep->port = port;
	ep->protocol = PROBE_TLS;
	svc->endpoints = ep;
	svc->endpoint_count = 1;
}

static void probe_port(int port, const char *installed,
    struct served_list *list)
{
	struct config cfg = { .hostname = "host.test" };
	struct service svc;
	struct endpoint ep;

	make_service(&svc, &ep, port);
	served_init(list);
	served_add_service(list, &cfg, &svc, installed);

	/* The list has its own copies: the registry may go meanwhile. */
	memset(&svc, 0, sizeof(svc));
	memset(&ep, 0, sizeof(ep));
	served_probe(list, TIMEOUT_MS);
}

static void test_served_matches(void **state)
{
	char fp[FINGERPRINT_SIZE];
	struct served_list list;
	int port, status;
	pid_t pid = serve_once(local_socket(&port, false));

	material_fingerprint(leaf.cert, fp, sizeof(fp));
	probe_port(port, fp, &list);
	assert_int_equal(list.count, 1);
	assert_true(list.items[0].answered);
	assert_string_equal(list.items[0].served, fp);
	assert_string_equal(list.items[0].sni, "mail.test");
	assert_string_equal(list.items[0].service, "demo");
	assert_string_equal(list.items[0].problem, "");
	assert_true(served_matches(&list.items[0]));
	assert_false(served_differs(&list.items[0]));
	served_free(&list);
	waitpid(pid, &status, 0);
}

static void test_served_differs(void **state)
{
	struct served_list list;
	int port, status;
	pid_t pid = serve_once(local_socket(&port, false));

	probe_port(port, "AA:BB", &list);
	assert_true(list.items[0].answered);
	assert_false(served_matches(&list.items[0]));
	assert_true(served_differs(&list.items[0]));
	served_free(&list);
	waitpid(pid, &status, 0);
}

/* Nothing installed: whatever is served neither matches nor differs. */
static void test_served_nothing_installed(void **state)
{
	struct served_list list;
	int port, status;
	pid_t pid = serve_once(local_socket(&port, false));

	probe_port(port, NULL, &list);
	assert_true(list.items[0].answered);
	assert_string_equal(list.items[0].installed, "");
	assert_false(served_matches(&list.items[0]));
	assert_false(served_differs(&list.items[0]));
	served_free(&list);
	waitpid(pid, &status, 0);
}

static void test_served_closed_port(void **state)
{
	struct served_list list;
	int port;

	local_socket(&port, true);
	probe_port(port, "AA:BB", &list);
	assert_false(list.items[0].answered);
	assert_string_equal(list.items[0].served, "");
	assert_true(strlen(list.items[0].problem) > 0);
	assert_false(served_matches(&list.items[0]));
	assert_false(served_differs(&list.items[0]));
	served_free(&list);
	assert_int_equal(list.count, 0);
}

static int setup(void **state)
{
	const char *const sans[] = { "mail.test", NULL };
	struct fixture_options o = { .cn = "mail.test", .sans = sans };

	signal(SIGPIPE, SIG_IGN);
	fixture_make(&leaf, &o);
	return 0;
}

static int teardown(void **state)
{
	fixture_pair_free(&leaf);
	fixture_cleanup_dirs();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_served_matches),
		cmocka_unit_test(test_served_differs),
		cmocka_unit_test(test_served_nothing_installed),
		cmocka_unit_test(test_served_closed_port),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
