/*
 * gpt-generate.c - incremental decoding with a key/value cache, sampling,
 * and the generation loop (gpt-generate.h).
 *
 * Design note
 * -----------
 * A causal transformer's row t depends only on rows 0..t, and of those
 * only through their keys and values in each layer. So the cache keeps
 * K and V of every layer for the positions fed so far, and feeding n new
 * tokens at positions p0 .. p0+n-1 runs the block on those n rows only:
 *
 *   x    = wte[tok] + wpe[p0 + i]                        [n, C]
 *   qkv  = ln_1(x) c_attn            K[p0+i] = k_i, V[p0+i] = v_i
 *   y_h  = softmax(scale q_h K_h^T, causal: j <= p0+i) V_h   per head
 *   x   += y c_proj;  x += gelu(ln_2(x) c_fc) c_proj
 *   logits = ln_f(x) wte^T
 *
 * with the layer kernels of gpt-layers.h (layer norm, GELU, the linear
 * layers through sgemm). K and V are [cap, C] per layer with the heads side
 * by side, as qkv holds them, so a head's keys are a strided view (leading
 * dimension C) and attention is two products per head. One token (n == 1)
 * makes every product a matrix-vector one: sgemv then, which is what
 * decoding is bound by (one pass over the weights per token).
 *
 * The order of the sums differs from gpt_forward's (other product shapes),
 * so the logits agree to rounding (test-gpt-generate.c: 1e-5), not bits.
 *
 * Sampling: greedy is the first largest logit (torch.argmax's choice);
 * otherwise softmax(logits / T) over the top k (a quickselect finds the
 * k-th largest; ties with it are kept), drawn with splitmix64, so a seed
 * replays a sample exactly.
 */
#include <cblas.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-generate.h"
#include "tunetop/gpt-layers.h"
#include "tunetop/gpt-lora.h"

int gpt_kv_init(struct gpt_kv *kv, const struct gpt *g, uint32_t positions, struct tt_err *err)
{
	size_t C = g->cfg.dim, L = g->cfg.layers, P = positions;

	memset(kv, 0, sizeof *kv);
	if (positions == 0 || positions > g->cfg.ctx) {
		tt_err_set(err, "gpt", 0, 0, "a cache of %u positions: expected 1..%u (the context)",
			   positions, g->cfg.ctx);
		return -1;
	}
	kv->cap = positions;
	kv->L = (uint32_t)L;
	kv->C = (uint32_t)C;
	kv->k = tt_xmalloc(L * P * C * sizeof(float));
	kv->v = tt_xmalloc(L * P * C * sizeof(float));
	kv->x = tt_xmalloc(P * C * sizeof(float));
	kv->ln = tt_xmalloc(P * C * sizeof(float));
	kv->qkv = tt_xmalloc(P * 3 * C * sizeof(float));
	kv->atty = tt_xmalloc(P * C * sizeof(float));
	kv->tmp = tt_xmalloc(P * C * sizeof(float));
	kv->fch = tt_xmalloc(P * 4 * C * sizeof(float));
	kv->att = tt_xmalloc(P * P * sizeof(float));
	kv->mean = tt_xmalloc(P * sizeof(float));
	kv->rstd = tt_xmalloc(P * sizeof(float));
	return 0;
}

void gpt_kv_fini(struct gpt_kv *kv)
{
	free(kv->k);
	free(kv->v);
	free(kv->x);
	free(kv->ln);
	free(kv->qkv);
	free(kv->atty);
	free(kv->tmp);
	free(kv->fch);
	free(kv->att);
	free(kv->mean);
	free(kv->rstd);
	memset(kv, 0, sizeof *kv);
}

void gpt_kv_reset(struct gpt_kv *kv)
{
	kv->n = 0;
}

/* out [N,OC] = inp [N,C] w [C,OC] + bias: a matrix-vector product for one row. */
static void kv_linear(float *out, const float *inp, const float *w, const float *bias, size_t N,
		      uint32_t C, uint32_t OC)
{
	if (N != 1) {
		gpt_matmul_forward(out, inp, w, bias, N, C, OC);
		return;
	}
	memcpy(out, bias, OC * sizeof(float));
	cblas_sgemv(CblasRowMajor, CblasTrans, (int)C, (int)OC, 1.0f, w, (int)OC, inp, 1, 1.0f, out,
		    1);
}

