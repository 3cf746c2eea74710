/*
 * strmap.h - open-addressing hash map from byte strings to uint32 values,
 * hashed with xxHash (XXH3). Keys are copied into the map's own blocks (one
 * allocation per block, not per key: a million ids cost a few mallocs).
 * Used for label sets, record ids, duplicate detection and vocabularies.
 */
#ifndef TUNETOP_STRMAP_H
#define TUNETOP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint64_t hash;
	const char *key;     /* NULL: the slot is free */
	uint32_t keylen;
	uint32_t value;
};

/* A block of copied keys; blocks are chained, newest first. */
struct strmap_block {
	struct strmap_block *next;
	size_t used;
	size_t cap;
	char data[];
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;   /* power of two */
	size_t count;
	struct strmap_block *blocks;
};

void strmap_init(struct strmap *m);
void strmap_fini(struct strmap *m);
/* Returns 1 and sets *value if found, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t keylen, uint32_t *value);
/* Inserts or overwrites. Keys are at most 4 GiB. */
void strmap_put(struct strmap *m, const char *key, size_t keylen, uint32_t value);

#endif
