/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* syscalls [--as UID] stat|open|write|exec N: N system calls of a kind, as
 * fast as possible; print how many per second.
 *   stat   stat("/etc/passwd")
 *   open   open("/etc/passwd", O_RDONLY) and close
 *   write  open a file in $TMPDIR for writing, and close (an audited write)
 *   exec   fork and execve /bin/true, and wait */

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        int a = 1;
        if (argc > 3 && strcmp(argv[1], "--as") == 0) {
                uid_t uid = (uid_t) strtoul(argv[2], NULL, 10);
                if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
                        perror("setresuid");
                        return 1;
                }
                a = 3;
        }
        if (argc != a + 2)
                return fprintf(stderr, "usage: %s [--as UID] stat|open|write|exec N\n", argv[0]), 2;
        const char *kind = argv[a];
        long n = atol(argv[a + 1]);
        char path[4096];
        snprintf(path, sizeof path, "%s/paddock-syscalls.%d", getenv("TMPDIR") ?: "/tmp", (int) getpid());

        struct timespec t0, t1;
        struct stat st;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++) {
                if (strcmp(kind, "stat") == 0)
                        (void) stat("/etc/passwd", &st);
                else if (strcmp(kind, "open") == 0)
                        close(open("/etc/passwd", O_RDONLY | O_CLOEXEC));
                else if (strcmp(kind, "write") == 0)
                        close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
                else if (strcmp(kind, "exec") == 0) {
                        pid_t p = fork();
                        if (p == 0) {
                                execl("/bin/true", "true", (char *) NULL);
                                _exit(127);
                        }
                        waitpid(p, NULL, 0);
                } else
                        return 2;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        unlink(path);
        double dt = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%.0f\n", (double) n / dt);
        return 0;
}
