/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Everything paddock knows about a host's intent: paddock.conf and every
 * agent file, read under --root and validated, before anything is written. */

#include "agent.h"
#include "paddock-conf.h"
#include "macro.h"

typedef struct Policy {
        char *root;             /* NULL: the host itself */
        Config *config;
        Agent **agents;         /* sorted by name */
        size_t n_agents;
} Policy;

Policy *policy_free(Policy *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Policy *, policy_free);

/* Load paddock.conf and ROOT/etc/paddock/agents.d/NAME.agent. Hidden files
 * and files not ending in ".agent" are ignored, and so is an agent file
 * that is a symlink to /dev/null (masked). Agents whose file is bad are
 * left out and their "FILE:LINE: message" added to *ret_errors; a bad
 * paddock.conf fails the whole load (-EINVAL, message in *ret_errors). */
int policy_load(const char *root, Policy **ret, char ***ret_errors);

/* Load one agent, ROOT/etc/paddock/agents.d/NAME.agent: -ENOENT when it
 * does not exist or is masked, -EINVAL with "FILE:LINE: message" in
 * *ret_error when it is bad. */
int agent_load(const char *root, const Config *config, const char *name, Agent **ret, char **ret_error);

const Agent *policy_find_agent(const Policy *p, const char *name);

/* The system user name of an agent: prefix + name. */
char *agent_user_name(const Config *c, const char *name);

/* ROOT-relative path of an agent's state directory. */
char *agent_state_dir(const char *name);
