/*
 * gpt.c - the GPT-2 model's configuration, presets, parameter and gradient
 * arenas with their named views, initialization, the activation arena.
 *
 * The arenas hold the views in a fixed order (wte, wpe, h.0.*, ..., ln_f,
 * score), each view starting on a 64-byte boundary; the padding between
 * views stays zero in both arenas, so an optimizer may sweep the whole
 * arena. Large arenas are 2 MB aligned and advised for transparent huge
 * pages (the AdamW sweep and the big products otherwise miss the TLB).
 * Forward and backward are in gpt-forward.c, the kernels in gpt-layers.c,
 * safetensors in gpt-io.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tunetop/gpt-lora.h"
#include "tunetop/gpt.h"

enum {
	GPT_ALIGN_FLOATS = 16,  /* 64 bytes */
	GPT_MAX_LAYERS = 1024,
	GPT_MAX_DIM = 65536,
};

struct gpt_preset {
	const char *name;
	struct gpt_config cfg;
};

static const struct gpt_preset gpt_presets[] = {
	{"gpt-tiny", {4096, 128, 128, 2, 4, 0, 0.1f}},
	{"gpt-small", {8192, 256, 256, 4, 4, 0, 0.1f}},
	{"gpt2-124m", {50257, 1024, 768, 12, 12, 0, 0.1f}},
};

int gpt_config_preset(const char *name, struct gpt_config *out)
{
	for (size_t i = 0; i < sizeof gpt_presets / sizeof gpt_presets[0]; i++) {
		if (strcmp(gpt_presets[i].name, name) == 0) {
			*out = gpt_presets[i].cfg;
			return 0;
		}
	}
	return -1;
}

int gpt_config_check(const struct gpt_config *c, struct tt_err *err)
{
	const char *bad = NULL;

	if (c->vocab == 0 || c->vocab > INT32_MAX / 2)
		bad = "vocab must be in [1, 2^30]";
	else if (c->ctx == 0 || c->ctx > 1u << 20)
		bad = "ctx must be in [1, 2^20]";
	else if (c->dim == 0 || c->dim > GPT_MAX_DIM)
		bad = "dim must be in [1, 65536]";
	else if (c->layers == 0 || c->layers > GPT_MAX_LAYERS)
		bad = "layers must be in [1, 1024]";
	else if (c->heads == 0 || c->dim % c->heads != 0)
		bad = "heads must divide dim";
	else if (c->nlabels > 1u << 20)
		bad = "nlabels must be at most 2^20";
	else if (!(c->dropout >= 0.0f && c->dropout < 1.0f))
		bad = "dropout must be in [0, 1)";
	if (bad) {
		tt_err_set(err, "gpt", 0, 0, "bad configuration: %s", bad);
		return -1;
	}
	return 0;
}

static size_t align_up(size_t n)
{
	return (n + GPT_ALIGN_FLOATS - 1) / GPT_ALIGN_FLOATS * GPT_ALIGN_FLOATS;
}

/* The views of a configuration, in arena order: name, rows, cols (0 = 1-D). */
struct view_spec {
	char name[GPT_NAME_MAX];
	uint32_t rows, cols;
};

static void add_spec(struct view_spec *out, size_t *n, const char *name, uint32_t rows,
		     uint32_t cols)
{
	if (out) {
		snprintf(out[*n].name, GPT_NAME_MAX, "%s", name);
		out[*n].rows = rows;
		out[*n].cols = cols;
	}
	(*n)++;
}

static size_t view_specs(const struct gpt_config *c, struct view_spec *out)
{
	size_t n = 0;
	uint32_t C = c->dim;

	add_spec(out, &n, "wte.weight", c->vocab, C);
	add_spec(out, &n, "wpe.weight", c->ctx, C);
	for (uint32_t l = 0; l < c->layers; l++) {
		static const struct {
			const char *suffix;
			uint32_t rows_c, cols_c; /* multiples of C; cols 0 = 1-D */
		} layer[] = {
			{"ln_1.weight", 1, 0}, {"ln_1.bias", 1, 0},
			{"attn.c_attn.weight", 1, 3}, {"attn.c_attn.bias", 3, 0},
			{"attn.c_proj.weight", 1, 1}, {"attn.c_proj.bias", 1, 0},
			{"ln_2.weight", 1, 0}, {"ln_2.bias", 1, 0},
			{"mlp.c_fc.weight", 1, 4}, {"mlp.c_fc.bias", 4, 0},
			{"mlp.c_proj.weight", 4, 1}, {"mlp.c_proj.bias", 1, 0},
		};
		for (size_t i = 0; i < sizeof layer / sizeof layer[0]; i++) {
			char nm[GPT_NAME_MAX];

			snprintf(nm, sizeof nm, "h.%u.%s", l, layer[i].suffix);
			add_spec(out, &n, nm, layer[i].rows_c * C, layer[i].cols_c * C);
		}
	}
	add_spec(out, &n, "ln_f.weight", C, 0);
	add_spec(out, &n, "ln_f.bias", C, 0);
	if (c->nlabels > 0)
		add_spec(out, &n, "score.weight", c->nlabels, C);
	return n;
}

