/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* agent-NAME.service as text: what the generator writes and what
 * "paddock-units render" prints. */

#include "agent.h"
#include "paddock-conf.h"

/* root: where the credential store is looked at (NULL: the host). */
int unit_render(const Agent *a, const Config *c, const char *root, char **ret);

/* May this agent's service run at all today (ExecStart set, not revoked,
 * not expired)? If not, *ret_why says why. */
bool unit_wanted(const Agent *a, int64_t today, const char **ret_why);
