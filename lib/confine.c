/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "confine.h"
#include "strv.h"
#include "syscall-groups.h"
#include "validate.h"

static void seccomp_releasep(scmp_filter_ctx *c) {
        if (*c)
                seccomp_release(*c);
}

/* Every name of the words of a SystemCallFilter= directive: groups expanded,
 * plain names as they are. */
static int expand_words(char * const *words, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        STRV_FOREACH(w, words) {
                if ((*w)[0] != '@') {
                        if (strv_extend(&l, *w) < 0)
                                return -ENOMEM;
                        continue;
                }
                const char * const *calls = syscall_group_find(*w);
                if (!calls)
                        return -EOPNOTSUPP;
                for (const char * const *c = calls; *c; c++)
                        if (strv_extend(&l, *c) < 0)
                                return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int confine_seccomp_build(const Sandbox *s, scmp_filter_ctx *ret) {
        _cleanup_strv_free_ char **allow = NULL, **deny = NULL;
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        int e = EPERM, r;

        for (size_t i = 0; i < s->n; i++) {
                const SandboxDirective *d = &s->d[i];
                if (streq(d->name, "SystemCallErrorNumber")) {
                        e = sandbox_errno_from_name(d->s);
                        if (e < 0)
                                return e;
                }
                if (!streq(d->name, "SystemCallFilter"))
                        continue;
                _cleanup_strv_free_ char **names = NULL;
                r = expand_words(d->strv, &names);
                if (r < 0)
                        return r;
                char ***l = d->allow_list ? &allow : &deny;
                STRV_FOREACH(n, names)
                        if (strv_extend(l, *n) < 0)
                                return -ENOMEM;
        }
        if (!allow)
                return -EINVAL;         /* paddock's sandbox always has an allow list */

        ctx = seccomp_init(SCMP_ACT_ERRNO(e));
        if (!ctx)
                return -ENOMEM;
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
        if (r < 0)
                return r;
        /* The filter is loaded after no_new_privs is set. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0)
                return r;
        STRV_FOREACH(n, allow) {
                if (strv_contains(deny, *n))
                        continue;
                int nr = seccomp_syscall_resolve_name(*n);
                if (nr == __NR_SCMP_ERROR || nr < 0)
                        continue;       /* not a call of this architecture */
                r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
                if (r < 0 && r != -EEXIST)
                        return r;
        }
        *ret = TAKE_PTR(ctx);
        return 0;
}

static void cap_freep(cap_t *c) {
        if (*c)
                cap_free(*c);
}

int confine_self(const Confinement *c) {
        _cleanup_(cap_freep) cap_t want = NULL, now = NULL;
        uid_t ru, eu, su;
        gid_t rg, eg, sg;

        if (setgroups(c->n_groups, c->groups) < 0 || setresgid(c->gid, c->gid, c->gid) < 0)
                return -errno;

        /* The bounding set first: dropping from it needs CAP_SETPCAP. */
        for (cap_value_t cap = 0; cap < (cap_value_t) cap_max_bits(); cap++)
                if (!(c->capabilities & (UINT64_C(1) << cap)) && cap_drop_bound(cap) < 0)
                        return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        if (c->capabilities != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return -errno;
        if (setresuid(c->uid, c->uid, c->uid) < 0)
                return -errno;

        /* Permitted and effective sets are now empty unless capabilities
         * were kept; make exactly those permitted, effective, inheritable
         * and ambient, and nothing else. */
        want = cap_init();
        if (!want)
                return -ENOMEM;
        for (cap_value_t cap = 0; cap < (cap_value_t) cap_max_bits(); cap++) {
                if (!(c->capabilities & (UINT64_C(1) << cap)))
                        continue;
                if (cap_set_flag(want, CAP_PERMITTED, 1, &cap, CAP_SET) < 0 ||
                    cap_set_flag(want, CAP_EFFECTIVE, 1, &cap, CAP_SET) < 0 ||
                    cap_set_flag(want, CAP_INHERITABLE, 1, &cap, CAP_SET) < 0)
                        return -errno;
        }
        if (cap_set_proc(want) < 0 || cap_reset_ambient() < 0)
                return -errno;
        for (cap_value_t cap = 0; cap < (cap_value_t) cap_max_bits(); cap++)
                if ((c->capabilities & (UINT64_C(1) << cap)) && cap_set_ambient(cap, CAP_SET) < 0)
                        return -errno;
        if (c->capabilities != 0 && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return -errno;

        /* Check what was done, rather than trust it. */
        if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
                return -errno;
        if (ru != c->uid || eu != c->uid || su != c->uid || rg != c->gid || eg != c->gid || sg != c->gid)
                return -EPERM;
        now = cap_get_proc();
        if (!now)
                return -errno;
        if (cap_compare(now, want) != 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
                return -EPERM;

        if (c->seccomp) {
                int r = seccomp_load(c->seccomp);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int collect_paths(const Sandbox *s, char ***ret_rw, char ***ret_ro) {
        _cleanup_strv_free_ char **rw = NULL, **ro = NULL;

        for (size_t i = 0; i < s->n; i++) {
                const SandboxDirective *d = &s->d[i];
                if (streq(d->name, "StateDirectory")) {
                        STRV_FOREACH(p, d->strv)
                                if (strv_extendf(&rw, "/var/lib/%s", *p) < 0)
                                        return -ENOMEM;
                } else if (streq(d->name, "ReadWritePaths") || streq(d->name, "ReadOnlyPaths")) {
                        char ***l = streq(d->name, "ReadWritePaths") ? &rw : &ro;
                        STRV_FOREACH(p, d->strv)
                                if (strv_extend(l, *p) < 0)
                                        return -ENOMEM;
                }
        }
        *ret_rw = TAKE_PTR(rw);
        *ret_ro = TAKE_PTR(ro);
        return 0;
}

int confine_writable_paths(const Sandbox *s, char ***ret) {
        _cleanup_strv_free_ char **rw = NULL, **ro = NULL, **w = NULL;
        int r = collect_paths(s, &rw, &ro);

        if (r < 0)
                return r;
        /* A path both writable and read-only is read-only: the state
         * directory in the read-only and draft stages. Below a writable
         * path, a read-only one stays read-only, and the other way round
         * (drafts below the read-only state directory): the deeper wins. */
        STRV_FOREACH(p, rw)
                if (!strv_contains(ro, *p) && strv_extend(&w, *p) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(w);
        return 0;
}

static int mount_tmpfs(const char *path, unsigned long flags, const char *options) {
        if (access(path, F_OK) < 0)
                return errno == ENOENT ? 0 : -errno;
        return RET_NERRNO(mount("tmpfs", path, "tmpfs", flags, options));
}

static int set_read_only(const char *path, bool ro, unsigned flags) {
        struct mount_attr attr = {
                .attr_set = ro ? MOUNT_ATTR_RDONLY : 0,
                .attr_clr = ro ? 0 : MOUNT_ATTR_RDONLY,
        };
        return RET_NERRNO(mount_setattr(AT_FDCWD, path, flags, &attr, sizeof attr));
}

int confine_namespaces(const Sandbox *s) {
        _cleanup_strv_free_ char **w = NULL, **bound = NULL;
        const SandboxDirective *d;
        int r;

        d = sandbox_find(s, "PrivateNetwork");
        if (d && d->b && unshare(CLONE_NEWNET) < 0)
                return -errno;

        _cleanup_strv_free_ char **rw = NULL, **ro = NULL;
        r = confine_writable_paths(s, &w);
        if (r >= 0)
                r = collect_paths(s, &rw, &ro);
        if (r < 0)
                return r;
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        /* Nothing done here reaches the host's mount table. */
        if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return -errno;

        /* Each writable path its own mount, so that it can stay writable
         * when everything else is made read-only. A missing path is
         * skipped, as systemd's "-" prefix does. */
        STRV_FOREACH(p, w) {
                if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0) {
                        if (errno == ENOENT)
                                continue;
                        return -errno;
                }
                if (strv_extend(&bound, *p) < 0)
                        return -ENOMEM;
        }
        /* Read-only paths below a writable one: mounts of their own, which
         * the pass below makes read-only and nothing makes writable again. */
        STRV_FOREACH(p, ro) {
                bool below = false;
                STRV_FOREACH(q, bound)
                        below = below || (path_startswith_dir(*p, *q) && !streq(*p, *q));
                if (below && mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0 && errno != ENOENT)
                        return -errno;
        }
        r = set_read_only("/", true, AT_RECURSIVE);
        if (r < 0)
                return r;
        STRV_FOREACH(p, bound) {
                r = set_read_only(*p, false, 0);
                if (r < 0)
                        return r;
        }

        d = sandbox_find(s, "ProtectHome");
        if (d && !streq(d->s, "no"))
                FOREACH_STRING(p, "/home", "/root", "/run/user") {
                        r = mount_tmpfs(p, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=000");
                        if (r < 0)
                                return r;
                }
        d = sandbox_find(s, "PrivateTmp");
        if (d && d->b)
                FOREACH_STRING(p, "/tmp", "/var/tmp", "/dev/shm") {
                        r = mount_tmpfs(p, MS_NOSUID | MS_NODEV, "mode=1777");
                        if (r < 0)
                                return r;
                }
        return 0;
}
