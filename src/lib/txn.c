/*
 * txn.c - one certificate change on one service, all or nothing.
 *
 * The order of the steps is what makes a crash harmless:
 *
 *   1. the current files are copied into history (never erased);
 *   2. a journal naming that history entry is written;
 *   3. the new files are renamed into place one by one;
 *   4. configuration test, reload or restart, probe of every endpoint;
 *   5. on failure the history copies are put back and the daemon reloaded;
 *   6. the journal is removed.
 *
 * A crash between 2 and 6 leaves a journal behind.  The next run, once it
 * holds the lock, puts the history copies back, so a service never keeps
 * a certificate and a key from two different changes.
 */
#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "atomic.h"
#include "certinfo.h"
#include "log.h"
#include "probe.h"
#include "run.h"
#include "util.h"

#define JOURNAL_NAME "journal.json"
#define LOCK_NAME "lock"
#define COMMAND_TIMEOUT_MS 60000
#define PROBE_STEP_TIMEOUT_MS 3000
#define PROBE_RETRY_MS 200

static const char *acting_user(void)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (sudo != NULL && *sudo != '\0')
		return sudo;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "unknown";
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool context_open(struct context *ctx, const char *root,
    const char *config_file, struct error *err)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->lock_fd = -1;
	ctx->user = acting_user();

	/* A mistyped --root must not grow a state store of its own. */
	if (root != NULL && *root != '\0' && !is_directory(root)) {
		error_set(err, "root-missing", "the root folder %s does not "
		    "exist; create it or fix --root", root);
		return false;
	}
	if (!config_load(&ctx->config, root, config_file, err))
		return false;
	if (!registry_load(&ctx->registry, &ctx->config, err))
		return false;
	return store_open(&ctx->store, ctx->config.state_dir, err);
}

void context_close(struct context *ctx)
{
	txn_unlock(ctx);
	if (ctx->store != NULL)
		store_close(ctx->store);
	registry_free(&ctx->registry);
	config_free(&ctx->config);
	memset(ctx, 0, sizeof(*ctx));
	ctx->lock_fd = -1;
}

const char *txn_status_name(enum txn_status status)
{
	switch (status) {
	case TXN_OK:
		return "ok";
	case TXN_REFUSED:
		return "refused";
	case TXN_ROLLED_BACK:
		return "rolled-back";
	case TXN_ROLLBACK_FAILED:
		return "rollback-failed";
	}
	return "unknown";
}

/*
 * Tests prove crash safety by dying at a chosen step, as a power loss
 * would: SIGKILL runs no cleanup at all.
 */
static void crash_point(const char *step)
{
	const char *want = getenv("SVCCERT_CRASH_AT");

	if (want != NULL && strcmp(want, step) == 0)
		raise(SIGKILL);
}

static char *journal_path(const struct context *ctx)
{
	return xasprintf("%s/%s", ctx->config.state_dir, JOURNAL_NAME);
}

static bool journal_write(struct context *ctx, const struct service *svc,
    int64_t history_id, const char *action, struct error *err)
{
	json_t *doc;
	char *text, *path;
	bool ok;

	doc = json_pack("{s:s, s:I, s:s, s:I}", "service", svc->name,
	    "history_id", (json_int_t)history_id, "action", action,
	    "started", (json_int_t)time(NULL));
	text = json_dumps(doc, JSON_INDENT(2));
	path = journal_path(ctx);
	ok = atomic_write_file(path, text, strlen(text), getuid(), getgid(),
	    0600, err);
	free(path);
	free(text);
	json_decref(doc);
	return ok;
}

static void journal_remove(struct context *ctx)
{
	char *path = journal_path(ctx);
	int dirfd;

	if (unlink(path) != 0 && errno != ENOENT)
		log_warning("cannot remove %s: %s", path, strerror(errno));

	/* The removal must be durable before we report success. */
	dirfd = open(ctx->config.state_dir, O_RDONLY | O_DIRECTORY);
	if (dirfd >= 0) {
		fsync(dirfd);
		close(dirfd);
	}
	free(path);
}

