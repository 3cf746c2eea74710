/*
 * neardup.c - near-duplicate groups (neardup.h).
 *
 * Memory is what bounds a million records, so a record keeps only a b-bit
 * signature: the low 8 bits of each MinHash value (perm bytes, 128 MB for
 * a million records at 128 permutations). Two 8-bit values agree by chance
 * with probability 1/256, so the share of agreeing values f estimates the
 * Jaccard similarity as (f - 1/256) / (1 - 1/256) (Li and Koenig, b-bit
 * minwise hashing). A band's key is its rows' bytes (packed when they fit
 * in 32 bits, else hashed): a pair that agrees on the full values agrees
 * on the bytes, and an unrelated pair shares a 3-row band by chance with
 * probability 2^-24 (a few spurious candidates a record over 42 bands at a
 * million records, each rejected by the estimate).
 *
 * Signatures are computed on up to 4 threads over slices of the records.
 * Then, band by band, the (key, record) pairs are radix-sorted and each
 * run of equal keys is a bucket of candidates: in a bucket of up to 64
 * records every pair is checked, in a larger one (a shingle common to
 * many texts) each record against the next 16, so one huge bucket cannot
 * make the pass quadratic. A pair already in one group is not checked
 * again. True near duplicates share many bands (at Jaccard 0.6, 9 of 42
 * on average), so they meet in some small bucket.
 */
#include "tunetop/neardup.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

enum { NEARDUP_ALL_PAIRS = 64, NEARDUP_WINDOW = 16, NEARDUP_MAX_THREADS = 4 };

struct neardup_work {
	const struct dataset *ds;
	const struct minhash *mh;
	uint8_t *sig8;          /* [n * perm] */
	uint8_t *valid;         /* [n] signed (not deleted, not empty) */
	size_t from, to;
};

static void *neardup_sign_part(void *arg)
{
	struct neardup_work *w = arg;
	const struct minhash *mh = w->mh;
	const size_t perm = (size_t)mh->p.perm;
	uint32_t *sig = tt_xmalloc(perm * sizeof *sig);
	struct minhash_scratch s;
	size_t i, k;

	minhash_scratch_init(&s);
	for (i = w->from; i < w->to; i++) {
		const struct ds_record *r = &w->ds->recs[i];

		if ((r->flags & DS_FLAG_DELETED) ||
		    minhash_sign(mh, r->text, r->text_len, sig, &s) == 0)
			continue;
		w->valid[i] = 1;
		for (k = 0; k < perm; k++)
			w->sig8[i * perm + k] = (uint8_t)sig[k];
	}
	minhash_scratch_fini(&s);
	free(sig);
	return NULL;
}

static int neardup_threads(int want, size_t n)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (want <= 0)
		want = cores > 0 ? (int)cores : 1;
	if (want > NEARDUP_MAX_THREADS)
		want = NEARDUP_MAX_THREADS;
	if (n < 2000)
		want = 1;
	return want;
}

static void neardup_sign(struct neardup_work *all, int threads)
{
	struct neardup_work part[NEARDUP_MAX_THREADS];
	pthread_t tid[NEARDUP_MAX_THREADS];
	int started[NEARDUP_MAX_THREADS] = { 0 };
	size_t n = all->ds->n;
	int t;

	for (t = 0; t < threads; t++) {
		part[t] = *all;
		part[t].from = n * (size_t)t / (size_t)threads;
		part[t].to = n * (size_t)(t + 1) / (size_t)threads;
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, neardup_sign_part, &part[t]) == 0;
	}
	neardup_sign_part(&part[0]);
	for (t = 1; t < threads; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			neardup_sign_part(&part[t]);    /* no thread: do its slice here */
	}
}

/* ---- union-find over record indexes ---- */

static uint32_t neardup_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* The smaller index becomes the root, so a group's root is its first record. */
static void neardup_union(uint32_t *parent, uint32_t x, uint32_t y)
{
	if (x < y)
		parent[y] = x;
	else
		parent[x] = y;
}

/* ---- candidates ---- */

struct neardup_pair {
	uint32_t key;
	uint32_t index;
};

