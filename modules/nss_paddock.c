/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libnss_paddock: the per-task identities paddock-run makes, from
 * /run/paddock/ephemeral. Each is a user and a group of the same name and
 * number; the agent's group, its supplementary group, is given by
 * paddock-run when the task starts (no initgroups here).
 *
 * The registry's text is kept between calls and read again when the file
 * changes; a mutex guards it, so every entry point is thread-safe. Nothing
 * is enumerated. A missing registry
 * knows nobody (NSS_STATUS_NOTFOUND); a corrupt one answers nothing
 * (NSS_STATUS_UNAVAIL); a buffer too small gives ERANGE and
 * NSS_STATUS_TRYAGAIN, so the caller retries with a larger one. errno is
 * left as it was on success. */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ephemeral.h"
#include "fileio.h"
#include "macro.h"
#include "paddock-conf.h"

#define EPHEMERAL_SHELL "/usr/sbin/nologin"

/* What glibc looks up (and the version script exports). */
enum nss_status _nss_paddock_getpwuid_r(uid_t uid, struct passwd *pw, char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_paddock_getpwnam_r(const char *name, struct passwd *pw, char *buffer, size_t buflen,
                                        int *errnop);
enum nss_status _nss_paddock_getgrgid_r(gid_t gid, struct group *gr, char *buffer, size_t buflen, int *errnop);
enum nss_status _nss_paddock_getgrnam_r(const char *name, struct group *gr, char *buffer, size_t buflen,
                                        int *errnop);

/* The registry's text, kept between calls while the file stays the same
 * (paddock-run replaces it by rename, so a new version is a new inode):
 * one stat() per lookup instead of reading the file. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        char *data;
        size_t size;
        dev_t dev;
        ino_t ino;
        struct timespec mtim;
        off_t st_size;
} cache;

/* A child forked while another thread held the lock would wait for it
 * forever: fork takes it first. */
static void lock_prefork(void) {
        pthread_mutex_lock(&cache_lock);
}
static void unlock_postfork(void) {
        pthread_mutex_unlock(&cache_lock);
}
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void) {
        (void) pthread_atfork(lock_prefork, unlock_postfork, unlock_postfork);
}

static bool cache_matches(const struct stat *st) {
        return cache.data && cache.dev == st->st_dev && cache.ino == st->st_ino && cache.st_size == st->st_size &&
               cache.mtim.tv_sec == st->st_mtim.tv_sec && cache.mtim.tv_nsec == st->st_mtim.tv_nsec;
}

/* The registry, or for tests another file: $PADDOCK_EPHEMERAL_REGISTRY,
 * which secure_getenv() ignores in set-user-id and file-capability
 * programs, where the caller's environment must not decide. */
static const char *registry_path(void) {
        return secure_getenv("PADDOCK_EPHEMERAL_REGISTRY") ?: EPHEMERAL_REGISTRY;
}

/* Under cache_lock: make the cache the registry's current text. */
static int cache_refresh(void) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *data = NULL;
        const char *path = registry_path();
        struct stat st;
        size_t size;
        int r;

        if (stat(path, &st) < 0)
                return -errno;
        if (cache_matches(&st))
                return 0;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        r = read_full_fd(fd, EPHEMERAL_REGISTRY_MAX, &data, &size);
        if (r < 0)
                return r;
        free(cache.data);
        cache.data = TAKE_PTR(data);
        cache.size = size;
        cache.dev = st.st_dev;
        cache.ino = st.st_ino;
        cache.mtim = st.st_mtim;
        cache.st_size = st.st_size;
        return 0;
}

typedef struct Buffer {
        char *p;
        size_t left;
} Buffer;

/* Copy n bytes of s and a NUL into the caller's buffer. */
static char *put(Buffer *b, const char *s, size_t n) {
        if (n + 1 > b->left)
                return NULL;
        char *d = b->p;
        memcpy(d, s, n);
        d[n] = 0;
        b->p += n + 1;
        b->left -= n + 1;
        return d;
}

static char *putf(Buffer *b, const char *fmt, ...) _printf_(2, 3);
static char *putf(Buffer *b, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p, b->left, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n + 1 > b->left)
                return NULL;
        char *d = b->p;
        b->p += n + 1;
        b->left -= n + 1;
        return d;
}