size_t gpt_config_nparams(const struct gpt_config *c)
{
	size_t C = c->dim, L = c->layers;

	return (size_t)c->vocab * C + (size_t)c->ctx * C + L * (12 * C * C + 13 * C) + 2 * C +
	       (size_t)c->nlabels * C;
}

/* A zeroed float array, 2 MB aligned and huge-page advised when large. */
static float *arena_alloc(size_t n)
{
	size_t bytes = n * sizeof(float);
	size_t align = bytes >= (4u << 20) ? (2u << 20) : 64;
	size_t rounded = (bytes + align - 1) / align * align;
	void *p = aligned_alloc(align, rounded ? rounded : align);

	if (!p)
		tt_fatal("out of memory (%zu bytes for the GPT arenas)", rounded);
	if (align > 64)
		madvise(p, rounded, MADV_HUGEPAGE);
	memset(p, 0, rounded);
	return p;
}

/* Point a struct gpt_params at the views' data (grad: the gradients). */
static void point_params(struct gpt *g, struct gpt_params *p, int grad)
{
	size_t v = 0;

	p->wte = grad ? g->views[v].grad : g->views[v].data;
	v++;
	p->wpe = grad ? g->views[v].grad : g->views[v].data;
	v++;
	free(p->h);
	p->h = tt_xcalloc(g->cfg.layers, sizeof *p->h);
	for (uint32_t l = 0; l < g->cfg.layers; l++) {
		float **f[] = {&p->h[l].ln1w, &p->h[l].ln1b, &p->h[l].qkvw, &p->h[l].qkvb,
			       &p->h[l].attprojw, &p->h[l].attprojb, &p->h[l].ln2w, &p->h[l].ln2b,
			       &p->h[l].fcw, &p->h[l].fcb, &p->h[l].fcprojw, &p->h[l].fcprojb};

		for (size_t i = 0; i < sizeof f / sizeof f[0]; i++, v++)
			*f[i] = grad ? g->views[v].grad : g->views[v].data;
	}
	p->lnfw = grad ? g->views[v].grad : g->views[v].data;
	v++;
	p->lnfb = grad ? g->views[v].grad : g->views[v].data;
	v++;
	p->score = g->cfg.nlabels ? (grad ? g->views[v].grad : g->views[v].data) : NULL;
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Standard normal (Box-Muller, one of the pair). */
static float randn(uint64_t *s)
{
	double u1 = ((double)(splitmix(s) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (double)(splitmix(s) >> 11) / 9007199254740992.0;

	return (float)(sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2));
}

static void init_weights(struct gpt *g, uint64_t seed)
{
	uint64_t s = seed;
	float proj_std = 0.02f / sqrtf(2.0f * (float)g->cfg.layers);

	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];
		const char *dot = strrchr(v->name, '.');
		int is_ln = strstr(v->name, "ln_") != NULL;

		if (is_ln && strcmp(dot, ".weight") == 0) {
			for (size_t j = 0; j < v->numel; j++)
				v->data[j] = 1.0f;
		} else if (v->ndim == 2) {
			float std = strstr(v->name, "c_proj.weight") ? proj_std : 0.02f;

			for (size_t j = 0; j < v->numel; j++)
				v->data[j] = std * randn(&s);
		}
		/* biases stay 0 */
	}
}

/* gpt_create, or with grads false a model for inference (every view
 * frozen); with init false the weights stay zero (a loader fills them). */
static struct gpt *gpt_new(const struct gpt_config *c, uint64_t seed, bool grads, bool init,
			   struct tt_err *err)
{
	if (gpt_config_check(c, err) < 0)
		return NULL;
	struct gpt *g = tt_xcalloc(1, sizeof *g);
	size_t n = view_specs(c, NULL);
	struct view_spec *specs = tt_xcalloc(n, sizeof *specs);
	size_t total = 0;