static void neardup_radix_sort(struct neardup_pair *v, struct neardup_pair *tmp, size_t n)
{
	struct neardup_pair *src = v, *dst = tmp, *swap;
	size_t count[256], i, sum, c;
	int pass, b;

	for (pass = 0; pass < 4; pass++) {
		int shift = pass * 8;

		memset(count, 0, sizeof count);
		for (i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xff]++;
		for (b = 0, sum = 0; b < 256; b++) {
			c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
		swap = src;
		src = dst;
		dst = swap;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
}

/* Agreeing 8-bit values, corrected for chance agreement (1/256). */
static double neardup_estimate(const uint8_t *x, const uint8_t *y, size_t perm)
{
	size_t k, same = 0;
	double f;

	for (k = 0; k < perm; k++)
		same += x[k] == y[k];
	f = (double)same / (double)perm;
	return (f - 1.0 / 256) / (1.0 - 1.0 / 256);
}

struct neardup_ctx {
	const struct neardup_work *w;
	uint32_t *parent;
	size_t perm;
	double threshold;
	struct neardup_result *out;
};

static void neardup_check(struct neardup_ctx *c, uint32_t x, uint32_t y)
{
	uint32_t rx = neardup_find(c->parent, x), ry = neardup_find(c->parent, y);

	if (rx == ry)
		return;
	c->out->compared++;
	if (neardup_estimate(c->w->sig8 + (size_t)x * c->perm, c->w->sig8 + (size_t)y * c->perm,
			     c->perm) >= c->threshold) {
		neardup_union(c->parent, rx, ry);
		c->out->joined++;
	}
}

static void neardup_bucket(struct neardup_ctx *c, const struct neardup_pair *v, size_t n)
{
	size_t i, j, last;

	for (i = 0; i + 1 < n; i++) {
		last = n <= NEARDUP_ALL_PAIRS ? n : (i + 1 + NEARDUP_WINDOW < n ? i + 1 + NEARDUP_WINDOW : n);
		for (j = i + 1; j < last; j++)
			neardup_check(c, v[i].index, v[j].index);
	}
}

static void neardup_band(struct neardup_ctx *c, int band, struct neardup_pair *v,
			 struct neardup_pair *tmp)
{
	const size_t n = c->w->ds->n, rows = (size_t)c->w->mh->p.rows;
	size_t i, r, m = 0, start, end;

	for (i = 0; i < n; i++) {
		const uint8_t *x = c->w->sig8 + i * c->perm + (size_t)band * rows;
		uint32_t key = 0;

		if (!c->w->valid[i])
			continue;
		if (rows <= 4) {
			for (r = 0; r < rows; r++)
				key = key << 8 | x[r];
		} else {
			key = (uint32_t)XXH3_64bits(x, rows);
		}
		v[m].key = key;
		v[m].index = (uint32_t)i;
		m++;
	}
	neardup_radix_sort(v, tmp, m);
	for (start = 0; start < m; start = end) {
		end = start + 1;
		while (end < m && v[end].key == v[start].key)
			end++;
		if (end - start > 1)
			neardup_bucket(c, v + start, end - start);
	}
}

/* Group numbers in order of first record; records alone get NEARDUP_NONE. */
static void neardup_number(uint32_t *parent, size_t n, struct neardup_result *out)
{
	uint32_t *size = tt_xcalloc(n + 1, sizeof *size);
	size_t i;

	for (i = 0; i < n; i++)
		size[neardup_find(parent, (uint32_t)i)]++;
	for (i = 0; i < n; i++) {
		uint32_t root = neardup_find(parent, (uint32_t)i);

		if (size[root] < 2) {
			out->group[i] = NEARDUP_NONE;
			continue;
		}
		if (root == i)
			out->group[i] = out->ngroups++;
		else
			out->group[i] = out->group[root];    /* root < i: numbered already */
		out->grouped++;
	}
	free(size);
}

int neardup_groups(const struct dataset *ds, const struct minhash_params *p, int threads,
		   struct neardup_result *out)
{
	const size_t n = ds->n;
	struct neardup_work w;
	struct neardup_ctx c;
	struct minhash mh;
	struct neardup_pair *v, *tmp;
	size_t i;
	int b;

	memset(out, 0, sizeof *out);
	out->n = n;
	out->group = tt_xmalloc((n + 1) * sizeof *out->group);
	minhash_init(&mh, p);
	memset(&w, 0, sizeof w);
	w.ds = ds;
	w.mh = &mh;
	w.sig8 = tt_xmalloc(n * (size_t)p->perm + 1);
	w.valid = tt_xcalloc(n + 1, 1);
	neardup_sign(&w, neardup_threads(threads, n));

	c.w = &w;
	c.parent = tt_xmalloc((n + 1) * sizeof *c.parent);
	for (i = 0; i < n; i++)
		c.parent[i] = (uint32_t)i;
	c.perm = (size_t)p->perm;
	c.threshold = p->threshold;
	c.out = out;
	v = tt_xmalloc((n + 1) * sizeof *v);
	tmp = tt_xmalloc((n + 1) * sizeof *tmp);
	for (b = 0; b < p->bands; b++)
		neardup_band(&c, b, v, tmp);
	free(v);
	free(tmp);
	free(w.sig8);
	free(w.valid);
	neardup_number(c.parent, n, out);
	free(c.parent);
	minhash_fini(&mh);
	return 0;
}

void neardup_result_fini(struct neardup_result *r)
{
	free(r->group);
	memset(r, 0, sizeof *r);
}

int neardup_params_from_cfg(const struct cfg *c, struct minhash_params *p, struct tt_err *err)
{
	return minhash_params_init(p, cfg_get_str(c, "neardup_shingle"),
				   (int)cfg_get_int(c, "neardup_perm"),
				   cfg_get_num(c, "neardup_threshold"),
				   (int)cfg_get_int(c, "neardup_bands"), err);
}

uint32_t neardup_group_ids(const struct dataset *ds, const struct minhash_params *p, int threads,
			   uint32_t *group)
{
	struct neardup_result r;
	uint32_t ngroups;
	size_t i;

	neardup_groups(ds, p, threads, &r);
	ngroups = r.ngroups;
	for (i = 0; i < ds->n; i++)
		group[i] = r.group[i] != NEARDUP_NONE ? r.group[i] : ngroups + (uint32_t)i;
	neardup_result_fini(&r);
	return ngroups;
}
