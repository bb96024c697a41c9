/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The registry of per-task identities, /run/paddock/ephemeral: one line
 * per identity that runs or ran a task,
 *
 *   UID AGENT-GID NAME AGENT TASK ENDED
 *
 * ENDED is 0 while the task runs, else when it ended (seconds since the
 * epoch). paddock-run writes it atomically (a new file renamed over the
 * old); libnss_paddock reads it at every lookup. The reader allocates
 * nothing and answers only from a file whose every line is well formed:
 * a corrupt registry is an error, never a wrong answer. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EPHEMERAL_REGISTRY "/run/paddock/ephemeral"
#define EPHEMERAL_REGISTRY_MAX (1024U * 1024U)

typedef struct EphemeralEntry {
        uid_t uid;
        gid_t agent_gid;
        uint64_t ended;         /* 0: running */
        /* Pointers into the parsed data, not NUL-terminated. */
        const char *name, *agent, *task;
        size_t name_len, agent_len, task_len;
} EphemeralEntry;

/* Find the entry with this uid (name NULL) or this name in a registry's
 * text. 0 and *ret; -ENOENT when there is none; -EBADMSG when any line is
 * malformed or the key is there twice. */
int ephemeral_find(const char *data, size_t size, uid_t uid, const char *name, EphemeralEntry *ret);
