/*
 * run.c - run an administrator's command (check, reload, restart).
 *
 * The command runs under /bin/sh in its own process group, so a timeout
 * can stop everything it started.  Its output is kept for the error
 * message shown when it fails; only the tail matters, so only the last
 * RUN_OUTPUT_MAX bytes are kept.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/* How long a group gets between SIGTERM and SIGKILL. */
#define RUN_KILL_GRACE_MS 2000
/*
 * A daemon started by the command (pure-ftpd -B, exim4 -bd) may keep the
 * pipe open for as long as it lives.  Once sh has exited, stop reading
 * when the pipe has been quiet this long, or this long after the exit.
 * Such a daemon gets EPIPE if it writes to that pipe later; commands
 * that start daemons should send the daemon's output elsewhere.
 */
#define RUN_DRAIN_QUIET_MS 200
#define RUN_DRAIN_MAX_MS 1000
/* How often to ask whether sh has exited while waiting for output. */
#define RUN_TICK_MS 20

extern char **environ;

struct run_state {
	pid_t pid;
	int pipe_fd;                   /* -1 once at end of file */
	bool exited;
	int wait_status;
	long long deadline;            /* ms, monotonic */
	long long kill_at;             /* 0 until SIGTERM was sent */
	long long exited_at;
	long long last_data_at;
	char tail[RUN_OUTPUT_MAX];
	size_t tail_length;
};

static long long run_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True when entry sets the same variable as "NAME=value" in name. */
static bool run_env_same_name(const char *entry, const char *name)
{
	size_t length = strcspn(name, "=");

	return strncmp(entry, name, length) == 0 && entry[length] == '=';
}

/*
 * The environment is built before fork: setenv in the child would
 * allocate, and a child of a threaded parent must not touch malloc.
 */
static char **run_build_env(const char *const *extra_env)
{
	size_t count = 0, extra = 0, n = 0;
	char **env;

	while (environ[count] != NULL)
		count++;
	while (extra_env != NULL && extra_env[extra] != NULL)
		extra++;
	env = xcalloc(count + extra + 1, sizeof(*env));

	/* An extra variable replaces the inherited one of the same name. */
	for (size_t i = 0; i < count; i++) {
		bool replaced = false;

		for (size_t j = 0; j < extra && !replaced; j++)
			replaced = run_env_same_name(environ[i], extra_env[j]);
		if (!replaced)
			env[n++] = environ[i];
	}
	for (size_t j = 0; j < extra; j++)
		env[n++] = (char *)extra_env[j];
	return env;
}

/* In the child: only async-signal-safe calls from here to exec. */
static void run_exec_child(const char *command, char **env, int null_fd,
    int out_fd, pid_t parent)
{
	static const char failed[] = "svccert: cannot run /bin/sh\n";
	char *const argv[] = { "sh", "-c", (char *)command, NULL };
	sigset_t none;

	/* Its own group, so a timeout can signal everything it started. */
	setpgid(0, 0);

	/*
	 * If svccert dies (kill -9), the command dies with it rather than
	 * racing the next run's recovery, which runs the same reload or
	 * restart again.  Daemons the command started are not affected:
	 * the setting is not inherited across fork.  (It fires when the
	 * thread that forked ends: svccertd's worker thread lives as long
	 * as the daemon.)
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);

	/* Our ignored signals and mask would be inherited by daemons. */
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(127);

	/* Daemons it starts must not inherit our sockets and databases. */
	close_range(3, ~0U, 0);

	execve("/bin/sh", argv, env);
	(void)!write(STDERR_FILENO, failed, sizeof(failed) - 1);
	_exit(127);
}

/* Keep the last RUN_OUTPUT_MAX bytes seen. */
static void run_keep_tail(struct run_state *st, const char *data, size_t n)
{
	if (n >= RUN_OUTPUT_MAX) {
		memcpy(st->tail, data + n - RUN_OUTPUT_MAX, RUN_OUTPUT_MAX);
		st->tail_length = RUN_OUTPUT_MAX;
		return;
	}
	if (st->tail_length + n > RUN_OUTPUT_MAX) {
		size_t drop = st->tail_length + n - RUN_OUTPUT_MAX;

		memmove(st->tail, st->tail + drop, st->tail_length - drop);
		st->tail_length -= drop;
	}
	memcpy(st->tail + st->tail_length, data, n);
	st->tail_length += n;
}

