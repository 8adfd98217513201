/*
 * log.h - levels, to stderr or (svccertd --log syslog) to syslog.
 *
 * Callers log file names, service names and fingerprints; never key bytes,
 * passwords or tokens.
 */
#ifndef SVCCERT_LOG_H
#define SVCCERT_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

void log_set_level(enum log_level level);
void log_set_program(const char *name);
/* Send messages to syslog (facility daemon) instead of stderr. */
void log_use_syslog(bool on);
void log_message(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
