/*
 * model-gpt.c - the GPT-2 transformer (gpt.h) as a model (model.h). See
 * model-gpt.h for the configuration, the examples and the views.
 *
 * Design. struct gpt already owns one parameter arena, one gradient arena
 * and the activations; this adapter only turns a batch of model_examples
 * into gpt.h's padded [B, T] arrays (in the ws), maps the views, and keeps
 * the trainable flags. Every call runs on the caller's thread; the matrix
 * products use OpenBLAS's threads (the trainer drives a gpt with one
 * thread of its own, see trainer-step.c). predict takes a const model but
 * writes the activations: as for every model, one thread at a time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/model-gpt.h"
#include "tunetop/gpt-lora.h"

struct model_gpt {
	struct model base;
	struct gpt *g;
	char **names;           /* [nnames] "transformer.<name>" or "score.weight" */
	size_t nnames;          /* g->nviews when the names were made */
	size_t nparams;
};

struct model_ws {
	int32_t *tokens;        /* [cap] */
	int32_t *targets;       /* [cap] LM targets, or [B] labels */
	uint32_t *lengths;      /* [B] */
	size_t cap, bcap;
	int ok;                 /* the last forward ran: backward may follow */
};

static struct model_gpt *mg(struct model *m)
{
	return (struct model_gpt *)m;
}

struct gpt *model_gpt_get(struct model *m)
{
	return m != NULL && m->ops == &model_gpt_ops ? mg(m)->g : NULL;
}

/* ---- creation ---------------------------------------------------------- */

static void model_gpt_free_names(struct model_gpt *m)
{
	for (size_t i = 0; i < m->nnames; i++)
		free(m->names[i]);
	free(m->names);
	m->names = NULL;
	m->nnames = 0;
	m->nparams = 0;
}

/* The views' names, again after adapters came or went (their views move). */
static void model_gpt_names(struct model_gpt *m)
{
	struct gpt *g = m->g;

	model_gpt_free_names(m);
	m->names = tt_xcalloc(g->nviews + 1, sizeof *m->names);
	m->nnames = g->nviews;
	for (size_t i = 0; i < g->nviews; i++) {
		const char *n = g->views[i].name;

		m->names[i] = strcmp(n, "score.weight") == 0 ? tt_xstrdup(n) :
			      tt_xprintf("transformer.%s", n);
		m->nparams += g->views[i].numel;
	}
}

struct model *model_gpt_wrap(struct gpt *g, const struct model_config *cfg, struct tt_err *err)
{
	struct model_gpt *m;
	uint32_t want = cfg->lm ? 0 : cfg->nlabels;

	if (!cfg->lm && cfg->loss != MODEL_LOSS_SOFTMAX) {
		tt_err_set(err, NULL, 0, 0, "model gpt: multi-label (ova) classification is not "
			   "supported (single-label softmax only)");
		gpt_destroy(g);
		return NULL;
	}
	if (!cfg->lm && cfg->nlabels == 0) {
		tt_err_set(err, NULL, 0, 0, "model gpt: a classifier needs at least one label");
		gpt_destroy(g);
		return NULL;
	}
	if (g->cfg.nlabels != want) {
		tt_err_set(err, NULL, 0, 0, "model gpt: the transformer has %u classes, expected %u",
			   g->cfg.nlabels, want);
		gpt_destroy(g);
		return NULL;
	}
	m = tt_xcalloc(1, sizeof *m);
	m->base.ops = &model_gpt_ops;
	m->base.cfg = *cfg;
	m->base.cfg.type = "gpt";
	m->base.cfg.ninputs = g->cfg.vocab;
	m->base.cfg.nlabels = cfg->lm ? g->cfg.vocab : g->cfg.nlabels;
	m->base.cfg.dim = g->cfg.dim;
	m->base.cfg.n_layer = g->cfg.layers;
	m->base.cfg.n_head = g->cfg.heads;
	m->base.cfg.n_ctx = g->cfg.ctx;
	m->g = g;
	model_gpt_names(m);
	return &m->base;
}

static struct model *model_gpt_create(const struct model_config *cfg, struct tt_err *err)
{
	struct gpt_config gc;
	struct gpt *g;

