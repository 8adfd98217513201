/*
 * util.c - allocation, whole-file reads, string buffers.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		abort();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	return s;
}

bool util_read_file(const char *path, size_t max_bytes, char **data,
    size_t *length, struct error *err)
{
	struct strbuf buf;
	char chunk[8192];
	bool ok = false;
	int fd;

	strbuf_init(&buf);
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		error_set_errno(err, "file-unreadable", errno,
		    "cannot open %s", path);
		return false;
	}

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set_errno(err, "file-unreadable", errno,
			    "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		if (buf.length + (size_t)n > max_bytes) {
			error_set(err, "input-too-large", "%s is larger than "
			    "%zu bytes; give only the certificate, key and "
			    "chain", strcmp(path, "-") ? path
			    : "standard input", max_bytes);
			goto out;
		}
		strbuf_append(&buf, chunk, (size_t)n);
	}
	strbuf_append(&buf, "", 0);
	*length = buf.length;
	*data = strbuf_release(&buf);
	ok = true;
out:
	OPENSSL_cleanse(chunk, sizeof(chunk));
	strbuf_free(&buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return ok;
}

void util_free_secret(void *data, size_t length)
{
	if (data == NULL)
		return;
	OPENSSL_cleanse(data, length);
	free(data);
}

void util_format_time(time_t when, char *out, size_t size)
{
	struct tm tm;

	gmtime_r(&when, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm);
}

void strbuf_init(struct strbuf *buf)
{
	buf->data = NULL;
	buf->length = 0;
	buf->capacity = 0;
}

/* Grows by copying, so a key never stays behind in a freed block. */
static void strbuf_reserve(struct strbuf *buf, size_t extra)
{
	size_t need = buf->length + extra + 1;
	size_t capacity = buf->capacity ? buf->capacity : 256;
	char *grown;

	if (need <= buf->capacity)
		return;
	while (capacity < need)
		capacity *= 2;
	grown = xmalloc(capacity);
	if (buf->data != NULL) {
		memcpy(grown, buf->data, buf->length);
		OPENSSL_cleanse(buf->data, buf->capacity);
		free(buf->data);
	}
	buf->data = grown;
	buf->capacity = capacity;
}

void strbuf_append(struct strbuf *buf, const char *data, size_t length)
{
	strbuf_reserve(buf, length);
	memcpy(buf->data + buf->length, data, length);
	buf->length += length;
	buf->data[buf->length] = '\0';
}

void strbuf_appendf(struct strbuf *buf, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	strbuf_append(buf, s, (size_t)n);
	free(s);
}

char *strbuf_release(struct strbuf *buf)
{
	char *data = buf->data ? buf->data : xstrdup("");

	strbuf_init(buf);
	return data;
}

void strbuf_free(struct strbuf *buf)
{
	util_free_secret(buf->data, buf->capacity);
	strbuf_init(buf);
}
