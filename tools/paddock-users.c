/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-users: a system user and group per agent, its state directory,
 * and an audit record for every change. */

#include <getopt.h>

#include "exit-codes.h"
#include "json.h"
#include "log.h"
#include "parse-util.h"
#include "policy.h"
#include "strv.h"
#include "tool-util.h"
#include "users.h"

static char *arg_root = NULL;
static bool arg_dry_run = false;
static bool arg_json = false;
static bool arg_quiet = false;
static bool arg_prune = false;
static bool arg_purge = false;

static void help(void) {
        printf("%s [OPTIONS...] COMMAND [NAME...]\n\n"
               "Create and remove the system users and groups of paddock agents.\n\n"
               "Commands:\n"
               "  apply [NAME...]     Create or update the identities of all (or the named) agents\n"
               "  remove NAME...      Remove agents' users, groups and shadow entries\n"
               "  list                Show every agent with uid, owner, expiry and state\n\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n"
               "     --root=DIR       Operate on files below DIR\n"
               "     --dry-run        Print what would change, change nothing\n"
               "     --json           Print JSON\n"
               "  -q --quiet          Print nothing on success\n"
               "     --prune          apply: also remove agents whose file is gone\n"
               "     --purge          remove: also delete the state directory\n\n"
               "See paddock-users(8).\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_ROOT,
                ARG_DRY_RUN,
                ARG_JSON,
                ARG_PRUNE,
                ARG_PURGE,
        };
        static const struct option options[] = {
                { "help",    no_argument,       NULL, 'h'         },
                { "version", no_argument,       NULL, ARG_VERSION },
                { "root",    required_argument, NULL, ARG_ROOT    },
                { "dry-run", no_argument,       NULL, ARG_DRY_RUN },
                { "json",    no_argument,       NULL, ARG_JSON    },
                { "quiet",   no_argument,       NULL, 'q'         },
                { "prune",   no_argument,       NULL, ARG_PRUNE   },
                { "purge",   no_argument,       NULL, ARG_PURGE   },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "hq", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        return tool_version();
                case ARG_ROOT:
                        arg_root = optarg;
                        break;
                case ARG_DRY_RUN:
                        arg_dry_run = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case ARG_PRUNE:
                        arg_prune = true;
                        break;
                case ARG_PURGE:
                        arg_purge = true;
                        break;
                default:
                        return -EINVAL;
                }
        return 1;
}

static void print_changes(const UsersResult *res) {
        if (arg_json) {
                printf("[");
                for (size_t i = 0; i < res->n_changes; i++) {
                        const UserChange *c = &res->changes[i];
                        _cleanup_free_ char *text = user_change_describe(c, arg_dry_run);
                        JsonObject o;

                        if (i > 0)
                                printf(",");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "agent", c->agent);
                        json_kv_string(&o, "user", c->user);
                        json_kv_uint(&o, "id", c->id);
                        json_kv_string(&o, "change", text);
                        json_kv_bool(&o, "ok", c->error == 0);
                        json_object_end(&o);
                }
                printf("]\n");
                return;
        }
        if (arg_quiet)
                return;
        for (size_t i = 0; i < res->n_changes; i++) {
                _cleanup_free_ char *text = user_change_describe(&res->changes[i], arg_dry_run);
                if (res->changes[i].error == 0)
                        puts(strna(text));
        }
}

static int finish(UsersResult *res) {
        STRV_FOREACH(c, res->conflicts)
                log_error("%s", *c);
        if (!arg_dry_run && res->error == 0)
                users_make_state_dirs(arg_root, res);
        if (!arg_dry_run)
                users_result_audit(res);
        if (res->conflicts)
                return PADDOCK_EXIT_FAILURE;

        print_changes(res);
        for (size_t i = 0; i < res->n_changes; i++) {
                const UserChange *c = &res->changes[i];
                _cleanup_free_ char *text = NULL;
                if (c->error == 0)
                        continue;
                text = user_change_describe(c, true);
                log_error_errno(c->error, "Failed: %s: %m", strna(text));
        }
        if (res->error < 0)
                return PADDOCK_EXIT_FAILURE;
        return PADDOCK_EXIT_OK;
}

