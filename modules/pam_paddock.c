/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* pam_paddock: paddock's agents in any PAM stack.
 *
 * account: an agent's user may be used only by the services it is allowed
 * (allow=, its own PAMName=); interactive services need allow= even then.
 * An expired agent gets PAM_ACCT_EXPIRED, a revoked, removed or broken one
 * PAM_PERM_DENIED. Everyone else gets PAM_IGNORE: this module never
 * decides for humans.
 *
 * session: records open and close of an agent's session. With "task"
 * (paddock's own task service) it instead gives the task the login uid of
 * the human it runs for, from the unit's environment, before systemd
 * enters the user namespace where that uid would not exist.
 *
 * Every path returns a PAM code; nothing here exits or logs but through
 * pam_syslog. */

#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "agent-account.h"
#include "audit-record.h"
#include "loginuid.h"
#include "paddock-conf.h"
#include "parse-util.h"
#include "validate.h"

#define MAX_ALLOW 16

typedef struct Options {
        const char *allow[MAX_ALLOW];   /* comma-separated service lists */
        size_t n_allow;
        const char *root;               /* read paddock's files under this directory */
        bool task;
        bool debug;
} Options;

/* Services where a user sits at a terminal: an agent's account is never
 * usable there unless allow= names the service. */
static const char * const interactive_services[] = {
        "login", "sshd", "su", "su-l", "sudo", "sudo-i", "runuser", "runuser-l", "remote", NULL,
};


static void parse_options(pam_handle_t *pamh, int argc, const char **argv, Options *o) {
        *o = (Options) {};
        for (int i = 0; i < argc; i++) {
                const char *v;
                if ((v = startswith(argv[i], "allow="))) {
                        if (o->n_allow < MAX_ALLOW)
                                o->allow[o->n_allow++] = v;
                        else
                                pam_syslog(pamh, LOG_ERR, "more than %d allow= options; \"%s\" ignored", MAX_ALLOW, argv[i]);
                } else if ((v = startswith(argv[i], "root=")))
                        o->root = *v ? v : NULL;
                else if (streq(argv[i], "task"))
                        o->task = true;
                else if (streq(argv[i], "debug"))
                        o->debug = true;
                else
                        pam_syslog(pamh, LOG_ERR, "unknown option \"%s\" ignored", argv[i]);
        }
}

static bool list_has(const char *list, const char *word) {
        size_t n = strlen(word);
        if (n == 0)
                return false;
        for (const char *p = list; *p;) {
                size_t l = strcspn(p, ",");
                if (l == n && strncmp(p, word, n) == 0)
                        return true;
                p += l;
                if (*p == ',')
                        p++;
        }
        return false;
}

static bool strv_has(const char * const *l, const char *s) {
        for (; *l; l++)
                if (streq(*l, s))
                        return true;
        return false;
}

static bool service_allowed(const Options *o, const AgentAccount *a, const char *service) {
        for (size_t i = 0; i < o->n_allow; i++)
                if (list_has(o->allow[i], service))
                        return true;
        return a->pam_name && streq(a->pam_name, service) && !strv_has(interactive_services, service);
}

/* The uid NSS gives for user: -ESRCH when none. */
static int user_uid(const char *user, uid_t *ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 1024;
        struct passwd pw, *p = NULL;
        int r;

        for (;;) {
                free(buf);
                buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                r = getpwnam_r(user, &pw, buf, size, &p);
                if (r != ERANGE || size >= 1024 * 1024)
                        break;
                size *= 2;
        }
        if (r != 0)
                return -r;
        if (!p)
                return -ESRCH;
        *ret = p->pw_uid;
        return 0;
}

/* The user and what paddock says about it. PAM_SUCCESS and a filled
 * *ret; or the code to return. */
static int lookup(pam_handle_t *pamh, const Options *o, const char **ret_user, AgentAccount *ret) {
        const char *user = NULL;
        uid_t uid = (uid_t) -1;
        int r;

        r = pam_get_user(pamh, &user, NULL);
        if (r != PAM_SUCCESS || !user || !*user)
                return PAM_USER_UNKNOWN;
        r = user_uid(user, &uid);
        if (r < 0 && r != -ESRCH)
                pam_syslog(pamh, LOG_WARNING, "cannot look up user %s: %s", user, strerror(-r));

        r = agent_account_lookup(o->root, user, uid, today_days(), ret);
        if (r < 0) {
                /* Nothing is known: fail closed for what looks like an
                 * agent's account, leave everyone else alone. */
                pam_syslog(pamh, LOG_ERR, "cannot read paddock's agent registry: %s", strerror(-r));
                bool agentish = ret->has_prefix;
                agent_account_done(ret);
                return agentish ? PAM_AUTHINFO_UNAVAIL : PAM_IGNORE;
        }
        if (ret->state == AGENT_ACCOUNT_NOT_AGENT) {
                agent_account_done(ret);
                return PAM_IGNORE;
        }
        *ret_user = user;
        return PAM_SUCCESS;
}

static const char *get_service(pam_handle_t *pamh) {
        const void *s = NULL;
        return pam_get_item(pamh, PAM_SERVICE, &s) == PAM_SUCCESS && s ? s : "";
}

/* The task's human, from the environment paddock-run gave the unit. */
static int take_task_loginuid(pam_handle_t *pamh, const AgentAccount *a) {
        const char *s = pam_getenv(pamh, "PADDOCK_HUMAN_UID");
        uid_t now = LOGINUID_UNSET;
        uint64_t v;
        int r;

        if (!s || parse_decimal(s, 0, UINT32_MAX - 1, &v) < 0) {
                pam_syslog(pamh, LOG_ERR, "agent %s: no valid PADDOCK_HUMAN_UID in the task's environment", a->agent);
                return PAM_SESSION_ERR;
        }
        if (loginuid_get(0, &now) >= 0 && now == (uid_t) v)
                return PAM_SUCCESS;
        r = loginuid_set((uid_t) v);
        if (r < 0) {
                pam_syslog(pamh, LOG_ERR, "agent %s: cannot take login uid %s (now %u): %s", a->agent, s,
                           (unsigned) now, strerror(-r));
                return PAM_SESSION_ERR;
        }
        return PAM_SUCCESS;
}

static int session_record(pam_handle_t *pamh, const AgentAccount *a, const char *user, bool open) {
        _cleanup_free_ char *fields = NULL;
        const char *task = pam_getenv(pamh, "PADDOCK_TASK");

        if (audit_fields_add(&fields, "agent", a->agent) < 0 ||
            audit_fields_add(&fields, "service", get_service(pamh)) < 0 ||
            (task && task_id_is_valid(task) && audit_fields_add(&fields, "task", task) < 0))
                return -ENOMEM;
        return audit_record(open ? AUDIT_USER_START : AUDIT_USER_END,
                            open ? "paddock-session-open" : "paddock-session-close",
                            user, a->uid, fields, true);
}

/* PAM_IGNORE: not an agent's account (also when paddock's files cannot be
 * read and the name does not look like an agent's). PAM_SUCCESS: an active
 * agent on an allowed service. PAM_PERM_DENIED: a service it may not use;
 * a revoked, removed or broken agent. PAM_ACCT_EXPIRED: past Expires=.
 * PAM_AUTHINFO_UNAVAIL: an agent-looking name when paddock's files cannot
 * be read. PAM_USER_UNKNOWN: no user. */
static int account(pam_handle_t *pamh, int flags, int argc, const char **argv) {
        _cleanup_(agent_account_done) AgentAccount a = { .uid = (uid_t) -1 };
        const char *user = NULL, *service = get_service(pamh);
        Options o;
        int r;

        (void) flags;
        parse_options(pamh, argc, argv, &o);
        r = lookup(pamh, &o, &user, &a);
        if (r != PAM_SUCCESS)
                return r;

        switch (a.state) {
        case AGENT_ACCOUNT_ACTIVE:
                if (service_allowed(&o, &a, service)) {
                        if (o.debug)
                                pam_syslog(pamh, LOG_DEBUG, "agent %s allowed for service %s", a.agent, service);
                        return PAM_SUCCESS;
                }
                pam_syslog(pamh, LOG_NOTICE, "agent %s (user %s) may not use service %s", a.agent, user, service);
                return PAM_PERM_DENIED;
        case AGENT_ACCOUNT_EXPIRED:
                pam_syslog(pamh, LOG_NOTICE, "agent %s (user %s) has expired", a.agent, user);
                return PAM_ACCT_EXPIRED;
        default:
                pam_syslog(pamh, LOG_NOTICE, "agent %s (user %s) is %s", a.agent, user,
                           agent_account_state_to_string(a.state));
                return PAM_PERM_DENIED;
        }
}

/* PAM_IGNORE: not an agent's account. PAM_SUCCESS: the session is
 * recorded (open), or ends (close, even when the kernel refuses the
 * record). PAM_PERM_DENIED: opening a session of an agent that may not be
 * used. PAM_SESSION_ERR: paddock's files cannot be read for an
 * agent-looking name; the record cannot be sent; with "task", no valid
 * PADDOCK_HUMAN_UID or the login uid cannot be taken. */
static int session(pam_handle_t *pamh, int flags, int argc, const char **argv, bool open) {
        _cleanup_(agent_account_done) AgentAccount a = { .uid = (uid_t) -1 };
        const char *user = NULL;
        Options o;
        int r;

        (void) flags;
        parse_options(pamh, argc, argv, &o);
        r = lookup(pamh, &o, &user, &a);
        if (r != PAM_SUCCESS)
                return r == PAM_IGNORE ? r : PAM_SESSION_ERR;
        if (open && a.state != AGENT_ACCOUNT_ACTIVE) {
                pam_syslog(pamh, LOG_NOTICE, "agent %s (user %s) is %s: no session", a.agent, user,
                           agent_account_state_to_string(a.state));
                return PAM_PERM_DENIED;
        }
        /* A task's records are paddock-run's; here only its identity. */
        if (o.task)
                return open ? take_task_loginuid(pamh, &a) : PAM_SUCCESS;

        r = session_record(pamh, &a, user, open);
        if (r < 0) {
                pam_syslog(pamh, open ? LOG_ERR : LOG_WARNING, "agent %s: cannot record the %s of the session: %s",
                           a.agent, open ? "start" : "end", strerror(-r));
                /* systemd closes a service's session after dropping
                 * privileges: then the kernel refuses the record, and the
                 * session ends all the same. */
                return open ? PAM_SESSION_ERR : PAM_SUCCESS;
        }
        return PAM_SUCCESS;
}

/* The entry points: nothing but the call. */

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv) {
        return account(pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv) {
        return session(pamh, flags, argc, argv, true);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv) {
        return session(pamh, flags, argc, argv, false);
}
