/*
 * gpt-prune.h - magnitude pruning of a GPT's matrices to a target sparsity,
 * and the masks that keep the pruned weights at zero while fine-tuning.
 *
 * What is pruned: the four 2-D weight matrices of every block,
 * h.N.attn.c_attn.weight, h.N.attn.c_proj.weight, h.N.mlp.c_fc.weight and
 * h.N.mlp.c_proj.weight (about 85% of GPT-2 small's non-embedding
 * weights). Not pruned:
 *   - wte (the token embeddings, which are also the tied LM output layer)
 *     and wpe: a row is one token or position, so zeroing small entries
 *     removes what the model knows about rare tokens rather than
 *     redundant connections, and the tied output layer would lose them too;
 *   - score.weight, the classification head: K x C, a tiny share of the
 *     weights and the one layer every prediction goes through;
 *   - biases and layer norms: 1-D, a fraction of a percent of the model.
 * This follows the usual practice for pruning pre-trained transformers
 * (Gordon et al. 2020, "Compressing BERT"; Chen et al. 2020, "The Lottery
 * Ticket Hypothesis for Pre-trained BERT Networks": encoder matrices only).
 * LoRA views or other extra views are never touched.
 *
 * Threshold: per matrix (the default) or global.
 *   GPT_PRUNE_PER_MATRIX  each matrix loses exactly round(s * numel) weights,
 *                         its own smallest: every layer keeps the same share,
 *                         so no layer is wiped out.
 *   GPT_PRUNE_GLOBAL      one threshold over all of them: exactly
 *                         round(s * total) weights, the smallest anywhere.
 *                         Matrices with smaller weights lose more - GPT-2
 *                         initializes c_proj with std 0.02 / sqrt(2 L), so at
 *                         initialization global pruning empties c_proj
 *                         first; after training it follows what was learned.
 * Ties at the threshold are broken by position (the first ones go), so the
 * count is exact whatever the values. Weights already zero count as pruned
 * (they are the smallest).
 *
 * Fine-tuning after pruning: call gpt_prune_mask_grads after backward (the
 * optimizer's moments then see no gradient for a pruned weight) and
 * gpt_prune_apply after every optimizer step (weight decay, or moments from
 * before the pruning, could otherwise move a pruned weight off zero).
 */
#ifndef TUNETOP_GPT_PRUNE_H
#define TUNETOP_GPT_PRUNE_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/gpt.h"
#include "tunetop/util.h"

enum gpt_prune_scope {
	GPT_PRUNE_PER_MATRIX,
	GPT_PRUNE_GLOBAL,
};

/* One pruned matrix: which view, and which of its weights stay. */
struct gpt_prune_mask {
	size_t view;            /* index into g->views */
	char name[GPT_NAME_MAX];
	size_t numel;
	uint8_t *keep;          /* [numel] 1 = kept, 0 = pruned */
	size_t pruned;          /* zeros in keep */
};

struct gpt_prune {
	struct gpt_prune_mask *m;
	size_t n;
	size_t total;           /* weights in the pruned matrices */
	size_t pruned;
	float sparsity;         /* the target asked for */
	enum gpt_prune_scope scope;
};

/* "per-matrix" or "global"; parse ("matrix" too, the option's word): 0, or -1. */
const char *gpt_prune_scope_name(enum gpt_prune_scope s);
int gpt_prune_scope_parse(const char *name, enum gpt_prune_scope *out);

/* 1 if view v is one of the matrices pruning touches (see the top). */
int gpt_prune_selects(const struct gpt_view *v);

/*
 * Zero the smallest-magnitude weights of the selected matrices so that a
 * share sparsity in [0, 1) of them is zero, and fill *out with the masks
 * (free with gpt_prune_fini). -1 + err on a bad sparsity or a model with
 * nothing to prune (then *out is empty).
 */
int gpt_prune_magnitude(struct gpt *g, float sparsity, enum gpt_prune_scope scope,
			struct gpt_prune *out, struct tt_err *err);
void gpt_prune_fini(struct gpt_prune *p);

/* Pruned weights back to zero: after every optimizer step. */
void gpt_prune_apply(const struct gpt_prune *p, struct gpt *g);
/* Pruned weights' gradients to zero: after backward, before the step. */
void gpt_prune_mask_grads(const struct gpt_prune *p, struct gpt *g);
/* The share of zeros now in the masked matrices (to check, or report). */
double gpt_prune_measure(const struct gpt_prune *p, const struct gpt *g);

#endif
