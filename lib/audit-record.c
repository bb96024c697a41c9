/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <inttypes.h>

#include "audit-record.h"

static int audit_fd = -EBADF;
static bool audit_tried;
static char audit_tty[64];

/* terminal= of our records: the controlling terminal of standard input,
 * as libaudit would find it, looked up once rather than per record. */
static const char *own_terminal(void) {
        if (!audit_tty[0]) {
                char buf[64];
                const char *t = isatty(STDIN_FILENO) && ttyname_r(STDIN_FILENO, buf, sizeof buf) == 0 ? buf : "?";
                snprintf(audit_tty, sizeof audit_tty, "%s", startswith(t, "/dev/") ?: t);
        }
        return audit_tty;
}

static int audit_get_fd(void) {
        if (!audit_tried) {
                audit_tried = true;
                int fd = audit_open();
                /* EINVAL, EPROTONOSUPPORT, EAFNOSUPPORT: no audit in this
                 * kernel or container. Nothing else is expected either. */
                audit_fd = fd >= 0 ? fd : -EBADF;
        }
        return audit_fd;
}

bool audit_available(void) {
        return audit_get_fd() >= 0;
}

char *audit_field(const char *name, const char *value) {
        return audit_encode_nv_string(name, value, 0);
}

int audit_fields_add(char **fields, const char *name, const char *value) {
        _cleanup_free_ char *f = audit_field(name, value);
        char *n;

        if (!f)
                return -ENOMEM;
        if (asprintf(&n, "%s%s%s", strempty(*fields), *fields ? " " : "", f) < 0)
                return -ENOMEM;
        free(*fields);
        *fields = n;
        return 0;
}

int audit_record_terminal(int type, const char *op, const char *acct, int64_t id,
                          const char *fields, const char *terminal, bool success) {
        _cleanup_free_ char *acct_f = NULL, *msg = NULL;
        char id_f[32] = "";
        int fd = audit_get_fd();

        if (fd < 0)
                return 0;

        /* op= is a fixed token chosen by paddock, never user input. */
        if (acct) {
                acct_f = audit_field("acct", acct);
                if (!acct_f)
                        return -ENOMEM;
        }
        if (id != AUDIT_ID_NONE)
                snprintf(id_f, sizeof id_f, " id=%" PRIi64, id);

        if (asprintf(&msg, "op=%s%s%s%s%s%s", op,
                     acct_f ? " " : "", strempty(acct_f), id_f,
                     fields ? " " : "", strempty(fields)) < 0)
                return -ENOMEM;

        int saved = errno;
        int r = audit_log_user_message(fd, type, msg, NULL, NULL, terminal ?: own_terminal(), success ? 1 : 0);
        int err = errno;
        errno = saved;
        if (r <= 0) {
                /* Not root, or audit disabled at runtime: not an error. */
                if (err == EPERM || err == ECONNREFUSED || err == EINVAL)
                        return 0;
                return -err;
        }
        return 0;
}

int audit_record(int type, const char *op, const char *acct, int64_t id, const char *fields, bool success) {
        return audit_record_terminal(type, op, acct, id, fields, NULL, success);
}
