/*
 * gpt-lora.c - LoRA adapters on the GPT-2 transformer: adding them as
 * views, their forward and backward, merging. Shapes and equations are in
 * gpt-lora.h; files in gpt-lora-io.c.
 *
 * Backward of y += s u B^T with u = drop(x) A^T (d = dy):
 *   dB += s d^T u            [out, r]
 *   du  = s d B              [N, r]
 *   dA += du^T drop(x)       [r, in]   (drop(x) recomputed from x: the
 *                                       mask is a function of the seed)
 *   dx += drop(du A)         [N, in]
 * u is kept per layer and target (one slot per target under gradient
 * checkpointing, when the block's forward runs again before its backward).
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-layers.h"
#include "tunetop/gpt-lora.h"

struct gpt_lora {
	struct gpt_lora_config cfg;
	float scale;              /* alpha / r */
	float *mem;               /* A and B of every adapter */
	size_t *ia, *ib;          /* [L * NT] view indices; SIZE_MAX: no adapter */
	float *u;                 /* [slots * NT, Nmax, r] */
	float *scratch;           /* [Nmax, 4C] drop(x), then d drop(x) */
	float *du;                /* [Nmax, r] */
	size_t nbuf;              /* floats in u + scratch + du */
	bool merged;
};

static const char *const target_names[GPT_LORA_NT] = {"c_attn", "attn.c_proj", "mlp.c_fc",
						      "mlp.c_proj"};
/* Where each target sits in a block (its full module path). */
static const char *const target_paths[GPT_LORA_NT] = {"attn.c_attn", "attn.c_proj", "mlp.c_fc",
						      "mlp.c_proj"};

const char *gpt_lora_target_name(int t)
{
	return t >= 0 && t < GPT_LORA_NT ? target_names[t] : "?";
}

int gpt_lora_parse_targets(const char *list, unsigned *out, struct tt_err *err)
{
	const char *p = list;

	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ", ");
		int found = 0;

		if (n == 0) {
			p++;
			continue;
		}
		for (int t = 0; t < GPT_LORA_NT; t++) {
			const char *nm = target_names[t];

			if ((strlen(nm) == n && strncmp(nm, p, n) == 0) ||
			    (n == 6 && strncmp(p, "c_proj", 6) == 0 && strstr(nm, "c_proj"))) {
				*out |= 1u << t;
				found = 1;
			}
		}
		if (!found) {
			char *raw = tt_xprintf("%.*s", (int)n, p);
			char *bad = tt_esc_dup(raw);

			free(raw);

			tt_err_set(err, NULL, 0, 0, "unknown LoRA target '%s' (expected c_attn, "
				   "attn.c_proj, mlp.c_fc or mlp.c_proj)", bad);
			free(bad);
			return -1;
		}
		p += n;
	}
	if (*out == 0) {
		tt_err_set(err, NULL, 0, 0, "no LoRA target given");
		return -1;
	}
	return 0;
}

/* Input and output width of target t. */
static void target_dims(const struct gpt *g, int t, uint32_t *in, uint32_t *out)
{
	uint32_t C = g->cfg.dim;
	static const uint32_t mi[GPT_LORA_NT] = {1, 1, 1, 4}, mo[GPT_LORA_NT] = {3, 1, 4, 1};

	*in = mi[t] * C;
	*out = mo[t] * C;
}

