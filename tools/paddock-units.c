/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-units: the hardened service of each agent, and its credentials.
 *
 * Units are generated: paddock-generator writes agent-NAME.service from the
 * agent files at every daemon-reload. "apply" records what it applied
 * (/var/lib/paddock/units/), audits every change and every loosening, and on
 * a running systemd reloads it and starts or restarts what changed. "remove"
 * stops the unit and masks it. */

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "audit-record.h"
#include "bus-util.h"
#include "credstore.h"
#include "exit-codes.h"
#include "fileio.h"
#include "json.h"
#include "log.h"
#include "parse-util.h"
#include "path-util.h"
#include "policy.h"
#include "sandbox.h"
#include "strv.h"
#include "tool-util.h"
#include "unit.h"
#include "validate.h"

#define UNITS_STATE_DIR PADDOCK_STATE_DIR "/units"

static char *arg_root = NULL;
static bool arg_dry_run = false;
static bool arg_json = false;
static bool arg_quiet = false;
static bool arg_no_reload = false;

static void help(void) {
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "Hardened systemd units for paddock agents, and their credentials.\n\n"
               "Commands:\n"
               "  render NAME                 Print the agent's unit\n"
               "  apply [NAME...]             Apply units: record, audit, reload, (re)start\n"
               "  remove NAME...              Stop and mask agents' units\n"
               "  credential set NAME KEY     Store a credential read from standard input\n"
               "  credential list NAME        List an agent's credentials and their age\n\n"
               "Options:\n"
               "  -h --help                   Show this help\n"
               "     --version                Show the version\n"
               "     --root=DIR               Operate on files below DIR (no systemd calls)\n"
               "     --dry-run                Print what would change, change nothing\n"
               "     --json                   credential list: print JSON\n"
               "     --no-reload              Do not talk to systemd\n"
               "  -q --quiet                  Print nothing on success\n\n"
               "See paddock-units(8).\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_ROOT,
                ARG_DRY_RUN,
                ARG_JSON,
                ARG_NO_RELOAD,
        };
        static const struct option options[] = {
                { "help",      no_argument,       NULL, 'h'           },
                { "version",   no_argument,       NULL, ARG_VERSION   },
                { "root",      required_argument, NULL, ARG_ROOT      },
                { "dry-run",   no_argument,       NULL, ARG_DRY_RUN   },
                { "json",      no_argument,       NULL, ARG_JSON      },
                { "no-reload", no_argument,       NULL, ARG_NO_RELOAD },
                { "quiet",     no_argument,       NULL, 'q'           },
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
                case ARG_NO_RELOAD:
                        arg_no_reload = true;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                default:
                        return -EINVAL;
                }
        return 1;
}

/* Talk to systemd only on the host itself, when it runs systemd. */
static bool live(void) {
        return !arg_root && !arg_no_reload && !arg_dry_run && bus_systemd_running();
}

static const Agent *find_agent_or_log(const Policy *p, const char *name) {
        const Agent *a = policy_find_agent(p, name);
        if (!a)
                log_error("No agent file for \"%s\" in %s.", name, PADDOCK_AGENTS_DIR);
        return a;
}