	memset(&gc, 0, sizeof gc);
	gc.vocab = cfg->ninputs;
	gc.ctx = cfg->n_ctx;
	gc.dim = cfg->dim;
	gc.layers = cfg->n_layer;
	gc.heads = cfg->n_head;
	gc.nlabels = cfg->lm ? 0 : cfg->nlabels;
	if (cfg->lm && cfg->nlabels != cfg->ninputs) {
		tt_err_set(err, NULL, 0, 0, "model gpt: a language model has nlabels == ninputs "
			   "(%u != %u)", cfg->nlabels, cfg->ninputs);
		return NULL;
	}
	g = gpt_create(&gc, cfg->seed, err);
	return g != NULL ? model_gpt_wrap(g, cfg, err) : NULL;
}

/* Copy every view of src that dst has with the same shape; -1 if one is missing. */
static int model_gpt_copy(struct gpt *dst, const struct gpt *src, const char *path,
			  struct tt_err *err)
{
	for (size_t i = 0; i < dst->nviews; i++) {
		struct gpt_view *d = &dst->views[i];
		const struct gpt_view *s = gpt_find_view(src, d->name);

		if (s == NULL || s->numel != d->numel) {
			if (strcmp(d->name, "score.weight") == 0)
				continue;       /* a fresh head */
			tt_err_set(err, NULL, 0, 0, "%s: tensor %s is missing or has another shape",
				   path, d->name);
			return -1;
		}
		memcpy(d->data, s->data, d->numel * sizeof *d->data);
	}
	return 0;
}

struct model *model_gpt_from_gpt(const struct gpt *src, const struct model_config *cfg,
				 struct tt_err *err)
{
	struct gpt_config gc = src->cfg;
	struct gpt *g;

	gc.nlabels = cfg->lm ? 0 : cfg->nlabels;
	gc.dropout = 0;
	g = gpt_create(&gc, cfg->seed, err);
	if (g == NULL)
		return NULL;
	if (model_gpt_copy(g, src, "init", err) != 0) {
		gpt_destroy(g);
		return NULL;
	}
	return model_gpt_wrap(g, cfg, err);
}

struct model *model_gpt_from_file(const char *path, const struct model_config *cfg,
				  struct tt_err *err)
{
	struct gpt *src = gpt_load(path, cfg->n_head, err);
	struct model *m;

	if (src == NULL)
		return NULL;
	m = model_gpt_from_gpt(src, cfg, err);
	gpt_destroy(src);
	if (m == NULL && err->file[0] == '\0')
		snprintf(err->file, sizeof err->file, "%s", path);
	return m;
}

static void model_gpt_destroy(struct model *base)
{
	struct model_gpt *m = mg(base);

	model_gpt_free_names(m);
	gpt_destroy(m->g);
	free(m);
}

static struct model_ws *model_gpt_ws_create(const struct model *m)
{
	(void)m;
	return tt_xcalloc(1, sizeof(struct model_ws));
}

static void model_gpt_ws_destroy(struct model_ws *ws)
{
	free(ws->tokens);
	free(ws->targets);
	free(ws->lengths);
	free(ws);
}

/* ---- batches ----------------------------------------------------------- */

static void model_gpt_ws_reserve(struct model_ws *ws, size_t B, size_t T)
{
	if (B * T > ws->cap) {
		ws->cap = B * T;
		ws->tokens = tt_xrealloc(ws->tokens, ws->cap * sizeof *ws->tokens);
		ws->targets = tt_xrealloc(ws->targets, ws->cap * sizeof *ws->targets);
	}
	if (B > ws->bcap) {
		ws->bcap = B;
		ws->lengths = tt_xrealloc(ws->lengths, ws->bcap * sizeof *ws->lengths);
	}
}

/* The first token kept of a sequence of n tokens cut to T. */
static uint32_t model_gpt_first(const struct model *m, uint32_t n, uint32_t T)
{
	return n > T && m->cfg.truncate_last ? n - T : 0;
}

/* The batch's length: its longest example, at most n_ctx, at least 1. */
static uint32_t model_gpt_batch_T(const struct model *m, const struct model_example *ex,
				  size_t n)
{
	uint32_t T = 1;

	for (size_t b = 0; b < n; b++)
		if (ex[b].ntokens > T)
			T = ex[b].ntokens;
	return T < m->cfg.n_ctx ? T : m->cfg.n_ctx;
}

