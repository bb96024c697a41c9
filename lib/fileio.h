/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading whole files and replacing them atomically. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read a regular file of at most max bytes; -EFBIG beyond that. The
 * buffer is NUL-terminated; *ret_size may be NULL. */
int read_full_file(const char *path, size_t max, char **ret, size_t *ret_size);
int read_full_file_at(int dir_fd, const char *path, size_t max, char **ret, size_t *ret_size);
/* The same from an open file, from where its offset is. */
int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size);

typedef enum WriteFlags {
        WRITE_SYNC = 1 << 0,            /* fsync the file and the directory */
        WRITE_BACKUP = 1 << 1,          /* keep the old version as "NAME-" */
} WriteFlags;

/* Replace path with data: write a temporary file in the same directory,
 * give it the mode and owner of the file it replaces (or mode/uid/gid
 * when there is none; uid and gid -1 leave the creator's), fsync, optionally keep a "-" backup, rename. The
 * temporary file never outlives a failure. */
int write_file_atomic(const char *path, const char *data, size_t size,
                      mode_t mode, uid_t uid, gid_t gid, WriteFlags flags);

/* Is the file's content exactly data? -ENOENT when it does not exist. */
int file_content_equals(const char *path, const char *data, size_t size);

int fsync_directory_of(const char *path);

/* Remove temporary files that write_file_atomic() left in dir for any of
 * the target names when the process was killed before it could clean up
 * (".#passwdXXXXXX", ".#passwd-XXXXXX"). Call only under the lock that
 * serializes writers of those files. */
int remove_stale_temporaries(const char *dir, const char * const *targets);
