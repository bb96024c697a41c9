/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-audit: kernel audit rules per agent, and a review of the trail. */

#include <getopt.h>
#include <stdarg.h>

#include <libaudit.h>

#include "audit-record.h"
#include "audit-rules.h"
#include "exit-codes.h"
#include "fileio.h"
#include "log.h"
#include "path-util.h"
#include "policy.h"
#include "review.h"
#include "strv.h"
#include "timespec.h"
#include "tool-util.h"
#include "uidreg.h"
#include "validate.h"

static char *arg_root = NULL;
static bool arg_dry_run = false;
static bool arg_json = false;
static bool arg_quiet = false;
static bool arg_no_load = false;
static bool arg_summary = false;
static char *arg_task = NULL;
static char *arg_input = NULL;
static char *arg_on_behalf_of = NULL;
static int64_t arg_since = -1, arg_until = -1;

static void help(void) {
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "Kernel audit rules for paddock agents, and the review of their trail.\n\n"
               "Commands:\n"
               "  apply [NAME...]     Load the rules of all (or the named) agents; write the rules file\n"
               "  remove NAME...      Delete exactly these agents' rules\n"
               "  review [NAME]       One timeline of what an agent did, was refused, and had changed\n\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n"
               "     --root=DIR       Read agent files and write the rules file below DIR\n"
               "     --dry-run        Print what would change, change nothing\n"
               "     --no-load        Write the rules file only, do not touch the kernel's rules\n"
               "  -q --quiet          Print nothing on success\n"
               "Review options:\n"
               "     --task=ID        Only what this task did\n"
               "     --on-behalf-of=USER  Only what agents did for this human (login uid)\n"
               "     --since=TIME     From TIME (YYYY-MM-DD [HH:MM[:SS]], today, yesterday, recent, now, @EPOCH)\n"
               "     --until=TIME     Until TIME\n"
               "     --input=FILE     Read FILE (\"-\": standard input) instead of /var/log/audit/\n"
               "     --json           One JSON object per event\n"
               "     --summary        Counts per kind of event\n\n"
               "See paddock-audit(8).\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_ROOT,
                ARG_DRY_RUN,
                ARG_JSON,
                ARG_NO_LOAD,
                ARG_TASK,
                ARG_SINCE,
                ARG_UNTIL,
                ARG_INPUT,
                ARG_SUMMARY,
                ARG_ON_BEHALF_OF,
        };
        static const struct option options[] = {
                { "help",         no_argument,       NULL, 'h'              },
                { "version",      no_argument,       NULL, ARG_VERSION      },
                { "root",         required_argument, NULL, ARG_ROOT         },
                { "dry-run",      no_argument,       NULL, ARG_DRY_RUN      },
                { "json",         no_argument,       NULL, ARG_JSON         },
                { "no-load",      no_argument,       NULL, ARG_NO_LOAD      },
                { "quiet",        no_argument,       NULL, 'q'              },
                { "task",         required_argument, NULL, ARG_TASK         },
                { "since",        required_argument, NULL, ARG_SINCE        },
                { "until",        required_argument, NULL, ARG_UNTIL        },
                { "input",        required_argument, NULL, ARG_INPUT        },
                { "summary",      no_argument,       NULL, ARG_SUMMARY      },
                { "on-behalf-of", required_argument, NULL, ARG_ON_BEHALF_OF },
                {}
        };
        int c, r;

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
                case ARG_NO_LOAD:
                        arg_no_load = true;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case ARG_TASK:
                        if (!task_id_is_valid(optarg)) {
                                log_error("Invalid task id: expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.");
                                return -EINVAL;
                        }
                        arg_task = optarg;
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        r = parse_time_spec(optarg, time(NULL), c == ARG_SINCE ? &arg_since : &arg_until);
                        if (r < 0) {
                                log_error("Invalid time \"%s\": expected YYYY-MM-DD [HH:MM[:SS]], today, yesterday, "
                                          "recent, now or @EPOCH.", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_INPUT:
                        arg_input = optarg;
                        break;
                case ARG_SUMMARY:
                        arg_summary = true;
                        break;
                case ARG_ON_BEHALF_OF:
                        arg_on_behalf_of = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        return 1;
}

static void say(const char *fmt, ...) _printf_(1, 2);
static void say(const char *fmt, ...) {
        va_list ap;
        if (arg_quiet)
                return;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
}

/* Every agent's rules (those with an identity), or with [Audit]
 * Rules=shared one set for the whole agent uid range; and the config watch. */
static int desired_rules(const Policy *p, AuditRuleSet *ret) {
        UidRegistry reg = {};
        AuditRuleSet s = {};
        int r;

        r = uid_registry_load(p->root, &reg, NULL);
        if (r < 0)
                return r;
        if (p->config->audit_shared && p->n_agents > 0)
                r = audit_rules_shared(p->config->uid_min, p->config->uid_max, &s);
        for (size_t i = 0; i < p->n_agents && r >= 0 && !p->config->audit_shared; i++) {
                const UidEntry *e = uid_registry_find_active(&reg, p->agents[i]->name);
                if (!e) {
                        log_warning("Agent %s has no identity yet (run paddock-users apply); no audit rules for it.",
                                    p->agents[i]->name);
                        continue;
                }
                r = audit_rules_for_agent(p->agents[i]->name, e->uid, &s);
        }
        if (r >= 0)
                r = audit_rules_for_config(&s);
        uid_registry_done(&reg);
        if (r < 0) {
                audit_rule_set_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

static int write_rules_file(const AuditRuleSet *s, char **skip_keys) {
        _cleanup_free_ char *path = path_join_root(arg_root, AUDIT_RULES_FILE), *dir = NULL, *text = NULL;
        AuditRuleSet kept = {};
        int r;

        if (!path)
                return -ENOMEM;
        /* The file holds what is loaded: everything but removed agents. */
        kept.rules = calloc(s->n + 1, sizeof(AuditRule));
        if (!kept.rules)
                return -ENOMEM;
        for (size_t i = 0; i < s->n; i++)
                if (!strv_contains(skip_keys, s->rules[i].key))
                        kept.rules[kept.n++] = s->rules[i];
        r = audit_rules_format(&kept, &text);
        free(kept.rules);
        if (r < 0)
                return r;
        if (file_content_equals(path, text, strlen(text)) > 0)
                return 0;
        if (arg_dry_run) {
                say("would write %s", AUDIT_RULES_FILE);
                return 0;
        }
        dir = strndup(path, strrchr(path, '/') - path);
        if (!dir)
                return -ENOMEM;
        r = mkdir_parents(dir, 0750);
        if (r < 0)
                return r;
        r = write_file_atomic(path, text, strlen(text), 0640, (uid_t) -1, (gid_t) -1, WRITE_SYNC);
        if (r >= 0)
                say("wrote %s", AUDIT_RULES_FILE);
        return r;
}

static void audit_change(const Policy *p, const char *op, const char *key, size_t n, bool success) {
        const char *name = startswith(key, AUDIT_KEY_PREFIX);
        _cleanup_free_ char *user = NULL, *fields = NULL;
        char num[16];

        if (!name || streq(key, AUDIT_KEY_CONFIG) || streq(key, AUDIT_KEY_SHARED))
                return;
        user = agent_user_name(p->config, name);
        snprintf(num, sizeof num, "%zu", n);
        (void) audit_fields_add(&fields, "audit_key", key);
        (void) audit_fields_add(&fields, "rules", num);
        if (user)
                (void) audit_record(AUDIT_USYS_CONFIG, op, user, AUDIT_ID_NONE, fields, success);
}

/* Bring the kernel's paddock rules in line: keys in scope get exactly their
 * desired rules. scope NULL: every paddock key. */
static int sync_kernel(const Policy *p, const AuditRuleSet *want, char **scope, char **remove_keys) {
        _cleanup_close_ int fd = -EBADF;
        AuditRuleSet live = {};
        _cleanup_strv_free_ char **keys = NULL;
        int r, ret = PADDOCK_EXIT_OK;

        fd = audit_open();
        if (fd < 0) {
                log_warning("The kernel's audit rules cannot be reached here (%m); only the rules file is written.");
                return PADDOCK_EXIT_OK;
        }
        r = audit_rules_immutable(fd);
        if (r < 0) {
                log_warning_errno(r, "The kernel's audit status cannot be read here (%m); only the rules file is written.");
                return PADDOCK_EXIT_OK;
        }
        if (r > 0) {
                log_error("The kernel's audit rules are locked (auditctl -e 2): the rules file is written and "
                          "takes effect at the next boot; nothing was loaded now.");
                return PADDOCK_EXIT_IMMUTABLE;
        }
        r = audit_rules_list_live(fd, &live);
        if (r == -EPERM || r == -ECONNREFUSED || r == -EPROTONOSUPPORT || r == -EIO) {
                /* A container: audit is the host's, not ours to change. */
                log_warning_errno(r, "The kernel's audit rules cannot be changed from here (%m); only the rules file is written.");
                return PADDOCK_EXIT_OK;
        }
        if (r < 0) {
                log_error_errno(r, "Failed to list the kernel's audit rules: %m");
                return PADDOCK_EXIT_FAILURE;
        }

        /* Which keys change, and how many rules each adds or deletes. */
        for (size_t i = 0; i < want->n; i++) {
                const AuditRule *w = &want->rules[i];
                bool in_scope = !scope || strv_contains(scope, w->key);
                /* Watches name paths: under --root they would name the
                 * host's, so they go into the rules file only. */
                if (arg_root && streq(w->key, AUDIT_KEY_CONFIG))
                        continue;
                if (!in_scope || strv_contains(remove_keys, w->key) || audit_rule_set_find(&live, w))
                        continue;
                if (arg_dry_run) {
                        say("would add audit rule: %s", w->text);
                        continue;
                }
                r = audit_rule_add(fd, w);
                if (r == -ENOENT && streq(w->key, AUDIT_KEY_CONFIG)) {
                        log_warning("Not watching what does not exist (yet): %s", w->text);
                        continue;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to add audit rule \"%s\": %m", w->text);
                        ret = PADDOCK_EXIT_FAILURE;
                }
                (void) strv_extendf(&keys, "+%s", w->key);
        }
        for (size_t i = 0; i < live.n; i++) {
                const AuditRule *l = &live.rules[i];
                bool in_scope = (!scope || strv_contains(scope, l->key) || strv_contains(remove_keys, l->key)) &&
                                !(arg_root && streq(l->key, AUDIT_KEY_CONFIG));
                bool wanted = audit_rule_set_find(want, l) && !strv_contains(remove_keys, l->key);
                if (!in_scope || wanted)
                        continue;
                if (arg_dry_run) {
                        say("would delete a kernel audit rule with key %s", l->key);
                        continue;
                }
                r = audit_rule_delete(fd, l);
                if (r < 0) {
                        log_error_errno(r, "Failed to delete an audit rule with key %s: %m", l->key);
                        ret = PADDOCK_EXIT_FAILURE;
                }
                (void) strv_extendf(&keys, "-%s", l->key);
        }

        /* One line and one record per key whose rules changed. */
        STRV_FOREACH(k, keys) {
                const char *key = *k + 1;
                bool added = (*k)[0] == '+', deleted = (*k)[0] == '-';
                bool seen_before = false;
                for (char * const *o = keys; o < k; o++)
                        seen_before = seen_before || streq(*o + 1, key);
                if (seen_before)
                        continue;
                for (char * const *o = k + 1; *o; o++)
                        if (streq(*o + 1, key)) {
                                added = added || (*o)[0] == '+';
                                deleted = deleted || (*o)[0] == '-';
                        }
                size_t n = 0;
                for (size_t i = 0; i < want->n; i++)
                        n += streq(want->rules[i].key, key) && !strv_contains(remove_keys, key);
                if (added && deleted)
                        say("updated audit rules %s (%zu rules)", key, n);
                else if (added)
                        say("loaded audit rules %s (%zu rules)", key, n);
                else
                        say("deleted audit rules %s", key);
                audit_change(p, added ? "audit-rules-apply" : "audit-rules-remove", key, n, ret == PADDOCK_EXIT_OK);
        }
        audit_rule_set_done(&live);
        return ret;
}

static int verb_apply(Policy *p, char **names) {
        AuditRuleSet want = {};
        _cleanup_strv_free_ char **scope = NULL;
        int r, ret;

        STRV_FOREACH(n, names) {
                if (!policy_find_agent(p, *n)) {
                        log_error("No agent file for \"%s\".", *n);
                        return PADDOCK_EXIT_BAD_AGENT;
                }
                if (strv_extendf(&scope, AUDIT_KEY_PREFIX "%s", *n) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
        }
        r = desired_rules(p, &want);
        if (r < 0)
                return log_error_errno(r, "Failed to build audit rules: %m"), PADDOCK_EXIT_FAILURE;

        r = write_rules_file(&want, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to write %s: %m", AUDIT_RULES_FILE);
                audit_rule_set_done(&want);
                return PADDOCK_EXIT_FAILURE;
        }
        if (names && (strv_extend(&scope, AUDIT_KEY_CONFIG) < 0 || strv_extend(&scope, AUDIT_KEY_SHARED) < 0)) {
                audit_rule_set_done(&want);
                return log_oom(), PADDOCK_EXIT_FAILURE;
        }
        ret = arg_no_load ? PADDOCK_EXIT_OK : sync_kernel(p, &want, scope, NULL);
        audit_rule_set_done(&want);
        return ret;
}

static int verb_remove(Policy *p, char **names) {
        AuditRuleSet want = {};
        _cleanup_strv_free_ char **keys = NULL;
        int r, ret;

        STRV_FOREACH(n, names)
                if (strv_extendf(&keys, AUDIT_KEY_PREFIX "%s", *n) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
        r = desired_rules(p, &want);
        if (r >= 0)
                r = write_rules_file(&want, keys);
        if (r < 0) {
                audit_rule_set_done(&want);
                return log_error_errno(r, "Failed to write %s: %m", AUDIT_RULES_FILE), PADDOCK_EXIT_FAILURE;
        }
        ret = arg_no_load ? PADDOCK_EXIT_OK : sync_kernel(p, &want, keys, keys);
        audit_rule_set_done(&want);
        return ret;
}

static int verb_review(Policy *p, char **names) {
        ReviewOptions o = {
                .task = arg_task,
                .since = arg_since,
                .until = arg_until,
                .input = arg_input,
                .json = arg_json,
                .summary = arg_summary,
        };
        int r;

        if (strv_length(names) > 1) {
                log_error("review takes at most one agent name.");
                return PADDOCK_EXIT_USAGE;
        }
        if (!names && !arg_on_behalf_of) {
                log_error("review needs an agent name, or --on-behalf-of=USER.");
                return PADDOCK_EXIT_USAGE;
        }
        if (arg_on_behalf_of) {
                r = review_resolve_human(arg_on_behalf_of, &o.auid);
                if (r < 0) {
                        log_error("Unknown user \"%s\".", arg_on_behalf_of);
                        return PADDOCK_EXIT_USAGE;
                }
                o.by_auid = true;
        }

        /* Every uid the agent ever had, so that old records still count. */
        UidRegistry reg = {};
        r = uid_registry_load(p->root, &reg, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read the uid registry: %m"), PADDOCK_EXIT_FAILURE;
        if (names) {
                o.agent = names[0];
                o.user = agent_user_name(p->config, names[0]);
                for (size_t i = 0; i < reg.n; i++)
                        if (streq(reg.entries[i].name, names[0]) && o.n_uids < ELEMENTSOF(o.uids))
                                o.uids[o.n_uids++] = reg.entries[i].uid;
        } else {
                /* --on-behalf-of alone: every agent's events. */
                o.all_agents = true;
                o.registry = &reg;
                o.config = p->config;
        }
        r = review_run(&o, stdout);
        free(o.user);
        uid_registry_done(&reg);
        if (r < 0) {
                log_error_errno(r, "Failed to read the audit trail: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        return PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        static const ToolVerb verbs[] = {
                { "apply",  .max_args = SIZE_MAX, .flags = TOOL_VERB_ALL_GOOD, .run = verb_apply },
                { "remove", .min_args = 1, .max_args = SIZE_MAX,
                  .usage = "remove needs at least one agent name.", .run = verb_remove },
                { "review", .max_args = SIZE_MAX, .run = verb_review },
        };
        int r;

        log_setup(argv[0]);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? PADDOCK_EXIT_USAGE : PADDOCK_EXIT_OK;

        return tool_dispatch_verb(verbs, ELEMENTSOF(verbs), argc - optind, argv + optind, arg_root);
}
