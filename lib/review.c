/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <auparse.h>
#include <inttypes.h>
#include <libaudit.h>
#include <pwd.h>

#include "audit-rules.h"
#include "json.h"
#include "macro.h"
#include "parse-util.h"
#include "policy.h"
#include "review.h"
#include "strv.h"

static const char * const kind_table[_REVIEW_KIND_MAX] = {
        [REVIEW_CHANGE] = "change",
        [REVIEW_TASK_START] = "task-start",
        [REVIEW_TASK_END] = "task-end",
        [REVIEW_EXEC] = "exec",
        [REVIEW_WRITE] = "write",
        [REVIEW_DENIED_OPEN] = "denied-open",
        [REVIEW_DENIED_CONNECT] = "denied-connect",
        [REVIEW_OTHER] = "other",
};

const char *review_kind_to_string(ReviewKind k) {
        return k >= 0 && k < _REVIEW_KIND_MAX ? kind_table[k] : NULL;
}

int review_resolve_human(const char *s, uid_t *ret) {
        uint64_t v;
        if (parse_decimal(s, 0, UINT32_MAX - 1, &v) >= 0) {
                *ret = (uid_t) v;
                return 0;
        }
        struct passwd *pw = getpwnam(s);
        if (!pw)
                return -ESRCH;
        *ret = pw->pw_uid;
        return 0;
}

/* The records paddock writes about an agent (acct= its user). */
static bool is_paddock_user_type(int type) {
        return type == AUDIT_ADD_USER || type == AUDIT_DEL_USER || type == AUDIT_ADD_GROUP ||
               type == AUDIT_DEL_GROUP || type == AUDIT_USYS_CONFIG || type == AUDIT_USER_START ||
               type == AUDIT_USER_END || type == AUDIT_USER_MGMT;
}

typedef struct TaskSes {
        char task[65];
        unsigned ses;
} TaskSes;

typedef struct Review {
        const ReviewOptions *o;
        FILE *out;
        auparse_state_t *au;
        char **keys;            /* "\"paddock-NAME\"" as in the raw record */
        char **accts;           /* "\"agent-NAME\"" */
        char **marks;           /* "0x11170" */
        char **uids;            /* "70000", for events of the shared rules (key paddock-agents) */
        TaskSes *tasks;
        size_t n_tasks;
        unsigned long count[_REVIEW_KIND_MAX];
        unsigned long n_events;
} Review;

/* The current record's field value, raw (as in the log). */
static const char *field_raw(auparse_state_t *au, const char *name) {
        if (auparse_first_field(au) <= 0)
                return NULL;
        do {
                const char *n = auparse_get_field_name(au);
                if (n && streq(n, name))
                        return auparse_get_field_str(au);
        } while (auparse_next_field(au) > 0);
        return NULL;
}

/* A number, bare or in the quotes paddock's own records put around it;
 * "unset" (4294967295) is no number. */
static int field_u32(auparse_state_t *au, const char *name, uint64_t *ret) {
        const char *raw = field_raw(au, name);
        char buf[16];
        size_t n;

        if (!raw)
                return -ENOENT;
        n = strlen(raw);
        if (n >= 2 && raw[0] == '"' && raw[n - 1] == '"') {
                if (n - 2 >= sizeof buf)
                        return -EINVAL;
                memcpy(buf, raw + 1, n - 2);
                buf[n - 2] = 0;
                raw = buf;
        }
        return parse_decimal(raw, 0, UINT32_MAX - 1, ret);
}

/* ... and interpreted (hex decoded, numbers named). */
static const char *field_interp(auparse_state_t *au, const char *name) {
        return field_raw(au, name) ? auparse_interpret_field(au) : NULL;
}

static bool goto_record(auparse_state_t *au, int type) {
        if (auparse_first_record(au) <= 0)
                return false;
        do {
                if (auparse_get_type(au) == type)
                        return true;
        } while (auparse_next_record(au) > 0);
        return false;
}

static const char *task_of_ses(const Review *rv, unsigned ses) {
        for (size_t i = 0; i < rv->n_tasks; i++)
                if (rv->tasks[i].ses == ses)
                        return rv->tasks[i].task;
        return NULL;
}

