/*
 * strmap.c - open addressing with linear probing, load factor <= 1/2.
 */
#include "tunetop/strmap.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "tunetop/util.h"

void strmap_init(struct strmap *m)
{
	m->cap = 16;
	m->count = 0;
	m->slots = tt_xcalloc(m->cap, sizeof *m->slots);
}

void strmap_fini(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

static size_t strmap_probe(const struct strmap *m, uint64_t h, const char *key, size_t keylen)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].used) {
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

	if (!m->slots[i].used)
		return 0;
	*value = m->slots[i].value;
	return 1;
}

static void strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->slots = tt_xcalloc(m->cap, sizeof *m->slots);
	for (i = 0; i < oldcap; i++) {
		if (old[i].used) {
			size_t j = strmap_probe(m, old[i].hash, old[i].key, old[i].keylen);

			m->slots[j] = old[i];
		}
	}
	free(old);
}

void strmap_put(struct strmap *m, const char *key, size_t keylen, uint32_t value)
{
	uint64_t h = XXH3_64bits(key, keylen);
	size_t i;

	if ((m->count + 1) * 2 > m->cap)
		strmap_grow(m);
	i = strmap_probe(m, h, key, keylen);
	if (!m->slots[i].used) {
		m->slots[i].used = 1;
		m->slots[i].hash = h;
		m->slots[i].key = tt_xstrndup(key, keylen);
		m->slots[i].keylen = keylen;
		m->count++;
	}
	m->slots[i].value = value;
}