/* Softmax of row[0..len) in place; row[len..width) set to 0. */
static void kv_softmax(float *row, uint32_t len, uint32_t width)
{
	float max = row[0], sum = 0.0f;

	for (uint32_t j = 1; j < len; j++)
		max = row[j] > max ? row[j] : max;
	for (uint32_t j = 0; j < len; j++) {
		row[j] = expf(row[j] - max);
		sum += row[j];
	}
	for (uint32_t j = 0; j < len; j++)
		row[j] /= sum;
	for (uint32_t j = len; j < width; j++)
		row[j] = 0.0f;
}

/*
 * Attention of the n rows of kv->qkv (positions p0..p0+n-1) over the
 * cache's K and V of one layer (positions 0..p0+n-1), into kv->atty.
 */
static void kv_attention(struct gpt_kv *kv, const float *K, const float *V, uint32_t p0,
			 uint32_t n, uint32_t NH)
{
	uint32_t C = kv->C, hs = C / NH, C3 = 3 * C, total = p0 + n;
	float scale = 1.0f / sqrtf((float)hs);

	for (uint32_t h = 0; h < NH; h++) {
		const float *q = kv->qkv + h * hs;
		const float *kh = K + h * hs, *vh = V + h * hs;
		float *y = kv->atty + h * hs;

		if (n == 1) {
			cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)total, (int)hs, scale, kh,
				    (int)C, q, 1, 0.0f, kv->att, 1);
			kv_softmax(kv->att, total, total);
			cblas_sgemv(CblasRowMajor, CblasTrans, (int)total, (int)hs, 1.0f, vh, (int)C,
				    kv->att, 1, 0.0f, y, 1);
			continue;
		}
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)total, (int)hs,
			    scale, q, (int)C3, kh, (int)C, 0.0f, kv->att, (int)total);
		for (uint32_t i = 0; i < n; i++)
			kv_softmax(kv->att + (size_t)i * total, p0 + i + 1, total);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)hs, (int)total,
			    1.0f, kv->att, (int)total, vh, (int)C, 0.0f, y, (int)C);
	}
}

/* One block on the n rows of kv->x, layer l, positions p0.. */
static void kv_block(struct gpt_kv *kv, const struct gpt *g, uint32_t l, uint32_t p0, uint32_t n)
{
	const struct gpt_layer *w = &g->p.h[l];
	uint32_t C = kv->C;
	size_t N = n, off = (size_t)l * kv->cap * C;
	float *K = kv->k + off, *V = kv->v + off;

	gpt_layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x, w->ln1w, w->ln1b, N, C);
	kv_linear(kv->qkv, kv->ln, w->qkvw, w->qkvb, N, C, 3 * C);
	for (uint32_t i = 0; i < n; i++) {
		const float *row = kv->qkv + (size_t)i * 3 * C;

		memcpy(K + (size_t)(p0 + i) * C, row + C, C * sizeof(float));
		memcpy(V + (size_t)(p0 + i) * C, row + 2 * C, C * sizeof(float));
	}
	kv_attention(kv, K, V, p0, n, g->cfg.heads);
	kv_linear(kv->tmp, kv->atty, w->attprojw, w->attprojb, N, C, C);
	gpt_residual_forward(kv->x, kv->x, kv->tmp, N * C);
	gpt_layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x, w->ln2w, w->ln2b, N, C);
	kv_linear(kv->fch, kv->ln, w->fcw, w->fcb, N, C, 4 * C);
	gpt_gelu_forward(kv->fch, kv->fch, N * 4 * C);
	kv_linear(kv->tmp, kv->fch, w->fcprojw, w->fcprojb, N, 4 * C, C);
	gpt_residual_forward(kv->x, kv->x, kv->tmp, N * C);
}

