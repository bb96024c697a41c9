/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <libaudit.h>
#include <sys/utsname.h>

#include "audit-rules.h"
#include "paddock-conf.h"
#include "strv.h"

/* libaudit keeps per-rule parsing state in globals, as auditctl does; reset
 * them before each rule. */
extern int _audit_elf, _audit_syscalladded, _audit_archadded, _audit_permadded,
        _audit_exeadded, _audit_filterfsadded;

static void reset_parser(void) {
        _audit_elf = 0;
        _audit_syscalladded = 0;
        _audit_archadded = 0;
        _audit_permadded = 0;
        _audit_exeadded = 0;
        _audit_filterfsadded = 0;
}

/* Executions, file writes and attribute changes in one rule: with perm=wax
 * the kernel counts execve as "x", the write and attribute classes as "w" and
 * "a", and the open calls only when they open for writing. Each rule is one
 * more step for every system call of every process on the host (the kernel
 * walks the exit list in order), so an agent gets as few as the rule language
 * allows: this one and the two for denied opens, per architecture. Listing
 * the calls, rather than all of them, keeps every other system call out of
 * their field checks. */
static const char * const watched_calls[] = {
        "execve", "execveat",
        "open", "openat", "openat2", "creat", "truncate", "ftruncate", "fallocate",
        "rename", "renameat", "renameat2", "unlink", "unlinkat", "mkdir", "mkdirat",
        "rmdir", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat",
        "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat",
        "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
        "utime", "utimes", "utimensat", "futimesat",
        NULL,
};
static const char * const open_calls[] = { "open", "openat", "openat2", "creat", NULL };

void audit_rule_set_done(AuditRuleSet *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->rules[i].data);
                free(s->rules[i].text);
                free(s->rules[i].key);
        }
        free(s->rules);
        *s = (AuditRuleSet) {};
}

static int push(AuditRuleSet *s, struct audit_rule_data *d, char *text, const char *key) {
        AuditRule *x = reallocarray(s->rules, s->n + 1, sizeof(AuditRule));
        if (!x)
                return -ENOMEM;
        s->rules = x;
        x[s->n] = (AuditRule) {
                .data = d,
                .size = sizeof(struct audit_rule_data) + d->buflen,
                .text = text,
                .key = strdup(key),
        };
        if (!x[s->n].key)
                return -ENOMEM;
        s->n++;
        return 0;
}

/* One exit rule: arch, system calls, then "name=value" fields. */
static int build(AuditRuleSet *s, const char *arch, const char * const *calls, char **fields, const char *key) {
        struct audit_rule_data *d = audit_rule_create_data();
        char *buf = NULL, *pair = NULL;
        size_t size = 0;
        int r;

        if (!d)
                return -ENOMEM;
        reset_parser();
        FILE *f = open_memstream(&buf, &size);
        if (!f) {
                audit_rule_free_data(d);
                return -ENOMEM;
        }
        fputs("-a always,exit", f);

        if (arch) {
                if (asprintf(&pair, "arch=%s", arch) < 0)
                        goto oom;
                if (audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT) < 0)
                        goto inval;
                fprintf(f, " -F arch=%s", arch);
                pair = (free(pair), NULL);
        }
        bool first = true;
        for (const char * const *c = calls; c && *c; c++) {
                /* A call this architecture does not have is left out. */
                if (audit_rule_syscallbyname_data(d, *c) < 0)
                        continue;
                _audit_syscalladded = 1;
                fprintf(f, "%s%s", first ? " -S " : ",", *c);
                first = false;
        }
        STRV_FOREACH(p, fields) {
                /* libaudit cuts the string it is given: hand it a copy. */
                pair = strdup(*p);
                if (!pair)
                        goto oom;
                if (audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT) < 0)
                        goto inval;
                pair = (free(pair), NULL);
                fprintf(f, " -F %s", *p);
        }
        if (asprintf(&pair, "key=%s", key) < 0)
                goto oom;
        if (audit_rule_fieldpair_data(&d, pair, AUDIT_FILTER_EXIT) < 0)
                goto inval;
        fprintf(f, " -F key=%s", key);
        free(pair);

        d->flags = AUDIT_FILTER_EXIT;
        d->action = AUDIT_ALWAYS;
        if (fclose(f) != 0) {
                free(buf);
                audit_rule_free_data(d);
                return -ENOMEM;
        }
        r = push(s, d, buf, key);
        if (r < 0) {
                free(buf);
                audit_rule_free_data(d);
        }
        return r;
