/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* netload UID ADDRESS PORT tcp|udp SECONDS: as UID, open and close TCP
 * connections to ADDRESS:PORT (served by a listener of our own, running
 * as root, that accepts and closes), or send UDP datagrams to it, for
 * SECONDS; print the rate per second. A connection that fails is an error:
 * the benchmark measures the allowed path. */

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int main(int argc, char *argv[]) {
        struct sockaddr_in sa = { .sin_family = AF_INET };
        if (argc != 6 || inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1) {
                fprintf(stderr, "usage: %s UID ADDRESS PORT tcp|udp SECONDS\n", argv[0]);
                return 2;
        }
        uid_t uid = (uid_t) strtoul(argv[1], NULL, 10);
        sa.sin_port = htons((uint16_t) atoi(argv[3]));
        bool udp = strcmp(argv[4], "udp") == 0;
        double seconds = atof(argv[5]);

        /* The server side, as root (not an agent: its packets are not fenced). */
        int ls = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        int one = 1;
        setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ls < 0 || bind(ls, (struct sockaddr *) &sa, sizeof sa) < 0 || (!udp && listen(ls, 4096) < 0)) {
                perror("listen");
                return 1;
        }
        pid_t server = fork();
        if (server == 0) {
                char buf[64];
                for (;;) {
                        if (udp)
                                (void) recv(ls, buf, sizeof buf, 0);
                        else {
                                int c = accept(ls, NULL, NULL);
                                if (c >= 0)
                                        close(c);
                        }
                }
        }
        close(ls);

        /* The client, as the agent; the server stays root and is ours to stop. */
        int pfd[2];
        if (pipe(pfd) < 0)
                return 1;
        pid_t client = fork();
        if (client == 0) {
                close(pfd[0]);
                if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
                        perror("setresuid");
                        _exit(1);
                }
                unsigned long n = 0, failed = 0;
                double t0 = now(), end = t0 + seconds;
                int us = udp ? socket(AF_INET, SOCK_DGRAM, 0) : -1;
                if (udp && connect(us, (struct sockaddr *) &sa, sizeof sa) < 0) {
                        perror("connect");
                        _exit(1);
                }
                while (now() < end) {
                        for (int k = 0; k < 64; k++) {
                                if (udp) {
                                        if (send(us, "x", 1, 0) < 0)
                                                failed++;
                                        else
                                                n++;
                                        continue;
                                }
                                int fd = socket(AF_INET, SOCK_STREAM, 0);
                                struct linger lg = { .l_onoff = 1, .l_linger = 0 };   /* RST on close: no TIME_WAIT pile-up */
                                setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                                if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                                        failed++;
                                else
                                        n++;
                                close(fd);
                        }
                }
                double dt = now() - t0;
                if (failed > 0) {
                        fprintf(stderr, "%lu of %lu attempts failed\n", failed, n + failed);
                        _exit(1);
                }
                dprintf(pfd[1], "%.0f\n", (double) n / dt);
                _exit(0);
        }
        close(pfd[1]);
        char result[64] = "";
        ssize_t k = read(pfd[0], result, sizeof result - 1);
        int status = 1;
        waitpid(client, &status, 0);
        kill(server, SIGKILL);
        waitpid(server, NULL, 0);
        if (k <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return 1;
        fputs(result, stdout);
        return 0;
}
