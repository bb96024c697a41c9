/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "audit-record.h"
#include "fileio.h"
#include "fs-util.h"
#include "parse-util.h"
#include "path-util.h"
#include "pwdb.h"
#include "strv.h"
#include "uidreg.h"
#include "users.h"

static const struct {
        const char *done, *would;
        int audit_type;
        const char *op;
} change_table[_CHANGE_KIND_MAX] = {
        [CHANGE_ADD_GROUP]        = { "created group",            "would create group",            AUDIT_ADD_GROUP,   "add-group" },
        [CHANGE_ADD_USER]         = { "created user",             "would create user",             AUDIT_ADD_USER,    "add-user" },
        [CHANGE_MODIFY_USER]      = { "updated user",             "would update user",             AUDIT_USYS_CONFIG, "modify-user" },
        [CHANGE_DEL_USER]         = { "removed user",             "would remove user",             AUDIT_DEL_USER,    "delete-user" },
        [CHANGE_DEL_GROUP]        = { "removed group",            "would remove group",            AUDIT_DEL_GROUP,   "delete-group" },
        [CHANGE_CREATE_STATE_DIR] = { "created state directory",  "would create state directory",  AUDIT_USYS_CONFIG, "create-state-dir" },
        [CHANGE_FIX_STATE_DIR]    = { "fixed state directory",    "would fix state directory",     AUDIT_USYS_CONFIG, "fix-state-dir" },
        [CHANGE_REMOVE_STATE_DIR] = { "removed state directory",  "would remove state directory",  AUDIT_USYS_CONFIG, "remove-state-dir" },
};

static const char * const agent_state_table[_AGENT_STATE_MAX] = {
        [AGENT_OK] = "ok",
        [AGENT_EXPIRED] = "expired",
        [AGENT_REVOKED] = "revoked",
        [AGENT_PENDING] = "pending",
        [AGENT_ORPHANED] = "orphaned",
};

const char *agent_state_to_string(AgentState s) {
        return s >= 0 && s < _AGENT_STATE_MAX ? agent_state_table[s] : NULL;
}

void users_result_done(UsersResult *r) {
        for (size_t i = 0; i < r->n_changes; i++) {
                free(r->changes[i].agent);
                free(r->changes[i].user);
                free(r->changes[i].detail);
        }
        free(r->changes);
        strv_free(r->conflicts);
        strv_free(r->orphans);
        *r = (UsersResult) {};
}

static int add_change(UsersResult *res, UserChangeKind kind, const char *agent, const char *user,
                      uid_t id, const char *detail) {
        UserChange *n = reallocarray(res->changes, res->n_changes + 1, sizeof(UserChange));
        if (!n)
                return -ENOMEM;
        res->changes = n;
        UserChange *c = &n[res->n_changes];
        *c = (UserChange) {
                .kind = kind,
                .id = id,
                .agent = strdup(agent),
                .user = strdup(user),
                .detail = detail ? strdup(detail) : NULL,
        };
        res->n_changes++;
        if (!c->agent || !c->user || (detail && !c->detail))
                return -ENOMEM;
        return 0;
}

char *user_change_describe(const UserChange *c, bool dry_run) {
        const char *verb = dry_run ? change_table[c->kind].would : change_table[c->kind].done;
        _cleanup_free_ char *dir = NULL;
        char *s = NULL;
        int k;

        switch (c->kind) {
        case CHANGE_ADD_GROUP:
        case CHANGE_DEL_GROUP:
                k = asprintf(&s, "%s %s (gid %u)", verb, c->user, (unsigned) c->id);
                break;
        case CHANGE_MODIFY_USER:
                k = asprintf(&s, "%s %s (uid %u): %s", verb, c->user, (unsigned) c->id, strna(c->detail));
                break;
        case CHANGE_CREATE_STATE_DIR:
        case CHANGE_FIX_STATE_DIR:
        case CHANGE_REMOVE_STATE_DIR:
                dir = agent_state_dir(c->agent);
                k = asprintf(&s, "%s %s", verb, strna(dir));
                break;
        default:
                k = asprintf(&s, "%s %s (uid %u)", verb, c->user, (unsigned) c->id);
        }
        return k < 0 ? NULL : s;
}

