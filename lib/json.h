/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Just enough JSON output for --json: strings escaped per RFC 8259. */

#include <stdio.h>

void json_string(FILE *f, const char *s);
/* "key": value pairs; json_begin/json_end keep track of commas. */
typedef struct JsonObject {
        FILE *f;
        unsigned n;
} JsonObject;

void json_object_begin(JsonObject *o, FILE *f);
void json_object_end(JsonObject *o);
void json_kv_string(JsonObject *o, const char *key, const char *value);   /* NULL -> null */
void json_kv_uint(JsonObject *o, const char *key, unsigned long long value);
void json_kv_int(JsonObject *o, const char *key, long long value);
void json_kv_bool(JsonObject *o, const char *key, int value);
void json_kv_strv(JsonObject *o, const char *key, char * const *l);      /* NULL -> [] */
/* Write the key and leave the value to the caller. */
void json_key(JsonObject *o, const char *key);
