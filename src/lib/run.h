/*
 * run.h - run an administrator's command (check, reload, restart).
 */
#ifndef SVCCERT_RUN_H
#define SVCCERT_RUN_H

#include <stdbool.h>

#define RUN_OUTPUT_MAX 4096

struct run_result {
	int exit_status;   /* exit code; 128+N when killed by signal N */
	bool timed_out;    /* killed after timeout_ms */
	char *output;      /* stdout and stderr together, cut to the last
	                      RUN_OUTPUT_MAX bytes; never NULL */
};

/*
 * Run command with /bin/sh -c, standard input from /dev/null, extra_env
 * ("NAME=value", NULL-terminated, may be NULL) added to the environment.
 * Returns false only when the command could not be started at all.
 */
bool run_shell(const char *command, const char *const *extra_env,
    int timeout_ms, struct run_result *result);
void run_result_free(struct run_result *result);

#endif
