/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A table-driven parser for systemd-style INI files: "[Section]" headers,
 * "Key=Value" assignments, whole-line comments starting with "#" or ";".
 * There are no trailing comments and no line continuations. Keys are case
 * sensitive. Unknown sections and keys, single-valued keys given twice and
 * malformed lines are errors. The parser never logs; the first error is
 * returned as "FILE:LINE: message". */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define CONF_FILE_MAX (64U * 1024U)
#define CONF_LINE_MAX 4096U

typedef struct ConfigContext {
        const char *filename;
        unsigned line;
        const char *section;
        const char *key;
        void *object;           /* the struct being filled */
} ConfigContext;

/* Parse one value into dest. On failure return a negative errno and an
 * allocated message in *ret_message (without file and line). */
typedef int (*ConfigParser)(const ConfigContext *ctx, const char *value, void *dest, char **ret_message);

typedef struct ConfigItem {
        const char *section;
        const char *key;
        ConfigParser parse;
        size_t offset;          /* of dest within the object */
        bool multi;             /* may be given more than once */
} ConfigItem;

/* line_seen[i] receives the line where items[i] was first set (0: never);
 * it must have n_items entries, or be NULL. */
int config_parse(
                const char *filename,
                const char *data,
                size_t size,
                const ConfigItem *items,
                size_t n_items,
                void *object,
                unsigned *line_seen,
                char **ret_error);

/* Format "FILE:LINE: message" into a newly allocated string. */
char *config_error(const char *filename, unsigned line, const char *fmt, ...) _printf_(3, 4);

/* For messages: s with control bytes, quotes and backslashes escaped, at
 * most 64 bytes of it. Never NULL (falls back to a static string). */
char *cescape_short(const char *s);

/* Format a message into *ret_message and return -EINVAL; for parsers. */
int config_reject(char **ret_message, const char *fmt, ...) _printf_(2, 3);

/* Generic parsers for use in tables. */
int config_parse_string(const ConfigContext *ctx, const char *value, void *dest, char **ret_message);
int config_parse_bool(const ConfigContext *ctx, const char *value, void *dest, char **ret_message);
