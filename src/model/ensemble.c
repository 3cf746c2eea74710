/*
 * ensemble.c - several saved models predicting as one (see ensemble.h for
 * the label alignment and the two modes).
 *
 * Only the generic interfaces are used (bundle_predict, the bundle's label
 * names), so a member may be any model type with any tokenizer. The mean
 * is taken in double and divided once, so an ensemble of one model with
 * weight 1 gives that model's probabilities bit for bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/ensemble.h"
#include "tunetop/metrics.h"

const char *ensemble_mode_name(enum ensemble_mode m)
{
	return m == ENSEMBLE_VOTE ? "vote" : "mean";
}

static uint32_t ensemble_find(char *const *names, uint32_t n, const char *name)
{
	for (uint32_t l = 0; l < n; l++) {
		if (strcmp(names[l], name) == 0)
			return l;
	}
	return UINT32_MAX;
}

int ensemble_labels_build(struct ensemble_labels *L, char *const *const *names,
			  const uint32_t *counts, size_t n, const char *const *names_of,
			  struct tt_err *err)
{
	size_t k, cap = 0;

	memset(L, 0, sizeof *L);
	for (k = 0; k < n; k++)
		cap += counts[k];
	L->names = tt_xcalloc(cap + 1, sizeof *L->names);
	L->map = tt_xcalloc(n + 1, sizeof *L->map);
	L->nmembers = n;
	for (k = 0; k < n; k++) {
		uint32_t shared = 0;

		L->map[k] = tt_xcalloc((size_t)counts[k] + 1, sizeof *L->map[k]);
		for (uint32_t j = 0; j < counts[k]; j++) {
			uint32_t u = ensemble_find(L->names, L->n, names[k][j]);

			if (u == UINT32_MAX) {
				u = L->n++;
				L->names[u] = tt_xstrdup(names[k][j]);
			} else if (k > 0 && u < counts[0]) {
				shared++;
			}
			L->map[k][j] = u;
		}
		if (k > 0 && shared == 0) {
			tt_err_set(err, names_of != NULL ? names_of[k] : "", 0, 0,
				   "its labels share none with the first model's (%s); an ensemble "
				   "needs members that predict the same labels",
				   names_of != NULL ? names_of[0] : "member 1");
			ensemble_labels_fini(L);
			return -1;
		}
	}
	return 0;
}

void ensemble_labels_fini(struct ensemble_labels *L)
{
	if (L->names != NULL) {
		for (uint32_t l = 0; l < L->n; l++)
			free(L->names[l]);
	}
	if (L->map != NULL) {
		for (size_t k = 0; k < L->nmembers; k++)
			free(L->map[k]);
	}
	free(L->names);
	free(L->map);
	memset(L, 0, sizeof *L);
}

size_t ensemble_labels_known_by(const struct ensemble_labels *L, const uint32_t *counts,
				uint32_t l)
{
	size_t k, c = 0;

	for (k = 0; k < L->nmembers; k++) {
		for (uint32_t j = 0; j < counts[k]; j++) {
			if (L->map[k][j] == l) {
				c++;
				break;
			}
		}
	}
	return c;
}

/* out = the weighted mean of the aligned vectors. */
static void ensemble_mean(size_t n, const float *const *probs, const float *weights,
			  uint32_t nlabels, float *out)
{
	double wsum = 0;
	size_t k;

	for (k = 0; k < n; k++)
		wsum += weights != NULL ? weights[k] : 1.0;
	for (uint32_t l = 0; l < nlabels; l++) {
		double s = 0;

		for (k = 0; k < n; k++)
			s += (weights != NULL ? (double)weights[k] : 1.0) * probs[k][l];
		out[l] = (float)(s / wsum);
	}
}

