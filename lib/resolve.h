/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Host names to addresses, with the TTL of the answers: allowed host
 * names are kept in nftables sets no longer than DNS says they are valid.
 * Queries go to the configured resolvers (the same ones agents may use),
 * through the C library's resolver (libresolv). */

#include <stdint.h>

#include "inaddr.h"

typedef struct ResolvedHost {
        char *name;
        IPPrefix *addrs;        /* full-length prefixes */
        size_t n_addrs;
        uint32_t ttl;           /* the smallest TTL among the answers; 0 when none */
        int error;              /* 0, or why there is no answer (-ENOENT: no such name or no address) */
} ResolvedHost;

/* Resolve name (A and AAAA). servers: IPv4 resolvers to ask (the
 * C library's configuration when none is given). Never fails for a name
 * that does not resolve: that is ret->error. */
int resolve_host(const char *name, const IPPrefix *servers, size_t n_servers, ResolvedHost *ret);
void resolved_host_done(ResolvedHost *h);

/* For tests and the fuzzer: the addresses and TTL in a DNS answer. */
int dns_answer_parse(const uint8_t *answer, size_t size, int family, IPPrefix **addrs, size_t *n, uint32_t *min_ttl);