/* Read what is there; close the pipe at end of file. */
static void run_read_output(struct run_state *st, long long now)
{
	char chunk[4096];
	ssize_t n;

	n = read(st->pipe_fd, chunk, sizeof(chunk));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(st->pipe_fd);
		st->pipe_fd = -1;
		return;
	}
	run_keep_tail(st, chunk, (size_t)n);
	st->last_data_at = now;
}

/* Reap sh if it has exited. */
static void run_check_exit(struct run_state *st, long long now)
{
	if (st->exited || waitpid(st->pid, &st->wait_status, WNOHANG) <= 0)
		return;
	st->exited = true;
	st->exited_at = now;
}

/* SIGTERM at the deadline, SIGKILL if the group outlives the grace. */
static void run_enforce_timeout(struct run_state *st, long long now,
    bool *timed_out)
{
	if (st->exited)
		return;
	if (st->kill_at == 0 && now >= st->deadline) {
		kill(-st->pid, SIGTERM);
		st->kill_at = now + RUN_KILL_GRACE_MS;
		*timed_out = true;
	} else if (st->kill_at != 0 && now >= st->kill_at)
		kill(-st->pid, SIGKILL);
}

/* Done when sh has exited and its output has ended or gone quiet. */
static bool run_is_done(const struct run_state *st, long long now)
{
	long long quiet_since;

	if (!st->exited)
		return false;
	if (st->pipe_fd < 0)
		return true;

	/* Quiet counts from the exit at the earliest: what sh wrote just
	 * before it may still be unread. */
	quiet_since = st->last_data_at > st->exited_at ? st->last_data_at :
	    st->exited_at;
	return now - quiet_since >= RUN_DRAIN_QUIET_MS ||
	    now - st->exited_at >= RUN_DRAIN_MAX_MS;
}

static void run_wait_loop(struct run_state *st, bool *timed_out)
{
	for (;;) {
		struct pollfd pfd = { .fd = st->pipe_fd, .events = POLLIN };
		long long now = run_now_ms();

		run_check_exit(st, now);
		run_enforce_timeout(st, now, timed_out);
		if (run_is_done(st, now))
			break;

		/* A negative fd makes poll a plain sleep of one tick. */
		if (poll(&pfd, 1, RUN_TICK_MS) > 0 && st->pipe_fd >= 0)
			run_read_output(st, run_now_ms());
	}
}

/* Exit code, or 128+N for a signal, as the shell reports it. */
static int run_exit_status(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return 255;
}

static void run_start_failed(struct run_result *result, const char *what,
    int errno_value)
{
	result->exit_status = 127;
	result->output = xasprintf("cannot start /bin/sh (%s): %s", what,
	    strerror(errno_value));
}

/* Start sh with its output on a pipe; st->pipe_fd gets the read end. */
static bool run_spawn(const char *command, char **env, struct run_state *st,
    struct run_result *result)
{
	int fds[2] = { -1, -1 }, null_fd;
	pid_t parent;
	bool ok = false;

	if ((null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		run_start_failed(result, "/dev/null", errno);
		goto out;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		run_start_failed(result, "pipe", errno);
		goto out;
	}

	parent = getpid();
	if ((st->pid = fork()) < 0) {
		run_start_failed(result, "fork", errno);
		goto out;
	}
	if (st->pid == 0)
		run_exec_child(command, env, null_fd, fds[1], parent);

	/* Also here: a kill at the deadline must not race the child. */
	setpgid(st->pid, st->pid);
	st->pipe_fd = fds[0];
	fds[0] = -1;
	ok = true;
out:
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (null_fd >= 0)
		close(null_fd);
	return ok;
}

bool run_shell(const char *command, const char *const *extra_env,
    int timeout_ms, struct run_result *result)
{
	struct run_state *st = xcalloc(1, sizeof(*st));
	char **env = run_build_env(extra_env);
	bool ok = false;

	memset(result, 0, sizeof(*result));
	st->pipe_fd = -1;
	if (!run_spawn(command, env, st, result))
		goto out;

	st->deadline = run_now_ms() + timeout_ms;
	run_wait_loop(st, &result->timed_out);

	result->exit_status = run_exit_status(st->wait_status);
	result->output = xstrndup(st->tail, st->tail_length);
	ok = true;
out:
	if (st->pipe_fd >= 0)
		close(st->pipe_fd);
	free(env);
	free(st);
	return ok;
}

void run_result_free(struct run_result *result)
{
	free(result->output);
	result->output = NULL;
}
