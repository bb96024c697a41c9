/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/stat.h>

#include "macro.h"
#include "path-util.h"

char *path_join(const char *a, const char *b) {
        char *s;
        size_t la = strlen(a);

        while (la > 0 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        if (asprintf(&s, "%.*s/%s", (int) la, a, b) < 0)
                return NULL;
        return s;
}

char *path_join_root(const char *root, const char *path) {
        if (!root || !*root || streq(root, "/"))
                return strdup(path);
        return path_join(root, path);
}

int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s != 0)
                        continue;
                char c = *s;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                if (c == 0)
                        return 0;
                *s = c;
        }
}