int gpt_kv_forward(struct gpt_kv *kv, const struct gpt *g, const int32_t *tokens, uint32_t n,
		   float *logits, bool all, struct tt_err *err)
{
	uint32_t C = kv->C, V = g->cfg.vocab, p0 = kv->n;

	if (kv->C != g->cfg.dim || kv->L != g->cfg.layers) {
		tt_err_set(err, "gpt", 0, 0, "the cache was made for another model");
		return -1;
	}
	if (n == 0 || n > kv->cap - p0) {
		tt_err_set(err, "gpt", 0, 0, "%u tokens after %u do not fit a cache of %u positions",
			   n, p0, kv->cap);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (tokens[i] < 0 || (uint32_t)tokens[i] >= V) {
			tt_err_set(err, "gpt", 0, 0, "token %d at position %u is outside [0, %u)",
				   tokens[i], i, V);
			return -1;
		}
	}
	for (uint32_t i = 0; i < n; i++) {
		const float *te = g->p.wte + (size_t)tokens[i] * C;
		const float *pe = g->p.wpe + (size_t)(p0 + i) * C;
		float *x = kv->x + (size_t)i * C;

		for (uint32_t c = 0; c < C; c++)
			x[c] = te[c] + pe[c];
	}
	for (uint32_t l = 0; l < kv->L; l++)
		kv_block(kv, g, l, p0, n);
	kv->n = p0 + n;
	if (logits == NULL)
		return 0;
	if (all) {
		gpt_layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x, g->p.lnfw, g->p.lnfb, n, C);
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)V, (int)C, 1.0f,
			    kv->ln, (int)C, g->p.wte, (int)C, 0.0f, logits, (int)V);
		return 0;
	}
	gpt_layernorm_forward(kv->ln, kv->mean, kv->rstd, kv->x + (size_t)(n - 1) * C, g->p.lnfw,
			      g->p.lnfb, 1, C);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)V, (int)C, 1.0f, g->p.wte, (int)C, kv->ln, 1,
		    0.0f, logits, 1);
	return 0;
}

/* ---- sampling ---------------------------------------------------------- */