static int verb_render(Policy *p, char **names) {
        _cleanup_free_ char *text = NULL;
        const Agent *a;
        int r;

        if (strv_length(names) != 1) {
                log_error("render takes exactly one agent name.");
                return PADDOCK_EXIT_USAGE;
        }
        a = find_agent_or_log(p, names[0]);
        if (!a)
                return PADDOCK_EXIT_BAD_AGENT;
        r = unit_render(a, p->config, arg_root, &text);
        if (r < 0) {
                log_error_errno(r, "Failed to render the unit of %s: %m", a->name);
                return PADDOCK_EXIT_FAILURE;
        }
        fputs(text, stdout);
        return PADDOCK_EXIT_OK;
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

static void audit_unit(const char *op, const Config *c, const Agent *a, const char *agent_name, bool success) {
        _cleanup_free_ char *user = agent_user_name(c, agent_name), *unit = agent_unit_name(agent_name);
        _cleanup_free_ char *fields = NULL, *loosened = NULL;

        if (!user || !unit)
                return;
        (void) audit_fields_add(&fields, "unit", unit);
        if (a && agent_loosenings_token(a, &loosened) >= 0 && loosened)
                (void) audit_fields_add(&fields, "loosened", loosened);
        (void) audit_record(AUDIT_USYS_CONFIG, op, user, AUDIT_ID_NONE, fields, success);
}

/* The record of what was last applied for an agent: ROOT/var/lib/paddock/units/agent-NAME.service */
static char *applied_path(const char *name) {
        _cleanup_free_ char *unit = agent_unit_name(name), *rel = NULL;
        if (!unit)
                return NULL;
        rel = path_join(UNITS_STATE_DIR, unit);
        return rel ? path_join_root(arg_root, rel) : NULL;
}

static char *mask_path(const char *name) {
        _cleanup_free_ char *unit = agent_unit_name(name), *rel = NULL;
        if (!unit)
                return NULL;
        rel = path_join("/etc/systemd/system", unit);
        return rel ? path_join_root(arg_root, rel) : NULL;
}

/* Is the unit masked by paddock-units remove (a symlink to /dev/null)? */
static bool masked(const char *path) {
        char target[16];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0)
                return false;
        target[n] = 0;
        return streq(target, "/dev/null");
}

typedef enum UnitAction {
        ACTION_NONE,
        ACTION_START,
        ACTION_RESTART,
        ACTION_STOP,
} UnitAction;