static int verb_apply(Policy *p, char **names) {
        _cleanup_(users_result_done) UsersResult res = {};
        UsersOptions o = {
                .root = arg_root,
                .names = names,
                .dry_run = arg_dry_run,
                .prune = arg_prune,
        };
        int r;

        STRV_FOREACH(n, names)
                if (!policy_find_agent(p, *n)) {
                        log_error("No agent file for \"%s\" in %s.", *n, PADDOCK_AGENTS_DIR);
                        return PADDOCK_EXIT_BAD_AGENT;
                }

        r = users_apply(p, &o, &res);
        if (r < 0) {
                log_error_errno(r, "Failed to reconcile users: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        if (!arg_prune)
                STRV_FOREACH(n, res.orphans)
                        log_warning("Agent %s has an identity but no agent file (orphaned); "
                                    "\"paddock-users remove %s\" removes it.", *n, *n);
        return finish(&res);
}

static int verb_remove(Policy *p, char **names) {
        _cleanup_(users_result_done) UsersResult res = {};
        UsersOptions o = {
                .root = arg_root,
                .names = names,
                .dry_run = arg_dry_run,
                .purge = arg_purge,
        };
        int r;

        r = users_remove(p, &o, &res);
        if (r < 0) {
                log_error_errno(r, "Failed to remove users: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        return finish(&res);
}

static int verb_list(Policy *p, char **args) {
        AgentListEntry *l = NULL;
        size_t n = 0;
        int r;

        r = users_list(p, &l, &n);
        if (r < 0) {
                log_error_errno(r, "Failed to list agents: %m");
                return PADDOCK_EXIT_FAILURE;
        }

        if (arg_json)
                printf("[");
        else if (n > 0)
                printf("%-26s %-32s %-10s %-16s %-10s %s\n", "AGENT", "USER", "UID", "OWNER", "EXPIRES", "STATE");
        for (size_t i = 0; i < n; i++) {
                char expires[11] = "never", uid[16] = "-";

                if (l[i].expires >= 0)
                        format_date(l[i].expires, expires);
                if (l[i].state != AGENT_PENDING)
                        snprintf(uid, sizeof uid, "%u", (unsigned) l[i].uid);

                if (arg_json) {
                        JsonObject o;
                        if (i > 0)
                                printf(",");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "name", l[i].name);
                        json_kv_string(&o, "user", l[i].user);
                        if (l[i].state == AGENT_PENDING)
                                json_kv_string(&o, "uid", NULL);
                        else
                                json_kv_uint(&o, "uid", l[i].uid);
                        json_kv_string(&o, "owner", l[i].owner);
                        json_kv_string(&o, "expires", l[i].expires >= 0 ? expires : NULL);
                        json_kv_string(&o, "state", agent_state_to_string(l[i].state));
                        json_object_end(&o);
                } else
                        printf("%-26s %-32s %-10s %-16s %-10s %s\n", l[i].name, l[i].user, uid,
                               l[i].owner ?: "-", expires, agent_state_to_string(l[i].state));
        }
        if (arg_json)
                printf("]\n");
        agent_list_free(l, n);
        return PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        static const ToolVerb verbs[] = {
                { "apply",  .max_args = SIZE_MAX, .flags = TOOL_VERB_ALL_GOOD, .run = verb_apply },
                { "remove", .min_args = 1, .max_args = SIZE_MAX,
                  .usage = "remove needs at least one agent name.", .run = verb_remove },
                { "list",   .usage = "list takes no arguments.", .run = verb_list },
        };
        int r;

        log_setup(argv[0]);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? PADDOCK_EXIT_USAGE : PADDOCK_EXIT_OK;

        return tool_dispatch_verb(verbs, ELEMENTSOF(verbs), argc - optind, argv + optind, arg_root);
}
