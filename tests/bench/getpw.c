/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* getpw UID N: N getpwuid_r() calls for UID through glibc (and so through
 * nsswitch.conf); prints the nanoseconds per call. */

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char *argv[]) {
        if (argc != 3)
                return 2;
        uid_t uid = (uid_t) strtoul(argv[1], NULL, 10);
        long n = strtol(argv[2], NULL, 10);
        struct passwd pw, *p;
        char buf[4096];
        struct timespec a, b;

        clock_gettime(CLOCK_MONOTONIC, &a);
        for (long i = 0; i < n; i++)
                if (getpwuid_r(uid, &pw, buf, sizeof buf, &p) != 0 || !p || p->pw_uid != uid) {
                        fprintf(stderr, "uid %u: lookup %ld failed\n", (unsigned) uid, i);
                        return 1;
                }
        clock_gettime(CLOCK_MONOTONIC, &b);
        printf("%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
        return 0;
}