oom:
        r = -ENOMEM;
        goto fail;
inval:
        r = -EINVAL;
fail:
        free(pair);
        fclose(f);
        free(buf);
        audit_rule_free_data(d);
        return r;
}

/* The architectures to cover: the native one and, on 64-bit x86 and ARM,
 * the 32-bit one too (an agent could run 32-bit binaries). */
static void host_arches(const char **a, const char **b) {
        struct utsname u;
        *a = "b64";
        *b = NULL;
        if (uname(&u) < 0)
                return;
        if (streq(u.machine, "x86_64") || streq(u.machine, "aarch64") || streq(u.machine, "ppc64le") ||
            streq(u.machine, "s390x"))
                *b = "b32";
        if (strstr(u.machine, "86") && !streq(u.machine, "x86_64"))
                *a = "b32";
}

/* The three rules per architecture, for the processes the uid fields
 * select (one uid, or a range "uid>=A", "uid<=B"). */
static int build_watched(AuditRuleSet *s, char *uid1, char *uid2, const char *key) {
        static const struct {
                const char * const *calls;
                const char *field;
        } kinds[] = {
                { watched_calls, "perm=wax" },
                { open_calls,    "exit=-EACCES" },
                { open_calls,    "exit=-EPERM" },
        };
        const char *arches[2];
        int r;

        host_arches(&arches[0], &arches[1]);
        for (size_t i = 0; i < 2; i++)
                for (size_t k = 0; arches[i] && k < ELEMENTSOF(kinds); k++) {
                        char *f[4] = { uid1 };
                        size_t n = 1;
                        if (uid2)
                                f[n++] = uid2;
                        f[n] = (char *) kinds[k].field;
                        r = build(s, arches[i], kinds[k].calls, f, key);
                        if (r < 0)
                                return r;
                }
        return 0;
}

int audit_rules_for_agent(const char *name, uid_t uid, AuditRuleSet *s) {
        _cleanup_free_ char *key = NULL, *uidf = NULL;

        if (asprintf(&key, AUDIT_KEY_PREFIX "%s", name) < 0 || asprintf(&uidf, "uid=%u", (unsigned) uid) < 0)
                return -ENOMEM;
        return build_watched(s, uidf, NULL, key);
}

int audit_rules_shared(uid_t first, uid_t last, AuditRuleSet *s) {
        _cleanup_free_ char *lo = NULL, *hi = NULL;

        if (asprintf(&lo, "uid>=%u", (unsigned) first) < 0 || asprintf(&hi, "uid<=%u", (unsigned) last) < 0)
                return -ENOMEM;
        return build_watched(s, lo, hi, AUDIT_KEY_SHARED);
}

int audit_rules_for_config(AuditRuleSet *s) {
        /* -w DIR -p wa, as auditctl writes it: a dir= watch with perm=wa. */
        static const char * const dirs[] = { "/etc/paddock", PADDOCK_STATE_DIR "/uids" };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *w = NULL;
                bool file = i == 1;
                if (asprintf(&w, "%s=%s", file ? "path" : "dir", dirs[i]) < 0)
                        return -ENOMEM;
                char *f[] = { w, (char *) "perm=wa", NULL };
                int r = build(s, NULL, NULL, f, AUDIT_KEY_CONFIG);
                if (r < 0)
                        return r;
        }
        return 0;
}

