/*
 * label-queue.c - the orders of the labeling queue (label-queue.h): pure
 * functions over the records and an optional score per record, used by
 * the label pane and by `tunetop queue`. The uncertain order is the margin
 * order spread over near-duplicate groups (label_queue_spread, with its
 * design note below); the group numbers come from the caller
 * (neardup_group_ids: the check's MinHash/LSH at the neardup_* settings).
 */
#include "tunetop/label-queue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

static const char *const label_order_names[LABEL_ORDER_COUNT] = {
	"file", "unlabeled", "margin", "entropy", "random", "uncertain",
	"disagreements", "likely-errors"
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
	return o == LABEL_ORDER_MARGIN || o == LABEL_ORDER_ENTROPY || o == LABEL_ORDER_UNCERTAIN;
}

bool label_order_uses_answers(enum label_order o)
{
	return o == LABEL_ORDER_DISAGREEMENTS;
}

bool label_order_uses_errors(enum label_order o)
{
	return o == LABEL_ORDER_LIKELY_ERRORS;
}

bool label_order_spreads(enum label_order o)
{
	return o == LABEL_ORDER_UNCERTAIN;
}

/* splitmix64: the random order's generator. */
static uint64_t label_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A record and its sort key (the score, negated for a descending order). */
struct label_keyed {
	float key;
	uint32_t rec;
};

