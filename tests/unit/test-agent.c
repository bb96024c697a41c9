/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <sys/capability.h>
#include <sys/socket.h>

#include "agent.h"
#include "policy.h"
#include "strv.h"
#include "tap.h"
#include "test-helpers.h"

static const char full[] =
        "# a comment\n"
        "; another\n"
        "[Agent]\n"
        "Description=Reviews pull requests\n"
        "Owner=alice\n"
        "Expires=2027-03-31\n"
        "MaxStage=draft\n"
        "\n"
        "[Service]\n"
        "ExecStart=/opt/reviewer/bin/reviewer --config \"/etc/reviewer config.json\" 'a b' \"q\\\"x\"\n"
        "ReadWritePaths=/srv/reviews /srv/reviews\n"
        "ReadWritePaths=/opt/cache\n"
        "ReadOnlyPaths=/srv/repos\n"
        "MemoryMax=2G\n"
        "TasksMax=64\n"
        "MemoryDenyWriteExecute=no\n"
        "Capabilities=CAP_NET_BIND_SERVICE\n"
        "PAMName=paddock-agent\n"
        "\n"
        "[Egress]\n"
        "   Allow =  API.GitHub.com:443  \n"
        "Allow=10.20.0.0/16:5432 [2001:db8::/32]:8000-8080/udp\n"
        "AllowRead=docs.example.org:443\n"
        "AllowLoopback=yes\n"
        "\n"
        "[Credentials]\n"
        "Credential=github-token\n"
        "Credential=db-password\n";

