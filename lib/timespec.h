/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Points in time as admins type them for --since/--until, in local time:
 *   YYYY-MM-DD, YYYY-MM-DD HH:MM, YYYY-MM-DD HH:MM:SS,
 *   now, recent (ten minutes ago), today, yesterday (at midnight), @EPOCH */

#include <stdint.h>
#include <time.h>

int parse_time_spec(const char *s, time_t now, int64_t *ret);
