/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Agent identities: reconcile passwd, group, shadow, gshadow, the uid
 * registry and the state directories with the agent files. */

#include <stdbool.h>
#include <sys/types.h>

#include "policy.h"

#define UID_INVALID ((uid_t) -1)
#define NOLOGIN_SHELL "/usr/sbin/nologin"
#define LOCKED_PASSWORD "!*"

typedef enum UserChangeKind {
        CHANGE_ADD_GROUP,
        CHANGE_ADD_USER,
        CHANGE_MODIFY_USER,
        CHANGE_DEL_USER,
        CHANGE_DEL_GROUP,
        CHANGE_CREATE_STATE_DIR,
        CHANGE_FIX_STATE_DIR,
        CHANGE_REMOVE_STATE_DIR,
        _CHANGE_KIND_MAX,
} UserChangeKind;

typedef struct UserChange {
        UserChangeKind kind;
        char *agent;
        char *user;
        uid_t id;
        char *detail;           /* what was modified, or NULL */
        int error;              /* 0, or the negative errno that stopped it */
} UserChange;

typedef struct UsersResult {
        UserChange *changes;
        size_t n_changes;
        char **conflicts;       /* when not empty, nothing was written */
        char **orphans;         /* agents with an identity but no file */
        int error;              /* first write error, 0 if none */
} UsersResult;

typedef struct UsersOptions {
        const char *root;
        char * const *names;    /* NULL: every agent */
        bool dry_run;
        bool prune;             /* apply: also remove orphans */
        bool purge;             /* remove: also delete the state directory */
} UsersOptions;

void users_result_done(UsersResult *r);

/* Reconcile passwd, group, shadow, gshadow and the uid registry. Returns
 * < 0 only for errors before anything was planned (lock, unreadable
 * files: -EBADMSG for a corrupt registry); conflicts and write errors are
 * reported in the result. State directory changes are planned but left
 * to users_make_state_dirs(). */
int users_apply(const Policy *p, const UsersOptions *o, UsersResult *ret);
int users_remove(const Policy *p, const UsersOptions *o, UsersResult *ret);

/* Carry out the planned state directory changes of a successful
 * users_apply()/users_remove(): create (0700, owned by the agent), fix
 * mode and owner, or remove without following symlinks. */
void users_make_state_dirs(const char *root, UsersResult *res);

/* "created user agent-x (uid 70000)", or "would create ..." */
char *user_change_describe(const UserChange *c, bool dry_run);

/* Send one audit record per change, with res= from c->error. */
void users_result_audit(const UsersResult *r);

typedef enum AgentState {
        AGENT_OK,
        AGENT_EXPIRED,
        AGENT_REVOKED,
        AGENT_PENDING,          /* file present, identity not created yet */
        AGENT_ORPHANED,         /* identity present, file gone */
        _AGENT_STATE_MAX,
} AgentState;

const char *agent_state_to_string(AgentState s);

typedef struct AgentListEntry {
        char *name;
        char *user;
        uid_t uid;              /* 0 when pending */
        char *owner;            /* NULL when orphaned */
        int64_t expires;        /* -1: never */
        AgentState state;
} AgentListEntry;

int users_list(const Policy *p, AgentListEntry **ret, size_t *ret_n);
void agent_list_free(AgentListEntry *l, size_t n);
