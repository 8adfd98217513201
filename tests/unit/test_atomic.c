/*
 * test_atomic.c - atomic writes: content, owner, mode, and no temporary
 * file left behind whether the write succeeds or fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "fixture.h"
#include "util.h"

/* Files whose name says an atomic write left them. */
static int count_temp_files(const char *dir)
{
	struct dirent *ent;
	DIR *d = opendir(dir);
	int count = 0;

	assert_non_null(d);
	while ((ent = readdir(d)) != NULL)
		if (strstr(ent->d_name, ".svccert-") != NULL)
			count++;
	closedir(d);
	return count;
}

static void assert_file_text(const char *path, const char *text)
{
	struct error err;
	char *data;
	size_t length;

	assert_true(util_read_file(path, 1 << 20, &data, &length, &err));
	assert_int_equal(length, strlen(text));
	assert_memory_equal(data, text, length);
	free(data);
}

static void test_atomic_write_content_mode_owner(void **state)
{
	char *dir = fixture_temp_dir();
	char *path = xasprintf("%s/exim.key", dir);
	struct error err;
	struct stat st;

	error_clear(&err);
	assert_true(atomic_write_file(path, "secret\n", 7, 1234, 5678, 0640,
	    &err));
	assert_false(error_is_set(&err));
	assert_file_text(path, "secret\n");

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(count_temp_files(dir), 0);
	free(path);
	free(dir);
}

static void test_atomic_replaces_existing(void **state)
{
	char *dir = fixture_temp_dir();
	char *path = fixture_write_file(dir, "cert.pem", "old contents");
	struct stat before, after;
	struct error err;

	assert_int_equal(stat(path, &before), 0);
	assert_true(atomic_write_file(path, "new", 3, getuid(), getgid(),
	    0644, &err));
	assert_file_text(path, "new");

	/* A new inode: readers holding the old file keep the old data. */
	assert_int_equal(stat(path, &after), 0);
	assert_int_not_equal(before.st_ino, after.st_ino);
	assert_int_equal(after.st_mode & 07777, 0644);
	assert_int_equal(count_temp_files(dir), 0);
	free(path);
	free(dir);
}

static void test_atomic_empty_file(void **state)
{
	char *dir = fixture_temp_dir();
	char *path = xasprintf("%s/empty", dir);
	struct error err;
	struct stat st;

	assert_true(atomic_write_file(path, "", 0, getuid(), getgid(), 0600,
	    &err));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(path);
	free(dir);
}

/* Tests run as root, so permissions cannot stop a write; a path under a
 * regular file can. */
static void test_atomic_fails_under_a_file(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "plain", "x");
	char *path = xasprintf("%s/exim.crt", file);
	struct error err;

	errno = 0;
	assert_false(atomic_write_file(path, "data", 4, 0, 0, 0644, &err));
	assert_int_equal(errno, ENOTDIR);
	assert_string_equal(err.code, "write-failed");
	assert_non_null(strstr(err.message, path));
	assert_int_equal(count_temp_files(dir), 0);
	free(path);
	free(file);
	free(dir);
}

static void test_atomic_fails_missing_folder(void **state)
{
	char *dir = fixture_temp_dir();
	char *path = xasprintf("%s/missing/exim.crt", dir);
	struct error err;

	assert_false(atomic_write_file(path, "data", 4, 0, 0, 0644, &err));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.code, "write-failed");
	assert_non_null(strstr(err.message, path));
	assert_int_equal(count_temp_files(dir), 0);
	free(path);
	free(dir);
}

/* The temporary file is made, then the rename over a folder fails: it
 * must be removed and the target left as it was. */
static void test_atomic_fails_after_temp_file(void **state)
{
	char *dir = fixture_temp_dir();
	char *target = xasprintf("%s/target", dir);
	char *inside;
	struct error err;
	struct stat st;

	assert_int_equal(mkdir(target, 0755), 0);
	inside = fixture_write_file(target, "keep", "kept");

	assert_false(atomic_write_file(target, "data", 4, 0, 0, 0644, &err));
	assert_int_equal(errno, EISDIR);
	assert_string_equal(err.code, "write-failed");
	assert_int_equal(count_temp_files(dir), 0);
	assert_int_equal(stat(target, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_file_text(inside, "kept");
	free(inside);
	free(target);
	free(dir);
}

static void test_atomic_make_dirs(void **state)
{
	char *dir = fixture_temp_dir();
	char *path = xasprintf("%s/a/b/c", dir);
	char *slash = xasprintf("%s/a/b/c/", dir);
	struct error err;
	struct stat st;

	umask(022);
	assert_true(atomic_make_dirs(path, 0700, &err));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);

	/* Existing folders, and a trailing slash, are fine. */
	assert_true(atomic_make_dirs(path, 0700, &err));
	assert_true(atomic_make_dirs(slash, 0700, &err));
	free(slash);
	free(path);
	free(dir);
}

static void test_atomic_make_dirs_fails(void **state)
{
	char *dir = fixture_temp_dir();
	char *file = fixture_write_file(dir, "plain", "x");
	char *path = xasprintf("%s/sub", file);
	struct error err;

	assert_false(atomic_make_dirs(path, 0700, &err));
	assert_string_equal(err.code, "write-failed");
	assert_non_null(strstr(err.message, file));

	/* A file where the folder should be is no folder. */
	assert_false(atomic_make_dirs(file, 0700, &err));
	assert_string_equal(err.code, "write-failed");
	free(path);
	free(file);
	free(dir);
}

static int teardown(void **state)
{
	fixture_cleanup_dirs();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic_write_content_mode_owner),
		cmocka_unit_test(test_atomic_replaces_existing),
		cmocka_unit_test(test_atomic_empty_file),
		cmocka_unit_test(test_atomic_fails_under_a_file),
		cmocka_unit_test(test_atomic_fails_missing_folder),
		cmocka_unit_test(test_atomic_fails_after_temp_file),
		cmocka_unit_test(test_atomic_make_dirs),
		cmocka_unit_test(test_atomic_make_dirs_fails),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
