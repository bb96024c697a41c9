/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Hostile and malformed agent files and settings: each case states the
 * exact "FILE:LINE: message" the admin sees. A case that parses, or fails
 * with another message, fails the test. */

#include "agent.h"
#include "paddock-conf.h"
#include "tap.h"

#define HEAD "[Agent]\nOwner=alice\n"

static const struct {
        const char *name;       /* agent name (from the file name) */
        const char *text;
        const char *error;
} agent_cases[] = {
        /* Names that could become a path, passwd or unit syntax. */
        { "../etc", HEAD, "t.agent:1: invalid agent name \"../etc\": expected [a-z][a-z0-9-]{0,25}" },
        { "Root", HEAD, "t.agent:1: invalid agent name \"Root\": expected [a-z][a-z0-9-]{0,25}" },
        { "a:b", HEAD, "t.agent:1: invalid agent name \"a:b\": expected [a-z][a-z0-9-]{0,25}" },
        { "a\nroot::0:0::/:/bin/sh", HEAD, "t.agent:1: invalid agent name \"a\\x0aroot::0:0::/:/bin/sh\": expected [a-z][a-z0-9-]{0,25}" },
        { "-x", HEAD, "t.agent:1: invalid agent name \"-x\": expected [a-z][a-z0-9-]{0,25}" },
        { "1abc", HEAD, "t.agent:1: invalid agent name \"1abc\": expected [a-z][a-z0-9-]{0,25}" },
        { "abcdefghijklmnopqrstuvwxyz0", HEAD, "t.agent:1: invalid agent name \"abcdefghijklmnopqrstuvwxyz0\": expected [a-z][a-z0-9-]{0,25}" },
        { "", HEAD, "t.agent:1: invalid agent name \"\": expected [a-z][a-z0-9-]{0,25}" },
        { "a b", HEAD, "t.agent:1: invalid agent name \"a b\": expected [a-z][a-z0-9-]{0,25}" },
        { "a\"b", HEAD, "t.agent:1: invalid agent name \"a\\\"b\": expected [a-z][a-z0-9-]{0,25}" },
        { "config", HEAD, "t.agent:1: agent name \"config\" is reserved: the audit key paddock-config is paddock's own" },

        /* Syntax. */
        { "t", "[Agent\nOwner=alice\n", "t.agent:1: invalid section header" },
        { "t", "[Agent] x\nOwner=alice\n", "t.agent:1: invalid section header" },
        { "t", "[]\n", "t.agent:1: invalid section header" },
        { "t", "[Unit]\nDescription=x\n", "t.agent:1: unknown section [Unit]" },
        { "t", "[Agent]\nOwner=alice\n[Install]\n", "t.agent:3: unknown section [Install]" },
        { "t", "Owner=alice\n", "t.agent:1: assignment outside of any section" },
        { "t", "[Agent]\nOwner alice\n", "t.agent:2: invalid line, expected KEY=VALUE or [Section]" },
        { "t", "[Agent]\n=alice\n", "t.agent:2: missing key before \"=\"" },
        { "t", HEAD "User=root\n", "t.agent:3: unknown key User= in [Agent]" },
        { "t", HEAD "owner=bob\n", "t.agent:3: unknown key owner= in [Agent]" },
        { "t", HEAD "[Service]\nExecStartPre=+/bin/sh\n", "t.agent:4: unknown key ExecStartPre= in [Service]" },
        { "t", HEAD "[Service]\nUser=root\n", "t.agent:4: unknown key User= in [Service]" },
        { "t", HEAD "Owner=bob\n", "t.agent:3: duplicate key Owner=, first set on line 2" },
        { "t", HEAD "Description=\n", "t.agent:3: empty value for Description=" },
        { "t", HEAD "Desc\x01ription=x\n", "t.agent:3: line contains control characters or invalid UTF-8" },
        { "t", HEAD "Description=\xff\xfe\n", "t.agent:3: line contains control characters or invalid UTF-8" },
        { "t", HEAD "Description=\xc0\xaf\n", "t.agent:3: line contains control characters or invalid UTF-8" },
        { "t", HEAD "Description=a\x1b[31mred\n", "t.agent:3: line contains control characters or invalid UTF-8" },
        { "t", HEAD "Description=a\xc2\x85" "b\n", "t.agent:3: line contains control characters or invalid UTF-8" },
        { "t", "[Agent]\n", "t.agent:1: missing Owner= in [Agent]: every agent needs an accountable human" },

        /* [Agent] values. */
        { "t", HEAD "Description=x:0:0:root\n", "t.agent:3: invalid Description= \"x:0:0:root\": control characters, \":\" and \"\\\" are not allowed" },
        { "t", HEAD "Description=a\\nb\n", "t.agent:3: invalid Description= \"a\\\\nb\": control characters, \":\" and \"\\\" are not allowed" },
        { "t", "[Agent]\nOwner=root:x\n", "t.agent:2: invalid Owner= \"root:x\": expected a user name" },
        { "t", "[Agent]\nOwner=alice # the human\n", "t.agent:2: invalid Owner= \"alice # the human\": expected a user name (comments must be on a line of their own)" },
        { "t", "[Agent]\nOwner=1000\n", "t.agent:2: invalid Owner= \"1000\": expected a user name" },
        { "t", HEAD "Expires=2027-02-30\n", "t.agent:3: invalid Expires= \"2027-02-30\": not a calendar date from 1970 on" },
        { "t", HEAD "Expires=2027-3-31\n", "t.agent:3: invalid Expires= \"2027-3-31\": expected YYYY-MM-DD" },
        { "t", HEAD "Expires=tomorrow\n", "t.agent:3: invalid Expires= \"tomorrow\": expected YYYY-MM-DD" },
        { "t", HEAD "Expires=1969-12-31\n", "t.agent:3: invalid Expires= \"1969-12-31\": not a calendar date from 1970 on" },
        { "t", HEAD "Revoked=maybe\n", "t.agent:3: invalid Revoked= \"maybe\": expected yes or no" },
        { "t", HEAD "MaxStage=root\n", "t.agent:3: invalid MaxStage= \"root\": expected read-only, draft or full" },

        /* [Service] values. */
        { "t", HEAD "[Service]\nExecStart=+/bin/sh\n", "t.agent:4: invalid ExecStart= command \"+/bin/sh\": expected an absolute, normalized path without prefixes or special characters" },
        { "t", HEAD "[Service]\nExecStart=-/bin/sh\n", "t.agent:4: invalid ExecStart= command \"-/bin/sh\": expected an absolute, normalized path without prefixes or special characters" },
        { "t", HEAD "[Service]\nExecStart=sh -c id\n", "t.agent:4: invalid ExecStart= command \"sh\": expected an absolute, normalized path without prefixes or special characters" },
        { "t", HEAD "[Service]\nExecStart=/usr/../bin/sh\n", "t.agent:4: invalid ExecStart= command \"/usr/../bin/sh\": expected an absolute, normalized path without prefixes or special characters" },
        { "t", HEAD "[Service]\nExecStart=/bin/%n\n", "t.agent:4: invalid ExecStart= command \"/bin/%n\": expected an absolute, normalized path without prefixes or special characters" },
        { "t", HEAD "[Service]\nExecStart=/bin/echo \"unterminated\n", "t.agent:4: invalid ExecStart=: unterminated quote" },
        { "t", HEAD "[Service]\nExecStart=/bin/echo a\\ b\n", "t.agent:4: invalid ExecStart=: backslash outside of double quotes" },
        { "t", HEAD "[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n", "t.agent:5: duplicate key ExecStart=, first set on line 4" },
        { "t", HEAD "[Service]\nReadWritePaths=/\n", "t.agent:4: invalid ReadWritePaths= entry \"/\": agents may not write the root directory" },
        { "t", HEAD "[Service]\nReadWritePaths=/etc/cron.d\n", "t.agent:4: invalid ReadWritePaths= entry \"/etc/cron.d\": agents may not write /etc" },
        { "t", HEAD "[Service]\nReadWritePaths=/var\n", "t.agent:4: invalid ReadWritePaths= entry \"/var\": agents may not write /var/lib/paddock or directories that contain it" },
        { "t", HEAD "[Service]\nReadWritePaths=/var/lib/paddock/agents/other\n", "t.agent:4: invalid ReadWritePaths= entry \"/var/lib/paddock/agents/other\": agents may not write /var/lib/paddock" },
        { "t", HEAD "[Service]\nReadWritePaths=/var/log/audit\n", "t.agent:4: invalid ReadWritePaths= entry \"/var/log/audit\": agents may not write /var/log/audit" },
        { "t", HEAD "[Service]\nReadWritePaths=/srv/../etc\n", "t.agent:4: invalid ReadWritePaths= entry \"/srv/../etc\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nReadWritePaths=srv/x\n", "t.agent:4: invalid ReadWritePaths= entry \"srv/x\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nReadWritePaths=/srv//x\n", "t.agent:4: invalid ReadWritePaths= entry \"/srv//x\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nReadOnlyPaths=/srv/\"x\"\n", "t.agent:4: invalid ReadOnlyPaths= entry \"/srv/\\\"x\\\"\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nReadOnlyPaths=/srv/x;rm\n", "t.agent:4: invalid ReadOnlyPaths= entry \"/srv/x;rm\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nReadOnlyPaths=/srv/%h\n", "t.agent:4: invalid ReadOnlyPaths= entry \"/srv/%h\": expected an absolute, normalized path of letters, digits and ._+@,=~-" },
        { "t", HEAD "[Service]\nMemoryMax=2X\n", "t.agent:4: invalid MemoryMax= \"2X\": expected a size such as 512M or 2G" },
        { "t", HEAD "[Service]\nMemoryMax=-1\n", "t.agent:4: invalid MemoryMax= \"-1\": expected a size such as 512M or 2G" },
        { "t", HEAD "[Service]\nMemoryMax=99999999999E\n", "t.agent:4: invalid MemoryMax= \"99999999999E\": expected a size such as 512M or 2G" },
        { "t", HEAD "[Service]\nMemoryMax=512\n", "t.agent:4: invalid MemoryMax= \"512\": less than 1M" },
        { "t", HEAD "[Service]\nTasksMax=0\n", "t.agent:4: invalid TasksMax= \"0\": expected a number from 1 to 4194304" },
        { "t", HEAD "[Service]\nTasksMax=064\n", "t.agent:4: invalid TasksMax= \"064\": expected a number from 1 to 4194304" },
        { "t", HEAD "[Service]\nTasksMax=infinity\n", "t.agent:4: invalid TasksMax= \"infinity\": expected a number from 1 to 4194304" },
        { "t", HEAD "[Service]\nCapabilities=CAP_EVERYTHING\n", "t.agent:4: invalid Capabilities= entry \"CAP_EVERYTHING\": not a known capability" },
        { "t", HEAD "[Service]\nCapabilities=cap_sys_admin\n", "t.agent:4: invalid Capabilities= entry \"cap_sys_admin\": not a known capability" },
        { "t", HEAD "[Service]\nCapabilities=CAP_NET_RAW,CAP_SYS_ADMIN\n", "t.agent:4: invalid Capabilities= entry \"CAP_NET_RAW,CAP_SYS_ADMIN\": not a known capability" },
        { "t", HEAD "[Service]\nMemoryDenyWriteExecute=sometimes\n", "t.agent:4: invalid MemoryDenyWriteExecute= \"sometimes\": expected yes or no" },
        { "t", HEAD "[Service]\nPAMName=../login\n", "t.agent:4: invalid PAMName= \"../login\": expected a PAM service name" },

        /* [Egress] values: nothing may become nft syntax. */
        { "t", HEAD "[Egress]\nAllow=example.com\n", "t.agent:4: invalid Allow= entry \"example.com\": missing :PORT" },
        { "t", HEAD "[Egress]\nAllow=example.com:0\n", "t.agent:4: invalid Allow= entry \"example.com:0\": port must be 1-65535 or FIRST-LAST" },
        { "t", HEAD "[Egress]\nAllow=example.com:65536\n", "t.agent:4: invalid Allow= entry \"example.com:65536\": port must be 1-65535 or FIRST-LAST" },
        { "t", HEAD "[Egress]\nAllow=example.com:443-80\n", "t.agent:4: invalid Allow= entry \"example.com:443-80\": port must be 1-65535 or FIRST-LAST" },
        { "t", HEAD "[Egress]\nAllow=exa_mple.com:443\n", "t.agent:4: invalid Allow= entry \"exa_mple.com:443\": not a valid host name" },
        { "t", HEAD "[Egress]\nAllow=-bad.example:443\n", "t.agent:4: invalid Allow= entry \"-bad.example:443\": not a valid host name" },
        { "t", HEAD "[Egress]\nAllow=*.github.com:443\n", "t.agent:4: invalid Allow= entry \"*.github.com:443\": not a valid host name" },
        { "t", HEAD "[Egress]\nAllow=x.com}accept;{:443\n", "t.agent:4: invalid Allow= entry \"x.com}accept;{:443\": not a valid host name" },
        { "t", HEAD "[Egress]\nAllow=10.0.0.256:443\n", "t.agent:4: invalid Allow= entry \"10.0.0.256:443\": not a valid host name" },
        { "t", HEAD "[Egress]\nAllow=10.1.2.3/16:443\n", "t.agent:4: invalid Allow= entry \"10.1.2.3/16:443\": host bits are set below the prefix length" },
        { "t", HEAD "[Egress]\nAllow=10.0.0.0/33:443\n", "t.agent:4: invalid Allow= entry \"10.0.0.0/33:443\": not a valid address or prefix" },
        { "t", HEAD "[Egress]\nAllow=2001:db8::1:443\n", "t.agent:4: invalid Allow= entry \"2001:db8::1:443\": IPv6 addresses must be written in brackets, as in [2001:db8::1]:443" },
        { "t", HEAD "[Egress]\nAllow=[2001:db8::1]443\n", "t.agent:4: invalid Allow= entry \"[2001:db8::1]443\": expected [IPV6]:PORT" },
        { "t", HEAD "[Egress]\nAllow=[10.0.0.1]:443\n", "t.agent:4: invalid Allow= entry \"[10.0.0.1]:443\": brackets are for IPv6 addresses only" },
        { "t", HEAD "[Egress]\nAllow=[::ffff:169.254.169.254]:80\n", "t.agent:4: invalid Allow= entry \"[::ffff:169.254.169.254]:80\": IPv4-mapped IPv6 addresses are not accepted, write the IPv4 address" },
        { "t", HEAD "[Egress]\nAllow=169.254.169.254:80\n", "t.agent:4: Allow= entry 169.254.169.254 overlaps the instance metadata address 169.254.169.254; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllow=169.254.0.0/16:80\n", "t.agent:4: Allow= entry 169.254.0.0/16 overlaps the instance metadata address 169.254.169.254; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllow=0.0.0.0/0:443\n", "t.agent:4: Allow= entry 0.0.0.0/0 overlaps the instance metadata address 169.254.169.254; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllow=[fd00:ec2::/32]:80\n", "t.agent:4: Allow= entry fd00:ec2::/32 overlaps the instance metadata address fd00:ec2::254; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllowRead=100.64.0.0/10:443\n", "t.agent:4: AllowRead= entry 100.64.0.0/10 overlaps the instance metadata address 100.100.100.200; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllow=[64:ff9b::a9fe:a9fe]:80\n", "t.agent:4: Allow= entry 64:ff9b::a9fe:a9fe overlaps the instance metadata address 64:ff9b::a9fe:a9fe; set AllowMetadata=yes to allow it" },
        { "t", HEAD "[Egress]\nAllow=example.com:443/icmp\n", "t.agent:4: invalid Allow= entry \"example.com:443/icmp\": port must be 1-65535 or FIRST-LAST" },
        { "t", HEAD "[Egress]\nAllowLoopback=1 2\n", "t.agent:4: invalid AllowLoopback= \"1 2\": expected yes or no" },

        /* [Credentials] values. */
        { "t", HEAD "[Credentials]\nCredential=../../etc/shadow\n", "t.agent:4: invalid Credential= \"../../etc/shadow\": expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not ending in .cred" },
        { "t", HEAD "[Credentials]\nCredential=.hidden\n", "t.agent:4: invalid Credential= \".hidden\": expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not ending in .cred" },
        { "t", HEAD "[Credentials]\nCredential=token.cred\n", "t.agent:4: invalid Credential= \"token.cred\": expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not ending in .cred" },
        { "t", HEAD "[Credentials]\nCredential=a:b\n", "t.agent:4: invalid Credential= \"a:b\": expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}, not ending in .cred" },
        { "t", HEAD "[Credentials]\nCredential=tok\nCredential=tok\n", "t.agent:5: duplicate Credential= \"tok\"" },
};

