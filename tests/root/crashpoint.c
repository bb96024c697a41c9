/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* LD_PRELOAD=crashpoint.so PADDOCK_CRASH_AT=N: the Nth call to one of the
 * calls that change files (write, fsync, fchmod, fchown, rename, unlink,
 * mkdirat) kills the process with SIGKILL before it happens. No cleanup
 * handler runs, exactly as in a power cut or an OOM kill. PADDOCK_CRASH_LOG
 * names a file that receives the number of calls seen so far. */

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long calls;

static void point(void) {
        static long at = -1;
        if (at < 0) {
                const char *e = getenv("PADDOCK_CRASH_AT");
                at = e ? atol(e) : 0;
        }
        calls++;
        const char *log = getenv("PADDOCK_CRASH_LOG");
        if (log) {
                FILE *f = fopen(log, "we");
                if (f) {
                        fprintf(f, "%lu\n", calls);
                        fclose(f);
                }
        }
        if (at > 0 && calls == (unsigned long) at)
                raise(SIGKILL);
}

#define WRAP(ret, name, params, args)                                   \
        ret name params {                                               \
                static ret (*real) params;                              \
                if (!real)                                              \
                        real = (ret (*) params) dlsym(RTLD_NEXT, #name); \
                point();                                                \
                return real args;                                       \
        }

WRAP(ssize_t, write, (int fd, const void *buf, size_t n), (fd, buf, n))
WRAP(int, fsync, (int fd), (fd))
WRAP(int, fchmod, (int fd, mode_t m), (fd, m))
WRAP(int, fchown, (int fd, uid_t u, gid_t g), (fd, u, g))
WRAP(int, rename, (const char *a, const char *b), (a, b))
WRAP(int, unlink, (const char *p), (p))
WRAP(int, mkdirat, (int d, const char *p, mode_t m), (d, p, m))