	g->cfg = *c;
	view_specs(c, specs);
	g->views = tt_xcalloc(n, sizeof *g->views);
	g->nviews = n;
	for (size_t i = 0; i < n; i++) {
		struct gpt_view *v = &g->views[i];

		memcpy(v->name, specs[i].name, GPT_NAME_MAX);
		v->ndim = specs[i].cols ? 2 : 1;
		v->shape[0] = specs[i].rows;
		v->shape[1] = specs[i].cols ? specs[i].cols : 1;
		v->numel = (size_t)v->shape[0] * v->shape[1];
		total += align_up(v->numel);
	}
	free(specs);
	g->nparams = total;
	g->nbase_views = n;
	g->loss_weight = 1.0f;
	g->params = arena_alloc(total);
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		g->views[i].data = g->params + off;
		g->views[i].trainable = grads;
		off += align_up(g->views[i].numel);
	}
	point_params(g, &g->p, 0);
	gpt_grad_alloc(g);
	if (init)
		init_weights(g, seed);
	return g;
}

struct gpt *gpt_create(const struct gpt_config *c, uint64_t seed, struct tt_err *err)
{
	return gpt_new(c, seed, true, true, err);
}

struct gpt *gpt_create_frozen(const struct gpt_config *c, uint64_t seed, struct tt_err *err)
{
	return gpt_new(c, seed, false, true, err);
}

struct gpt *gpt_create_empty(const struct gpt_config *c, bool trainable, struct tt_err *err)
{
	return gpt_new(c, 0, trainable, false, err);
}

void gpt_destroy(struct gpt *g)
{
	if (!g)
		return;
	gpt_lora_free(g);
	free(g->params);
	free(g->grads);
	free(g->acts_mem);
	free(g->p.h);
	free(g->g.h);
	free(g->views);
	free(g->tokens);
	free(g->targets);
	free(g->lengths);
	free(g);
}

const struct gpt_view *gpt_find_view(const struct gpt *g, const char *name)
{
	for (size_t i = 0; i < g->nviews; i++)
		if (strcmp(g->views[i].name, name) == 0)
			return &g->views[i];
	return NULL;
}

/* Lay out the activations for Bmax x Tmax; with base NULL only count. */
static size_t layout_acts(struct gpt *g, float *base)
{
	size_t C = g->cfg.dim, L = g->cfg.layers, NH = g->cfg.heads;
	size_t V = g->cfg.vocab, K = g->cfg.nlabels;
	size_t N = (size_t)g->Bmax * g->Tmax, TT = (size_t)g->Tmax * g->Tmax;
	struct gpt_acts *a = &g->a;
	size_t LS = L;  /* layers stored: with checkpointing one slot (res3 keeps L) */

	if (g->checkpoint)
		L = 1;
	struct {
		float **p;
		size_t n;
	} t[] = {
		{&a->encoded, N * C}, {&a->ln1, L * N * C}, {&a->ln1_mean, L * N},
		{&a->ln1_rstd, L * N}, {&a->qkv, L * N * 3 * C}, {&a->att, L * g->Bmax * NH * TT},
		{&a->atty, L * N * C}, {&a->res2, L * N * C}, {&a->ln2, L * N * C},
		{&a->ln2_mean, L * N}, {&a->ln2_rstd, L * N}, {&a->fch, L * N * 4 * C},
		{&a->fch_gelu, L * N * 4 * C}, {&a->res3, LS * N * C}, {&a->lnf, N * C},
		{&a->lnf_mean, N}, {&a->lnf_rstd, N}, {&a->logits, N * V}, {&a->lse, N},
		{&a->pooled, g->Bmax * C}, {&a->cls_logits, g->Bmax * (K ? K : 1)},
		{&a->cls_lse, g->Bmax}, {&a->dres, N * C}, {&a->dln, N * C}, {&a->datty, N * C},
		{&a->dqkv, N * 3 * C}, {&a->dfch, N * 4 * C}, {&a->dfch_gelu, N * 4 * C},
		{&a->tmp, N * C}, {&a->head, 2 * TT},
	};
	size_t off = 0;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (base)
			*t[i].p = base + off;
		off += align_up(t[i].n);
	}
	return off;
}

