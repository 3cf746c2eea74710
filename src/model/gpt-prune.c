/*
 * gpt-prune.c - magnitude pruning of a GPT's block matrices (gpt-prune.h
 * says which matrices, why, and per-matrix vs global).
 *
 * The k-th smallest magnitude is found without sorting or copying: for
 * non-negative floats the order of the values is the order of their bit
 * patterns as unsigned integers, so a bisection over the 31 bits of
 * |w| (count how many are <= the candidate) finds the threshold in 32 passes
 * over the weights with no extra memory - 85M weights for GPT-2 small's
 * global threshold would otherwise need a 340 MB copy to sort. NaN's bits
 * lie above infinity's, so a NaN weight counts as the largest (kept).
 *
 * Exactly k weights go: all below the threshold t, then those equal to t in
 * position order until k are gone.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-prune.h"

static const char *const gpt_prune_suffixes[] = {
	".attn.c_attn.weight", ".attn.c_proj.weight", ".mlp.c_fc.weight", ".mlp.c_proj.weight",
};

const char *gpt_prune_scope_name(enum gpt_prune_scope s)
{
	return s == GPT_PRUNE_GLOBAL ? "global" : "per-matrix";
}

int gpt_prune_scope_parse(const char *name, enum gpt_prune_scope *out)
{
	if (strcmp(name, "per-matrix") == 0 || strcmp(name, "matrix") == 0)
		*out = GPT_PRUNE_PER_MATRIX;
	else if (strcmp(name, "global") == 0)
		*out = GPT_PRUNE_GLOBAL;
	else
		return -1;
	return 0;
}

int gpt_prune_selects(const struct gpt_view *v)
{
	size_t len = strlen(v->name);

	if (v->ndim != 2 || strncmp(v->name, "h.", 2) != 0)
		return 0;
	for (size_t i = 0; i < sizeof gpt_prune_suffixes / sizeof *gpt_prune_suffixes; i++) {
		size_t sl = strlen(gpt_prune_suffixes[i]);

		if (len > sl && strcmp(v->name + len - sl, gpt_prune_suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/* |x| as its bit pattern: ordered as the magnitudes are (NaN above inf). */
static uint32_t gpt_prune_mag_bits(float x)
{
	uint32_t u;

	memcpy(&u, &x, sizeof u);
	return u & 0x7fffffffu;
}

/* How many of the masks' weights have |w| <= t (as bits). */
static size_t gpt_prune_count_le(const struct gpt *g, const struct gpt_prune_mask *m, size_t n,
				 uint32_t t)
{
	size_t c = 0;

	for (size_t k = 0; k < n; k++) {
		const float *w = g->views[m[k].view].data;

		for (size_t i = 0; i < m[k].numel; i++)
			c += gpt_prune_mag_bits(w[i]) <= t;
	}
	return c;
}

/*
 * Prune exactly want weights of the masks m[0..n) taken together: the
 * smallest magnitudes, ties by position.
 */
