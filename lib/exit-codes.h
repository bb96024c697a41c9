/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Exit codes of every paddock tool; documented in paddock(8). Scripts
 * and configuration management rely on them. */
enum {
        PADDOCK_EXIT_OK = 0,            /* done, or nothing to do */
        PADDOCK_EXIT_FAILURE = 1,       /* something could not be done */
        PADDOCK_EXIT_USAGE = 2,         /* bad command line */
        PADDOCK_EXIT_BAD_AGENT = 3,     /* bad agent file or paddock.conf; nothing changed */
        PADDOCK_EXIT_DRIFT = 4,         /* verify: the host differs from the files */
        PADDOCK_EXIT_IMMUTABLE = 5,     /* audit: kernel rules are locked (-e 2) */
};
