/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The sandbox model and the unit text made from it: defaults, loosenings,
 * stages, and hostile values that must not become unit syntax. */

#include <sys/socket.h>

#include "agent.h"
#include "sandbox.h"
#include "strv.h"
#include "tap.h"
#include "unit.h"

static Agent *parse(const Config *c, const char *name, const char *text) {
        Agent *a = NULL;
        char *error = NULL;
        if (agent_parse_buffer(c, name, "t.agent", text, strlen(text), &a, &error) < 0) {
                printf("# %s\n", error);
                free(error);
                return NULL;
        }
        return a;
}

static const char *value(const Sandbox *s, const char *name) {
        static char *last = NULL;
        const SandboxDirective *d = sandbox_find(s, name);
        free(last);
        last = NULL;
        if (!d || sandbox_directive_format(d, &last) < 0)
                return NULL;
        return last;
}

int main(void) {
        _cleanup_(config_freep) Config *c = NULL;
        char *error = NULL;
        SandboxOptions full = { .stage = STAGE_FULL };

        static const char conf[] = "[Egress]\nDNS=168.63.129.16\n";
        ASSERT_OK(config_parse_buffer("c.conf", conf, strlen(conf), &c, &error));

        /* A network agent. */
        {
                _cleanup_(agent_freep) Agent *a = parse(c, "net",
                        "[Agent]\nOwner=alice\n[Service]\nExecStart=/bin/echo \"a%n$HOME\\\\x\" 'b\"c'\n"
                        "ReadWritePaths=/srv/x\n[Egress]\nAllow=example.org:443\n[Credentials]\nCredential=tok\n");
                _cleanup_(sandbox_freep) Sandbox *s = NULL;
                ASSERT_TRUE(a != NULL);
                ASSERT_OK(sandbox_build(a, c, &full, &s));
                ASSERT_STREQ(value(s, "User"), "agent-net");
                ASSERT_STREQ(value(s, "ExecStart"), "/bin/echo \"a%%n$$HOME\\\\x\" \"b\\\"c\"");
                ASSERT_STREQ(value(s, "ExecStartPre"), "+" PADDOCK_TOOLDIR "/paddock-egress \"check\" \"net\"");
                ASSERT_STREQ(value(s, "ReadWritePaths"), "-/srv/x");
                ASSERT_STREQ(value(s, "CapabilityBoundingSet"), "");
                ASSERT_STREQ(value(s, "PrivateUsers"), "yes");
                ASSERT_TRUE(sandbox_find(s, "PAMName") == NULL);
                ASSERT_STREQ(value(s, "MemoryDenyWriteExecute"), "yes");
                ASSERT_STREQ(value(s, "RestrictAddressFamilies"), "AF_INET AF_INET6 AF_UNIX");
                ASSERT_STREQ(value(s, "IPAddressDeny"), "any");
                ASSERT_STREQ(value(s, "SystemCallFilter"), "@system-service");
                ASSERT_STREQ(value(s, "LimitNPROC"), "256");
                ASSERT_STREQ(value(s, "UMask"), "0077");
                ASSERT_STREQ(value(s, "LoadCredential"), "tok:/etc/paddock/credstore/net/tok");
                ASSERT_TRUE(sandbox_find(s, "PrivateNetwork") == NULL);
                ASSERT_TRUE(s->loosenings == NULL);

                /* The allow list leaves out every metadata address, keeps the
                 * configured resolver that is one of them, and nothing else. */
                const SandboxDirective *d = sandbox_find(s, "IPAddressAllow");
                ASSERT_TRUE(d != NULL);
                if (d) {
                        size_t hits = 0, resolver = 0;
                        for (size_t i = 0; i < d->n_ips; i++) {
                                if (config_prefix_is_metadata(c, &d->ips[i]))
                                        hits++;
                                char b[IP_PREFIX_STRING_MAX];
                                if (streq(ip_prefix_to_string(&d->ips[i], b), "168.63.129.16"))
                                        resolver++;
                        }
                        ASSERT_EQ(hits, 1);             /* the resolver, and only it */
                        ASSERT_EQ(resolver, 1);
                        printf("# IPAddressAllow= has %zu prefixes\n", d->n_ips);
                        ASSERT_TRUE(d->n_ips > 400);
                }

                _cleanup_free_ char *text = NULL;
                ASSERT_OK(unit_render(a, c, NULL, &text));
                ASSERT_TRUE(text && strstr(text, "\n[Service]\n") && strstr(text, "\nIPAddressAllow="));
                /* Every line of the unit is a comment, a section or KEY=VALUE. */
                bool ok = true;
                for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                        size_t n = strcspn(l, "\n");
                        if (n == 0 || l[0] == '#' || l[0] == '[')
                                continue;
                        char *eq = memchr(l, '=', n);
                        ok = ok && eq && eq > l;
                }
                ASSERT_TRUE(ok);
        }

        /* An offline agent with loosenings. */
        {
                _cleanup_(agent_freep) Agent *a = parse(c, "off",
                        "[Agent]\nOwner=alice\nDescription=100% offline\n[Service]\nExecStart=/bin/true\n"
                        "Capabilities=CAP_NET_BIND_SERVICE\nMemoryDenyWriteExecute=no\nReadWritePaths=/opt/jit\n"
                        "PAMName=agent-off\n");
                _cleanup_(sandbox_freep) Sandbox *s = NULL;
                _cleanup_free_ char *text = NULL;
                ASSERT_TRUE(a != NULL);
                ASSERT_OK(sandbox_build(a, c, &full, &s));
                ASSERT_TRUE(s->offline);
                ASSERT_STREQ(value(s, "PrivateNetwork"), "yes");
                ASSERT_STREQ(value(s, "RestrictAddressFamilies"), "AF_UNIX");
                ASSERT_STREQ(value(s, "IPAddressDeny"), "any");
                ASSERT_TRUE(sandbox_find(s, "IPAddressAllow") == NULL);
                ASSERT_TRUE(sandbox_find(s, "ExecStartPre") == NULL);
                ASSERT_STREQ(value(s, "CapabilityBoundingSet"), "CAP_NET_BIND_SERVICE");
                ASSERT_STREQ(value(s, "AmbientCapabilities"), "CAP_NET_BIND_SERVICE");
                ASSERT_STREQ(value(s, "PrivateUsers"), "no");
                ASSERT_STREQ(value(s, "PAMName"), "agent-off");
                ASSERT_STREQ(value(s, "MemoryDenyWriteExecute"), "no");
                ASSERT_EQ(strv_length(s->loosenings), 3);
                ASSERT_OK(unit_render(a, c, NULL, &text));
                ASSERT_TRUE(text && strstr(text, "#   - capability cap_net_bind_service\n"));
                ASSERT_TRUE(text && strstr(text, "#   - writable path outside /srv and /var/lib: /opt/jit\n"));
                ASSERT_TRUE(text && strstr(text, "\nDescription=paddock agent off: 100%% offline\n"));
        }

        /* Stages. */
        {
                _cleanup_(agent_freep) Agent *a = parse(c, "st",
                        "[Agent]\nOwner=alice\n[Service]\nReadWritePaths=/srv/out\nReadOnlyPaths=/srv/in\n"
                        "[Egress]\nAllow=w.example:443\nAllowRead=r.example:443\n");
                _cleanup_(sandbox_freep) Sandbox *ro = NULL, *dr = NULL, *fu = NULL;
                ASSERT_TRUE(a != NULL);
                ASSERT_OK(sandbox_build(a, c, &(SandboxOptions) { .stage = STAGE_READ_ONLY, .task = true }, &ro));
                ASSERT_TRUE(sandbox_find(ro, "ReadWritePaths") == NULL);
                ASSERT_STREQ(value(ro, "ReadOnlyPaths"), "-/srv/in -/var/lib/paddock/agents/st");
                /* Not every destination is a read: the uid's fence would let
                 * the task reach them all, so no network. */
                ASSERT_TRUE(ro->offline);
                ASSERT_OK(sandbox_build(a, c, &(SandboxOptions) { .stage = STAGE_DRAFT, .task = true }, &dr));
                ASSERT_STREQ(value(dr, "ReadWritePaths"), "-/var/lib/paddock/agents/st/drafts");
                ASSERT_STREQ(value(dr, "ReadOnlyPaths"), "-/srv/in -/var/lib/paddock/agents/st");
                ASSERT_OK(sandbox_build(a, c, &(SandboxOptions) { .stage = STAGE_FULL, .task = true }, &fu));
                ASSERT_STREQ(value(fu, "ReadWritePaths"), "-/srv/out");
                ASSERT_TRUE(sandbox_find(fu, "ExecStart") == NULL);
                /* A task keeps the egress check and the user namespace, and
                 * its sessions go through pam_paddock's task service. */
                ASSERT_TRUE(sandbox_find(fu, "ExecStartPre") != NULL);
                ASSERT_TRUE(sandbox_find(fu, "PrivateUsers")->b);
                ASSERT_STREQ(value(fu, "PAMName"), "paddock-task");
        }
        {
                /* Read-only, every destination a read: the network stays. */
                _cleanup_(agent_freep) Agent *a = parse(c, "rr",
                        "[Agent]\nOwner=alice\n[Egress]\nAllowRead=r.example:443\n");
                _cleanup_(sandbox_freep) Sandbox *ro = NULL;
                ASSERT_TRUE(a != NULL);
                ASSERT_OK(sandbox_build(a, c, &(SandboxOptions) { .stage = STAGE_READ_ONLY, .task = true }, &ro));
                ASSERT_FALSE(ro->offline);
        }
        {
                /* Read-only without any read destination: no network at all. */
                _cleanup_(agent_freep) Agent *a = parse(c, "w", "[Agent]\nOwner=alice\n[Egress]\nAllow=w.example:443\n");
                _cleanup_(sandbox_freep) Sandbox *ro = NULL;
                ASSERT_TRUE(a != NULL);
                ASSERT_OK(sandbox_build(a, c, &(SandboxOptions) { .stage = STAGE_READ_ONLY, .task = true }, &ro));
                ASSERT_TRUE(ro->offline);
                ASSERT_STREQ(value(ro, "PrivateNetwork"), "yes");
        }

        /* Who gets a unit at all. */
        {
                _cleanup_(agent_freep) Agent *a = parse(c, "x", "[Agent]\nOwner=a\nExpires=2020-01-01\n[Service]\nExecStart=/bin/true\n");
                _cleanup_(agent_freep) Agent *b = parse(c, "y", "[Agent]\nOwner=a\nRevoked=yes\n[Service]\nExecStart=/bin/true\n");
                _cleanup_(agent_freep) Agent *t = parse(c, "z", "[Agent]\nOwner=a\n");
                const char *why;
                ASSERT_FALSE(unit_wanted(a, 20000, &why));
                ASSERT_STREQ(why, "it has expired");
                ASSERT_FALSE(unit_wanted(b, 20000, &why));
                ASSERT_STREQ(why, "it is revoked");
                ASSERT_FALSE(unit_wanted(t, 20000, &why));
                ASSERT_STREQ(why, "it has no ExecStart=");
        }

        /* The complement: 0.0.0.0/0 minus one address is 32 prefixes, and
         * together with it covers everything exactly once. */
        {
                IPPrefix md, *l = NULL;
                size_t n = 0;
                ASSERT_OK(ip_prefix_parse("169.254.169.254", &md));
                ASSERT_OK(ip_prefix_complement(AF_INET, &md, 1, &l, &n));
                ASSERT_EQ(n, 32);
                double total = 0;
                for (size_t i = 0; i < n; i++) {
                        total += (double) (UINT64_C(1) << (32 - l[i].prefixlen));
                        ASSERT_FALSE(ip_prefix_overlaps(&l[i], &md));
                }
                ASSERT_TRUE(total == 4294967295.0);
                free(l);
        }
        return tap_finish();
}
