/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What paddock says about a system account, for the modules: is it an
 * agent's user, and may it be used today? Read from the uid registry and
 * the agent's file, nothing else, so that a PAM stack never waits on NSS
 * or the network to decide. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"

typedef enum AgentAccountState {
        AGENT_ACCOUNT_NOT_AGENT,        /* not paddock's: decide nothing */
        AGENT_ACCOUNT_ACTIVE,
        AGENT_ACCOUNT_EXPIRED,          /* Expires= has passed */
        AGENT_ACCOUNT_REVOKED,          /* Revoked=yes */
        AGENT_ACCOUNT_REMOVED,          /* retired, or its file is gone or masked */
        AGENT_ACCOUNT_BROKEN,           /* its file does not parse */
        _AGENT_ACCOUNT_STATE_MAX,
} AgentAccountState;

typedef struct AgentAccount {
        AgentAccountState state;
        char *agent;                    /* the agent's name; NULL for NOT_AGENT */
        uid_t uid;
        char *pam_name;                 /* the agent file's PAMName=, if any */
        bool has_prefix;                /* the name starts with the agents' user prefix */
} AgentAccount;

const char *agent_account_state_to_string(AgentAccountState s);

void agent_account_done(AgentAccount *a);

/* Look up the account USER (and, when uid is not (uid_t) -1, the uid NSS
 * gave for it) under ROOT (NULL: the host). A user is an agent's when the
 * registry has its name (prefix + agent) or its uid, active or retired.
 * today is in days since the epoch. Returns -EBADMSG for a corrupt
 * registry, -EINVAL for a bad paddock.conf; then nothing is known and the
 * caller decides how to fail. *ret is always initialized: release it
 * with agent_account_done() whatever the result. */
int agent_account_lookup(const char *root, const char *user, uid_t uid, int64_t today, AgentAccount *ret);
