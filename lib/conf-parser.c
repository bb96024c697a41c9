/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdarg.h>

#include "conf-parser.h"
#include "parse-util.h"
#include "validate.h"

char *config_error(const char *filename, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *m = NULL;
        char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        int k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                return NULL;
        if (asprintf(&s, "%s:%u: %s", filename, line, m) < 0)
                return NULL;
        return s;
}

int config_reject(char **ret_message, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_message, fmt, ap) < 0)
                *ret_message = NULL;
        va_end(ap);
        return -EINVAL;
}

char *cescape_short(const char *s) {
        static const size_t max = 64;
        char *buf = malloc(max * 4 + 4), *o = buf;
        size_t n = 0;

        if (!buf)
                return strdup("(?)") ?: (char *) NULL;
        for (const unsigned char *p = (const unsigned char *) s; *p; p++, n++) {
                if (n >= max) {
                        o = stpcpy(o, "...");
                        break;
                }
                if (*p == '\\' || *p == '"')
                        o += sprintf(o, "\\%c", *p);
                else if (*p < 0x20 || *p >= 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        }
        *o = 0;
        return buf;
}

int config_parse_string(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        char **s = dest;
        (void) ctx;
        (void) ret_message;

        char *c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*s);
        *s = c;
        return 0;
}

int config_parse_bool(const ConfigContext *ctx, const char *value, void *dest, char **ret_message) {
        _cleanup_free_ char *e = NULL;

        if (parse_boolean(value, dest) >= 0)
                return 0;
        e = cescape_short(value);
        return config_reject(ret_message, "invalid %s= \"%s\": expected yes or no", ctx->key, e);
}

static char *strip(char *s) {
        char *e;

        s += strspn(s, " \t");
        e = s + strlen(s);
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
                *--e = 0;
        return s;
}

static const ConfigItem *find_item(const ConfigItem *items, size_t n, const char *section, const char *key, size_t *ret_index) {
        for (size_t i = 0; i < n; i++)
                if (streq(items[i].section, section) && streq(items[i].key, key)) {
                        *ret_index = i;
                        return &items[i];
                }
        return NULL;
}

static bool section_known(const ConfigItem *items, size_t n, const char *section) {
        for (size_t i = 0; i < n; i++)
                if (streq(items[i].section, section))
                        return true;
        return false;
}

int config_parse(
                const char *filename,
                const char *data,
                size_t size,
                const ConfigItem *items,
                size_t n_items,
                void *object,
                unsigned *line_seen,
                char **ret_error) {

        _cleanup_free_ char *section = NULL, *copy = NULL;
        _cleanup_free_ unsigned *seen = NULL;
        unsigned line = 0;
        char *p, *next;

#define FAIL(r, ...)                                                            \
        do {                                                                    \
                *ret_error = config_error(filename, line, __VA_ARGS__);         \
                return *ret_error ? (r) : -ENOMEM;                              \
        } while (0)

        if (size > CONF_FILE_MAX) {
                line = 1;
                FAIL(-EFBIG, "file is larger than %u bytes", CONF_FILE_MAX);
        }
        if (memchr(data, 0, size)) {
                line = 1;
                FAIL(-EINVAL, "file contains a NUL byte");
        }

        seen = calloc(n_items ?: 1, sizeof(unsigned));
        copy = strndup(data, size);
        if (!seen || !copy)
                return -ENOMEM;

        for (p = copy; p; p = next) {
                _cleanup_free_ char *key_e = NULL;
                char *l, *eq;
                size_t idx;

                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                line++;

                if (strlen(p) > CONF_LINE_MAX)
                        FAIL(-EINVAL, "line is longer than %u bytes", CONF_LINE_MAX);
                if (!text_is_printable(p, NULL)) {
                        /* Tabs and a trailing CR are the only controls tolerated. */
                        for (char *c = p; *c; c++)
                                if (*c == '\t' || (*c == '\r' && c[1] == 0))
                                        *c = ' ';
                        if (!text_is_printable(p, NULL))
                                FAIL(-EINVAL, "line contains control characters or invalid UTF-8");
                }

                l = strip(p);
                if (*l == 0 || *l == '#' || *l == ';')
                        continue;

                if (*l == '[') {
                        char *end = strchr(l, ']');
                        _cleanup_free_ char *e = NULL;

                        if (!end || end[1] != 0 || end == l + 1)
                                FAIL(-EINVAL, "invalid section header");
                        *end = 0;
                        if (!section_known(items, n_items, l + 1)) {
                                e = cescape_short(l + 1);
                                FAIL(-EINVAL, "unknown section [%s]", e);
                        }
                        free(section);
                        section = strdup(l + 1);
                        if (!section)
                                return -ENOMEM;
                        continue;
                }

                eq = strchr(l, '=');
                if (!eq)
                        FAIL(-EINVAL, "invalid line, expected KEY=VALUE or [Section]");
                *eq = 0;
                char *key = strip(l), *value = strip(eq + 1);

                if (!section)
                        FAIL(-EINVAL, "assignment outside of any section");
                if (*key == 0)
                        FAIL(-EINVAL, "missing key before \"=\"");

                const ConfigItem *item = find_item(items, n_items, section, key, &idx);
                if (!item) {
                        key_e = cescape_short(key);
                        FAIL(-EINVAL, "unknown key %s= in [%s]", key_e, section);
                }

                if (*value == 0 && !item->multi)
                        FAIL(-EINVAL, "empty value for %s=", key);
                if (!item->multi && seen[idx])
                        FAIL(-EINVAL, "duplicate key %s=, first set on line %u", key, seen[idx]);
                if (!seen[idx])
                        seen[idx] = line;

                ConfigContext ctx = {
                        .filename = filename,
                        .line = line,
                        .section = section,
                        .key = key,
                        .object = object,
                };
                _cleanup_free_ char *message = NULL;
                int r = item->parse(&ctx, value, (uint8_t *) object + item->offset, &message);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        if (text_has_trailing_comment(value))
                                FAIL(r, "%s (comments must be on a line of their own)",
                                     message ?: "invalid value");
                        FAIL(r, "%s", message ?: "invalid value");
                }
        }
#undef FAIL

        if (line_seen)
                memcpy(line_seen, seen, n_items * sizeof(unsigned));
        *ret_error = NULL;
        return 0;
}
