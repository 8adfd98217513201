/*
 * atomic.c - the one way svccert writes a file: temporary file, final
 * owner and mode, fsync, rename, fsync of the folder.
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool atomic_write_all(int fd, const void *data, size_t length)
{
	const char *p = data;

	while (length > 0) {
		ssize_t n = write(fd, p, length);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		p += n;
		length -= (size_t)n;
	}
	return true;
}

/* The rename is only durable once the folder's entry is on disk too. */
static bool atomic_sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd, saved;
	bool ok;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return false;
	ok = fsync(fd) == 0;
	saved = errno;
	close(fd);
	errno = saved;
	return ok;
}

/*
 * Everything that can fail happens on the temporary file, before the
 * rename, so a failure leaves the target as it was.
 */
static bool atomic_fill_temp(int fd, const void *data, size_t length,
    uid_t uid, gid_t gid, mode_t mode)
{
	/* Nobody but us can open it while the data goes in. */
	if (fchmod(fd, 0600) != 0)
		return false;

	if (!atomic_write_all(fd, data, length))
		return false;

	/* Owner before mode: chown clears set-id bits, and the group must
	 * be right before a group-readable mode lets that group in. */
	if (fchown(fd, uid, gid) != 0 || fchmod(fd, mode & 07777) != 0)
		return false;

	return fsync(fd) == 0;
}

bool atomic_write_file(const char *path, const void *data, size_t length,
    uid_t uid, gid_t gid, mode_t mode, struct error *err)
{
	char *temp = xasprintf("%s.svccert-XXXXXX", path);
	bool ok = false, made = false;
	int fd, saved;

	/* In the target folder, so the rename cannot cross file systems. */
	if ((fd = mkostemp(temp, O_CLOEXEC)) < 0)
		goto fail;
	made = true;

	if (!atomic_fill_temp(fd, data, length, uid, gid, mode)) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	if (close(fd) != 0)
		goto fail;

	if (rename(temp, path) != 0)
		goto fail;
	made = false;

	if (!atomic_sync_dir(path))
		goto fail;
	ok = true;
	goto out;
fail:
	saved = errno;
	if (made)
		unlink(temp);
	error_set_errno(err, "write-failed", saved, "cannot write %s; check "
	    "that its folder exists and the disk has room", path);
	errno = saved;
out:
	free(temp);
	return ok;
}

static bool atomic_make_dir(const char *path, mode_t mode, struct error *err)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return true;

	/* An existing folder is what mkdir -p wants; anything else not. */
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	if (errno == EEXIST)
		errno = ENOTDIR;
	error_set_errno(err, "write-failed", errno, "cannot create the folder "
	    "%s; check the path and its permissions", path);
	return false;
}

bool atomic_make_dirs(const char *path, mode_t mode, struct error *err)
{
	char *copy = xstrdup(path);
	bool ok = false;
	char *p;

	/* Each parent in turn: cut the path at every '/' after the first
	 * character, so "/" and "//" are never passed to mkdir. */
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		if (!atomic_make_dir(copy, mode, err))
			goto out;
		*p = '/';
	}

	if (!atomic_make_dir(copy, mode, err))
		goto out;
	ok = true;
out:
	free(copy);
	return ok;
}
