/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <fcntl.h>
#include <sys/stat.h>

#include "fileio.h"
#include "parse-util.h"
#include "path-util.h"
#include "pwdb.h"

static const struct {
        const char *path;
        const char *name;
        mode_t mode;            /* for a file that does not exist yet */
} kind_table[_PW_KIND_MAX] = {
        [PW_PASSWD]  = { "/etc/passwd",  "passwd",  0644 },
        [PW_GROUP]   = { "/etc/group",   "group",   0644 },
        [PW_SHADOW]  = { "/etc/shadow",  "shadow",  0640 },
        [PW_GSHADOW] = { "/etc/gshadow", "gshadow", 0640 },
};

/* The order in which files are written: a group exists before any user
 * refers to it; a user exists before its shadow entry does. */
static const PwKind commit_order[_PW_KIND_MAX] = { PW_GROUP, PW_GSHADOW, PW_PASSWD, PW_SHADOW };

#define PW_FILE_MAX (64U * 1024U * 1024U)

const char *pw_kind_to_string(PwKind k) {
        return kind_table[k].name;
}

char *pw_field(const char *text, unsigned n) {
        const char *p = text;

        for (unsigned i = 0; i < n; i++) {
                p = strchr(p, ':');
                if (!p)
                        return NULL;
                p++;
        }
        return strndup(p, strcspn(p, ":"));
}

static void pw_line_done(PwLine *l) {
        free(l->text);
        free(l->name);
}

static int pw_line_parse(PwKind kind, const char *text, PwLine *ret) {
        PwLine l = {};
        const char *colon = strchr(text, ':');

        l.text = strdup(text);
        if (!l.text)
                return -ENOMEM;
        /* Comments, NIS "+"/"-" lines and anything without a field are kept
         * but never matched. */
        if (colon && colon != text && text[0] != '+' && text[0] != '-' && text[0] != '#') {
                l.name = strndup(text, colon - text);
                if (!l.name) {
                        free(l.text);
                        return -ENOMEM;
                }
                if (kind == PW_PASSWD || kind == PW_GROUP) {
                        _cleanup_free_ char *id = pw_field(text, 2);
                        uint64_t v;
                        if (id && parse_decimal(id, 0, UINT32_MAX, &v) >= 0) {
                                l.id = (uint32_t) v;
                                l.has_id = true;
                        }
                }
        }
        *ret = l;
        return 0;
}

static int pwfile_index_line(PwFile *f, size_t i) {
        const PwLine *l = &f->lines[i];
        int r = 0;

        if (l->name)
                r = index_put_str(&f->by_name, l->name, i);
        if (r >= 0 && l->has_id)
                r = index_put_num(&f->by_id, l->id, i);
        return r;
}

