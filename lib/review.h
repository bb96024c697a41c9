/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One timeline of an agent's audit trail, read with auparse: paddock's own
 * records for the agent's user (acct=), the kernel events its rules keyed
 * "paddock-NAME" caught, and the connections the egress fence refused
 * (NETFILTER_PKT whose mark is the agent's uid). For one event exactly
 * when ausearch -k, ausearch -m ... acct and ausearch -m NETFILTER_PKT
 * would show it. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "paddock-conf.h"
#include "uidreg.h"

typedef enum ReviewKind {
        REVIEW_CHANGE,          /* paddock changed something about the agent */
        REVIEW_TASK_START,
        REVIEW_TASK_END,
        REVIEW_EXEC,
        REVIEW_WRITE,           /* a file written, created, removed, renamed; an attribute changed */
        REVIEW_DENIED_OPEN,
        REVIEW_DENIED_CONNECT,
        REVIEW_OTHER,           /* a kernel event with the agent's key that is none of the above */
        _REVIEW_KIND_MAX,
} ReviewKind;

const char *review_kind_to_string(ReviewKind k);

typedef struct ReviewOptions {
        const char *agent;      /* NULL with all_agents */
        char *user;             /* the agent's user name */
        uid_t uids[16];         /* every uid the agent ever had */
        size_t n_uids;
        bool all_agents;        /* --on-behalf-of without an agent */
        const UidRegistry *registry;
        const Config *config;

        const char *task;
        bool by_auid;
        uid_t auid;
        int64_t since, until;   /* -1: open */
        const char *input;      /* NULL: the audit logs; "-": stdin */
        bool json;
        bool summary;
} ReviewOptions;

int review_run(const ReviewOptions *o, FILE *out);

/* A human by name or number, for --on-behalf-of (NSS). */
int review_resolve_human(const char *s, uid_t *ret);
