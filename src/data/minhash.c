/*
 * minhash.c - MinHash signatures and LSH band keys (minhash.h).
 *
 * The cost is perm multiply-adds per shingle: 128 x ~130 shingles for a
 * 200-byte text. Shingle hashes come first, into a scratch array, then
 * minhash_mins runs eight permutations at a time over them.
 */
#include "tunetop/minhash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "tunetop/normtext.h"

/* splitmix64: the per-permutation constants from the seed. */
static uint64_t minhash_mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double minhash_candidate_prob(const struct minhash_params *p, double j)
{
	return 1.0 - pow(1.0 - pow(j, p->rows), p->bands);
}

/* The most rows (fewest chance candidates) that still catch a pair at t with p >= 0.99. */
static void minhash_auto_bands(struct minhash_params *p)
{
	int r;

	for (r = p->perm; r >= 1; r--) {
		p->rows = r;
		p->bands = p->perm / r;
		if (minhash_candidate_prob(p, p->threshold) >= 0.99)
			return;
	}
	p->rows = 1;
	p->bands = p->perm;
}

int minhash_params_init(struct minhash_params *p, const char *shingle, int perm,
			double threshold, int bands, struct tt_err *err)
{
	const char *num;
	char *end;
	long n;

	memset(p, 0, sizeof *p);
	if (strncmp(shingle, "char", 4) == 0) {
		p->kind = MINHASH_CHAR;
		num = shingle + 4;
	} else if (strncmp(shingle, "word", 4) == 0) {
		p->kind = MINHASH_WORD;
		num = shingle + 4;
	} else {
		tt_err_set(err, NULL, 0, 0, "neardup_shingle: '%s' is not a shingle "
			   "(expected charN or wordN, N 1 to 16, e.g. char5 or word2)", shingle);
		return -1;
	}
	n = strtol(num, &end, 10);
	if (*num < '0' || *num > '9' || *end != '\0' || n < 1 || n > 16) {
		tt_err_set(err, NULL, 0, 0, "neardup_shingle: '%s' needs a length 1 to 16 "
			   "after %s (e.g. %s5)", shingle, p->kind == MINHASH_CHAR ? "char" : "word",
			   p->kind == MINHASH_CHAR ? "char" : "word");
		return -1;
	}
	if (perm < 16 || perm > 1024 || perm % 8 != 0) {
		tt_err_set(err, NULL, 0, 0, "neardup_perm: %d is out of range (expected a multiple "
			   "of 8 from 16 to 1024)", perm);
		return -1;
	}
	if (!(threshold > 0.0 && threshold <= 1.0)) {
		tt_err_set(err, NULL, 0, 0, "neardup_threshold: %g is out of range "
			   "(expected above 0, at most 1)", threshold);
		return -1;
	}
	if (bands < 0 || bands > perm) {
		tt_err_set(err, NULL, 0, 0, "neardup_bands: %d is out of range (expected 0 for "
			   "automatic, or 1 to neardup_perm = %d)", bands, perm);
		return -1;
	}
	p->ngram = (int)n;
	p->perm = perm;
	p->threshold = threshold;
	p->seed = 0x6d696e68617368ull;   /* fixed: signatures are comparable across runs */
	if (bands == 0) {
		minhash_auto_bands(p);
	} else {
		p->bands = bands;
		p->rows = perm / bands;
	}
	return 0;
}

void minhash_shingle_name(const struct minhash_params *p, char *out, size_t size)
{
	snprintf(out, size, "%s%d", p->kind == MINHASH_CHAR ? "char" : "word", p->ngram);
}

void minhash_init(struct minhash *m, const struct minhash_params *p)
{
	uint64_t state = p->seed;
	int k;

	m->p = *p;
	m->a = tt_xmalloc((size_t)p->perm * sizeof *m->a);
	m->b = tt_xmalloc((size_t)p->perm * sizeof *m->b);
	for (k = 0; k < p->perm; k++) {
		m->a[k] = (uint32_t)minhash_mix(&state) | 1u;
		m->b[k] = (uint32_t)minhash_mix(&state);
	}
}

void minhash_fini(struct minhash *m)
{
	free(m->a);
	free(m->b);
	memset(m, 0, sizeof *m);
}

void minhash_scratch_init(struct minhash_scratch *s)
{
	tt_buf_init(&s->norm);
	s->h = NULL;
	s->cap = 0;
}

void minhash_scratch_fini(struct minhash_scratch *s)
{
	tt_buf_fini(&s->norm);
	free(s->h);
	memset(s, 0, sizeof *s);
}