/* The fingerprint and subject of what svc serves now, "" when none. */
static void current_identity(const struct service *svc,
    char fingerprint[FINGERPRINT_SIZE], char **subject, time_t *not_after)
{
	struct material mat;
	struct certinfo info;
	struct error err;

	fingerprint[0] = '\0';
	*subject = xstrdup("");
	*not_after = 0;
	material_init(&mat);
	if (service_read_material(svc, &mat, &err) &&
	    certinfo_from_x509(&info, mat.leaf)) {
		snprintf(fingerprint, FINGERPRINT_SIZE, "%s", info.fingerprint);
		free(*subject);
		*subject = xstrdup(info.subject);
		*not_after = info.not_after;
		certinfo_free(&info);
	}
	material_free(&mat);
}

/* Copy one of the service's files into the history folder. */
static bool snapshot_file(struct context *ctx, int64_t id, const char *dir,
    int index, const char *path, struct error *err)
{
	struct history_file hf = { .index = index, .path = (char *)path };
	struct stat st;
	char *data = NULL, *copy;
	size_t length = 0;
	bool ok = false;

	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			error_set_errno(err, "snapshot-failed", errno,
			    "cannot read %s to keep it in history", path);
			return false;
		}
		return store_history_add_file(ctx->store, id, &hf, err);
	}

	hf.existed = true;
	hf.mode = st.st_mode & 07777;
	hf.uid = st.st_uid;
	hf.gid = st.st_gid;
	if (!util_read_file(path, INPUT_MAX_BYTES * 4, &data, &length, err))
		return false;
	copy = xasprintf("%s/%d", dir, index);
	if (atomic_write_file(copy, data, length, 0, 0, 0600, err))
		ok = store_history_add_file(ctx->store, id, &hf, err);
	free(copy);
	util_free_secret(data, length);
	return ok;
}

/* Keep the service's current files in a new history entry. */
static bool snapshot_take(struct context *ctx, const struct service *svc,
    const char *action, int64_t *id, char old_fp[FINGERPRINT_SIZE],
    struct error *err)
{
	struct history_entry entry;
	char *subject;
	time_t not_after;
	bool ok = false;

	current_identity(svc, old_fp, &subject, &not_after);
	if (!store_history_add(ctx->store, svc->name, old_fp, subject,
	    not_after, action, id, err))
		goto out;
	if (!store_history_get(ctx->store, *id, &entry, err))
		goto out;

	ok = true;
	for (size_t i = 0; ok && i < svc->file_count; i++)
		ok = snapshot_file(ctx, *id, entry.dir, (int)i,
		    svc->files[i].path, err);
	history_entry_free(&entry);
out:
	free(subject);
	return ok;
}

/* Put every file of history entry id back as it was. */
static bool snapshot_put_back(struct context *ctx, int64_t id,
    struct error *err)
{
	struct history_entry entry;
	struct history_file *files = NULL;
	size_t count = 0;
	bool ok = true;

	if (!store_history_get(ctx->store, id, &entry, err))
		return false;
	if (!store_history_files(ctx->store, id, &files, &count, err)) {
		history_entry_free(&entry);
		return false;
	}

	for (size_t i = 0; i < count && ok; i++) {
		const struct history_file *hf = &files[i];
		char *copy, *data = NULL;
		size_t length = 0;

		if (!hf->existed) {
			if (unlink(hf->path) != 0 && errno != ENOENT) {
				error_set_errno(err, "restore-failed", errno,
				    "cannot remove %s", hf->path);
				ok = false;
			}
			continue;
		}
		copy = xasprintf("%s/%d", entry.dir, hf->index);
		ok = util_read_file(copy, INPUT_MAX_BYTES * 4, &data, &length,
		    err) && atomic_write_file(hf->path, data, length, hf->uid,
		    hf->gid, hf->mode, err);
		util_free_secret(data, length);
		free(copy);
	}
	history_files_free(files, count);
	history_entry_free(&entry);
	return ok;
}

/* The folder a file lives in, made when missing (a fresh machine). */
static bool make_parent(const char *path, struct error *err)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	bool ok = true;

	if (slash != NULL && slash != dir) {
		*slash = '\0';
		ok = atomic_make_dirs(dir, 0755, err);
	}
	free(dir);
	return ok;
}

