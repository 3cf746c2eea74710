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
 *
 * Frozen tensors (grad NULL) get no weight gradient; backward runs down to
 * the lowest block with anything trainable (adapters included) and to the
 * embeddings only when wte or wpe is trainable. With checkpointing, a
 * block's activations live in one shared slot: backward first runs the
 * block's forward again from its stored input (block_forward), which gives
 * the same values, dropout masks included; the top block's are still
 * there from the forward (g->ckpt_slot), so L - 1 blocks run again. LoRA adds its term after each
 * targeted product (gpt_lora_forward / gpt_lora_backward, gpt-lora.c).
 */
#include <cblas.h>
#include <string.h>

#include "tunetop/gpt-layers.h"
#include "tunetop/gpt-lora.h"
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
	uint32_t out = l;

	if (g->checkpoint)
		l = 0;  /* one slot; the block outputs (res3) keep every layer */
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
		.res3 = a->res3 + out * N * C,
	};
	x.in = out == 0 ? a->encoded : a->res3 + (out - 1) * N * C;
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

/*
 * Block l's forward from its input (x.in) to its output (x.res3). again:
 * the recomputation for backward under checkpointing, which stops at the
 * MLP's c_proj input (backward needs fch_gelu, not the product: a quarter
 * of the block's FLOPs saved; res3 is stored already), refreshing only the
 * adapter's u there.
 */
static void block_forward(struct gpt *g, uint32_t l, int again)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim, NH = g->cfg.heads;
	size_t N = (size_t)B * T;
	float p = drop_p(g);
	struct gpt_acts *a = &g->a;
	const struct gpt_layer *w = &g->p.h[l];
	struct layer_acts x = layer_acts(g, l);

	gpt_layernorm_forward(x.ln1, x.ln1_mean, x.ln1_rstd, x.in, w->ln1w, w->ln1b, N, C);
	gpt_matmul_forward(x.qkv, x.ln1, w->qkvw, w->qkvb, N, C, 3 * C);
	gpt_lora_forward(g, l, GPT_LORA_T_C_ATTN, x.qkv, x.ln1, N);
	gpt_attention_forward(x.atty, x.att, x.qkv, B, T, C, NH, p, g->seed, 4 * l + 1, a->head);
	gpt_matmul_forward(a->tmp, x.atty, w->attprojw, w->attprojb, N, C, C);
	gpt_lora_forward(g, l, GPT_LORA_T_ATTN_PROJ, a->tmp, x.atty, N);
	gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 2);
	gpt_residual_forward(x.res2, x.in, a->tmp, N * C);
	gpt_layernorm_forward(x.ln2, x.ln2_mean, x.ln2_rstd, x.res2, w->ln2w, w->ln2b, N, C);
	gpt_matmul_forward(x.fch, x.ln2, w->fcw, w->fcb, N, C, 4 * C);
	gpt_lora_forward(g, l, GPT_LORA_T_MLP_FC, x.fch, x.ln2, N);
	gpt_gelu_forward(x.fch_gelu, x.fch, N * 4 * C);
	g->ckpt_slot = l;
	if (again) {
		/* a->tmp is scratch here: backward overwrites it first */
		gpt_lora_forward(g, l, GPT_LORA_T_MLP_PROJ, a->tmp, x.fch_gelu, N);
		return;
	}
	gpt_matmul_forward(a->tmp, x.fch_gelu, w->fcprojw, w->fcprojb, N, 4 * C, C);
	gpt_lora_forward(g, l, GPT_LORA_T_MLP_PROJ, a->tmp, x.fch_gelu, N);
	gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 3);
	gpt_residual_forward(x.res3, x.res2, a->tmp, N * C);
}

/* Embeddings, blocks and ln_f for g->tokens (B x T already set). */
static void forward_body(struct gpt *g)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim;
	size_t N = (size_t)B * T;
	struct gpt_acts *a = &g->a;

	gpt_encoder_forward(a->encoded, g->tokens, g->p.wte, g->p.wpe, B, T, C);
	gpt_dropout(a->encoded, N * C, drop_p(g), g->seed, 0);
	for (uint32_t l = 0; l < g->cfg.layers; l++)
		block_forward(g, l, 0);
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