static int apply_one(const Policy *p, const Agent *a, UnitAction *ret_action) {
        _cleanup_free_ char *text = NULL, *path = applied_path(a->name), *mask = mask_path(a->name);
        _cleanup_free_ char *unit = agent_unit_name(a->name), *message = NULL, *dir = NULL;
        _cleanup_(sandbox_freep) Sandbox *s = NULL;
        const char *why = NULL;
        int r;

        *ret_action = ACTION_NONE;
        if (!path || !mask || !unit)
                return log_oom();

        r = credstore_check(arg_root, a->name, &message);
        if (r < 0) {
                log_error_errno(r, "Refusing the unit of %s: %s", a->name, message ?: "credential store is not private");
                audit_unit("unit-apply", p->config, a, a->name, false);
                return r;
        }

        if (!unit_wanted(a, today_days(), &why)) {
                /* No unit for this agent: stop one that runs. */
                if (access(path, F_OK) == 0) {
                        if (!arg_dry_run && unlink(path) < 0)
                                return log_error_errno(errno, "Failed to remove %s: %m", path);
                        say("%s %s: %s", arg_dry_run ? "would retire unit" : "retired unit", unit, why);
                        if (!arg_dry_run)
                                audit_unit("unit-retire", p->config, a, a->name, true);
                        *ret_action = ACTION_STOP;
                }
                return 0;
        }

        r = unit_render(a, p->config, arg_root, &text);
        if (r < 0)
                return log_error_errno(r, "Failed to render the unit of %s: %m", a->name);
        r = sandbox_build(a, p->config, &(SandboxOptions) { .stage = STAGE_FULL, .root = arg_root }, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to build the sandbox of %s: %m", a->name);

        STRV_FOREACH(k, a->credentials)
                if (credstore_lookup(arg_root, a->name, *k) == -ENOENT)
                        log_warning("Credential %s of agent %s is not set; its unit will not start until "
                                    "\"paddock-units credential set %s %s\".", *k, a->name, a->name, *k);

        bool was_masked = masked(mask);
        r = file_content_equals(path, text, strlen(text));
        if (r > 0 && !was_masked)
                return 0;               /* nothing changed */
        bool existed = r >= 0;

        if (arg_dry_run) {
                say("would %s unit %s", existed ? "update" : "create", unit);
                return 0;
        }
        if (was_masked && unlink(mask) < 0)
                return log_error_errno(errno, "Failed to unmask %s: %m", unit);

        dir = strndup(path, strrchr(path, '/') - path);
        if (!dir)
                return log_oom();
        r = mkdir_parents(dir, 0755);
        if (r >= 0)
                r = write_file_atomic(path, text, strlen(text), 0644, (uid_t) -1, (gid_t) -1, WRITE_SYNC);
        audit_unit(existed ? "unit-update" : "unit-create", p->config, a, a->name, r >= 0);
        if (r < 0)
                return log_error_errno(r, "Failed to record %s: %m", path);

        say("%s unit %s%s", existed ? "updated" : "created", unit, was_masked ? " (unmasked)" : "");
        STRV_FOREACH(l, s->loosenings)
                say("  loosened: %s", *l);
        *ret_action = existed && !was_masked ? ACTION_RESTART : ACTION_START;
        return 0;
}

static int verb_apply(Policy *p, char **names) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        UnitAction *actions = NULL;
        const Agent **agents = NULL;
        size_t n = 0;
        int ret = PADDOCK_EXIT_OK, r;

        STRV_FOREACH(x, names)
                if (!find_agent_or_log(p, *x))
                        return PADDOCK_EXIT_BAD_AGENT;

        actions = calloc(p->n_agents + 1, sizeof(UnitAction));
        agents = calloc(p->n_agents + 1, sizeof(Agent *));
        if (!actions || !agents) {
                free(actions);
                free(agents);
                return log_oom(), PADDOCK_EXIT_FAILURE;
        }

        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                if (names && !strv_contains(names, a->name))
                        continue;
                r = apply_one(p, a, &actions[n]);
                if (r < 0)
                        ret = PADDOCK_EXIT_FAILURE;
                agents[n++] = a;
        }

        if (live()) {
                r = bus_open_system(&bus);
                if (r < 0)
                        log_error_errno(r, "Failed to connect to systemd: %m"), ret = PADDOCK_EXIT_FAILURE;
                else {
                        r = bus_daemon_reload(bus);
                        if (r < 0)
                                log_error_errno(r, "Failed to reload systemd: %m"), ret = PADDOCK_EXIT_FAILURE;
                }
                for (size_t i = 0; bus && r >= 0 && i < n; i++) {
                        _cleanup_free_ char *unit = agent_unit_name(agents[i]->name);
                        const char *method = actions[i] == ACTION_START ? "StartUnit" :
                                             actions[i] == ACTION_RESTART ? "TryRestartUnit" :
                                             actions[i] == ACTION_STOP ? "StopUnit" : NULL;
                        if (!method || !unit)
                                continue;
                        int k = bus_unit_job(bus, method, unit, NULL);
                        if (k < 0) {
                                log_error_errno(k, "Failed to %s %s: %m",
                                                actions[i] == ACTION_STOP ? "stop" : "start", unit);
                                ret = PADDOCK_EXIT_FAILURE;
                        } else if (actions[i] == ACTION_START)
                                say("started %s", unit);
                        else if (actions[i] == ACTION_RESTART)
                                say("restarted %s", unit);
                        else
                                say("stopped %s", unit);
                }
        }
        free(actions);
        free(agents);
        return ret;
}

static int verb_remove(Policy *p, char **names) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int ret = PADDOCK_EXIT_OK, r;

        if (live()) {
                r = bus_open_system(&bus);
                if (r < 0) {
                        log_error_errno(r, "Failed to connect to systemd: %m");
                        return PADDOCK_EXIT_FAILURE;
                }
        }

        STRV_FOREACH(x, names) {
                _cleanup_free_ char *unit = agent_unit_name(*x), *path = applied_path(*x), *mask = mask_path(*x);
                _cleanup_free_ char *dir = NULL;
                if (!unit || !path || !mask)
                        return log_oom(), PADDOCK_EXIT_FAILURE;

                bool recorded = access(path, F_OK) == 0;
                if (masked(mask) && !recorded)
                        continue;               /* removed already */
                if (arg_dry_run) {
                        say("would remove unit %s", unit);
                        continue;
                }
                if (bus) {
                        r = bus_unit_job(bus, "StopUnit", unit, NULL);
                        if (r < 0 && r != -ENOENT)
                                log_warning_errno(r, "Failed to stop %s: %m", unit);
                }
                dir = strndup(mask, strrchr(mask, '/') - mask);
                r = dir ? mkdir_parents(dir, 0755) : -ENOMEM;
                if (r >= 0 && !masked(mask) && symlink("/dev/null", mask) < 0)
                        r = -errno;
                if (r >= 0 && recorded && unlink(path) < 0 && errno != ENOENT)
                        r = -errno;
                audit_unit("unit-remove", p->config, NULL, *x, r >= 0);
                if (r < 0) {
                        log_error_errno(r, "Failed to remove %s: %m", unit);
                        ret = PADDOCK_EXIT_FAILURE;
                        continue;
                }
                say("removed unit %s (masked)", unit);
        }
        if (bus) {
                r = bus_daemon_reload(bus);
                if (r < 0) {
                        log_error_errno(r, "Failed to reload systemd: %m");
                        ret = PADDOCK_EXIT_FAILURE;
                }
        }
        return ret;
}

