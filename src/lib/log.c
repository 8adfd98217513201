/*
 * log.c - leveled messages on stderr, or syslog for the daemon.
 *
 * Each message is formatted first and written in one call, so lines
 * from svccertd's threads never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#define LOG_LINE_MAX 2048

static enum log_level threshold = LOG_LEVEL_WARNING;
static const char *program = "svccert";
static bool to_syslog;

void log_set_level(enum log_level level)
{
	threshold = level;
}

void log_set_program(const char *name)
{
	program = name;
}

void log_use_syslog(bool on)
{
	if (on && !to_syslog)
		openlog(program, LOG_PID, LOG_DAEMON);
	else if (!on && to_syslog)
		closelog();
	to_syslog = on;
}

void log_message(enum log_level level, const char *fmt, ...)
{
	static const char *const prefix[] = {
		[LOG_LEVEL_ERROR] = "error: ",
		[LOG_LEVEL_WARNING] = "warning: ",
		[LOG_LEVEL_INFO] = "",
		[LOG_LEVEL_DEBUG] = "debug: ",
	};
	static const int priority[] = {
		[LOG_LEVEL_ERROR] = LOG_ERR,
		[LOG_LEVEL_WARNING] = LOG_WARNING,
		[LOG_LEVEL_INFO] = LOG_INFO,
		[LOG_LEVEL_DEBUG] = LOG_DEBUG,
	};
	char line[LOG_LINE_MAX];
	va_list ap;

	if (level > threshold)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);

	if (to_syslog)
		syslog(priority[level], "%s%s", prefix[level], line);
	else
		fprintf(stderr, "%s: %s%s\n", program, prefix[level], line);
}