uint32_t ensemble_combine(enum ensemble_mode mode, size_t n, const float *const *probs,
			  const uint32_t *top1, const float *weights, uint32_t nlabels,
			  uint32_t *votes, float *out)
{
	uint32_t best = 0;

	ensemble_mean(n, probs, mode == ENSEMBLE_VOTE ? NULL : weights, nlabels, out);
	if (mode != ENSEMBLE_VOTE)
		return metrics_argmax(out, nlabels);
	memset(votes, 0, nlabels * sizeof *votes);
	for (size_t k = 0; k < n; k++) {
		if (top1[k] < nlabels)
			votes[top1[k]]++;
	}
	for (uint32_t l = 1; l < nlabels; l++) {
		if (votes[l] > votes[best] || (votes[l] == votes[best] && out[l] > out[best]))
			best = l;
	}
	for (uint32_t l = 0; l < nlabels; l++)
		out[l] = (float)(((double)votes[l] + out[l]) / (double)(n + 1));
	return best;
}

int ensemble_parse_weights(const char *s, size_t n, float **out, struct tt_err *err)
{
	float *w = tt_xcalloc(n + 1, sizeof *w);
	const char *p = s;
	size_t k = 0;
	double sum = 0;

	*out = NULL;
	while (*p != '\0') {
		char *end;
		double v = strtod(p, &end);

		if (end == p || (*end != ',' && *end != '\0') || !isfinite(v) || v < 0) {
			tt_err_set(err, "--weights", 1, (uint32_t)(p - s) + 1,
				   "expected a non-negative number, got '%.32s'", p);
			free(w);
			return -1;
		}
		if (k == n) {
			tt_err_set(err, "--weights", 1, (uint32_t)(p - s) + 1,
				   "more weights than the %zu models", n);
			free(w);
			return -1;
		}
		w[k++] = (float)v;
		sum += v;
		p = *end == ',' ? end + 1 : end;
	}
	if (k != n) {
		tt_err_set(err, "--weights", 1, 1, "%zu weights for %zu models (expected one "
			   "per model, in order)", k, n);
		free(w);
		return -1;
	}
	if (sum <= 0) {
		tt_err_set(err, "--weights", 1, 1, "the weights are all zero");
		free(w);
		return -1;
	}
	*out = w;
	return 0;
}

static int ensemble_check_members(const struct ensemble *e, enum ensemble_mode mode,
				  struct tt_err *err)
{
	for (size_t k = 0; k < e->n && e->n > 1; k++) {
		if (e->members[k].model->cfg.lm) {
			tt_err_set(err, e->paths[k], 0, 0, "a language model (objective lm) has no "
				   "labels to combine: an ensemble takes classifiers");
			return -1;
		}
	}
	for (size_t k = 1; k < e->n; k++) {
		if (e->members[k].multilabel != e->members[0].multilabel) {
			tt_err_set(err, e->paths[k], 0, 0, "a %s model, but %s is %s: an ensemble "
				   "does not mix single-label and multi-label models",
				   e->members[k].multilabel ? "multi-label" : "single-label",
				   e->paths[0], e->members[0].multilabel ? "multi-label" : "single-label");
			return -1;
		}
	}
	if (mode == ENSEMBLE_VOTE && e->members[0].multilabel) {
		tt_err_set(err, e->paths[0], 0, 0, "multi-label models can be averaged (mean), "
			   "not voted");
		return -1;
	}
	return 0;
}

static int ensemble_fail(struct ensemble *e)
{
	ensemble_fini(e);
	return -1;
}

int ensemble_load(struct ensemble *e, const char *const *paths, size_t n,
		  const float *weights, enum ensemble_mode mode, struct tt_err *err)
{
	char ***names;
	uint32_t *counts;
	int rc;

	memset(e, 0, sizeof *e);
	if (n == 0) {
		tt_err_set(err, "", 0, 0, "an ensemble needs at least one model");
		return -1;
	}
	if (weights != NULL && mode == ENSEMBLE_VOTE) {
		tt_err_set(err, "", 0, 0, "weights apply to the mean, not to a vote (one model, "
			   "one vote)");
		return -1;
	}
	e->mode = mode;
	e->members = tt_xcalloc(n, sizeof *e->members);
	e->paths = tt_xcalloc(n, sizeof *e->paths);
	e->weights = tt_xcalloc(n, sizeof *e->weights);
	for (size_t k = 0; k < n; k++) {
		if (bundle_load(&e->members[k], paths[k], err) != 0)
			return ensemble_fail(e);
		e->paths[k] = tt_xstrdup(paths[k]);
		e->weights[k] = weights != NULL ? weights[k] : 1.0f;
		e->n = k + 1;
	}
	if (ensemble_check_members(e, mode, err) != 0)
		return ensemble_fail(e);
	names = tt_xcalloc(n, sizeof *names);
	counts = tt_xcalloc(n, sizeof *counts);
	for (size_t k = 0; k < n; k++) {
		names[k] = e->members[k].labels;
		counts[k] = e->members[k].nlabels;
	}
	rc = ensemble_labels_build(&e->lab, (char *const *const *)names, counts, n,
				   (const char *const *)e->paths, err);
	free(names);
	free(counts);
	if (rc != 0)
		return ensemble_fail(e);
	e->multilabel = e->members[0].multilabel;
	return 0;
}

