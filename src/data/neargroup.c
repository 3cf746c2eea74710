/*
 * neargroup.c - near-duplicate groups by MinHash and LSH (neargroup.h).
 *
 * Signature. A text's shingles are its word 2-grams, each hashed to 64
 * bits (the hash of the first word mixed with the second's). Value j of
 * the signature is the minimum over the shingles of mix(h ^ seed_j), the
 * usual stand-in for a random permutation; two texts agree on value j
 * with probability equal to the Jaccard similarity of their shingle sets.
 *
 * LSH. The bands*rows values are cut into bands of `rows`; records whose
 * band hashes are equal in some band are candidates, found by sorting
 * (band hash, record) pairs band by band. With 16 bands of 4 rows a pair
 * at Jaccard 0.5 is a candidate with probability 1-(1-0.5^4)^16 = 0.64,
 * at 0.7 with 0.98, at 0.3 with 0.12. A candidate joins the group of the
 * first record of its bucket when the signatures agree on at least
 * `threshold` of the values (union-find, smallest index as the root).
 *
 * Memory: bands*rows 32-bit values a record during the run (256 bytes at
 * the defaults), plus one (hash, record) pair a record a band, in turn.
 */
#include "tunetop/neargroup.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "tunetop/util.h"

enum { NEARGROUP_MAX_VALUES = 128, NEARGROUP_WORD_MAX = 64 };

void neargroup_opts_default(struct neargroup_opts *o)
{
	o->bands = 16;
	o->rows = 4;
	o->threshold = 0.5;
}

static uint64_t neargroup_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int neargroup_is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* The hash of the word at p[0..n), ASCII case folded (long words: their first bytes and length). */
static uint64_t neargroup_word(const char *p, size_t n)
{
	char w[NEARGROUP_WORD_MAX];
	size_t i, m = n < sizeof w ? n : sizeof w;

	for (i = 0; i < m; i++) {
		char c = p[i];

		w[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	return XXH3_64bits_withSeed(w, m, n);
}

/* Fold shingle h into the signature sig[0..k). */
static void neargroup_add(uint32_t *sig, int k, uint64_t h)
{
	int j;

	for (j = 0; j < k; j++) {
		uint32_t v = (uint32_t)(neargroup_mix(h ^ (0x9e3779b97f4a7c15ull * (uint64_t)(j + 1))) >> 32);

		if (v < sig[j])
			sig[j] = v;
	}
}

/* The signature of one text; 0 if it has no word (sig left all ones). */
static int neargroup_signature(const char *t, size_t n, uint32_t *sig, int k)
{
	uint64_t prev = 0;
	size_t i = 0;
	int words = 0;

	memset(sig, 0xff, (size_t)k * sizeof *sig);
	while (i < n) {
		size_t s;
		uint64_t h;

		while (i < n && !neargroup_is_word((unsigned char)t[i]))
			i++;
		if (i == n)
			break;
		s = i;
		while (i < n && neargroup_is_word((unsigned char)t[i]))
			i++;
		h = neargroup_word(t + s, i - s);
		if (words > 0)
			neargroup_add(sig, k, neargroup_mix(prev * 31 + 0x632be59bd9b4e019ull) ^ h);
		prev = h;
		words++;
	}
	if (words == 1)
		neargroup_add(sig, k, prev);
	return words > 0;
}

static uint32_t neargroup_root(uint32_t *parent, uint32_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void neargroup_union(uint32_t *parent, uint32_t a, uint32_t b)
{
	a = neargroup_root(parent, a);
	b = neargroup_root(parent, b);
	if (a < b)
		parent[b] = a;
	else if (b < a)
		parent[a] = b;
}

static int neargroup_cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Share of equal values of two signatures, at least t? */
static int neargroup_close(const uint32_t *a, const uint32_t *b, int k, double t)
{
	int j, same = 0;

	for (j = 0; j < k; j++)
		same += a[j] == b[j];
	return (double)same >= t * k;
}

/* Band b: sort (band hash, record) and join the close records of each bucket. */
static void neargroup_band(const uint32_t *sig, const uint8_t *has, size_t n, int k, int b,
			   int rows, double t, uint64_t *pairs, uint32_t *parent)
{
	size_t i, m = 0, s;

	for (i = 0; i < n; i++) {
		if (!has[i])
			continue;
		pairs[2 * m] = XXH3_64bits_withSeed(sig + i * (size_t)k + (size_t)b * rows,
						    (size_t)rows * sizeof *sig, (uint64_t)b);
		pairs[2 * m + 1] = i;
		m++;
	}
	qsort(pairs, m, 2 * sizeof *pairs, neargroup_cmp_pair);
	for (s = 0; s < m; s = i) {
		uint32_t first = (uint32_t)pairs[2 * s + 1];

		for (i = s + 1; i < m && pairs[2 * i] == pairs[2 * s]; i++) {
			uint32_t r = (uint32_t)pairs[2 * i + 1];

			if (neargroup_close(sig + (size_t)first * k, sig + (size_t)r * k, k, t))
				neargroup_union(parent, first, r);
		}
	}
}

void neargroup_compute(const struct dataset *ds, const struct neargroup_opts *o,
		       uint32_t *group)
{
	int k = o->bands * o->rows, b;
	size_t n = ds->n, i;
	uint32_t *sig;
	uint8_t *has;
	uint64_t *pairs;

	if (k <= 0 || k > NEARGROUP_MAX_VALUES)
		tt_fatal("neargroup: bands * rows must be 1 to %d", NEARGROUP_MAX_VALUES);
	for (i = 0; i < n; i++)
		group[i] = (uint32_t)i;
	if (n == 0)
		return;
	sig = tt_xmalloc(n * (size_t)k * sizeof *sig);
	has = tt_xmalloc(n);
	for (i = 0; i < n; i++)
		has[i] = (uint8_t)neargroup_signature(ds->recs[i].text, ds->recs[i].text_len,
						      sig + i * (size_t)k, k);
	pairs = tt_xmalloc(2 * n * sizeof *pairs);
	for (b = 0; b < o->bands; b++)
		neargroup_band(sig, has, n, k, b, o->rows, o->threshold, pairs, group);
	for (i = 0; i < n; i++)
		group[i] = neargroup_root(group, (uint32_t)i);
	free(pairs);
	free(has);
	free(sig);
}
