/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-verify: does the host match the agent files? Every layer's own
 * planner is asked what it would change; anything it would change is
 * drift. Loosenings and stale credentials are warnings. Nothing is
 * written. */

#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <time.h>

#include "credstore.h"
#include "egress.h"
#include "exit-codes.h"
#include "fileio.h"
#include "json.h"
#include "log.h"
#include "nft.h"
#include "parse-util.h"
#include "path-util.h"
#include "policy.h"
#include "sandbox.h"
#include "strv.h"
#include "tool-util.h"
#include "unit.h"
#include "users.h"

#define CREDENTIAL_MAX_AGE_DAYS 90

static char *arg_root = NULL;
static bool arg_json = false;
static bool arg_no_egress = false;

typedef struct Finding {
        const char *layer;
        char *agent;            /* NULL: not about one agent */
        char *what;
        bool drift;             /* false: a warning */
} Finding;

static Finding *findings = NULL;
static size_t n_findings = 0;

static void add(const char *layer, const char *agent, bool drift, const char *fmt, ...) _printf_(4, 5);
static void add(const char *layer, const char *agent, bool drift, const char *fmt, ...) {
        Finding *x = reallocarray(findings, n_findings + 1, sizeof(Finding));
        va_list ap;
        char *what = NULL;

        if (!x)
                return;
        findings = x;
        va_start(ap, fmt);
        if (vasprintf(&what, fmt, ap) < 0)
                what = NULL;
        va_end(ap);
        findings[n_findings++] = (Finding) {
                .layer = layer,
                .agent = agent ? strdup(agent) : NULL,
                .what = what,
                .drift = drift,
        };
}

static void help(void) {
        printf("%s [OPTIONS...]\n\n"
               "Compare the host with the agent files; exit 4 on drift.\n\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n"
               "     --root=DIR       Files below DIR (the ruleset is this network namespace's)\n"
               "     --no-egress      Do not look at the nftables ruleset\n"
               "     --json           Print JSON\n\n"
               "See paddock-verify(8).\n",
               program_invocation_short_name);
}

static int verify_users(const Policy *p) {
        _cleanup_(users_result_done) UsersResult res = {};
        UsersOptions o = { .root = arg_root, .dry_run = true };
        int r;

        r = users_apply(p, &o, &res);
        if (r < 0)
                return log_error_errno(r, "Failed to read the user database: %m");
        STRV_FOREACH(c, res.conflicts)
                add("users", NULL, true, "%s", *c);
        for (size_t i = 0; i < res.n_changes; i++) {
                _cleanup_free_ char *text = user_change_describe(&res.changes[i], true);
                add("users", res.changes[i].agent, true, "%s", strna(text));
        }
        STRV_FOREACH(o2, res.orphans)
                add("users", *o2, true, "identity without an agent file (orphaned)");
        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                if (agent_is_expired(a, today_days()))
                        add("users", a->name, false, "expired");
                if (a->revoked)
                        add("users", a->name, false, "revoked");
        }
        return 0;
}

static int verify_units(const Policy *p) {
        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                _cleanup_free_ char *text = NULL, *unit = agent_unit_name(a->name), *rel = NULL, *path = NULL;
                _cleanup_free_ char *message = NULL;
                _cleanup_strv_free_ char **loose = NULL;

                if (!unit || !(rel = path_join(PADDOCK_STATE_DIR "/units", unit)) || !(path = path_join_root(arg_root, rel)))
                        return log_oom();
                if (credstore_check(arg_root, a->name, &message) < 0)
                        add("units", a->name, true, "%s", strna(message));
                if (!unit_wanted(a, today_days(), NULL)) {
                        if (access(path, F_OK) == 0)
                                add("units", a->name, true, "%s is applied but the agent may not run", unit);
                        continue;
                }
                if (unit_render(a, p->config, arg_root, &text) < 0)
                        return log_oom();
                int r = file_content_equals(path, text, strlen(text));
                if (r == -ENOENT)
                        add("units", a->name, true, "%s was never applied", unit);
                else if (r == 0)
                        add("units", a->name, true, "%s differs from the agent file", unit);
                if (agent_loosenings(a, &loose) >= 0)
                        STRV_FOREACH(l, loose)
                                add("units", a->name, false, "loosened: %s", *l);

                /* Credentials: set, and not too old. */
                CredentialInfo *l = NULL;
                size_t n = 0;
                if (credstore_list(arg_root, a->name, &l, &n) >= 0) {
                        STRV_FOREACH(k, a->credentials) {
                                const CredentialInfo *info = NULL;
                                for (size_t j = 0; j < n; j++)
                                        if (streq(l[j].key, *k))
                                                info = &l[j];
                                if (!info)
                                        add("units", a->name, true, "credential %s is not set", *k);
                                else if (time(NULL) - info->mtime_sec > (int64_t) CREDENTIAL_MAX_AGE_DAYS * 86400)
                                        add("units", a->name, false, "credential %s is %" PRIi64 " days old",
                                            *k, (int64_t) (time(NULL) - info->mtime_sec) / 86400);
                        }
                        credential_info_free(l, n);
                }
        }
        return 0;
}