/* Render and write every file of svc from mat. */
static bool write_files(const struct service *svc,
    const struct material *mat, struct error *err)
{
	for (size_t i = 0; i < svc->file_count; i++) {
		const struct service_file *f = &svc->files[i];
		size_t length;
		char *pem;
		bool ok;

		if (!make_parent(f->path, err))
			return false;
		pem = material_render(mat, f->holds, &length);
		ok = atomic_write_file(f->path, pem, length, f->uid, f->gid,
		    f->mode, err);

		util_free_secret(pem, length);
		if (!ok)
			return false;
		crash_point(i == 0 ? "after-first-file" : "after-file");
	}
	crash_point("after-files");
	return true;
}

/* Run a service command; on failure say which and quote its output. */
static bool run_service_command(const struct context *ctx,
    const struct service *svc, const char *what, const char *command,
    struct error *err)
{
	char *env_root = xasprintf("SVCCERT_ROOT=%s", ctx->config.root);
	char *env_name = xasprintf("SVCCERT_SERVICE=%s", svc->name);
	const char *env[] = { env_root, env_name, NULL };
	struct run_result res;
	bool ok = false;

	if (!run_shell(command, env, COMMAND_TIMEOUT_MS, &res)) {
		error_set(err, "command-failed", "%s: cannot run the %s "
		    "command '%s'", svc->name, what, command);
		goto out;
	}
	if (res.timed_out)
		error_set(err, "command-failed", "%s: the %s command '%s' "
		    "did not finish in %d s and was stopped", svc->name, what,
		    command, COMMAND_TIMEOUT_MS / 1000);
	else if (res.exit_status != 0)
		error_set(err, "command-failed", "%s: the %s command '%s' "
		    "failed with status %d: %s", svc->name, what, command,
		    res.exit_status, *res.output ? res.output : "no output");
	else
		ok = true;
	run_result_free(&res);
out:
	free(env_root);
	free(env_name);
	return ok;
}

static bool signal_daemon(const struct service *svc, struct error *err)
{
	char *text = NULL;
	size_t length;
	long pid;

	if (!util_read_file(svc->pidfile, 64, &text, &length, err)) {
		error_set(err, "reload-failed", "%s: cannot read the PID "
		    "file %s; is the daemon running?", svc->name,
		    svc->pidfile);
		return false;
	}
	pid = strtol(text, NULL, 10);
	free(text);
	if (pid <= 1) {
		error_set(err, "reload-failed", "%s: the PID file %s holds "
		    "no process ID", svc->name, svc->pidfile);
		return false;
	}
	if (kill((pid_t)pid, svc->reload_signal) != 0) {
		error_set_errno(err, "reload-failed", errno, "%s: cannot "
		    "signal process %ld from %s", svc->name, pid,
		    svc->pidfile);
		return false;
	}
	return true;
}

