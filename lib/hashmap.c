/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "hashmap.h"

/* FNV-1a: short keys, no adversary that could pick them (the files are
 * root's), and a good spread for names that differ in their last bytes. */
static uint64_t hash_str(const char *s) {
        uint64_t h = UINT64_C(14695981039346656037);
        for (; *s; s++)
                h = (h ^ (uint8_t) *s) * UINT64_C(1099511628211);
        return h;
}

static uint64_t hash_num(uint32_t n) {
        uint64_t h = n;
        h ^= h >> 16;
        h *= UINT64_C(0x45d9f3b3335b369);
        h ^= h >> 32;
        return h;
}

void index_done(Index *ix) {
        free(ix->slots);
        *ix = (Index) {};
}

void index_clear(Index *ix) {
        if (ix->slots)
                memset(ix->slots, 0, ix->n_slots * sizeof(IndexEntry));
        ix->n_used = 0;
}

static int index_put(Index *ix, const char *str, uint32_t num, size_t pos);

static int index_grow(Index *ix) {
        Index bigger = {
                .n_slots = ix->n_slots ? ix->n_slots * 2 : 64,
        };
        bigger.slots = calloc(bigger.n_slots, sizeof(IndexEntry));
        if (!bigger.slots)
                return -ENOMEM;
        for (size_t i = 0; i < ix->n_slots; i++)
                if (ix->slots[i].used)
                        (void) index_put(&bigger, ix->slots[i].str, ix->slots[i].num, ix->slots[i].pos);
        free(ix->slots);
        *ix = bigger;
        return 0;
}

static int index_put(Index *ix, const char *str, uint32_t num, size_t pos) {
        if ((ix->n_used + 1) * 4 > ix->n_slots * 3) {
                int r = index_grow(ix);
                if (r < 0)
                        return r;
        }
        size_t mask = ix->n_slots - 1;
        for (size_t i = (str ? hash_str(str) : hash_num(num)) & mask;; i = (i + 1) & mask)
                if (!ix->slots[i].used) {
                        ix->slots[i] = (IndexEntry) { .str = str, .num = num, .pos = pos, .used = true };
                        ix->n_used++;
                        return 0;
                }
}

int index_put_str(Index *ix, const char *key, size_t pos) {
        return index_put(ix, key, 0, pos);
}

int index_put_num(Index *ix, uint32_t key, size_t pos) {
        return index_put(ix, NULL, key, pos);
}

static size_t index_find(const Index *ix, const char *str, uint32_t num) {
        size_t best = SIZE_MAX;

        if (ix->n_slots == 0)
                return SIZE_MAX;
        size_t mask = ix->n_slots - 1;
        for (size_t i = (str ? hash_str(str) : hash_num(num)) & mask; ix->slots[i].used; i = (i + 1) & mask) {
                const IndexEntry *e = &ix->slots[i];
                bool match = str ? (e->str && streq(e->str, str)) : (!e->str && e->num == num);
                if (match && e->pos < best)
                        best = e->pos;
        }
        return best;
}

size_t index_find_str(const Index *ix, const char *key) {
        return index_find(ix, key, 0);
}

size_t index_find_num(const Index *ix, uint32_t key) {
        return index_find(ix, NULL, key);
}
