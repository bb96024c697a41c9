/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The passwd writer against temporary roots: golden files, idempotency,
 * uid allocation that never reuses, refusal to take over, orphans. */

#include "policy.h"
#include "strv.h"
#include "tap.h"
#include "test-helpers.h"
#include "uidreg.h"
#include "users.h"

static const char * const files[] = {
        "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/var/lib/paddock/uids",
};

static const char reviewer[] =
        "[Agent]\nDescription=Reviews pull requests\nOwner=alice\nExpires=2027-03-31\n"
        "[Service]\nExecStart=/usr/bin/true\n";
static const char summarizer[] =
        "[Agent]\nDescription=Summarizes documents offline\nOwner=bob\n";

static void setup(const char *root) {
        ASSERT_OK(test_write(root, "/etc/passwd",
                             "root:x:0:0:root:/root:/bin/bash\n"
                             "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
                             "+::::::\n"));
        ASSERT_OK(test_write(root, "/etc/group", "root:x:0:\nalice:x:1000:\n"));
        ASSERT_OK(test_write(root, "/etc/shadow",
                             "root:*:19000:0:99999:7:::\nalice:$y$j9T$x$y:19000:0:99999:7:::\n"));
        ASSERT_OK(test_write(root, "/etc/gshadow", "root:*::\nalice:!::\n"));
        ASSERT_OK(test_write(root, "/etc/paddock/agents.d/reviewer.agent", reviewer));
        ASSERT_OK(test_write(root, "/etc/paddock/agents.d/summarizer.agent", summarizer));
}

static int run(const char *root, bool dry_run, bool prune, char **names, UsersResult *res) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        int r = policy_load(root, &p, &errors);
        if (r < 0 || errors)
                return r < 0 ? r : -EINVAL;
        UsersOptions o = { .root = root, .dry_run = dry_run, .prune = prune, .names = names };
        return users_apply(p, &o, res);
}

static int run_remove(const char *root, char **names, UsersResult *res) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        int r = policy_load(root, &p, &errors);
        if (r < 0)
                return r;
        UsersOptions o = { .root = root, .names = names };
        return users_remove(p, &o, res);
}

/* Changes to users and groups, leaving out state directory plans (a
 * unit test cannot chown to agent uids). */
static size_t count_changes(const UsersResult *res, UserChangeKind kind) {
        size_t n = 0;
        for (size_t i = 0; i < res->n_changes; i++)
                n += res->changes[i].kind == kind;
        return n;
}

static const UserChange *find_change(const UsersResult *res, UserChangeKind kind) {
        for (size_t i = 0; i < res->n_changes; i++)
                if (res->changes[i].kind == kind)
                        return &res->changes[i];
        return NULL;
}

static size_t count_identity_changes(const UsersResult *res) {
        return res->n_changes - count_changes(res, CHANGE_CREATE_STATE_DIR) - count_changes(res, CHANGE_FIX_STATE_DIR);
}

static void compare_golden(const char *root, const char *golden_dir) {
        const char *srcdir = getenv("top_srcdir") ?: ".";
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *got = test_read(root, files[i]), *want = NULL, *gp = NULL;
                const char *base = strrchr(files[i], '/') + 1;
                if (asprintf(&gp, "%s/tests/unit/golden/%s/%s", srcdir, golden_dir, base) < 0)
                        return;
                (void) read_full_file(gp, 1 << 20, &want, NULL);
                ASSERT_STREQ(got, want);
        }
}

static char **fingerprints(const char *root) {
        char **l = NULL;
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                (void) strv_consume(&l, test_fingerprint(root, files[i]));
        return l;
}