static void remember_task(Review *rv, const char *task, unsigned ses) {
        if (task_of_ses(rv, ses))
                return;
        TaskSes *x = reallocarray(rv->tasks, rv->n_tasks + 1, sizeof(TaskSes));
        if (!x)
                return;
        rv->tasks = x;
        snprintf(x[rv->n_tasks].task, sizeof x[rv->n_tasks].task, "%s", task);
        x[rv->n_tasks].ses = ses;
        rv->n_tasks++;
}

typedef struct Event {
        ReviewKind kind;
        const char *agent;
        unsigned ses;
        bool has_ses;
        char *auid;             /* interpreted */
        char *uid;
        char *task;
        char *op, *res;         /* paddock records */
        char **argv;            /* exec */
        char *syscall, *exit_;  /* kernel events */
        char **paths;
        char *daddr, *proto;    /* denied connections */
} Event;

static void event_done(Event *e) {
        free(e->auid);
        free(e->uid);
        free(e->task);
        free(e->op);
        free(e->res);
        strv_free(e->argv);
        free(e->syscall);
        free(e->exit_);
        strv_free(e->paths);
        free(e->daddr);
        free(e->proto);
}

static char *dup_or_null(const char *s) {
        return s ? strdup(s) : NULL;
}

/* An agent by the raw key, acct or mark; NULL if none of ours. */
static const char *match(const Review *rv, char **list, const char *raw) {
        if (!raw)
                return NULL;
        size_t i = 0;
        STRV_FOREACH(x, list) {
                if (streq(*x, raw))
                        return rv->o->all_agents ? rv->o->registry->entries[i].name : rv->o->agent;
                i++;
        }
        return NULL;
}

/* Where an interpreted field is copied to. */
typedef struct FieldCopy {
        const char *name;
        char **dest;
} FieldCopy;

/* An event whose agent is known by one raw field (key, mark): on a match it
 * is of the given kind and gets the fields (a list ending in {}) copied;
 * 1 if it is the agent's. */
static int match_copy(const Review *rv, Event *e, char **list, const char *field, ReviewKind kind,
                      const FieldCopy *copy) {
        e->agent = match(rv, list, field_raw(rv->au, field));
        if (!e->agent)
                return 0;
        e->kind = kind;
        for (; copy->name; copy++)
                *copy->dest = dup_or_null(field_interp(rv->au, copy->name));
        return 1;
}

