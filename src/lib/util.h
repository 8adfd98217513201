/*
 * util.h - small helpers: checked allocation, whole-file reads, buffers.
 */
#ifndef SVCCERT_UTIL_H
#define SVCCERT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "error.h"

/* Allocation failure is not a user error: these abort. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole file ("-" is standard input) into a NUL-terminated buffer.
 * Refuses files over max_bytes, naming the file.
 */
bool util_read_file(const char *path, size_t max_bytes, char **data,
    size_t *length, struct error *err);

/* Free a buffer that may have held secrets, wiping it first. */
void util_free_secret(void *data, size_t length);

/* "2026-12-03 14:05 UTC" */
void util_format_time(time_t when, char *out, size_t size);

/* Growing string buffer. */
struct strbuf {
	char *data;
	size_t length;
	size_t capacity;
};
void strbuf_init(struct strbuf *buf);
void strbuf_append(struct strbuf *buf, const char *data, size_t length);
void strbuf_appendf(struct strbuf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Take ownership of the data; the buffer is left empty. */
char *strbuf_release(struct strbuf *buf);
/* Wipes before freeing: buffers may hold PEM keys. */
void strbuf_free(struct strbuf *buf);

#endif
