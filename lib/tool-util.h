/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every paddock tool does the same way at its edge. */

#include <stdbool.h>
#include <stddef.h>

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

typedef enum ToolVerbFlags {
        TOOL_VERB_ALL_GOOD  = 1 << 0,   /* every agent file must be good (apply) */
        TOOL_VERB_NO_POLICY = 1 << 1,   /* reads no files: runs with a NULL policy */
        TOOL_VERB_ONE_NAME  = 1 << 2,   /* only the first argument is an agent name */
} ToolVerbFlags;

typedef struct ToolVerb {
        const char *name;
        const char *sub;                /* second word ("credential set"), or NULL */
        size_t min_args, max_args;      /* after the verb's words */
        const char *usage;              /* logged when the arguments are off; NULL: a generic line */
        ToolVerbFlags flags;
        int (*run)(Policy *p, char **args);     /* args: NULL if none; returns an exit code */
} ToolVerb;

/* Run the verb that argv[0] names with the arguments after it: check their
 * number and agent names, load the policy below root and call it. argc and
 * argv start at the verb (argv + optind). Logs and returns
 * PADDOCK_EXIT_USAGE for a missing or unknown verb or bad arguments, else
 * the exit code of tool_load_policy() or of the verb. */
int tool_dispatch_verb(const ToolVerb *verbs, size_t n_verbs, int argc, char *argv[], const char *root);
