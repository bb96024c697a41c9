/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <limits.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <systemd/sd-journal.h>

#include "log.h"

static const char *program_name = "paddock";
static int max_level = LOG_INFO;
static int use_journal = -1;
static int kmsg_fd = -1;

void log_setup(const char *program) {
        const char *slash = strrchr(program, '/');
        program_name = slash ? slash + 1 : program;

        const char *e = getenv("PADDOCK_LOG_LEVEL");
        if (e && streq(e, "debug"))
                max_level = LOG_DEBUG;
}

void log_setup_generator(const char *program) {
        log_setup(program);
        /* Generators must not talk to services that may wait for PID 1:
         * no journal socket. The kernel log, else the console (containers
         * have no kmsg), else stderr. */
        kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (kmsg_fd < 0) {
                int fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
                if (fd >= 0) {
                        (void) dup2(fd, STDERR_FILENO);
                        (void) close(fd);
                }
        }
        use_journal = 0;
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

/* $JOURNAL_STREAM is "DEV:INODE" of the stream stderr was connected to. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;
        return st.st_dev == dev && st.st_ino == ino;
}

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) {
        char buf[LINE_MAX * 2];
        int saved = errno;
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > max_level)
                return -error;

        /* %m is strerror(error), not of whatever errno happens to be. */
        errno = error;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);

        if (use_journal < 0)
                use_journal = stderr_is_journal();

        if (kmsg_fd >= 0) {
                /* "<PRIORITY>IDENT[PID]: message", as syslog and journald read it. */
                dprintf(kmsg_fd, "<%d>%s[%d]: %s\n", LOG_DAEMON | level, program_name, (int) getpid(), buf);
        } else if (use_journal) {
                char l[16];
                snprintf(l, sizeof l, "%d", line);
                sd_journal_send("MESSAGE=%s", buf,
                                "PRIORITY=%d", level,
                                "SYSLOG_IDENTIFIER=%s", program_name,
                                "CODE_FILE=%s", file,
                                "CODE_LINE=%s", l,
                                error > 0 ? "PADDOCK_ERRNO=%d" : NULL, error,
                                NULL);
        } else
                fprintf(stderr, "%s: %s\n", program_name, buf);

        errno = saved;
        return -error;
}