static const struct {
        const char *text;
        const char *error;
} config_cases[] = {
        { "[Users]\nUIDRange=1000-2000\n", "c.conf:2: invalid UIDRange=: range 1000-2000 overlaps 0-60000 (system and regular users)" },
        { "[Users]\nUIDRange=61184-65519\n", "c.conf:2: invalid UIDRange=: range 61184-65519 overlaps 60001-65535 (systemd's homed, container and dynamic users, nobody)" },
        { "[Users]\nUIDRange=90000-110000\n", "c.conf:2: invalid UIDRange=: range 90000-110000 overlaps 100000-600100000 (the default subordinate id range)" },
        { "[Users]\nUIDRange=99999-70000\n", "c.conf:2: invalid UIDRange= \"99999-70000\": expected FIRST-LAST" },
        { "[Users]\nUIDRange=70000\n", "c.conf:2: invalid UIDRange= \"70000\": expected FIRST-LAST" },
        { "[Audit]\nRules=per-uid\n", "c.conf:2: invalid Rules= \"per-uid\": expected per-agent or shared" },
        { "[Tasks]\nEphemeralUIDRange=2147352576-2147418111\n", "c.conf:2: invalid EphemeralUIDRange=: range 2147352576-2147418111 overlaps 2147352576-4294967295 (the foreign and signed-overflow range)" },
        { "[Users]\nUIDRange=70000-80000\n[Tasks]\nEphemeralUIDRange=79000-85000\n", "c.conf:4: UIDRange= and EphemeralUIDRange= overlap" },
        { "[Users]\nUserPrefix=Agent_\n", "c.conf:2: invalid UserPrefix= \"Agent_\": expected [a-z][a-z0-9-]{0,5}" },
        { "[Users]\nUserPrefix=toolong-\n", "c.conf:2: invalid UserPrefix= \"toolong-\": expected [a-z][a-z0-9-]{0,5}" },
        { "[Tasks]\nEphemeralRetention=forever\n", "c.conf:2: invalid EphemeralRetention= \"forever\": expected a time span such as 30d" },
        { "[Egress]\nDNS=10.0.0.0/8\n", "c.conf:2: invalid DNS= entry \"10.0.0.0/8\": expected an IP address" },
        { "[Egress]\nDNS=resolver.example\n", "c.conf:2: invalid DNS= entry \"resolver.example\": expected an IP address" },
        { "[Egress]\nMetadata=169.254.169.254/8\n", "c.conf:2: invalid Metadata= entry \"169.254.169.254/8\": expected an IP address or prefix" },
        { "[Network]\nDNS=1.1.1.1\n", "c.conf:1: unknown section [Network]" },
};