/* Classify the current event; 1 if it is the agent's. */
static int classify(Review *rv, Event *e) {
        auparse_state_t *au = rv->au;
        int type;

        if (auparse_first_record(au) <= 0)
                return 0;
        type = auparse_get_type(au);

        if (is_paddock_user_type(type)) {
                const char *raw = field_raw(au, "acct");
                e->agent = match(rv, rv->accts, raw);
                if (!e->agent && raw && raw[0] != '"') {
                        /* A hex-encoded acct: compare the decoded name. */
                        const char *v = auparse_interpret_field(au);
                        _cleanup_free_ char *q = NULL;
                        if (v && asprintf(&q, "\"%s\"", v) >= 0)
                                e->agent = match(rv, rv->accts, q);
                }
                if (!e->agent)
                        return 0;
                e->kind = type == AUDIT_USER_START ? REVIEW_TASK_START :
                          type == AUDIT_USER_END ? REVIEW_TASK_END : REVIEW_CHANGE;
                e->op = dup_or_null(field_interp(au, "op"));
                e->res = dup_or_null(field_interp(au, "res"));
                e->auid = dup_or_null(field_interp(au, "auid"));
                e->uid = dup_or_null(field_interp(au, "uid"));
                /* A task's own session, when paddock-run sent the record
                 * from outside it (tasks under systemd); else the record's. */
                uint64_t v;
                if (field_u32(au, "task-ses", &v) >= 0 || field_u32(au, "ses", &v) >= 0) {
                        e->ses = (unsigned) v;
                        e->has_ses = true;
                }
                const char *term = field_raw(au, "terminal");
                const char *task = term ? startswith(term, "task-") : NULL;
                if (task) {
                        e->task = strdup(task);
                        if (e->has_ses && e->kind == REVIEW_TASK_START)
                                remember_task(rv, task, e->ses);
                }
                return 1;
        }

        /* The kernel's own record of a rule with the agent's key being
         * loaded or deleted. */
        if (type == AUDIT_CONFIG_CHANGE)
                return match_copy(rv, e, rv->keys, "key", REVIEW_CHANGE, (const FieldCopy[]) {
                                { "op", &e->op }, { "res", &e->res }, { "auid", &e->auid }, {} });

        if (type == AUDIT_NETFILTER_PKT)
                return match_copy(rv, e, rv->marks, "mark", REVIEW_DENIED_CONNECT, (const FieldCopy[]) {
                                { "daddr", &e->daddr }, { "proto", &e->proto }, {} });

        if (!goto_record(au, AUDIT_SYSCALL))
                return 0;
        const char *key = field_raw(au, "key");
        if (streq_ptr(key, "\"" AUDIT_KEY_SHARED "\""))
                e->agent = match(rv, rv->uids, field_raw(au, "uid"));
        else
                e->agent = match(rv, rv->keys, key);
        if (!e->agent)
                return 0;
        e->syscall = dup_or_null(field_interp(au, "syscall"));
        const char *exit_raw = field_raw(au, "exit");
        e->exit_ = dup_or_null(exit_raw ? auparse_interpret_field(au) : NULL);
        e->auid = dup_or_null(field_interp(au, "auid"));
        e->uid = dup_or_null(field_interp(au, "uid"));
        uint64_t v;
        /* 4294967295: no session (auid unset). */
        if (field_u32(au, "ses", &v) >= 0) {
                e->ses = (unsigned) v;
                e->has_ses = true;
                const char *t = task_of_ses(rv, e->ses);
                if (t)
                        e->task = strdup(t);
        }
        bool failed = exit_raw && exit_raw[0] == '-';

        if (e->syscall && startswith(e->syscall, "execve")) {
                e->kind = REVIEW_EXEC;
                if (goto_record(au, AUDIT_EXECVE)) {
                        const char *argc_s = field_raw(au, "argc");
                        uint64_t argc = 0;
                        if (argc_s && parse_decimal(argc_s, 0, 4096, &argc) >= 0)
                                for (uint64_t i = 0; i < argc; i++) {
                                        char name[24];
                                        snprintf(name, sizeof name, "a%" PRIu64, i);
                                        const char *a = field_interp(au, name);
                                        if (strv_extend(&e->argv, a ?: "") < 0)
                                                break;
                                }
                }
        } else if (failed && (streq_ptr(e->syscall, "open") || streq_ptr(e->syscall, "openat") ||
                              streq_ptr(e->syscall, "openat2") || streq_ptr(e->syscall, "creat")))
                e->kind = REVIEW_DENIED_OPEN;
        else
                e->kind = failed ? REVIEW_OTHER : REVIEW_WRITE;

        /* The files involved; for a failed execve, the program it tried. */
        if ((e->kind != REVIEW_EXEC || !e->argv) && auparse_first_record(au) > 0) {
                do {
                        if (auparse_get_type(au) != AUDIT_PATH)
                                continue;
                        const char *nt = field_raw(au, "nametype");
                        if (nt && streq(nt, "PARENT"))
                                continue;
                        const char *name = field_interp(au, "name");
                        if (name && !strv_contains(e->paths, name))
                                (void) strv_extend(&e->paths, name);
                } while (auparse_next_record(au) > 0);
        }
        return 1;
}

