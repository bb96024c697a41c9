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

/* The writer's side: paddock-run, under the registry's lock. */

typedef struct EphemeralIdentity {
        uid_t uid;
        gid_t agent_gid;
        char *name, *agent, *task;
        uint64_t ended;
} EphemeralIdentity;

typedef struct EphemeralRegistry {
        EphemeralIdentity *entries;
        size_t n;
} EphemeralRegistry;

/* The whole registry; -EBADMSG (and *ret_line, 1-based) for a bad line
 * or a uid or name that is there twice. */
int ephemeral_registry_parse(const char *data, size_t size, EphemeralRegistry *ret, unsigned *ret_line);
void ephemeral_registry_done(EphemeralRegistry *reg);
/* ROOT/run/paddock/ephemeral; an empty registry when there is none. */
int ephemeral_registry_load(const char *root, EphemeralRegistry *ret);
/* The identity with this uid or this name (NULL: any), or NULL. */
const EphemeralIdentity *ephemeral_registry_find(const EphemeralRegistry *reg, uid_t uid, const char *name);
int ephemeral_registry_format(const EphemeralRegistry *reg, char **ret, size_t *ret_size);

/* Forget identities that ended more than retention seconds before now. */
void ephemeral_registry_prune(EphemeralRegistry *reg, uint64_t now, uint64_t retention);

/* The user name of a new identity: PREFIX AGENT "-t" TASK in lower case
 * when that fits in 31 characters and neither the registry nor taken()
 * (NSS; may be NULL) knows it; otherwise cut to fit and ended in "." and
 * uid - first (the offset in the range), which no agent name, task id or
 * agent's user name contains, so it is unique. */
int ephemeral_name(const EphemeralRegistry *reg, const char *prefix, const char *agent, const char *task,
                   uid_t uid, uid_t first, bool (*taken)(const char *name), char **ret);

/* Add a running identity (copies the strings); -EINVAL for anything the
 * reader would refuse, -EEXIST for a uid or name already there. */
int ephemeral_registry_add(EphemeralRegistry *reg, uid_t uid, gid_t agent_gid, const char *name,
                           const char *agent, const char *task);

/* Mark uid's identity ended at now; -ENOENT if it is not there. */
int ephemeral_registry_end(EphemeralRegistry *reg, uid_t uid, uint64_t now);
