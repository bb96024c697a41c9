/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "json.h"
#include "macro.h"

void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '"':  fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\n': fputs("\\n", f); break;
                case '\t': fputs("\\t", f); break;
                case '\r': fputs("\\r", f); break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fputc(*p, f);
                }
        }
        fputc('"', f);
}

void json_object_begin(JsonObject *o, FILE *f) {
        *o = (JsonObject) { .f = f };
        fputc('{', f);
}

void json_object_end(JsonObject *o) {
        fputc('}', o->f);
}

void json_key(JsonObject *o, const char *key) {
        if (o->n++ > 0)
                fputc(',', o->f);
        json_string(o->f, key);
        fputc(':', o->f);
}

void json_kv_strv(JsonObject *o, const char *key, char * const *l) {
        json_key(o, key);
        fputc('[', o->f);
        for (char * const *a = l; a && *a; a++) {
                if (a != l)
                        fputc(',', o->f);
                json_string(o->f, *a);
        }
        fputc(']', o->f);
}

void json_kv_string(JsonObject *o, const char *key, const char *value) {
        json_key(o, key);
        if (value)
                json_string(o->f, value);
        else
                fputs("null", o->f);
}

void json_kv_uint(JsonObject *o, const char *key, unsigned long long value) {
        json_key(o, key);
        fprintf(o->f, "%llu", value);
}

void json_kv_int(JsonObject *o, const char *key, long long value) {
        json_key(o, key);
        fprintf(o->f, "%lld", value);
}

void json_kv_bool(JsonObject *o, const char *key, int value) {
        json_key(o, key);
        fputs(value ? "true" : "false", o->f);
}
