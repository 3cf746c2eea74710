/*
 * resample.c - oversampling and undersampling of the training split
 * (resample.h).
 *
 * Per class, the rows are gathered in their given order; a seeded partial
 * Fisher-Yates shuffle of a class's rows picks the ones drawn without
 * replacement. The RNG is seeded from the seed alone and walks the classes
 * in label order, so the same rows, labels and seed give the same result.
 */
#include "tunetop/resample.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/model.h"
#include "tunetop/util.h"
#include "trainer-impl.h"

int resample_parse(const char *name, enum resample_mode *out)
{
	if (strcmp(name, "none") == 0)
		*out = RESAMPLE_NONE;
	else if (strcmp(name, "oversample") == 0)
		*out = RESAMPLE_OVER;
	else if (strcmp(name, "undersample") == 0)
		*out = RESAMPLE_UNDER;
	else
		return -1;
	return 0;
}

static int resample_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Move a seeded choice of k of v[0..n) to v[0..k). */
static void resample_pick(uint32_t *v, size_t n, size_t k, struct model_rng *rng)
{
	size_t i;

	for (i = 0; i < k && i + 1 < n; i++) {
		size_t j = i + (size_t)(model_rng_next(rng) % (n - i));
		uint32_t x = v[i];

		v[i] = v[j];
		v[j] = x;
	}
}

uint32_t *resample_rows(const uint32_t *rows, size_t n, const uint32_t *label_ids,
			const uint32_t *label_off, uint32_t nlabels, enum resample_mode mode,
			uint64_t seed, size_t *out_n)
{
	size_t *count, *start, *fill, i, max = 0, min = SIZE_MAX, m = 0;
	uint32_t *byclass, *out, l;
	struct model_rng rng;

	if (mode == RESAMPLE_NONE || n == 0 || nlabels == 0) {
		out = tt_xmalloc((n + 1) * sizeof *out);
		memcpy(out, rows, n * sizeof *out);
		*out_n = n;
		return out;
	}
	count = tt_xcalloc(nlabels, sizeof *count);
	for (i = 0; i < n; i++)
		count[label_ids[label_off[rows[i]]]]++;
	start = tt_xcalloc((size_t)nlabels + 1, sizeof *start);
	fill = tt_xcalloc(nlabels, sizeof *fill);
	for (l = 0; l < nlabels; l++) {
		start[l + 1] = start[l] + count[l];
		if (count[l] > 0) {
			max = count[l] > max ? count[l] : max;
			min = count[l] < min ? count[l] : min;
		}
	}
	byclass = tt_xmalloc(n * sizeof *byclass);
	for (i = 0; i < n; i++) {
		l = label_ids[label_off[rows[i]]];
		byclass[start[l] + fill[l]++] = rows[i];
	}
	model_rng_seed(&rng, seed * 0x9e3779b97f4a7c15ull + 0x5eed);
	if (mode == RESAMPLE_OVER) {
		size_t classes = 0;

		for (l = 0; l < nlabels; l++)
			classes += count[l] > 0;
		out = tt_xmalloc((classes * max + 1) * sizeof *out);
		memcpy(out, rows, n * sizeof *out);
		m = n;
		for (l = 0; l < nlabels; l++) {
			uint32_t *v = byclass + start[l];
			size_t c = count[l], rep;

			if (c == 0)
				continue;
			for (rep = 1; rep < max / c; rep++, m += c)
				memcpy(out + m, v, c * sizeof *out);
			resample_pick(v, c, max % c, &rng);
			memcpy(out + m, v, (max % c) * sizeof *out);
			m += max % c;
		}
	} else {
		out = tt_xmalloc((n + 1) * sizeof *out);
		for (l = 0; l < nlabels; l++) {
			uint32_t *v = byclass + start[l];

			if (count[l] == 0)
				continue;
			resample_pick(v, count[l], min, &rng);
			memcpy(out + m, v, min * sizeof *out);
			m += min;
		}
		/* back to the given order (rows come sorted from the trainer; others: record order) */
		qsort(out, m, sizeof *out, resample_cmp_u32);
	}
	free(byclass);
	free(fill);
	free(start);
	free(count);
	*out_n = m;
	return out;
}

void resample_trainer_rows(struct trainer *t)
{
	struct trainer_data *d = &t->data;
	enum resample_mode mode;
	uint32_t *rows;
	size_t n;

	if (resample_parse(cfg_get_str(&t->cfg, "resample"), &mode) != 0 || mode == RESAMPLE_NONE)
		return;
	rows = resample_rows(d->rows[DS_SPLIT_TRAIN], d->nrows[DS_SPLIT_TRAIN], t->in->label_ids,
			     t->in->label_off, t->in->nlabels, mode,
			     (uint64_t)cfg_get_int(&t->cfg, "seed"), &n);
	free(d->rows[DS_SPLIT_TRAIN]);
	d->rows[DS_SPLIT_TRAIN] = rows;
	d->nrows[DS_SPLIT_TRAIN] = n;
}
