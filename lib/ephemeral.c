/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <string.h>

#include "ephemeral.h"
#include "validate.h"

typedef struct Field {
        const char *s;
        size_t n;
} Field;

static bool field_is(const Field *f, bool (*valid)(const char *), size_t max) {
        char buf[128];
        if (f->n == 0 || f->n > max || f->n >= sizeof buf)
                return false;
        memcpy(buf, f->s, f->n);
        buf[f->n] = 0;
        return valid(buf);
}

static bool field_number(const Field *f, uint64_t min, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;
        if (f->n == 0 || f->n > 20 || (f->n > 1 && f->s[0] == '0'))
                return false;
        for (size_t i = 0; i < f->n; i++) {
                if (f->s[i] < '0' || f->s[i] > '9')
                        return false;
                unsigned d = f->s[i] - '0';
                if (v > (UINT64_MAX - d) / 10)
                        return false;
                v = v * 10 + d;
        }
        if (v < min || v > max)
                return false;
        *ret = v;
        return true;
}

/* 0 for an entry, 1 for a comment or an empty line, -EBADMSG. */
static int parse_line(const char *p, size_t len, EphemeralEntry *ret) {
        Field f[6];
        size_t n = 0, i = 0;
        uint64_t uid, gid, ended;

        if (len == 0 || p[0] == '#')
                return 1;
        while (i < len) {
                if (n == 6 || p[i] == ' ')
                        return -EBADMSG;        /* too many fields, or not one space apart */
                size_t start = i;
                while (i < len && p[i] != ' ')
                        i++;
                f[n++] = (Field) { p + start, i - start };
                if (i < len && ++i == len)
                        return -EBADMSG;        /* trailing space */
        }
        /* Never root, nobody, or the 16- and 32-bit "no uid". */
        if (n != 6 ||
            !field_number(&f[0], 1, UINT32_MAX - 1, &uid) || uid == 65534 || uid == 65535 ||
            !field_number(&f[1], 1, UINT32_MAX - 1, &gid) || gid == 65534 || gid == 65535 ||
            !field_is(&f[2], user_name_is_valid, USER_NAME_MAX - 1) ||
            !field_is(&f[3], agent_name_is_valid, AGENT_NAME_MAX) ||
            !field_is(&f[4], task_id_is_valid, TASK_ID_MAX) ||
            !field_number(&f[5], 0, UINT64_MAX, &ended))
                return -EBADMSG;
        *ret = (EphemeralEntry) {
                .uid = (uid_t) uid, .agent_gid = (gid_t) gid, .ended = ended,
                .name = f[2].s, .name_len = f[2].n,
                .agent = f[3].s, .agent_len = f[3].n,
                .task = f[4].s, .task_len = f[4].n,
        };
        return 0;
}

int ephemeral_find(const char *data, size_t size, uid_t uid, const char *name, EphemeralEntry *ret) {
        size_t name_len = name ? strlen(name) : 0;
        bool found = false;

        for (const char *p = data, *end = data + size; p < end;) {
                const char *nl = memchr(p, '\n', end - p);
                if (!nl)
                        return -EBADMSG;        /* a line without its end: cut short */
                EphemeralEntry e;
                int r = parse_line(p, nl - p, &e);
                if (r < 0)
                        return r;
                p = nl + 1;
                if (r > 0)
                        continue;
                bool match = name ? e.name_len == name_len && memcmp(e.name, name, name_len) == 0 : e.uid == uid;
                if (!match)
                        continue;
                if (found)
                        return -EBADMSG;
                found = true;
                *ret = e;
        }
        return found ? 0 : -ENOENT;
}
