/*
 * cleanlab.c - confident learning as pure functions (see cleanlab.h).
 *
 * The method, for n records, k classes, out-of-sample probabilities p:
 *
 *   t[j]     = mean of p[r][j] over records r given j      (thresholds)
 *   C[i][j]  = #{ r given i : j = argmax over classes c with
 *                 p[r][c] >= t[c] of p[r][c] }              (confident joint)
 *   calibrate: row i scaled to n_i (records given i), the whole to n,
 *              rounded keeping row totals
 *   prune by noise rate: for each i and j != i, flag the round(C[i][j])
 *              records given i with the largest p[j] - p[i]
 *
 * Differences from cleanlab 2.x, on purpose: when several classes pass
 * their thresholds the guess is the most probable among them (the paper's
 * definition; cleanlab takes the overall argmax), and the rounding keeps
 * the totals of the given-label rows in every step. Both only matter in
 * rare ties. As in cleanlab, C's diagonal is at least 1 before calibration,
 * every given class keeps at least one record on the diagonal before
 * pruning, and a record whose most probable class is its given label is
 * never flagged.
 *
 * Scores for ranking (higher = more likely wrong): 1 - self-confidence,
 * or 1 - normalized margin, where normalized margin = (p[given] -
 * max_{j != given} p[j] + 1) / 2 (cleanlab's get_label_quality_scores).
 */
#include "tunetop/cleanlab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

int cleanlab_rank_parse(const char *name, enum cleanlab_rank *out)
{
	if (strcmp(name, "self_confidence") == 0)
		*out = CLEANLAB_SELF_CONFIDENCE;
	else if (strcmp(name, "normalized_margin") == 0)
		*out = CLEANLAB_NORMALIZED_MARGIN;
	else
		return -1;
	return 0;
}

void cleanlab_thresholds(const float *probs, const uint32_t *given, size_t n, uint32_t k,
			 double *t)
{
	size_t *count = tt_xcalloc(k + 1, sizeof *count);
	size_t r;
	uint32_t j;

	for (j = 0; j < k; j++)
		t[j] = 0;
	for (r = 0; r < n; r++) {
		t[given[r]] += probs[r * k + given[r]];
		count[given[r]]++;
	}
	for (j = 0; j < k; j++)
		t[j] = count[j] > 0 ? t[j] / (double)count[j] : INFINITY;
	free(count);
}

/* The confident class of one record, or k when it is confident in none. */
static uint32_t cleanlab_confident_class(const float *p, uint32_t k, const double *t)
{
	uint32_t j, best = k;

	for (j = 0; j < k; j++) {
		if ((double)p[j] >= t[j] - 1e-6 && (best == k || p[j] > p[best]))
			best = j;
	}
	return best;
}

void cleanlab_confident_joint(const float *probs, const uint32_t *given, size_t n, uint32_t k,
			      const double *t, double *cj)
{
	size_t r;
	uint32_t j;

	memset(cj, 0, (size_t)k * k * sizeof *cj);
	for (r = 0; r < n; r++) {
		j = cleanlab_confident_class(probs + r * k, k, t);
		if (j < k)
			cj[(size_t)given[r] * k + j] += 1;
	}
	for (j = 0; j < k; j++) {
		if (cj[(size_t)j * k + j] < 1)
			cj[(size_t)j * k + j] = 1;
	}
}

void cleanlab_round_preserving_sum(double *v, uint32_t m)
{
	double sum = 0, isum = 0, *frac = tt_xmalloc((m + 1) * sizeof *frac);
	uint32_t i;
	long diff;

	for (i = 0; i < m; i++) {
		sum += v[i];
		frac[i] = v[i] - round(v[i]);
		v[i] = round(v[i]);
		isum += v[i];
	}
	diff = lround(round(sum) - isum);
	/* Each unit goes to the entry whose rounding went furthest the other way. */
	while (diff != 0) {
		uint32_t best = m;

		for (i = 0; i < m; i++) {
			if (diff < 0 && v[i] < 1)
				continue;
			if (best == m || (diff > 0 ? frac[i] > frac[best] : frac[i] < frac[best]))
				best = i;
		}
		if (best == m)
			break;
		v[best] += diff > 0 ? 1 : -1;
		frac[best] += diff > 0 ? -1 : 1;
		diff += diff > 0 ? -1 : 1;
	}
	free(frac);
}

void cleanlab_calibrate(double *cj, const size_t *given_counts, uint32_t k)
{
	double total = 0, n = 0;
	uint32_t i, j;

	for (i = 0; i < k; i++) {
		double *row = cj + (size_t)i * k, rs = 0;

		for (j = 0; j < k; j++)
			rs += row[j];
		for (j = 0; j < k; j++) {
			row[j] = rs > 0 ? row[j] / rs * (double)given_counts[i] : 0;
			total += row[j];
		}
		n += (double)given_counts[i];
	}
	for (i = 0; i < k; i++) {
		for (j = 0; j < k; j++)
			cj[(size_t)i * k + j] = total > 0 ? cj[(size_t)i * k + j] / total * n : 0;
		cleanlab_round_preserving_sum(cj + (size_t)i * k, k);
	}
}

/*
 * How many records given i to prune for each true class j: the calibrated
 * row, with at least one record kept on the diagonal (cleanlab's
 * _keep_at_least_n_per_class with n = 1: what the diagonal gains is taken
 * evenly from the non-zero off-diagonal counts).
 */
