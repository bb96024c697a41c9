/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "macro.h"
#include "parse-util.h"
#include "timespec.h"

static int midnight(time_t t, int days_back, int64_t *ret) {
        struct tm tm;
        if (!localtime_r(&t, &tm))
                return -EINVAL;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_mday -= days_back;
        tm.tm_isdst = -1;
        time_t m = mktime(&tm);
        if (m == (time_t) -1)
                return -EINVAL;
        *ret = m;
        return 0;
}

static bool digits(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

int parse_time_spec(const char *s, time_t now, int64_t *ret) {
        int64_t day;
        char date[11];
        size_t n = strlen(s);
        int r;

        if (streq(s, "now")) {
                *ret = now;
                return 0;
        }
        if (streq(s, "recent")) {
                *ret = now - 600;
                return 0;
        }
        if (streq(s, "today"))
                return midnight(now, 0, ret);
        if (streq(s, "yesterday"))
                return midnight(now, 1, ret);
        if (s[0] == '@') {
                uint64_t v;
                r = parse_decimal(s + 1, 0, INT64_MAX / 2, &v);
                if (r < 0)
                        return -EINVAL;
                *ret = (int64_t) v;
                return 0;
        }

        /* YYYY-MM-DD[ HH:MM[:SS]] */
        if (n != 10 && n != 16 && n != 19)
                return -EINVAL;
        memcpy(date, s, 10);
        date[10] = 0;
        if (parse_date(date, &day) < 0)
                return -EINVAL;
        struct tm tm = {
                .tm_year = atoi(date) - 1900,
                .tm_mon = (date[5] - '0') * 10 + (date[6] - '0') - 1,
                .tm_mday = (date[8] - '0') * 10 + (date[9] - '0'),
                .tm_isdst = -1,
        };
        if (n > 10) {
                if (s[10] != ' ' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
                        return -EINVAL;
                tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
                tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
                if (n == 19) {
                        if (s[16] != ':' || !digits(s + 17, 2))
                                return -EINVAL;
                        tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
                }
                if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
                        return -EINVAL;
        }
        time_t t = mktime(&tm);
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = t;
        return 0;
}