static bool wanted(const Review *rv, const Event *e, const au_event_t *ts) {
        const ReviewOptions *o = rv->o;
        if (o->since >= 0 && (int64_t) ts->sec < o->since)
                return false;
        if (o->until >= 0 && (int64_t) ts->sec > o->until)
                return false;
        if (o->task && !streq_ptr(e->task, o->task))
                return false;
        if (o->by_auid) {
                /* What agents did for this human: their tasks and kernel events. */
                if (e->kind == REVIEW_CHANGE)
                        return false;
                const char *raw;
                auparse_first_record(rv->au);
                uint64_t v;
                /* A task's records name its human, whoever started it. */
                if ((e->kind == REVIEW_TASK_START || e->kind == REVIEW_TASK_END) &&
                    field_u32(rv->au, "human-uid", &v) >= 0)
                        return (uid_t) v == o->auid;
                raw = e->kind == REVIEW_DENIED_CONNECT ? NULL : field_raw(rv->au, "auid");
                if (!raw && e->kind != REVIEW_DENIED_CONNECT && goto_record(rv->au, AUDIT_SYSCALL))
                        raw = field_raw(rv->au, "auid");
                if (!raw || parse_decimal(raw, 0, UINT32_MAX, &v) < 0 || (uid_t) v != o->auid)
                        return false;
        }
        return true;
}

static void print_event(Review *rv, const Event *e, const au_event_t *ts) {
        FILE *f = rv->out;
        struct tm tm;
        time_t t = (time_t) ts->sec;
        char when[32];

        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);

        if (rv->o->json) {
                JsonObject o;
                json_object_begin(&o, f);
                json_kv_string(&o, "time", when);
                json_key(&o, "epoch");
                fprintf(f, "%lu.%03u", (unsigned long) ts->sec, ts->milli);
                json_kv_uint(&o, "serial", ts->serial);
                json_kv_string(&o, "agent", e->agent);
                json_kv_string(&o, "kind", review_kind_to_string(e->kind));
                json_kv_string(&o, "task", e->task);
                json_kv_string(&o, "auid", e->auid);
                json_kv_string(&o, "uid", e->uid);
                if (e->has_ses)
                        json_kv_uint(&o, "ses", e->ses);
                if (e->op)
                        json_kv_string(&o, "op", e->op);
                if (e->res)
                        json_kv_string(&o, "res", e->res);
                if (e->syscall)
                        json_kv_string(&o, "syscall", e->syscall);
                if (e->exit_)
                        json_kv_string(&o, "exit", e->exit_);
                if (e->argv)
                        json_kv_strv(&o, "command", e->argv);
                if (e->paths)
                        json_kv_strv(&o, "paths", e->paths);
                if (e->daddr)
                        json_kv_string(&o, "daddr", e->daddr);
                if (e->proto)
                        json_kv_string(&o, "proto", e->proto);
                json_object_end(&o);
                fputc('\n', f);
                return;
        }

        fprintf(f, "%s.%03u %-14s %-12s", when, ts->milli, review_kind_to_string(e->kind), e->agent);
        if (e->task)
                fprintf(f, " task=%s", e->task);
        if (e->auid && !streq(e->auid, "unset"))
                fprintf(f, " for=%s", e->auid);
        fputc(' ', f);
        switch (e->kind) {
        case REVIEW_CHANGE:
        case REVIEW_TASK_START:
        case REVIEW_TASK_END:
                fprintf(f, "%s %s", strna(e->op), strna(e->res));
                break;
        case REVIEW_EXEC:
                STRV_FOREACH(a, e->argv)
                        fprintf(f, "%s%s", a == e->argv ? "" : " ", *a);
                if (!e->argv) {
                        /* A failed execve leaves no EXECVE record. */
                        fprintf(f, "(failed: %s)", strna(e->exit_));
                        STRV_FOREACH(a, e->paths)
                                fprintf(f, " %s", *a);
                }
                break;
        case REVIEW_DENIED_CONNECT:
                fprintf(f, "%s proto %s", strna(e->daddr), strna(e->proto));
                break;
        default:
                fprintf(f, "%s", strna(e->syscall));
                if (e->exit_ && e->exit_[0] == '-')
                        fprintf(f, " %s", e->exit_);
                else if (e->exit_ && e->kind != REVIEW_WRITE)
                        fprintf(f, " %s", e->exit_);
                STRV_FOREACH(a, e->paths)
                        fprintf(f, " %s", *a);
        }
        fputc('\n', f);
}

