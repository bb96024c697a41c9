/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pam_paddock through the real libpam: service files written here, read
 * with pam_start_confdir(), the module loaded by libpam from the build
 * tree. Each decision is checked twice: as the stack's result, and as the
 * module's own return code (its entry points called with the same handle). */

#include <dlfcn.h>
#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loginuid.h"
#include "tap.h"
#include "strv.h"
#include "test-helpers.h"

static char *module, *root, *bad_root, *confdir;
typedef int (*pam_sm_fn)(pam_handle_t *, int, int, const char **);
static pam_sm_fn sm_acct, sm_open, sm_close;

static int conv(int n, const struct pam_message **msg, struct pam_response **resp, void *data) {
        (void) n, (void) msg, (void) resp, (void) data;
        return PAM_CONV_ERR;
}
static const struct pam_conv conversation = { conv, NULL };

/* A service file: account and session through the module with ARGS, then
 * pam_permit as the stack the module joins on Debian. */
static void write_service(const char *service, const char *args) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        assert_se(asprintf(&path, "/%s", service) > 0);
        assert_se(asprintf(&text,
                           "account required %s %s\naccount required pam_permit.so\n"
                           "session required %s %s\n",
                           module, args, module, args) > 0);
        assert_se(test_write(confdir, path, text) >= 0);
}

static int stack_acct(const char *service, const char *user) {
        pam_handle_t *h = NULL;
        int r = pam_start_confdir(service, user, &conversation, confdir, &h);
        if (r != PAM_SUCCESS)
                return -1000 - r;
        r = pam_acct_mgmt(h, PAM_SILENT);
        pam_end(h, r);
        return r;
}

/* The module's own answer, ARGS split on spaces. */
static int direct(pam_sm_fn fn, const char *service, const char *user, const char *args, const char *env) {
        _cleanup_free_ char *copy = strdup(args);
        const char *argv[64];
        int argc = 0;
        pam_handle_t *h = NULL;

        for (char *s = strtok(copy, " "); s && argc < 64; s = strtok(NULL, " "))
                argv[argc++] = s;
        int r = pam_start_confdir(service, user, &conversation, confdir, &h);
        if (r != PAM_SUCCESS)
                return -1000 - r;
        if (env)
                pam_putenv(h, env);
        r = fn(h, 0, argc, argv);
        pam_end(h, PAM_SUCCESS);
        return r;
}

static void setup(void) {
        const char *b = getenv("PADDOCK_BUILDDIR") ?: ".";
        assert_se(asprintf(&module, "%s/modules/.libs/pam_paddock.so", b) > 0);
        root = test_mkroot();
        bad_root = test_mkroot();
        confdir = test_mkroot();
        assert_se(root && bad_root && confdir);

        assert_se(test_write(root, "etc/paddock/agents.d/a.agent", "[Agent]\nOwner=alice\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/old.agent", "[Agent]\nOwner=alice\nExpires=2001-01-01\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/rev.agent", "[Agent]\nOwner=alice\nRevoked=yes\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/bad.agent", "[Agent]\nOwner=alice\nNoSuchKey=1\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/svc.agent",
                             "[Agent]\nOwner=alice\n[Service]\nExecStart=/bin/true\nPAMName=agentsvc\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/lg.agent",
                             "[Agent]\nOwner=alice\n[Service]\nExecStart=/bin/true\nPAMName=login\n") >= 0);
        assert_se(test_write(root, "var/lib/paddock/uids",
                             "# paddock uid registry\n"
                             "70000 a active\n70001 old active\n70002 rev active\n70003 bad active\n"
                             "70004 gone active\n70005 ret retired\n70006 svc active\n70007 lg active\n") >= 0);
        assert_se(test_write(root, "etc/paddock/agents.d/ret.agent", "[Agent]\nOwner=alice\n") >= 0);

        assert_se(test_write(bad_root, "etc/paddock/agents.d/a.agent", "[Agent]\nOwner=alice\n") >= 0);
        assert_se(test_write(bad_root, "var/lib/paddock/uids", "70000 a active\nthis is not a registry\n") >= 0);

        /* Services without a file of their own. */
        assert_se(test_write(confdir, "other", "account required pam_permit.so\n") >= 0);

        void *dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
        assert_se(dl);
        sm_acct = (pam_sm_fn) dlsym(dl, "pam_sm_acct_mgmt");
        sm_open = (pam_sm_fn) dlsym(dl, "pam_sm_open_session");
        sm_close = (pam_sm_fn) dlsym(dl, "pam_sm_close_session");
        assert_se(sm_acct && sm_open && sm_close);
        ASSERT_TRUE(!dlsym(dl, "agent_account_lookup"));        /* only pam_sm_* exported */
}

