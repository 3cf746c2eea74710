/*
 * gpt-forward.c - GPT-2's forward and backward passes over the layer
 * kernels (gpt-layers.c), for the language-model and classification heads.
 *
 * Design note
 * -----------
 * One block (pre-LayerNorm, as GPT-2):
 *
 *   x1 = x0 + drop(attn(ln_1(x0)) c_proj)        res2
 *   x2 = x1 + drop(gelu(ln_2(x1) c_fc) c_proj)   res3
 *
 * after the embeddings drop(wte[tok] + wpe[t]) and before ln_f. The LM
 * head is tied to wte: logits = ln_f(x) wte^T. The classification head
 * pools ln_f(x) (last token or mean over each row's length) and multiplies
 * by score^T.
 *
 * Backward keeps one gradient of the residual stream (a.dres): each block's
 * branches add their layer-norm input gradients into it, so it becomes the
 * gradient of the block's input. The other activation gradients are
 * scratch reused by every layer (zeroed before each use, since the kernels
 * accumulate). Dropout streams: 0 the embeddings, 4l+1 the attention
 * weights of layer l, 4l+2 its attention output, 4l+3 its MLP output.
 */
#include <cblas.h>
#include <string.h>

#include "tunetop/gpt-layers.h"
#include "tunetop/gpt.h"

/* The per-layer activations of layer l for the current B x T. */
struct layer_acts {
	float *ln1, *ln1_mean, *ln1_rstd, *qkv, *att, *atty, *res2, *ln2, *ln2_mean, *ln2_rstd;
	float *fch, *fch_gelu, *res3, *in;
};

static struct layer_acts layer_acts(const struct gpt *g, uint32_t l)
{
	size_t C = g->cfg.dim, N = (size_t)g->B * g->T;
	size_t TT = (size_t)g->T * g->T, NH = g->cfg.heads;
	const struct gpt_acts *a = &g->a;
	struct layer_acts x = {
		.ln1 = a->ln1 + l * N * C,
		.ln1_mean = a->ln1_mean + l * N,
		.ln1_rstd = a->ln1_rstd + l * N,
		.qkv = a->qkv + l * N * 3 * C,
		.att = a->att + l * g->B * NH * TT,
		.atty = a->atty + l * N * C,
		.res2 = a->res2 + l * N * C,
		.ln2 = a->ln2 + l * N * C,
		.ln2_mean = a->ln2_mean + l * N,
		.ln2_rstd = a->ln2_rstd + l * N,
		.fch = a->fch + l * N * 4 * C,
		.fch_gelu = a->fch_gelu + l * N * 4 * C,
		.res3 = a->res3 + l * N * C,
	};
	x.in = l == 0 ? a->encoded : a->res3 + (l - 1) * N * C;
	return x;
}

static float drop_p(const struct gpt *g)
{
	return g->training ? g->cfg.dropout : 0.0f;
}

static int check_batch(struct gpt *g, const int32_t *tokens, uint32_t B, uint32_t T,
		       struct tt_err *err)
{
	if (B == 0 || T == 0 || B > g->Bmax || T > g->Tmax) {
		tt_err_set(err, "gpt", 0, 0,
			   "batch of %u x %u tokens does not fit the reserved %u x %u", B, T,
			   g->Bmax, g->Tmax);
		return -1;
	}
	for (size_t i = 0; i < (size_t)B * T; i++) {
		if (tokens[i] < 0 || (uint32_t)tokens[i] >= g->cfg.vocab) {
			tt_err_set(err, "gpt", 0, 0, "token %d at position %zu is outside [0, %u)",
				   tokens[i], i, g->cfg.vocab);
			return -1;
		}
	}
	return 0;
}