/* Has block l anything trainable (its tensors or its adapters)? */
static int layer_trainable(const struct gpt *g, uint32_t l)
{
	const struct gpt_layer *d = &g->g.h[l];
	const float *f[] = {d->ln1w, d->ln1b, d->qkvw, d->qkvb, d->attprojw, d->attprojb,
			    d->ln2w, d->ln2b, d->fcw, d->fcb, d->fcprojw, d->fcprojb};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (f[i])
			return 1;
	return gpt_lora_layer_trainable(g, l);
}

/* Where backward_body stops: 0 with the embeddings, the lowest trainable
 * block + 1 (0 = none below ln_f needs a gradient), as *stop; *emb. */
static void backward_extent(const struct gpt *g, uint32_t *stop, int *emb)
{
	uint32_t L = g->cfg.layers;

	*emb = g->g.wte != NULL || g->g.wpe != NULL;
	*stop = L + 1;
	if (*emb) {
		*stop = 0;
		return;
	}
	for (uint32_t l = 0; l < L; l++) {
		if (layer_trainable(g, l)) {
			*stop = l;
			return;
		}
	}
}

/* Does anything below the head need d lnf? */
static int body_trainable(const struct gpt *g)
{
	uint32_t stop;
	int emb;

	backward_extent(g, &stop, &emb);
	return stop <= g->cfg.layers || g->g.lnfw != NULL || g->g.lnfb != NULL;
}

/* Block l's backward: a.dres holds d res3 and becomes d in. dinp_ln1 0:
 * nothing below needs d in (it is left as d res2 + ...). */
static void block_backward(struct gpt *g, uint32_t l, int dinp_ln1)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim, NH = g->cfg.heads;
	size_t N = (size_t)B * T;
	float p = drop_p(g);
	struct gpt_acts *a = &g->a;
	const struct gpt_layer *w = &g->p.h[l];
	struct gpt_layer *dw = &g->g.h[l];
	struct layer_acts x = layer_acts(g, l);

	/* the top block's activations are still in the slot after forward */
	if (g->checkpoint && g->ckpt_slot != l)
		block_forward(g, l, 1);
	/* MLP branch: res3 = res2 + drop(fch_gelu fcproj) */
	memcpy(a->tmp, a->dres, N * C * sizeof(float));
	gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 3);
	zero(a->dfch_gelu, N * 4 * C);
	gpt_matmul_backward(a->dfch_gelu, dw->fcprojw, dw->fcprojb, a->tmp, x.fch_gelu, w->fcprojw,
			    N, 4 * C, C);
	gpt_lora_backward(g, l, GPT_LORA_T_MLP_PROJ, a->dfch_gelu, a->tmp, x.fch_gelu, N);
	zero(a->dfch, N * 4 * C);
	gpt_gelu_backward(a->dfch, x.fch, a->dfch_gelu, N * 4 * C);
	zero(a->dln, N * C);
	gpt_matmul_backward(a->dln, dw->fcw, dw->fcb, a->dfch, x.ln2, w->fcw, N, C, 4 * C);
	gpt_lora_backward(g, l, GPT_LORA_T_MLP_FC, a->dln, a->dfch, x.ln2, N);
	gpt_layernorm_backward(a->dres, dw->ln2w, dw->ln2b, a->dln, x.res2, w->ln2w, x.ln2_mean,
			       x.ln2_rstd, N, C);
	/* attention branch: res2 = in + drop(atty attproj) */
	memcpy(a->tmp, a->dres, N * C * sizeof(float));
	gpt_dropout(a->tmp, N * C, p, g->seed, 4 * l + 2);
	zero(a->datty, N * C);
	gpt_matmul_backward(a->datty, dw->attprojw, dw->attprojb, a->tmp, x.atty, w->attprojw, N,
			    C, C);
	gpt_lora_backward(g, l, GPT_LORA_T_ATTN_PROJ, a->datty, a->tmp, x.atty, N);
	zero(a->dqkv, N * 3 * C);
	gpt_attention_backward(a->dqkv, a->datty, x.qkv, x.att, B, T, C, NH, p, g->seed, 4 * l + 1,
			       a->head);
	if (!dinp_ln1 && dw->ln1w == NULL && dw->ln1b == NULL) {
		/* the lowest trainable block and ln_1 frozen: d ln1 is not needed */
		gpt_matmul_backward(NULL, dw->qkvw, dw->qkvb, a->dqkv, x.ln1, w->qkvw, N, C, 3 * C);
		gpt_lora_backward(g, l, GPT_LORA_T_C_ATTN, NULL, a->dqkv, x.ln1, N);
		return;
	}
	zero(a->dln, N * C);
	gpt_matmul_backward(a->dln, dw->qkvw, dw->qkvb, a->dqkv, x.ln1, w->qkvw, N, C, 3 * C);
	gpt_lora_backward(g, l, GPT_LORA_T_C_ATTN, a->dln, a->dqkv, x.ln1, N);
	gpt_layernorm_backward(dinp_ln1 ? a->dres : NULL, dw->ln1w, dw->ln1b, a->dln, x.in,
			       w->ln1w, x.ln1_mean, x.ln1_rstd, N, C);
}

