/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* /etc/passwd, /etc/group, /etc/shadow and /etc/gshadow as lists of
 * lines, read and written without NSS. Lines paddock does not touch are
 * kept byte for byte. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hashmap.h"
#include "macro.h"

typedef enum PwKind {
        PW_PASSWD,
        PW_GROUP,
        PW_SHADOW,
        PW_GSHADOW,
        _PW_KIND_MAX,
} PwKind;

typedef struct PwLine {
        char *text;             /* without the newline */
        char *name;             /* first field; NULL for comments and odd lines */
        uint32_t id;            /* third field of passwd and group lines */
        bool has_id;
} PwLine;

typedef struct PwFile {
        PwKind kind;
        char *path;
        bool exists;
        bool dirty;
        PwLine *lines;
        size_t n_lines;
        Index by_name;          /* name -> line */
        Index by_id;            /* uid or gid -> line */
} PwFile;

typedef struct PwDb {
        PwFile files[_PW_KIND_MAX];
        int lock_fd;
} PwDb;

/* Take ROOT/etc/.pwd.lock (the lock lckpwdf() and shadow-utils take),
 * creating ROOT/etc if needed, then read all four files. */
int pwdb_open(const char *root, PwDb **ret);
PwDb *pwdb_free(PwDb *db);
DEFINE_TRIVIAL_CLEANUP_FUNC(PwDb *, pwdb_free);

/* Read one file without locking (for tests and read-only verbs). */
int pwfile_load(PwFile *f, PwKind kind, const char *path);
void pwfile_done(PwFile *f);

const PwLine *pwfile_find_name(const PwFile *f, const char *name);
const PwLine *pwfile_find_id(const PwFile *f, uint32_t id);

/* Replace the line of that name, or append it; marks the file dirty only
 * when the text really changes. */
int pwfile_put(PwFile *f, const char *name, const char *text);
/* Remove the line of that name; 0 if there was none, 1 if removed. */
int pwfile_remove(PwFile *f, const char *name);

/* Field n (0-based) of a line, as a new string. */
char *pw_field(const char *text, unsigned n);

/* The file's content as it would be written. */
int pwfile_format(const PwFile *f, char **ret, size_t *ret_size);

/* Write every dirty file, group before passwd so that no user ever
 * refers to a group that is not there: temp file, fsync, "-" backup,
 * rename. Files whose content is unchanged are not touched. */
int pwdb_commit(PwDb *db);

const char *pw_kind_to_string(PwKind k);
