/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "parse-util.h"
#include "timespec.h"
#include "tap.h"

int main(void) {
        uint64_t v;
        int64_t d;
        bool b;
        uid_t lo, hi;
        uint16_t p0, p1;
        char buf[11];

        ASSERT_OK(parse_decimal("0", 0, 10, &v));
        ASSERT_EQ(v, 0);
        ASSERT_OK(parse_decimal("18446744073709551615", 0, UINT64_MAX, &v));
        ASSERT_EQ(v == UINT64_MAX, 1);
        ASSERT_ERROR(parse_decimal("18446744073709551616", 0, UINT64_MAX, &v), ERANGE);
        ASSERT_ERROR(parse_decimal("01", 0, 10, &v), EINVAL);
        ASSERT_ERROR(parse_decimal("+1", 0, 10, &v), EINVAL);
        ASSERT_ERROR(parse_decimal(" 1", 0, 10, &v), EINVAL);
        ASSERT_ERROR(parse_decimal("1 ", 0, 10, &v), EINVAL);
        ASSERT_ERROR(parse_decimal("", 0, 10, &v), EINVAL);
        ASSERT_ERROR(parse_decimal("11", 0, 10, &v), ERANGE);
        ASSERT_ERROR(parse_decimal("0x10", 0, 100, &v), EINVAL);

        ASSERT_OK(parse_boolean("yes", &b));
        ASSERT_TRUE(b);
        ASSERT_OK(parse_boolean("off", &b));
        ASSERT_FALSE(b);
        ASSERT_ERROR(parse_boolean("Yes ", &b), EINVAL);

        ASSERT_OK(parse_size("2G", &v));
        ASSERT_EQ(v, 2ULL << 30);
        ASSERT_OK(parse_size("512K", &v));
        ASSERT_EQ(v, 512ULL << 10);
        ASSERT_OK(parse_size("1048576", &v));
        ASSERT_EQ(v, 1048576);
        ASSERT_ERROR(parse_size("16E", &v), ERANGE);
        ASSERT_ERROR(parse_size("G", &v), EINVAL);
        ASSERT_ERROR(parse_size("2g", &v), EINVAL);
        ASSERT_ERROR(parse_size("0", &v), ERANGE);

        ASSERT_OK(parse_date("1970-01-01", &d));
        ASSERT_EQ(d, 0);
        ASSERT_OK(parse_date("2027-03-31", &d));
        ASSERT_EQ(d, 20908);
        format_date(d, buf);
        ASSERT_STREQ(buf, "2027-03-31");
        ASSERT_OK(parse_date("2024-02-29", &d));
        format_date(d, buf);
        ASSERT_STREQ(buf, "2024-02-29");
        ASSERT_ERROR(parse_date("2023-02-29", &d), ERANGE);
        ASSERT_ERROR(parse_date("2100-02-29", &d), ERANGE);
        ASSERT_OK(parse_date("2000-02-29", &d));
        ASSERT_ERROR(parse_date("2027-13-01", &d), ERANGE);
        ASSERT_ERROR(parse_date("2027-00-10", &d), ERANGE);
        ASSERT_ERROR(parse_date("2027-01-00", &d), ERANGE);
        ASSERT_ERROR(parse_date("27-01-01", &d), EINVAL);
        ASSERT_ERROR(parse_date("2027/01/01", &d), EINVAL);
        ASSERT_ERROR(parse_date("2027-01-01T00", &d), EINVAL);
        ASSERT_ERROR(parse_date("2027-0a-01", &d), EINVAL);

        ASSERT_OK(parse_timespan("30d", &v));
        ASSERT_EQ(v, 30 * 86400);
        ASSERT_OK(parse_timespan("45min", &v));
        ASSERT_EQ(v, 45 * 60);
        ASSERT_OK(parse_timespan("90", &v));
        ASSERT_EQ(v, 90);
        ASSERT_ERROR(parse_timespan("d", &v), EINVAL);
        ASSERT_ERROR(parse_timespan("1y", &v), EINVAL);

        ASSERT_OK(parse_uid_range("70000-99999", &lo, &hi));
        ASSERT_EQ(lo, 70000);
        ASSERT_EQ(hi, 99999);
        ASSERT_OK(parse_uid_range("5-5", &lo, &hi));
        ASSERT_ERROR(parse_uid_range("9-5", &lo, &hi), ERANGE);
        ASSERT_ERROR(parse_uid_range("0-5", &lo, &hi), ERANGE);
        ASSERT_ERROR(parse_uid_range("1-4294967295", &lo, &hi), ERANGE);
        ASSERT_ERROR(parse_uid_range("-5", &lo, &hi), EINVAL);

        ASSERT_OK(parse_port_range("443", &p0, &p1));
        ASSERT_EQ(p0, 443);
        ASSERT_EQ(p1, 443);
        ASSERT_OK(parse_port_range("8000-8080", &p0, &p1));
        ASSERT_EQ(p1, 8080);
        ASSERT_ERROR(parse_port_range("0", &p0, &p1), ERANGE);
        ASSERT_ERROR(parse_port_range("80-80", &p0, &p1), ERANGE);
        ASSERT_ERROR(parse_port_range("80-", &p0, &p1), EINVAL);

        /* --since/--until, in UTC for the test. */
        {
                int64_t t;
                setenv("TZ", "UTC", 1);
                tzset();
                ASSERT_OK(parse_time_spec("now", 1700000000, &t));
                ASSERT_EQ(t, 1700000000);
                ASSERT_OK(parse_time_spec("recent", 1700000000, &t));
                ASSERT_EQ(t, 1700000000 - 600);
                ASSERT_OK(parse_time_spec("today", 1700000000, &t));
                ASSERT_EQ(t, 1699920000);
                ASSERT_OK(parse_time_spec("yesterday", 1700000000, &t));
                ASSERT_EQ(t, 1699920000 - 86400);
                ASSERT_OK(parse_time_spec("@42", 1700000000, &t));
                ASSERT_EQ(t, 42);
                ASSERT_OK(parse_time_spec("2023-11-14 22:13:20", 0, &t));
                ASSERT_EQ(t, 1700000000);
                ASSERT_OK(parse_time_spec("2023-11-14 22:13", 0, &t));
                ASSERT_EQ(t, 1699999980);
                ASSERT_OK(parse_time_spec("2023-11-14", 0, &t));
                ASSERT_EQ(t, 1699920000);
                ASSERT_ERROR(parse_time_spec("2023-11-14 25:00", 0, &t), EINVAL);
                ASSERT_ERROR(parse_time_spec("2023-02-30", 0, &t), EINVAL);
                ASSERT_ERROR(parse_time_spec("2023-11-14T10:00", 0, &t), EINVAL);
                ASSERT_ERROR(parse_time_spec("@-1", 0, &t), EINVAL);
                ASSERT_ERROR(parse_time_spec("last week", 0, &t), EINVAL);
                ASSERT_ERROR(parse_time_spec("", 0, &t), EINVAL);
        }

        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        ASSERT_EQ(today_days(), 19675);

        return tap_finish();
}
