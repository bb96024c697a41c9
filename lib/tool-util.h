/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every paddock tool does the same way at its edge. */

#include <stdbool.h>

#include "policy.h"

/* Print "PROGRAM (paddock) VERSION" and return 0. */
int tool_version(void);

/* Every NAME on the command line must be a valid agent name; logs and
 * returns -EINVAL otherwise. */
int tool_check_names(char **names);

/* Load the policy below root. Bad files are printed as "FILE:LINE:
 * message" on stderr; unless tolerate_bad_agents is set (read-only verbs
 * and removal still work with a broken file elsewhere) that makes it
 * return PADDOCK_EXIT_BAD_AGENT. A bad paddock.conf always does. Returns
 * PADDOCK_EXIT_OK or an exit code. */
int tool_load_policy(const char *root, Policy **ret, bool tolerate_bad_agents);
