/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* --since and --until: whatever is typed must parse or be refused. */

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "timespec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = strndup((const char *) data, size);
        int64_t t;

        if (!s)
                return 0;
        if (parse_time_spec(s, 1700000000, &t) >= 0 && strcmp(s, "now") == 0 && t != 1700000000)
                abort();
        free(s);
        return 0;
}
