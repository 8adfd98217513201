/*
 * test_run.c - the command runner: status, output, environment, timeouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True while pid is alive and not a zombie. */
static bool process_is_running(pid_t pid)
{
	char path[64], state = '?';
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = '?';
	fclose(f);
	return state != 'Z' && state != 'X' && state != '?';
}

static void test_run_exit_code(void **state)
{
	struct run_result r;

	assert_true(run_shell("exit 3", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 3);
	assert_false(r.timed_out);
	assert_non_null(r.output);
	assert_string_equal(r.output, "");
	run_result_free(&r);

	assert_true(run_shell("true", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 0);
	run_result_free(&r);
}

static void test_run_output_both_streams(void **state)
{
	struct run_result r;

	assert_true(run_shell("echo out; echo err >&2", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 0);
	assert_string_equal(r.output, "out\nerr\n");
	run_result_free(&r);
}

static void test_run_output_keeps_tail(void **state)
{
	struct run_result r;
	size_t length;

	assert_true(run_shell("head -c 100000 /dev/zero | tr '\\0' x; "
	    "echo END", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 0);
	length = strlen(r.output);
	assert_int_equal(length, RUN_OUTPUT_MAX);
	assert_string_equal(r.output + length - 4, "END\n");
	assert_int_equal(r.output[0], 'x');
	run_result_free(&r);
}

static void test_run_stdin_is_null(void **state)
{
	struct run_result r;

	assert_true(run_shell("cat; echo done", NULL, 5000, &r));
	assert_string_equal(r.output, "done\n");
	run_result_free(&r);
}

static void test_run_extra_env(void **state)
{
	const char *const env[] = { "SVCCERT_A=hello world",
	    "SVCCERT_B=new", NULL };
	struct run_result r;

	setenv("SVCCERT_B", "old", 1);
	setenv("SVCCERT_C", "inherited", 1);
	assert_true(run_shell("echo \"$SVCCERT_A/$SVCCERT_B/$SVCCERT_C\"",
	    env, 5000, &r));
	assert_string_equal(r.output, "hello world/new/inherited\n");
	run_result_free(&r);
	unsetenv("SVCCERT_B");
	unsetenv("SVCCERT_C");
}

static void test_run_command_not_found(void **state)
{
	struct run_result r;

	assert_true(run_shell("svccert-no-such-command", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 127);
	assert_non_null(strstr(r.output, "not found"));
	run_result_free(&r);
}

static void test_run_signal_status(void **state)
{
	struct run_result r;

	assert_true(run_shell("kill -USR1 $$", NULL, 5000, &r));
	assert_int_equal(r.exit_status, 128 + SIGUSR1);
	assert_false(r.timed_out);
	run_result_free(&r);
}

/* The whole group goes, including what sh started in the background. */
static void test_run_timeout_kills_group(void **state)
{
	struct run_result r;
	long long started = now_ms();
	int child;

	assert_true(run_shell("sleep 30 & echo $!; wait", NULL, 300, &r));
	assert_true(now_ms() - started < 2000);
	assert_true(r.timed_out);
	assert_int_equal(r.exit_status, 128 + SIGTERM);

	child = atoi(r.output);
	assert_true(child > 0);
	for (int i = 0; i < 100 && process_is_running(child); i++)
		usleep(10000);
	assert_false(process_is_running(child));
	run_result_free(&r);
}

/* A command that ignores SIGTERM is killed two seconds later. */
static void test_run_timeout_escalates(void **state)
{
	struct run_result r;
	long long started = now_ms(), elapsed;

	assert_true(run_shell("trap '' TERM; sleep 30", NULL, 200, &r));
	elapsed = now_ms() - started;
	assert_true(r.timed_out);
	assert_int_equal(r.exit_status, 128 + SIGKILL);
	assert_true(elapsed >= 2000 && elapsed < 5000);
	run_result_free(&r);
}

/*
 * A daemon keeps the pipe open; the runner returns soon after sh exits
 * and leaves the daemon running.
 */
static void test_run_background_daemon(void **state)
{
	struct run_result r;
	long long started = now_ms();
	int child;

	assert_true(run_shell("sleep 30 & echo $!", NULL, 10000, &r));
	assert_true(now_ms() - started < 1500);
	assert_false(r.timed_out);
	assert_int_equal(r.exit_status, 0);

	child = atoi(r.output);
	assert_true(child > 0);
	assert_true(process_is_running(child));
	kill(child, SIGTERM);
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_exit_code),
		cmocka_unit_test(test_run_output_both_streams),
		cmocka_unit_test(test_run_output_keeps_tail),
		cmocka_unit_test(test_run_stdin_is_null),
		cmocka_unit_test(test_run_extra_env),
		cmocka_unit_test(test_run_command_not_found),
		cmocka_unit_test(test_run_signal_status),
		cmocka_unit_test(test_run_timeout_kills_group),
		cmocka_unit_test(test_run_timeout_escalates),
		cmocka_unit_test(test_run_background_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