static enum nss_status status_of(int r, int *errnop) {
        if (r == -ENOENT)
                return NSS_STATUS_NOTFOUND;
        if (r == -ERANGE) {
                *errnop = ERANGE;
                return NSS_STATUS_TRYAGAIN;
        }
        *errnop = -r;
        return NSS_STATUS_UNAVAIL;
}

static int fill_passwd(const EphemeralEntry *e, void *result, char *buffer, size_t buflen) {
        struct passwd *pw = result;
        Buffer b = { buffer, buflen };

        pw->pw_name = put(&b, e->name, e->name_len);
        pw->pw_passwd = put(&b, "*", 1);
        pw->pw_gecos = putf(&b, "paddock task %.*s of agent %.*s%s", (int) e->task_len, e->task,
                            (int) e->agent_len, e->agent, e->ended ? " (expired)" : "");
        pw->pw_dir = putf(&b, PADDOCK_AGENT_STATE_DIR "/%.*s", (int) e->agent_len, e->agent);
        pw->pw_shell = put(&b, EPHEMERAL_SHELL, strlen(EPHEMERAL_SHELL));
        if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell)
                return -ERANGE;
        pw->pw_uid = e->uid;
        pw->pw_gid = (gid_t) e->uid;
        return 0;
}

static int fill_group(const EphemeralEntry *e, void *result, char *buffer, size_t buflen) {
        struct group *gr = result;
        /* gr_mem first: it needs a pointer's alignment. */
        size_t pad = (alignof(char *) - (uintptr_t) buffer % alignof(char *)) % alignof(char *);
        if (buflen < pad + sizeof(char *))
                return -ERANGE;
        gr->gr_mem = (char **) (void *) (buffer + pad);
        gr->gr_mem[0] = NULL;
        Buffer b = { buffer + pad + sizeof(char *), buflen - pad - sizeof(char *) };

        gr->gr_name = put(&b, e->name, e->name_len);
        gr->gr_passwd = put(&b, "*", 1);
        if (!gr->gr_name || !gr->gr_passwd)
                return -ERANGE;
        gr->gr_gid = (gid_t) e->uid;
        return 0;
}

/* Find uid (name NULL) or name, and fill the caller's entry from it while
 * the cache cannot change under us. */
static enum nss_status lookup(uid_t uid, const char *name, void *result, char *buffer, size_t buflen,
                              int (*fill)(const EphemeralEntry *e, void *result, char *buffer, size_t buflen),
                              int *errnop) {
        EphemeralEntry e;
        int saved = errno, r;

        (void) pthread_once(&atfork_once, register_atfork);
        pthread_mutex_lock(&cache_lock);
        r = cache_refresh();
        if (r >= 0)
                r = ephemeral_find(cache.data, cache.size, uid, name, &e);
        if (r >= 0)
                r = fill(&e, result, buffer, buflen);
        pthread_mutex_unlock(&cache_lock);
        errno = saved;
        return r < 0 ? status_of(r, errnop) : NSS_STATUS_SUCCESS;
}

enum nss_status _nss_paddock_getpwuid_r(uid_t uid, struct passwd *pw, char *buffer, size_t buflen,
                                                   int *errnop) {
        return lookup(uid, NULL, pw, buffer, buflen, fill_passwd, errnop);
}

enum nss_status _nss_paddock_getpwnam_r(const char *name, struct passwd *pw, char *buffer,
                                                   size_t buflen, int *errnop) {
        if (!name)
                return NSS_STATUS_NOTFOUND;
        return lookup(0, name, pw, buffer, buflen, fill_passwd, errnop);
}

enum nss_status _nss_paddock_getgrgid_r(gid_t gid, struct group *gr, char *buffer, size_t buflen,
                                                   int *errnop) {
        return lookup((uid_t) gid, NULL, gr, buffer, buflen, fill_group, errnop);
}

enum nss_status _nss_paddock_getgrnam_r(const char *name, struct group *gr, char *buffer,
                                                   size_t buflen, int *errnop) {
        if (!name)
                return NSS_STATUS_NOTFOUND;
        return lookup(0, name, gr, buffer, buflen, fill_group, errnop);
}
