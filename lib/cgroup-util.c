/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cgroup-util.h"
#include "fileio.h"
#include "macro.h"
#include "parse-util.h"

static int write_string(const char *dir, const char *file, const char *value) {
        _cleanup_free_ char *p = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(value);

        if (asprintf(&p, "%s/%s", dir, file) < 0)
                return -ENOMEM;
        fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (write(fd, value, n) != (ssize_t) n)
                return errno > 0 ? -errno : -EIO;
        return 0;
}

/* Our own cgroup in the hierarchy whose /proc/self/cgroup line starts
 * with prefix ("0::" or "N:pids:"). */
static int own_cgroup(const char *controller, char **ret) {
        _cleanup_free_ char *s = NULL;
        int r = read_full_file("/proc/self/cgroup", 64 * 1024, &s, NULL);
        if (r < 0)
                return r;
        for (char *save = NULL, *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *a = strchr(l, ':'), *b = a ? strchr(a + 1, ':') : NULL;
                if (!b)
                        continue;
                *b = 0;
                if (!streq(a + 1, controller))
                        continue;
                char *x = strdup(b + 1);
                if (!x)
                        return -ENOMEM;
                *ret = x;
                return 0;
        }
        return -EOPNOTSUPP;
}

int cgroup_task_create(const char *name, pid_t pid, uint64_t tasks_max, char **ret_path) {
        _cleanup_free_ char *own = NULL, *dir = NULL;
        const char *base, *controller;
        struct statfs fs;
        char buf[32];
        int r;

        if (statfs("/sys/fs/cgroup", &fs) < 0)
                return -errno;
        if (fs.f_type == CGROUP2_SUPER_MAGIC) {
                base = "/sys/fs/cgroup";
                controller = "";
        } else if (statfs("/sys/fs/cgroup/pids", &fs) >= 0 && fs.f_type == CGROUP_SUPER_MAGIC) {
                base = "/sys/fs/cgroup/pids";
                controller = "pids";
        } else
                return -EOPNOTSUPP;

        r = own_cgroup(controller, &own);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s%s/%s", base, streq(own, "/") ? "" : own, name) < 0)
                return -ENOMEM;
        if (mkdir(dir, 0755) < 0)
                return -errno;
        snprintf(buf, sizeof buf, "%d", (int) pid);
        r = write_string(dir, "cgroup.procs", buf);
        if (r < 0) {
                (void) rmdir(dir);
                return r;
        }
        if (tasks_max > 0) {
                snprintf(buf, sizeof buf, "%" PRIu64, tasks_max);
                (void) write_string(dir, "pids.max", buf);      /* only where the controller is */
        }
        *ret_path = TAKE_PTR(dir);
        return 0;
}

int cgroup_task_remove(const char *path) {
        for (int attempt = 0; attempt < 100; attempt++) {
                _cleanup_free_ char *procs = NULL, *p = NULL;
                bool any = false;
                int r;

                if (rmdir(path) >= 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY)
                        return -errno;
                if (asprintf(&p, "%s/cgroup.procs", path) < 0)
                        return -ENOMEM;
                r = read_full_file(p, 1024 * 1024, &procs, NULL);
                if (r < 0)
                        return r;
                for (char *save = NULL, *l = strtok_r(procs, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        uint64_t pid;
                        if (parse_decimal(l, 1, INT32_MAX, &pid) >= 0 && kill((pid_t) pid, SIGKILL) >= 0)
                                any = true;
                }
                if (!any && attempt > 10)
                        break;
                nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
        }
        return -EBUSY;
}
