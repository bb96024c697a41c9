/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "conf-parser.h"
#include "exit-codes.h"
#include "log.h"
#include "strv.h"
#include "tool-util.h"
#include "validate.h"

int tool_version(void) {
        printf("%s (paddock) %s\n", program_invocation_short_name, PACKAGE_VERSION);
        return 0;
}

int tool_check_names(char **names) {
        STRV_FOREACH(n, names)
                if (agent_name_is_reserved(*n)) {
                        log_error("Agent name \"%s\" is reserved: the audit key paddock-%s is paddock's own.", *n, *n);
                        return -EINVAL;
                } else if (!agent_name_is_valid(*n)) {
                        _cleanup_free_ char *e = cescape_short(*n);
                        log_error("Invalid agent name \"%s\": expected [a-z][a-z0-9-]{0,%d}.",
                                  strna(e), AGENT_NAME_MAX - 1);
                        return -EINVAL;
                }
        return 0;
}

int tool_load_policy(const char *root, Policy **ret, bool tolerate_bad_agents) {
        _cleanup_strv_free_ char **errors = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        int r;

        r = policy_load(root, &p, &errors);
        /* Parse errors are the message themselves: FILE:LINE: message. */
        STRV_FOREACH(e, errors)
                fprintf(stderr, "%s\n", *e);
        if (r == -EINVAL)
                return PADDOCK_EXIT_BAD_AGENT;
        if (r < 0) {
                log_error_errno(r, "Failed to load agent files: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        if (errors && !tolerate_bad_agents) {
                log_error("Not changing anything: %zu bad agent file%s.", strv_length(errors),
                          strv_length(errors) == 1 ? "" : "s");
                return PADDOCK_EXIT_BAD_AGENT;
        }
        *ret = TAKE_PTR(p);
        return PADDOCK_EXIT_OK;
}
