/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Temporary roots for tests that write passwd and friends. */

#include <fcntl.h>
#include <sys/stat.h>

#include "fileio.h"
#include "macro.h"
#include "path-util.h"

static inline char *test_mkroot(void) {
        char *t;
        if (asprintf(&t, "%s/paddock-test.XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0)
                return NULL;
        if (!mkdtemp(t)) {
                free(t);
                return NULL;
        }
        return t;
}

static inline int test_write(const char *root, const char *path, const char *content) {
        _cleanup_free_ char *p = path_join(root, path);
        _cleanup_free_ char *dir = NULL;
        int r;

        if (!p)
                return -ENOMEM;
        dir = strndup(p, strrchr(p, '/') - p);
        if (!dir)
                return -ENOMEM;
        r = mkdir_parents(dir, 0755);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        size_t n = strlen(content);
        return write(fd, content, n) == (ssize_t) n ? 0 : -EIO;
}

static inline char *test_read(const char *root, const char *path) {
        _cleanup_free_ char *p = path_join(root, path);
        char *data = NULL;
        if (!p || read_full_file(p, 1 << 24, &data, NULL) < 0)
                return NULL;
        return data;
}

static inline int test_rm_rf(const char *root) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
        return system(cmd);
}

/* Inode and content of a file: equal fingerprints mean it was not rewritten. */
static inline char *test_fingerprint(const char *root, const char *path) {
        _cleanup_free_ char *p = path_join(root, path), *data = NULL;
        struct stat st;
        char *s;

        if (!p || stat(p, &st) < 0 || read_full_file(p, 1 << 24, &data, NULL) < 0)
                return strdup("(missing)");
        if (asprintf(&s, "%llu:%lld.%09ld:%s", (unsigned long long) st.st_ino, (long long) st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec, data) < 0)
                return NULL;
        return s;
}
