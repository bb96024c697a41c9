/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit-record.h"
#include "fileio.h"
#include "parse-util.h"
#include "strv.h"
#include "task.h"
#include "validate.h"

int task_human_resolve(const char *spec, uid_t *ret_uid, char **ret_name) {
        _cleanup_free_ char *buf = NULL;
        struct passwd pw, *result = NULL;
        uint64_t v;
        long size = sysconf(_SC_GETPW_R_SIZE_MAX);
        bool numeric = parse_decimal(spec, 0, UINT32_MAX - 1, &v) >= 0;
        int r;

        if (!numeric && !user_name_is_valid(spec))
                return -EINVAL;
        if (size <= 0)
                size = 4096;
        for (;;) {
                buf = malloc(size);
                if (!buf)
                        return -ENOMEM;
                r = numeric ? getpwuid_r((uid_t) v, &pw, buf, size, &result)
                            : getpwnam_r(spec, &pw, buf, size, &result);
                if (r != ERANGE)
                        break;
                free(buf);
                buf = NULL;
                size *= 2;
        }
        if (r != 0)
                return -r;
        if (!result) {
                if (!numeric)
                        return -ESRCH;
                *ret_uid = (uid_t) v;
                *ret_name = NULL;
                return 0;
        }
        char *name = strdup(pw.pw_name);
        if (!name)
                return -ENOMEM;
        *ret_uid = pw.pw_uid;
        *ret_name = name;
        return 0;
}

char *task_unit_name(const char *agent, const char *task) {
        char *s;

        if (!agent_name_is_valid(agent) || !task_id_is_valid(task))
                return NULL;
        if (asprintf(&s, "agent-%s@%s.service", agent, task) < 0)
                return NULL;
        return s;
}

int task_record_fields(const char *task, const char *human, uid_t human_uid,
                       Stage stage, unsigned task_ses, char **ret) {
        _cleanup_free_ char *f = NULL;
        char n[16];
        int r;

        snprintf(n, sizeof n, "%u", (unsigned) human_uid);
        r = audit_fields_add(&f, "task", task);
        if (r >= 0 && human)
                r = audit_fields_add(&f, "human", human);
        if (r >= 0)
                r = audit_fields_add(&f, "human-uid", n);
        if (r >= 0)
                r = audit_fields_add(&f, "stage", stage_to_string(stage));
        if (r >= 0 && task_ses != SESSION_UNSET) {
                snprintf(n, sizeof n, "%u", task_ses);
                r = audit_fields_add(&f, "task-ses", n);
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

int task_environment(const Task *t, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;
        char n[16];

        snprintf(n, sizeof n, "%u", (unsigned) t->human_uid);
        if (strv_extendf(&env, "PADDOCK_AGENT=%s", t->agent) < 0 ||
            strv_extendf(&env, "PADDOCK_TASK=%s", t->id) < 0 ||
            strv_extendf(&env, "PADDOCK_STAGE=%s", stage_to_string(t->stage)) < 0 ||
            strv_extendf(&env, "PADDOCK_ON_BEHALF_OF=%s", t->human ?: n) < 0 ||
            strv_extendf(&env, "PADDOCK_HUMAN_UID=%s", n) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(env);
        return 0;
}

int task_audit(const Task *t, int type, const char *extra, bool success) {
        _cleanup_free_ char *fields = NULL, *all = NULL, *terminal = NULL;
        int r;

        r = task_record_fields(t->id, t->human, t->human_uid, t->stage, t->ses, &fields);
        if (r >= 0 && t->run_user) {
                char n[16];
                snprintf(n, sizeof n, "%u", (unsigned) t->run_uid);
                r = audit_fields_add(&fields, "task-user", t->run_user);
                if (r >= 0)
                        r = audit_fields_add(&fields, "task-uid", n);
        }
        if (r < 0)
                return r;
        if (asprintf(&all, "%s%s%s", fields, extra ? " " : "", strempty(extra)) < 0 ||
            asprintf(&terminal, "task-%s", t->id) < 0)
                return -ENOMEM;
        return audit_record_terminal(type, type == AUDIT_USER_END ? "task-end" : "task-start",
                                     t->acct, t->uid, all, terminal, success);
}

int task_drafts_dir(const char *state, uid_t uid, gid_t gid) {
        _cleanup_close_ int dfd = -EBADF, fd = -EBADF;
        struct stat st;

        dfd = open(state, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH);
        if (dfd < 0)
                return -errno;
        if (mkdirat(dfd, "drafts", 0700) >= 0) {
                if (fchownat(dfd, "drafts", uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
        } else if (errno != EEXIST)
                return -errno;
        fd = openat(dfd, "drafts", O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH);
        if (fd < 0)
                return errno == ELOOP ? -ENOTDIR : -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid != uid)
                return -EPERM;
        return 0;
}
