/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The egress fence: one nftables table, inet paddock.
 *
 *   output hook:  meta skuid vmap @agents   (uid -> that agent's chain)
 *   agent-NAME:   jump common; [loopback -> accept];
 *                 daddr . l4proto . dport in @allow4-NAME/@allow6-NAME ->
 *                 accept; everything else -> deny-NAME
 *   common:       TCP other than a first SYN -> accept; metadata ->
 *                 @denies (uid -> deny-NAME); DNS to the configured
 *                 resolvers -> accept
 *   deny-NAME:    mark := uid, rate-limited "log level audit", reject
 *                 (TCP with a reset, the rest with ICMP admin-prohibited)
 *   denied-N:     a uid that is no agent's any more: deny everything
 *
 * Per-packet cost is one map lookup and a few set lookups, whatever the
 * number of agents or destinations. Only packets of agent uids are
 * touched. Names in the text are validated agent names; host names never
 * reach it, only the addresses they resolve to. */

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "agent.h"
#include "macro.h"
#include "policy.h"
#include "resolve.h"

#define EGRESS_FORMAT "paddock egress v1"
#define EGRESS_LOG_RATE "10/second burst 20 packets"

typedef struct EgressElement {
        IPPrefix prefix;
        uint8_t proto;                  /* IPPROTO_TCP or IPPROTO_UDP */
        uint16_t port_min, port_max;
        uint32_t timeout;               /* seconds; 0: permanent */
} EgressElement;

/* Make elements that nftables accepts in one interval set: no two
 * overlapping (it refuses overlaps, even partial ones), covering exactly
 * the union of the input. A piece covered by a permanent element is
 * permanent; otherwise it lives as long as the longest timeout covering it. */
int egress_elements_normalize(const EgressElement *in, size_t n, EgressElement **ret, size_t *ret_n);

typedef struct EgressTarget {
        const Agent *agent;             /* NULL: a uid that is denied everything */
        char *name;                     /* agent name; NULL for a denied uid */
        uid_t uid;
        char digest[17];
} EgressTarget;

/* A per-task identity (paddock-run --ephemeral): its uid goes where its
 * agent's goes while the task runs; once it has ended, nowhere. */
typedef struct EgressAlias {
        uid_t uid;
        const EgressTarget *target;     /* NULL: refused everything */
} EgressAlias;

typedef struct EgressState {
        const Policy *policy;
        EgressTarget *targets;          /* agents first, then denied uids */
        size_t n_targets;
        EgressAlias *aliases;
        size_t n_aliases;
        ResolvedHost *hosts;
        size_t n_hosts;
        char digest[17];                /* of everything but the agents */
        uint32_t refresh_sec;           /* when hostnames must be resolved again; 0: none */
} EgressState;

/* Collect what to fence: every agent with an identity (its uid from the
 * uid registry below the policy's root, never NSS), every registry uid
 * without an agent file (denied everything), and, with resolve set, the
 * addresses of every allowed host name. Agents without an identity yet are
 * named in *ret_warnings. */
int egress_state_build(const Policy *p, bool resolve, EgressState *ret, char ***ret_warnings);
void egress_state_done(EgressState *s);

const EgressTarget *egress_find_target(const EgressState *s, const char *name);

/* The whole table, as one transaction that replaces any table of the same
 * name atomically. */
int egress_render_full(const EgressState *s, char **ret);

/* What the live table holds (from "nft list chains inet": chain comments
 * carry the digests, and listing chains costs no set elements). */
typedef struct EgressLive {
        bool present;
        char digest[17];                /* of the output chain's comment; "" if none */
        char **chains;                  /* "agent-NAME uid digest" and "uid-N uid -" lines */
} EgressLive;

void egress_live_done(EgressLive *l);
int egress_live_parse(const char *listing, EgressLive *ret);
/* The live chain of that name: its uid and digest. */
bool egress_live_find(const EgressLive *l, const char *chain, unsigned *ret_uid, char ret_digest[static 17]);

/* Turn an agent's target into a denied uid (remove): the uid stays fenced. */
void egress_target_deny(EgressTarget *t);

/* The commands that take the live table to s: the full table when the
 * global part changed, otherwise only the agents that changed. *ret is
 * NULL when nothing needs to change; *ret_changed lists what changes
 * ("agent NAME", "denied uid N", "table"). */
int egress_render_update(const EgressState *s, const EgressLive *live, char **ret, char ***ret_changed);

/* Flush and refill the allow sets of every agent that allows host names,
 * with freshly resolved addresses. NULL when no agent has any. */
int egress_render_refresh(const EgressState *s, char **ret);

/* The elements of an agent's set for family (AF_INET or AF_INET6). */
int egress_agent_elements(const EgressState *s, const Agent *a, int family, EgressElement **ret, size_t *ret_n);
