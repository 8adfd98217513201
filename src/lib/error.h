/*
 * error.h - the one error convention of the library.
 *
 * A function that can fail for a reason the user must hear returns bool
 * (true on success) and fills a struct error: a stable code that scripts
 * and the API can match on, and one sentence for a hosting administrator
 * that names the file, service or certificate concerned and says what to
 * do.  Broken preconditions (programmer errors) are not reported this way:
 * they abort, so tests catch them.
 */
#ifndef SVCCERT_ERROR_H
#define SVCCERT_ERROR_H

#include <stdbool.h>

#define ERROR_CODE_MAX 48
#define ERROR_MESSAGE_MAX 1024

struct error {
	char code[ERROR_CODE_MAX];       /* stable, e.g. "key-mismatch" */
	char message[ERROR_MESSAGE_MAX]; /* one line, no trailing newline */
};

/* Set both fields; the message is printf-formatted and cut to one line. */
void error_set(struct error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like error_set, with ": strerror(errno_value)" appended. */
void error_set_errno(struct error *err, const char *code, int errno_value,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Append the first OpenSSL error of the thread's queue (and clear it). */
void error_append_openssl(struct error *err);

void error_clear(struct error *err);
bool error_is_set(const struct error *err);

#endif