/* The base weight [in, out] of layer l's target t. */
static float *target_weight(struct gpt *g, uint32_t l, int t)
{
	struct gpt_layer *w = &g->p.h[l];
	float *ws[GPT_LORA_NT] = {w->qkvw, w->attprojw, w->fcw, w->fcprojw};

	return ws[t];
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int check_config(const struct gpt *g, const struct gpt_lora_config *c,
			struct tt_err *err)
{
	const char *bad = NULL;

	if (g->lora)
		bad = "the model already has LoRA adapters";
	else if (c->r == 0 || c->r > g->cfg.dim)
		bad = "lora_rank must be in [1, dim]";
	else if (!(c->alpha > 0.0f) || !isfinite(c->alpha))
		bad = "lora_alpha must be positive";
	else if (!(c->dropout >= 0.0f && c->dropout < 1.0f))
		bad = "lora_dropout must be in [0, 1)";
	else if (c->targets == 0 || c->targets >= 1u << GPT_LORA_NT)
		bad = "lora_targets must name at least one of c_attn, attn.c_proj, mlp.c_fc, "
		      "mlp.c_proj";
	if (bad) {
		tt_err_set(err, NULL, 0, 0, "%s", bad);
		return -1;
	}
	return 0;
}

int gpt_lora_add(struct gpt *g, const struct gpt_lora_config *c, uint64_t seed,
		 struct tt_err *err)
{
	uint32_t L = g->cfg.layers, r = c->r;
	size_t total = 0, nadd = 0;

	if (check_config(g, c, err) < 0)
		return -1;
	struct gpt_lora *lo = tt_xcalloc(1, sizeof *lo);

	lo->cfg = *c;
	lo->scale = c->alpha / (float)c->r;
	lo->ia = tt_xcalloc((size_t)L * GPT_LORA_NT, sizeof *lo->ia);
	lo->ib = tt_xcalloc((size_t)L * GPT_LORA_NT, sizeof *lo->ib);
	for (int t = 0; t < GPT_LORA_NT; t++) {
		uint32_t in, out;

		if (!(c->targets & (1u << t)))
			continue;
		target_dims(g, t, &in, &out);
		/* 16-float aligned, as the base arena */
		total += L * (((size_t)r * in + 15) / 16 * 16 + ((size_t)out * r + 15) / 16 * 16);
		nadd += 2 * L;
	}
	lo->mem = tt_xcalloc(total ? total : 1, sizeof *lo->mem);
	g->views = tt_xrealloc(g->views, (g->nviews + nadd) * sizeof *g->views);
	size_t off = 0, v = g->nviews;
	uint64_t s = seed ^ 0x6c6f7261ULL;

	for (uint32_t l = 0; l < L; l++) {
		for (int t = 0; t < GPT_LORA_NT; t++) {
			size_t k = (size_t)l * GPT_LORA_NT + t;
			uint32_t in, out;

			lo->ia[k] = lo->ib[k] = SIZE_MAX;
			if (!(c->targets & (1u << t)))
				continue;
			target_dims(g, t, &in, &out);
			for (int ab = 0; ab < 2; ab++) {
				struct gpt_view *gv = &g->views[v];

				memset(gv, 0, sizeof *gv);
				snprintf(gv->name, GPT_NAME_MAX, "h.%u.%s.lora_%c.weight", l,
					 target_paths[t], ab ? 'B' : 'A');
				gv->ndim = 2;
				gv->shape[0] = ab ? out : r;
				gv->shape[1] = ab ? r : in;
				gv->numel = (size_t)gv->shape[0] * gv->shape[1];
				gv->data = lo->mem + off;
				gv->trainable = true;
				gv->lora = true;
				off += (gv->numel + 15) / 16 * 16;
				if (ab) {
					lo->ib[k] = v;  /* B stays zero */
				} else {
					float bound = 1.0f / sqrtf((float)in);

					lo->ia[k] = v;
					for (size_t j = 0; j < gv->numel; j++)
						gv->data[j] = bound * (float)((double)(splitmix(&s) >> 11) /
							       4503599627370496.0 - 1.0);
				}
				v++;
			}
		}
	}
	g->nviews = v;
	g->lora = lo;
	for (size_t i = 0; i < g->nbase_views; i++)
		g->views[i].trainable = strcmp(g->views[i].name, "score.weight") == 0;
	gpt_grad_alloc(g);
	gpt_lora_reserve(g);
	return 0;
}

const struct gpt_lora_config *gpt_lora_config_of(const struct gpt *g)
{
	return g->lora ? &g->lora->cfg : NULL;
}

void gpt_lora_free(struct gpt *g)
{
	struct gpt_lora *lo = g->lora;

	if (!lo)
		return;
	free(lo->mem);
	free(lo->ia);
	free(lo->ib);
	free(lo->u);
	free(lo->scratch);
	free(lo->du);
	free(lo);
	g->lora = NULL;
}

void gpt_lora_remove(struct gpt *g)
{
	if (!g->lora)
		return;
	gpt_lora_unmerge(g);
	gpt_lora_free(g);
	g->nviews = g->nbase_views;
	for (size_t i = 0; i < g->nviews; i++)
		g->views[i].trainable = true;
	gpt_grad_alloc(g);
}

void gpt_lora_reserve(struct gpt *g)
{
	struct gpt_lora *lo = g->lora;

	if (!lo || g->Bmax == 0)
		return;
	size_t N = (size_t)g->Bmax * g->Tmax, r = lo->cfg.r;
	size_t slots = g->checkpoint ? 1 : g->cfg.layers;

	free(lo->u);
	free(lo->scratch);
	free(lo->du);
	lo->u = tt_xcalloc(slots * GPT_LORA_NT * N * r, sizeof *lo->u);
	lo->scratch = tt_xcalloc(N * 4 * g->cfg.dim, sizeof *lo->scratch);
	lo->du = tt_xcalloc(N * r, sizeof *lo->du);
	lo->nbuf = slots * GPT_LORA_NT * N * r + N * 4 * g->cfg.dim + N * r;
}

size_t gpt_lora_act_bytes(const struct gpt *g)
{
	return g->lora ? g->lora->nbuf * sizeof(float) : 0;
}

static float drop_p(const struct gpt *g)
{
	return g->training ? g->lora->cfg.dropout : 0.0f;
}

static uint64_t stream(uint32_t l, int t)
{
	return (1ULL << 32) + 4ULL * l + (uint64_t)t;
}

static float *u_slot(const struct gpt *g, uint32_t l, int t)
{
	size_t N = (size_t)g->Bmax * g->Tmax, r = g->lora->cfg.r;
	size_t slot = g->checkpoint ? 0 : l;

	return g->lora->u + (slot * GPT_LORA_NT + (size_t)t) * N * r;
}

/* drop(inp) [N, in]: inp itself without dropout, else in the scratch. */
static const float *dropped(struct gpt *g, uint32_t l, int t, const float *inp, size_t n)
{
	float p = drop_p(g);

	if (p <= 0.0f)
		return inp;
	memcpy(g->lora->scratch, inp, n * sizeof *inp);
	gpt_dropout(g->lora->scratch, n, p, g->seed, stream(l, t));
	return g->lora->scratch;
}

void gpt_lora_forward(struct gpt *g, uint32_t l, int t, float *out, const float *inp, size_t N)
{
	struct gpt_lora *lo = g->lora;

	if (!lo || lo->merged || lo->ia[(size_t)l * GPT_LORA_NT + t] == SIZE_MAX)
		return;
	size_t k = (size_t)l * GPT_LORA_NT + t;
	const float *A = g->views[lo->ia[k]].data, *B = g->views[lo->ib[k]].data;
	int r = (int)lo->cfg.r;
	uint32_t in, od;

	target_dims(g, t, &in, &od);
	const float *x = dropped(g, l, t, inp, N * in);
	float *u = u_slot(g, l, t);

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, r, (int)in, 1.0f, x, (int)in,
		    A, (int)in, 0.0f, u, r);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)od, r, lo->scale, u, r, B,
		    r, 1.0f, out, (int)od);
}

