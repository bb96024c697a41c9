/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The uid registry: a corrupt file must be refused, never half-believed. */

#include "fuzz.h"
#include "uidreg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = strndup((const char *) data, size);
        UidRegistry reg = {};
        unsigned line = 0;
        uid_t u;

        if (!text)
                return 0;
        if (uid_registry_parse(&reg, text, &line) >= 0) {
                char *out = NULL;
                size_t n;
                (void) uid_registry_allocate(&reg, "fuzz", 70000, 70100, NULL, NULL, &u);
                if (uid_registry_format(&reg, &out, &n) >= 0) {
                        /* What is written reads back the same. */
                        UidRegistry again = {};
                        if (uid_registry_parse(&again, out, &line) < 0 || again.n != reg.n)
                                abort();
                        uid_registry_done(&again);
                }
                free(out);
        }
        uid_registry_done(&reg);
        return 0;
}
