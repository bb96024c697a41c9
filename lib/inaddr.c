/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "inaddr.h"
#include "macro.h"
#include "parse-util.h"

int in_addr_parse(const char *s, int *ret_family, union in_addr_union *ret) {
        union in_addr_union a = {};

        /* inet_pton() alone accepts nothing odd for AF_INET (no octal, no
         * short forms), which is exactly the strictness wanted here. */
        if (inet_pton(AF_INET, s, &a.in) == 1) {
                *ret_family = AF_INET;
                *ret = a;
                return 0;
        }
        if (strchr(s, ':') && inet_pton(AF_INET6, s, &a.in6) == 1) {
                *ret_family = AF_INET6;
                *ret = a;
                return 0;
        }
        return -EINVAL;
}

static bool host_bits_zero(const union in_addr_union *a, int family, unsigned prefixlen) {
        unsigned bits = family_bits(family);
        for (unsigned i = prefixlen; i < bits; i++)
                if (a->bytes[i / 8] & (0x80 >> (i % 8)))
                        return false;
        return true;
}

int ip_prefix_parse(const char *s, IPPrefix *ret) {
        _cleanup_free_ char *addr = NULL;
        const char *slash = strchr(s, '/');
        IPPrefix p = {};
        int r;

        addr = slash ? strndup(s, slash - s) : strdup(s);
        if (!addr)
                return -ENOMEM;

        r = in_addr_parse(addr, &p.family, &p.addr);
        if (r < 0)
                return r;

        if (slash) {
                uint64_t len;
                r = parse_decimal(slash + 1, 0, family_bits(p.family), &len);
                if (r < 0)
                        return -EINVAL;
                p.prefixlen = (unsigned) len;
        } else
                p.prefixlen = family_bits(p.family);

        if (!host_bits_zero(&p.addr, p.family, p.prefixlen))
                return -EADDRNOTAVAIL;

        *ret = p;
        return 0;
}

const char *ip_prefix_to_string(const IPPrefix *p, char buf[static IP_PREFIX_STRING_MAX]) {
        char a[INET6_ADDRSTRLEN];

        if (!inet_ntop(p->family, &p->addr, a, sizeof a))
                a[0] = 0;
        if (p->prefixlen == family_bits(p->family))
                snprintf(buf, IP_PREFIX_STRING_MAX, "%s", a);
        else
                snprintf(buf, IP_PREFIX_STRING_MAX, "%s/%u", a, p->prefixlen);
        return buf;
}

static bool prefix_match(const union in_addr_union *a, const union in_addr_union *b, unsigned len) {
        unsigned full = len / 8, rest = len % 8;

        if (memcmp(a->bytes, b->bytes, full) != 0)
                return false;
        if (rest == 0)
                return true;
        uint8_t mask = (uint8_t) (0xff << (8 - rest));
        return (a->bytes[full] & mask) == (b->bytes[full] & mask);
}

bool ip_prefix_overlaps(const IPPrefix *a, const IPPrefix *b) {
        if (a->family != b->family)
                return false;
        return prefix_match(&a->addr, &b->addr, MIN(a->prefixlen, b->prefixlen));
}

bool ip_prefix_contains(const IPPrefix *outer, const IPPrefix *inner) {
        if (outer->family != inner->family || outer->prefixlen > inner->prefixlen)
                return false;
        return prefix_match(&outer->addr, &inner->addr, outer->prefixlen);
}

int ip_prefix_compare(const IPPrefix *a, const IPPrefix *b) {
        if (a->family != b->family)
                return a->family < b->family ? -1 : 1;
        int c = memcmp(a->addr.bytes, b->addr.bytes, a->family == AF_INET ? 4 : 16);
        if (c != 0)
                return c;
        return a->prefixlen < b->prefixlen ? -1 : a->prefixlen > b->prefixlen ? 1 : 0;
}

bool in6_addr_is_v4_mapped(const struct in6_addr *a) {
        return IN6_IS_ADDR_V4MAPPED(a);
}

static int prefix_append(IPPrefix **list, size_t *n, const IPPrefix *p) {
        IPPrefix *l = reallocarray(*list, *n + 1, sizeof(IPPrefix));
        if (!l)
                return -ENOMEM;
        l[(*n)++] = *p;
        *list = l;
        return 0;
}

static int complement_of(const IPPrefix *space, const IPPrefix *exclude, size_t n_exclude,
                         IPPrefix **list, size_t *n_list) {
        bool overlaps = false;

        for (size_t i = 0; i < n_exclude; i++) {
                if (exclude[i].family != space->family)
                        continue;
                if (ip_prefix_contains(&exclude[i], space))
                        return 0;                       /* all of it is excluded */
                if (ip_prefix_overlaps(&exclude[i], space))
                        overlaps = true;
        }
        if (!overlaps)
                return prefix_append(list, n_list, space);

        /* Split in halves; each half is handled on its own. */
        for (int bit = 0; bit < 2; bit++) {
                IPPrefix half = *space;
                half.prefixlen++;
                if (bit)
                        half.addr.bytes[space->prefixlen / 8] |= (uint8_t) (0x80 >> (space->prefixlen % 8));
                int r = complement_of(&half, exclude, n_exclude, list, n_list);
                if (r < 0)
                        return r;
        }
        return 0;
}

int ip_prefix_complement(int family, const IPPrefix *exclude, size_t n_exclude, IPPrefix **list, size_t *n_list) {
        IPPrefix all = { .family = family, .prefixlen = 0 };
        return complement_of(&all, exclude, n_exclude, list, n_list);
}
