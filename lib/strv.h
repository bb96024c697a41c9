/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NULL-terminated string vectors. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char * const *l);
bool strv_contains(char * const *l, const char *s);

/* Append s, taking ownership of it on success only. */
int strv_consume(char ***l, char *s);
/* Append a copy of s. */
int strv_extend(char ***l, const char *s);
int strv_extendf(char ***l, const char *fmt, ...) _printf_(2, 3);
char **strv_copy(char * const *l);
bool strv_equal(char * const *a, char * const *b);
void strv_sort(char **l);

#define STRV_FOREACH(s, l) for (char * const *s = (l); s && *s; s++)

/* A NULL-terminated list of string literals, on the stack. */
#define STRV_MAKE(...) ((char * const[]) { __VA_ARGS__, NULL })

/* Each of a list of string literals. */
#define FOREACH_STRING(x, ...)                                                  \
        for (const char *x, * const *_l_ = (const char * const[]) { __VA_ARGS__, NULL }; \
             (x = *_l_); _l_++)
