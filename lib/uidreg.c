/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "paddock-conf.h"
#include "fileio.h"
#include "parse-util.h"
#include "path-util.h"
#include "uidreg.h"
#include "validate.h"

#define UID_REGISTRY_MAX (16U * 1024U * 1024U)

static const char header[] =
        "# paddock uid registry: every uid ever given to an agent.\n"
        "# A uid listed here is never given to another agent. Do not edit.\n";

void uid_registry_done(UidRegistry *reg) {
        for (size_t i = 0; i < reg->n; i++)
                free(reg->entries[i].name);
        free(reg->entries);
        free(reg->path);
        index_done(&reg->by_name);
        index_done(&reg->by_uid);
        *reg = (UidRegistry) {};
}

static int registry_add(UidRegistry *reg, uid_t uid, const char *name, bool retired) {
        UidEntry *n = reallocarray(reg->entries, reg->n + 1, sizeof(UidEntry));
        int r;

        if (!n)
                return -ENOMEM;
        reg->entries = n;
        n[reg->n].name = strdup(name);
        if (!n[reg->n].name)
                return -ENOMEM;
        n[reg->n].uid = uid;
        n[reg->n].retired = retired;
        r = index_put_num(&reg->by_uid, uid, reg->n);
        if (r >= 0 && !retired)
                r = index_put_str(&reg->by_name, n[reg->n].name, reg->n);
        reg->n++;
        return r;
}

int uid_registry_parse(UidRegistry *reg, const char *data, unsigned *ret_line) {
        _cleanup_free_ char *copy = strdup(data);
        unsigned line = 0;
        int r;

        if (!copy)
                return -ENOMEM;
        for (char *p = copy, *next; p && *p; p = next) {
                char uid_s[16], name[AGENT_NAME_MAX + 2], state[16], extra;
                uint64_t uid;

                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                line++;
                if (*p == '#' || *p == 0)
                        continue;

                if (sscanf(p, "%15s %27s %15s %c", uid_s, name, state, &extra) != 3 ||
                    parse_decimal(uid_s, 1, UINT32_MAX - 1, &uid) < 0 ||
                    !agent_name_is_valid(name) ||
                    (!streq(state, "active") && !streq(state, "retired")) ||
                    uid_registry_find_uid(reg, (uid_t) uid) ||
                    (streq(state, "active") && uid_registry_find_active(reg, name))) {
                        if (ret_line)
                                *ret_line = line;
                        return -EBADMSG;
                }
                r = registry_add(reg, (uid_t) uid, name, streq(state, "retired"));
                if (r < 0)
                        return r;
        }
        return 0;
}

int uid_registry_load(const char *root, UidRegistry *ret, unsigned *ret_line) {
        _cleanup_free_ char *data = NULL;
        UidRegistry reg = {};
        int r;

        reg.path = path_join_root(root, UID_REGISTRY);
        if (!reg.path)
                return -ENOMEM;
        r = read_full_file(reg.path, UID_REGISTRY_MAX, &data, NULL);
        if (r == -ENOENT)
                r = 0;
        else if (r >= 0)
                r = uid_registry_parse(&reg, data, ret_line);
        if (r < 0) {
                uid_registry_done(&reg);
                return r;
        }
        *ret = reg;
        return 0;
}

const UidEntry *uid_registry_find_active(const UidRegistry *reg, const char *name) {
        size_t i = index_find_str(&reg->by_name, name);
        /* Retiring leaves the name in the index; the flag decides. */
        if (i != SIZE_MAX && reg->entries[i].retired) {
                for (i = 0; i < reg->n; i++)
                        if (!reg->entries[i].retired && streq(reg->entries[i].name, name))
                                return &reg->entries[i];
                return NULL;
        }
        return i == SIZE_MAX ? NULL : &reg->entries[i];
}

const UidEntry *uid_registry_find_uid(const UidRegistry *reg, uid_t uid) {
        size_t i = index_find_num(&reg->by_uid, uid);
        return i == SIZE_MAX ? NULL : &reg->entries[i];
}

int uid_registry_allocate(UidRegistry *reg, const char *name, uid_t min, uid_t max,
                          bool (*in_use)(uid_t uid, void *userdata), void *userdata,
                          uid_t *ret) {
        int r;

        /* One active uid per name: the file could not be read back else. */
        if (uid_registry_find_active(reg, name))
                return -EEXIST;

        /* The lowest uid that the registry never gave out and that nothing
         * else uses. Ids only ever become taken during a run, so every id
         * below the last one handed out stays taken: start there. */
        uid_t candidate = reg->next > min && reg->next <= max ? reg->next : min;
        while (uid_registry_find_uid(reg, candidate) || (in_use && in_use(candidate, userdata))) {
                if (candidate == max)
                        return -E2BIG;
                candidate++;
        }

        r = registry_add(reg, candidate, name, false);
        if (r < 0)
                return r;
        reg->dirty = true;
        reg->next = candidate + 1;
        *ret = candidate;
        return 0;
}

int uid_registry_retire(UidRegistry *reg, const char *name) {
        UidEntry *e = (UidEntry *) uid_registry_find_active(reg, name);
        if (!e)
                return 0;
        e->retired = true;
        reg->dirty = true;
        return 1;
}

int uid_registry_format(const UidRegistry *reg, char **ret, size_t *ret_size) {
        char *buf = NULL;
        size_t size = 0;
        FILE *m = open_memstream(&buf, &size);

        if (!m)
                return -ENOMEM;
        fputs(header, m);
        for (size_t i = 0; i < reg->n; i++)
                fprintf(m, "%u %s %s\n", (unsigned) reg->entries[i].uid, reg->entries[i].name,
                        reg->entries[i].retired ? "retired" : "active");
        if (fclose(m) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

int uid_registry_save(UidRegistry *reg) {
        _cleanup_free_ char *data = NULL, *dir = NULL;
        size_t size;
        int r;

        if (!reg->dirty)
                return 0;
        r = uid_registry_format(reg, &data, &size);
        if (r < 0)
                return r;
        dir = strndup(reg->path, strrchr(reg->path, '/') - reg->path);
        if (!dir)
                return -ENOMEM;
        r = mkdir_parents(dir, 0755);
        if (r < 0)
                return r;
        r = write_file_atomic(reg->path, data, size, 0644, (uid_t) -1, (gid_t) -1, WRITE_SYNC);
        if (r < 0)
                return r;
        reg->dirty = false;
        return 0;
}