static int verb_credential_set(Policy *p, char **args) {
        const char *name = args[0], *key = args[1];
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *data = NULL, *user = NULL, *fields = NULL, *unit = NULL, *message = NULL;
        size_t size = 0;
        int r;

        if (!find_agent_or_log(p, name))
                return PADDOCK_EXIT_BAD_AGENT;
        if (!credential_name_is_valid(key)) {
                log_error("Invalid credential name; expected [A-Za-z0-9][A-Za-z0-9_.-]{0,63}.");
                return PADDOCK_EXIT_USAGE;
        }
        if (isatty(STDIN_FILENO))
                log_notice("Reading the secret from standard input; end with Ctrl-D.");

        /* The secret comes from standard input only: never argv, never the
         * environment. */
        r = read_full_file("/dev/stdin", CREDENTIAL_MAX, &data, &size);
        if (r == -EFBIG) {
                log_error("Credential is larger than %u bytes.", CREDENTIAL_MAX);
                return PADDOCK_EXIT_FAILURE;
        }
        if (r < 0) {
                _cleanup_free_ char *buf = malloc(CREDENTIAL_MAX + 1);
                ssize_t k;
                /* Not a regular file (a pipe): read it as a stream. */
                if (!buf)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
                size = 0;
                while ((k = read(STDIN_FILENO, buf + size, CREDENTIAL_MAX + 1 - size)) > 0)
                        size += (size_t) k;
                if (k < 0) {
                        log_error_errno(errno, "Failed to read standard input: %m");
                        return PADDOCK_EXIT_FAILURE;
                }
                if (size > CREDENTIAL_MAX) {
                        log_error("Credential is larger than %u bytes.", CREDENTIAL_MAX);
                        return PADDOCK_EXIT_FAILURE;
                }
                data = TAKE_PTR(buf);
        }

        user = agent_user_name(p->config, name);
        unit = agent_unit_name(name);
        if (!user || !unit)
                return log_oom(), PADDOCK_EXIT_FAILURE;
        (void) audit_fields_add(&fields, "key", key);

        if (arg_dry_run) {
                say("would set credential %s of agent %s", key, name);
                return PADDOCK_EXIT_OK;
        }

        r = credstore_check(arg_root, name, &message);
        if (r >= 0)
                r = credstore_set(arg_root, name, key, data, size);
        explicit_bzero(data, size);
        (void) audit_record(AUDIT_USYS_CONFIG, "credential-rotate", user, AUDIT_ID_NONE, fields, r >= 0);
        if (r < 0) {
                log_error_errno(r, "Failed to store credential %s of %s: %s", key, name,
                                message ?: strerror(-r));
                return PADDOCK_EXIT_FAILURE;
        }
        say("set credential %s of agent %s", key, name);

        /* Credentials are fixed while a unit runs: restart it to hand over
         * the new one. */
        if (live()) {
                r = bus_open_system(&bus);
                if (r >= 0)
                        r = bus_unit_job(bus, "TryRestartUnit", unit, NULL);
                if (r < 0 && r != -ENOENT) {    /* no unit (yet): nothing runs with the old secret */
                        log_error_errno(r, "Failed to restart %s: %m", unit);
                        return PADDOCK_EXIT_FAILURE;
                }
        }
        return PADDOCK_EXIT_OK;
}