void gpt_rng_seed(struct gpt_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t gpt_rng_next(struct gpt_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int32_t sample_argmax(const float *logits, uint32_t n)
{
	uint32_t best = 0;

	for (uint32_t i = 1; i < n; i++)
		if (logits[i] > logits[best])
			best = i;
	return (int32_t)best;
}

/*
 * The k-th largest (k >= 1) of a[0..n), reordering a: quickselect with a
 * three-way partition (larger, equal, smaller than the pivot), so runs of
 * equal logits cost nothing.
 */
static float kth_largest(float *a, uint32_t n, uint32_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, want = (ptrdiff_t)k - 1;

	while (lo < hi) {
		float pivot = a[lo + (hi - lo) / 2], t;
		ptrdiff_t lt = lo, gt = hi, x = lo;

		while (x <= gt) {
			if (a[x] > pivot) {
				t = a[lt], a[lt] = a[x], a[x] = t;
				lt++, x++;
			} else if (a[x] < pivot) {
				t = a[gt], a[gt] = a[x], a[x] = t;
				gt--;
			} else {
				x++;
			}
		}
		/* [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot */
		if (want < lt)
			hi = lt - 1;
		else if (want > gt)
			lo = gt + 1;
		else
			return pivot;
	}
	return a[want];
}

int32_t gpt_sample(const float *logits, uint32_t V, const struct gpt_sample_opts *o,
		   struct gpt_rng *rng, float *scratch)
{
	uint32_t n = o->limit && o->limit < V ? o->limit : V;
	float t = o->temperature, cut = -INFINITY;
	int32_t best = sample_argmax(logits, n);
	double sum = 0.0, u;

	if (!(t > 0.0f) || o->top_k == 1)
		return best;
	if (o->top_k > 0 && o->top_k < n) {
		memcpy(scratch, logits, n * sizeof *scratch);
		cut = kth_largest(scratch, n, o->top_k);
	}
	for (uint32_t i = 0; i < n; i++)
		if (logits[i] >= cut)
			sum += exp(((double)logits[i] - logits[best]) / t);
	if (!(sum > 0.0) || !isfinite(sum))
		return best;
	u = (double)(gpt_rng_next(rng) >> 11) * 0x1.0p-53 * sum;
	for (uint32_t i = 0; i < n; i++) {
		if (!(logits[i] >= cut))
			continue;
		u -= exp(((double)logits[i] - logits[best]) / t);
		if (u < 0.0)
			return (int32_t)i;
	}
	return best;    /* rounding left u at or just above 0 */
}

/* ---- a copy to generate from ------------------------------------------- */

struct gpt *gpt_copy_frozen(const struct gpt *src, struct tt_err *err)
{
	struct gpt_config c = src->cfg;
	struct gpt *g;

	c.dropout = 0;
	if ((g = gpt_create_frozen(&c, 0, err)) == NULL)
		return NULL;
	/* the base views are in one order in both (gpt.c's arena order) */
	for (size_t i = 0; i < g->nviews && i < src->nbase_views; i++)
		memcpy(g->views[i].data, src->views[i].data, g->views[i].numel * sizeof(float));
	gpt_lora_fold_into(src, g);
	return g;
}

/* ---- generation -------------------------------------------------------- */

const char *gpt_gen_stop_name(enum gpt_gen_stop s)
{
	switch (s) {
	case GPT_GEN_MAX_TOKENS: return "max_tokens";
	case GPT_GEN_STOP_TOKEN: return "stop token";
	case GPT_GEN_CONTEXT: return "context full";
	case GPT_GEN_CANCELLED: return "cancelled";
	case GPT_GEN_CALLER: return "stopped by caller";
	}
	return "?";
}

static int gen_check(const struct gpt *g, uint32_t n, const struct gpt_gen_opts *o,
		     struct tt_err *err)
{
	if (n == 0) {
		tt_err_set(err, "gpt", 0, 0, "the prompt is empty (give at least one token)");
		return -1;
	}
	if (n > g->cfg.ctx) {
		tt_err_set(err, "gpt", 0, 0, "the prompt has %u tokens; the model's context is %u",
			   n, g->cfg.ctx);
		return -1;
	}
	if (!(o->sample.temperature >= 0.0f) || !isfinite(o->sample.temperature)) {
		tt_err_set(err, "gpt", 0, 0, "temperature %g: expected a finite number >= 0",
			   (double)o->sample.temperature);
		return -1;
	}
	return 0;
}

int gpt_generate(const struct gpt *g, const int32_t *prompt, uint32_t n,
		 const struct gpt_gen_opts *o, gpt_gen_token_fn on_token, void *ctx,
		 const atomic_bool *cancel, int32_t *out, struct gpt_gen_result *result,
		 struct tt_err *err)
{
	uint32_t V = g->cfg.vocab, ctxlen = g->cfg.ctx;
	uint64_t want = (uint64_t)n + o->max_tokens;
	struct gpt_kv kv;
	struct gpt_rng rng;
	float *logits, *scratch;
	double t0, t1;
	int rc = 0;

	memset(result, 0, sizeof *result);
	result->prompt = n;
	if (gen_check(g, n, o, err) < 0)
		return -1;
	if (gpt_kv_init(&kv, g, want < ctxlen ? (uint32_t)want : ctxlen, err) < 0)
		return -1;
	logits = tt_xmalloc((size_t)V * sizeof *logits);
	scratch = tt_xmalloc((size_t)V * sizeof *scratch);
	gpt_rng_seed(&rng, o->seed);
	t0 = tt_now();
	if (gpt_kv_forward(&kv, g, prompt, n, logits, false, err) < 0) {
		rc = -1;
		goto done;
	}
	t1 = tt_now();
	result->prefill_s = t1 - t0;
	result->stop = GPT_GEN_MAX_TOKENS;
	while (result->produced < o->max_tokens) {
		int32_t tok;

		if (cancel && atomic_load(cancel)) {
			result->stop = GPT_GEN_CANCELLED;
			break;
		}
		if (kv.n >= ctxlen) {    /* the next token would have no position */
			result->stop = GPT_GEN_CONTEXT;
			break;
		}
		tok = gpt_sample(logits, V, &o->sample, &rng, scratch);
		if (out)
			out[result->produced] = tok;
		result->produced++;
		if (on_token && on_token(ctx, tok) != 0) {
			result->stop = GPT_GEN_CALLER;
			break;
		}
		if (o->stop_token >= 0 && tok == o->stop_token) {
			result->stop = GPT_GEN_STOP_TOKEN;
			break;
		}
		if (result->produced == o->max_tokens)
			break;
		if (gpt_kv_forward(&kv, g, &tok, 1, logits, false, err) < 0) {
			rc = -1;
			break;
		}
	}
	result->decode_s = tt_now() - t1;
done:
	free(scratch);
	free(logits);
	gpt_kv_fini(&kv);
	return rc;
}