int main(void) {
        _cleanup_(config_freep) Config *config = NULL;
        char *error = NULL;

        ASSERT_OK(config_parse_buffer("c.conf", "", 0, &config, &error));

        for (size_t i = 0; i < ELEMENTSOF(agent_cases); i++) {
                Agent *a = NULL;
                int r = agent_parse_buffer(config, agent_cases[i].name, "t.agent",
                                           agent_cases[i].text, strlen(agent_cases[i].text), &a, &error);
                ASSERT_TRUE(r < 0 && !a);
                ASSERT_STREQ(error, agent_cases[i].error);
                free(error);
                error = NULL;
                agent_free(a);
        }

        for (size_t i = 0; i < ELEMENTSOF(config_cases); i++) {
                Config *c = NULL;
                int r = config_parse_buffer("c.conf", config_cases[i].text, strlen(config_cases[i].text), &c, &error);
                ASSERT_TRUE(r < 0 && !c);
                ASSERT_STREQ(error, config_cases[i].error);
                free(error);
                error = NULL;
                config_free(c);
        }

        /* A file of NUL bytes and one too large are refused whole. */
        {
                Agent *a = NULL;
                static const char nul[] = "[Agent]\nOwner=alice\0x\n";
                ASSERT_TRUE(agent_parse_buffer(config, "t", "t.agent", nul, sizeof nul - 1, &a, &error) < 0);
                ASSERT_STREQ(error, "t.agent:1: file contains a NUL byte");
                free(error);

                size_t big = 64 * 1024 + 1;
                char *b = malloc(big);
                memset(b, '#', big);
                ASSERT_TRUE(agent_parse_buffer(config, "t", "t.agent", b, big, &a, &error) < 0);
                ASSERT_STREQ(error, "t.agent:1: file is larger than 65536 bytes");
                free(error);
                free(b);
        }

        printf("# %zu hostile agent files, %zu hostile settings files\n",
               ELEMENTSOF(agent_cases), ELEMENTSOF(config_cases));
        return tap_finish();
}
