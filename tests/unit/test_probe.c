/*
 * test_probe.c - the TLS probe against scripted servers on 127.0.0.1.
 *
 * Each test forks a tiny server that plays one protocol's preface from a
 * script, then does the TLS handshake with a fixture certificate.  The
 * server reports the SNI it saw through a pipe.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "fixture.h"
#include "probe.h"

#define TIMEOUT_MS 5000

struct script_step {
	const char *send;      /* what the server says */
	const char *expect;    /* then the start of the line it waits for,
	                          or NULL to go on */
};

struct server_spec {
	const struct script_step *script;  /* NULL: TLS right away */
	bool no_tls;                       /* hang up after the script */
	bool send_intermediate;
	const struct fixture_pair *leaf;   /* NULL: the PKI's leaf */
};

struct server {
	pid_t pid;
	int port;
	int report_fd;
	char sni[256];
};

static struct fixture_pki pki;
static struct fixture_pair legacy;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A socket on 127.0.0.1 with a free port, listening or not. */
static int local_socket(int *port, bool listening)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (listening)
		assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* In the server: a line, read a byte at a time so no TLS is swallowed. */
static bool server_read_line(int fd, char *line, size_t size)
{
	size_t n = 0;
	char ch;

	while (recv(fd, &ch, 1, 0) == 1) {
		if (ch == '\n') {
			line[n] = '\0';
			return true;
		}
		if (ch != '\r' && n + 1 < size)
			line[n++] = ch;
	}
	return false;
}

static bool server_play(int fd, const struct script_step *script)
{
	char line[1024];

	for (; script != NULL && script->send != NULL; script++) {
		size_t length = strlen(script->send);

		if (send(fd, script->send, length, 0) != (ssize_t)length)
			return false;
		if (script->expect == NULL)
			continue;
		if (!server_read_line(fd, line, sizeof(line)) ||
		    strncmp(line, script->expect, strlen(script->expect)))
			return false;
	}
	return true;
}

