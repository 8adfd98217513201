/*
 * probe.c - ask a daemon over TLS which certificate it serves.
 *
 * After an install, the only proof that a daemon picked up the new files
 * is the certificate it hands a client.  This module is that client: it
 * connects, speaks the plaintext preface of the protocol up to STARTTLS,
 * runs a TLS handshake without verifying anything, and fingerprints the
 * leaf.  Everything the daemon sends is untrusted input, so every wait is
 * bounded and the plaintext it may send is capped.
 */
#include "probe.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "util.h"

/* No greeting or EHLO reply comes near this; a daemon that sends more is
 * broken or hostile, and must not keep us reading. */
#define PROBE_PLAINTEXT_MAX (64 * 1024)
#define PROBE_LINE_MAX 8192
#define PROBE_QUOTE_MAX 200

/*
 * How each protocol asks for TLS.  SMTP and FTP replies are numeric and
 * may span lines ("220-..." until "220 ..."); IMAP answers the tagged
 * command after any untagged "* ..." lines; POP3 answers in one line.
 */
struct probe_dialect {
	const char *name;           /* as a sentence names the daemon */
	bool coded;                 /* numeric, possibly multi-line replies */
	const char *greeting;       /* what the greeting must start with */
	const char *hello;          /* sent before STARTTLS, or NULL */
	const char *hello_ok;
	const char *starttls;       /* the command that starts TLS */
	const char *starttls_ok;
	const char *starttls_verb;  /* the command, as messages name it */
	const char *tag;            /* IMAP's command tag, or NULL */
};

static const struct probe_dialect probe_dialects[] = {
	[PROBE_TLS] = { .name = "TLS" },
	[PROBE_SMTP] = {
		.name = "SMTP", .coded = true, .greeting = "220",
		.hello = "EHLO svccert.probe", .hello_ok = "250",
		.starttls = "STARTTLS", .starttls_ok = "220",
		.starttls_verb = "STARTTLS",
	},
	[PROBE_IMAP] = {
		.name = "IMAP", .greeting = "* OK",
		.starttls = "a1 STARTTLS", .starttls_ok = "a1 OK",
		.starttls_verb = "STARTTLS", .tag = "a1",
	},
	[PROBE_POP3] = {
		.name = "POP3", .greeting = "+OK",
		.starttls = "STLS", .starttls_ok = "+OK",
		.starttls_verb = "STLS",
	},
	[PROBE_FTP] = {
		.name = "FTP", .coded = true, .greeting = "220",
		.starttls = "AUTH TLS", .starttls_ok = "234",
		.starttls_verb = "AUTH TLS",
	},
};

struct probe_conn {
	const struct probe_dialect *dialect;
	char where[320];            /* "the SMTP server on 127.0.0.1:2525" */
	char address[300];          /* "127.0.0.1:2525" */
	int fd;
	int timeout_ms;
	char step[64];              /* what we wait for, for messages */
	char buf[PROBE_LINE_MAX];   /* received, not yet consumed */
	size_t start;
	size_t end;
	size_t received;
};

static long long probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when fd is ready, 0 at the deadline, -1 on error (errno set). */
static int probe_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int n;

	do {
		left = deadline - probe_now_ms();
		if (left <= 0)
			return 0;
		n = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
	} while ((n < 0 && errno == EINTR) || n == 0);
	return n < 0 ? -1 : 1;
}

static void probe_error_timeout(struct probe_conn *c, struct error *err)
{
	error_set(err, "probe-timeout", "%s did not answer within %d ms "
	    "(waiting for %s); is the daemon overloaded, or is this the "
	    "wrong port?", c->where, c->timeout_ms, c->step);
}