static void test_interactive(void) {
        _cleanup_free_ char *args = NULL;
        assert_se(asprintf(&args, "root=%s", root) > 0);
        STRV_FOREACH(s, STRV_MAKE("login", "sshd", "su", "su-l", "sudo", "cron")) {
                write_service(*s, args);
                ASSERT_EQ(stack_acct(*s, "agent-a"), PAM_PERM_DENIED);
                ASSERT_EQ(direct(sm_acct, *s, "agent-a", args, NULL), PAM_PERM_DENIED);
                /* Humans: the module stays out of it. */
                ASSERT_EQ(stack_acct(*s, "alice"), PAM_SUCCESS);
                ASSERT_EQ(direct(sm_acct, *s, "alice", args, NULL), PAM_IGNORE);
                ASSERT_EQ(direct(sm_acct, *s, "root", args, NULL), PAM_IGNORE);
        }
}

static void test_allowed(void) {
        _cleanup_free_ char *args = NULL, *plain = NULL;
        assert_se(asprintf(&args, "root=%s allow=cron,batch allow=sshd", root) > 0);
        assert_se(asprintf(&plain, "root=%s", root) > 0);
        write_service("cron", args);
        write_service("sshd", args);
        write_service("login", args);
        ASSERT_EQ(stack_acct("cron", "agent-a"), PAM_SUCCESS);
        ASSERT_EQ(direct(sm_acct, "cron", "agent-a", args, NULL), PAM_SUCCESS);
        ASSERT_EQ(direct(sm_acct, "batch", "agent-a", args, NULL), PAM_SUCCESS);
        ASSERT_EQ(stack_acct("sshd", "agent-a"), PAM_SUCCESS);
        ASSERT_EQ(stack_acct("login", "agent-a"), PAM_PERM_DENIED);
        ASSERT_EQ(direct(sm_acct, "cro", "agent-a", args, NULL), PAM_PERM_DENIED);
        ASSERT_EQ(direct(sm_acct, "cron,batch", "agent-a", args, NULL), PAM_PERM_DENIED);

        /* The agent's own PAMName= is allowed without allow=, unless it
         * names an interactive service. */
        write_service("agentsvc", plain);
        ASSERT_EQ(stack_acct("agentsvc", "agent-svc"), PAM_SUCCESS);
        ASSERT_EQ(stack_acct("agentsvc", "agent-a"), PAM_PERM_DENIED);
        write_service("login", plain);
        ASSERT_EQ(stack_acct("login", "agent-lg"), PAM_PERM_DENIED);
}

static void test_states(void) {
        _cleanup_free_ char *args = NULL;
        assert_se(asprintf(&args, "root=%s allow=cron", root) > 0);
        write_service("cron", args);
        ASSERT_EQ(stack_acct("cron", "agent-old"), PAM_ACCT_EXPIRED);
        ASSERT_EQ(direct(sm_acct, "cron", "agent-old", args, NULL), PAM_ACCT_EXPIRED);
        STRV_FOREACH(u, STRV_MAKE("agent-rev", "agent-gone", "agent-ret", "agent-bad")) {
                ASSERT_EQ(stack_acct("cron", *u), PAM_PERM_DENIED);
                ASSERT_EQ(direct(sm_acct, "cron", *u, args, NULL), PAM_PERM_DENIED);
                ASSERT_EQ(direct(sm_open, "cron", *u, args, NULL), PAM_PERM_DENIED);
        }
        /* Named like an agent but not in the registry: not paddock's. */
        ASSERT_EQ(direct(sm_acct, "cron", "agent-nobody", args, NULL), PAM_IGNORE);

        /* Revoking takes effect at the next question, nothing to reload. */
        assert_se(test_write(root, "etc/paddock/agents.d/a.agent", "[Agent]\nOwner=alice\nRevoked=yes\n") >= 0);
        ASSERT_EQ(stack_acct("cron", "agent-a"), PAM_PERM_DENIED);
        assert_se(test_write(root, "etc/paddock/agents.d/a.agent", "[Agent]\nOwner=alice\n") >= 0);
        ASSERT_EQ(stack_acct("cron", "agent-a"), PAM_SUCCESS);
        /* Masked like a unit: removed. */
        assert_se(test_write(root, "etc/paddock/agents.d/.keep", "") >= 0);
        _cleanup_free_ char *p = path_join(root, "etc/paddock/agents.d/svc.agent");
        assert_se(unlink(p) == 0 && symlink("/dev/null", p) == 0);
        ASSERT_EQ(stack_acct("cron", "agent-svc"), PAM_PERM_DENIED);
}

