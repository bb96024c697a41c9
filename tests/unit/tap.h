/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A few macros that make unit tests read like specifications and print
 * TAP for automake's tap-driver.sh:
 *
 *     ASSERT_OK(parse_decimal("10", 0, 100, &v));
 *     ASSERT_ERROR(parse_decimal("010", 0, 100, &v), EINVAL);
 *     ASSERT_STREQ(error, "x.agent:3: unknown key Foo= in [Agent]");
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned tap_count, tap_failed;

static inline void tap_result(bool ok, const char *file, int line, const char *what, const char *detail) {
        tap_count++;
        if (!ok)
                tap_failed++;
        printf("%sok %u - %s:%d: %s%s%s\n", ok ? "" : "not ", tap_count, file, line, what,
               detail ? " # " : "", detail ?: "");
        fflush(stdout);
}

static inline int tap_finish(void) {
        printf("1..%u\n", tap_count);
        return tap_failed > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

static inline void tap_skip_all(const char *why) {
        printf("1..0 # SKIP %s\n", why);
        exit(EXIT_SUCCESS);
}

/* Setup that must work for the rest to mean anything: stop the run. */
#define assert_se(expr)                                                         \
        do {                                                                    \
                if (!(expr)) {                                                  \
                        printf("Bail out! %s:%d: %s\n", __FILE__, __LINE__, #expr); \
                        exit(1);                                                \
                }                                                               \
        } while (0)

#define TAP_RESULT(ok, what, detail) tap_result((ok), __FILE__, __LINE__, (what), (detail))

#define ASSERT_TRUE(expr) TAP_RESULT(!!(expr), #expr, NULL)
#define ASSERT_FALSE(expr) TAP_RESULT(!(expr), "!(" #expr ")", NULL)

#define ASSERT_OK(expr)                                                         \
        do {                                                                    \
                long long _r = (long long) (expr);                              \
                char _d[64];                                                    \
                snprintf(_d, sizeof _d, "returned %lld (%s)", _r,               \
                         _r < 0 ? strerror((int) -_r) : "ok");                  \
                TAP_RESULT(_r >= 0, #expr, _r >= 0 ? NULL : _d);                \
        } while (0)

#define ASSERT_ERROR(expr, err)                                                 \
        do {                                                                    \
                long long _r = (long long) (expr);                              \
                char _d[96];                                                    \
                snprintf(_d, sizeof _d, "returned %lld, expected -%s",          \
                         _r, #err);                                             \
                TAP_RESULT(_r == -(err), #expr " fails with " #err,             \
                           _r == -(err) ? NULL : _d);                           \
        } while (0)

#define ASSERT_EQ(a, b)                                                         \
        do {                                                                    \
                long long _a = (long long) (a), _b = (long long) (b);           \
                char _d[96];                                                    \
                snprintf(_d, sizeof _d, "%lld != %lld", _a, _b);                \
                TAP_RESULT(_a == _b, #a " == " #b, _a == _b ? NULL : _d);       \
        } while (0)

#define ASSERT_STREQ(a, b)                                                      \
        do {                                                                    \
                const char *_a = (a), *_b = (b);                                \
                bool _ok = _a && _b && strcmp(_a, _b) == 0;                     \
                TAP_RESULT(_ok, #a " == " #b, NULL);                     \
                if (!_ok)                                                       \
                        printf("#   got:      %s\n#   expected: %s\n",          \
                               _a ?: "(null)", _b ?: "(null)");                 \
        } while (0)
