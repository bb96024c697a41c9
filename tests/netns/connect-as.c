/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* connect-as UID ADDRESS PORT tcp|udp: as UID (no groups, no capabilities),
 * connect to ADDRESS:PORT and print what happened and how long it took:
 *   "ok 0.120"          TCP: connected and the server's first byte read;
 *                       UDP: a datagram went out and an answer came back
 *                       (to port 53: a DNS query for example.test)
 *   "ECONNREFUSED 0.045" an errno name
 *   "timeout 2000.0"
 * ADDRESS may be IPv4 or IPv6 (an IPv4-mapped one goes out as IPv4). */

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double) t.tv_sec * 1e3 + (double) t.tv_nsec / 1e6;
}

static int finish(const char *what, double t0) {
        printf("%s %.3f\n", what, now_ms() - t0);
        return 0;
}

int main(int argc, char *argv[]) {
        struct sockaddr_storage sa = {};
        socklen_t len;
        int timeout = argc > 5 ? atoi(argv[5]) : 2000;

        if (argc < 5) {
                fprintf(stderr, "usage: %s UID ADDRESS PORT tcp|udp [TIMEOUT_MS]\n", argv[0]);
                return 2;
        }
        uid_t uid = (uid_t) strtoul(argv[1], NULL, 10);
        bool udp = strcmp(argv[4], "udp") == 0;
        struct sockaddr_in *s4 = (struct sockaddr_in *) &sa;
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) &sa;
        if (inet_pton(AF_INET, argv[2], &s4->sin_addr) == 1) {
                s4->sin_family = AF_INET;
                s4->sin_port = htons((uint16_t) atoi(argv[3]));
                len = sizeof *s4;
        } else if (inet_pton(AF_INET6, argv[2], &s6->sin6_addr) == 1) {
                s6->sin6_family = AF_INET6;
                s6->sin6_port = htons((uint16_t) atoi(argv[3]));
                len = sizeof *s6;
        } else
                return 2;

        if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
                perror("drop privileges");
                return 2;
        }

        double t0 = now_ms();
        int fd = socket(sa.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (fd < 0)
                return finish(strerrorname_np(errno), t0);
        struct timeval tv = { .tv_sec = timeout / 1000, .tv_usec = (timeout % 1000) * 1000 };
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (connect(fd, (struct sockaddr *) &sa, len) < 0)
                return finish(errno == EINPROGRESS ? "timeout" : strerrorname_np(errno), t0);
        if (udp) {
                /* To port 53 a real query (for "example.test", A), so that a
                 * DNS server answers; anything else to anything else. */
                static const char query[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                            "\x07" "example" "\x04" "test" "\x00\x00\x01\x00\x01";
                bool dns = strcmp(argv[3], "53") == 0;
                if (send(fd, dns ? query : "ping", dns ? sizeof query - 1 : 4, 0) < 0)
                        return finish(strerrorname_np(errno), t0);
        }
        char buf[16];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0)
                return finish(errno == EAGAIN ? "timeout" : strerrorname_np(errno), t0);
        return finish(n > 0 ? "ok" : "closed", t0);
}