static int server_note_sni(SSL *ssl, int *alert, void *arg)
{
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	int fd = *(int *)arg;

	(void)!write(fd, name ? name : "", name ? strlen(name) : 0);
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *server_context(const struct server_spec *spec, int *report)
{
	const struct fixture_pair *leaf = spec->leaf ? spec->leaf : &pki.leaf;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	/* Level 0 so the legacy 1024-bit leaf can be served at all. */
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_num_tickets(ctx, 0);
	if (SSL_CTX_use_certificate(ctx, leaf->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, leaf->key) != 1)
		_exit(2);
	if (spec->send_intermediate &&
	    SSL_CTX_add1_chain_cert(ctx, pki.intermediate.cert) != 1)
		_exit(2);
	SSL_CTX_set_tlsext_servername_callback(ctx, server_note_sni);
	SSL_CTX_set_tlsext_servername_arg(ctx, report);
	return ctx;
}

static void server_child(int listen_fd, const struct server_spec *spec,
    int report_fd)
{
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;

	/* Never outlive a broken test. */
	alarm(10);
	signal(SIGPIPE, SIG_IGN);
	if ((fd = accept(listen_fd, NULL, NULL)) < 0)
		_exit(1);
	if (!server_play(fd, spec->script) || spec->no_tls)
		_exit(0);

	ctx = server_context(spec, &report_fd);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		SSL_shutdown(ssl);
	_exit(0);
}

static void server_start(struct server *s, const struct server_spec *spec)
{
	int listen_fd = local_socket(&s->port, true), fds[2];

	assert_int_equal(pipe(fds), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		close(fds[0]);
		server_child(listen_fd, spec, fds[1]);
	}
	close(fds[1]);
	close(listen_fd);
	s->report_fd = fds[0];
}

/* Wait for the server to end; s->sni gets the name it was sent. */
static void server_finish(struct server *s)
{
	size_t n = 0;
	ssize_t got;
	int status;

	while (n + 1 < sizeof(s->sni) &&
	    (got = read(s->report_fd, s->sni + n, sizeof(s->sni) - 1 - n)) > 0)
		n += (size_t)got;
	s->sni[n] = '\0';
	close(s->report_fd);
	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
}

static void expected_fingerprint(X509 *cert, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int length;

	assert_true(X509_digest(cert, EVP_sha256(), md, &length));
	for (unsigned int i = 0; i < length; i++)
		sprintf(out + 3 * i, i + 1 < length ? "%02X:" : "%02X", md[i]);
}

/* Run one probe against a scripted server; true when it succeeded. */
static bool probe_scripted(const struct server_spec *spec,
    enum probe_protocol protocol, const char *sni, struct server *s,
    char *fingerprint, int *chain_length, struct error *err)
{
	struct endpoint ep = { .host = "127.0.0.1", .protocol = protocol };
	bool ok;

	server_start(s, spec);
	ep.port = s->port;
	error_clear(err);
	ok = probe_endpoint(&ep, sni, TIMEOUT_MS, fingerprint, chain_length,
	    err);
	server_finish(s);
	return ok;
}

static void assert_probe_serves(const struct server_spec *spec,
    enum probe_protocol protocol, const struct fixture_pair *leaf)
{
	char fingerprint[FINGERPRINT_SIZE], want[FINGERPRINT_SIZE];
	struct server s;
	struct error err;
	int chain = -1;

	if (!probe_scripted(spec, protocol, "mail.test", &s, fingerprint,
	    &chain, &err))
		fail_msg("probe failed: %s: %s", err.code, err.message);
	expected_fingerprint(leaf->cert, want);
	assert_string_equal(fingerprint, want);
	assert_int_equal(chain, 1);
	assert_string_equal(s.sni, "mail.test");
}

static const struct script_step smtp_ok[] = {
	{ "220-mail.test ESMTP\r\n220 ready\r\n", "EHLO svccert.probe" },
	{ "250-mail.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n", "STARTTLS" },
	{ "220 go ahead\r\n", NULL },
	{ NULL, NULL },
};

static void test_probe_smtp(void **state)
{
	struct server_spec spec = { .script = smtp_ok };

	assert_probe_serves(&spec, PROBE_SMTP, &pki.leaf);
}

static void test_probe_imap(void **state)
{
	static const struct script_step imap[] = {
		{ "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n",
		    "a1 STARTTLS" },
		{ "* CAPABILITY IMAP4rev1\r\na1 OK Begin TLS\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = imap };

	assert_probe_serves(&spec, PROBE_IMAP, &pki.leaf);
}

/* Bare LF line ends are accepted too. */
static void test_probe_pop3(void **state)
{
	static const struct script_step pop3[] = {
		{ "+OK Dovecot ready.\n", "STLS" },
		{ "+OK Begin TLS negotiation now.\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = pop3 };

	assert_probe_serves(&spec, PROBE_POP3, &pki.leaf);
}

/* Inner lines of an FTP reply need not carry the code. */
static void test_probe_ftp(void **state)
{
	static const struct script_step ftp[] = {
		{ "220-Welcome\r\n  to the test server\r\n220 ready\r\n",
		    "AUTH TLS" },
		{ "234 AUTH TLS OK.\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = ftp };

	assert_probe_serves(&spec, PROBE_FTP, &pki.leaf);
}

static void test_probe_implicit_tls(void **state)
{
	struct server_spec spec = { 0 };

	assert_probe_serves(&spec, PROBE_TLS, &pki.leaf);
}

/* A 1024-bit leaf must still be seen, so that it can be reported. */
static void test_probe_legacy_key(void **state)
{
	struct server_spec spec = { .leaf = &legacy };

	assert_probe_serves(&spec, PROBE_TLS, &legacy);
}

static void test_probe_chain_and_sni(void **state)
{
	struct server_spec spec = { .script = smtp_ok,
	    .send_intermediate = true };
	char fingerprint[FINGERPRINT_SIZE];
	struct server s;
	struct error err;
	int chain = 0;

	assert_true(probe_scripted(&spec, PROBE_SMTP, NULL, &s, fingerprint,
	    &chain, &err));
	assert_int_equal(chain, 2);
	assert_string_equal(s.sni, "");

	/* chain_length may be left out. */
	assert_true(probe_scripted(&spec, PROBE_SMTP, "other.test", &s,
	    fingerprint, NULL, &err));
	assert_string_equal(s.sni, "other.test");
}

/* Exim with an unreadable key still advertises STARTTLS, then says no. */
static void test_probe_starttls_refused(void **state)
{
	static const struct script_step exim[] = {
		{ "220 mail.test ESMTP Exim 4.96\r\n", "EHLO" },
		{ "250-mail.test Hello\r\n250 STARTTLS\r\n", "STARTTLS" },
		{ "454 TLS currently unavailable\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = exim, .no_tls = true };
	char fingerprint[FINGERPRINT_SIZE], where[64];
	struct server s;
	struct error err;

	assert_false(probe_scripted(&spec, PROBE_SMTP, "mail.test", &s,
	    fingerprint, NULL, &err));
	assert_string_equal(err.code, "starttls-refused");
	snprintf(where, sizeof(where), "127.0.0.1:%d", s.port);
	assert_non_null(strstr(err.message, where));
	assert_non_null(strstr(err.message,
	    "answered STARTTLS with: 454 TLS currently unavailable"));
	assert_string_equal(fingerprint, "");
}

/* Dovecot with a mismatched key accepts STARTTLS, then drops TLS. */
static void test_probe_handshake_dropped(void **state)
{
	static const struct script_step imap[] = {
		{ "* OK ready\r\n", "a1 STARTTLS" },
		{ "a1 OK Begin TLS\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = imap, .no_tls = true };
	char fingerprint[FINGERPRINT_SIZE];
	struct server s;
	struct error err;

	assert_false(probe_scripted(&spec, PROBE_IMAP, NULL, &s,
	    fingerprint, NULL, &err));
	assert_string_equal(err.code, "tls-handshake");
	assert_non_null(strstr(err.message, "IMAP"));
}

static void test_probe_wrong_greeting(void **state)
{
	static const struct script_step script[] = {
		{ "554 no service here\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = script, .no_tls = true };
	char fingerprint[FINGERPRINT_SIZE];
	struct server s;
	struct error err;

	assert_false(probe_scripted(&spec, PROBE_SMTP, NULL, &s,
	    fingerprint, NULL, &err));
	assert_string_equal(err.code, "probe-protocol");
	assert_non_null(strstr(err.message, "554 no service here"));
}

/* Plaintext sent after "220 go ahead" would be read as TLS: refuse. */
static void test_probe_data_after_starttls(void **state)
{
	static const struct script_step script[] = {
		{ "220 hi\r\n", "EHLO" },
		{ "250 hi\r\n", "STARTTLS" },
		{ "220 go ahead\r\n250 injected\r\n", NULL },
		{ NULL, NULL },
	};
	struct server_spec spec = { .script = script, .no_tls = true };
	char fingerprint[FINGERPRINT_SIZE];
	struct server s;
	struct error err;

	assert_false(probe_scripted(&spec, PROBE_SMTP, NULL, &s,
	    fingerprint, NULL, &err));
	assert_string_equal(err.code, "probe-protocol");
	assert_non_null(strstr(err.message, "after accepting STARTTLS"));
}

/* An endless EHLO reply is cut off at the cap, not read forever. */
static void test_probe_huge_reply(void **state)
{
	struct script_step script[] = {
		{ "220 hi\r\n", "EHLO" }, { NULL, NULL }, { NULL, NULL },
	};
	struct server_spec spec = { .script = script, .no_tls = true };
	char fingerprint[FINGERPRINT_SIZE], *huge;
	size_t size = 100 * 1024;
	struct server s;
	struct error err;

	huge = malloc(size + 1);
	assert_non_null(huge);
	for (size_t i = 0; i < size; i += 10)
		memcpy(huge + i, "250-xxxx\r\n", 10);
	huge[size] = '\0';
	script[1].send = huge;

	assert_false(probe_scripted(&spec, PROBE_SMTP, NULL, &s,
	    fingerprint, NULL, &err));
	assert_string_equal(err.code, "probe-protocol");
	assert_non_null(strstr(err.message, "too much"));
	free(huge);
}

static void test_probe_closed_port(void **state)
{
	struct endpoint ep = { .host = "127.0.0.1", .protocol = PROBE_SMTP };
	char fingerprint[FINGERPRINT_SIZE], where[64];
	struct error err;
	int fd = local_socket(&ep.port, false);

	/* Bound but not listening: the port is refused, and stays ours. */
	error_clear(&err);
	assert_false(probe_endpoint(&ep, NULL, TIMEOUT_MS, fingerprint, NULL,
	    &err));
	close(fd);
	assert_string_equal(err.code, "probe-connect");
	snprintf(where, sizeof(where), "nothing answers on 127.0.0.1:%d",
	    ep.port);
	assert_non_null(strstr(err.message, where));
}

/* The kernel completes the TCP handshake; nobody ever speaks. */
static void assert_silent_times_out(enum probe_protocol protocol)
{
	struct endpoint ep = { .host = "127.0.0.1", .protocol = protocol };
	char fingerprint[FINGERPRINT_SIZE];
	struct error err;
	int fd = local_socket(&ep.port, true);
	long long started = now_ms(), elapsed;

	error_clear(&err);
	assert_false(probe_endpoint(&ep, NULL, 300, fingerprint, NULL, &err));
	elapsed = now_ms() - started;
	close(fd);
	assert_string_equal(err.code, "probe-timeout");
	assert_true(elapsed >= 280 && elapsed < 1500);
}

static void test_probe_silent_server(void **state)
{
	assert_silent_times_out(PROBE_SMTP);
	assert_silent_times_out(PROBE_TLS);
}

/* A name is resolved; an address that refuses is followed by the next. */
static void test_probe_by_name(void **state)
{
	struct server_spec spec = { .script = smtp_ok };
	struct endpoint ep = { .host = "localhost", .protocol = PROBE_SMTP };
	char fingerprint[FINGERPRINT_SIZE], want[FINGERPRINT_SIZE];
	struct server s;
	struct error err;

	server_start(&s, &spec);
	ep.port = s.port;
	error_clear(&err);
	if (!probe_endpoint(&ep, "mail.test", TIMEOUT_MS, fingerprint, NULL,
	    &err))
		fail_msg("probe failed: %s: %s", err.code, err.message);
	server_finish(&s);
	expected_fingerprint(pki.leaf.cert, want);
	assert_string_equal(fingerprint, want);
}

static int setup(void **state)
{
	static const char *const sans[] = { "mail.test", NULL };
	struct fixture_options old = {
		.cn = "legacy.test", .sans = sans, .key_type = "rsa-1024",
	};

	fixture_pki_make(&pki, "mail.test", sans);
	fixture_make(&legacy, &old);
	return 0;
}

static int teardown(void **state)
{
	fixture_pki_free(&pki);
	fixture_pair_free(&legacy);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_smtp),
		cmocka_unit_test(test_probe_imap),
		cmocka_unit_test(test_probe_pop3),
		cmocka_unit_test(test_probe_ftp),
		cmocka_unit_test(test_probe_implicit_tls),
		cmocka_unit_test(test_probe_legacy_key),
		cmocka_unit_test(test_probe_chain_and_sni),
		cmocka_unit_test(test_probe_starttls_refused),
		cmocka_unit_test(test_probe_handshake_dropped),
		cmocka_unit_test(test_probe_wrong_greeting),
		cmocka_unit_test(test_probe_data_after_starttls),
		cmocka_unit_test(test_probe_huge_reply),
		cmocka_unit_test(test_probe_closed_port),
		cmocka_unit_test(test_probe_silent_server),
		cmocka_unit_test(test_probe_by_name),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
