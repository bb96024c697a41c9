/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock.conf and resolv.conf. */

#include "paddock-conf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_free_ char *error = NULL, *text = NULL;
        _cleanup_free_ IPPrefix *dns = NULL;
        size_t n;

        if (config_parse_buffer("fuzz.conf", (const char *) data, size, &c, &error) < 0 &&
            error && strncmp(error, "fuzz.conf:", 10) != 0)
                abort();

        text = strndup((const char *) data, size);
        if (text)
                (void) resolv_conf_parse(text, &dns, &n);
        return 0;
}