static void gpt_prune_set(struct gpt *g, struct gpt_prune_mask *m, size_t n, size_t want)
{
	uint32_t lo = 0, hi = 0x7fffffffu, t;
	size_t below, at_t;

	if (want == 0) {
		for (size_t k = 0; k < n; k++)
			memset(m[k].keep, 1, m[k].numel);
		return;
	}
	/* The smallest t with count(|w| <= t) >= want: the want-th smallest. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (gpt_prune_count_le(g, m, n, mid) >= want)
			hi = mid;
		else
			lo = mid + 1;
	}
	t = lo;
	below = t > 0 ? gpt_prune_count_le(g, m, n, t - 1) : 0;
	at_t = want - below;
	for (size_t k = 0; k < n; k++) {
		float *w = g->views[m[k].view].data;

		m[k].pruned = 0;
		for (size_t i = 0; i < m[k].numel; i++) {
			uint32_t b = gpt_prune_mag_bits(w[i]);
			int go = b < t || (b == t && at_t > 0);

			if (b == t && go)
				at_t--;
			m[k].keep[i] = (uint8_t)!go;
			if (go) {
				w[i] = 0.0f;
				m[k].pruned++;
			}
		}
	}
}

/* round(s * n) in exact arithmetic for the sizes a model has. */
static size_t gpt_prune_target(float s, size_t n)
{
	return (size_t)floor((double)s * (double)n + 0.5);
}

int gpt_prune_magnitude(struct gpt *g, float sparsity, enum gpt_prune_scope scope,
			struct gpt_prune *out, struct tt_err *err)
{
	size_t nsel = 0;

	memset(out, 0, sizeof *out);
	if (!(sparsity >= 0.0f && sparsity < 1.0f)) {
		tt_err_set(err, "prune", 0, 0, "sparsity %g is out of range (expected a share in "
			   "[0, 1), e.g. 0.5 to zero half the weights)", (double)sparsity);
		return -1;
	}
	for (size_t i = 0; i < g->nviews; i++)
		nsel += (size_t)gpt_prune_selects(&g->views[i]);
	if (nsel == 0) {
		tt_err_set(err, "prune", 0, 0, "the model has no block matrices to prune");
		return -1;
	}
	out->m = tt_xcalloc(nsel, sizeof *out->m);
	out->sparsity = sparsity;
	out->scope = scope;
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_prune_mask *m;

		if (!gpt_prune_selects(&g->views[i]))
			continue;
		m = &out->m[out->n++];
		m->view = i;
		memcpy(m->name, g->views[i].name, GPT_NAME_MAX);
		m->numel = g->views[i].numel;
		m->keep = tt_xmalloc(m->numel);
		out->total += m->numel;
	}
	if (scope == GPT_PRUNE_GLOBAL) {
		gpt_prune_set(g, out->m, out->n, gpt_prune_target(sparsity, out->total));
	} else {
		for (size_t k = 0; k < out->n; k++)
			gpt_prune_set(g, &out->m[k], 1, gpt_prune_target(sparsity, out->m[k].numel));
	}
	for (size_t k = 0; k < out->n; k++)
		out->pruned += out->m[k].pruned;
	return 0;
}

void gpt_prune_fini(struct gpt_prune *p)
{
	for (size_t k = 0; k < p->n; k++)
		free(p->m[k].keep);
	free(p->m);
	memset(p, 0, sizeof *p);
}

/*
 * x[i] = keep[i] ? x[i] : +0, without a branch: at 50% sparsity the kept
 * and pruned weights alternate at random and a branch mispredicts half the
 * time (6x slower than an AdamW update, measured); as a bit mask the loop
 * vectorizes.
 */
static void gpt_prune_mask(float *x, const uint8_t *keep, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u;

		memcpy(&u, &x[i], sizeof u);
		u &= (uint32_t)0 - (uint32_t)keep[i];
		memcpy(&x[i], &u, sizeof u);
	}
}

void gpt_prune_apply(const struct gpt_prune *p, struct gpt *g)
{
	for (size_t k = 0; k < p->n; k++)
		gpt_prune_mask(g->views[p->m[k].view].data, p->m[k].keep, p->m[k].numel);
}

void gpt_prune_mask_grads(const struct gpt_prune *p, struct gpt *g)
{
	for (size_t k = 0; k < p->n; k++) {
		float *d = g->views[p->m[k].view].grad;

		if (d != NULL)
			gpt_prune_mask(d, p->m[k].keep, p->m[k].numel);
	}
}

double gpt_prune_measure(const struct gpt_prune *p, const struct gpt *g)
{
	size_t zeros = 0;

	for (size_t k = 0; k < p->n; k++) {
		const float *w = g->views[p->m[k].view].data;

		for (size_t i = 0; i < p->m[k].numel; i++)
			zeros += w[i] == 0.0f;
	}
	return p->total > 0 ? (double)zeros / (double)p->total : 0.0;
}
