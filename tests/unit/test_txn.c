/*
 * test_txn.c - the transaction: files, history, rollback, crash recovery.
 *
 * The services here have no daemon (reload "none", no endpoints) so that
 * the transaction's own logic is tested alone; tests/integration drives
 * real daemons through the same code.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "atomic.h"
#include "fixture.h"
#include "txn.h"
#include "util.h"

static const char *const sans[] = { "mail.test", NULL };

struct world {
	char *root;
	struct fixture_pair a;
	struct fixture_pair b;
};

static void write_text(const char *root, const char *rel, const char *text)
{
	char *path = xasprintf("%s%s", root, rel);
	char *dir = xstrdup(path);
	struct error err;

	*strrchr(dir, '/') = '\0';
	assert_true(atomic_make_dirs(dir, 0755, &err));
	free(fixture_write_file(dir, strrchr(path, '/') + 1, text));
	free(dir);
	free(path);
}

static int setup(void **state)
{
	struct world *w = xcalloc(1, sizeof(*w));
	struct fixture_options o = { .cn = "mail.test", .sans = sans };

	w->root = fixture_temp_dir();
	fixture_make(&w->a, &o);
	fixture_make(&w->b, &o);
	write_text(w->root, "/etc/svccert/svccert.conf",
	    "{\"hostname\": \"mail.test\"}");
	write_text(w->root, "/etc/svccert/services.d/demo.json",
	    "{\"label\": \"Demo\", \"files\": ["
	    "{\"path\": \"/srv/demo/cert.pem\", \"holds\": \"fullchain\"},"
	    "{\"path\": \"/srv/demo/key.pem\", \"holds\": \"key\"}],"
	    "\"check\": \"test ! -e \\\"$SVCCERT_ROOT/fail\\\"\","
	    "\"reload\": {\"method\": \"none\"}, \"endpoints\": []}");
	write_text(w->root, "/etc/svccert/services.d/other.json",
	    "{\"files\": [{\"path\": \"/srv/other/all.pem\", "
	    "\"holds\": \"key+fullchain\"}], \"reload\": {\"method\": "
	    "\"none\"}, \"endpoints\": []}");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	fixture_pair_free(&w->a);
	fixture_pair_free(&w->b);
	free(w->root);
	free(w);
	fixture_cleanup_dirs();
	return 0;
}

static void open_locked(struct world *w, struct context *ctx)
{
	struct error err;

	error_clear(&err);
	if (!context_open(ctx, w->root, NULL, &err))
		fail_msg("context_open: %s", err.message);
	assert_true(txn_lock(ctx, &err));
}

static void material_of(const struct fixture_pair *pair,
    struct material *mat)
{
	material_init(mat);
	X509_up_ref(pair->cert);
	EVP_PKEY_up_ref(pair->key);
	mat->leaf = pair->cert;
	mat->key = pair->key;
}

static enum txn_status install(struct world *w, const char *service,
    const struct fixture_pair *pair, struct txn_result *result)
{
	struct context ctx;
	struct material mat;
	enum txn_status status;

	open_locked(w, &ctx);
	material_of(pair, &mat);
	status = txn_install(&ctx, registry_find(&ctx.registry, service),
	    &mat, "install", false, result);
	material_free(&mat);
	context_close(&ctx);
	return status;
}

/* The fingerprint the service's files hold now, "" when none. */
static void installed_fingerprint(struct world *w, const char *service,
    char out[FINGERPRINT_SIZE])
{
	struct context ctx;
	struct material mat;
	struct error err;

	open_locked(w, &ctx);
	material_init(&mat);
	out[0] = '\0';
	if (service_read_material(registry_find(&ctx.registry, service),
	    &mat, &err)) {
		assert_non_null(mat.key);
		assert_int_equal(X509_check_private_key(mat.leaf, mat.key), 1);
		material_fingerprint(mat.leaf, out, FINGERPRINT_SIZE);
	}
	material_free(&mat);
	context_close(&ctx);
}

static void fingerprint_of(const struct fixture_pair *pair,
    char out[FINGERPRINT_SIZE])
{
	material_fingerprint(pair->cert, out, FINGERPRINT_SIZE);
}

/* How the change that took history entry id ended (static buffer). */
static const char *history_result(struct world *w, int64_t id)
{
	static char result[32];
	struct history_entry entry;
	struct context ctx;
	struct error err;

	open_locked(w, &ctx);
	assert_true(store_history_get(ctx.store, id, &entry, &err));
	snprintf(result, sizeof(result), "%s", entry.result);
	history_entry_free(&entry);
	context_close(&ctx);
	return result;
}

static void test_install_writes_files(void **state)
{
	struct world *w = *state;
	struct txn_result result;
	char want[FINGERPRINT_SIZE], got[FINGERPRINT_SIZE];
	char *key = xasprintf("%s/srv/demo/key.pem", w->root);
	struct stat st;

	assert_int_equal(install(w, "demo", &w->a, &result), TXN_OK);
	fingerprint_of(&w->a, want);
	installed_fingerprint(w, "demo", got);
	assert_string_equal(got, want);
	assert_string_equal(result.new_fingerprint, want);
	assert_string_equal(result.old_fingerprint, "");
	assert_string_equal(history_result(w, result.history_id), "ok");

	/* A key file nobody set a mode for is private. */
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(key);
}

