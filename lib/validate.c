/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <stdint.h>

#include "macro.h"
#include "validate.h"

static bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }

static bool name_is_valid(const char *s, size_t max, bool (*first)(char), const char *more) {
        size_t n = 0;

        if (!s || !first(s[0]))
                return false;
        for (const char *p = s + 1; *p; p++)
                if (!is_lower(*p) && !is_digit(*p) && !strchr(more, *p))
                        return false;
        n = strlen(s);
        return n <= max;
}

/* Names whose audit key "paddock-NAME" paddock uses for itself. */
bool agent_name_is_reserved(const char *s) {
        return s && (streq(s, "config") || streq(s, "agents"));
}

bool agent_name_is_valid(const char *s) {
        return name_is_valid(s, AGENT_NAME_MAX, is_lower, "-") && !agent_name_is_reserved(s);
}

bool user_prefix_is_valid(const char *s) {
        return s && (s[0] == 0 || name_is_valid(s, USER_PREFIX_MAX, is_lower, "-"));
}

static bool first_user_char(char c) {
        return is_lower(c) || c == '_';
}

bool user_name_is_valid(const char *s) {
        return name_is_valid(s, USER_NAME_MAX, first_user_char, "_.-");
}

bool credential_name_is_valid(const char *s) {
        if (!s || !is_alnum(s[0]) || strlen(s) > CREDENTIAL_NAME_MAX)
                return false;
        for (const char *p = s; *p; p++)
                if (!is_alnum(*p) && !strchr("_.-", *p))
                        return false;
        return !endswith(s, ".cred");
}

bool task_id_is_valid(const char *s) {
        if (!s || !is_alnum(s[0]) || strlen(s) > TASK_ID_MAX)
                return false;
        for (const char *p = s; *p; p++)
                if (!is_alnum(*p) && *p != '_' && *p != '-')
                        return false;
        return true;
}

static bool first_pam_char(char c) {
        return is_lower(c) || is_digit(c);
}

bool pam_service_is_valid(const char *s) {
        return name_is_valid(s, 64, first_pam_char, "_.-");
}

bool path_is_safe_absolute(const char *s) {
        size_t component = 0;

        if (!s || s[0] != '/' || strlen(s) >= 4096)
                return false;
        if (streq(s, "/"))
                return true;

        for (const char *p = s + 1;; p++) {
                if (*p == '/' || *p == 0) {
                        /* Empty ("//" or trailing "/"), "." and ".." components. */
                        if (component == 0 || component > 255)
                                return false;
                        if ((component == 1 && p[-1] == '.') ||
                            (component == 2 && p[-1] == '.' && p[-2] == '.'))
                                return false;
                        if (*p == 0)
                                return true;
                        component = 0;
                        continue;
                }
                if (!is_alnum(*p) && !strchr("._+@,=~-", *p))
                        return false;
                component++;
        }
}

bool path_startswith_dir(const char *path, const char *dir) {
        const char *rest;

        if (streq(dir, "/"))
                return path[0] == '/';
        rest = startswith(path, dir);
        return rest && (*rest == 0 || *rest == '/');
}

static bool all_digits_and_dots(const char *s) {
        for (; *s; s++)
                if (!is_digit(*s) && *s != '.')
                        return false;
        return true;
}

bool hostname_normalize(char *s) {
        size_t n = s ? strlen(s) : 0, label = 0;

        if (n > 0 && s[n - 1] == '.')
                s[--n] = 0;
        if (n == 0 || n > HOSTNAME_MAX || all_digits_and_dots(s))
                return false;

        for (size_t i = 0; i <= n; i++) {
                char c = s[i];
                if (c == '.' || c == 0) {
                        if (label == 0 || label > 63 || s[i - 1] == '-')
                                return false;
                        label = 0;
                        continue;
                }
                if (is_upper(c))
                        s[i] = c = (char) (c - 'A' + 'a');
                if (c == '-' && label == 0)
                        return false;
                if (!is_lower(c) && !is_digit(c) && c != '-')
                        return false;
                label++;
        }
        /* The top-level label must not be all digits (RFC 1123 2.1, 3696 2). */
        const char *tld = strrchr(s, '.');
        return !all_digits_and_dots(tld ? tld + 1 : s);
}

/* Length of the UTF-8 sequence at p, 0 if it is not well-formed, overlong,
 * a surrogate or beyond U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p) {
        uint32_t cp;
        size_t len;

        if (p[0] < 0x80)
                return 1;
        if ((p[0] & 0xe0) == 0xc0) {
                len = 2;
                cp = p[0] & 0x1f;
        } else if ((p[0] & 0xf0) == 0xe0) {
                len = 3;
                cp = p[0] & 0x0f;
        } else if ((p[0] & 0xf8) == 0xf0) {
                len = 4;
                cp = p[0] & 0x07;
        } else
                return 0;

        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
                return 0;
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;
        if (cp >= 0x80 && cp <= 0x9f)       /* C1 controls */
                return 0;
        return len;
}

bool text_is_printable(const char *s, const char *reject) {
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                if (*p < 0x20 || *p == 0x7f)
                        return false;
                if (*p < 0x80 && reject && strchr(reject, *p))
                        return false;
                size_t l = utf8_sequence(p);
                if (l == 0)
                        return false;
                p += l;
        }
        return true;
}

bool text_has_trailing_comment(const char *s) {
        for (const char *p = s; *p; p++)
                if ((*p == ' ' || *p == '\t') && (p[1] == '#' || p[1] == ';'))
                        return true;
        return false;
}