static const char *rule_key(const struct audit_rule_data *d) {
        size_t off = 0;
        for (uint32_t i = 0; i < d->field_count && i < AUDIT_MAX_FIELDS; i++) {
                uint32_t field = d->fields[i] & ~AUDIT_OPERATORS & ~AUDIT_NEGATE;
                bool has_buf = field == AUDIT_WATCH || field == AUDIT_DIR || field == AUDIT_FILTERKEY ||
                               field == AUDIT_EXE || (field >= AUDIT_SUBJ_USER && field <= AUDIT_OBJ_LEV_HIGH);
                if (!has_buf)
                        continue;
                if (field == AUDIT_FILTERKEY) {
                        static char key[AUDIT_MAX_KEY_LEN + 1];
                        size_t n = MIN((size_t) d->values[i], (size_t) AUDIT_MAX_KEY_LEN);
                        if (off + n > d->buflen)
                                return NULL;
                        memcpy(key, d->buf + off, n);
                        key[n] = 0;
                        return key;
                }
                off += d->values[i];
        }
        return NULL;
}

int audit_rules_list_live(int fd, AuditRuleSet *ret) {
        AuditRuleSet s = {};
        struct audit_reply rep;
        int r;

        r = audit_request_rules_list_data(fd);
        if (r <= 0)
                return r < 0 ? -EPERM : -EIO;
        for (;;) {
                r = audit_get_reply(fd, &rep, GET_REPLY_BLOCKING, 0);
                if (r <= 0) {
                        audit_rule_set_done(&s);
                        return -EIO;
                }
                if (rep.type == NLMSG_DONE)
                        break;
                if (rep.type == NLMSG_ERROR) {
                        int e = rep.error ? -rep.error->error : EIO;
                        audit_rule_set_done(&s);
                        return -e;
                }
                if (rep.type != AUDIT_LIST_RULES)
                        continue;
                const char *key = rule_key(rep.ruledata);
                if (!key || !startswith(key, AUDIT_KEY_PREFIX))
                        continue;       /* not ours: never touched */
                size_t size = sizeof(struct audit_rule_data) + rep.ruledata->buflen;
                struct audit_rule_data *copy = malloc(size);
                if (!copy) {
                        audit_rule_set_done(&s);
                        return -ENOMEM;
                }
                memcpy(copy, rep.ruledata, size);
                r = push(&s, copy, NULL, key);
                if (r < 0) {
                        free(copy);
                        audit_rule_set_done(&s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

bool audit_rule_equal(const AuditRule *a, const AuditRule *b) {
        const struct audit_rule_data *x = a->data, *y = b->data;
        if (a->size != b->size || x->flags != y->flags || x->action != y->action || x->field_count != y->field_count)
                return false;
        if (memcmp(x->mask, y->mask, sizeof x->mask) != 0)
                return false;
        for (uint32_t i = 0; i < x->field_count && i < AUDIT_MAX_FIELDS; i++)
                if (x->fields[i] != y->fields[i] || x->values[i] != y->values[i] || x->fieldflags[i] != y->fieldflags[i])
                        return false;
        return x->buflen == y->buflen && memcmp(x->buf, y->buf, x->buflen) == 0;
}

const AuditRule *audit_rule_set_find(const AuditRuleSet *s, const AuditRule *r) {
        for (size_t i = 0; i < s->n; i++)
                if (audit_rule_equal(&s->rules[i], r))
                        return &s->rules[i];
        return NULL;
}

int audit_rule_add(int fd, const AuditRule *r) {
        int k = audit_add_rule_data(fd, r->data, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
        return k < 0 ? k : 0;
}

int audit_rule_delete(int fd, const AuditRule *r) {
        int k = audit_delete_rule_data(fd, r->data, AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
        return k < 0 ? k : 0;
}

int audit_rules_immutable(int fd) {
        int r = audit_is_enabled(fd);
        if (r < 0)
                return -errno;
        return r == 2;
}

int audit_rules_format(const AuditRuleSet *s, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs("## paddock: kernel audit rules for every agent (key paddock-NAME) and for\n"
              "## paddock's own configuration (key paddock-config). Written by\n"
              "## paddock-audit apply; do not edit, the next apply replaces this file.\n", f);
        for (size_t i = 0; i < s->n; i++)
                fprintf(f, "%s\n", s->rules[i].text);
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        return 0;
}
