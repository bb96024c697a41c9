/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <libgen.h>
#include <sys/stat.h>

#include "fileio.h"
#include "macro.h"

int read_full_file_at(int dir_fd, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -EBADF;

        fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        return read_full_fd(fd, max, ret, ret_size);
}

int read_full_fd(int fd, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n = 0, allocated;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if ((uint64_t) st.st_size > max)
                return -EFBIG;

        /* Room for the whole file, the NUL, and one more byte so that the
         * read that finds the end needs no second allocation. */
        allocated = (size_t) st.st_size + 2;
        buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;

        for (;;) {
                if (n + 1 >= allocated) {
                        if (allocated > max + 1)
                                return -EFBIG;
                        char *b = realloc(buf, allocated * 2);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                        allocated *= 2;
                }
                ssize_t k = read(fd, buf + n, allocated - n - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max)
                        return -EFBIG;
        }
        buf[n] = 0;
        if (ret_size)
                *ret_size = n;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_full_file(const char *path, size_t max, char **ret, size_t *ret_size) {
        return read_full_file_at(AT_FDCWD, path, max, ret, ret_size);
}

int fsync_directory_of(const char *path) {
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int fd = -EBADF;

        if (!copy)
                return -ENOMEM;
        fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return RET_NERRNO(fsync(fd));
}

static int write_all(int fd, const char *data, size_t size) {
        while (size > 0) {
                ssize_t k = write(fd, data, size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                data += k;
                size -= (size_t) k;
        }
        return 0;
}

/* A temporary file in the directory of target, unlinked on cleanup unless
 * it was renamed into place. */
typedef struct TempFile {
        char *path;
        int fd;
} TempFile;

static void temp_file_done(TempFile *t) {
        t->fd = safe_close(t->fd);
        if (t->path) {
                (void) unlink(t->path);
                free(t->path);
                t->path = NULL;
        }
}

static int temp_file_open(const char *target, TempFile *ret) {
        _cleanup_free_ char *copy = strdup(target), *copy2 = strdup(target);
        char *t;

        if (!copy || !copy2)
                return -ENOMEM;
        if (asprintf(&t, "%s/.#%sXXXXXX", dirname(copy), basename(copy2)) < 0)
                return -ENOMEM;
        int fd = mkostemp(t, O_CLOEXEC);
        if (fd < 0) {
                int r = -errno;
                free(t);
                return r;
        }
        *ret = (TempFile) { .path = t, .fd = fd };
        return 0;
}

static int copy_to_backup(const char *path, const struct stat *st) {
        _cleanup_(temp_file_done) TempFile t = { .fd = -EBADF };
        _cleanup_free_ char *data = NULL, *backup = NULL;
        size_t size;
        int r;

        r = read_full_file(path, SIZE_MAX / 2, &data, &size);
        if (r < 0)
                return r;
        if (asprintf(&backup, "%s-", path) < 0)
                return -ENOMEM;
        r = temp_file_open(backup, &t);
        if (r < 0)
                return r;
        r = write_all(t.fd, data, size);
        if (r < 0)
                return r;
        if (fchmod(t.fd, st->st_mode & 07777) < 0 || fchown(t.fd, st->st_uid, st->st_gid) < 0)
                return -errno;
        if (fsync(t.fd) < 0)
                return -errno;
        if (rename(t.path, backup) < 0)
                return -errno;
        t.path = (free(t.path), NULL);
        return 0;
}

int write_file_atomic(const char *path, const char *data, size_t size,
                      mode_t mode, uid_t uid, gid_t gid, WriteFlags flags) {
        _cleanup_(temp_file_done) TempFile t = { .fd = -EBADF };
        struct stat st;
        bool exists;
        int r;

        exists = stat(path, &st) >= 0;
        if (!exists && errno != ENOENT)
                return -errno;
        if (exists && !S_ISREG(st.st_mode))
                return -EBADFD;
        if (exists) {
                mode = st.st_mode & 07777;
                uid = st.st_uid;
                gid = st.st_gid;
        }

        r = temp_file_open(path, &t);
        if (r < 0)
                return r;
        /* Mode and owner first, so the data is never readable by more than
         * the final file allows. */
        if (fchmod(t.fd, mode) < 0)
                return -errno;
        if ((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(t.fd, uid, gid) < 0)
                return -errno;
        r = write_all(t.fd, data, size);
        if (r < 0)
                return r;
        if ((flags & WRITE_SYNC) && fsync(t.fd) < 0)
                return -errno;

        if (exists && (flags & WRITE_BACKUP)) {
                r = copy_to_backup(path, &st);
                if (r < 0)
                        return r;
        }

        if (rename(t.path, path) < 0)
                return -errno;
        t.path = (free(t.path), NULL);

        if (flags & WRITE_SYNC)
                return fsync_directory_of(path);
        return 0;
}

int file_content_equals(const char *path, const char *data, size_t size) {
        _cleanup_free_ char *cur = NULL;
        size_t n;
        int r;

        r = read_full_file(path, size + 1, &cur, &n);
        if (r == -EFBIG)
                return 0;
        if (r < 0)
                return r;
        return n == size && memcmp(cur, data, size) == 0;
}

static bool is_temporary_of(const char *name, const char *target) {
        const char *rest = startswith(name, ".#");
        if (!rest || !(rest = startswith(rest, target)))
                return false;
        if (*rest == '-')
                rest++;
        return strlen(rest) == 6;
}

int remove_stale_temporaries(const char *dir, const char * const *targets) {
        DIR *d = opendir(dir);
        int r = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d));)
                for (const char * const *t = targets; *t; t++)
                        if (is_temporary_of(de->d_name, *t)) {
                                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && r == 0)
                                        r = -errno;
                                break;
                        }
        closedir(d);
        return r;
}