int main(void) {
        _cleanup_free_ char *root = test_mkroot();
        UsersResult res = {};

        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        if (!root)
                tap_skip_all("cannot create a temporary directory");
        setup(root);

        /* First run: two groups, two users, in passwd order, golden. */
        ASSERT_OK(run(root, false, false, NULL, &res));
        ASSERT_EQ(res.error, 0);
        ASSERT_TRUE(res.conflicts == NULL);
        ASSERT_EQ(count_changes(&res, CHANGE_ADD_GROUP), 2);
        ASSERT_EQ(count_changes(&res, CHANGE_ADD_USER), 2);
        ASSERT_EQ(count_changes(&res, CHANGE_CREATE_STATE_DIR), 2);
        ASSERT_EQ(res.changes[0].id, 70000);
        users_result_done(&res);
        compare_golden(root, "users");

        /* Backups hold the previous version. */
        {
                _cleanup_free_ char *b = test_read(root, "/etc/passwd-");
                ASSERT_STREQ(b, "root:x:0:0:root:/root:/bin/bash\n"
                                "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n+::::::\n");
        }

        /* Second run: no change, and no file is rewritten (same inode,
         * same mtime, same bytes). */
        {
                _cleanup_strv_free_ char **before = fingerprints(root), **after = NULL;
                ASSERT_OK(run(root, false, false, NULL, &res));
                ASSERT_EQ(count_identity_changes(&res), 0);
                users_result_done(&res);
                after = fingerprints(root);
                ASSERT_TRUE(strv_equal(before, after));
        }

        /* A dry run plans but writes nothing. */
        {
                ASSERT_OK(test_write(root, "/etc/paddock/agents.d/extra.agent", "[Agent]\nOwner=carol\n"));
                _cleanup_strv_free_ char **before = fingerprints(root), **after = NULL;
                ASSERT_OK(run(root, true, false, NULL, &res));
                ASSERT_EQ(count_changes(&res, CHANGE_ADD_USER), 1);
                users_result_done(&res);
                after = fingerprints(root);
                ASSERT_TRUE(strv_equal(before, after));
                _cleanup_free_ char *extra = path_join(root, "/etc/paddock/agents.d/extra.agent");
                ASSERT_OK(unlink(extra));
        }

        /* Changing the file changes exactly what changed; the day of the
         * last password change is kept. */
        ASSERT_OK(test_write(root, "/etc/paddock/agents.d/reviewer.agent",
                             "[Agent]\nDescription=Reviews and merges\nOwner=alice\nExpires=2027-06-30\n"));
        ASSERT_OK(run(root, false, false, NULL, &res));
        ASSERT_EQ(count_identity_changes(&res), 1);
        ASSERT_EQ(count_changes(&res, CHANGE_MODIFY_USER), 1);
        ASSERT_STREQ(find_change(&res, CHANGE_MODIFY_USER) ? find_change(&res, CHANGE_MODIFY_USER)->detail : NULL,
                     "description, expiry");
        users_result_done(&res);
        {
                _cleanup_free_ char *sh = test_read(root, "/etc/shadow");
                ASSERT_TRUE(sh && strstr(sh, "agent-reviewer:!*:19675:::::21000:\n"));
                _cleanup_free_ char *pw = test_read(root, "/etc/passwd");
                ASSERT_TRUE(pw && strstr(pw, "agent-reviewer:x:70000:70000:Reviews and merges:"));
        }

        /* A user that paddock did not create is never taken over, and the
         * whole run writes nothing. */
        {
                ASSERT_OK(test_write(root, "/etc/paddock/agents.d/squat.agent", "[Agent]\nOwner=eve\n"));
                _cleanup_free_ char *pw = test_read(root, "/etc/passwd");
                char *more = NULL;
                ASSERT_TRUE(asprintf(&more, "%sagent-squat:x:1500:1500::/home/squat:/bin/sh\n", pw) > 0);
                ASSERT_OK(test_write(root, "/etc/passwd", more));
                free(more);
                ASSERT_OK(test_write(root, "/etc/paddock/agents.d/newcomer.agent", "[Agent]\nOwner=eve\n"));

                _cleanup_strv_free_ char **before = fingerprints(root), **after = NULL;
                ASSERT_OK(run(root, false, false, NULL, &res));
                ASSERT_EQ(strv_length(res.conflicts), 1);
                ASSERT_STREQ(res.conflicts ? res.conflicts[0] : NULL,
                             "user agent-squat exists and was not created by paddock; refusing to take it over");
                ASSERT_EQ(res.error, -EEXIST);
                /* The attempt is reported as failed, for the audit trail. */
                ASSERT_TRUE(res.n_changes > 0 && res.changes[0].error == -EEXIST);
                users_result_done(&res);
                after = fingerprints(root);
                ASSERT_TRUE(strv_equal(before, after));

                _cleanup_free_ char *f1 = path_join(root, "/etc/paddock/agents.d/squat.agent");
                _cleanup_free_ char *f2 = path_join(root, "/etc/paddock/agents.d/newcomer.agent");
                ASSERT_OK(unlink(f1));
                ASSERT_OK(unlink(f2));
        }

        /* Removal, then re-creation under the same name: a new uid, the old
         * one is never given out again. */
        {
                char *names[] = { (char *) "summarizer", NULL };
                ASSERT_OK(run_remove(root, names, &res));
                ASSERT_EQ(count_changes(&res, CHANGE_DEL_USER), 1);
                ASSERT_EQ(count_changes(&res, CHANGE_DEL_GROUP), 1);
                users_result_done(&res);
                _cleanup_free_ char *pw = test_read(root, "/etc/passwd"), *sh = test_read(root, "/etc/shadow");
                _cleanup_free_ char *gr = test_read(root, "/etc/group"), *gs = test_read(root, "/etc/gshadow");
                ASSERT_TRUE(pw && !strstr(pw, "agent-summarizer"));
                ASSERT_TRUE(sh && !strstr(sh, "agent-summarizer"));
                ASSERT_TRUE(gr && !strstr(gr, "agent-summarizer"));
                ASSERT_TRUE(gs && !strstr(gs, "agent-summarizer"));

                /* Removing again is not an error and changes nothing. */
                ASSERT_OK(run_remove(root, names, &res));
                ASSERT_EQ(res.n_changes, 0);
                ASSERT_TRUE(res.conflicts == NULL);
                users_result_done(&res);

                ASSERT_OK(run(root, false, false, NULL, &res));
                ASSERT_EQ(count_changes(&res, CHANGE_ADD_USER), 1);
                const UserChange *c = find_change(&res, CHANGE_ADD_USER);
                ASSERT_EQ(c ? c->id : 0, 70002);
                users_result_done(&res);
                _cleanup_free_ char *reg = test_read(root, "/var/lib/paddock/uids");
                ASSERT_TRUE(reg && strstr(reg, "70001 summarizer retired\n70002 summarizer active\n"));
        }

        /* An agent whose file is gone is reported, not deleted; --prune
         * deletes it. */
        {
                _cleanup_free_ char *f = path_join(root, "/etc/paddock/agents.d/reviewer.agent");
                ASSERT_OK(unlink(f));
                _cleanup_strv_free_ char **before = fingerprints(root), **after = NULL;
                ASSERT_OK(run(root, false, false, NULL, &res));
                ASSERT_EQ(count_identity_changes(&res), 0);
                ASSERT_EQ(strv_length(res.orphans), 1);
                ASSERT_STREQ(res.orphans ? res.orphans[0] : NULL, "reviewer");
                users_result_done(&res);
                after = fingerprints(root);
                ASSERT_TRUE(strv_equal(before, after));

                ASSERT_OK(run(root, false, true, NULL, &res));
                ASSERT_EQ(count_changes(&res, CHANGE_DEL_USER), 1);
                users_result_done(&res);
                _cleanup_free_ char *pw = test_read(root, "/etc/passwd");
                ASSERT_TRUE(pw && !strstr(pw, "agent-reviewer"));
        }

        /* Lines paddock does not own survive every rewrite byte for byte. */
        {
                _cleanup_free_ char *pw = test_read(root, "/etc/passwd");
                ASSERT_TRUE(pw && strstr(pw, "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n+::::::\n"));
        }

        ASSERT_EQ(test_rm_rf(root), 0);

        /* Allocation skips uids and gids that anything else uses. */
        {
                _cleanup_free_ char *r2 = test_mkroot();
                ASSERT_OK(test_write(r2, "/etc/passwd", "root:x:0:0::/root:/bin/sh\nodd:x:70000:100::/:/bin/sh\n"));
                ASSERT_OK(test_write(r2, "/etc/group", "root:x:0:\nodd:x:70001:\n"));
                ASSERT_OK(test_write(r2, "/etc/paddock/paddock.conf", "[Users]\nUserPrefix=ai-\n"));
                ASSERT_OK(test_write(r2, "/etc/paddock/agents.d/x.agent", "[Agent]\nOwner=alice\n"));
                ASSERT_OK(run(r2, false, false, NULL, &res));
                ASSERT_EQ(count_changes(&res, CHANGE_ADD_USER), 1);
                ASSERT_EQ(res.changes[0].id, 70002);
                ASSERT_STREQ(res.changes[0].user, "ai-x");
                users_result_done(&res);
                ASSERT_EQ(test_rm_rf(r2), 0);
        }

        /* The registry is strict: a corrupt line is an error, not a guess. */
        {
                UidRegistry reg = {};
                unsigned line = 0;
                ASSERT_ERROR(uid_registry_parse(&reg, "# x\n70000 a active\n70000 b active\n", &line), EBADMSG);
                ASSERT_EQ(line, 3);
                uid_registry_done(&reg);
                ASSERT_ERROR(uid_registry_parse(&reg, "70000 a active\n70001 a active\n", &line), EBADMSG);
                uid_registry_done(&reg);
                ASSERT_ERROR(uid_registry_parse(&reg, "70000 a:b active\n", &line), EBADMSG);
                uid_registry_done(&reg);
                ASSERT_ERROR(uid_registry_parse(&reg, "70000 a active extra\n", &line), EBADMSG);
                uid_registry_done(&reg);
                ASSERT_OK(uid_registry_parse(&reg, "70000 a retired\n70001 a active\n", &line));
                uid_t u;
                ASSERT_OK(uid_registry_allocate(&reg, "b", 70000, 70002, NULL, NULL, &u));
                ASSERT_EQ(u, 70002);
                ASSERT_ERROR(uid_registry_allocate(&reg, "c", 70000, 70002, NULL, NULL, &u), E2BIG);
                /* A name active already gets no second uid. */
                ASSERT_ERROR(uid_registry_allocate(&reg, "a", 70000, 70100, NULL, NULL, &u), EEXIST);
                uid_registry_done(&reg);
        }

        return tap_finish();
}
