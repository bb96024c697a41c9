/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Per-task identities (paddock-run --ephemeral): a uid from
 * EphemeralUIDRange= that no one had before, registered in
 * /run/paddock/ephemeral for libnss_paddock, and, for an agent with an
 * egress fence, put into the fence's dispatch maps for as long as the task
 * runs. */

#include <stdbool.h>
#include <sys/types.h>

#include "paddock-conf.h"

/* The last uid ever given, ROOT/var/lib/paddock/ephemeral-last: kept on
 * disk, so that no uid is given twice, not even across reboots. */
#define EPHEMERAL_LAST PADDOCK_STATE_DIR "/ephemeral-last"

/* Allocate and register a new identity for task of agent (whose group is
 * agent_gid). in_use(uid) and name_taken(name) say whether a uid (as a
 * user or a group) or a name is taken elsewhere (NSS); either may be NULL.
 * -ENOSPC when the range is used up, -EBADMSG for a corrupt registry. */
int task_ephemeral_acquire(const char *root, const Config *c, const char *agent, const char *task, gid_t agent_gid,
                           bool (*in_use)(uid_t uid), bool (*name_taken)(const char *name),
                           uid_t *ret_uid, char **ret_name);

/* Mark it ended (it stays resolvable for EphemeralRetention=). */
int task_ephemeral_end(const char *root, const Config *c, uid_t uid);

/* ROOT/run/paddock/.ephemeral.lock, taken (blocking): every change to the
 * registry, the counter and the fence's per-task entries, and every
 * rebuild of the fence's maps, happens under it. */
int task_ephemeral_lock(const char *root, int *ret_fd);

/* The fence: uid goes to the agent's chains in one transaction, and out
 * again. -ENOENT from join when the agent's fence is not loaded. */
int task_ephemeral_fence_join(const char *root, uid_t uid, const char *agent);
int task_ephemeral_fence_leave(const char *root, uid_t uid);

/* The end of a task that ran as uid: out of the fence when it was in it,
 * its entry marked ended; both are tried, the first error returned. */
int task_ephemeral_release(const char *root, uid_t uid, bool fenced);
