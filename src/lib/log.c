/*
 * log.c - leveled messages on stderr.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level threshold = LOG_LEVEL_WARNING;
static const char *program = "svccert";

void log_set_level(enum log_level level)
{
	threshold = level;
}

void log_set_program(const char *name)
{
	program = name;
}

void log_message(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_LEVEL_ERROR] = "error: ",
		[LOG_LEVEL_WARNING] = "warning: ",
		[LOG_LEVEL_INFO] = "",
		[LOG_LEVEL_DEBUG] = "debug: ",
	};
	va_list ap;

	if (level > threshold)
		return;
	fprintf(stderr, "%s: %s", program, prefix[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
