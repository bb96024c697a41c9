/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a task is made of, apart from its sandbox: the human it acts for,
 * the kernel's login uid and audit session, its unit name and records. */

#include <stdbool.h>
#include <sys/types.h>

#include "agent.h"
#include "loginuid.h"
#include "macro.h"


/* A human given as a login name (looked up through NSS; -ESRCH when no
 * such user) or as a number (taken as a uid; its name, if it has one, is
 * looked up). *ret_name is NULL for a uid without a name. */
int task_human_resolve(const char *spec, uid_t *ret_uid, char **ret_name);

/* "agent-NAME@TASK.service": an instance name, so it can never be the
 * name of an agent's own unit. */
char *task_unit_name(const char *agent, const char *task);

typedef struct Task {
        const char *agent;              /* NAME */
        const char *acct;               /* agent-NAME */
        uid_t uid;                      /* the agent's */
        gid_t gid;
        const char *home, *shell;       /* from the agent's passwd entry */
        const char *id;                 /* the task id */
        uid_t human_uid;
        const char *human;              /* login name; NULL for a bare uid */
        Stage stage;
        char **argv;
        unsigned ses;                   /* the task's audit session, once known */
        /* --ephemeral: the task's own identity (user and group of this
         * name and number, the agent's group supplementary); NULL: the
         * agent's. */
        const char *run_user;
        uid_t run_uid;
} Task;

/* STATE/drafts, the one place a draft-stage task may write: made if
 * missing, owned by the agent, mode 0700. The state directory is the
 * agent's own, so nothing in it is followed: a "drafts" that is not a
 * directory of the agent's is refused (-ENOTDIR, -EPERM). */
int task_drafts_dir(const char *state, uid_t uid, gid_t gid);

/* The task's environment, besides what systemd sets itself (HOME, USER,
 * LOGNAME, SHELL): PADDOCK_AGENT, PADDOCK_TASK, PADDOCK_STAGE,
 * PADDOCK_ON_BEHALF_OF and PADDOCK_HUMAN_UID (which pam_paddock reads). */
int task_environment(const Task *t, char ***ret);

/* USER_START or USER_END of a task, acct= the agent user; extra, if not
 * NULL, holds more encoded fields ("exit=0", "reason=..."). */
int task_audit(const Task *t, int type, const char *extra, bool success);

/* The fields of a task's USER_START and USER_END records, encoded:
 * task=ID human=NAME human-uid=N stage=S [task-ses=N]. */
int task_record_fields(const char *task, const char *human, uid_t human_uid,
                       Stage stage, unsigned task_ses, char **ret);