int main(void) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(agent_freep) Agent *a = NULL;
        _cleanup_strv_free_ char **argv = NULL, **loose = NULL;
        char *error = NULL;

        ASSERT_OK(config_parse_buffer("c.conf", "", 0, &c, &error));

        ASSERT_OK(agent_parse_buffer(c, "reviewer", "reviewer.agent", full, strlen(full), &a, &error));
        ASSERT_TRUE(error == NULL);
        if (!a)
                return tap_finish();

        ASSERT_STREQ(a->name, "reviewer");
        ASSERT_STREQ(a->description, "Reviews pull requests");
        ASSERT_STREQ(a->owner, "alice");
        ASSERT_EQ(a->expires, 20908);
        ASSERT_EQ(a->max_stage, STAGE_DRAFT);
        ASSERT_FALSE(a->revoked);

        ASSERT_EQ(strv_length(a->exec_start), 5);
        ASSERT_STREQ(a->exec_start[0], "/opt/reviewer/bin/reviewer");
        ASSERT_STREQ(a->exec_start[2], "/etc/reviewer config.json");
        ASSERT_STREQ(a->exec_start[3], "a b");
        ASSERT_STREQ(a->exec_start[4], "q\"x");
        ASSERT_EQ(strv_length(a->read_write_paths), 2);          /* duplicate dropped */
        ASSERT_STREQ(a->read_write_paths[1], "/opt/cache");
        ASSERT_STREQ(a->read_only_paths[0], "/srv/repos");
        ASSERT_EQ(a->memory_max, 2ULL << 30);
        ASSERT_EQ(a->tasks_max, 64);
        ASSERT_FALSE(a->memory_deny_write_execute);
        ASSERT_EQ(a->capabilities, 1ULL << CAP_NET_BIND_SERVICE);
        ASSERT_STREQ(a->pam_name, "paddock-agent");

        ASSERT_EQ(a->n_allow, 4);
        ASSERT_STREQ(a->allow[0].hostname, "api.github.com");
        ASSERT_EQ(a->allow[0].port_min, 443);
        ASSERT_EQ(a->allow[0].protocols, EGRESS_TCP);
        ASSERT_EQ(a->allow[0].line, 21);
        ASSERT_TRUE(a->allow[1].hostname == NULL);
        ASSERT_EQ(a->allow[1].prefix.family, AF_INET);
        ASSERT_EQ(a->allow[1].prefix.prefixlen, 16);
        ASSERT_EQ(a->allow[2].prefix.family, AF_INET6);
        ASSERT_EQ(a->allow[2].port_min, 8000);
        ASSERT_EQ(a->allow[2].port_max, 8080);
        ASSERT_EQ(a->allow[2].protocols, EGRESS_UDP);
        ASSERT_FALSE(a->allow[2].read);
        ASSERT_TRUE(a->allow[3].read);
        ASSERT_TRUE(a->allow_loopback);
        ASSERT_FALSE(a->allow_metadata);
        ASSERT_EQ(strv_length(a->credentials), 2);

        /* Expiry: Expires= is the last day the agent works. */
        ASSERT_FALSE(agent_is_expired(a, 20908));
        ASSERT_TRUE(agent_is_expired(a, 20909));

        /* Every loosening is named. */
        ASSERT_OK(agent_loosenings(a, &loose));
        ASSERT_EQ(strv_length(loose), 4);
        ASSERT_STREQ(loose[0], "capability cap_net_bind_service");
        ASSERT_STREQ(loose[1], "writable path outside /srv and /var/lib: /opt/cache");
        ASSERT_TRUE(strstr(loose[2], "MemoryDenyWriteExecute=no") != NULL);
        ASSERT_TRUE(strstr(loose[3], "AllowLoopback=yes") != NULL);

        /* Defaults are the safe ones. */
        {
                _cleanup_(agent_freep) Agent *m = NULL;
                static const char minimal[] = "[Agent]\nOwner=bob\n";
                _cleanup_strv_free_ char **none = NULL;

                ASSERT_OK(agent_parse_buffer(c, "m", "m.agent", minimal, strlen(minimal), &m, &error));
                if (m) {
                        ASSERT_STREQ(m->description, "paddock agent m");
                        ASSERT_EQ(m->expires, -1);
                        ASSERT_EQ(m->max_stage, STAGE_FULL);
                        ASSERT_TRUE(m->memory_deny_write_execute);
                        ASSERT_EQ(m->capabilities, 0);
                        ASSERT_EQ(m->n_allow, 0);
                        ASSERT_FALSE(m->allow_loopback);
                        ASSERT_TRUE(m->exec_start == NULL);
                        ASSERT_EQ(m->tasks_max, DEFAULT_TASKS_MAX);
                        ASSERT_OK(agent_loosenings(m, &none));
                        ASSERT_TRUE(none == NULL);
                }
        }

        /* With AllowMetadata=yes an overlap is allowed, and named. */
        {
                _cleanup_(agent_freep) Agent *m = NULL;
                _cleanup_strv_free_ char **l = NULL;
                static const char md[] = "[Agent]\nOwner=bob\n[Egress]\nAllow=169.254.169.254:80\nAllowMetadata=yes\n";
                ASSERT_OK(agent_parse_buffer(c, "m", "m.agent", md, strlen(md), &m, &error));
                if (m) {
                        ASSERT_OK(agent_loosenings(m, &l));
                        ASSERT_TRUE(l && strstr(l[0], "AllowMetadata=yes"));
                }
        }

        /* An empty assignment resets a list. */
        {
                _cleanup_(agent_freep) Agent *m = NULL;
                static const char reset[] = "[Agent]\nOwner=bob\n[Egress]\nAllow=a.example:1\nAllow=\nAllowRead=b.example:2\n"
                                            "[Service]\nReadOnlyPaths=/a\nReadOnlyPaths=\n";
                ASSERT_OK(agent_parse_buffer(c, "m", "m.agent", reset, strlen(reset), &m, &error));
                if (m) {
                        ASSERT_EQ(m->n_allow, 1);
                        ASSERT_STREQ(m->allow[0].hostname, "b.example");
                        ASSERT_TRUE(m->read_only_paths == NULL);
                }
        }

        /* Command lines. */
        ASSERT_OK(split_command_line("  /bin/echo  \"\" ''  x ", &argv));
        ASSERT_EQ(strv_length(argv), 4);
        ASSERT_STREQ(argv[1], "");
        ASSERT_ERROR(split_command_line("/bin/echo \"x", &argv), EBADMSG);

        ASSERT_EQ(stage_from_string("read-only"), STAGE_READ_ONLY);
        ASSERT_EQ(stage_from_string("Full"), -EINVAL);
        ASSERT_STREQ(stage_to_string(STAGE_FULL), "full");

        /* The shipped examples parse, and so does the shipped paddock.conf. */
        {
                _cleanup_(policy_freep) Policy *p = NULL;
                _cleanup_strv_free_ char **errors = NULL;
                const char *srcdir = getenv("top_srcdir") ?: ".";
                _cleanup_free_ char *root = test_mkroot(), *cmd = NULL;

                ASSERT_TRUE(asprintf(&cmd,
                                     "mkdir -p '%1$s/etc/paddock/agents.d' && "
                                     "cp '%2$s'/examples/*.agent '%1$s/etc/paddock/agents.d/' && "
                                     "cp '%2$s/examples/paddock.conf' '%1$s/etc/paddock/'", root, srcdir) > 0);
                ASSERT_EQ(system(cmd), 0);
                ASSERT_OK(policy_load(root, &p, &errors));
                ASSERT_TRUE(errors == NULL);
                STRV_FOREACH(e, errors)
                        printf("# %s\n", *e);
                ASSERT_TRUE(p && p->n_agents >= 2);
                ASSERT_TRUE(p && p->config->n_metadata > builtin_metadata_count);
                ASSERT_EQ(test_rm_rf(root), 0);
        }

        return tap_finish();
}
