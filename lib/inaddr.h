/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* IPv4/IPv6 addresses and prefixes. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

union in_addr_union {
        struct in_addr in;
        struct in6_addr in6;
        uint8_t bytes[16];
};

typedef struct IPPrefix {
        int family;                 /* AF_INET or AF_INET6 */
        union in_addr_union addr;   /* host bits are always zero */
        unsigned prefixlen;
} IPPrefix;

/* Longest textual form of a prefix: an IPv6 address, "/", three digits. */
#define IP_PREFIX_STRING_MAX (INET6_ADDRSTRLEN + 4)

static inline unsigned family_bits(int family) {
        return family == AF_INET ? 32 : 128;
}

/* Parse "ADDR" or "ADDR/LEN". Returns -EINVAL for syntax errors and
 * -EADDRNOTAVAIL when host bits are set below the prefix length. */
int ip_prefix_parse(const char *s, IPPrefix *ret);
/* Parse a plain address (no prefix) of either family. */
int in_addr_parse(const char *s, int *ret_family, union in_addr_union *ret);

/* "10.0.0.0/8", or the bare address when the prefix covers all bits. */
const char *ip_prefix_to_string(const IPPrefix *p, char buf[static IP_PREFIX_STRING_MAX]);

bool ip_prefix_overlaps(const IPPrefix *a, const IPPrefix *b);
bool ip_prefix_contains(const IPPrefix *outer, const IPPrefix *inner);
int ip_prefix_compare(const IPPrefix *a, const IPPrefix *b);

/* ::ffff:0:0/96 */
bool in6_addr_is_v4_mapped(const struct in6_addr *a);

/* The smallest list of prefixes of family that covers every address not
 * covered by one of exclude[] (prefixes of other families are ignored):
 * 0.0.0.0/0 minus 169.254.169.254 is 32 prefixes. Appended to *list. */
int ip_prefix_complement(int family, const IPPrefix *exclude, size_t n_exclude, IPPrefix **list, size_t *n_list);
