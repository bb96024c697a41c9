/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fileio.h"
#include "loginuid.h"
#include "macro.h"
#include "parse-util.h"

static int read_proc_u32(pid_t pid, const char *what, uint64_t *ret) {
        _cleanup_free_ char *s = NULL;
        char path[64];
        int r;

        if (pid == 0)
                snprintf(path, sizeof path, "/proc/self/%s", what);
        else
                snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, what);
        r = read_full_file(path, 64, &s, NULL);
        if (r < 0)
                return r;
        return parse_decimal(s, 0, UINT32_MAX, ret);
}

int loginuid_get(pid_t pid, uid_t *ret) {
        uint64_t v;
        int r = read_proc_u32(pid, "loginuid", &v);
        if (r < 0)
                return r;
        *ret = (uid_t) v;
        return 0;
}

int audit_session_get(pid_t pid, unsigned *ret) {
        uint64_t v;
        int r = read_proc_u32(pid, "sessionid", &v);
        if (r < 0)
                return r;
        *ret = (unsigned) v;
        return 0;
}

int loginuid_set(uid_t uid) {
        _cleanup_close_ int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC | O_NOCTTY);
        char buf[16];
        uid_t now;
        int n, r;

        if (fd < 0)
                return -errno;
        n = snprintf(buf, sizeof buf, "%u", (unsigned) uid);
        if (write(fd, buf, n) != n)
                return errno > 0 ? -errno : -EIO;
        /* Check rather than trust: the kernel may ignore a write. */
        r = loginuid_get(0, &now);
        if (r < 0)
                return r;
        return now == uid ? 0 : -EPERM;
}
