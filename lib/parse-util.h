/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Strict parsers for the scalar values of agent files and paddock.conf.
 * Each returns 0 and writes *ret only on success, -EINVAL on syntax
 * errors and -ERANGE on values out of range. None of them skip
 * whitespace, signs or leading zeros: what is accepted is what is meant. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

int parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *ret);
int parse_boolean(const char *s, bool *ret);

/* "512K", "2G", "1073741824": binary suffixes K, M, G, T, P, E. */
int parse_size(const char *s, uint64_t *ret);

/* "2027-03-31" -> days since 1970-01-01. Years 1970..9999. */
int parse_date(const char *s, int64_t *ret_days);
/* days since the epoch -> "YYYY-MM-DD" */
void format_date(int64_t days, char buf[static 11]);

/* "30d", "12h", "90s", "45min", "2w" or plain seconds -> seconds. */
int parse_timespan(const char *s, uint64_t *ret_sec);

/* "70000-99999" (both ends included) */
int parse_uid_range(const char *s, uid_t *ret_min, uid_t *ret_max);

/* "443" or "8000-8080" */
int parse_port_range(const char *s, uint16_t *ret_min, uint16_t *ret_max);

/* Days since the epoch, today in UTC; honours SOURCE_DATE_EPOCH so that
 * generated files are reproducible. */
int64_t today_days(void);