void gpt_lora_backward(struct gpt *g, uint32_t l, int t, float *dinp, const float *dout,
		       const float *inp, size_t N)
{
	struct gpt_lora *lo = g->lora;

	if (!lo || lo->merged || lo->ia[(size_t)l * GPT_LORA_NT + t] == SIZE_MAX)
		return;
	size_t k = (size_t)l * GPT_LORA_NT + t;
	const struct gpt_view *va = &g->views[lo->ia[k]], *vb = &g->views[lo->ib[k]];
	int r = (int)lo->cfg.r;
	uint32_t in, od;
	float *u = u_slot(g, l, t), *du = lo->du;

	target_dims(g, t, &in, &od);
	if (vb->grad)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)od, r, (int)N, lo->scale,
			    dout, (int)od, u, r, 1.0f, vb->grad, r);
	if (!va->grad && !dinp)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, r, (int)od, lo->scale, dout,
		    (int)od, vb->data, r, 0.0f, du, r);
	if (va->grad) {
		const float *x = dropped(g, l, t, inp, N * in);

		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r, (int)in, (int)N, 1.0f, du, r,
			    x, (int)in, 1.0f, va->grad, (int)in);
	}
	if (!dinp)
		return;
	if (drop_p(g) <= 0.0f) {
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)in, r, 1.0f, du, r,
			    va->data, (int)in, 1.0f, dinp, (int)in);
		return;
	}
	float *dx = lo->scratch;

	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)in, r, 1.0f, du, r,
		    va->data, (int)in, 0.0f, dx, (int)in);
	gpt_dropout(dx, N * in, drop_p(g), g->seed, stream(l, t));
	for (size_t i = 0; i < N * in; i++)
		dinp[i] += dx[i];
}

