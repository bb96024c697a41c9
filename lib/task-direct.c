/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-util.h"
#include "confine.h"
#include "strv.h"
#include "task-direct.h"

/* What the child tells the parent when a step fails. */
typedef struct StepError {
        int step;
        int error;
} StepError;

static const char * const step_names[] = {
        "namespaces", "limits", "working directory", "confinement", "exec",
};

enum { STEP_NAMESPACES, STEP_LIMITS, STEP_WORKDIR, STEP_CONFINE, STEP_EXEC };

static void seccomp_releasep(scmp_filter_ctx *c) {
        if (*c)
                seccomp_release(*c);
}

static int set_limits(const Sandbox *s) {
        for (size_t i = 0; i < s->n; i++) {
                const SandboxDirective *d = &s->d[i];
                int resource;
                if (d->type != SBX_LIMIT)
                        continue;
                if (streq(d->name, "LimitNPROC"))
                        resource = RLIMIT_NPROC;
                else if (streq(d->name, "LimitCORE"))
                        resource = RLIMIT_CORE;
                else
                        return -EOPNOTSUPP;
                struct rlimit rl = { .rlim_cur = d->u, .rlim_max = d->u };
                if (setrlimit(resource, &rl) < 0)
                        return -errno;
        }
        const SandboxDirective *d = sandbox_find(s, "UMask");
        umask(d ? (mode_t) d->u : 0077);
        return 0;
}

static int build_environment(const Task *t, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        int r;

        /* What systemd gives a service with User=, and the task's own. */
        r = task_environment(t, &env);
        if (r < 0)
                return r;
        if (strv_extend(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin") < 0 ||
            strv_extendf(&env, "HOME=%s", t->home) < 0 ||
            strv_extendf(&env, "USER=%s", t->run_user ?: t->acct) < 0 ||
            strv_extendf(&env, "LOGNAME=%s", t->run_user ?: t->acct) < 0 ||
            strv_extendf(&env, "SHELL=%s", t->shell) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

_noreturn_ static void child(const Task *t, const Sandbox *s, scmp_filter_ctx filter,
                             char **env, int go_fd, int err_fd) {
        StepError e = {};
        char c;
        int r;

        /* Wait until the parent has put us into the task's cgroup. */
        if (read(go_fd, &c, 1) != 1)
                _exit(127);

        r = confine_namespaces(s);
        if (r < 0) {
                e = (StepError) { STEP_NAMESPACES, r };
                goto fail;
        }
        r = set_limits(s);
        if (r < 0) {
                e = (StepError) { STEP_LIMITS, r };
                goto fail;
        }
        const SandboxDirective *wd = sandbox_find(s, "WorkingDirectory");
        if (wd && chdir(wd->s) < 0) {
                e = (StepError) { STEP_WORKDIR, -errno };
                goto fail;
        }
        const SandboxDirective *caps = sandbox_find(s, "AmbientCapabilities");
        Confinement conf = {
                .uid = t->run_user ? t->run_uid : t->uid,
                .gid = t->run_user ? (gid_t) t->run_uid : t->gid,
                .groups = t->run_user ? &t->gid : NULL,
                .n_groups = t->run_user ? 1 : 0,
                .capabilities = caps ? caps->u : 0,
                .seccomp = filter,
        };
        r = confine_self(&conf);
        if (r < 0) {
                e = (StepError) { STEP_CONFINE, r };
                goto fail;
        }
        execvpe(t->argv[0], t->argv, env);
        e = (StepError) { STEP_EXEC, -errno };
fail:
        (void) !write(err_fd, &e, sizeof e);
        _exit(127);
}

int task_direct_start(const Task *t, const Sandbox *s, pid_t *ret_pid, char **ret_cgroup, TaskDirectResult *result) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx filter = NULL;
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_close_ int go_r = -EBADF, go_w = -EBADF, err_r = -EBADF, err_w = -EBADF;
        _cleanup_free_ char *cgroup = NULL, *cg_name = NULL;
        StepError e;
        int fds[2], r;
        pid_t pid;

        *result = (TaskDirectResult) {};
        r = confine_seccomp_build(s, &filter);
        if (r >= 0)
                r = build_environment(t, &env);
        if (r < 0) {
                result->failed_step = "seccomp filter";
                return result->error = r;
        }
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        go_r = fds[0], go_w = fds[1];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        err_r = fds[0], err_w = fds[1];

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                go_w = safe_close(go_w);
                err_r = safe_close(err_r);
                child(t, s, filter, env, go_r, err_w);
        }
        go_r = safe_close(go_r);
        err_w = safe_close(err_w);

        /* A cgroup of its own where one can be made: what the task leaves
         * running is killed when it ends, and TasksMax= holds. */
        const SandboxDirective *tm = sandbox_find(s, "TasksMax");
        if (asprintf(&cg_name, "agent-%s@%s", t->agent, t->id) < 0)
                return -ENOMEM;
        (void) cgroup_task_create(cg_name, pid, tm ? tm->u : 0, &cgroup);

        if (write(go_w, "g", 1) != 1)
                r = -errno;
        else {
                ssize_t n = read(err_r, &e, sizeof e);
                r = n == 0 ? 0 : n == sizeof e ? e.error : -EIO;
                if (n == sizeof e)
                        result->failed_step = step_names[e.step];
        }
        if (r < 0) {
                result->error = r;
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                if (cgroup)
                        (void) cgroup_task_remove(cgroup);
                return r;
        }
        *ret_pid = pid;
        *ret_cgroup = TAKE_PTR(cgroup);
        return 0;
}

static volatile sig_atomic_t forward_pid;

static void forward_signal(int sig) {
        if (forward_pid > 0)
                (void) kill(forward_pid, sig);
}

int task_direct_wait(pid_t pid, const char *cgroup, TaskDirectResult *result) {
        struct sigaction sa = { .sa_handler = forward_signal, .sa_flags = SA_RESTART }, old[4];
        static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
        int status, r = 0;

        forward_pid = pid;
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
                (void) sigaction(sigs[i], &sa, &old[i]);
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        r = -errno;
                        break;
                }
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
                (void) sigaction(sigs[i], &old[i], NULL);
        forward_pid = 0;
        if (cgroup)
                (void) cgroup_task_remove(cgroup);
        if (r < 0)
                return r;
        result->status = status;
        return 0;
}
