/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* DNS answers come from the network: whatever they hold must be parsed
 * or refused, never trusted past their length. */

#include <stdlib.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        for (int f = 0; f < 2; f++) {
                IPPrefix *addrs = NULL;
                size_t n = 0;
                uint32_t ttl = 0;
                (void) dns_answer_parse(data, size, f == 0 ? AF_INET : AF_INET6, &addrs, &n, &ttl);
                for (size_t i = 0; i < n; i++)
                        if (addrs[i].prefixlen != (f == 0 ? 32u : 128u))
                                abort();
                free(addrs);
        }
        return 0;
}