/* Backward from a.dln = d lnf (the head's gradient) down as far as needed. */
static void backward_body(struct gpt *g)
{
	uint32_t B = g->B, T = g->T, C = g->cfg.dim, stop;
	size_t N = (size_t)B * T;
	struct gpt_acts *a = &g->a;
	struct layer_acts last = layer_acts(g, g->cfg.layers - 1);
	int emb;

	backward_extent(g, &stop, &emb);
	if (stop > g->cfg.layers) {
		/* only ln_f below the head */
		gpt_layernorm_backward(NULL, g->g.lnfw, g->g.lnfb, a->dln, last.res3, g->p.lnfw,
				       a->lnf_mean, a->lnf_rstd, N, C);
		return;
	}
	zero(a->dres, N * C);
	gpt_layernorm_backward(a->dres, g->g.lnfw, g->g.lnfb, a->dln, last.res3, g->p.lnfw,
			       a->lnf_mean, a->lnf_rstd, N, C);
	for (uint32_t l = g->cfg.layers; l-- > stop;)
		block_backward(g, l, l > stop || emb);
	if (!emb)
		return;
	gpt_dropout(a->dres, N * C, drop_p(g), g->seed, 0);
	gpt_encoder_backward(g->g.wte, g->g.wpe, a->dres, g->tokens, B, T, C);
}

static void backward_lm(struct gpt *g)
{
	uint32_t V = g->cfg.vocab, C = g->cfg.dim;
	size_t N = (size_t)g->B * g->T;
	float *dlogits = g->a.logits;

	int body = body_trainable(g);

	if (!body && g->g.wte == NULL)
		return;
	gpt_crossentropy_backward(dlogits, g->a.lse, g->targets, N, V,
				  g->loss_weight / (float)g->count);
	if (g->g.wte)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)V, (int)C, (int)N, 1.0f,
			    dlogits, (int)V, g->a.lnf, (int)C, 1.0f, g->g.wte, (int)C);
	if (!body)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)C, (int)V, 1.0f,
		    dlogits, (int)V, g->p.wte, (int)C, 0.0f, g->a.dln, (int)C);
	backward_body(g);
}

static void backward_classify(struct gpt *g)
{
	uint32_t K = g->cfg.nlabels, C = g->cfg.dim, B = g->B;
	float *dcls = g->a.cls_logits, *dpooled = g->a.tmp;

	int body = body_trainable(g);

	if (!body && g->g.score == NULL)
		return;
	gpt_crossentropy_backward(dcls, g->a.cls_lse, g->targets, B, K,
				  g->loss_weight / (float)g->count);
	if (g->g.score)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, (int)C, (int)B, 1.0f,
			    dcls, (int)K, g->a.pooled, (int)C, 1.0f, g->g.score, (int)C);
	if (!body)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)C, (int)K, 1.0f, dcls,
		    (int)K, g->p.score, (int)C, 0.0f, dpooled, (int)C);
	zero(g->a.dln, (size_t)B * g->T * C);
	gpt_pool_backward(g->a.dln, dpooled, g->lengths, B, g->T, C, g->pool == GPT_POOL_MEAN);
	backward_body(g);
}

void gpt_backward_weighted(struct gpt *g, float w)
{
	g->loss_weight = w;
	gpt_backward(g);
	g->loss_weight = 1.0f;
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