/* Row b of the padded arrays from ex; ids >= vocab become 0 (unknown). */
static void model_gpt_fill(const struct model *m, struct model_ws *ws,
			   const struct model_example *ex, size_t b, uint32_t T)
{
	uint32_t V = m->cfg.ninputs, first = model_gpt_first(m, ex->ntokens, T);
	uint32_t k = ex->ntokens - first < T ? ex->ntokens - first : T;
	int32_t *tok = ws->tokens + b * T, *tgt = ws->targets + b * T;

	for (uint32_t i = 0; i < T; i++) {
		uint32_t id = i < k ? ex->tokens[first + i] : 0;

		tok[i] = id < V ? (int32_t)id : 0;
		if (m->cfg.lm) {
			uint32_t y = i < k && first + i < ex->ntargets ? ex->targets[first + i] :
				     MODEL_IGNORE;

			tgt[i] = y < V ? (int32_t)y : -1;
		}
	}
	ws->lengths[b] = k > 0 ? k : 1;
	if (!m->cfg.lm)
		ws->targets[b] = ex->ntargets > 0 && ex->targets[0] < m->cfg.nlabels ?
				 (int32_t)ex->targets[0] : -1;
}

/*
 * Activations for n x T, never shrinking: gpt_reserve replaces a
 * reservation that is too small in either dimension with exactly (B, T),
 * so alternating shapes (training batches, one-text predictions) would
 * reallocate the arena at every call.
 */
static int model_gpt_reserve(struct gpt *g, size_t n, uint32_t T, struct tt_err *err)
{
	uint32_t B = (uint32_t)n > g->Bmax ? (uint32_t)n : g->Bmax;

	return gpt_reserve(g, B, T > g->Tmax ? T : g->Tmax, err);
}

static float model_gpt_forward(struct model *base, struct model_ws *ws,
			       const struct model_example *ex, size_t n,
			       const struct model_hparams *hp, struct model_rng *rng)
{
	struct model_gpt *m = mg(base);
	uint32_t T = model_gpt_batch_T(base, ex, n);
	struct tt_err err;
	float loss = NAN;
	int rc;

	ws->ok = 0;
	if (n == 0 || model_gpt_reserve(m->g, n, T, &err) != 0)
		return NAN;
	model_gpt_ws_reserve(ws, n, T);
	for (size_t b = 0; b < n; b++)
		model_gpt_fill(base, ws, &ex[b], b, T);
	m->g->cfg.dropout = hp != NULL && hp->dropout > 0 && hp->dropout < 1 ? hp->dropout : 0;
	gpt_set_training(m->g, rng != NULL && m->g->cfg.dropout > 0,
			 rng != NULL ? model_rng_next(rng) : 0);
	if (base->cfg.lm)
		rc = gpt_forward(m->g, ws->tokens, ws->targets, (uint32_t)n, T, &loss, &err);
	else
		rc = gpt_forward_classify(m->g, ws->tokens, ws->lengths, ws->targets, (uint32_t)n,
					  T, base->cfg.pool_mean ? GPT_POOL_MEAN : GPT_POOL_LAST,
					  &loss, &err);
	gpt_set_training(m->g, false, 0);
	if (rc != 0)
		return NAN;
	ws->ok = 1;
	return loss;
}

static void model_gpt_backward(struct model *base, struct model_ws *ws)
{
	if (ws->ok)
		gpt_backward(mg(base)->g);
	ws->ok = 0;
}

void model_gpt_backward_weighted(struct model *base, struct model_ws *ws, float w)
{
	if (ws->ok && model_gpt_get(base) != NULL)
		gpt_backward_weighted(mg(base)->g, w);
	ws->ok = 0;
}

int model_gpt_lora_add(struct model *base, const struct gpt_lora_config *c, uint64_t seed,
		       struct tt_err *err)
{
	struct gpt *g = model_gpt_get(base);

	if (g == NULL) {
		tt_err_set(err, NULL, 0, 0, "LoRA adapters need model gpt");
		return -1;
	}
	if (gpt_lora_add(g, c, seed, err) != 0)
		return -1;
	model_gpt_names(mg(base));
	return 0;
}

int model_gpt_lora_load(struct model *base, const char *dir, const char *base_path,
			struct tt_err *err)
{
	struct gpt *g = model_gpt_get(base);

	if (g == NULL) {
		tt_err_set(err, NULL, 0, 0, "LoRA adapters need model gpt");
		return -1;
	}
	if (gpt_lora_load(g, dir, base_path, err) != 0)
		return -1;
	model_gpt_names(mg(base));
	return 0;
}

void model_gpt_refresh(struct model *base)
{
	if (model_gpt_get(base) != NULL)
		model_gpt_names(mg(base));
}

static void model_gpt_zero_grad(struct model *base)
{
	gpt_zero_grad(mg(base)->g);
}

/* Lay gpt.h's gradient arena out again for the trainable views: a frozen
 * view then costs no gradient memory (and, since its grad is NULL, no
 * optimizer state). */
