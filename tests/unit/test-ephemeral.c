/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The per-task identity registry reader: answers only from a registry
 * whose every line is well formed, and only once per key. */

#include "ephemeral.h"
#include "macro.h"
#include "tap.h"

static bool taken_x(const char *name) {
        return strcmp(name, "agent-a-tx") == 0;
}

static int find(const char *data, uid_t uid, const char *name, EphemeralEntry *e) {
        return ephemeral_find(data, strlen(data), uid, name, e);
}

int main(void) {
        static const char good[] =
                "# paddock per-task identities\n"
                "1879048192 70000 agent-a-t1 a 1 0\n"
                "\n"
                "1879048193 70001 agent-b-tbuild-7 b build-7 1795500000\n";
        EphemeralEntry e;

        ASSERT_OK(find(good, 1879048193, NULL, &e));
        ASSERT_EQ(e.agent_gid, 70001);
        ASSERT_EQ(e.ended, 1795500000);
        ASSERT_TRUE(e.name_len == 16 && memcmp(e.name, "agent-b-tbuild-7", 16) == 0);
        ASSERT_TRUE(e.task_len == 7 && memcmp(e.task, "build-7", 7) == 0);
        ASSERT_OK(find(good, 0, "agent-a-t1", &e));
        ASSERT_EQ(e.uid, 1879048192);
        ASSERT_EQ(e.ended, 0);
        ASSERT_ERROR(find(good, 1879048194, NULL, &e), ENOENT);
        ASSERT_ERROR(find(good, 0, "agent-a-t", &e), ENOENT);
        ASSERT_ERROR(find(good, 0, "agent-a-t10", &e), ENOENT);
        ASSERT_ERROR(find("", 1, NULL, &e), ENOENT);

        static const char * const bad[] = {
                "1879048192 70000 agent-a-t1 a 1 0",                    /* cut short */
                "1879048192 70000 agent-a-t1 a 1\n",                    /* a field missing */
                "1879048192 70000 agent-a-t1 a 1 0 0\n",                /* one too many */
                "1879048192  70000 agent-a-t1 a 1 0\n",                 /* two spaces */
                "1879048192 70000 agent-a-t1 a 1 0 \n",                 /* trailing space */
                " 1879048192 70000 agent-a-t1 a 1 0\n",                 /* leading space */
                "01879048192 70000 agent-a-t1 a 1 0\n",                 /* leading zero */
                "0 70000 root a 1 0\n",                                 /* root */
                "65534 70000 agent-a-t1 a 1 0\n",                       /* nobody */
                "4294967295 70000 agent-a-t1 a 1 0\n",                  /* no uid */
                "1879048192 0 agent-a-t1 a 1 0\n",                      /* root's group */
                "1879048192 70000 agent:a a 1 0\n",                     /* not a user name */
                "1879048192 70000 agent-a-t1 A 1 0\n",                  /* not an agent name */
                "1879048192 70000 agent-a-t1 a ../1 0\n",               /* not a task id */
                "1879048192 70000 agent-a-t1 a 1 -1\n",
                "1879048192 70000 agent-a-t1 a 1 99999999999999999999\n",
                "1879048192 70000 agent-a-t1 a 1 0\r\n",
                "1879048192 70000 agent-a-t1 a 1 0\n1879048192 70000 agent-a-t2 a 2 0\n", /* uid twice */
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                ASSERT_ERROR(find(bad[i], 1879048192, NULL, &e), EBADMSG);
        /* A bad line anywhere spoils every answer, not only its own. */
        ASSERT_ERROR(find("1879048192 70000 agent-a-t1 a 1 0\nx\n", 1879048192, NULL, &e), EBADMSG);
        ASSERT_ERROR(find("1879048192 70000 agent-a-t1 a 1 0\n1879048193 70000 agent-a-t1 a 2 0\n", 0,
                          "agent-a-t1", &e), EBADMSG);
        /* A NUL inside a field is not the end of it. */
        static const char nul_name[] = "1879048192 70000 ag\0\0agent-a-t9 a 9 0\n";
        ASSERT_ERROR(ephemeral_find(nul_name, sizeof nul_name - 1, 1879048192, NULL, &e), EBADMSG);
        /* An embedded NUL is not the end of the file. */
        static const char nul[] = "1879048192 70000 agent-a-t1 a 1 0\n\0garbage\n";
        ASSERT_ERROR(ephemeral_find(nul, sizeof nul - 1, 1879048192, NULL, &e), EBADMSG);

        /* The writer's side. */
        EphemeralRegistry reg = {};
        _cleanup_free_ char *text = NULL, *n1 = NULL, *n2 = NULL, *n3 = NULL;
        size_t size;
        unsigned line = 0;
        ASSERT_OK(ephemeral_registry_parse(good, strlen(good), &reg, &line));
        ASSERT_EQ(reg.n, 2);
        ASSERT_ERROR(ephemeral_registry_parse(bad[17], strlen(bad[17]), &(EphemeralRegistry) {}, &line), EBADMSG);
        ASSERT_EQ(line, 2);

        /* Names: the plain one; taken or too long: cut, with the offset. */
        ASSERT_OK(ephemeral_name(&reg, "agent-", "a", "2", 1879048200, 1879048192, NULL, &n1));
        ASSERT_STREQ(n1, "agent-a-t2");
        ASSERT_OK(ephemeral_name(&reg, "agent-", "a", "1", 1879048201, 1879048192, NULL, &n2));
        ASSERT_STREQ(n2, "agent-a-t1.9");
        ASSERT_OK(ephemeral_name(&reg, "agent-", "reviewer", "0123456789abcdefghij", 1879048292, 1879048192, NULL, &n3));
        ASSERT_STREQ(n3, "agent-reviewer-t0123456789a.100");
        ASSERT_EQ(strlen(n3), 31);
        /* Task ids may have capitals, user names may not. */
        _cleanup_free_ char *n4 = NULL, *n5 = NULL;
        ASSERT_OK(ephemeral_name(&reg, "agent-", "a", "Build-7", 1879048193, 1879048192, NULL, &n4));
        ASSERT_STREQ(n4, "agent-a-tbuild-7");
        /* A name NSS has already (here: an agent's user) gets the suffix. */
        ASSERT_OK(ephemeral_name(&reg, "agent-", "a", "x", 1879048194, 1879048192, taken_x, &n5));
        ASSERT_STREQ(n5, "agent-a-tx.2");
        /* The writer refuses what the reader would. */
        ASSERT_ERROR(ephemeral_registry_add(&reg, 1879048210, 70000, "Agent-a-tX", "a", "X"), EINVAL);
        ASSERT_ERROR(ephemeral_registry_add(&reg, 0, 70000, "agent-a-t0", "a", "0"), EINVAL);
        ASSERT_ERROR(ephemeral_registry_add(&reg, 1879048210, 70000, "agent-a-ty", "a", "../y"), EINVAL);

        ASSERT_OK(ephemeral_registry_add(&reg, 1879048200, 70000, n1, "a", "2"));
        ASSERT_ERROR(ephemeral_registry_add(&reg, 1879048200, 70000, "agent-a-tz", "a", "z"), EEXIST);
        ASSERT_ERROR(ephemeral_registry_add(&reg, 1879048209, 70000, n1, "a", "2"), EEXIST);
        ASSERT_OK(ephemeral_registry_end(&reg, 1879048200, 1795600000));
        ASSERT_ERROR(ephemeral_registry_end(&reg, 42, 1795600000), ENOENT);

        /* Retention: the one that ended 1795500000 goes 100 s later, not the others. */
        ephemeral_registry_prune(&reg, 1795500000 + 101, 100);
        ASSERT_EQ(reg.n, 2);
        ASSERT_OK(ephemeral_registry_format(&reg, &text, &size));
        ASSERT_OK(find(text, 1879048192, NULL, &e));
        ASSERT_ERROR(find(text, 1879048193, NULL, &e), ENOENT);
        ASSERT_OK(find(text, 0, "agent-a-t2", &e));
        ASSERT_EQ(e.ended, 1795600000);
        ephemeral_registry_done(&reg);
        return tap_finish();
}
