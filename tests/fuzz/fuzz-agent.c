/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Agent files are the main untrusted input: whatever they hold must parse
 * or fail with a message, never crash, leak or read out of bounds. */

#include "agent.h"
#include "fuzz.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(agent_freep) Agent *a = NULL;
        _cleanup_free_ char *error = NULL;
        _cleanup_strv_free_ char **loose = NULL;

        if (config_parse_buffer("fuzz.conf", "", 0, &c, &error) < 0)
                abort();

        if (agent_parse_buffer(c, "fuzz", "fuzz.agent", (const char *) data, size, &a, &error) < 0) {
                /* Every failure says where. */
                if (error && strncmp(error, "fuzz.agent:", 11) != 0)
                        abort();
                return 0;
        }
        (void) agent_loosenings(a, &loose);
        return 0;
}
