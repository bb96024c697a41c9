/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The confinement of a task outside systemd, in a real process: after
 * confine_self() it runs as the agent's uid with no capabilities in any
 * set, no_new_privs and a seccomp filter; calls the unit's filter denies
 * fail with EPERM, ordinary ones work. Needs root. */

#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "confine.h"
#include "sandbox.h"
#include "tap.h"

#define TEST_UID 70999

typedef struct Report {
        int confine;                    /* confine_self()'s result */
        uid_t uid, euid;
        gid_t gid;
        int n_groups;
        char cap_eff[24], cap_prm[24], cap_inh[24], cap_bnd[24], cap_amb[24];
        int no_new_privs, seccomp;
        int setuid_errno, nice_errno, mount_errno, getpid_ok, open_ok;
} Report;

static void status_field(const char *name, char *buf, size_t size) {
        _cleanup_fclose_ FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        size_t n = strlen(name);

        snprintf(buf, size, "?");
        while (f && fgets(line, sizeof line, f))
                if (strncmp(line, name, n) == 0 && line[n] == ':') {
                        snprintf(buf, size, "%s", line + n + 1 + strspn(line + n + 1, " \t"));
                        buf[strcspn(buf, "\n")] = 0;
                        return;
                }
}

static void probe(const Confinement *c, int fd) {
        Report r = { .confine = confine_self(c) };
        char v[24];

        r.uid = getuid();
        r.euid = geteuid();
        r.gid = getgid();
        r.n_groups = getgroups(0, NULL);
        status_field("CapEff", r.cap_eff, sizeof r.cap_eff);
        status_field("CapPrm", r.cap_prm, sizeof r.cap_prm);
        status_field("CapInh", r.cap_inh, sizeof r.cap_inh);
        status_field("CapBnd", r.cap_bnd, sizeof r.cap_bnd);
        status_field("CapAmb", r.cap_amb, sizeof r.cap_amb);
        status_field("NoNewPrivs", v, sizeof v);
        r.no_new_privs = atoi(v);
        status_field("Seccomp", v, sizeof v);
        r.seccomp = atoi(v);
        /* Two calls any process may make on itself, which the unit's
         * filter denies (@privileged, @resources); and one it may not. */
        r.setuid_errno = syscall(SYS_setuid, getuid()) < 0 ? errno : 0;
        r.nice_errno = setpriority(PRIO_PROCESS, 0, 19) < 0 ? errno : 0;
        r.mount_errno = mount("none", "/mnt", "tmpfs", 0, NULL) < 0 ? errno : 0;
        r.getpid_ok = getpid() > 0;
        int f = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
        r.open_ok = f >= 0;
        if (f >= 0)
                close(f);
        (void) !write(fd, &r, sizeof r);
        _exit(0);
}

static int run(const Confinement *c, Report *ret) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                close(p[0]);
                probe(c, p[1]);
        }
        close(p[1]);
        ssize_t n = read(p[0], ret, sizeof *ret);
        close(p[0]);
        (void) waitpid(pid, NULL, 0);
        return n == (ssize_t) sizeof *ret ? 0 : -EIO;
}

int main(void) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(agent_freep) Agent *a = NULL;
        _cleanup_(sandbox_freep) Sandbox *s = NULL;
        SandboxOptions task = { .stage = STAGE_FULL, .task = true };
        char *error = NULL;
        scmp_filter_ctx filter = NULL;
        Report r;

        if (geteuid() != 0)
                tap_skip_all("needs root to change uid");
        static const char text[] = "[Agent]\nOwner=alice\n[Service]\nExecStart=/bin/true\n";
        ASSERT_OK(config_parse_buffer("c.conf", "", 0, &c, &error));
        ASSERT_OK(agent_parse_buffer(c, "probe", "probe.agent", text, strlen(text), &a, &error));
        ASSERT_OK(sandbox_build(a, c, &task, &s));
        ASSERT_OK(confine_seccomp_build(s, &filter));

        Confinement conf = { .uid = TEST_UID, .gid = TEST_UID, .seccomp = filter };
        ASSERT_OK(run(&conf, &r));
        ASSERT_EQ(r.confine, 0);
        ASSERT_EQ(r.uid, (uid_t) TEST_UID);
        ASSERT_EQ(r.euid, (uid_t) TEST_UID);
        ASSERT_EQ(r.gid, (gid_t) TEST_UID);
        ASSERT_EQ(r.n_groups, 0);
        ASSERT_STREQ(r.cap_eff, "0000000000000000");
        ASSERT_STREQ(r.cap_prm, "0000000000000000");
        ASSERT_STREQ(r.cap_inh, "0000000000000000");
        ASSERT_STREQ(r.cap_bnd, "0000000000000000");
        ASSERT_STREQ(r.cap_amb, "0000000000000000");
        ASSERT_EQ(r.no_new_privs, 1);
        ASSERT_EQ(r.seccomp, 2);
        ASSERT_EQ(r.setuid_errno, EPERM);
        ASSERT_EQ(r.nice_errno, EPERM);
        ASSERT_EQ(r.mount_errno, EPERM);
        ASSERT_TRUE(r.getpid_ok);
        ASSERT_TRUE(r.open_ok);

        /* The same without the filter: the two calls work, so the filter is
         * what refused them above; mount still fails (no capability). */
        conf.seccomp = NULL;
        ASSERT_OK(run(&conf, &r));
        ASSERT_EQ(r.confine, 0);
        ASSERT_EQ(r.seccomp, 0);
        ASSERT_STREQ(r.cap_eff, "0000000000000000");
        ASSERT_EQ(r.setuid_errno, 0);
        ASSERT_EQ(r.nice_errno, 0);
        ASSERT_EQ(r.mount_errno, EPERM);
        seccomp_release(filter);
        return tap_finish();
}
