/*
 * strmap.c - open addressing with linear probing, load factor <= 1/2. Keys
 * live in blocks of at least 64 KiB owned by the map (keys are never
 * removed, so a block is freed only with the map).
 */
#include "tunetop/strmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xxhash.h>

#include "tunetop/util.h"

enum { STRMAP_BLOCK = 64 * 1024 };

void strmap_init(struct strmap *m)
{
	m->cap = 16;
	m->count = 0;
	m->slots = tt_xcalloc(m->cap, sizeof *m->slots);
	m->blocks = NULL;
}

void strmap_fini(struct strmap *m)
{
	while (m->blocks != NULL) {
		struct strmap_block *b = m->blocks;

		m->blocks = b->next;
		free(b);
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static size_t strmap_probe(const struct strmap *m, uint64_t h, const char *key, size_t keylen)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key != NULL) {
		const struct strmap_slot *s = &m->slots[i];

		if (s->hash == h && s->keylen == keylen && memcmp(s->key, key, keylen) == 0)
			return i;
		i = (i + 1) & (m->cap - 1);
	}
	return i;
}

int strmap_get(const struct strmap *m, const char *key, size_t keylen, uint32_t *value)
{
	uint64_t h = XXH3_64bits(key, keylen);
	size_t i = strmap_probe(m, h, key, keylen);

	if (m->slots[i].key == NULL)
		return 0;
	*value = m->slots[i].value;
	return 1;
}

/*
 * A slot array. A big one (a million ids: 48 MB) is probed at random, so
 * it is asked for in transparent huge pages: 2 MiB aligned and madvised,
 * which spares most TLB misses. Zeroed either way; freed with free().
 */
static struct strmap_slot *strmap_slots_alloc(size_t cap)
{
	const size_t huge = (size_t)2 << 20;
	size_t bytes = cap * sizeof(struct strmap_slot);
	void *p;

	if (bytes < 4 * huge)
		return tt_xcalloc(cap, sizeof(struct strmap_slot));
	if (posix_memalign(&p, huge, bytes) != 0)
		tt_fatal("out of memory (%zu bytes)", bytes);
	(void)madvise(p, bytes, MADV_HUGEPAGE);    /* a hint; fine if refused */
	memset(p, 0, bytes);
	return p;
}

/* Rehash into cap slots (a power of two, more than twice the count). */
static void strmap_rehash(struct strmap *m, size_t cap)
{
	struct strmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap = cap;
	m->slots = strmap_slots_alloc(cap);
	for (i = 0; i < oldcap; i++) {
		if (old[i].key != NULL) {
			size_t j = (size_t)old[i].hash & (m->cap - 1);

			while (m->slots[j].key != NULL)     /* keys are distinct */
				j = (j + 1) & (m->cap - 1);
			m->slots[j] = old[i];
		}
	}
	free(old);
}

/* A NUL-terminated copy of key in the map's blocks. */
static const char *strmap_copy_key(struct strmap *m, const char *key, size_t keylen)
{
	struct strmap_block *b = m->blocks;
	char *p;

	if (b == NULL || b->cap - b->used < keylen + 1) {
		size_t cap = keylen + 1 > STRMAP_BLOCK ? keylen + 1 : STRMAP_BLOCK;

		b = tt_xmalloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		b->next = m->blocks;
		m->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, key, keylen);
	p[keylen] = '\0';
	b->used += keylen + 1;
	return p;
}

void strmap_put(struct strmap *m, const char *key, size_t keylen, uint32_t value)
{
	uint64_t h = XXH3_64bits(key, keylen);
	size_t i;

	if (keylen >= UINT32_MAX)
		tt_fatal("strmap: a key of %zu bytes", keylen);
	if ((m->count + 1) * 2 > m->cap)
		strmap_rehash(m, m->cap * 2);
	i = strmap_probe(m, h, key, keylen);
	if (m->slots[i].key == NULL) {
		m->slots[i].hash = h;
		m->slots[i].key = strmap_copy_key(m, key, keylen);
		m->slots[i].keylen = (uint32_t)keylen;
		m->count++;
	}
	m->slots[i].value = value;
}