static int setup_lists(Review *rv) {
        const ReviewOptions *o = rv->o;
        if (o->all_agents) {
                /* Index i of every list is registry entry i. */
                for (size_t i = 0; i < o->registry->n; i++) {
                        const UidEntry *x = &o->registry->entries[i];
                        _cleanup_free_ char *user = agent_user_name(o->config, x->name);
                        if (!user ||
                            strv_extendf(&rv->keys, "\"paddock-%s\"", x->name) < 0 ||
                            strv_extendf(&rv->accts, "\"%s\"", user) < 0 ||
                            strv_extendf(&rv->marks, "0x%x", (unsigned) x->uid) < 0 ||
                            strv_extendf(&rv->uids, "%u", (unsigned) x->uid) < 0)
                                return -ENOMEM;
                }
                return 0;
        }
        if (strv_extendf(&rv->keys, "\"paddock-%s\"", o->agent) < 0 ||
            strv_extendf(&rv->accts, "\"%s\"", o->user) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < o->n_uids; i++)
                if (strv_extendf(&rv->marks, "0x%x", (unsigned) o->uids[i]) < 0 ||
                    strv_extendf(&rv->uids, "%u", (unsigned) o->uids[i]) < 0)
                        return -ENOMEM;
        return 0;
}

static int prescan_tasks(Review *rv) {
        auparse_state_t *main_au = rv->au;

        rv->au = rv->o->input ? auparse_init(AUSOURCE_FILE, rv->o->input) : auparse_init(AUSOURCE_LOGS, NULL);
        if (!rv->au) {
                rv->au = main_au;
                return -errno;
        }
        if (ausearch_add_item(rv->au, "type", "=", "USER_START", AUSEARCH_RULE_CLEAR) == 0 &&
            ausearch_set_stop(rv->au, AUSEARCH_STOP_EVENT) == 0)
                while (ausearch_next_event(rv->au) > 0) {
                        _cleanup_(event_done) Event e = {};
                        (void) classify(rv, &e);
                        if (auparse_next_event(rv->au) <= 0)
                                break;
                }
        auparse_destroy(rv->au);
        rv->au = main_au;
        return 0;
}

int review_run(const ReviewOptions *o, FILE *out) {
        Review rv = { .o = o, .out = out };
        int r;

        r = setup_lists(&rv);
        if (r < 0)
                goto finish;
        if (!o->input)
                rv.au = auparse_init(AUSOURCE_LOGS, NULL);
        else if (streq(o->input, "-"))
                rv.au = auparse_init(AUSOURCE_FILE_POINTER, stdin);
        else
                rv.au = auparse_init(AUSOURCE_FILE, o->input);
        if (!rv.au) {
                r = -errno;
                goto finish;
        }

        /* A task's kernel events may come before its USER_START (under
         * systemd the task runs before paddock-run hears it did): learn
         * every task's session first, where the input can be read twice. */
        if (!o->input || !streq(o->input, "-")) {
                r = prescan_tasks(&rv);
                if (r < 0)
                        goto finish;
        }

        while (auparse_next_event(rv.au) > 0) {
                _cleanup_(event_done) Event e = {};
                const au_event_t *ts = auparse_get_timestamp(rv.au);
                if (!ts || classify(&rv, &e) <= 0 || !wanted(&rv, &e, ts))
                        continue;
                rv.count[e.kind]++;
                rv.n_events++;
                if (!o->summary)
                        print_event(&rv, &e, ts);
        }

        if (o->summary) {
                if (o->json) {
                        JsonObject j;
                        json_object_begin(&j, out);
                        for (int k = 0; k < _REVIEW_KIND_MAX; k++)
                                json_kv_uint(&j, review_kind_to_string(k), rv.count[k]);
                        json_kv_uint(&j, "total", rv.n_events);
                        json_object_end(&j);
                        fputc('\n', out);
                } else {
                        fprintf(out, "%-16s %s\n", "KIND", "EVENTS");
                        for (int k = 0; k < _REVIEW_KIND_MAX; k++)
                                fprintf(out, "%-16s %lu\n", review_kind_to_string(k), rv.count[k]);
                        fprintf(out, "%-16s %lu\n", "total", rv.n_events);
                }
        }
        r = 0;
finish:
        if (rv.au)
                auparse_destroy(rv.au);
        strv_free(rv.keys);
        strv_free(rv.accts);
        strv_free(rv.marks);
        strv_free(rv.uids);
        free(rv.tasks);
        return r;
}
