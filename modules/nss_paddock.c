/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* libnss_paddock: the per-task identities paddock-run makes, from
 * /run/paddock/ephemeral. Each is a user and a group of the same name and
 * number; the agent's group is its supplementary group (initgroups).
 *
 * No state between calls (the registry is read at each lookup), so every
 * entry point is thread-safe; nothing is enumerated. A missing registry
 * knows nobody (NSS_STATUS_NOTFOUND); a corrupt one answers nothing
 * (NSS_STATUS_UNAVAIL); a buffer too small gives ERANGE and
 * NSS_STATUS_TRYAGAIN, so the caller retries with a larger one. errno is
 * left as it was on success. */

#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* The entry for uid (name NULL) or name: 0, -ENOENT, -EBADMSG, -errno. */
static int find(uid_t uid, const char *name, char **ret_data, EphemeralEntry *ret) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_full_file(EPHEMERAL_REGISTRY, EPHEMERAL_REGISTRY_MAX, &data, &size);
        if (r < 0)
                return r;
        r = ephemeral_find(data, size, uid, name, ret);
        if (r < 0)
                return r;
        *ret_data = TAKE_PTR(data);
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

static int fill_passwd(const EphemeralEntry *e, struct passwd *pw, char *buffer, size_t buflen) {
        Buffer b = { buffer, buflen };

        pw->pw_name = put(&b, e->name, e->name_len);
        pw->pw_passwd = put(&b, "*", 1);
        pw->pw_gecos = putf(&b, "paddock task %.*s of agent %.*s%s", (int) e->task_len, e->task,
                            (int) e->agent_len, e->agent, e->ended ? " (ended)" : "");
        pw->pw_dir = putf(&b, PADDOCK_AGENT_STATE_DIR "/%.*s", (int) e->agent_len, e->agent);
        pw->pw_shell = put(&b, EPHEMERAL_SHELL, strlen(EPHEMERAL_SHELL));
        if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell)
                return -ERANGE;
        pw->pw_uid = e->uid;
        pw->pw_gid = (gid_t) e->uid;
        return 0;
}

static int fill_group(const EphemeralEntry *e, struct group *gr, char *buffer, size_t buflen) {
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

static enum nss_status lookup_passwd(uid_t uid, const char *name, struct passwd *pw, char *buffer,
                                     size_t buflen, int *errnop) {
        _cleanup_free_ char *data = NULL;
        EphemeralEntry e;
        int saved = errno;
        int r = find(uid, name, &data, &e);
        if (r >= 0)
                r = fill_passwd(&e, pw, buffer, buflen);
        errno = saved;
        return r < 0 ? status_of(r, errnop) : NSS_STATUS_SUCCESS;
}

static enum nss_status lookup_group(gid_t gid, const char *name, struct group *gr, char *buffer,
                                    size_t buflen, int *errnop) {
        _cleanup_free_ char *data = NULL;
        EphemeralEntry e;
        int saved = errno;
        int r = find((uid_t) gid, name, &data, &e);
        if (r >= 0)
                r = fill_group(&e, gr, buffer, buflen);
        errno = saved;
        return r < 0 ? status_of(r, errnop) : NSS_STATUS_SUCCESS;
}

enum nss_status _nss_paddock_getpwuid_r(uid_t uid, struct passwd *pw, char *buffer, size_t buflen,
                                                   int *errnop) {
        return lookup_passwd(uid, NULL, pw, buffer, buflen, errnop);
}

enum nss_status _nss_paddock_getpwnam_r(const char *name, struct passwd *pw, char *buffer,
                                                   size_t buflen, int *errnop) {
        if (!name)
                return NSS_STATUS_NOTFOUND;
        return lookup_passwd(0, name, pw, buffer, buflen, errnop);
}

enum nss_status _nss_paddock_getgrgid_r(gid_t gid, struct group *gr, char *buffer, size_t buflen,
                                                   int *errnop) {
        return lookup_group(gid, NULL, gr, buffer, buflen, errnop);
}

enum nss_status _nss_paddock_getgrnam_r(const char *name, struct group *gr, char *buffer,
                                                   size_t buflen, int *errnop) {
        if (!name)
                return NSS_STATUS_NOTFOUND;
        return lookup_group(0, name, gr, buffer, buflen, errnop);
}