int gpt_reserve(struct gpt *g, uint32_t B, uint32_t T, struct tt_err *err)
{
	if (B == 0 || T == 0 || T > g->cfg.ctx) {
		tt_err_set(err, "gpt", 0, 0, "cannot reserve %u sequences of %u tokens (ctx %u)", B,
			   T, g->cfg.ctx);
		return -1;
	}
	if (B <= g->Bmax && T <= g->Tmax)
		return 0;
	free(g->acts_mem);
	free(g->tokens);
	free(g->targets);
	free(g->lengths);
	g->Bmax = B;
	g->Tmax = T;
	g->nacts = layout_acts(g, NULL);
	g->acts_mem = arena_alloc(g->nacts);
	layout_acts(g, g->acts_mem);
	g->tokens = tt_xcalloc((size_t)B * T, sizeof *g->tokens);
	g->targets = tt_xcalloc((size_t)B * T, sizeof *g->targets);
	g->lengths = tt_xcalloc(B, sizeof *g->lengths);
	g->mode = GPT_MODE_NONE;
	gpt_lora_reserve(g);
	return 0;
}

void gpt_set_checkpointing(struct gpt *g, bool on)
{
	uint32_t B = g->Bmax;

	if (g->checkpoint == on)
		return;
	g->checkpoint = on;
	if (B == 0)
		return;
	free(g->acts_mem);
	g->nacts = layout_acts(g, NULL);
	g->acts_mem = arena_alloc(g->nacts);
	layout_acts(g, g->acts_mem);
	g->mode = GPT_MODE_NONE;
	gpt_lora_reserve(g);
}

size_t gpt_act_bytes(const struct gpt *g)
{
	return g->nacts * sizeof(float) + gpt_lora_act_bytes(g);
}

void gpt_grad_alloc(struct gpt *g)
{
	size_t total = 0, off = 0;

	for (size_t i = 0; i < g->nviews; i++)
		if (g->views[i].trainable)
			total += align_up(g->views[i].numel);
	free(g->grads);
	g->grads = arena_alloc(total);
	g->ngrads = total;
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];

		v->grad = v->trainable ? g->grads + off : NULL;
		if (v->trainable)
			off += align_up(v->numel);
	}
	point_params(g, &g->g, 1);
}

int gpt_set_trainable(struct gpt *g, const char *name, bool on, struct tt_err *err)
{
	for (size_t i = 0; i < g->nviews; i++) {
		if (strcmp(g->views[i].name, name) == 0) {
			g->views[i].trainable = on;
			return 0;
		}
	}
	tt_err_set(err, "gpt", 0, 0, "no tensor %s in the model", name);
	return -1;
}

/* The block a base view belongs to, or -1 (embeddings, ln_f, score). */
static long view_layer(const struct gpt_view *v)
{
	return strncmp(v->name, "h.", 2) == 0 ? strtol(v->name + 2, NULL, 10) : -1;
}

int gpt_freeze_layers(struct gpt *g, uint32_t k, struct tt_err *err)
{
	if (k > g->cfg.layers) {
		tt_err_set(err, "gpt", 0, 0, "cannot freeze %u blocks of a model with %u", k,
			   g->cfg.layers);
		return -1;
	}
	for (size_t i = 0; i < g->nbase_views; i++) {
		struct gpt_view *v = &g->views[i];
		long l = view_layer(v);
		bool emb = strcmp(v->name, "wte.weight") == 0 || strcmp(v->name, "wpe.weight") == 0;

		v->trainable = k == 0 || !(emb || (l >= 0 && (uint32_t)l < k));
	}
	gpt_grad_alloc(g);
	return 0;
}

int gpt_freeze_body(struct gpt *g, struct tt_err *err)
{
	if (g->cfg.nlabels == 0) {
		tt_err_set(err, "gpt", 0, 0, "the model has no classification head to train alone "
			   "(a language model's head is tied to wte)");
		return -1;
	}
	for (size_t i = 0; i < g->nbase_views; i++)
		g->views[i].trainable = strcmp(g->views[i].name, "score.weight") == 0;
	gpt_grad_alloc(g);
	return 0;
}

size_t gpt_trainable_params(const struct gpt *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nviews; i++)
		if (g->views[i].trainable)
			n += g->views[i].numel;
	return n;
}

size_t gpt_total_params(const struct gpt *g)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nviews; i++)
		n += g->views[i].numel;
	return n;
}

void gpt_set_training(struct gpt *g, bool training, uint64_t seed)
{
	g->training = training;
	g->seed = seed;
}

void gpt_zero_grad(struct gpt *g)
{
	memset(g->grads, 0, g->ngrads * sizeof(float));
}