/* Whatever the options and whatever is on disk: a PAM code, no crash. */
static void test_hostile(void) {
        _cleanup_free_ char *bad = NULL, *many = NULL, *longopt = NULL, *conf = NULL;

        assert_se(asprintf(&bad, "root=%s allow=cron", bad_root) > 0);
        ASSERT_EQ(direct(sm_acct, "cron", "agent-a", bad, NULL), PAM_AUTHINFO_UNAVAIL);
        ASSERT_EQ(direct(sm_open, "cron", "agent-a", bad, NULL), PAM_SESSION_ERR);
        ASSERT_EQ(direct(sm_acct, "cron", "alice", bad, NULL), PAM_IGNORE);
        assert_se(test_write(bad_root, "etc/paddock/paddock.conf", "[Users]\nUIDRange=nonsense\n") >= 0);
        ASSERT_EQ(direct(sm_acct, "cron", "agent-a", bad, NULL), PAM_AUTHINFO_UNAVAIL);
        ASSERT_EQ(direct(sm_acct, "cron", "alice", bad, NULL), PAM_IGNORE);

        assert_se(asprintf(&many, "root=%s", root) > 0);
        for (int i = 0; i < 40; i++) {
                char *n = NULL;
                assert_se(asprintf(&n, "%s allow=s%d,,", many, i) > 0);
                free(many);
                many = n;
        }
        ASSERT_EQ(direct(sm_acct, "s3", "agent-a", many, NULL), PAM_SUCCESS);
        ASSERT_EQ(direct(sm_acct, "s39", "agent-a", many, NULL), PAM_PERM_DENIED); /* past the 16 kept */
        ASSERT_EQ(direct(sm_acct, "", "agent-a", many, NULL), PAM_PERM_DENIED);

        longopt = malloc(70000);
        assert_se(longopt);
        memset(longopt, 'x', 69999);
        longopt[69999] = 0;
        memcpy(longopt, "allow=", 6);
        STRV_FOREACH(o, STRV_MAKE("", "allow=", "allow=,", "root=", "root=/nonexistent", "root=relative",
                                  "debug", "task", "bogus", "=", "allow", longopt)) {
                _cleanup_free_ char *a = NULL;
                assert_se(asprintf(&a, "root=%s %s", root, *o) > 0);
                int r1 = direct(sm_acct, "cron", "agent-a", a, NULL);
                int r2 = direct(sm_acct, "cron", "alice", a, NULL);
                ASSERT_TRUE(r1 == PAM_PERM_DENIED || r1 == PAM_IGNORE || r1 == PAM_SUCCESS);
                ASSERT_EQ(r2, PAM_IGNORE);
        }
        /* root= later wins; a root without paddock knows no agents. */
        ASSERT_EQ(direct(sm_acct, "cron", "agent-a", "allow=cron root=/nonexistent", NULL), PAM_IGNORE);
        ASSERT_EQ(direct(sm_acct, "cron", "", many, NULL), PAM_USER_UNKNOWN);
}

static void test_session(void) {
        _cleanup_free_ char *args = NULL, *task = NULL;
        assert_se(asprintf(&args, "root=%s allow=cron", root) > 0);
        assert_se(asprintf(&task, "root=%s task", root) > 0);

        /* Records go to the kernel when it has audit and we may write; the
         * session opens either way. */
        ASSERT_EQ(direct(sm_open, "cron", "agent-a", args, "PADDOCK_TASK=t1"), PAM_SUCCESS);
        ASSERT_EQ(direct(sm_close, "cron", "agent-a", args, NULL), PAM_SUCCESS);
        ASSERT_EQ(direct(sm_open, "cron", "alice", args, NULL), PAM_IGNORE);
        ASSERT_EQ(direct(sm_close, "cron", "alice", args, NULL), PAM_IGNORE);

        /* "task" without a human in the environment: no session. */
        ASSERT_EQ(direct(sm_open, "paddock-task", "agent-a", task, NULL), PAM_SESSION_ERR);
        ASSERT_EQ(direct(sm_open, "paddock-task", "agent-a", task, "PADDOCK_HUMAN_UID=alice"), PAM_SESSION_ERR);
        ASSERT_EQ(direct(sm_open, "paddock-task", "agent-a", task, "PADDOCK_HUMAN_UID=4294967295"), PAM_SESSION_ERR);

        /* With one, the process takes it as its login uid: in a child,
         * where the kernel lets us (unset, or root). */
        uid_t now = LOGINUID_UNSET;
        (void) loginuid_get(0, &now);
        if (now != LOGINUID_UNSET && geteuid() != 0) {
                printf("ok %u # SKIP login uid already set and not root\n", ++tap_count);
                return;
        }
        pid_t pid = fork();
        assert_se(pid >= 0);
        if (pid == 0) {
                int r = direct(sm_open, "paddock-task", "agent-a", task, "PADDOCK_HUMAN_UID=4242");
                uid_t got = 0;
                _exit(r == PAM_SUCCESS && loginuid_get(0, &got) >= 0 && got == 4242 ? 0 : 1);
        }
        int st;
        assert_se(waitpid(pid, &st, 0) == pid);
        if (now != LOGINUID_UNSET && WIFEXITED(st) && WEXITSTATUS(st) == 1)
                printf("ok %u # SKIP login uid set and immutable here\n", ++tap_count);
        else
                TAP_RESULT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "task session takes the human's login uid", NULL);
}

int main(void) {
        setup();
        test_interactive();
        test_allowed();
        test_states();
        test_hostile();
        test_session();
        test_rm_rf(root);
        test_rm_rf(bad_root);
        test_rm_rf(confdir);
        return tap_finish();
}