static void test_replace_keeps_history(void **state)
{
	struct world *w = *state;
	struct txn_result first, second;
	struct context ctx;
	struct input in;
	struct material mat;
	struct findings findings;
	struct error err;
	char a_fp[FINGERPRINT_SIZE], got[FINGERPRINT_SIZE];

	assert_int_equal(install(w, "demo", &w->a, &first), TXN_OK);
	assert_int_equal(install(w, "demo", &w->b, &second), TXN_OK);
	fingerprint_of(&w->a, a_fp);
	assert_string_equal(second.old_fingerprint, a_fp);

	/* What the second install replaced reads back as pair a. */
	open_locked(w, &ctx);
	input_init(&in);
	findings_init(&findings);
	material_init(&mat);
	assert_true(txn_load_history(&ctx, registry_find(&ctx.registry,
	    "demo"), second.history_id, &in, &findings, &err));
	assert_true(material_from_input(&mat, &in, &err));
	material_fingerprint(mat.leaf, got, sizeof(got));
	assert_string_equal(got, a_fp);

	/* ...and belongs to demo only. */
	assert_false(txn_load_history(&ctx, registry_find(&ctx.registry,
	    "other"), second.history_id, &in, &findings, &err));
	assert_string_equal(err.code, "history-mismatch");
	material_free(&mat);
	findings_free(&findings);
	input_free(&in);
	context_close(&ctx);
}

static void test_failed_check_rolls_back(void **state)
{
	struct world *w = *state;
	struct txn_result result;
	char a_fp[FINGERPRINT_SIZE], got[FINGERPRINT_SIZE];
	char *flag = xasprintf("%s/fail", w->root);

	assert_int_equal(install(w, "demo", &w->a, &result), TXN_OK);
	free(fixture_write_file(w->root, "fail", "x"));

	assert_int_equal(install(w, "demo", &w->b, &result),
	    TXN_ROLLED_BACK);
	assert_string_equal(result.code, "command-failed");
	assert_non_null(strstr(result.message, "configuration test"));
	assert_string_equal(history_result(w, result.history_id),
	    "rolled-back");
	fingerprint_of(&w->a, a_fp);
	installed_fingerprint(w, "demo", got);
	assert_string_equal(got, a_fp);
	unlink(flag);
	free(flag);
}

/* A crash between two renames is undone by the next run. */
static void test_crash_is_undone(void **state)
{
	struct world *w = *state;
	struct txn_result result;
	char a_fp[FINGERPRINT_SIZE], got[FINGERPRINT_SIZE];
	char *journal;
	int status;
	pid_t pid;

	assert_int_equal(install(w, "demo", &w->a, &result), TXN_OK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("SVCCERT_CRASH_AT", "after-first-file", 1);
		install(w, "demo", &w->b, &result);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	journal = xasprintf("%s/var/lib/svccert/journal.json", w->root);
	assert_int_equal(access(journal, F_OK), 0);

	/* Opening and locking is all it takes to recover. */
	fingerprint_of(&w->a, a_fp);
	installed_fingerprint(w, "demo", got);
	assert_string_equal(got, a_fp);
	assert_int_not_equal(access(journal, F_OK), 0);
	free(journal);
}

static void test_combined_file_service(void **state)
{
	struct world *w = *state;
	struct txn_result result;
	char want[FINGERPRINT_SIZE], got[FINGERPRINT_SIZE];

	assert_int_equal(install(w, "other", &w->b, &result), TXN_OK);
	fingerprint_of(&w->b, want);
	installed_fingerprint(w, "other", got);
	assert_string_equal(got, want);
}

/* A second run waits for the lock instead of interleaving. */
static void test_lock_excludes(void **state)
{
	struct world *w = *state;
	struct context ctx;
	int status, fds[2];
	char byte = 0;
	pid_t pid;

	open_locked(w, &ctx);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	if (pid == 0) {
		struct context child;

		open_locked(w, &child);
		byte = 1;
		(void)!write(fds[1], &byte, 1);
		context_close(&child);
		_exit(0);
	}
	close(fds[1]);

	/* While we hold the lock the child cannot report having it. */
	usleep(300 * 1000);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	context_close(&ctx);
	assert_int_equal(read(fds[0], &byte, 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(fds[0]);
}

/* svccertd answers busy at once instead of waiting. */
static void test_try_lock_busy(void **state)
{
	struct world *w = *state;
	struct context ctx, other;
	struct error err;

	open_locked(w, &ctx);
	if (!context_open(&other, w->root, NULL, &err))
		fail_msg("context_open: %s", err.message);

	/* flock excludes a second open file even in the same process. */
	assert_false(txn_try_lock(&other, &err));
	assert_string_equal(err.code, "busy");
	assert_non_null(strstr(err.message, "/lock"));
	assert_int_equal(other.lock_fd, -1);

	context_close(&ctx);
	assert_true(txn_try_lock(&other, &err));
	assert_true(other.lock_fd >= 0);
	assert_true(txn_try_lock(&other, &err));
	context_close(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_install_writes_files,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_keeps_history,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_check_rolls_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_is_undone,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_combined_file_service,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_excludes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_try_lock_busy,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