/* Embeddings, blocks and ln_f for g->tokens (B x T already set). */
static void forward_body(struct gpt *g)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim, NH = g->cfg.heads;
	size_t N = (size_t)B * T;
	float p = drop_p(g);
	struct gpt_acts *a = &g->a;

	gpt_encoder_forward(a->encoded, g->tokens, g->p.wte, g->p.wpe, B, T, C);
	gpt_dropout(a->encoded, N * C, p, g->seed, 0);
	for (uint32_t l = 0; l < g->cfg.layers; l++) {
		const struct gpt_layer *w = &g->p.h[l];
		struct layer_acts x = layer_acts(g, l);

		gpt_layernorm_forward(x.ln1, x.ln1_mean, x.ln1_rstd, x.in, w->ln1w, w->ln1b, N, C);
		gpt_matmul_forward(x.qkv, x.ln1, w->qkvw, w->qkvb, N, C, 3 * C);
		gpt_attention_forward(x.atty, x.att, x.qkv, B, T, C, NH, p, g->seed, 4 * l + 1,
				      a->head);
		gpt_matmul_forward(a->tmp, x.atty, w->attprojw, w->attprojb, N, C, C);
		gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 2);
		gpt_residual_forward(x.res2, x.in, a->tmp, N * C);
		gpt_layernorm_forward(x.ln2, x.ln2_mean, x.ln2_rstd, x.res2, w->ln2w, w->ln2b, N, C);
		gpt_matmul_forward(x.fch, x.ln2, w->fcw, w->fcb, N, C, 4 * C);
		gpt_gelu_forward(x.fch_gelu, x.fch, N * 4 * C);
		gpt_matmul_forward(a->tmp, x.fch_gelu, w->fcprojw, w->fcprojb, N, 4 * C, C);
		gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 3);
		gpt_residual_forward(x.res3, x.res2, a->tmp, N * C);
	}
	struct layer_acts last = layer_acts(g, g->cfg.layers - 1);

	gpt_layernorm_forward(a->lnf, a->lnf_mean, a->lnf_rstd, last.res3, g->p.lnfw, g->p.lnfb,
			      N, C);
}

int gpt_forward(struct gpt *g, const int32_t *tokens, const int32_t *targets, uint32_t B,
		uint32_t T, float *loss, struct tt_err *err)
{
	uint32_t V = g->cfg.vocab, C = g->cfg.dim;
	size_t N = (size_t)B * T;

	g->mode = GPT_MODE_NONE;
	if (check_batch(g, tokens, B, T, err) < 0)
		return -1;
	for (size_t i = 0; targets && i < N; i++) {
		if (targets[i] < -1 || targets[i] >= (int32_t)V) {
			tt_err_set(err, "gpt", 0, 0, "target %d at position %zu is outside [-1, %u)",
				   targets[i], i, V);
			return -1;
		}
	}
	g->B = B;
	g->T = T;
	memcpy(g->tokens, tokens, N * sizeof *tokens);
	forward_body(g);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)V, (int)C, 1.0f, g->a.lnf,
		    (int)C, g->p.wte, (int)C, 0.0f, g->a.logits, (int)V);
	double sum = gpt_crossentropy_forward(g->a.lse, g->a.logits, targets, N, V, &g->count);

	*loss = g->count ? (float)(sum / g->count) : 0.0f;
	if (targets) {
		memcpy(g->targets, targets, N * sizeof *targets);
		g->mode = GPT_MODE_LM;
	}
	return 0;
}

int gpt_forward_classify(struct gpt *g, const int32_t *tokens, const uint32_t *lengths,
			 const int32_t *labels, uint32_t B, uint32_t T, enum gpt_pool pool,
			 float *loss, struct tt_err *err)
{
	uint32_t K = g->cfg.nlabels, C = g->cfg.dim;

	g->mode = GPT_MODE_NONE;
	if (K == 0) {
		tt_err_set(err, "gpt", 0, 0, "the model has no classification head (nlabels 0)");
		return -1;
	}
	if (check_batch(g, tokens, B, T, err) < 0)
		return -1;
	for (uint32_t b = 0; b < B; b++) {
		if (lengths[b] == 0 || lengths[b] > T) {
			tt_err_set(err, "gpt", 0, 0, "length %u of row %u is outside [1, %u]",
				   lengths[b], b, T);
			return -1;
		}
		if (labels && (labels[b] < -1 || labels[b] >= (int32_t)K)) {
			tt_err_set(err, "gpt", 0, 0, "label %d of row %u is outside [-1, %u)",
				   labels[b], b, K);
			return -1;
		}
	}
	g->B = B;
	g->T = T;
	g->pool = pool;
	memcpy(g->tokens, tokens, (size_t)B * T * sizeof *tokens);
	memcpy(g->lengths, lengths, B * sizeof *lengths);
	forward_body(g);
	gpt_pool_forward(g->a.pooled, g->a.lnf, lengths, B, T, C, pool == GPT_POOL_MEAN);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)B, (int)K, (int)C, 1.0f,
		    g->a.pooled, (int)C, g->p.score, (int)C, 0.0f, g->a.cls_logits, (int)K);
	double sum = gpt_crossentropy_forward(g->a.cls_lse, g->a.cls_logits, labels, B, K,
					      &g->count);

	*loss = g->count ? (float)(sum / g->count) : 0.0f;
	if (labels) {
		memcpy(g->targets, labels, B * sizeof *labels);
		g->mode = GPT_MODE_CLASSIFY;
	}
	return 0;
}

static void zero(float *p, size_t n)
{
	memset(p, 0, n * sizeof *p);
}

