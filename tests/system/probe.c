/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Run as an agent's service: try what the sandbox must refuse and write
 * what happened as KEY=VALUE lines to ./probe.out (the state directory),
 * then stay alive so the test can look at the running unit.
 *
 *   paddock-probe            the probe
 *   paddock-probe euid       print the effective uid (run setuid root) */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static FILE *out;

static void put(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(const char *key, const char *fmt, ...) {
        va_list ap;
        fprintf(out, "%s=", key);
        va_start(ap, fmt);
        vfprintf(out, fmt, ap);
        va_end(ap);
        fputc('\n', out);
        fflush(out);
}

static const char *err(int r) {
        return r >= 0 ? "ok" : strerrorname_np(errno) ?: "?";
}

static void status_field(const char *field) {
        char line[256];
        FILE *f = fopen("/proc/self/status", "re");
        if (!f)
                return;
        while (fgets(line, sizeof line, f))
                if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':') {
                        char *v = line + strlen(field) + 1;
                        v += strspn(v, " \t");
                        v[strcspn(v, "\n")] = 0;
                        put(field, "%s", v);
                }
        fclose(f);
}

static int try_write(const char *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
                close(fd);
                unlink(path);
        }
        return fd;
}

static unsigned long fnv(const char *s, size_t n) {
        unsigned long h = 1469598103934665603UL;
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char) s[i]) * 1099511628211UL;
        return h;
}

int main(int argc, char *argv[]) {
        if (argc == 2 && strcmp(argv[1], "euid") == 0) {
                printf("%u\n", (unsigned) geteuid());
                return 0;
        }

        out = fopen("probe.out", "we");
        if (!out)
                return 1;

        put("uid", "%u", (unsigned) getuid());
        put("gid", "%u", (unsigned) getgid());
        {
                gid_t g[64];
                int n = getgroups(64, g);
                char list[1024] = "";
                for (int i = 0; i < n; i++)
                        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u", i ? "," : "", (unsigned) g[i]);
                put("groups", "%s", list);
        }
        status_field("CapEff");
        status_field("CapBnd");
        status_field("NoNewPrivs");
        status_field("Seccomp");

        put("write_etc", "%s", err(try_write("/etc/paddock-probe")));
        put("write_usr", "%s", err(try_write("/usr/paddock-probe")));
        put("write_state", "%s", err(try_write("probe.write")));
        put("write_tmp", "%s", err(try_write("/tmp/probe.write")));
        put("read_shadow", "%s", err(open("/etc/shadow", O_RDONLY | O_CLOEXEC)));
        put("read_credstore", "%s", err(open("/etc/paddock/credstore/probe/token", O_RDONLY | O_CLOEXEC)));
        {
                DIR *d = opendir("/root");
                put("read_root", "%s", d ? "ok" : err(-1));
                if (d)
                        closedir(d);
                d = opendir("/var/lib/paddock/agents/other");
                put("read_other_agent", "%s", d ? "ok" : err(-1));
                if (d)
                        closedir(d);
        }
        put("see_pid1", "%s", err(access("/proc/1/status", F_OK)));

        /* A setuid-root binary gains nothing. */
        {
                int p[2];
                char buf[32] = "";
                if (pipe(p) == 0) {
                        pid_t pid = fork();
                        if (pid == 0) {
                                dup2(p[1], 1);
                                execl("/usr/local/bin/paddock-probe-suid", "paddock-probe-suid", "euid", (char *) NULL);
                                _exit(127);
                        }
                        close(p[1]);
                        ssize_t n = read(p[0], buf, sizeof buf - 1);
                        buf[n > 0 ? n : 0] = 0;
                        buf[strcspn(buf, "\n")] = 0;
                        waitpid(pid, NULL, 0);
                        close(p[0]);
                }
                put("suid_euid", "%s", buf);
        }

        /* Seccomp, namespaces, W^X memory, address families. */
        put("reboot", "%s", err(reboot(RB_AUTOBOOT)));
        put("unshare_user", "%s", err(unshare(CLONE_NEWUSER)));
        {
                void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                put("mmap_wx", "%s", m == MAP_FAILED ? err(-1) : "ok");
        }
        put("socket_packet", "%s", err(socket(AF_PACKET, SOCK_RAW, 0)));
        put("socket_inet", "%s", err(socket(AF_INET, SOCK_STREAM, 0)));
        put("socket_netlink", "%s", err(socket(AF_NETLINK, SOCK_RAW, 0)));

        /* The credential, and whether it leaked into the environment. */
        {
                const char *dir = getenv("CREDENTIALS_DIRECTORY");
                char path[4096], secret[4096] = "";
                ssize_t n = -1;
                if (dir) {
                        snprintf(path, sizeof path, "%s/token", dir);
                        int fd = open(path, O_RDONLY | O_CLOEXEC);
                        if (fd >= 0) {
                                n = read(fd, secret, sizeof secret - 1);
                                close(fd);
                        }
                }
                put("credential_hash", "%lu", n > 0 ? fnv(secret, (size_t) n) : 0UL);
                if (n > 0) {
                        char env[65536];
                        int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
                        ssize_t e = fd >= 0 ? read(fd, env, sizeof env) : -1;
                        if (fd >= 0)
                                close(fd);
                        put("secret_in_environ", "%s", e > 0 && memmem(env, (size_t) e, secret, (size_t) n) ? "yes" : "no");
                }
        }

        /* The process limit: per-agent uids make LimitNPROC= exact even
         * where cgroup limits are ignored. */
        {
                pid_t kids[64];
                int n = 0;
                for (; n < 64; n++) {
                        kids[n] = fork();
                        if (kids[n] == 0) {
                                pause();
                                _exit(0);
                        }
                        if (kids[n] < 0)
                                break;
                }
                put("forks", "%d", n);
                put("fork_error", "%s", n < 64 ? err(-1) : "none");
                for (int i = 0; i < n; i++)
                        kill(kids[i], SIGKILL);
                for (int i = 0; i < n; i++)
                        waitpid(kids[i], NULL, 0);
        }

        put("done", "yes");
        fclose(out);
        for (;;)
                pause();
}