static int verb_credential_list(Policy *p, char **args) {
        const char *name = args[0];
        CredentialInfo *l = NULL;
        size_t n = 0;
        const Agent *a = find_agent_or_log(p, name);
        int64_t now = (int64_t) time(NULL);
        int r;

        if (!a)
                return PADDOCK_EXIT_BAD_AGENT;
        r = credstore_list(arg_root, name, &l, &n);
        if (r < 0) {
                log_error_errno(r, "Failed to list credentials of %s: %m", name);
                return PADDOCK_EXIT_FAILURE;
        }

        /* Every key the agent asks for, and every key in its store. */
        _cleanup_strv_free_ char **keys = strv_copy(a->credentials);
        for (size_t i = 0; i < n; i++)
                if (!strv_contains(keys, l[i].key))
                        (void) strv_extend(&keys, l[i].key);
        strv_sort(keys);

        if (arg_json)
                printf("[");
        else if (keys)
                printf("%-32s %-9s %-10s %s\n", "KEY", "FORM", "AGE", "USED");
        STRV_FOREACH(k, keys) {
                const CredentialInfo *info = NULL;
                for (size_t i = 0; i < n; i++)
                        if (streq(l[i].key, *k))
                                info = &l[i];
                bool used = strv_contains(a->credentials, *k);
                if (arg_json) {
                        JsonObject o;
                        if (k != keys)
                                printf(",");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "key", *k);
                        json_kv_string(&o, "form", !info ? NULL : info->encrypted ? "encrypted" : "plain");
                        if (info)
                                json_kv_int(&o, "age_seconds", now - info->mtime_sec);
                        else
                                json_kv_string(&o, "age_seconds", NULL);
                        json_kv_bool(&o, "used", used);
                        json_object_end(&o);
                } else {
                        char age[32] = "not set";
                        if (info) {
                                int64_t sec = now - info->mtime_sec;
                                if (sec < 3600)
                                        snprintf(age, sizeof age, "%" PRIi64 "m", sec / 60);
                                else if (sec < 86400 * 2)
                                        snprintf(age, sizeof age, "%" PRIi64 "h", sec / 3600);
                                else
                                        snprintf(age, sizeof age, "%" PRIi64 "d", sec / 86400);
                        }
                        printf("%-32s %-9s %-10s %s\n", *k, !info ? "-" : info->encrypted ? "encrypted" : "plain",
                               age, used ? "yes" : "no (not in the agent file)");
                }
        }
        if (arg_json)
                printf("]\n");
        credential_info_free(l, n);
        return PADDOCK_EXIT_OK;
}

#define CREDENTIAL_USAGE "Usage: credential set NAME KEY | credential list NAME"

int main(int argc, char *argv[]) {
        /* Only apply needs every file to be good; the rest work on the
         * agents that are. */
        static const ToolVerb verbs[] = {
                { "render", .max_args = SIZE_MAX, .run = verb_render },
                { "apply",  .max_args = SIZE_MAX, .flags = TOOL_VERB_ALL_GOOD, .run = verb_apply },
                { "remove", .min_args = 1, .max_args = SIZE_MAX,
                  .usage = "remove needs at least one agent name.", .run = verb_remove },
                { "credential", "set", .min_args = 2, .max_args = 2, .usage = CREDENTIAL_USAGE,
                  .flags = TOOL_VERB_ONE_NAME, .run = verb_credential_set },
                { "credential", "list", .min_args = 1, .max_args = 1, .usage = CREDENTIAL_USAGE,
                  .flags = TOOL_VERB_ONE_NAME, .run = verb_credential_list },
        };
        int r;

        log_setup(argv[0]);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? PADDOCK_EXIT_USAGE : PADDOCK_EXIT_OK;

        return tool_dispatch_verb(verbs, ELEMENTSOF(verbs), argc - optind, argv + optind, arg_root);
}
