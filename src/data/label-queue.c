/*
 * label-queue.c - the orders of the labeling queue (label-queue.h): pure
 * functions over the records and an optional score per record, used by
 * the label pane and by `tunetop queue`.
 */
#include "tunetop/label-queue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

static const char *const label_order_names[LABEL_ORDER_COUNT] = {
	"file", "unlabeled", "margin", "entropy", "random"
};

const char *label_order_name(enum label_order o)
{
	return (unsigned)o < LABEL_ORDER_COUNT ? label_order_names[o] : "?";
}

int label_order_parse(const char *name, enum label_order *out)
{
	int i;

	if (strcmp(name, "least-confident") == 0) {
		*out = LABEL_ORDER_MARGIN;
		return 0;
	}
	for (i = 0; i < LABEL_ORDER_COUNT; i++) {
		if (strcmp(label_order_names[i], name) == 0) {
			*out = (enum label_order)i;
			return 0;
		}
	}
	return -1;
}

bool label_order_uses_preds(enum label_order o)
{
	return o == LABEL_ORDER_MARGIN || o == LABEL_ORDER_ENTROPY;
}

/* splitmix64: the random order's generator. */
static uint64_t label_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Scores for sorting (qsort has no context argument; one UI thread). */
static const float *label_sort_score;
static bool label_sort_desc;

/* Scored records first (ascending, or descending), then by record index. */
static int label_cmp_score(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	float sx = label_sort_score[x], sy = label_sort_score[y];
	bool nx = isnan(sx), ny = isnan(sy);

	if (nx != ny)
		return nx ? 1 : -1;
	if (!nx && sx != sy)
		return (sx < sy) != label_sort_desc ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Unlabeled records first; each part keeps its order. */
static void label_sort_unlabeled(const struct ds_record *recs, uint32_t *idx, size_t k)
{
	uint32_t *lab = tt_xmalloc((k ? k : 1) * sizeof *lab);
	size_t i, u = 0, m = 0;

	for (i = 0; i < k; i++) {
		if (recs[idx[i]].label == DS_NO_LABEL)
			idx[u++] = idx[i];
		else
			lab[m++] = idx[i];
	}
	memcpy(idx + u, lab, m * sizeof *lab);
	free(lab);
}

/* Fisher-Yates with the seed: the same seed, the same order. */
static void label_shuffle(uint32_t *idx, size_t k, uint64_t seed)
{
	uint64_t s = seed;
	size_t i;

	for (i = k; i > 1; i--) {
		size_t j = (size_t)(label_rand(&s) % i);
		uint32_t t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

void label_queue_sort(const struct ds_record *recs, uint32_t *idx, size_t k,
		      enum label_order o, uint64_t seed, const float *score)
{
	if (o == LABEL_ORDER_UNLABELED) {
		label_sort_unlabeled(recs, idx, k);
	} else if (label_order_uses_preds(o) && score != NULL) {
		label_sort_score = score;
		label_sort_desc = o == LABEL_ORDER_ENTROPY;
		qsort(idx, k, sizeof *idx, label_cmp_score);
	} else if (o == LABEL_ORDER_RANDOM) {
		label_shuffle(idx, k, seed);
	}
}

size_t label_queue_order(const struct ds_record *recs, size_t n, enum label_order o,
			 uint64_t seed, const float *score, uint32_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!(recs[i].flags & DS_FLAG_DELETED))
			out[k++] = (uint32_t)i;
	}
	label_queue_sort(recs, out, k, o, seed, score);
	return k;
}
