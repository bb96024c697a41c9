/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ephemeral.h"
#include "fileio.h"
#include "macro.h"
#include "path-util.h"
#include "validate.h"

typedef struct Field {
        const char *s;
        size_t n;
} Field;

static bool field_is(const Field *f, bool (*valid)(const char *), size_t max) {
        char buf[128];
        if (f->n == 0 || f->n > max || f->n >= sizeof buf || memchr(f->s, 0, f->n))
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

static const char registry_header[] =
        "# paddock per-task identities: UID AGENT-GID NAME AGENT TASK ENDED\n"
        "# Written by paddock-run, read by libnss_paddock. Do not edit.\n";

void ephemeral_registry_done(EphemeralRegistry *reg) {
        for (size_t i = 0; i < reg->n; i++) {
                free(reg->entries[i].name);
                free(reg->entries[i].agent);
                free(reg->entries[i].task);
        }
        free(reg->entries);
        *reg = (EphemeralRegistry) {};
}

const EphemeralIdentity *ephemeral_registry_find(const EphemeralRegistry *reg, uid_t uid, const char *name) {
        for (size_t i = 0; i < reg->n; i++)
                if (reg->entries[i].uid == uid || (name && strcmp(reg->entries[i].name, name) == 0))
                        return &reg->entries[i];
        return NULL;
}

static int registry_append(EphemeralRegistry *reg, uid_t uid, gid_t agent_gid, const char *name, size_t name_len,
                           const char *agent, size_t agent_len, const char *task, size_t task_len,
                           uint64_t ended) {
        EphemeralIdentity *n = reallocarray(reg->entries, reg->n + 1, sizeof(EphemeralIdentity));
        if (!n)
                return -ENOMEM;
        reg->entries = n;
        n[reg->n] = (EphemeralIdentity) {
                .uid = uid, .agent_gid = agent_gid, .ended = ended,
                .name = strndup(name, name_len),
                .agent = strndup(agent, agent_len),
                .task = strndup(task, task_len),
        };
        reg->n++;
        return n[reg->n - 1].name && n[reg->n - 1].agent && n[reg->n - 1].task ? 0 : -ENOMEM;
}

int ephemeral_registry_parse(const char *data, size_t size, EphemeralRegistry *ret, unsigned *ret_line) {
        EphemeralRegistry reg = {};
        unsigned line = 0;
        int r = 0;

        for (const char *p = data, *end = data + size; p < end && r >= 0;) {
                const char *nl = memchr(p, '\n', end - p);
                EphemeralEntry e;
                line++;
                if (!nl) {
                        r = -EBADMSG;
                        break;
                }
                r = parse_line(p, nl - p, &e);
                p = nl + 1;
                if (r != 0)
                        continue;
                char name[USER_NAME_MAX + 1];
                memcpy(name, e.name, e.name_len);
                name[e.name_len] = 0;
                if (ephemeral_registry_find(&reg, e.uid, name))
                        r = -EBADMSG;
                else
                        r = registry_append(&reg, e.uid, e.agent_gid, e.name, e.name_len, e.agent, e.agent_len,
                                            e.task, e.task_len, e.ended);
        }
        if (r < 0) {
                if (ret_line)
                        *ret_line = line;
                ephemeral_registry_done(&reg);
                return r;
        }
        *ret = reg;
        return 0;
}

int ephemeral_registry_load(const char *root, EphemeralRegistry *ret) {
        _cleanup_free_ char *path = path_join_root(root, EPHEMERAL_REGISTRY), *data = NULL;
        size_t size;
        int r;

        if (!path)
                return -ENOMEM;
        r = read_full_file(path, EPHEMERAL_REGISTRY_MAX, &data, &size);
        if (r == -ENOENT) {
                *ret = (EphemeralRegistry) {};
                return 0;
        }
        if (r < 0)
                return r;
        return ephemeral_registry_parse(data, size, ret, NULL);
}

int ephemeral_registry_format(const EphemeralRegistry *reg, char **ret, size_t *ret_size) {
        char *buf = NULL;
        size_t size = 0;
        FILE *m = open_memstream(&buf, &size);

        if (!m)
                return -ENOMEM;
        fputs(registry_header, m);
        for (size_t i = 0; i < reg->n; i++) {
                const EphemeralIdentity *e = &reg->entries[i];
                fprintf(m, "%u %u %s %s %s %" PRIu64 "\n", (unsigned) e->uid, (unsigned) e->agent_gid, e->name,
                        e->agent, e->task, e->ended);
        }
        if (fclose(m) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

void ephemeral_registry_prune(EphemeralRegistry *reg, uint64_t now, uint64_t retention) {
        size_t k = 0;
        for (size_t i = 0; i < reg->n; i++) {
                EphemeralIdentity *e = &reg->entries[i];
                if (e->ended != 0 && e->ended <= now && now - e->ended > retention) {
                        free(e->name);
                        free(e->agent);
                        free(e->task);
                        continue;
                }
                reg->entries[k++] = *e;
        }
        reg->n = k;
}

int ephemeral_name(const EphemeralRegistry *reg, const char *prefix, const char *agent, const char *task,
                   uid_t uid, uid_t first, bool (*taken)(const char *name), char **ret) {
        char name[USER_NAME_MAX], suffix[16];
        int n;

        /* User names are lower case; task ids need not be. */
        n = snprintf(name, sizeof name, "%s%s-t%s", prefix, agent, task);
        if (n < 0)
                return -EINVAL;
        for (char *p = name; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p += 'a' - 'A';
        if ((size_t) n < sizeof name && user_name_is_valid(name) && !ephemeral_registry_find(reg, (uid_t) -1, name) &&
            !(taken && taken(name)))
                return (*ret = strdup(name)) ? 0 : -ENOMEM;

        /* Cut, and made unique by the uid's offset: "." is in no agent
         * name, task id or agents' user name. */
        int k = snprintf(suffix, sizeof suffix, ".%u", (unsigned) (uid - first));
        size_t keep = MIN(strlen(name), sizeof name - 1 - (size_t) k);
        memcpy(name + keep, suffix, (size_t) k + 1);
        if (!user_name_is_valid(name))
                return -EINVAL;
        return (*ret = strdup(name)) ? 0 : -ENOMEM;
}

int ephemeral_registry_add(EphemeralRegistry *reg, uid_t uid, gid_t agent_gid, const char *name,
                           const char *agent, const char *task) {
        /* Nothing the reader would refuse: one bad line spoils them all. */
        if (uid == 0 || uid == (uid_t) -1 || uid == 65534 || uid == 65535 || agent_gid == 0 ||
            !user_name_is_valid(name) || strlen(name) > USER_NAME_MAX - 1 || !agent_name_is_valid(agent) ||
            !task_id_is_valid(task))
                return -EINVAL;
        if (ephemeral_registry_find(reg, uid, name))
                return -EEXIST;
        return registry_append(reg, uid, agent_gid, name, strlen(name), agent, strlen(agent), task, strlen(task), 0);
}

int ephemeral_registry_end(EphemeralRegistry *reg, uid_t uid, uint64_t now) {
        for (size_t i = 0; i < reg->n; i++)
                if (reg->entries[i].uid == uid) {
                        if (reg->entries[i].ended == 0)
                                reg->entries[i].ended = now > 0 ? now : 1;
                        return 0;
                }
        return -ENOENT;
}
