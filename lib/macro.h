/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The handful of macros the rest of paddock is written with: cleanup
 * attributes so that every early return releases what it holds, and
 * TAKE_PTR()/TAKE_FD() to hand ownership on explicitly. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _pure_ __attribute__((pure))
#define _const_ __attribute__((const))
#define _noreturn_ __attribute__((noreturn))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _sentinel_ __attribute__((sentinel))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)
#define _public_ __attribute__((visibility("default")))
#define _hidden_ __attribute__((visibility("hidden")))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define STRLEN(s) (sizeof("" s "") - 1)

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline const char *strempty(const char *s) {
        return s ?: "";
}

static inline const char *strna(const char *s) {
        return s ?: "n/a";
}

/* Returns the rest of s after prefix, or NULL if s does not start with it. */
static inline const char *startswith(const char *s, const char *prefix) {
        size_t l = strlen(prefix);
        return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}

static inline const char *endswith(const char *s, const char *suffix) {
        size_t sl = strlen(s), xl = strlen(suffix);
        if (xl > sl)
                return NULL;
        return streq(s + sl - xl, suffix) ? s + sl - xl : NULL;
}

/* Take a pointer (or fd) out of a cleanup variable, leaving it inert. */
#define TAKE_GENERIC(var, type, nullvalue)                       \
        ({                                                       \
                type *_pvar_ = &(var);                           \
                type _var_ = *_pvar_;                            \
                type _nullvalue_ = nullvalue;                    \
                *_pvar_ = _nullvalue_;                           \
                _var_;                                           \
        })
#define TAKE_PTR(p) TAKE_GENERIC(p, typeof(p), NULL)
#define TAKE_FD(fd) TAKE_GENERIC(fd, int, -EBADF)

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}

static inline void closep(int *fd) {
        *fd = safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f) {
                int saved = errno;
                (void) fclose(*f);
                errno = saved;
        }
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Define a cleanup helper for a type that has a free function. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                  \
        static inline void func##p(type *p) {                    \
                if (*p)                                          \
                        func(*p);                                \
        }

/* errno of the last call, as a negative value, never 0. */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

/* Wrap a libc call that returns -1/errno into -errno. */
#define RET_NERRNO(expr)                                         \
        ({                                                       \
                long long _r_ = (long long) (expr);              \
                _r_ < 0 ? negative_errno() : (int) _r_;          \
        })

#define ERRNO_IS_NOT_SUPPORTED(r)                                \
        ({ int _e_ = abs(r);                                     \
           _e_ == EOPNOTSUPP || _e_ == ENOSYS || _e_ == EAFNOSUPPORT || \
           _e_ == EPROTONOSUPPORT || _e_ == EINVAL; })