void users_result_audit(const UsersResult *r) {
        for (size_t i = 0; i < r->n_changes; i++) {
                const UserChange *c = &r->changes[i];
                _cleanup_free_ char *fields = NULL, *dir = NULL;

                if (c->detail) {
                        /* "description, shadow entry" -> "description,shadow-entry":
                         * without spaces ausearch shows it as it is. */
                        _cleanup_free_ char *token = strdup(c->detail);
                        if (token) {
                                char *o = token;
                                for (const char *q = c->detail; *q; q++)
                                        if (*q != ' ')
                                                *o++ = *q;
                                        else if (o > token && o[-1] != ',')
                                                *o++ = '-';
                                *o = 0;
                                (void) audit_fields_add(&fields, "changed", token);
                        }
                }
                if (c->kind == CHANGE_CREATE_STATE_DIR || c->kind == CHANGE_FIX_STATE_DIR ||
                    c->kind == CHANGE_REMOVE_STATE_DIR) {
                        dir = agent_state_dir(c->agent);
                        if (dir)
                                (void) audit_fields_add(&fields, "path", dir);
                }
                (void) audit_record(change_table[c->kind].audit_type, change_table[c->kind].op,
                                    c->user, c->id == UID_INVALID ? AUDIT_ID_NONE : (int64_t) c->id,
                                    fields, c->error == 0);
        }
}

/* The four lines an agent's identity consists of. */
typedef struct IdentityLines {
        char *passwd, *group, *shadow, *gshadow;
} IdentityLines;

static void identity_lines_done(IdentityLines *l) {
        free(l->passwd);
        free(l->group);
        free(l->shadow);
        free(l->gshadow);
}

static int identity_lines_make(const Agent *a, const char *user, uid_t uid, const PwLine *old_shadow,
                               IdentityLines *ret) {
        _cleanup_free_ char *home = agent_state_dir(a->name), *lastchg = NULL;
        char expire[32] = "";
        IdentityLines l = {};

        if (!home)
                return -ENOMEM;
        /* Keep the day of the last password change of an existing entry,
         * so that a second run changes nothing. */
        if (old_shadow)
                lastchg = pw_field(old_shadow->text, 2);
        if (!lastchg || !*lastchg) {
                free(lastchg);
                if (asprintf(&lastchg, "%" PRIi64, today_days()) < 0)
                        return -ENOMEM;
        }
        /* Expires= names the last day the agent may work; shadow's expire
         * field is the first day it may not (pam_unix: today >= expire). */
        if (a->expires >= 0)
                snprintf(expire, sizeof expire, "%" PRIi64, a->expires + 1);

        if (asprintf(&l.passwd, "%s:x:%u:%u:%s:%s:%s", user, (unsigned) uid, (unsigned) uid,
                     a->description, home, NOLOGIN_SHELL) < 0 ||
            asprintf(&l.group, "%s:x:%u:", user, (unsigned) uid) < 0 ||
            asprintf(&l.shadow, "%s:%s:%s:::::%s:", user, LOCKED_PASSWORD, lastchg, expire) < 0 ||
            asprintf(&l.gshadow, "%s:%s::", user, LOCKED_PASSWORD) < 0) {
                identity_lines_done(&l);
                return -ENOMEM;
        }
        *ret = l;
        return 0;
}

typedef struct InUse {
        const PwDb *db;
} InUse;

static bool id_in_use(uid_t id, void *userdata) {
        const PwDb *db = ((InUse *) userdata)->db;
        return pwfile_find_id(&db->files[PW_PASSWD], id) || pwfile_find_id(&db->files[PW_GROUP], id);
}

/* Is the existing entry (if any) ours: the registry's uid for this agent? */
static int check_ownership(const PwDb *db, const UidEntry *reg, const char *user, char ***conflicts) {
        const PwLine *pw = pwfile_find_name(&db->files[PW_PASSWD], user);
        const PwLine *gr = pwfile_find_name(&db->files[PW_GROUP], user);
        int r;

        if (pw && (!reg || !pw->has_id || pw->id != reg->uid)) {
                r = strv_extendf(conflicts, "user %s exists and was not created by paddock; "
                                 "refusing to take it over", user);
                return r < 0 ? r : 1;
        }
        if (gr && (!reg || !gr->has_id || gr->id != reg->uid)) {
                r = strv_extendf(conflicts, "group %s exists and was not created by paddock; "
                                 "refusing to take it over", user);
                return r < 0 ? r : 1;
        }
        if (reg && !pw) {
                const PwLine *other = pwfile_find_id(&db->files[PW_PASSWD], reg->uid);
                if (other) {
                        r = strv_extendf(conflicts, "uid %u of agent %s is taken by user %s",
                                         (unsigned) reg->uid, reg->name, strna(other->name));
                        return r < 0 ? r : 1;
                }
        }
        return 0;
}