/* One attempt at one address; errno is set on failure. */
static int probe_connect_address(const struct addrinfo *ai,
    long long deadline)
{
	int fd, soerr = 0;
	socklen_t len = sizeof(soerr);

	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;

	switch (probe_wait(fd, POLLOUT, deadline)) {
	case 0:
		errno = ETIMEDOUT;
		goto fail;
	case -1:
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		goto fail;
	if (soerr == 0)
		return fd;
	errno = soerr;
fail:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

/* Try each address the name resolves to, like any client would. */
static bool probe_connect(struct probe_conn *c, const struct endpoint *ep,
    struct error *err)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *list, *ai;
	char port[16];
	int rc, saved = ECONNREFUSED;

	snprintf(port, sizeof(port), "%d", ep->port);
	if ((rc = getaddrinfo(ep->host, port, &hints, &list)) != 0) {
		error_set(err, "probe-connect", "cannot resolve %s for the "
		    "%s probe: %s; check the service's endpoint host",
		    ep->host, c->dialect->name, gai_strerror(rc));
		return false;
	}

	for (ai = list; ai != NULL && c->fd < 0; ai = ai->ai_next) {
		c->fd = probe_connect_address(ai,
		    probe_now_ms() + c->timeout_ms);
		if (c->fd < 0)
			saved = errno;
	}
	freeaddrinfo(list);

	if (c->fd < 0)
		error_set(err, "probe-connect", "nothing answers on %s for "
		    "%s: %s; is the daemon running?", c->address,
		    c->dialect->name, strerror(saved));
	return c->fd >= 0;
}

/* Receive more into the buffer, keeping the total under the cap. */
static bool probe_fill(struct probe_conn *c, long long deadline,
    struct error *err)
{
	ssize_t n;

	if (c->start > 0) {
		memmove(c->buf, c->buf + c->start, c->end - c->start);
		c->end -= c->start;
		c->start = 0;
	}
	if (c->end == sizeof(c->buf) || c->received >= PROBE_PLAINTEXT_MAX) {
		error_set(err, "probe-protocol", "%s sent too much while we "
		    "waited for %s; is this the right port and protocol?",
		    c->where, c->step);
		return false;
	}

	switch (probe_wait(c->fd, POLLIN, deadline)) {
	case 0:
		probe_error_timeout(c, err);
		return false;
	case -1:
		error_set_errno(err, "probe-protocol", errno, "%s: lost the "
		    "connection while waiting for %s", c->where, c->step);
		return false;
	}

	do
		n = recv(c->fd, c->buf + c->end, sizeof(c->buf) - c->end, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return true;
	if (n < 0) {
		error_set_errno(err, "probe-protocol", errno, "%s: lost the "
		    "connection while waiting for %s", c->where, c->step);
		return false;
	}
	if (n == 0) {
		error_set(err, "probe-protocol", "%s closed the connection "
		    "while we waited for %s; check the daemon's log", c->where,
		    c->step);
		return false;
	}
	c->end += (size_t)n;
	c->received += (size_t)n;
	return true;
}

/*
 * One line, without its CRLF or LF.  Control bytes become '?': the line
 * may end up in a message shown to an administrator.
 */
static bool probe_read_line(struct probe_conn *c, char *line, size_t size,
    long long deadline, struct error *err)
{
	char *nl;
	size_t length;

	while ((nl = memchr(c->buf + c->start, '\n', c->end - c->start))
	    == NULL)
		if (!probe_fill(c, deadline, err))
			return false;

	length = (size_t)(nl - (c->buf + c->start));
	if (length > 0 && nl[-1] == '\r')
		length--;
	if (length >= size)
		length = size - 1;
	for (size_t i = 0; i < length; i++) {
		unsigned char ch = (unsigned char)c->buf[c->start + i];

		line[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	line[length] = '\0';
	c->start = (size_t)(nl + 1 - c->buf);
	return true;
}

/* "250-..." lines continue the reply; "250 ..." (or "250") ends it. */
static bool probe_read_coded(struct probe_conn *c, char *line, size_t size,
    long long deadline, struct error *err)
{
	char code[4];

	if (!probe_read_line(c, line, size, deadline, err))
		return false;
	if (strlen(line) < 4 || line[3] != '-')
		return true;
	memcpy(code, line, 3);
	code[3] = '\0';

	/* Lines inside an FTP reply need not carry the code (RFC 959). */
	for (;;) {
		if (!probe_read_line(c, line, size, deadline, err))
			return false;
		if (strncmp(line, code, 3) == 0 &&
		    (line[3] == ' ' || line[3] == '\0'))
			return true;
	}
}

/* The last line of the daemon's reply, within one timeout. */
static bool probe_read_reply(struct probe_conn *c, const char *step,
    bool tagged, char *line, size_t size, struct error *err)
{
	long long deadline = probe_now_ms() + c->timeout_ms;
	const char *tag = c->dialect->tag;

	snprintf(c->step, sizeof(c->step), "%s", step);
	if (c->dialect->coded)
		return probe_read_coded(c, line, size, deadline, err);
	if (!tagged || tag == NULL)
		return probe_read_line(c, line, size, deadline, err);

	/* Untagged "* ..." lines may come before the tagged answer. */
	do
		if (!probe_read_line(c, line, size, deadline, err))
			return false;
	while (line[0] == '*' && line[1] == ' ');
	return true;
}

static bool probe_send(struct probe_conn *c, const char *command,
    struct error *err)
{
	long long deadline = probe_now_ms() + c->timeout_ms;
	char *data = xasprintf("%s\r\n", command);
	size_t length = strlen(data), sent = 0;
	bool ok = false;

	snprintf(c->step, sizeof(c->step), "room to send %s", command);
	while (sent < length) {
		ssize_t n = send(c->fd, data + sent, length - sent,
		    MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			error_set_errno(err, "probe-protocol", errno, "%s: "
			    "cannot send %s", c->where, command);
			goto out;
		}
		if (probe_wait(c->fd, POLLOUT, deadline) <= 0) {
			probe_error_timeout(c, err);
			goto out;
		}
	}
	ok = true;
out:
	free(data);
	return ok;
}

/* line starts with word, followed by a space or nothing. */
static bool probe_reply_is(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncmp(line, word, n) == 0 &&
	    (line[n] == ' ' || line[n] == '\0');
}

/*
 * Read the reply to verb (NULL: the greeting) and check that it starts
 * with want; otherwise fail with code, quoting the daemon, then hint.
 */
static bool probe_expect(struct probe_conn *c, const char *verb,
    const char *want, const char *code, const char *hint,
    struct error *err)
{
	char line[PROBE_QUOTE_MAX], step[64];

	snprintf(step, sizeof(step), verb ? "the reply to %s" :
	    "its greeting", verb);
	if (!probe_read_reply(c, step, verb != NULL, line, sizeof(line),
	    err))
		return false;
	if (probe_reply_is(line, want))
		return true;

	if (verb == NULL)
		error_set(err, code, "%s greeted us with: %s; %s", c->where,
		    line, hint);
	else
		error_set(err, code, "%s answered %s with: %s; %s", c->where,
		    verb, line, hint);
	return false;
}

/* Greeting, optional hello, then the command that starts TLS. */
static bool probe_preface(struct probe_conn *c, struct error *err)
{
	static const char wrong_port[] = "is this the right port and "
	    "protocol?";
	static const char no_tls[] = "check that TLS is enabled and that "
	    "the daemon can read its certificate and key";
	const struct probe_dialect *d = c->dialect;

	if (d->starttls == NULL)
		return true;
	if (!probe_expect(c, NULL, d->greeting, "probe-protocol",
	    wrong_port, err))
		return false;

	if (d->hello != NULL && (!probe_send(c, d->hello, err) ||
	    !probe_expect(c, "EHLO", d->hello_ok, "probe-protocol",
	    wrong_port, err)))
		return false;

	if (!probe_send(c, d->starttls, err) ||
	    !probe_expect(c, d->starttls_verb, d->starttls_ok,
	    "starttls-refused", no_tls, err))
		return false;

	/* Bytes sent ahead of the handshake are an injection attempt. */
	if (c->end > c->start) {
		error_set(err, "probe-protocol", "%s sent data after "
		    "accepting %s; refusing to start TLS on that stream",
		    c->where, d->starttls_verb);
		return false;
	}
	return true;
}

/* The same "AA:BB:..." form as material_fingerprint and openssl x509. */
static void probe_format_fingerprint(X509 *cert, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	char *hex;

	out[0] = '\0';
	if (!X509_digest(cert, EVP_sha256(), md, &length))
		return;
	if ((hex = OPENSSL_buf2hexstr(md, length)) == NULL)
		abort();
	snprintf(out, FINGERPRINT_SIZE, "%s", hex);
	OPENSSL_free(hex);
}

static void probe_error_handshake(struct probe_conn *c, struct error *err)
{
	if (ERR_peek_error() == 0) {
		error_set(err, "tls-handshake", "%s closed the connection "
		    "during the TLS handshake; check that the daemon can "
		    "read its certificate and key, and its log", c->where);
		return;
	}
	error_set(err, "tls-handshake", "the TLS handshake with %s failed; "
	    "check the daemon's certificate, key and log", c->where);
	error_append_openssl(err);
}

static bool probe_handshake(struct probe_conn *c, SSL *ssl,
    struct error *err)
{
	long long deadline = probe_now_ms() + c->timeout_ms;
	int rc, ready;

	snprintf(c->step, sizeof(c->step), "the TLS handshake");
	ERR_clear_error();
	while ((rc = SSL_connect(ssl)) != 1) {
		switch (SSL_get_error(ssl, rc)) {
		case SSL_ERROR_WANT_READ:
			ready = probe_wait(c->fd, POLLIN, deadline);
			break;
		case SSL_ERROR_WANT_WRITE:
			ready = probe_wait(c->fd, POLLOUT, deadline);
			break;
		default:
			probe_error_handshake(c, err);
			return false;
		}
		if (ready == 0) {
			probe_error_timeout(c, err);
			return false;
		}
	}
	return true;
}

/*
 * OpenSSL writes to the socket with write(2), so a daemon that hangs up
 * mid-handshake raises SIGPIPE, which would kill a caller that has not
 * ignored it.  Block it for this thread and swallow what we caused.
 */
static void probe_block_sigpipe(sigset_t *saved, bool *was_pending)
{
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, saved);
	sigpending(&pending);
	*was_pending = sigismember(&pending, SIGPIPE);
}

static void probe_restore_sigpipe(const sigset_t *saved, bool was_pending)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, pending;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	if (!was_pending && sigismember(&pending, SIGPIPE))
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 &&
		    errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

static SSL_CTX *probe_new_context(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL)
		return NULL;

	/* We compare fingerprints; trust is judged elsewhere. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

	/*
	 * Debian defaults to level 2, which refuses a 1024-bit RSA leaf;
	 * a legacy certificate must still be seen to be reported.
	 */
	SSL_CTX_set_security_level(ctx, 1);
	return ctx;
}

/* Handshake, then fingerprint the leaf and count what was served. */
static bool probe_tls(struct probe_conn *c, const char *sni,
    char fingerprint[FINGERPRINT_SIZE], int *chain_length,
    struct error *err)
{
	SSL_CTX *ctx = probe_new_context();
	SSL *ssl = NULL;
	X509 *leaf;
	bool ok = false;

	if (ctx == NULL || (ssl = SSL_new(ctx)) == NULL ||
	    !SSL_set_fd(ssl, c->fd) ||
	    (sni != NULL && !SSL_set_tlsext_host_name(ssl, sni))) {
		error_set(err, "tls-handshake", "cannot set up TLS to %s",
		    c->where);
		error_append_openssl(err);
		goto out;
	}
	if (!probe_handshake(c, ssl, err))
		goto out;

	if ((leaf = SSL_get0_peer_certificate(ssl)) == NULL) {
		error_set(err, "tls-handshake", "%s served no certificate; "
		    "check its TLS settings", c->where);
		goto out;
	}
	probe_format_fingerprint(leaf, fingerprint);
	if (chain_length != NULL)
		*chain_length = sk_X509_num(SSL_get_peer_cert_chain(ssl));

	/* A polite close; the answer is not worth waiting for. */
	SSL_shutdown(ssl);
	ok = true;
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static void probe_conn_init(struct probe_conn *c, const struct endpoint *ep,
    int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->timeout_ms = timeout_ms;
	c->dialect = &probe_dialects[ep->protocol];
	snprintf(c->step, sizeof(c->step), "its greeting");

	/* An IPv6 literal needs brackets before the port. */
	snprintf(c->address, sizeof(c->address),
	    strchr(ep->host, ':') ? "[%s]:%d" : "%s:%d", ep->host, ep->port);
	snprintf(c->where, sizeof(c->where), "the %s server on %s",
	    c->dialect->name, c->address);
}

bool probe_endpoint(const struct endpoint *ep, const char *sni,
    int timeout_ms, char fingerprint[FINGERPRINT_SIZE], int *chain_length,
    struct error *err)
{
	struct probe_conn *c = xmalloc(sizeof(*c));
	sigset_t saved_mask;
	bool was_pending, ok = false;

	probe_conn_init(c, ep, timeout_ms);
	fingerprint[0] = '\0';
	if (chain_length != NULL)
		*chain_length = 0;
	probe_block_sigpipe(&saved_mask, &was_pending);

	if (!probe_connect(c, ep, err))
		goto out;
	if (!probe_preface(c, err))
		goto out;
	if (!probe_tls(c, sni, fingerprint, chain_length, err))
		goto out;
	ok = true;
out:
	if (c->fd >= 0)
		close(c->fd);
	probe_restore_sigpipe(&saved_mask, was_pending);
	free(c);
	return ok;
}
