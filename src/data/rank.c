/*
 * rank.c - ranks of byte strings (rank.h).
 *
 * A most-significant-digit-first string sort: a stable radix sort of the
 * strings' next 8 bytes (zero padded, so "ab" comes before "abc"), then
 * the same for each run of strings that still tie, 8 bytes further on;
 * runs below RANK_RADIX_MIN are compared in full with qsort_r. Ranks are
 * the sorted positions, shared by equal strings.
 */
#include "tunetop/rank.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

/* Radix digits of 8 bits: 256 counters and 256 write streams stay in cache. */
enum { RANK_DIGIT = 8, RANK_MASK = 0xff, RANK_RADIX_MIN = 32 };

struct rank_strings {
	const char *const *s;
	const uint32_t *len;
};

/* A string's next 8 bytes as a big-endian number, and which string. */
struct rank_item {
	uint64_t p;
	uint32_t i;
};

static void rank_get(const struct rank_strings *rs, uint32_t i, const char **s, uint32_t *len)
{
	*s = rs->s[i] != NULL ? rs->s[i] : "";
	*len = rs->s[i] != NULL ? rs->len[i] : 0;
}

/* Bytes, then length, then index (so that qsort_r's result is one order). */
static int rank_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t x = ((const struct rank_item *)a)->i, y = ((const struct rank_item *)b)->i;
	uint32_t lx, ly;
	const char *sx, *sy;
	int c;

	rank_get(ctx, x, &sx, &lx);
	rank_get(ctx, y, &sy, &ly);
	c = memcmp(sx, sy, lx < ly ? lx : ly);
	if (c == 0)
		c = (lx > ly) - (lx < ly);
	return c != 0 ? c : (x > y) - (x < y);
}

static uint64_t rank_prefix(const char *s, uint32_t len)
{
	uint64_t p = 0;
	uint32_t k;

	for (k = 0; k < 8; k++)
		p = p << 8 | (k < len ? (unsigned char)s[k] : 0u);
	return p;
}

/* Stable LSD radix sort of a[0..n) on p, a digit a pass (constant digits skipped). */
static void rank_radix(struct rank_item *a, struct rank_item *tmp, size_t n)
{
	struct rank_item *src = a, *dst = tmp, *t;
	size_t count[1u << RANK_DIGIT], k, sum, c;
	unsigned shift;

	for (shift = 0; shift < 64; shift += RANK_DIGIT) {
		memset(count, 0, sizeof count);
		for (k = 0; k < n; k++)
			count[(src[k].p >> shift) & RANK_MASK]++;
		if (n == 0 || count[(src[0].p >> shift) & RANK_MASK] == n)
			continue;
		for (k = 0, sum = 0; k < (1u << RANK_DIGIT); k++) {
			c = count[k];
			count[k] = sum;
			sum += c;
		}
		for (k = 0; k < n; k++)
			dst[count[(src[k].p >> shift) & RANK_MASK]++] = src[k];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* Sort a[0..n), strings whose first off bytes are the same. */
static void rank_run(const struct rank_strings *rs, struct rank_item *a, struct rank_item *tmp,
		     size_t n, uint32_t off)
{
	const char *s;
	uint32_t len, longest = 0;
	size_t i, j, k;

	if (n < RANK_RADIX_MIN) {
		qsort_r(a, n, sizeof *a, rank_cmp, (void *)rs);
		return;
	}
	for (k = 0; k < n; k++) {
		rank_get(rs, a[k].i, &s, &len);
		a[k].p = len > off ? rank_prefix(s + off, len - off) : 0;
		longest = len > longest ? len : longest;
	}
	rank_radix(a, tmp, n);
	if (longest <= off + 8)
		return;		/* ties are equal strings: index order stays */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && a[j].p == a[i].p; j++)
			;
		if (j - i > 1)
			rank_run(rs, a + i, tmp + i, j - i, off + 8);
	}
}

static bool rank_same(const struct rank_strings *rs, uint32_t x, uint32_t y)
{
	const char *sx, *sy;
	uint32_t lx, ly;

	rank_get(rs, x, &sx, &lx);
	rank_get(rs, y, &sy, &ly);
	return lx == ly && memcmp(sx, sy, lx) == 0;
}

uint32_t *rank_strings(const char *const *s, const uint32_t *len, size_t n)
{
	struct rank_strings rs = { s, len };
	struct rank_item *a = tt_xmalloc((n + 1) * sizeof *a);
	struct rank_item *tmp = tt_xmalloc((n + 1) * sizeof *tmp);
	uint32_t *rank = tt_xmalloc((n + 1) * sizeof *rank);
	size_t i;

	for (i = 0; i < n; i++)
		a[i].i = (uint32_t)i;
	rank_run(&rs, a, tmp, n, 0);
	for (i = 0; i < n; i++) {
		if (i > 0 && rank_same(&rs, a[i - 1].i, a[i].i))
			rank[a[i].i] = rank[a[i - 1].i];
		else
			rank[a[i].i] = (uint32_t)i;
	}
	free(a);
	free(tmp);
	return rank;
}