/* Make the daemon pick up the files, the way this daemon needs. */
static bool reload_daemon(const struct context *ctx,
    const struct service *svc, struct error *err)
{
	switch (svc->reload) {
	case SERVICE_RELOAD_NONE:
		return true;
	case SERVICE_RELOAD_SIGNAL:
		return signal_daemon(svc, err);
	case SERVICE_RELOAD_COMMAND:
		return run_service_command(ctx, svc, "reload",
		    svc->reload_command, err);
	case SERVICE_RELOAD_RESTART:
		return run_service_command(ctx, svc, "restart",
		    svc->reload_command, err);
	}
	abort();
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Ask one endpoint until it serves want or the deadline passes. */
static bool probe_one(const struct service *svc, const struct endpoint *ep,
    const char *sni, const char *want, long deadline, struct error *err)
{
	char served[FINGERPRINT_SIZE];
	struct error probe_err;

	for (;;) {
		error_clear(&probe_err);
		served[0] = '\0';
		if (probe_endpoint(ep, sni, PROBE_STEP_TIMEOUT_MS, served,
		    NULL, &probe_err) && strcmp(served, want) == 0)
			return true;
		if (now_ms() >= deadline)
			break;
		sleep_ms(PROBE_RETRY_MS);
	}

	if (error_is_set(&probe_err))
		error_set(err, "not-served", "%s: %s", svc->name,
		    probe_err.message);
	else
		error_set(err, "not-served", "%s: %s:%d (%s) serves the "
		    "certificate %.23s..., not %.23s...", svc->name, ep->host,
		    ep->port, probe_protocol_name(ep->protocol), served, want);
	return false;
}

/*
 * Daemons take a moment to re-read their files (Exim re-executes itself,
 * Dovecot restarts its login processes), so each endpoint is asked again
 * until it serves the expected leaf or the configured time runs out.
 */
static bool probe_until_served(const struct context *ctx,
    const struct service *svc, const char *want, struct error *err)
{
	const char *sni = service_hostname(svc, &ctx->config);
	long deadline = now_ms() + ctx->config.probe_timeout_ms;

	for (size_t i = 0; i < svc->endpoint_count; i++)
		if (!probe_one(svc, &svc->endpoints[i], sni, want, deadline,
		    err))
			return false;
	return true;
}

/* Steps 4 and 5: configuration test, reload, probe. */
static bool take_effect(const struct context *ctx,
    const struct service *svc, const char *fingerprint,
    struct txn_result *result, struct error *err)
{
	if (svc->check_command != NULL &&
	    !run_service_command(ctx, svc, "configuration test",
	    svc->check_command, err))
		return false;
	if (!reload_daemon(ctx, svc, err))
		return false;
	result->reloaded = true;
	if (!probe_until_served(ctx, svc, fingerprint, err))
		return false;
	result->verified = svc->endpoint_count > 0;
	return true;
}

/*
 * Put the previous files back and make the daemon serve them again.
 * Returns the status to report: rolled back, or rollback failed.
 */
static enum txn_status roll_back(struct context *ctx,
    const struct service *svc, int64_t id, const char *old_fp,
    const struct error *cause, struct txn_result *result)
{
	struct error err;

	error_clear(&err);
	if (!snapshot_put_back(ctx, id, &err)) {
		snprintf(result->message, sizeof(result->message), "%s; "
		    "putting the previous files back ALSO FAILED: %s; they "
		    "are kept in history entry %lld: run svccert restore %s "
		    "%lld", cause->message, err.message, (long long)id,
		    svc->name, (long long)id);
		return TXN_ROLLBACK_FAILED;
	}
	journal_remove(ctx);

	if (!reload_daemon(ctx, svc, &err) || (*old_fp != '\0' &&
	    !probe_until_served(ctx, svc, old_fp, &err))) {
		snprintf(result->message, sizeof(result->message), "%s; the "
		    "previous files are back in place, but the daemon does "
		    "not serve them: %s; check the daemon by hand",
		    cause->message, err.message);
		return TXN_ROLLBACK_FAILED;
	}
	snprintf(result->message, sizeof(result->message), "%s; the "
	    "previous certificate was put back and is served again",
	    cause->message);
	return TXN_ROLLED_BACK;
}

static void audit(struct context *ctx, const char *action,
    const struct txn_result *result)
{
	struct audit_record rec = {
		.user = ctx->user,
		.action = action,
		.service = result->service,
		.old_fingerprint = result->old_fingerprint,
		.new_fingerprint = result->new_fingerprint,
		.result = txn_status_name(result->status),
		.message = result->message,
	};
	struct error err;

	if (!store_audit_add(ctx->store, &rec, &err))
		log_warning("%s", err.message);
}

enum txn_status txn_install(struct context *ctx, const struct service *svc,
    const struct material *mat, const char *action, bool no_reload,
    struct txn_result *result)
{
	struct error err;
	int64_t id = 0;

	memset(result, 0, sizeof(*result));
	snprintf(result->service, sizeof(result->service), "%s", svc->name);
	material_fingerprint(mat->leaf, result->new_fingerprint,
	    sizeof(result->new_fingerprint));
	error_clear(&err);
	if (ctx->lock_fd < 0)
		abort();

	/* Steps 1 to 3.  Until a file is replaced, failing changes nothing. */
	if (!snapshot_take(ctx, svc, action, &id, result->old_fingerprint,
	    &err) || !journal_write(ctx, svc, id, action, &err)) {
		result->status = TXN_REFUSED;
		goto out;
	}
	result->history_id = id;
	if (!write_files(svc, mat, &err)) {
		result->status = roll_back(ctx, svc, id,
		    result->old_fingerprint, &err, result);
		goto out;
	}

	if (!no_reload && !take_effect(ctx, svc, result->new_fingerprint,
	    result, &err)) {
		result->status = roll_back(ctx, svc, id,
		    result->old_fingerprint, &err, result);
		result->verified = false;
		goto out;
	}
	journal_remove(ctx);
	result->status = TXN_OK;
out:
	if (result->status != TXN_OK) {
		snprintf(result->code, sizeof(result->code), "%s", err.code);
		if (result->message[0] == '\0')
			snprintf(result->message, sizeof(result->message),
			    "%s", err.message);
	} else if (no_reload) {
		snprintf(result->message, sizeof(result->message), "files "
		    "written; the daemon was not reloaded (--no-reload)");
	} else {
		snprintf(result->message, sizeof(result->message), "%s",
		    result->verified ? "installed and verified on every "
		    "endpoint" : "installed; the service has no endpoint "
		    "to verify");
	}
	if (result->history_id > 0 && !store_history_set_result(ctx->store,
	    result->history_id, txn_status_name(result->status), &err))
		log_warning("%s", err.message);
	audit(ctx, action, result);
	return result->status;
}

/*
 * A crash can leave atomic_write_file's temporary files behind, next to
 * the service's files and the journal.  They are whole copies of files
 * svccert wrote (mode 0600), of no use once the change is undone.
 */
static void remove_temporaries(struct context *ctx,
    const struct service *svc)
{
	for (size_t i = 0; i <= svc->file_count; i++) {
		char *pattern = i < svc->file_count ?
		    xasprintf("%s.svccert-??????", svc->files[i].path) :
		    xasprintf("%s/%s.svccert-??????", ctx->config.state_dir,
		    JOURNAL_NAME);
		glob_t found;

		if (glob(pattern, GLOB_NOSORT, NULL, &found) == 0) {
			for (size_t j = 0; j < found.gl_pathc; j++)
				unlink(found.gl_pathv[j]);
			globfree(&found);
		}
		free(pattern);
	}
}

/* After an undo: reload, and check the restored leaf is what is served. */
static bool recover_serve(struct context *ctx, const struct service *svc,
    int64_t id, struct error *err)
{
	struct history_entry entry;
	bool ok;

	if (!reload_daemon(ctx, svc, err))
		return false;
	if (!store_history_get(ctx->store, id, &entry, err))
		return false;
	ok = entry.fingerprint[0] == '\0' ||
	    probe_until_served(ctx, svc, entry.fingerprint, err);
	history_entry_free(&entry);
	return ok;
}

/* Undo the transaction a crash interrupted, if any. */
static bool txn_recover(struct context *ctx, struct error *err)
{
	char *path = journal_path(ctx);
	json_t *doc;
	json_error_t jerr;
	const char *name = NULL, *action = NULL;
	json_int_t id = 0;
	struct service *svc;
	struct txn_result result;
	bool ok = false;

	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		ok = access(path, F_OK) != 0;
		if (!ok)
			error_set(err, "journal-invalid", "%s cannot be read "
			    "(%s); restore the service with svccert history "
			    "and restore, then remove it", path, jerr.text);
		goto out;
	}
	if (json_unpack(doc, "{s:s, s:I, s:s}", "service", &name,
	    "history_id", &id, "action", &action) != 0 ||
	    (svc = registry_find(&ctx->registry, name)) == NULL) {
		error_set(err, "journal-invalid", "%s names no known service; "
		    "restore the service by hand, then remove it", path);
		goto out;
	}

	memset(&result, 0, sizeof(result));
	snprintf(result.service, sizeof(result.service), "%s", name);
	if (!snapshot_put_back(ctx, id, err))
		goto out;
	journal_remove(ctx);
	remove_temporaries(ctx, svc);
	store_history_set_result(ctx->store, id, "rolled-back", err);
	error_clear(err);

	result.status = TXN_ROLLED_BACK;
	if (recover_serve(ctx, svc, id, err))
		snprintf(result.message, sizeof(result.message), "an "
		    "interrupted %s on %s was undone: the previous "
		    "certificate (history entry %lld) is back in place and "
		    "served", action, name, (long long)id);
	else {
		result.status = TXN_ROLLBACK_FAILED;
		snprintf(result.message, sizeof(result.message), "an "
		    "interrupted %s on %s was undone: the previous files "
		    "(history entry %lld) are back in place, but %s; check "
		    "the daemon by hand", action, name, (long long)id,
		    err->message);
	}
	log_warning("%s", result.message);
	audit(ctx, "recover", &result);
	error_clear(err);
	ok = true;
out:
	json_decref(doc);
	free(path);
	return ok;
}

