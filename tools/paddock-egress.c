/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* paddock-egress: the nftables fence of each agent. */

#include <getopt.h>

#include "exit-codes.h"
#include "log.h"
#include "nft.h"
#include "tool-util.h"
#include "validate.h"

static void help(void) {
        printf("%s [OPTIONS...] COMMAND ...\n\n"
               "The nftables egress fence of paddock agents.\n\n"
               "Commands:\n"
               "  check NAME          Exit 0 if the agent's fence is loaded, 1 if not\n\n"
               "Options:\n"
               "  -h --help           Show this help\n"
               "     --version        Show the version\n\n"
               "See paddock-egress(8).\n",
               program_invocation_short_name);
}

static int verb_check(const char *name) {
        _cleanup_(nft_closep) NftContext *n = NULL;
        int r;

        r = nft_open(&n);
        if (r < 0)
                return log_error_errno(r, "Failed to set up libnftables: %m"), PADDOCK_EXIT_FAILURE;
        r = nft_fence_loaded(n, name);
        if (r < 0) {
                log_error_errno(r, "Failed to read the ruleset: %m");
                return PADDOCK_EXIT_FAILURE;
        }
        if (r == 0) {
                /* Fail closed: the unit's ExecStartPre= stops here. */
                log_error("The egress fence of agent %s is not loaded (no chain agent-%s in table inet paddock); "
                          "refusing to start it.", name, name);
                return PADDOCK_EXIT_FAILURE;
        }
        return PADDOCK_EXIT_OK;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help",    no_argument, NULL, 'h'   },
                { "version", no_argument, NULL, 0x100 },
                {}
        };
        int c;

        log_setup(argv[0]);
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return PADDOCK_EXIT_OK;
                case 0x100:
                        return tool_version();
                default:
                        return PADDOCK_EXIT_USAGE;
                }

        if (optind + 2 == argc && streq(argv[optind], "check")) {
                if (!agent_name_is_valid(argv[optind + 1])) {
                        log_error("Invalid agent name.");
                        return PADDOCK_EXIT_USAGE;
                }
                return verb_check(argv[optind + 1]);
        }
        log_error("Unknown or incomplete command; see --help.");
        return PADDOCK_EXIT_USAGE;
}