static void cleanlab_prune_counts(const double *cj, uint32_t k, uint32_t i, double *row)
{
	uint32_t j, nonzero = 0;
	double diff;

	memcpy(row, cj + (size_t)i * k, k * sizeof *row);
	if (row[i] >= 1)
		return;
	diff = 1 - row[i];
	for (j = 0; j < k; j++)
		nonzero += j != i && row[j] > 0;
	for (j = 0; j < k; j++) {
		if (j != i && row[j] > 0) {
			row[j] -= diff / (nonzero > 0 ? nonzero : 1);
			if (row[j] < 0)
				row[j] = 0;
		}
	}
	row[i] = 1;
	cleanlab_round_preserving_sum(row, k);
}

/* For sorting the records given i by p[j] - p[i], largest first. */
struct cleanlab_key {
	double margin;
	size_t r;
};

static int cleanlab_key_cmp(const void *a, const void *b)
{
	const struct cleanlab_key *x = a, *y = b;

	if (x->margin != y->margin)
		return x->margin > y->margin ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static uint32_t cleanlab_argmax(const float *p, uint32_t k)
{
	uint32_t j, best = 0;

	for (j = 1; j < k; j++) {
		if (p[j] > p[best])
			best = j;
	}
	return best;
}

void cleanlab_prune_by_noise_rate(const float *probs, const uint32_t *given, size_t n,
				  uint32_t k, const double *cj, bool *flagged)
{
	double *row = tt_xmalloc((k + 1) * sizeof *row);
	struct cleanlab_key *keys = tt_xmalloc((n + 1) * sizeof *keys);
	size_t r, m, c;
	uint32_t i, j;

	memset(flagged, 0, n * sizeof *flagged);
	for (i = 0; i < k; i++) {
		cleanlab_prune_counts(cj, k, i, row);
		for (j = 0; j < k; j++) {
			size_t want = row[j] > 0 ? (size_t)lround(row[j]) : 0;

			if (j == i || want == 0)
				continue;
			for (r = 0, m = 0; r < n; r++) {
				if (given[r] != i)
					continue;
				keys[m].margin = (double)probs[r * k + j] - (double)probs[r * k + i];
				keys[m++].r = r;
			}
			if (m <= 1)     /* cleanlab prunes nothing from a class of one */
				break;
			qsort(keys, m, sizeof *keys, cleanlab_key_cmp);
			for (c = 0; c < want && c < m; c++)
				flagged[keys[c].r] = true;
		}
	}
	for (r = 0; r < n; r++) {
		if (flagged[r] && cleanlab_argmax(probs + r * k, k) == given[r])
			flagged[r] = false;
	}
	free(keys);
	free(row);
}

double cleanlab_score(const float *p, uint32_t k, uint32_t given, enum cleanlab_rank rank)
{
	double other = 0;
	uint32_t j;

	if (rank == CLEANLAB_SELF_CONFIDENCE)
		return 1.0 - (double)p[given];
	for (j = 0; j < k; j++) {
		if (j != given && (double)p[j] > other)
			other = (double)p[j];
	}
	return (1.0 - (double)p[given] + other) / 2.0;
}

/* Order: score descending, then record index (qsort has no context: keys carry it). */
static int cleanlab_order_cmp(const void *a, const void *b)
{
	return cleanlab_key_cmp(a, b);
}

void cleanlab_run(const float *probs, const uint32_t *given, size_t n, uint32_t k,
		  enum cleanlab_rank rank, struct cleanlab_result *out)
{
	size_t *counts = tt_xcalloc(k + 1, sizeof *counts), r;
	struct cleanlab_key *keys = tt_xmalloc((n + 1) * sizeof *keys);

	out->thresholds = tt_xmalloc((k + 1) * sizeof *out->thresholds);
	out->joint = tt_xmalloc(((size_t)k * k + 1) * sizeof *out->joint);
	out->flagged = tt_xmalloc((n + 1) * sizeof *out->flagged);
	out->score = tt_xmalloc((n + 1) * sizeof *out->score);
	out->suggested = tt_xmalloc((n + 1) * sizeof *out->suggested);
	out->order = tt_xmalloc((n + 1) * sizeof *out->order);
	for (r = 0; r < n; r++)
		counts[given[r]]++;
	cleanlab_thresholds(probs, given, n, k, out->thresholds);
	cleanlab_confident_joint(probs, given, n, k, out->thresholds, out->joint);
	cleanlab_calibrate(out->joint, counts, k);
	cleanlab_prune_by_noise_rate(probs, given, n, k, out->joint, out->flagged);
	for (r = 0; r < n; r++) {
		out->score[r] = cleanlab_score(probs + r * k, k, given[r], rank);
		out->suggested[r] = cleanlab_argmax(probs + r * k, k);
		keys[r].margin = out->score[r];
		keys[r].r = r;
	}
	qsort(keys, n, sizeof *keys, cleanlab_order_cmp);
	for (r = 0; r < n; r++)
		out->order[r] = (uint32_t)keys[r].r;
	free(keys);
	free(counts);
}

void cleanlab_result_fini(struct cleanlab_result *r)
{
	free(r->thresholds);
	free(r->joint);
	free(r->flagged);
	free(r->score);
	free(r->suggested);
	free(r->order);
	memset(r, 0, sizeof *r);
}
