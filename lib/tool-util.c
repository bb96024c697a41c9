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

static void log_bad_args(const ToolVerb *v) {
        if (v->usage)
                log_error("%s", v->usage);
        else
                log_error("Wrong number of arguments for %s; see --help.", v->name);
}

static const ToolVerb *find_verb(const ToolVerb *verbs, size_t n_verbs, const char *name, char **args) {
        const ToolVerb *first = NULL;

        for (size_t i = 0; i < n_verbs; i++) {
                const ToolVerb *v = verbs + i;
                if (!streq(v->name, name))
                        continue;
                if (!v->sub || (args && streq(v->sub, args[0])))
                        return v;
                if (!first)
                        first = v;
        }
        if (!first) {
                log_error("Unknown command \"%s\"; see --help.", name);
                return NULL;
        }
        /* A verb of two words with a missing or unknown second one. */
        log_bad_args(first);
        return NULL;
}

int tool_dispatch_verb(const ToolVerb *verbs, size_t n_verbs, int argc, char *argv[], const char *root) {
        _cleanup_(policy_freep) Policy *p = NULL;
        const ToolVerb *v;
        char **args;
        size_t n;
        int r;

        if (argc <= 0) {
                log_error("Missing command; see --help.");
                return PADDOCK_EXIT_USAGE;
        }
        args = argc > 1 ? argv + 1 : NULL;

        v = find_verb(verbs, n_verbs, argv[0], args);
        if (!v)
                return PADDOCK_EXIT_USAGE;
        if (v->sub)
                args = args[1] ? args + 1 : NULL;

        n = strv_length(args);
        if (n < v->min_args || n > v->max_args) {
                log_bad_args(v);
                return PADDOCK_EXIT_USAGE;
        }

        if ((v->flags & TOOL_VERB_ONE_NAME) && args)
                r = tool_check_names((char *[]) { args[0], NULL });
        else
                r = tool_check_names(args);
        if (r < 0)
                return PADDOCK_EXIT_USAGE;

        if (v->flags & TOOL_VERB_NO_POLICY)
                return v->run(NULL, args);

        r = tool_load_policy(root, &p, !(v->flags & TOOL_VERB_ALL_GOOD));
        if (r != PADDOCK_EXIT_OK)
                return r;
        return v->run(p, args);
}
