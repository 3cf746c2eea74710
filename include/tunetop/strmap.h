/*
 * strmap.h - open-addressing hash map from byte strings to uint32 values,
 * hashed with xxHash (XXH3). Keys are copied. Used for label sets, duplicate
 * detection and vocabularies.
 */
#ifndef TUNETOP_STRMAP_H
#define TUNETOP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	uint64_t hash;
	char *key;
	size_t keylen;
	uint32_t value;
	int used;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;   /* power of two */
	size_t count;
};

void strmap_init(struct strmap *m);
void strmap_fini(struct strmap *m);
/* Returns 1 and sets *value if found, else 0. */
int strmap_get(const struct strmap *m, const char *key, size_t keylen, uint32_t *value);
/* Inserts or overwrites. */
void strmap_put(struct strmap *m, const char *key, size_t keylen, uint32_t value);

#endif