/* Backward from a.dln = d lnf (the head's gradient) down to the embeddings. */
static void backward_body(struct gpt *g)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim, NH = g->cfg.heads;
	size_t N = (size_t)B * T;
	float p = drop_p(g);
	struct gpt_acts *a = &g->a;
	struct layer_acts last = layer_acts(g, g->cfg.layers - 1);

	zero(a->dres, N * C);
	gpt_layernorm_backward(a->dres, g->g.lnfw, g->g.lnfb, a->dln, last.res3, g->p.lnfw,
			       a->lnf_mean, a->lnf_rstd, N, C);
	for (uint32_t l = g->cfg.layers; l-- > 0;) {
		const struct gpt_layer *w = &g->p.h[l];
		struct gpt_layer *dw = &g->g.h[l];
		struct layer_acts x = layer_acts(g, l);

		/* MLP branch: res3 = res2 + drop(fch_gelu fcproj) */
		memcpy(a->tmp, a->dres, N * C * sizeof(float));
		gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 3);
		zero(a->dfch_gelu, N * 4 * C);
		gpt_matmul_backward(a->dfch_gelu, dw->fcprojw, dw->fcprojb, a->tmp, x.fch_gelu,
				    w->fcprojw, N, 4 * C, C);
		zero(a->dfch, N * 4 * C);
		gpt_gelu_backward(a->dfch, x.fch, a->dfch_gelu, N * 4 * C);
		zero(a->dln, N * C);
		gpt_matmul_backward(a->dln, dw->fcw, dw->fcb, a->dfch, x.ln2, w->fcw, N, C, 4 * C);
		gpt_layernorm_backward(a->dres, dw->ln2w, dw->ln2b, a->dln, x.res2, w->ln2w,
				       x.ln2_mean, x.ln2_rstd, N, C);
		/* attention branch: res2 = in + drop(atty attproj) */
		memcpy(a->tmp, a->dres, N * C * sizeof(float));
		gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 2);
		zero(a->datty, N * C);
		gpt_matmul_backward(a->datty, dw->attprojw, dw->attprojb, a->tmp, x.atty,
				    w->attprojw, N, C, C);
		zero(a->dqkv, N * 3 * C);
		gpt_attention_backward(a->dqkv, a->datty, x.qkv, x.att, B, T, C, NH, p, g->seed,
				       4 * l + 1, a->head);
		zero(a->dln, N * C);
		gpt_matmul_backward(a->dln, dw->qkvw, dw->qkvb, a->dqkv, x.ln1, w->qkvw, N, C, 3 * C);
		gpt_layernorm_backward(a->dres, dw->ln1w, dw->ln1b, a->dln, x.in, w->ln1w,
				       x.ln1_mean, x.ln1_rstd, N, C);
	}
	gpt_dropout(a->dres, N * C, p, g->seed, 0);
	gpt_encoder_backward(g->g.wte, g->g.wpe, a->dres, g->tokens, B, T, C);
}

static void backward_lm(struct gpt *g)
{
	uint32_t V = g->cfg.vocab, C = g->cfg.dim;
	size_t N = (size_t)g->B * g->T;
	float *dlogits = g->a.logits;

	gpt_crossentropy_backward(dlogits, g->a.lse, g->targets, N, V, 1.0f / (float)g->count);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)C, (int)V, 1.0f,
		    dlogits, (int)V, g->p.wte, (int)C, 0.0f, g->a.dln, (int)C);
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)V, (int)C, (int)N, 1.0f, dlogits,
		    (int)V, g->a.lnf, (int)C, 1.0f, g->g.wte, (int)C);
	backward_body(g);
}

static void backward_classify(struct gpt *g)
{
	uint32_t K = g->cfg.nlabels, C = g->cfg.dim, B = g->B;
	float *dcls = g->a.cls_logits, *dpooled = g->a.tmp;

	gpt_crossentropy_backward(dcls, g->a.cls_lse, g->targets, B, K, 1.0f / (float)g->count);
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)C, (int)B, 1.0f, dcls,
		    (int)K, g->a.pooled, (int)C, 1.0f, g->g.score, (int)C);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)C, (int)K, 1.0f, dcls,
		    (int)K, g->p.score, (int)C, 0.0f, dpooled, (int)C);
	zero(g->a.dln, (size_t)B * g->T * C);
	gpt_pool_backward(g->a.dln, dpooled, g->lengths, B, g->T, C, g->pool == GPT_POOL_MEAN);
	backward_body(g);
}

void gpt_backward(struct gpt *g)
{
	if (g->count == 0)
		g->mode = GPT_MODE_NONE;
	if (g->mode == GPT_MODE_LM)
		backward_lm(g);
	else if (g->mode == GPT_MODE_CLASSIFY)
		backward_classify(g);
	g->mode = GPT_MODE_NONE;
}