static char *lock_path(const struct context *ctx)
{
	return xasprintf("%s/%s", ctx->config.state_dir, LOCK_NAME);
}

static bool lock_open(struct context *ctx, struct error *err)
{
	char *path = lock_path(ctx);

	ctx->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ctx->lock_fd < 0)
		error_set_errno(err, "lock-failed", errno, "cannot open %s",
		    path);
	free(path);
	return ctx->lock_fd >= 0;
}

bool txn_lock(struct context *ctx, struct error *err)
{
	if (ctx->lock_fd >= 0)
		return true;
	if (!lock_open(ctx, err))
		return false;

	/* Two runs must never interleave: the second waits its turn. */
	if (flock(ctx->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		log_info("waiting for another svccert run to finish");
		while (flock(ctx->lock_fd, LOCK_EX) != 0 && errno == EINTR)
			;
	}
	return txn_recover(ctx, err);
}

bool txn_try_lock(struct context *ctx, struct error *err)
{
	char *path;

	if (ctx->lock_fd >= 0)
		return true;
	if (!lock_open(ctx, err))
		return false;
	if (flock(ctx->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return txn_recover(ctx, err);

	path = lock_path(ctx);
	error_set(err, "busy", "another svccert run is changing "
	    "certificates (it holds %s); try again when it has finished",
	    path);
	free(path);
	close(ctx->lock_fd);
	ctx->lock_fd = -1;
	return false;
}

void txn_unlock(struct context *ctx)
{
	if (ctx->lock_fd < 0)
		return;
	flock(ctx->lock_fd, LOCK_UN);
	close(ctx->lock_fd);
	ctx->lock_fd = -1;
}

bool txn_recover_pending(struct context *ctx, struct error *err)
{
	char *path = journal_path(ctx);
	bool pending = access(path, F_OK) == 0;

	free(path);
	if (!pending || ctx->lock_fd >= 0)
		return true;
	if (!txn_lock(ctx, err))
		return false;
	txn_unlock(ctx);
	return true;
}

bool txn_load_history(struct context *ctx, const struct service *svc,
    int64_t id, struct input *in, struct findings *findings,
    struct error *err)
{
	struct history_entry entry;
	struct history_file *files = NULL;
	size_t count = 0;
	bool ok = false;

	if (!store_history_get(ctx->store, id, &entry, err))
		return false;
	if (strcmp(entry.service, svc->name) != 0) {
		error_set(err, "history-mismatch", "history entry %lld belongs "
		    "to %s, not %s; see svccert history %s", (long long)id,
		    entry.service, svc->name, svc->name);
		goto out;
	}
	if (!store_history_files(ctx->store, id, &files, &count, err))
		goto out;

	for (size_t i = 0; i < count; i++) {
		enum input_origin origin = INPUT_FROM_CERT;
		char *copy;

		if (!files[i].existed)
			continue;
		if ((size_t)files[i].index < svc->file_count &&
		    svc->files[files[i].index].holds == MATERIAL_KEY)
			origin = INPUT_FROM_KEY;
		copy = xasprintf("%s/%d", entry.dir, files[i].index);
		input_read_file(in, copy, origin, NULL, findings);
		free(copy);
	}
	ok = true;
out:
	history_files_free(files, count);
	history_entry_free(&entry);
	return ok;
}