static void minhash_push(struct minhash_scratch *s, size_t *n, uint64_t h)
{
	if (*n == s->cap) {
		s->cap = s->cap < 64 ? 64 : s->cap * 2;
		s->h = tt_xrealloc(s->h, s->cap * sizeof *s->h);
	}
	s->h[(*n)++] = h;
}

/* Start offsets of units (code points or words) of t, with one past the end. */
static size_t minhash_units(const char *t, size_t len, enum minhash_kind kind, size_t *at)
{
	size_t i, u = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)t[i];

		if (kind == MINHASH_CHAR ? (c & 0xC0) != 0x80 : (i == 0 || t[i - 1] == ' '))
			at[u++] = i;
	}
	/* words end before their space: the shingle span runs to the next start - 1 */
	at[u] = len + (kind == MINHASH_WORD ? 1 : 0);
	return u;
}

/* The shingle hashes of the normalized text in s->norm; returns how many. */
static size_t minhash_shingles(const struct minhash_params *p, struct minhash_scratch *s)
{
	const char *t = s->norm.data;
	size_t len = s->norm.len, units, i, n = 0, span;
	size_t stack[512], *at = len + 1 <= 512 ? stack : tt_xmalloc((len + 2) * sizeof *at);
	size_t k = (size_t)p->ngram;
	int word = p->kind == MINHASH_WORD;

	if (len == 0)
		goto out;
	units = minhash_units(t, len, p->kind, at);
	if (units <= k) {
		minhash_push(s, &n, XXH3_64bits(t, len));    /* shorter than one shingle: all */
		goto out;
	}
	for (i = 0; i + k <= units; i++) {
		span = at[i + k] - at[i] - (size_t)word;
		minhash_push(s, &n, XXH3_64bits(t + at[i], span));
	}
out:
	if (at != stack)
		free(at);
	return n;
}

/*
 * The inner loop: eight permutations at a time over every shingle, so the
 * eight running minimums stay in registers; 32-bit multiply-add (a_k odd,
 * a bijection of the 32-bit shingle hash, whose low bits we keep in the
 * b-bit signatures of neardup.c). Compiled twice, for AVX2 (8 lanes of
 * vpmulld) and for the baseline, and picked at load time (TT_SIMD).
 */
TT_SIMD
static void minhash_mins(const uint32_t *a, const uint32_t *b, int perm, const uint32_t *h,
			 size_t nh, uint32_t *sig)
{
	int k0, j;
	size_t i;

	for (k0 = 0; k0 + 8 <= perm; k0 += 8) {
		uint32_t acc[8];

		for (j = 0; j < 8; j++)
			acc[j] = 0xffffffffu;
		for (i = 0; i < nh; i++) {
			for (j = 0; j < 8; j++) {
				uint32_t v = a[k0 + j] * h[i] + b[k0 + j];

				acc[j] = v < acc[j] ? v : acc[j];
			}
		}
		for (j = 0; j < 8; j++)
			sig[k0 + j] = acc[j];
	}
}

size_t minhash_sign(const struct minhash *m, const char *s, size_t n, uint32_t *sig,
		    struct minhash_scratch *scratch)
{
	const int perm = m->p.perm;
	size_t ns, i;
	uint32_t *h32;
	int k;

	for (k = 0; k < perm; k++)
		sig[k] = 0xffffffffu;
	normtext(s, n, &scratch->norm);
	ns = minhash_shingles(&m->p, scratch);
	/* 64-bit shingle hashes folded to 32 bits, in place (the array is ours) */
	h32 = (uint32_t *)scratch->h;
	for (i = 0; i < ns; i++) {
		uint64_t x = scratch->h[i];

		h32[i] = (uint32_t)(x ^ (x >> 32));
	}
	if (ns > 0)
		minhash_mins(m->a, m->b, perm, h32, ns, sig);
	return ns;
}

uint32_t minhash_band_key(const struct minhash *m, const uint32_t *sig, int band)
{
	return (uint32_t)XXH3_64bits_withSeed(sig + (size_t)band * (size_t)m->p.rows,
		(size_t)m->p.rows * sizeof *sig, (uint64_t)band);
}

double minhash_similarity(const uint32_t *x, const uint32_t *y, int perm)
{
	int k, same = 0;

	for (k = 0; k < perm; k++)
		same += x[k] == y[k];
	return perm > 0 ? (double)same / perm : 0.0;
}
