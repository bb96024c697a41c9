/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "credstore.h"
#include "fileio.h"
#include "paddock-conf.h"
#include "path-util.h"
#include "validate.h"

char *credstore_dir(const char *agent) {
        return path_join(PADDOCK_CREDSTORE, agent);
}

char *credstore_path(const char *agent, const char *key, bool encrypted) {
        char *s;
        if (asprintf(&s, PADDOCK_CREDSTORE "/%s/%s%s", agent, key, encrypted ? ".cred" : "") < 0)
                return NULL;
        return s;
}

static int check_one(const char *path, const struct stat *st, mode_t want, char **ret_message) {
        if ((st->st_mode & 07777 & ~want) != 0 || st->st_uid != 0) {
                if (asprintf(ret_message, "%s has mode %04o and owner %u; the credential store must be "
                             "root's alone (directories 0700, files 0600)", path,
                             (unsigned) (st->st_mode & 07777), (unsigned) st->st_uid) < 0)
                        *ret_message = NULL;
                return -EPERM;
        }
        return 0;
}

int credstore_check(const char *root, const char *agent, char **ret_message) {
        _cleanup_free_ char *top = path_join_root(root, PADDOCK_CREDSTORE);
        _cleanup_free_ char *dir = NULL;
        struct stat st;
        int r;

        *ret_message = NULL;
        if (!top)
                return -ENOMEM;
        dir = path_join(top, agent);
        if (!dir)
                return -ENOMEM;

        /* The store's top directory and the agent's directory. */
        const char *dirs[] = { top, dir };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                if (lstat(dirs[i], &st) < 0) {
                        if (errno == ENOENT)
                                return 0;
                        return -errno;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (asprintf(ret_message, "%s is not a directory", dirs[i]) < 0)
                                *ret_message = NULL;
                        return -ENOTDIR;
                }
                r = check_one(dirs[i], &st, 0700, ret_message);
                if (r < 0)
                        return r;
        }

        DIR *d = opendir(dir);
        if (!d)
                return -errno;
        r = 0;
        for (struct dirent *de; (de = readdir(d));) {
                _cleanup_free_ char *p = NULL;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                p = path_join(dir, de->d_name);
                if (!p) {
                        r = -ENOMEM;
                        break;
                }
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = -errno;
                        break;
                }
                if (!S_ISREG(st.st_mode)) {
                        if (asprintf(ret_message, "%s is not a regular file", p) < 0)
                                *ret_message = NULL;
                        r = -ENOTDIR;
                        break;
                }
                r = check_one(p, &st, 0600, ret_message);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r;
}

int credstore_lookup(const char *root, const char *agent, const char *key) {
        for (int encrypted = 1; encrypted >= 0; encrypted--) {
                _cleanup_free_ char *rel = credstore_path(agent, key, encrypted), *p = NULL;
                struct stat st;
                if (!rel || !(p = path_join_root(root, rel)))
                        return -ENOMEM;
                if (lstat(p, &st) >= 0 && S_ISREG(st.st_mode))
                        return encrypted;
        }
        return -ENOENT;
}

static int make_private_dir(const char *path) {
        struct stat st;

        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (st.st_uid != 0 || (st.st_mode & 07777) != 0700)
                return -EPERM;          /* never loosen silently; never fix silently either */
        return 0;
}

int credstore_set(const char *root, const char *agent, const char *key, const void *data, size_t size) {
        _cleanup_free_ char *top = path_join_root(root, PADDOCK_CREDSTORE), *dir = NULL, *path = NULL;
        _cleanup_free_ char *parent = NULL;
        int r;

        if (!agent_name_is_valid(agent) || !credential_name_is_valid(key))
                return -EINVAL;
        if (size > CREDENTIAL_MAX)
                return -EFBIG;
        if (!top)
                return -ENOMEM;
        parent = strndup(top, strrchr(top, '/') - top);
        dir = path_join(top, agent);
        path = dir ? path_join(dir, key) : NULL;
        if (!parent || !path)
                return -ENOMEM;

        r = mkdir_parents(parent, 0755);
        if (r < 0)
                return r;
        r = make_private_dir(top);
        if (r < 0)
                return r;
        r = make_private_dir(dir);
        if (r < 0)
                return r;
        return write_file_atomic(path, data, size, 0600, 0, 0, WRITE_SYNC);
}

void credential_info_free(CredentialInfo *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(l[i].key);
        free(l);
}

static int cmp_info(const void *a, const void *b) {
        return strcmp(((const CredentialInfo *) a)->key, ((const CredentialInfo *) b)->key);
}

int credstore_list(const char *root, const char *agent, CredentialInfo **ret, size_t *ret_n) {
        _cleanup_free_ char *rel = credstore_dir(agent), *dir = NULL;
        CredentialInfo *l = NULL;
        size_t n = 0;

        if (!rel || !(dir = path_join_root(root, rel)))
                return -ENOMEM;
        DIR *d = opendir(dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                    !S_ISREG(st.st_mode))
                        continue;
                CredentialInfo *x = reallocarray(l, n + 1, sizeof(CredentialInfo));
                if (!x) {
                        closedir(d);
                        credential_info_free(l, n);
                        return -ENOMEM;
                }
                l = x;
                const char *e = endswith(de->d_name, ".cred");
                l[n] = (CredentialInfo) {
                        .key = e ? strndup(de->d_name, e - de->d_name) : strdup(de->d_name),
                        .encrypted = e != NULL,
                        .mtime_sec = st.st_mtim.tv_sec,
                };
                if (!l[n++].key) {
                        closedir(d);
                        credential_info_free(l, n);
                        return -ENOMEM;
                }
        }
        closedir(d);
        if (n > 1)
                qsort(l, n, sizeof(CredentialInfo), cmp_info);
        *ret = l;
        *ret_n = n;
        return 0;
}
