/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-run: one task, as an agent, for a human, at a stage. */

#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libaudit.h>

#include "audit-record.h"
#include "bus-util.h"
#include "exit-codes.h"
#include "log.h"
#include "nft.h"
#include "parse-util.h"
#include "path-util.h"
#include "policy.h"
#include "pwdb.h"
#include "sandbox.h"
#include "strv.h"
#include "task.h"
#include "task-direct.h"
#include "task-ephemeral.h"
#include "task-unit.h"
#include "tool-util.h"
#include "validate.h"

static const char *arg_agent = NULL;
static const char *arg_task = NULL;
static const char *arg_human = NULL;
static Stage arg_stage = _STAGE_INVALID;        /* default: the agent's MaxStage= */
static bool arg_wait = false;
static bool arg_pipe = false;
static bool arg_allow_auid_mismatch = false;
static bool arg_no_systemd = false;
static bool arg_ephemeral = false;
static bool arg_quiet = false;
static const char *arg_root = NULL;
static char **arg_command = NULL;

static void help(void) {
        printf("%s [OPTIONS...] --agent=NAME --task=ID --on-behalf-of=USER -- COMMAND [ARGS...]\n\n"
               "Run one task as an agent, for a human, with no more authority than its stage.\n\n"
               "  -h --help                 Show this help\n"
               "     --version              Show the version\n"
               "     --agent=NAME           The agent the task runs as\n"
               "     --task=ID              The task's id: [A-Za-z0-9][A-Za-z0-9_-]{0,63}\n"
               "     --on-behalf-of=USER    The human the task acts for (login name or uid)\n"
               "     --stage=STAGE          read-only, draft or full (default: the agent's MaxStage=)\n"
               "     --wait                 Wait for the task and exit with its status\n"
               "     --pipe                 The task reads our stdin and writes our stdout and stderr\n"
               "     --allow-auid-mismatch  Run even when the login uid stays someone else's\n"
               "     --no-systemd           Start the task directly, as where systemd does not run\n"
               "     --ephemeral            Run as an identity of the task's own (see nss_paddock(8))\n"
               "     --root=DIR             Read agent files and the agent's user below DIR\n"
               "  -q --quiet                Print nothing but the task's own output\n\n"
               "See paddock-run(8).\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_AGENT,
                ARG_TASK,
                ARG_ON_BEHALF_OF,
                ARG_STAGE,
                ARG_WAIT,
                ARG_PIPE,
                ARG_ALLOW_AUID_MISMATCH,
                ARG_NO_SYSTEMD,
                ARG_EPHEMERAL,
                ARG_ROOT,
        };
        static const struct option options[] = {
                { "help",                no_argument,       NULL, 'h'                     },
                { "version",             no_argument,       NULL, ARG_VERSION             },
                { "agent",               required_argument, NULL, ARG_AGENT               },
                { "task",                required_argument, NULL, ARG_TASK                },
                { "on-behalf-of",        required_argument, NULL, ARG_ON_BEHALF_OF        },
                { "stage",               required_argument, NULL, ARG_STAGE               },
                { "wait",                no_argument,       NULL, ARG_WAIT                },
                { "pipe",                no_argument,       NULL, ARG_PIPE                },
                { "allow-auid-mismatch", no_argument,       NULL, ARG_ALLOW_AUID_MISMATCH },
                { "no-systemd",          no_argument,       NULL, ARG_NO_SYSTEMD          },
                { "ephemeral",           no_argument,       NULL, ARG_EPHEMERAL           },
                { "root",                required_argument, NULL, ARG_ROOT                },
                { "quiet",               no_argument,       NULL, 'q'                     },
                {}
        };
        int c;

        /* "+": options end at the command, whose own options are its own. */
        while ((c = getopt_long(argc, argv, "+hq", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        return tool_version();
                case ARG_AGENT:
                        arg_agent = optarg;
                        break;
                case ARG_TASK:
                        arg_task = optarg;
                        break;
                case ARG_ON_BEHALF_OF:
                        arg_human = optarg;
                        break;
                case ARG_STAGE:
                        arg_stage = stage_from_string(optarg);
                        if (arg_stage < 0) {
                                log_error("Invalid stage \"%s\": expected read-only, draft or full.", optarg);
                                return -EINVAL;
                        }
                        break;
                case ARG_WAIT:
                        arg_wait = true;
                        break;
                case ARG_PIPE:
                        arg_pipe = true;
                        break;
                case ARG_ALLOW_AUID_MISMATCH:
                        arg_allow_auid_mismatch = true;
                        break;
                case ARG_NO_SYSTEMD:
                        arg_no_systemd = true;
                        break;
                case ARG_EPHEMERAL:
                        arg_ephemeral = true;
                        break;
                case ARG_ROOT:
                        arg_root = optarg;
                        break;
                case 'q':
                        arg_quiet = true;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return -EINVAL;
                }

        if (!arg_agent || !arg_task || !arg_human) {
                log_error("--agent=, --task= and --on-behalf-of= are required.");
                return -EINVAL;
        }
        if (!agent_name_is_valid(arg_agent)) {
                log_error("Invalid agent name: expected [a-z][a-z0-9-]{0,25}.");
                return -EINVAL;
        }
        if (!task_id_is_valid(arg_task)) {
                log_error("Invalid task id: expected [A-Za-z0-9][A-Za-z0-9_-]{0,63}.");
                return -EINVAL;
        }
        /* The command must follow "--": a mistyped option of ours must
         * never become the task's command. */
        if (optind == 0 || optind > argc || !streq(argv[optind - 1], "--")) {
                log_error("Expected \"--\" before the command.");
                return -EINVAL;
        }
        if (optind >= argc) {
                log_error("No command given after \"--\".");
                return -EINVAL;
        }
        arg_command = argv + optind;
        return 1;
}

/* The agent's user, from the files paddock-users writes. */
typedef struct AgentUser {
        char *name, *home, *shell;
        uid_t uid;
        gid_t gid;
} AgentUser;

static void agent_user_done(AgentUser *u) {
        free(u->name);
        free(u->home);
        free(u->shell);
}

static int agent_user_load(const Policy *p, const char *agent, AgentUser *ret) {
        _cleanup_free_ char *path = path_join_root(arg_root, "/etc/passwd"), *name = NULL;
        _cleanup_free_ char *gid = NULL;
        PwFile f = {};
        const PwLine *l;
        uint64_t v;
        int r;

        name = agent_user_name(p->config, agent);
        if (!path || !name)
                return -ENOMEM;
        r = pwfile_load(&f, PW_PASSWD, path);
        if (r < 0)
                return r;
        l = pwfile_find_name(&f, name);
        if (!l || !l->has_id) {
                pwfile_done(&f);
                return -ESRCH;
        }
        gid = pw_field(l->text, 3);
        ret->home = pw_field(l->text, 5);
        ret->shell = pw_field(l->text, 6);
        ret->uid = l->id;
        pwfile_done(&f);
        if (!gid || !ret->home || !ret->shell || parse_decimal(gid, 0, UINT32_MAX - 1, &v) < 0) {
                agent_user_done(ret);
                return -EBADMSG;
        }
        ret->gid = (gid_t) v;
        ret->name = TAKE_PTR(name);
        return 0;
}

static const char *human_label(const Task *t, char buf[static 16]) {
        if (t->human)
                return t->human;
        snprintf(buf, 16, "%u", (unsigned) t->human_uid);
        return buf;
}

/* Refused before it ran: one USER_START with res=failed and a reason. */
static int refuse(const Task *t, const char *reason) {
        _cleanup_free_ char *extra = NULL;
        if (audit_fields_add(&extra, "reason", reason) >= 0)
                (void) task_audit(t, AUDIT_USER_START, extra, false);
        return PADDOCK_EXIT_FAILURE;
}

/* Take the human's login uid, here, so that what we record and (without
 * systemd) the task itself carry it. A new session when we may; the
 * human's existing one when the login uid is the human's already and
 * cannot change. */
static int take_login_uid(const Task *t, bool required) {
        char b[16];
        uid_t now = LOGINUID_UNSET;
        int r;

        (void) loginuid_get(0, &now);
        r = loginuid_set(t->human_uid);
        if (r >= 0 || now == t->human_uid)
                return 0;
        if (!required)
                return 0;
        if (arg_allow_auid_mismatch) {
                log_warning_errno(r, "The login uid is %u and cannot become %s's (%m); running anyway "
                                  "(--allow-auid-mismatch): records will carry both.", (unsigned) now, human_label(t, b));
                return 0;
        }
        log_error_errno(r, "The login uid is %u and cannot become %s's: %m. Refusing "
                        "(--allow-auid-mismatch runs the task anyway).", (unsigned) now, human_label(t, b));
        return r;
}

/* The task's own identity, out of the fence and marked ended. */
static void release_identity(const Task *t, bool fenced) {
        if (!t->run_user)
                return;
        int r = task_ephemeral_release(arg_root, t->run_uid, fenced);
        if (r < 0)
                log_warning_errno(r, "Failed to retire the task's identity %s: %m", t->run_user);
}

/* *ret_running: the task may still run (we could not wait for it). */
static int run_direct(Task *t, const Sandbox *s, bool offline, bool *ret_running) {
        _cleanup_free_ char *cgroup = NULL, *extra = NULL;
        TaskDirectResult res;
        pid_t pid;
        int r;

        /* Fail closed, as the unit's ExecStartPre= does: no task while the
         * agent's egress fence is not loaded. A task's own identity was
         * put into that fence already, which needed it loaded. */
        if (!offline && !t->run_user) {
                _cleanup_(nft_closep) NftContext *n = NULL;
                r = nft_open(&n);
                if (r >= 0)
                        r = nft_fence_loaded(n, t->agent);
                if (r <= 0) {
                        log_error("The egress fence of agent %s is not loaded; refusing to start the task.", t->agent);
                        return refuse(t, "no-egress-fence");
                }
        }
        if (sandbox_find(s, "LoadCredential") || sandbox_find(s, "LoadCredentialEncrypted"))
                log_warning("Agent %s has credentials; only systemd delivers them, this task runs without.", t->agent);

        r = take_login_uid(t, true);
        if (r < 0)
                return refuse(t, "auid-mismatch");
        (void) audit_session_get(0, &t->ses);

        r = task_direct_start(t, s, &pid, &cgroup, &res);
        if (r < 0) {
                _cleanup_free_ char *why = NULL;
                log_error_errno(r, "Failed to start the task (%s): %m", strna(res.failed_step));
                if (asprintf(&why, "%s: %s", strna(res.failed_step), strerror(-r)) < 0)
                        return log_oom(), PADDOCK_EXIT_FAILURE;
                return refuse(t, why);
        }
        (void) task_audit(t, AUDIT_USER_START, NULL, true);
        if (!arg_quiet)
                log_info("Running task %s of agent %s as pid %d.", t->id, t->agent, (int) pid);

        r = task_direct_wait(pid, cgroup, &res);
        if (r < 0) {
                *ret_running = true;
                return log_error_errno(r, "Failed to wait for the task: %m"), PADDOCK_EXIT_FAILURE;
        }

        int code = WIFEXITED(res.status) ? WEXITSTATUS(res.status) : 128 + WTERMSIG(res.status);
        char n[16];
        snprintf(n, sizeof n, "%d", WIFEXITED(res.status) ? WEXITSTATUS(res.status) : WTERMSIG(res.status));
        r = audit_fields_add(&extra, "exit", n);
        if (r >= 0)
                r = audit_fields_add(&extra, "exit-code", WIFEXITED(res.status) ? "exited" : "killed");
        if (r >= 0)
                (void) task_audit(t, AUDIT_USER_END, extra, code == 0);
        return code;
}

static int run_unit(Task *t, const Sandbox *s) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *result = NULL, *unit = task_unit_name(t->agent, t->id);
        TaskUnitOptions o = { .pipe = arg_pipe, .wait = arg_wait, .fenced = t->run_user && !s->offline };
        int r, code;

        bool queued = false;
        if (!unit) {
                release_identity(t, o.fenced);
                return log_oom(), PADDOCK_EXIT_FAILURE;
        }
        /* Our own records then carry the human too, when we may. */
        (void) take_login_uid(t, false);

        r = bus_open_system(&bus);
        if (r >= 0)
                r = task_unit_start(bus, t, s, &o, &result, &queued);
        if (r < 0) {
                log_error_errno(r, "Failed to start %s: %s. See \"journalctl -u %s\".", unit,
                                result ?: strerror(-r), unit);
                /* Once systemd has the unit, its ExecStopPost= does it. */
                if (!queued)
                        release_identity(t, o.fenced);
                return refuse(t, result ?: "start-failed");
        }
        (void) task_audit(t, AUDIT_USER_START, NULL, true);
        if (!arg_quiet)
                log_info("Running task %s of agent %s as unit %s.", t->id, t->agent, unit);
        if (!arg_wait)
                return PADDOCK_EXIT_OK;

        /* The end is recorded by the unit's ExecStopPost=, wait or not. */
        r = task_unit_wait(bus, t, &code);
        if (r < 0)
                return log_error_errno(r, "Failed to follow %s: %m", unit), PADDOCK_EXIT_FAILURE;
        return code;
}

static bool uid_in_use(uid_t uid) {
        return getpwuid(uid) || getgrgid((gid_t) uid);
}

static bool name_taken(const char *name) {
        return getpwnam(name) || getgrnam(name);
}

/* --ephemeral: a new identity of the task's own. Under systemd, PID 1
 * must find it through NSS (nss_paddock in nsswitch.conf). */
static int take_identity(Task *t, const Config *c, char **ret_user) {
        int r;

        if (t->stage == STAGE_DRAFT) {
                log_error("--ephemeral runs at the read-only or the full stage: drafts are the agent's own uid's.");
                return refuse(t, "ephemeral-draft");
        }
        r = task_ephemeral_acquire(arg_root, c, t->agent, t->id, t->gid, arg_root ? NULL : uid_in_use,
                                   arg_root ? NULL : name_taken, &t->run_uid, ret_user);
        if (r < 0) {
                log_error_errno(r, "Failed to make an identity for the task: %m");
                return refuse(t, "ephemeral");
        }
        t->run_user = *ret_user;
        if (!arg_no_systemd && bus_systemd_running()) {
                struct passwd *pw = getpwnam(t->run_user);
                if (!pw || pw->pw_uid != t->run_uid) {
                        log_error("%s does not resolve: add \"paddock\" to the passwd and group lines of "
                                  "/etc/nsswitch.conf (see nss_paddock(8)).", t->run_user);
                        release_identity(t, false);
                        return refuse(t, "ephemeral-nss");
                }
        }
        if (!arg_quiet)
                log_info("Task %s runs as %s (uid %u).", t->id, t->run_user, (unsigned) t->run_uid);
        return PADDOCK_EXIT_OK;
}

static int run(int argc, char *argv[]) {
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(sandbox_freep) Sandbox *s = NULL;
        _cleanup_free_ char *human = NULL, *run_user = NULL;
        AgentUser u = {};
        uid_t human_uid;
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? PADDOCK_EXIT_USAGE : PADDOCK_EXIT_OK;
        if (geteuid() != 0) {
                log_error("paddock-run must be run as root.");
                return PADDOCK_EXIT_FAILURE;
        }

        /* Bad input: said clearly, nothing started, nothing recorded. */
        r = task_human_resolve(arg_human, &human_uid, &human);
        if (r == -EINVAL || r == -ESRCH) {
                log_error("No such user: \"%s\". Expected a login name or a uid.", arg_human);
                return PADDOCK_EXIT_USAGE;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to look up user \"%s\": %m", arg_human), PADDOCK_EXIT_FAILURE;
        r = tool_load_policy(arg_root, &p, true);
        if (r != PADDOCK_EXIT_OK)
                return r;
        const Agent *a = policy_find_agent(p, arg_agent);
        if (!a) {
                log_error("No such agent: %s (no %s" AGENT_FILE_SUFFIX " in agents.d, or the file is bad).",
                          arg_agent, arg_agent);
                return PADDOCK_EXIT_USAGE;
        }
        r = agent_user_load(p, arg_agent, &u);
        if (r < 0) {
                log_error_errno(r, "Agent %s has no user (%m); run \"paddock-users apply\" first.", arg_agent);
                return PADDOCK_EXIT_FAILURE;
        }

        Task t = {
                .agent = a->name,
                .acct = u.name,
                .uid = u.uid,
                .gid = u.gid,
                .home = u.home,
                .shell = u.shell,
                .id = arg_task,
                .human_uid = human_uid,
                .human = human,
                .stage = arg_stage >= 0 ? arg_stage : a->max_stage,
                .argv = arg_command,
                .ses = SESSION_UNSET,
        };

        /* Refusals that are decisions: recorded. */
        if (t.stage > a->max_stage) {
                log_error("Stage %s is above agent %s's MaxStage=%s; refusing.", stage_to_string(t.stage),
                          a->name, stage_to_string(a->max_stage));
                r = refuse(&t, "stage-above-max");
                goto finish;
        }
        if (a->revoked || agent_is_expired(a, today_days())) {
                log_error("Agent %s is %s; refusing.", a->name, a->revoked ? "revoked" : "expired");
                r = refuse(&t, a->revoked ? "agent-revoked" : "agent-expired");
                goto finish;
        }

        if (t.stage == STAGE_DRAFT) {
                _cleanup_free_ char *state = agent_state_dir(a->name);
                r = state ? task_drafts_dir(state, u.uid, u.gid) : -ENOMEM;
                if (r < 0) {
                        log_error_errno(r, "Failed to set up %s/drafts: %m", strna(state));
                        r = refuse(&t, "drafts");
                        goto finish;
                }
        }

        if (arg_ephemeral) {
                r = take_identity(&t, p->config, &run_user);
                if (r != PADDOCK_EXIT_OK)
                        goto finish;
        }

        SandboxOptions so = { .stage = t.stage, .root = arg_root, .task = true, .user = t.run_user };
        r = sandbox_build(a, p->config, &so, &s);
        if (r < 0) {
                log_error_errno(r, "Failed to build the sandbox of agent %s: %m", a->name);
                release_identity(&t, false);
                r = refuse(&t, "sandbox");
                goto finish;
        }

        if (t.run_user && !s->offline) {
                r = task_ephemeral_fence_join(arg_root, t.run_uid, t.agent);
                if (r < 0) {
                        log_error_errno(r, "Failed to put %s into agent %s's egress fence: %m", t.run_user, t.agent);
                        release_identity(&t, false);
                        r = refuse(&t, "no-egress-fence");
                        goto finish;
                }
        }
        if (!arg_no_systemd && bus_systemd_running())
                r = run_unit(&t, s);
        else {
                bool running = false;
                r = run_direct(&t, s, s->offline, &running);
                /* Without systemd the task's own identity ends with us,
                 * however the task did, unless it may still run. */
                if (!running)
                        release_identity(&t, !s->offline);
        }
finish:
        agent_user_done(&u);
        return r;
}

int main(int argc, char *argv[]) {
        log_setup(program_invocation_short_name);
        return run(argc, argv);
}
