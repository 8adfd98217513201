/*
 * atomic.h - the one way svccert writes a file.
 *
 * A temporary file in the target folder gets the data, its final owner and
 * mode, an fsync; then it is renamed over the target and the folder is
 * fsynced.  A reader sees the old file or the new one, never a mix, and a
 * key is never readable by anyone it should not be, even for an instant.
 * On failure the temporary file is removed and the target is untouched.
 */
#ifndef SVCCERT_ATOMIC_H
#define SVCCERT_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

bool atomic_write_file(const char *path, const void *data, size_t length,
    uid_t uid, gid_t gid, mode_t mode, struct error *err);

/* Create path and its missing parents with mode (like mkdir -p). */
bool atomic_make_dirs(const char *path, mode_t mode, struct error *err);

#endif