static int model_gpt_grad_alloc(struct model *base, struct tt_err *err)
{
	(void)err;
	gpt_grad_alloc(mg(base)->g);
	return 0;
}

static int model_gpt_set_trainable(struct model *base, size_t i, bool on, struct tt_err *err)
{
	struct model_gpt *m = mg(base);

	if (i >= m->g->nviews) {
		tt_err_set(err, NULL, 0, 0, "model gpt has no view %zu", i);
		return -1;
	}
	return gpt_set_trainable(m->g, m->g->views[i].name, on, err);
}

void model_gpt_softmax(const float *x, uint32_t n, float *probs)
{
	float mx = x[0];
	double sum = 0;

	for (uint32_t i = 1; i < n; i++)
		if (x[i] > mx)
			mx = x[i];
	for (uint32_t i = 0; i < n; i++) {
		probs[i] = expf(x[i] - mx);
		sum += probs[i];
	}
	for (uint32_t i = 0; i < n; i++)
		probs[i] = (float)(probs[i] / sum);
}

static void model_gpt_predict(const struct model *cbase, struct model_ws *ws,
			      const uint32_t *tokens, uint32_t ntokens, float *probs)
{
	struct model *base = (struct model *)cbase;     /* writes the activations only */
	struct model_gpt *m = mg(base);
	struct model_example ex = { tokens, ntokens, NULL, 0, NULL };
	uint32_t T = model_gpt_batch_T(base, &ex, 1);

	if (base->cfg.lm && ntokens > T) {
		ex.tokens += ntokens - T;       /* the next token follows the text's end */
		ex.ntokens = T;
	}
	struct tt_err err;
	float loss;
	int rc;

	ws->ok = 0;
	if (model_gpt_reserve(m->g, 1, T, &err) != 0)
		goto fail;
	model_gpt_ws_reserve(ws, 1, T);
	model_gpt_fill(base, ws, &ex, 0, T);
	gpt_set_training(m->g, false, 0);
	if (base->cfg.lm) {
		rc = gpt_forward(m->g, ws->tokens, NULL, 1, T, &loss, &err);
		if (rc != 0)
			goto fail;
		/* the next token after the last one given */
		model_gpt_softmax(m->g->a.logits + (size_t)(ws->lengths[0] - 1) * m->g->cfg.vocab,
				  m->g->cfg.vocab, probs);
		return;
	}
	rc = gpt_forward_classify(m->g, ws->tokens, ws->lengths, NULL, 1, T,
				  base->cfg.pool_mean ? GPT_POOL_MEAN : GPT_POOL_LAST, &loss, &err);
	if (rc != 0)
		goto fail;
	model_gpt_softmax(m->g->a.cls_logits, m->g->cfg.nlabels, probs);
	return;
fail:
	for (uint32_t i = 0; i < base->cfg.nlabels; i++)
		probs[i] = 1.0f / (float)base->cfg.nlabels;
}

static size_t model_gpt_nparams(const struct model *base)
{
	return ((const struct model_gpt *)base)->nparams;
}

static size_t model_gpt_nviews(const struct model *base)
{
	return ((const struct model_gpt *)base)->g->nviews;
}

static void model_gpt_view(struct model *base, size_t i, struct model_view *out)
{
	struct model_gpt *m = mg(base);
	const struct gpt_view *v;

	memset(out, 0, sizeof *out);
	if (i >= m->g->nviews || i >= m->nnames)
		return;
	v = &m->g->views[i];
	out->name = m->names[i];
	out->dtype = MODEL_F32;
	out->flags = MODEL_VIEW_PARAM;
	out->ndim = (uint32_t)v->ndim;
	out->shape[0] = v->shape[0];
	out->shape[1] = v->ndim == 2 ? v->shape[1] : 0;
	out->data = v->data;
	out->trainable = v->trainable;
	out->grad = v->trainable ? v->grad : NULL;
}

const struct model_ops model_gpt_ops = {
	.name = "gpt",
	.create = model_gpt_create,
	.destroy = model_gpt_destroy,
	.ws_create = model_gpt_ws_create,
	.ws_destroy = model_gpt_ws_destroy,
	.forward = model_gpt_forward,
	.backward = model_gpt_backward,
	.zero_grad = model_gpt_zero_grad,
	.grad_alloc = model_gpt_grad_alloc,
	.set_trainable = model_gpt_set_trainable,
	.sgd_fast = NULL,
	.predict = model_gpt_predict,
	.nparams = model_gpt_nparams,
	.nviews = model_gpt_nviews,
	.view = model_gpt_view,
};
