/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Elements nftables will take (no overlaps), the table text, and reading
 * back the live table. */

#include <netinet/in.h>
#include <sys/socket.h>

#include "egress.h"
#include "resolve.h"
#include "strv.h"
#include "tap.h"

static EgressElement el(const char *prefix, uint8_t proto, uint16_t lo, uint16_t hi, uint32_t timeout) {
        EgressElement e = { .proto = proto, .port_min = lo, .port_max = hi, .timeout = timeout };
        if (ip_prefix_parse(prefix, &e.prefix) < 0)
                abort();
        return e;
}

/* Is (addr, proto, port) covered by the list, and by exactly one element? */
static int covered(const EgressElement *l, size_t n, const char *addr, uint8_t proto, uint16_t port) {
        IPPrefix a;
        int hits = 0;
        if (ip_prefix_parse(addr, &a) < 0)
                abort();
        for (size_t i = 0; i < n; i++)
                hits += l[i].proto == proto && l[i].port_min <= port && port <= l[i].port_max &&
                        ip_prefix_contains(&l[i].prefix, &a);
        return hits;
}

int main(void) {
        EgressElement *out = NULL;
        size_t n = 0;

        /* Nested prefixes, overlapping ranges, both protocols, a duplicate. */
        {
                EgressElement in[] = {
                        el("10.0.0.0/8", IPPROTO_TCP, 443, 443, 0),
                        el("10.1.0.0/16", IPPROTO_TCP, 400, 500, 0),
                        el("10.1.2.3", IPPROTO_TCP, 443, 443, 60),
                        el("10.1.2.3", IPPROTO_TCP, 443, 443, 60),
                        el("10.0.0.0/8", IPPROTO_UDP, 443, 443, 0),
                        el("192.0.2.1", IPPROTO_TCP, 80, 90, 30),
                        el("192.0.2.1", IPPROTO_TCP, 85, 95, 70),
                        el("2001:db8::/32", IPPROTO_TCP, 80, 80, 0),
                };
                ASSERT_OK(egress_elements_normalize(in, ELEMENTSOF(in), &out, &n));
                bool overlap = false;
                for (size_t i = 0; i < n; i++)
                        for (size_t j = i + 1; j < n; j++)
                                if (out[i].proto == out[j].proto && ip_prefix_overlaps(&out[i].prefix, &out[j].prefix) &&
                                    out[i].port_min <= out[j].port_max && out[j].port_min <= out[i].port_max)
                                        overlap = true;
                ASSERT_FALSE(overlap);
                ASSERT_EQ(covered(out, n, "10.9.9.9", IPPROTO_TCP, 443), 1);
                ASSERT_EQ(covered(out, n, "10.9.9.9", IPPROTO_TCP, 444), 0);
                ASSERT_EQ(covered(out, n, "10.1.9.9", IPPROTO_TCP, 450), 1);
                ASSERT_EQ(covered(out, n, "10.1.2.3", IPPROTO_TCP, 443), 1);
                ASSERT_EQ(covered(out, n, "10.1.9.9", IPPROTO_TCP, 501), 0);
                ASSERT_EQ(covered(out, n, "10.2.0.1", IPPROTO_UDP, 443), 1);
                ASSERT_EQ(covered(out, n, "10.2.0.1", IPPROTO_UDP, 53), 0);
                ASSERT_EQ(covered(out, n, "192.0.2.1", IPPROTO_TCP, 80), 1);
                ASSERT_EQ(covered(out, n, "192.0.2.1", IPPROTO_TCP, 95), 1);
                ASSERT_EQ(covered(out, n, "192.0.2.1", IPPROTO_TCP, 96), 0);
                ASSERT_EQ(covered(out, n, "2001:db8::1", IPPROTO_TCP, 80), 1);
                /* The resolved /32 inside a permanent /8 is not kept apart. */
                bool permanent = true, overlap_life = false;
                for (size_t i = 0; i < n; i++) {
                        char b[IP_PREFIX_STRING_MAX];
                        const char *s = ip_prefix_to_string(&out[i].prefix, b);
                        if (streq(s, "10.0.0.0/8") && out[i].timeout != 0)
                                permanent = false;
                        /* 85-90 is covered by both timed elements: the longer one counts. */
                        if (streq(s, "192.0.2.1") && out[i].port_min <= 88 && 88 <= out[i].port_max)
                                overlap_life = out[i].timeout == 70;
                }
                ASSERT_TRUE(permanent);
                ASSERT_TRUE(overlap_life);
                ASSERT_TRUE(covered(out, n, "10.1.2.3", IPPROTO_TCP, 443) == 1);
                free(out);
        }

        /* Reading the live table back. */
        {
                EgressLive l = {};
                static const char listing[] =
                        "table inet paddock {\n"
                        "\tchain output {\n"
                        "\t\tcomment \"paddock egress v1 0123456789abcdef\"\n"
                        "\t\ttype filter hook output priority filter; policy accept;\n"
                        "\t}\n"
                        "\tchain agent-web {\n"
                        "\t\tcomment \"paddock uid=70000 digest=00ec7b745cc7f08d\"\n"
                        "\t\tct state established,related accept\n"
                        "\t}\n"
                        "\tchain denied-70005 {\n"
                        "\t\tcomment \"paddock uid=70005 digest=aaaaaaaaaaaaaaaa\"\n"
                        "\t}\n"
                        "\tchain deny-web {\n"
                        "\t}\n"
                        "}\n";
                unsigned uid;
                char d[17];
                ASSERT_OK(egress_live_parse(listing, &l));
                ASSERT_TRUE(l.present);
                ASSERT_STREQ(l.digest, "0123456789abcdef");
                ASSERT_EQ(strv_length(l.chains), 2);
                ASSERT_TRUE(egress_live_find(&l, "agent-web", &uid, d));
                ASSERT_EQ(uid, 70000);
                ASSERT_STREQ(d, "00ec7b745cc7f08d");
                ASSERT_TRUE(egress_live_find(&l, "denied-70005", &uid, d));
                ASSERT_FALSE(egress_live_find(&l, "deny-web", &uid, d));
                egress_live_done(&l);
                ASSERT_OK(egress_live_parse("", &l));
                ASSERT_FALSE(l.present);
                egress_live_done(&l);
        }

        /* DNS answers: A records, a CNAME on the way, the smallest TTL. */
        {
                static const uint8_t answer[] = {
                        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0,
                        3, 'a', 'p', 'i', 1, 'x', 0, 0, 1, 0, 1,
                        /* api.x CNAME b.x, ttl 600 */
                        0xc0, 12, 0, 5, 0, 1, 0, 0, 2, 0x58, 0, 4, 1, 'b', 0xc0, 16,
                        /* b.x A 192.0.2.7, ttl 30 */
                        0xc0, 35, 0, 1, 0, 1, 0, 0, 0, 30, 0, 4, 192, 0, 2, 7,
                        /* b.x A 192.0.2.8, ttl 40 */
                        0xc0, 35, 0, 1, 0, 1, 0, 0, 0, 40, 0, 4, 192, 0, 2, 8,
                };
                IPPrefix *addrs = NULL;
                size_t na = 0;
                uint32_t ttl = 0;
                ASSERT_OK(dns_answer_parse(answer, sizeof answer, AF_INET, &addrs, &na, &ttl));
                ASSERT_EQ(na, 2);
                ASSERT_EQ(ttl, 30);
                free(addrs);
                addrs = NULL;
                na = 0;
                ASSERT_ERROR(dns_answer_parse(answer, 20, AF_INET, &addrs, &na, &ttl), EBADMSG);
                free(addrs);
        }
        return tap_finish();
}
