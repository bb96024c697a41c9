/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <time.h>

#include "macro.h"
#include "parse-util.h"

int parse_decimal(const char *s, uint64_t min, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        if (s[0] == '0' && s[1])
                return -EINVAL;          /* no leading zeros, no octal doubts */
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (*p - '0');
        }
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int parse_boolean(const char *s, bool *ret) {
        static const char * const yes[] = { "yes", "true", "on", "1" };
        static const char * const no[] = { "no", "false", "off", "0" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (streq(s, yes[i])) {
                        *ret = true;
                        return 0;
                }
        for (size_t i = 0; i < ELEMENTSOF(no); i++)
                if (streq(s, no[i])) {
                        *ret = false;
                        return 0;
                }
        return -EINVAL;
}

int parse_size(const char *s, uint64_t *ret) {
        static const char suffixes[] = "KMGTPE";
        _cleanup_free_ char *digits = NULL;
        uint64_t v, factor = 1;
        size_t n = strlen(s);
        int r;

        if (n == 0)
                return -EINVAL;

        const char *suf = strchr(suffixes, s[n - 1]);
        if (s[n - 1] != 0 && suf) {
                factor = UINT64_C(1) << (10 * (suf - suffixes + 1));
                n--;
        }
        digits = strndup(s, n);
        if (!digits)
                return -ENOMEM;
        r = parse_decimal(digits, 1, UINT64_MAX, &v);
        if (r < 0)
                return r;
        if (v > UINT64_MAX / factor)
                return -ERANGE;
        *ret = v * factor;
        return 0;
}

static bool is_leap(int64_t y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
        y -= m <= 2;
        const int64_t era = (y >= 0 ? y : y - 399) / 400;
        const unsigned yoe = (unsigned) (y - era * 400);
        const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t) doe - 719468;
}

int parse_date(const char *s, int64_t *ret_days) {
        static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        unsigned y = 0, m = 0, d = 0;

        /* Exactly YYYY-MM-DD, digits only. */
        if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return -EINVAL;
        for (unsigned i = 0; i < 10; i++) {
                if (i == 4 || i == 7)
                        continue;
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
        }
        y = (unsigned) ((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
        m = (unsigned) ((s[5] - '0') * 10 + (s[6] - '0'));
        d = (unsigned) ((s[8] - '0') * 10 + (s[9] - '0'));

        if (y < 1970 || m < 1 || m > 12 || d < 1)
                return -ERANGE;
        if (d > mdays[m - 1] + (m == 2 && is_leap(y)))
                return -ERANGE;

        *ret_days = days_from_civil(y, m, d);
        return 0;
}

void format_date(int64_t days, char buf[static 11]) {
        /* civil_from_days */
        days += 719468;
        const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
        const unsigned doe = (unsigned) (days - era * 146097);
        const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const int64_t y0 = (int64_t) yoe + era * 400;
        const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const unsigned mp = (5 * doy + 2) / 153;
        const unsigned d = doy - (153 * mp + 2) / 5 + 1;
        const unsigned m = mp < 10 ? mp + 3 : mp - 9;
        const int64_t y = y0 + (m <= 2);

        snprintf(buf, 11, "%04u-%02u-%02u", (unsigned) (y % 10000), m % 100, d % 100);
}

int parse_timespan(const char *s, uint64_t *ret_sec) {
        static const struct {
                const char *suffix;
                uint64_t factor;
        } units[] = {
                { "min", 60 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
                { "d", 86400 }, { "w", 604800 },
        };
        _cleanup_free_ char *digits = NULL;
        uint64_t v, factor = 1;
        size_t n = strlen(s);
        int r;

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                const char *e = endswith(s, units[i].suffix);
                if (e && e > s) {
                        factor = units[i].factor;
                        n = (size_t) (e - s);
                        break;
                }
        }
        digits = strndup(s, n);
        if (!digits)
                return -ENOMEM;
        r = parse_decimal(digits, 0, UINT64_MAX, &v);
        if (r < 0)
                return r;
        if (v > UINT64_MAX / factor)
                return -ERANGE;
        *ret_sec = v * factor;
        return 0;
}

int parse_uid_range(const char *s, uid_t *ret_min, uid_t *ret_max) {
        _cleanup_free_ char *a = NULL;
        const char *dash = strchr(s, '-');
        uint64_t lo, hi;
        int r;

        if (!dash)
                return -EINVAL;
        a = strndup(s, dash - s);
        if (!a)
                return -ENOMEM;
        r = parse_decimal(a, 1, UINT32_MAX - 1, &lo);
        if (r < 0)
                return r;
        r = parse_decimal(dash + 1, 1, UINT32_MAX - 1, &hi);
        if (r < 0)
                return r;
        if (lo > hi)
                return -ERANGE;
        *ret_min = (uid_t) lo;
        *ret_max = (uid_t) hi;
        return 0;
}

int parse_port_range(const char *s, uint16_t *ret_min, uint16_t *ret_max) {
        _cleanup_free_ char *a = NULL;
        const char *dash = strchr(s, '-');
        uint64_t lo, hi;
        int r;

        a = dash ? strndup(s, dash - s) : strdup(s);
        if (!a)
                return -ENOMEM;
        r = parse_decimal(a, 1, 65535, &lo);
        if (r < 0)
                return r;
        hi = lo;
        if (dash) {
                r = parse_decimal(dash + 1, 1, 65535, &hi);
                if (r < 0)
                        return r;
                if (lo >= hi)
                        return -ERANGE;
        }
        *ret_min = (uint16_t) lo;
        *ret_max = (uint16_t) hi;
        return 0;
}

int64_t today_days(void) {
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        uint64_t t;

        if (sde && parse_decimal(sde, 0, INT64_MAX, &t) >= 0)
                return (int64_t) (t / 86400);
        return (int64_t) (time(NULL) / 86400);
}
