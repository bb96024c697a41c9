/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "inaddr.h"
#include "validate.h"
#include "tap.h"

static bool host_ok(const char *in, const char *want) {
        char buf[300];
        snprintf(buf, sizeof buf, "%s", in);
        return hostname_normalize(buf) && strcmp(buf, want) == 0;
}

static bool host_bad(const char *in) {
        char buf[300];
        snprintf(buf, sizeof buf, "%s", in);
        return !hostname_normalize(buf);
}

int main(void) {
        IPPrefix p, q;
        char buf[IP_PREFIX_STRING_MAX];
        char long_host[300];

        ASSERT_TRUE(agent_name_is_valid("a"));
        ASSERT_TRUE(agent_name_is_valid("reviewer-2"));
        ASSERT_TRUE(agent_name_is_valid("abcdefghijklmnopqrstuvwxyz"));
        ASSERT_FALSE(agent_name_is_valid("abcdefghijklmnopqrstuvwxyz0"));
        ASSERT_FALSE(agent_name_is_valid("2a"));
        ASSERT_FALSE(agent_name_is_valid("a_b"));
        ASSERT_FALSE(agent_name_is_valid("a.b"));
        ASSERT_FALSE(agent_name_is_valid(""));
        ASSERT_FALSE(agent_name_is_valid("config"));
        ASSERT_FALSE(agent_name_is_valid("agents"));
        ASSERT_TRUE(agent_name_is_valid("configs"));

        ASSERT_TRUE(user_prefix_is_valid(""));
        ASSERT_TRUE(user_prefix_is_valid("agent-"));
        ASSERT_FALSE(user_prefix_is_valid("agents-"));

        ASSERT_TRUE(user_name_is_valid("alice"));
        ASSERT_TRUE(user_name_is_valid("_svc.x-1"));
        ASSERT_FALSE(user_name_is_valid("Alice"));
        ASSERT_FALSE(user_name_is_valid("al:ce"));
        ASSERT_FALSE(user_name_is_valid("0day"));

        ASSERT_TRUE(credential_name_is_valid("github-token"));
        ASSERT_TRUE(credential_name_is_valid("DB_PASSWORD.v2"));
        ASSERT_FALSE(credential_name_is_valid("a/b"));
        ASSERT_FALSE(credential_name_is_valid(".."));
        ASSERT_FALSE(credential_name_is_valid("x.cred"));

        ASSERT_TRUE(path_is_safe_absolute("/"));
        ASSERT_TRUE(path_is_safe_absolute("/srv/a_b/c.d+e@f,g=h~i-j"));
        ASSERT_FALSE(path_is_safe_absolute("/srv/"));
        ASSERT_FALSE(path_is_safe_absolute("/srv/./x"));
        ASSERT_FALSE(path_is_safe_absolute("/srv/x/.."));
        ASSERT_FALSE(path_is_safe_absolute("/srv/a b"));
        ASSERT_FALSE(path_is_safe_absolute("/srv/$x"));
        ASSERT_FALSE(path_is_safe_absolute("/srv/a\\b"));
        ASSERT_TRUE(path_is_safe_absolute("/srv/..."));
        ASSERT_TRUE(path_is_safe_absolute("/srv/.x"));

        ASSERT_TRUE(path_startswith_dir("/var/lib/x", "/var/lib"));
        ASSERT_TRUE(path_startswith_dir("/var/lib", "/var/lib"));
        ASSERT_FALSE(path_startswith_dir("/var/library", "/var/lib"));

        ASSERT_TRUE(host_ok("API.GitHub.com", "api.github.com"));
        ASSERT_TRUE(host_ok("example.org.", "example.org"));
        ASSERT_TRUE(host_ok("localhost", "localhost"));
        ASSERT_TRUE(host_ok("1password.com", "1password.com"));
        ASSERT_TRUE(host_bad("a..b"));
        ASSERT_TRUE(host_bad(".a"));
        ASSERT_TRUE(host_bad("a-.b"));
        ASSERT_TRUE(host_bad("10.0.0.1"));
        ASSERT_TRUE(host_bad("example.123"));
        ASSERT_TRUE(host_bad("a b"));
        ASSERT_TRUE(host_bad("a\"b"));
        memset(long_host, 'a', 64);
        long_host[64] = 0;
        ASSERT_TRUE(host_bad(long_host));

        ASSERT_TRUE(text_is_printable("Grüße, 日本", NULL));
        ASSERT_FALSE(text_is_printable("a\tb", NULL));
        ASSERT_FALSE(text_is_printable("a\x7f", NULL));
        ASSERT_FALSE(text_is_printable("\xed\xa0\x80", NULL));        /* surrogate */
        ASSERT_FALSE(text_is_printable("\xf4\x90\x80\x80", NULL));    /* > U+10FFFF */
        ASSERT_FALSE(text_is_printable("a:b", ":"));
        ASSERT_TRUE(text_has_trailing_comment("alice # x"));
        ASSERT_FALSE(text_has_trailing_comment("bug#12"));

        ASSERT_OK(ip_prefix_parse("10.20.0.0/16", &p));
        ASSERT_EQ(p.family, AF_INET);
        ASSERT_EQ(p.prefixlen, 16);
        ASSERT_STREQ(ip_prefix_to_string(&p, buf), "10.20.0.0/16");
        ASSERT_OK(ip_prefix_parse("2001:db8::/32", &q));
        ASSERT_STREQ(ip_prefix_to_string(&q, buf), "2001:db8::/32");
        ASSERT_ERROR(ip_prefix_parse("10.20.0.1/16", &p), EADDRNOTAVAIL);
        ASSERT_ERROR(ip_prefix_parse("10.20.0.0/", &p), EINVAL);
        ASSERT_ERROR(ip_prefix_parse("10.20.0.0/016", &p), EINVAL);
        ASSERT_ERROR(ip_prefix_parse("010.1.1.1", &p), EINVAL);
        ASSERT_ERROR(ip_prefix_parse("1.1.1", &p), EINVAL);

        IPPrefix md, all4, lan;
        ASSERT_OK(ip_prefix_parse("169.254.169.254", &md));
        ASSERT_OK(ip_prefix_parse("0.0.0.0/0", &all4));
        ASSERT_OK(ip_prefix_parse("10.0.0.0/8", &lan));
        ASSERT_TRUE(ip_prefix_overlaps(&md, &all4));
        ASSERT_TRUE(ip_prefix_overlaps(&all4, &md));
        ASSERT_FALSE(ip_prefix_overlaps(&md, &lan));
        ASSERT_FALSE(ip_prefix_overlaps(&md, &q));
        ASSERT_TRUE(ip_prefix_contains(&all4, &md));
        ASSERT_FALSE(ip_prefix_contains(&md, &all4));

        ASSERT_OK(ip_prefix_parse("::ffff:169.254.169.254", &p));
        ASSERT_TRUE(in6_addr_is_v4_mapped(&p.addr.in6));

        return tap_finish();
}