/* Are two lines equal in every field but field `except`? */
static bool pw_equal_except(const char *a, const char *b, unsigned except) {
        for (unsigned i = 0;; i++) {
                size_t la = strcspn(a, ":"), lb = strcspn(b, ":");
                if (i != except && (la != lb || memcmp(a, b, la) != 0))
                        return false;
                if (!a[la] || !b[lb])
                        return !a[la] && !b[lb];
                a += la + 1;
                b += lb + 1;
        }
}

static bool pw_field_differs(const char *a, const char *b, unsigned n) {
        _cleanup_free_ char *x = pw_field(a, n), *y = pw_field(b, n);
        return !streq_ptr(x, y);
}

/* What differs between the existing entries of user and the wanted ones,
 * as "description, expiry", or NULL when nothing does. */
static int describe_modification(const PwDb *db, const char *user, const IdentityLines *want, char **ret) {
        const PwLine *pw = pwfile_find_name(&db->files[PW_PASSWD], user);
        const PwLine *sh = pwfile_find_name(&db->files[PW_SHADOW], user);
        const PwLine *gr = pwfile_find_name(&db->files[PW_GROUP], user);
        const PwLine *gs = pwfile_find_name(&db->files[PW_GSHADOW], user);
        const char *what[5];
        size_t n = 0;

        if (pw_field_differs(pw->text, want->passwd, 4))
                what[n++] = "description";
        if (!pw_equal_except(pw->text, want->passwd, 4))
                what[n++] = "passwd entry";
        if (sh && pw_field_differs(sh->text, want->shadow, 7))
                what[n++] = "expiry";
        if (!sh || !pw_equal_except(sh->text, want->shadow, 7))
                what[n++] = "shadow entry";
        if (!gr || !streq(gr->text, want->group) || !gs || !streq(gs->text, want->gshadow))
                what[n++] = "group entry";

        if (n == 0) {
                *ret = NULL;
                return 0;
        }
        size_t len = 1;
        for (size_t i = 0; i < n; i++)
                len += strlen(what[i]) + 2;
        char *s = calloc(len, 1);
        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        strcat(s, ", ");
                strcat(s, what[i]);
        }
        *ret = s;
        return 0;
}