static int verify_egress(const Policy *p) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        _cleanup_(egress_state_done) EgressState s = {};
        _cleanup_(egress_live_done) EgressLive live = {};
        _cleanup_free_ char *out = NULL, *err = NULL, *cmds = NULL;
        _cleanup_strv_free_ char **changed = NULL;
        int r;

        for (size_t i = 0; i < p->n_agents; i++)
                if (p->agents[i]->allow_metadata)
                        add("egress", p->agents[i]->name, false,
                            "AllowMetadata=yes: this agent may reach instance metadata it allows");
        if (arg_no_egress)
                return 0;

        r = nft_open(&n);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m");
        /* Host names are not resolved: their addresses change by design. */
        r = egress_state_build(p, false, &s, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to collect agents: %m");
        r = nft_run(n, "list chains " PADDOCK_NFT_FAMILY, false, &out, &err);
        if (r >= 0)
                r = egress_live_parse(out, &live);
        if (r < 0)
                return log_error_errno(r, "Failed to read the ruleset: %s", strempty(err));
        if (!live.present) {
                add("egress", NULL, true, "table inet paddock is not loaded");
                return 0;
        }
        r = egress_render_update(&s, &live, &cmds, &changed);
        if (r < 0)
                return log_oom();
        STRV_FOREACH(c, changed) {
                const char *agent = startswith(*c, "agent ");
                add("egress", agent, true, "%s", agent ? "fence differs from the agent file" : *c);
        }
        return 0;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help",      no_argument,       NULL, 'h'   },
                { "version",   no_argument,       NULL, 0x100 },
                { "root",      required_argument, NULL, 0x101 },
                { "json",      no_argument,       NULL, 0x102 },
                { "no-egress", no_argument,       NULL, 0x103 },
                {}
        };
        _cleanup_(policy_freep) Policy *p = NULL;
        int c, r;

        log_setup(argv[0]);
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return PADDOCK_EXIT_OK;
                case 0x100:
                        return tool_version();
                case 0x101:
                        arg_root = optarg;
                        break;
                case 0x102:
                        arg_json = true;
                        break;
                case 0x103:
                        arg_no_egress = true;
                        break;
                default:
                        return PADDOCK_EXIT_USAGE;
                }
        if (optind < argc) {
                log_error("This program takes no arguments.");
                return PADDOCK_EXIT_USAGE;
        }

        r = tool_load_policy(arg_root, &p, false);
        if (r != PADDOCK_EXIT_OK)
                return r;
        if (verify_users(p) < 0 || verify_units(p) < 0 || verify_egress(p) < 0)
                return PADDOCK_EXIT_FAILURE;

        bool drift = false;
        if (arg_json)
                printf("[");
        for (size_t i = 0; i < n_findings; i++) {
                const Finding *f = &findings[i];
                drift = drift || f->drift;
                if (arg_json) {
                        JsonObject o;
                        printf("%s", i ? "," : "");
                        json_object_begin(&o, stdout);
                        json_kv_string(&o, "layer", f->layer);
                        json_kv_string(&o, "agent", f->agent);
                        json_kv_string(&o, "kind", f->drift ? "drift" : "warning");
                        json_kv_string(&o, "what", f->what);
                        json_object_end(&o);
                } else
                        printf("%-7s %-8s %s%s%s\n", f->layer, f->drift ? "drift" : "warning",
                               f->agent ? f->agent : "", f->agent ? ": " : "", strna(f->what));
                free(f->agent);
                free(f->what);
        }
        if (arg_json)
                printf("]\n");
        free(findings);
        return drift ? PADDOCK_EXIT_DRIFT : PADDOCK_EXIT_OK;
}