int gpt_lora_layer_trainable(const struct gpt *g, uint32_t l)
{
	const struct gpt_lora *lo = g->lora;

	if (!lo || lo->merged)
		return 0;
	for (int t = 0; t < GPT_LORA_NT; t++) {
		size_t k = (size_t)l * GPT_LORA_NT + t;

		if (lo->ia[k] != SIZE_MAX &&
		    (g->views[lo->ia[k]].grad || g->views[lo->ib[k]].grad))
			return 1;
	}
	return 0;
}

/* W [in, out] += sign s (B A)^T = sign s A^T B^T for every adapter. */
static void fold(struct gpt *g, float sign)
{
	struct gpt_lora *lo = g->lora;
	int r = (int)lo->cfg.r;

	for (uint32_t l = 0; l < g->cfg.layers; l++) {
		for (int t = 0; t < GPT_LORA_NT; t++) {
			size_t k = (size_t)l * GPT_LORA_NT + t;
			uint32_t in, od;

			if (lo->ia[k] == SIZE_MAX)
				continue;
			target_dims(g, t, &in, &od);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasTrans, (int)in, (int)od, r,
				    sign * lo->scale, g->views[lo->ia[k]].data, (int)in,
				    g->views[lo->ib[k]].data, r, 1.0f, target_weight(g, l, t), (int)od);
		}
	}
}

void gpt_lora_merge(struct gpt *g)
{
	if (!g->lora || g->lora->merged)
		return;
	fold(g, 1.0f);
	g->lora->merged = true;
}

void gpt_lora_fold_into(const struct gpt *src, struct gpt *dst)
{
	const struct gpt_lora *lo = src->lora;
	int r;

	if (lo == NULL || lo->merged)
		return;
	r = (int)lo->cfg.r;
	for (uint32_t l = 0; l < src->cfg.layers; l++) {
		for (int t = 0; t < GPT_LORA_NT; t++) {
			size_t k = (size_t)l * GPT_LORA_NT + t;
			uint32_t in, od;

			if (lo->ia[k] == SIZE_MAX)
				continue;
			target_dims(src, t, &in, &od);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasTrans, (int)in, (int)od, r,
				    lo->scale, src->views[lo->ia[k]].data, (int)in,
				    src->views[lo->ib[k]].data, r, 1.0f, target_weight(dst, l, t),
				    (int)od);
		}
	}
}

void gpt_lora_unmerge(struct gpt *g)
{
	if (!g->lora || !g->lora->merged)
		return;
	fold(g, -1.0f);
	g->lora->merged = false;
}
