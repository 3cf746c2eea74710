/*
 * split.c - stratified, seeded train/valid/test splits.
 *
 * Records are grouped by their first label (unlabeled records form one more
 * group), each group is shuffled with a seeded generator and cut by the
 * ratios with largest-remainder rounding, so every label is represented in
 * each split in proportion and the same seed always gives the same split.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

/* splitmix64: small, seedable, good enough for shuffling. */
static uint64_t split_rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void split_shuffle(uint32_t *idx, size_t n, uint64_t *rng)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)(split_rng_next(rng) % i);
		uint32_t t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

/* Cut n items into 3 counts proportional to w[] (largest remainder). */
static void split_counts(size_t n, const double *w, size_t *counts)
{
	double total = w[0] + w[1] + w[2], rem[3];
	size_t given = 0;
	int k;

	for (k = 0; k < 3; k++) {
		double exact = (double)n * w[k] / total;

		counts[k] = (size_t)exact;
		rem[k] = exact - (double)counts[k];
		given += counts[k];
	}
	while (given < n) {
		int best = 0;

		for (k = 1; k < 3; k++) {
			if (rem[k] > rem[best])
				best = k;
		}
		counts[best]++;
		rem[best] = -1.0;
		given++;
	}
}

static void split_assign_group(struct dataset *ds, uint32_t *idx, size_t n, const double *w,
			       uint64_t *rng)
{
	static const uint8_t order[3] = { DS_SPLIT_TRAIN, DS_SPLIT_VALID, DS_SPLIT_TEST };
	size_t counts[3], pos = 0;
	int k;

	split_shuffle(idx, n, rng);
	split_counts(n, w, counts);
	for (k = 0; k < 3; k++) {
		size_t j;

		for (j = 0; j < counts[k]; j++, pos++) {
			struct ds_record *r = &ds->recs[idx[pos]];

			if (r->split != order[k]) {
				/* A new split is the session's; changing the file's is an edit. */
				if (r->split == DS_SPLIT_NONE || (r->flags & DS_FLAG_SPLIT))
					r->flags |= DS_FLAG_SPLIT;
				else
					r->flags |= DS_FLAG_DIRTY;
				r->split = order[k];
			}
		}
	}
}

int dataset_split(struct dataset *ds, const double *ratios, int nratios, uint64_t seed,
		  bool keep_existing, struct tt_err *err)
{
	double w[3] = { 0, 0, 0 };
	uint32_t ngroups = ds->labels.n + 1, g;
	uint32_t **groups;
	size_t *sizes, i;
	uint64_t rng = seed;
	int k;

	if (nratios < 1 || nratios > 3) {
		tt_err_set(err, NULL, 0, 0, "expected 1 to 3 ratios (train/valid/test), got %d",
			   nratios);
		return -1;
	}
	for (k = 0; k < nratios; k++) {
		if (!(ratios[k] >= 0) || ratios[k] > 1e9) {
			tt_err_set(err, NULL, 0, 0, "ratio %d must be a number >= 0", k + 1);
			return -1;
		}
		w[k] = ratios[k];
	}
	if (w[0] + w[1] + w[2] <= 0) {
		tt_err_set(err, NULL, 0, 0, "the ratios must not all be 0");
		return -1;
	}
	groups = tt_xcalloc(ngroups, sizeof *groups);
	sizes = tt_xcalloc(ngroups, sizeof *sizes);
	/* Two passes: count each group, then fill it. */
	for (k = 0; k < 2; k++) {
		if (k == 1) {
			for (g = 0; g < ngroups; g++) {
				groups[g] = tt_xmalloc(sizes[g] * sizeof **groups);
				sizes[g] = 0;
			}
		}
		for (i = 0; i < ds->n; i++) {
			const struct ds_record *r = &ds->recs[i];

			if ((r->flags & DS_FLAG_DELETED) ||
			    (keep_existing && r->split != DS_SPLIT_NONE))
				continue;
			g = r->label == DS_NO_LABEL ? ds->labels.n : r->label;
			if (k == 1)
				groups[g][sizes[g]] = (uint32_t)i;
			sizes[g]++;
		}
	}
	for (g = 0; g < ngroups; g++) {
		split_assign_group(ds, groups[g], sizes[g], w, &rng);
		free(groups[g]);
	}
	free(groups);
	free(sizes);
	return 0;
}
