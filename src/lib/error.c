/*
 * error.c - stable code plus one sentence.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

/* Messages are single lines: a newline from a daemon or a file name
 * would break the CLI's one-line errors and the API's reason field. */
static void flatten(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

static void error_vset(struct error *err, const char *code, const char *fmt,
    va_list ap)
{
	snprintf(err->code, sizeof(err->code), "%s", code);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	flatten(err->message);
}

void error_set(struct error *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
}

void error_set_errno(struct error *err, const char *code, int errno_value,
    const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	error_vset(err, code, fmt, ap);
	va_end(ap);
	used = strlen(err->message);
	snprintf(err->message + used, sizeof(err->message) - used, ": %s",
	    strerror(errno_value));
}

void error_append_openssl(struct error *err)
{
	unsigned long code = ERR_get_error();
	char reason[256];
	size_t used;

	ERR_clear_error();
	if (err == NULL || code == 0)
		return;
	ERR_error_string_n(code, reason, sizeof(reason));
	used = strlen(err->message);
	snprintf(err->message + used, sizeof(err->message) - used,
	    " (OpenSSL: %s)", reason);
}

void error_clear(struct error *err)
{
	err->code[0] = '\0';
	err->message[0] = '\0';
}

bool error_is_set(const struct error *err)
{
	return err->code[0] != '\0';
}
