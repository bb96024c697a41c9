/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A small open-addressing index from keys (strings or 32-bit numbers) to
 * array positions, for the user database: lookups by name and by id must
 * not grow with the number of lines. Keys are not copied; the caller
 * keeps them alive. A key may map to several positions (a user database
 * can hold a name twice); lookups return the lowest. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

typedef struct IndexEntry {
        const char *str;        /* NULL for numeric keys */
        uint32_t num;
        size_t pos;
        bool used;
} IndexEntry;

typedef struct Index {
        IndexEntry *slots;
        size_t n_slots;         /* a power of two */
        size_t n_used;
} Index;

void index_done(Index *ix);
void index_clear(Index *ix);
int index_put_str(Index *ix, const char *key, size_t pos);
int index_put_num(Index *ix, uint32_t key, size_t pos);

/* The lowest position of key, or SIZE_MAX. */
size_t index_find_str(const Index *ix, const char *key);
size_t index_find_num(const Index *ix, uint32_t key);
