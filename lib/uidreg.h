/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The uid registry, /var/lib/paddock/uids: every uid ever given to an
 * agent, with the agent's name and whether it is still in use. A uid in
 * the registry is never handed out again, so an old audit record that
 * says uid N always meant the same agent. Read and written only under the
 * passwd lock. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "paddock-conf.h"
#include "hashmap.h"
#include "macro.h"

#define UID_REGISTRY PADDOCK_STATE_DIR "/uids"

typedef struct UidEntry {
        uid_t uid;
        char *name;             /* agent name, without the user prefix */
        bool retired;
} UidEntry;

typedef struct UidRegistry {
        char *path;
        UidEntry *entries;
        size_t n;
        bool dirty;
        Index by_name;          /* only active entries */
        Index by_uid;
        uid_t next;             /* where the next allocation may start looking */
} UidRegistry;

/* Parse the registry text (for tests and the fuzzer); -EBADMSG with the
 * 1-based line in *ret_line for a corrupt line. */
int uid_registry_parse(UidRegistry *reg, const char *data, unsigned *ret_line);

int uid_registry_load(const char *root, UidRegistry *ret, unsigned *ret_line);
void uid_registry_done(UidRegistry *reg);

/* The active entry of an agent, or NULL. */
const UidEntry *uid_registry_find_active(const UidRegistry *reg, const char *name);
/* Any entry (active or retired) for uid, or NULL. */
const UidEntry *uid_registry_find_uid(const UidRegistry *reg, uid_t uid);

/* Allocate the lowest uid in [min, max] that the registry has never given
 * out and for which in_use(uid) is false; record it as active for name.
 * -EEXIST if name has an active uid already. */
int uid_registry_allocate(UidRegistry *reg, const char *name, uid_t min, uid_t max,
                          bool (*in_use)(uid_t uid, void *userdata), void *userdata,
                          uid_t *ret);

/* Mark the agent's active entry retired; 0 if it had none. */
int uid_registry_retire(UidRegistry *reg, const char *name);

int uid_registry_format(const UidRegistry *reg, char **ret, size_t *ret_size);
int uid_registry_save(UidRegistry *reg);