/* Scored records first (ascending key), then by record index. */
static int label_cmp_keyed(const void *a, const void *b)
{
	const struct label_keyed *x = a, *y = b;
	bool nx = isnan(x->key), ny = isnan(y->key);

	if (nx != ny)
		return nx ? 1 : -1;
	if (!nx && x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

/* idx[0..k) by score[record], ascending or descending; NaN last. */
static void label_sort_scored(uint32_t *idx, size_t k, const float *score, bool desc)
{
	struct label_keyed *t = tt_xmalloc((k ? k : 1) * sizeof *t);
	size_t i;

	for (i = 0; i < k; i++) {
		t[i].rec = idx[i];
		t[i].key = desc ? -score[idx[i]] : score[idx[i]];
	}
	qsort(t, k, sizeof *t, label_cmp_keyed);
	for (i = 0; i < k; i++)
		idx[i] = t[i].rec;
	free(t);
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
	} else if ((label_order_uses_preds(o) || label_order_uses_answers(o) ||
		    label_order_uses_errors(o)) && score != NULL) {
		label_sort_scored(idx, k, score, o == LABEL_ORDER_ENTROPY ||
				  o == LABEL_ORDER_LIKELY_ERRORS);
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

/* ---- diversity: spreading near-duplicate groups ---- */

/*
 * The spread works on the groups present in the tail, numbered 0..G-1 by
 * sorting (group, position) pairs: each group is then a run of positions,
 * best first, and a cursor per group walks its run. A heap holds the
 * groups that may go next, keyed by the position of their next record; a
 * ring of the last `window` picks holds the others (a count per group, as
 * the records before start may hold a group several times).
 */
struct label_spread {
	uint64_t *pair;		/* [m] group << 32 | position, sorted */
	uint32_t *gval;		/* [G] the group number of group g */
	uint32_t *next;		/* [G] index into pair of its next record */
	uint32_t *end;		/* [G] one past its last */
	uint32_t *cool;		/* [G] times it is in the ring */
	uint32_t *heap;		/* groups that may go next */
	size_t nheap;
	uint32_t *ring;		/* [window] the groups of the last picks (UINT32_MAX: none) */
	size_t window, ring_at;
};

static int label_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t label_spread_key(const struct label_spread *sp, uint32_t g)
{
	return (uint32_t)sp->pair[sp->next[g]];
}

static void label_heap_push(struct label_spread *sp, uint32_t g)
{
	size_t i = sp->nheap++;

	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (label_spread_key(sp, sp->heap[up]) <= label_spread_key(sp, g))
			break;
		sp->heap[i] = sp->heap[up];
		i = up;
	}
	sp->heap[i] = g;
}

static uint32_t label_heap_pop(struct label_spread *sp)
{
	uint32_t top = sp->heap[0], last = sp->heap[--sp->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= sp->nheap)
			break;
		if (c + 1 < sp->nheap &&
		    label_spread_key(sp, sp->heap[c + 1]) < label_spread_key(sp, sp->heap[c]))
			c++;
		if (label_spread_key(sp, last) <= label_spread_key(sp, sp->heap[c]))
			break;
		sp->heap[i] = sp->heap[c];
		i = c;
	}
	if (sp->nheap > 0)
		sp->heap[i] = last;
	return top;
}

/* The group g (0..G-1) whose number is v, or UINT32_MAX. */
static uint32_t label_spread_find(const struct label_spread *sp, size_t ng, uint32_t v)
{
	size_t lo = 0, hi = ng;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sp->gval[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ng && sp->gval[lo] == v ? (uint32_t)lo : UINT32_MAX;
}

/* g (or UINT32_MAX) enters the ring; the oldest leaves it, and may go next again. */
static void label_spread_cool(struct label_spread *sp, uint32_t g)
{
	uint32_t old = sp->ring[sp->ring_at];

	sp->ring[sp->ring_at] = g;
	sp->ring_at = (sp->ring_at + 1) % sp->window;
	if (g != UINT32_MAX)
		sp->cool[g]++;
	if (old != UINT32_MAX && --sp->cool[old] == 0 && sp->next[old] < sp->end[old])
		label_heap_push(sp, old);
}

/* Groups, cursors, the ring primed with the records before start. */
static size_t label_spread_init(struct label_spread *sp, const uint32_t *idx, size_t start,
				size_t k, const uint32_t *group, size_t window)
{
	size_t m = k - start, i, ng = 0;

	sp->pair = tt_xmalloc(m * sizeof *sp->pair);
	for (i = 0; i < m; i++)
		sp->pair[i] = (uint64_t)group[idx[start + i]] << 32 | (uint32_t)i;
	qsort(sp->pair, m, sizeof *sp->pair, label_cmp_u64);
	sp->gval = tt_xmalloc(m * sizeof *sp->gval);
	sp->next = tt_xmalloc(m * sizeof *sp->next);
	sp->end = tt_xmalloc(m * sizeof *sp->end);
	sp->cool = tt_xcalloc(m, sizeof *sp->cool);
	sp->heap = tt_xmalloc(m * sizeof *sp->heap);
	sp->nheap = 0;
	for (i = 0; i < m; i++) {
		uint32_t v = (uint32_t)(sp->pair[i] >> 32);

		if (ng == 0 || sp->gval[ng - 1] != v) {
			sp->gval[ng] = v;
			sp->next[ng++] = (uint32_t)i;
		}
		sp->end[ng - 1] = (uint32_t)i + 1;
	}
	sp->window = window;
	sp->ring_at = 0;
	sp->ring = tt_xmalloc(window * sizeof *sp->ring);
	for (i = 0; i < window; i++)
		sp->ring[i] = UINT32_MAX;
	for (i = start > window ? start - window : 0; i < start; i++) {
		uint32_t g = label_spread_find(sp, ng, group[idx[i]]);

		sp->ring[sp->ring_at] = g;
		sp->ring_at = (sp->ring_at + 1) % window;
		if (g != UINT32_MAX)
			sp->cool[g]++;
	}
	for (i = 0; i < ng; i++) {
		if (sp->cool[i] == 0)
			label_heap_push(sp, (uint32_t)i);
	}
	return ng;
}

void label_queue_spread(uint32_t *idx, size_t start, size_t k, const uint32_t *group,
			size_t window)
{
	struct label_spread sp;
	uint32_t *out;
	size_t m, i;

	if (start >= k || group == NULL || window == 0)
		return;
	m = k - start;
	label_spread_init(&sp, idx, start, k, group, window);
	out = tt_xmalloc(m * sizeof *out);
	for (i = 0; i < m; i++) {
		uint32_t g;

		/* Every group left is in the ring: let the oldest out until one may go. */
		while (sp.nheap == 0)
			label_spread_cool(&sp, UINT32_MAX);
		g = label_heap_pop(&sp);
		out[i] = idx[start + (uint32_t)sp.pair[sp.next[g]++]];
		label_spread_cool(&sp, g);
	}
	memcpy(idx + start, out, m * sizeof *out);
	free(out);
	free(sp.pair);
	free(sp.gval);
	free(sp.next);
	free(sp.end);
	free(sp.cool);
	free(sp.heap);
	free(sp.ring);
}

void label_queue_summarize(const float *probs, uint32_t n, float *margin, float *entropy)
{
	float top = -1.0f, second = -1.0f;
	double h = 0.0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		float p = probs[i];

		if (p > top) {
			second = top;
			top = p;
		} else if (p > second) {
			second = p;
		}
		if (p > 0.0f)
			h -= (double)p * log((double)p);
	}
	*margin = n < 2 ? 1.0f : top - second;
	*entropy = (float)h;
}