void ensemble_fini(struct ensemble *e)
{
	for (size_t k = 0; k < e->n; k++) {
		bundle_fini(&e->members[k]);
		free(e->paths[k]);
	}
	free(e->members);
	free(e->paths);
	free(e->weights);
	ensemble_labels_fini(&e->lab);
	memset(e, 0, sizeof *e);
}

struct ensemble_ws *ensemble_ws_create(const struct ensemble *e)
{
	struct ensemble_ws *ws = tt_xcalloc(1, sizeof *ws);
	size_t k;

	ws->ws = tt_xcalloc(e->n, sizeof *ws->ws);
	ws->member_probs = tt_xcalloc(e->n, sizeof *ws->member_probs);
	for (k = 0; k < e->n; k++) {
		ws->ws[k] = model_ws_create(e->members[k].model);
		ws->member_probs[k] = tt_xcalloc((size_t)e->members[k].nlabels + 1, sizeof(float));
	}
	/* The aligned vectors: n rows of nlabels, then the combined scratch. */
	ws->scratch = tt_xcalloc(((size_t)e->n + 1) * e->lab.n + 1, sizeof *ws->scratch);
	ws->votes = tt_xcalloc((size_t)e->lab.n + 1, sizeof *ws->votes);
	ws->rows = tt_xcalloc(e->n, sizeof *ws->rows);
	ws->top1 = tt_xcalloc(e->n, sizeof *ws->top1);
	return ws;
}

void ensemble_ws_destroy(const struct ensemble *e, struct ensemble_ws *ws)
{
	if (ws == NULL)
		return;
	for (size_t k = 0; k < e->n; k++) {
		model_ws_destroy(e->members[k].model, ws->ws[k]);
		free(ws->member_probs[k]);
	}
	free(ws->ws);
	free(ws->member_probs);
	free(ws->scratch);
	free(ws->votes);
	free(ws->rows);
	free(ws->top1);
	free(ws);
}

uint32_t ensemble_predict(const struct ensemble *e, struct ensemble_ws *ws, const char *text,
			  size_t len, float *probs)
{
	uint32_t nl = e->lab.n;

	for (size_t k = 0; k < e->n; k++) {
		const struct bundle *b = &e->members[k];
		float *row = ws->scratch + k * nl;

		bundle_predict(b, ws->ws[k], text, len, ws->member_probs[k]);
		memset(row, 0, nl * sizeof *row);
		for (uint32_t j = 0; j < b->nlabels; j++)
			row[e->lab.map[k][j]] = ws->member_probs[k][j];
		ws->top1[k] = b->nlabels > 0 ?
			e->lab.map[k][metrics_argmax(ws->member_probs[k], b->nlabels)] : UINT32_MAX;
		ws->rows[k] = row;
	}
	return ensemble_combine(e->mode, e->n, ws->rows, ws->top1, e->weights, nl, ws->votes,
				probs);
}

uint32_t ensemble_label_index(const struct ensemble *e, const char *name)
{
	return ensemble_find(e->lab.names, e->lab.n, name);
}

size_t ensemble_known_by(const struct ensemble *e, uint32_t l)
{
	size_t c = 0;

	for (size_t k = 0; k < e->n; k++) {
		for (uint32_t j = 0; j < e->members[k].nlabels; j++) {
			if (e->lab.map[k][j] == l) {
				c++;
				break;
			}
		}
	}
	return c;
}