static int pwfile_reindex(PwFile *f) {
        index_clear(&f->by_name);
        index_clear(&f->by_id);
        for (size_t i = 0; i < f->n_lines; i++) {
                int r = pwfile_index_line(f, i);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int pwfile_append(PwFile *f, const char *text) {
        PwLine *n = reallocarray(f->lines, f->n_lines + 1, sizeof(PwLine));
        int r;

        if (!n)
                return -ENOMEM;
        f->lines = n;
        r = pw_line_parse(f->kind, text, &n[f->n_lines]);
        if (r < 0)
                return r;
        f->n_lines++;
        return pwfile_index_line(f, f->n_lines - 1);
}

void pwfile_done(PwFile *f) {
        for (size_t i = 0; i < f->n_lines; i++)
                pw_line_done(&f->lines[i]);
        free(f->lines);
        free(f->path);
        index_done(&f->by_name);
        index_done(&f->by_id);
        *f = (PwFile) {};
}

int pwfile_load(PwFile *f, PwKind kind, const char *path) {
        _cleanup_free_ char *data = NULL;
        int r;

        *f = (PwFile) { .kind = kind };
        f->path = strdup(path);
        if (!f->path)
                return -ENOMEM;

        r = read_full_file(path, PW_FILE_MAX, &data, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        f->exists = true;

        for (char *p = data, *next; p && *p; p = next) {
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                r = pwfile_append(f, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

const PwLine *pwfile_find_name(const PwFile *f, const char *name) {
        size_t i = index_find_str(&f->by_name, name);
        return i == SIZE_MAX ? NULL : &f->lines[i];
}

const PwLine *pwfile_find_id(const PwFile *f, uint32_t id) {
        size_t i = index_find_num(&f->by_id, id);
        return i == SIZE_MAX ? NULL : &f->lines[i];
}

int pwfile_put(PwFile *f, const char *name, const char *text) {
        PwLine *l = (PwLine *) pwfile_find_name(f, name);
        PwLine n;
        int r;

        if (!l) {
                r = pwfile_append(f, text);
                if (r < 0)
                        return r;
                f->dirty = true;
                return 1;
        }
        if (streq(l->text, text))
                return 0;
        r = pw_line_parse(f->kind, text, &n);
        if (r < 0)
                return r;
        pw_line_done(l);
        *l = n;
        f->dirty = true;
        /* The index points at the old line's name: rebuild it (updates
         * are rare; appends are the common case). */
        r = pwfile_reindex(f);
        return r < 0 ? r : 1;
}

int pwfile_remove(PwFile *f, const char *name) {
        size_t i = index_find_str(&f->by_name, name);
        if (i == SIZE_MAX)
                return 0;
        pw_line_done(&f->lines[i]);
        memmove(&f->lines[i], &f->lines[i + 1], (f->n_lines - i - 1) * sizeof(PwLine));
        f->n_lines--;
        f->dirty = true;
        int r = pwfile_reindex(f);
        return r < 0 ? r : 1;
}

int pwfile_format(const PwFile *f, char **ret, size_t *ret_size) {
        char *buf = NULL;
        size_t size = 0;
        FILE *m = open_memstream(&buf, &size);

        if (!m)
                return -ENOMEM;
        for (size_t i = 0; i < f->n_lines; i++) {
                fputs(f->lines[i].text, m);
                fputc('\n', m);
        }
        if (fclose(m) != 0) {
                free(buf);
                return -ENOMEM;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

static int lock_passwd(const char *root, int *ret_fd) {
        _cleanup_free_ char *etc = path_join_root(root, "/etc");
        _cleanup_free_ char *path = path_join_root(root, "/etc/.pwd.lock");
        _cleanup_close_ int fd = -EBADF;
        struct flock fl = {
                .l_type = F_WRLCK,
                .l_whence = SEEK_SET,
        };
        int r;

        if (!etc || !path)
                return -ENOMEM;
        r = mkdir_parents(etc, 0755);
        if (r < 0)
                return r;

        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        /* A classic POSIX record lock, as lckpwdf() takes it: waits for any
         * useradd, passwd or sysusers run that holds it. */
        while (fcntl(fd, F_SETLKW, &fl) < 0)
                if (errno != EINTR)
                        return -errno;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int pwdb_open(const char *root, PwDb **ret) {
        _cleanup_(pwdb_freep) PwDb *db = calloc(1, sizeof(PwDb));
        int r;

        if (!db)
                return -ENOMEM;
        db->lock_fd = -EBADF;

        r = lock_passwd(root, &db->lock_fd);
        if (r < 0)
                return r;

        /* Under the lock no other writer is at work: whatever temporary a
         * killed run left behind is garbage. */
        {
                static const char * const names[] = { "passwd", "group", "shadow", "gshadow", NULL };
                _cleanup_free_ char *etc = path_join_root(root, "/etc");
                if (!etc)
                        return -ENOMEM;
                (void) remove_stale_temporaries(etc, names);
        }

        for (PwKind k = 0; k < _PW_KIND_MAX; k++) {
                _cleanup_free_ char *p = path_join_root(root, kind_table[k].path);
                if (!p)
                        return -ENOMEM;
                r = pwfile_load(&db->files[k], k, p);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(db);
        return 0;
}

PwDb *pwdb_free(PwDb *db) {
        if (!db)
                return NULL;
        for (PwKind k = 0; k < _PW_KIND_MAX; k++)
                pwfile_done(&db->files[k]);
        safe_close(db->lock_fd);
        free(db);
        return NULL;
}

int pwdb_commit(PwDb *db) {
        for (size_t i = 0; i < _PW_KIND_MAX; i++) {
                PwFile *f = &db->files[commit_order[i]];
                _cleanup_free_ char *data = NULL;
                size_t size;
                int r;

                if (!f->dirty)
                        continue;
                r = pwfile_format(f, &data, &size);
                if (r < 0)
                        return r;
                if (f->exists && file_content_equals(f->path, data, size) > 0) {
                        f->dirty = false;
                        continue;
                }
                r = write_file_atomic(f->path, data, size, kind_table[f->kind].mode, (uid_t) -1, (gid_t) -1,
                                      WRITE_SYNC | WRITE_BACKUP);
                if (r < 0)
                        return r;
                f->exists = true;
                f->dirty = false;
        }
        return 0;
}