static int open_state_parent(const char *root, bool create, int *ret_fd) {
        _cleanup_free_ char *dir = path_join_root(root, PADDOCK_AGENT_STATE_DIR);
        int fd;

        if (!dir)
                return -ENOMEM;
        if (create) {
                int r = mkdir_parents(dir, 0755);
                if (r < 0)
                        return r;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* 0: as wanted; 1: missing; 2: wrong mode or owner; -ENOTDIR: not a
 * directory (a symlink is refused, never followed). */
static int state_dir_status(int parent_fd, const char *name, uid_t uid) {
        struct stat st;

        if (parent_fd < 0)
                return 1;
        if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 1 : -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if ((st.st_mode & 07777) != 0700 || st.st_uid != uid || st.st_gid != uid)
                return 2;
        return 0;
}

static mode_t umask_value(void) {
        static mode_t cached = (mode_t) -1;
        if (cached == (mode_t) -1) {
                cached = umask(0077);
                (void) umask(cached);
        }
        return cached;
}

static int state_dir_make(int parent_fd, const char *name, uid_t uid, bool fix) {
        /* The parent is root's and 0755, so nobody can swap name for a
         * symlink between these calls; AT_SYMLINK_NOFOLLOW all the same. */
        if (!fix && mkdirat(parent_fd, name, 0700) < 0)
                return -errno;
        if (fchownat(parent_fd, name, uid, uid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        /* mkdir's mode is 0700 unless the umask took owner bits away. */
        if ((fix || (umask_value() & 0700)) && fchmodat(parent_fd, name, 0700, 0) < 0)
                return -errno;
        return 0;
}

/* Open the user database (taking the passwd lock, which also serializes
 * the uid registry) and the registry. */
static int open_locked(const char *root, PwDb **ret_db, UidRegistry *ret_reg) {
        static const char * const names[] = { "uids", NULL };
        _cleanup_(pwdb_freep) PwDb *db = NULL;
        _cleanup_free_ char *dir = path_join_root(root, PADDOCK_STATE_DIR);
        int r;

        if (!dir)
                return -ENOMEM;
        r = pwdb_open(root, &db);
        if (r < 0)
                return r;
        (void) remove_stale_temporaries(dir, names);
        r = uid_registry_load(root, ret_reg, NULL);
        if (r < 0)
                return r;
        *ret_db = TAKE_PTR(db);
        return 0;
}

static bool selected(const UsersOptions *o, const char *name) {
        return !o->names || strv_contains(o->names, name);
}

/* Nothing planned happened: every change failed with error. */
static void mark_failed(UsersResult *res, int error) {
        for (size_t i = 0; i < res->n_changes; i++)
                res->changes[i].error = error;
        res->error = error;
}

/* Plan the removal of one agent's identity into db and the registry. */
static int plan_removal(PwDb *db, UidRegistry *reg, const Config *c, const char *name,
                        UsersResult *res, bool purge, int parent_fd) {
        _cleanup_free_ char *user = agent_user_name(c, name);
        const UidEntry *e = uid_registry_find_active(reg, name);
        int r;

        if (!user)
                return -ENOMEM;
        if (!e) {
                if (pwfile_find_name(&db->files[PW_PASSWD], user) || pwfile_find_name(&db->files[PW_GROUP], user))
                        return strv_extendf(&res->conflicts,
                                            "user or group %s was not created by paddock; refusing to remove it", user);
                return 0;
        }
        r = check_ownership(db, e, user, &res->conflicts);
        if (r != 0)
                return r < 0 ? r : 0;

        uid_t uid = e->uid;
        if (pwfile_remove(&db->files[PW_PASSWD], user) > 0) {
                r = add_change(res, CHANGE_DEL_USER, name, user, uid, NULL);
                if (r < 0)
                        return r;
        }
        (void) pwfile_remove(&db->files[PW_SHADOW], user);
        if (pwfile_remove(&db->files[PW_GROUP], user) > 0) {
                r = add_change(res, CHANGE_DEL_GROUP, name, user, uid, NULL);
                if (r < 0)
                        return r;
        }
        (void) pwfile_remove(&db->files[PW_GSHADOW], user);
        (void) uid_registry_retire(reg, name);

        if (purge && parent_fd >= 0) {
                struct stat st;
                if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) >= 0) {
                        r = add_change(res, CHANGE_REMOVE_STATE_DIR, name, user, uid, NULL);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* On apply the registry goes first, so that a uid is recorded before any
 * file uses it; on removal it goes last, so that a uid stays known until
 * no file uses it any more. */
static int commit(PwDb *db, UidRegistry *reg, bool registry_first) {
        int r;

        if (registry_first) {
                r = uid_registry_save(reg);
                if (r < 0)
                        return r;
        }
        r = pwdb_commit(db);
        if (r < 0)
                return r;
        if (!registry_first)
                return uid_registry_save(reg);
        return 0;
}

void users_make_state_dirs(const char *root, UsersResult *res) {
        _cleanup_close_ int parent_fd = -EBADF;
        int r;

        for (size_t i = 0; i < res->n_changes; i++) {
                UserChange *c = &res->changes[i];

                if (c->kind != CHANGE_CREATE_STATE_DIR && c->kind != CHANGE_FIX_STATE_DIR &&
                    c->kind != CHANGE_REMOVE_STATE_DIR)
                        continue;
                if (parent_fd < 0) {
                        r = open_state_parent(root, true, &parent_fd);
                        if (r < 0) {
                                c->error = r;
                                continue;
                        }
                }
                if (c->kind == CHANGE_REMOVE_STATE_DIR)
                        c->error = rm_rf_at(parent_fd, c->agent);
                else
                        c->error = state_dir_make(parent_fd, c->agent, c->id, c->kind == CHANGE_FIX_STATE_DIR);
                if (c->error < 0 && res->error == 0)
                        res->error = c->error;
        }
}

int users_apply(const Policy *p, const UsersOptions *o, UsersResult *ret) {
        _cleanup_(pwdb_freep) PwDb *db = NULL;
        _cleanup_close_ int parent_fd = -EBADF;
        UidRegistry reg = {};
        UsersResult res = {};
        const Config *c = p->config;
        int r;

        r = open_locked(o->root, &db, &reg);
        if (r < 0)
                return r;

        r = open_state_parent(o->root, false, &parent_fd);
        if (r < 0 && r != -ENOENT)
                goto fail;

        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                _cleanup_free_ char *user = NULL, *detail = NULL;
                _cleanup_(identity_lines_done) IdentityLines want = {};
                const UidEntry *e;
                uid_t uid;

                if (!selected(o, a->name))
                        continue;
                user = agent_user_name(c, a->name);
                if (!user) {
                        r = -ENOMEM;
                        goto fail;
                }

                e = uid_registry_find_active(&reg, a->name);
                r = check_ownership(db, e, user, &res.conflicts);
                if (r < 0)
                        goto fail;
                if (r > 0) {
                        /* Recorded as a failed attempt, as useradd does. */
                        r = add_change(&res, CHANGE_ADD_USER, a->name, user, UID_INVALID, NULL);
                        if (r < 0)
                                goto fail;
                        continue;
                }

                if (e)
                        uid = e->uid;
                else {
                        InUse in_use = { .db = db };
                        r = uid_registry_allocate(&reg, a->name, c->uid_min, c->uid_max, id_in_use, &in_use, &uid);
                        if (r == -E2BIG) {
                                r = strv_extendf(&res.conflicts, "no free uid left in %u-%u for agent %s",
                                                 (unsigned) c->uid_min, (unsigned) c->uid_max, a->name);
                                if (r < 0)
                                        goto fail;
                                continue;
                        }
                        if (r < 0)
                                goto fail;
                }

                bool had_group = pwfile_find_name(&db->files[PW_GROUP], user);
                bool had_user = pwfile_find_name(&db->files[PW_PASSWD], user);
                r = identity_lines_make(a, user, uid, pwfile_find_name(&db->files[PW_SHADOW], user), &want);
                if (r < 0)
                        goto fail;

                if (had_user) {
                        r = describe_modification(db, user, &want, &detail);
                        if (r < 0)
                                goto fail;
                }
                if (!had_group) {
                        r = add_change(&res, CHANGE_ADD_GROUP, a->name, user, uid, NULL);
                        if (r < 0)
                                goto fail;
                }
                if (!had_user)
                        r = add_change(&res, CHANGE_ADD_USER, a->name, user, uid, NULL);
                else if (detail)
                        r = add_change(&res, CHANGE_MODIFY_USER, a->name, user, uid, detail);
                if (r < 0)
                        goto fail;

                if (pwfile_put(&db->files[PW_GROUP], user, want.group) < 0 ||
                    pwfile_put(&db->files[PW_GSHADOW], user, want.gshadow) < 0 ||
                    pwfile_put(&db->files[PW_PASSWD], user, want.passwd) < 0 ||
                    pwfile_put(&db->files[PW_SHADOW], user, want.shadow) < 0) {
                        r = -ENOMEM;
                        goto fail;
                }

                r = state_dir_status(parent_fd, a->name, uid);
                if (r == -ENOTDIR) {
                        r = strv_extendf(&res.conflicts, "%s/%s exists and is not a directory; refusing to use it",
                                         PADDOCK_AGENT_STATE_DIR, a->name);
                        if (r < 0)
                                goto fail;
                        continue;
                }
                if (r < 0)
                        goto fail;
                if (r > 0) {
                        r = add_change(&res, r == 1 ? CHANGE_CREATE_STATE_DIR : CHANGE_FIX_STATE_DIR,
                                       a->name, user, uid, NULL);
                        if (r < 0)
                                goto fail;
                }
        }

        /* Identities whose agent file is gone: reported, removed only with --prune. */
        for (size_t i = 0; i < reg.n; i++) {
                const UidEntry *e = &reg.entries[i];
                if (e->retired || policy_find_agent(p, e->name) || !selected(o, e->name))
                        continue;
                r = strv_extend(&res.orphans, e->name);
                if (r < 0)
                        goto fail;
        }
        if (o->prune)
                STRV_FOREACH(n, res.orphans) {
                        r = plan_removal(db, &reg, c, *n, &res, true, parent_fd);
                        if (r < 0)
                                goto fail;
                }

        if (res.conflicts) {
                /* Nothing is written; what would have happened fails. */
                mark_failed(&res, -EEXIST);
        } else if (!o->dry_run) {
                r = commit(db, &reg, true);
                if (r < 0)
                        mark_failed(&res, r);
        }

        uid_registry_done(&reg);
        *ret = res;
        return 0;

fail:
        uid_registry_done(&reg);
        users_result_done(&res);
        return r;
}

int users_remove(const Policy *p, const UsersOptions *o, UsersResult *ret) {
        _cleanup_(pwdb_freep) PwDb *db = NULL;
        _cleanup_close_ int parent_fd = -EBADF;
        UidRegistry reg = {};
        UsersResult res = {};
        int r;

        r = open_locked(o->root, &db, &reg);
        if (r < 0)
                return r;
        r = open_state_parent(o->root, false, &parent_fd);
        if (r < 0 && r != -ENOENT)
                goto fail;

        STRV_FOREACH(n, o->names) {
                r = plan_removal(db, &reg, p->config, *n, &res, o->purge, parent_fd);
                if (r < 0)
                        goto fail;
        }

        if (res.conflicts) {
                mark_failed(&res, -EPERM);
        } else if (!o->dry_run) {
                r = commit(db, &reg, false);
                if (r < 0)
                        mark_failed(&res, r);
        }

        uid_registry_done(&reg);
        *ret = res;
        return 0;

fail:
        uid_registry_done(&reg);
        users_result_done(&res);
        return r;
}

void agent_list_free(AgentListEntry *l, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(l[i].name);
                free(l[i].user);
                free(l[i].owner);
        }
        free(l);
}

static int cmp_entry(const void *a, const void *b) {
        return strcmp(((const AgentListEntry *) a)->name, ((const AgentListEntry *) b)->name);
}

int users_list(const Policy *p, AgentListEntry **ret, size_t *ret_n) {
        _cleanup_(pwfile_done) PwFile passwd = {};
        _cleanup_free_ char *passwd_path = path_join_root(p->root, "/etc/passwd");
        UidRegistry reg = {};
        AgentListEntry *l = NULL;
        size_t n = 0;
        int64_t today = today_days();
        int r;

        if (!passwd_path)
                return -ENOMEM;
        r = pwfile_load(&passwd, PW_PASSWD, passwd_path);
        if (r < 0)
                return r;
        r = uid_registry_load(p->root, &reg, NULL);
        if (r < 0)
                return r;

        l = calloc(p->n_agents + reg.n + 1, sizeof(AgentListEntry));
        if (!l) {
                r = -ENOMEM;
                goto fail;
        }

        for (size_t i = 0; i < p->n_agents; i++) {
                const Agent *a = p->agents[i];
                const UidEntry *e = uid_registry_find_active(&reg, a->name);
                AgentListEntry *x = &l[n++];

                x->name = strdup(a->name);
                x->user = agent_user_name(p->config, a->name);
                x->owner = strdup(a->owner);
                if (!x->name || !x->user || !x->owner) {
                        r = -ENOMEM;
                        goto fail;
                }
                x->expires = a->expires;
                const PwLine *pw = pwfile_find_name(&passwd, x->user);
                if (!e || !pw || !pw->has_id || pw->id != e->uid)
                        x->state = AGENT_PENDING;
                else {
                        x->uid = e->uid;
                        x->state = a->revoked ? AGENT_REVOKED :
                                   agent_is_expired(a, today) ? AGENT_EXPIRED : AGENT_OK;
                }
        }
        for (size_t i = 0; i < reg.n; i++) {
                const UidEntry *e = &reg.entries[i];
                if (e->retired || policy_find_agent(p, e->name))
                        continue;
                AgentListEntry *x = &l[n++];
                x->name = strdup(e->name);
                x->user = agent_user_name(p->config, e->name);
                if (!x->name || !x->user) {
                        r = -ENOMEM;
                        goto fail;
                }
                x->uid = e->uid;
                x->expires = -1;
                x->state = AGENT_ORPHANED;
        }
        qsort(l, n, sizeof(AgentListEntry), cmp_entry);

        uid_registry_done(&reg);
        *ret = l;
        *ret_n = n;
        return 0;
fail:
        uid_registry_done(&reg);
        agent_list_free(l, n);
        return r;
}
