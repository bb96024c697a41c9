/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The per-task identity registry, as libnss_paddock reads it: whatever the
 * file holds, an answer is one of its well-formed lines, found once. */

#include <stdlib.h>
#include <string.h>

#include "ephemeral.h"
#include "fuzz.h"
#include "validate.h"

static void check(const uint8_t *data, size_t size, const EphemeralEntry *e) {
        const char *end = (const char *) data + size;
        if (e->name < (const char *) data || e->name + e->name_len > end ||
            e->agent < (const char *) data || e->agent + e->agent_len > end ||
            e->task < (const char *) data || e->task + e->task_len > end ||
            e->name_len == 0 || e->uid == 0 || e->uid == (uid_t) -1)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        EphemeralEntry e;
        char name[USER_NAME_MAX + 1];

        if (ephemeral_find((const char *) data, size, 1879048192, NULL, &e) == 0) {
                check(data, size, &e);
                if (e.uid != 1879048192)
                        abort();
                /* Found by uid, found again by its name: the same entry. */
                memcpy(name, e.name, e.name_len);
                name[e.name_len] = 0;
                EphemeralEntry f;
                int r = ephemeral_find((const char *) data, size, 0, name, &f);
                if (r == 0 && f.name != e.name)
                        abort();
        }
        if (ephemeral_find((const char *) data, size, 0, "agent-a-t1", &e) == 0) {
                check(data, size, &e);
                if (e.name_len != 10 || memcmp(e.name, "agent-a-t1", 10) != 0)
                        abort();
        }

        /* The writer's parser agrees with the reader, and what it writes
         * reads back the same. */
        EphemeralRegistry reg = {};
        if (ephemeral_registry_parse((const char *) data, size, &reg, NULL) == 0) {
                char *out = NULL;
                size_t n;
                if (ephemeral_registry_format(&reg, &out, &n) == 0) {
                        EphemeralRegistry again = {};
                        if (ephemeral_registry_parse(out, n, &again, NULL) < 0 || again.n != reg.n)
                                abort();
                        for (size_t i = 0; i < reg.n; i++)
                                if (ephemeral_find(out, n, reg.entries[i].uid, NULL, &e) < 0 ||
                                    ephemeral_find((const char *) data, size, 0, reg.entries[i].name, &e) < 0)
                                        abort();
                        ephemeral_registry_done(&again);
                }
                free(out);
        }
        ephemeral_registry_done(&reg);
        return 0;
}
