/*
 * model-ngram.c - fastText's supervised model: averaged embeddings, linear
 * output, softmax or one-vs-all sigmoids.
 *
 * Design note
 * -----------
 * Parameters (one model, shared by all trainer threads):
 *
 *   input   [ninputs, dim]   uniform(-1/dim, 1/dim)  rows: words, then buckets
 *   output  [nlabels, dim]   zeros
 *
 * Forward for an example with feature ids x[0..n):
 *
 *   hidden [dim]     = (1/n) sum_i input[x_i]
 *   hd     [dim]     = hidden * mask          mask_d = 0 or 1/(1-p) (dropout)
 *   s      [nlabels] = output @ hd
 *   softmax: q = (1-eps) onehot(y) + eps/K,  L = -w_y sum_c q_c log softmax(s)_c
 *            dL/ds_c = w_y (p_c - q_c)
 *   ova:     y_c = (1-eps) [c in labels] + eps/2, pw_c = class weight
 *            L = sum_c pw_c y_c softplus(-s_c) + (1 - y_c) softplus(s_c)
 *            dL/ds_c = sigmoid(s_c) (pw_c y_c + 1 - y_c) - pw_c y_c
 *
 * Backward: gs = dL/ds [nlabels]; d output = gs (x) hd; gh = (output^T gs) * mask
 * is dL/dhidden, and every occurrence of an input row receives gh / n.
 *
 * SGD (ngram_sgd_step) is fastText's update: gh is computed from the output
 * rows before they change, the output rows are updated in place, then gh/n is
 * added to each input row used. No locks: several threads run it at once on
 * the same weights (Hogwild); a thread may read a row another is writing,
 * which is the accepted cost of Hogwild (formally a data race in C11; run
 * one thread under ThreadSanitizer).
 *
 * L2 weight decay with SGD is lazy: a row is multiplied by (1 - lr * wd) only
 * when the step touches it - every output row on every step, an input row
 * once per occurrence in the example. Rare words are therefore decayed less
 * than with dense decay, as in sparse SGD implementations (Vowpal Wabbit,
 * lazy L2); untouched rows carry no gradient either.
 *
 * Gradient clipping scales the whole step when the global norm exceeds clip.
 * The norm is computed without materializing the gradient:
 *   ||d output||^2 = ||gs||^2 ||hd||^2,   ||d input||^2 = ||gh||^2 / n
 * (the second treats repeated ids as distinct rows; exact otherwise).
 *
 * AdamW (ngram_adamw_step) averages the gradient over a batch: dense for the
 * output matrix (first and second moments [nlabels, dim], updated every
 * step), sparse for the input rows (accumulated per touched row in the
 * workspace). The input moments are lazy, as in TensorFlow's LazyAdam and
 * PyTorch's SparseAdam: only rows touched by the batch update their moments
 * and weights, and decoupled weight decay also reaches only those rows; an
 * untouched row keeps its stale moments instead of decaying them. Bias
 * correction uses the global step count. AdamW state costs two extra input
 * matrices, so it is allocated only by adamw_init. One thread only.
 *
 * Saved files are row-sparse: touched[r] marks the input rows an update
 * has reached. Every other row still holds its uniform(-1/dim, 1/dim)
 * initialization, which ngram_create regenerates from the seed, so a file
 * stores only the touched rows and loads bit for bit (a few hundred
 * thousand rows of a 2M-bucket matrix on short texts).
 *
 * The per-example paths do not allocate: scratch lives in struct model_ws.
 * Large matrices are 2 MB aligned and madvise'd for transparent huge pages
 * (random row access otherwise misses the TLB on nearly every bucket row).
 * Vectors are short (dim ~ 50-100), so the inner loops are plain C unrolled
 * by 8 (the compiler's SLP pass turns them into SIMD at -O2); BLAS calls
 * would cost more in dispatch than they save at this size.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tunetop/model.h"

#define NGRAM_MAX_DIM 4096

struct ngram_model {
	struct model base;
	uint32_t ninputs, nlabels, dim;
	float *input;           /* [ninputs, dim] */
	float *output;          /* [nlabels, dim] */
	uint8_t *touched;       /* [ninputs] 1: the row may differ from its init */
	/* AdamW state, NULL until adamw_init */
	float *m_in, *v_in;     /* [ninputs, dim] */
	float *m_out, *v_out;   /* [nlabels, dim] */
	int64_t adam_t;         /* AdamW steps taken */
};

struct model_ws {
	uint32_t ninputs, nlabels, dim;
	float *hidden;          /* [dim] mean of the input rows */
	float *hd;              /* [dim] hidden after dropout */
	float *mask;            /* [dim] dropout scale: 0 or 1/(1-p) */
	int dropped;            /* mask in use for this example */
	float *gh;              /* [dim] dL/dhidden */
	float *scores;          /* [nlabels] s, then probabilities */
	float *gs;              /* [nlabels] dL/ds */
	/* AdamW batch accumulators, allocated on first use */
	float *g_out;           /* [nlabels, dim] */
	uint32_t *slot;         /* [ninputs] row -> index into rows, UINT32_MAX: none */
	uint32_t *rows;         /* [rows_cap] touched input rows */
	float *g_rows;          /* [rows_cap, dim] their gradients */
	size_t nrows, rows_cap;
};

static struct ngram_model *
ngram_cast(struct model *m)
{
	return (struct ngram_model *)m;
}

static const struct ngram_model *
ngram_ccast(const struct model *m)
{
	return (const struct ngram_model *)m;
}

/* ---- small vector kernels (n = dim) ------------------------------------ */

/* y += x */
static void
ngram_vadd(float *restrict y, const float *restrict x, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		y[i + 0] += x[i + 0]; y[i + 1] += x[i + 1];
		y[i + 2] += x[i + 2]; y[i + 3] += x[i + 3];
		y[i + 4] += x[i + 4]; y[i + 5] += x[i + 5];
		y[i + 6] += x[i + 6]; y[i + 7] += x[i + 7];
	}
	for (; i < n; i++)
		y[i] += x[i];
}

/* y += a * x */
static void
ngram_vaxpy(float *restrict y, float a, const float *restrict x, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		y[i + 0] += a * x[i + 0]; y[i + 1] += a * x[i + 1];
		y[i + 2] += a * x[i + 2]; y[i + 3] += a * x[i + 3];
		y[i + 4] += a * x[i + 4]; y[i + 5] += a * x[i + 5];
		y[i + 6] += a * x[i + 6]; y[i + 7] += a * x[i + 7];
	}
	for (; i < n; i++)
		y[i] += a * x[i];
}

/* y = b * y + a * x */
static void
ngram_vdecay_axpy(float *restrict y, float b, float a, const float *restrict x, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		y[i + 0] = b * y[i + 0] + a * x[i + 0]; y[i + 1] = b * y[i + 1] + a * x[i + 1];
		y[i + 2] = b * y[i + 2] + a * x[i + 2]; y[i + 3] = b * y[i + 3] + a * x[i + 3];
		y[i + 4] = b * y[i + 4] + a * x[i + 4]; y[i + 5] = b * y[i + 5] + a * x[i + 5];
		y[i + 6] = b * y[i + 6] + a * x[i + 6]; y[i + 7] = b * y[i + 7] + a * x[i + 7];
	}
	for (; i < n; i++)
		y[i] = b * y[i] + a * x[i];
}

/* x . y, eight partial sums */
static float
ngram_vdot(const float *restrict x, const float *restrict y, size_t n)
{
	float s[8] = { 0 };
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		s[0] += x[i + 0] * y[i + 0]; s[1] += x[i + 1] * y[i + 1];
		s[2] += x[i + 2] * y[i + 2]; s[3] += x[i + 3] * y[i + 3];
		s[4] += x[i + 4] * y[i + 4]; s[5] += x[i + 5] * y[i + 5];
		s[6] += x[i + 6] * y[i + 6]; s[7] += x[i + 7] * y[i + 7];
	}
	for (; i < n; i++)
		s[0] += x[i] * y[i];
	return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

static void
ngram_vscale(float *x, float a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] *= a;
}

/* ---- forward ----------------------------------------------------------- */

/* hidden [dim] = mean of the input rows of the valid ids; returns their count. */
static uint32_t
ngram_hidden(const struct ngram_model *m, const uint32_t *ids, uint32_t nids, float *hidden)
{
	uint32_t dim = m->dim, n = 0;

	memset(hidden, 0, dim * sizeof *hidden);
	for (uint32_t i = 0; i < nids; i++) {
		if (ids[i] >= m->ninputs)
			continue;
		ngram_vadd(hidden, m->input + (size_t)ids[i] * dim, dim);
		n++;
	}
	if (n > 0)
		ngram_vscale(hidden, 1.0f / (float)n, dim);
	return n;
}

/* Inverted dropout on ws->hidden into ws->hd; the mask is kept for backward. */
static void
ngram_dropout(struct model_ws *ws, float p, struct model_rng *rng)
{
	uint32_t dim = ws->dim;

	ws->dropped = p > 0.0f && rng != NULL;
	if (!ws->dropped) {
		memcpy(ws->hd, ws->hidden, dim * sizeof *ws->hd);
		return;
	}
	float keep = 1.0f / (1.0f - p);
	for (uint32_t d = 0; d < dim; d++) {
		ws->mask[d] = model_rng_uniform(rng) < p ? 0.0f : keep;
		ws->hd[d] = ws->hidden[d] * ws->mask[d];
	}
}

/* scores [nlabels] = output [nlabels, dim] @ hd [dim] */
static void
ngram_scores(const struct ngram_model *m, const float *hd, float *scores)
{
	for (uint32_t c = 0; c < m->nlabels; c++)
		scores[c] = ngram_vdot(m->output + (size_t)c * m->dim, hd, m->dim);
}

static float
ngram_class_weight(const struct model_hparams *hp, uint32_t c)
{
	return hp->class_weights ? hp->class_weights[c] : 1.0f;
}

/* log(1 + exp(x)) without overflow */
static float
ngram_softplus(float x)
{
	return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
}

static float
ngram_sigmoid(float x)
{
	if (x >= 0.0f)
		return 1.0f / (1.0f + expf(-x));
	float e = expf(x);
	return e / (1.0f + e);
}

/* Softmax in place: scores [K] -> probabilities; returns log of the normalizer. */
static float
ngram_softmax(float *s, uint32_t K)
{
	float max = s[0], sum = 0.0f;

	for (uint32_t c = 1; c < K; c++)
		max = fmaxf(max, s[c]);
	for (uint32_t c = 0; c < K; c++) {
		s[c] = expf(s[c] - max);
		sum += s[c];
	}
	for (uint32_t c = 0; c < K; c++)
		s[c] /= sum;
	return max + logf(sum);
}

/*
 * Softmax cross-entropy with label smoothing and class weights.
 * In: scores [K]. Out: ws->scores = probabilities, ws->gs = dL/ds. Returns L.
 * The target is uniform over the example's (valid) labels; w is their mean
 * class weight. No valid label: L = 0, gs = 0.
 */
static float
ngram_loss_softmax(const struct model_example *ex, const struct model_hparams *hp,
		   struct model_ws *ws)
{
	uint32_t K = ws->nlabels, k = 0;
	float *p = ws->scores, *gs = ws->gs;
	float eps = hp->label_smoothing, w = 0.0f, lse, loss = 0.0f;
	float s_sum = 0.0f, s_lab = 0.0f;

	for (uint32_t c = 0; c < K; c++)
		s_sum += p[c];
	for (uint32_t j = 0; j < ex->nlabels_ex; j++) {
		uint32_t y = ex->labels[j];
		if (y >= K)
			continue;
		s_lab += p[y];
		w += ngram_class_weight(hp, y);
		k++;
	}
	lse = ngram_softmax(p, K);
	if (k == 0) {
		memset(gs, 0, K * sizeof *gs);
		return 0.0f;
	}
	w /= (float)k;
	/* L = -w sum_c q_c (s_c - lse) = w (lse - (1-eps)/k sum_labels s - eps/K sum_all s) */
	loss = w * (lse - (1.0f - eps) / (float)k * s_lab - eps / (float)K * s_sum);
	for (uint32_t c = 0; c < K; c++)
		gs[c] = w * (p[c] - eps / (float)K);
	for (uint32_t j = 0; j < ex->nlabels_ex; j++) {
		uint32_t y = ex->labels[j];
		if (y < K)
			gs[y] -= w * (1.0f - eps) / (float)k;
	}
	return loss;
}

/*
 * One-vs-all binary cross-entropy, summed over labels; class weights scale
 * the positive term (like pos_weight), label smoothing pulls targets to eps/2
 * and 1 - eps/2. Out: ws->scores = sigmoids, ws->gs = dL/ds. Returns L.
 */
static float
ngram_loss_ova(const struct model_example *ex, const struct model_hparams *hp,
	       struct model_ws *ws)
{
	uint32_t K = ws->nlabels;
	float *s = ws->scores, *gs = ws->gs;
	float eps = hp->label_smoothing, loss = 0.0f;

	/* gs doubles as the 0/1 target while it is built */
	memset(gs, 0, K * sizeof *gs);
	for (uint32_t j = 0; j < ex->nlabels_ex; j++)
		if (ex->labels[j] < K)
			gs[ex->labels[j]] = 1.0f;
	for (uint32_t c = 0; c < K; c++) {
		float y = (1.0f - eps) * gs[c] + 0.5f * eps;
		float pw = ngram_class_weight(hp, c);
		float sig = ngram_sigmoid(s[c]);

		loss += pw * y * ngram_softplus(-s[c]) + (1.0f - y) * ngram_softplus(s[c]);
		gs[c] = sig * (pw * y + 1.0f - y) - pw * y;
		s[c] = sig;
	}
	return loss;
}

/*
 * Full forward for training: hidden, dropout, scores, loss, gs.
 * Returns the loss; *n = number of valid input ids.
 */
static float
ngram_forward(const struct ngram_model *m, struct model_ws *ws, const struct model_example *ex,
	      const struct model_hparams *hp, struct model_rng *rng, uint32_t *n)
{
	*n = ngram_hidden(m, ex->ids, ex->nids, ws->hidden);
	ngram_dropout(ws, hp->dropout, rng);
	ngram_scores(m, ws->hd, ws->scores);
	if (m->base.cfg.loss == MODEL_LOSS_OVA)
		return ngram_loss_ova(ex, hp, ws);
	return ngram_loss_softmax(ex, hp, ws);
}

/* gh [dim] = (output^T @ gs) * mask, from the output rows as they are now. */
static void
ngram_grad_hidden(const struct ngram_model *m, struct model_ws *ws, const float *gs)
{
	uint32_t dim = m->dim;

	memset(ws->gh, 0, dim * sizeof *ws->gh);
	for (uint32_t c = 0; c < m->nlabels; c++)
		ngram_vaxpy(ws->gh, gs[c], m->output + (size_t)c * dim, dim);
	if (ws->dropped)
		for (uint32_t d = 0; d < dim; d++)
			ws->gh[d] *= ws->mask[d];
}

static float
ngram_sumsq(const float *x, uint32_t n)
{
	return ngram_vdot(x, x, n);
}

/* Step scale for gradient clipping at norm clip (0 = off). */
static float
ngram_clip_scale(float norm, float clip)
{
	if (clip > 0.0f && norm > clip)
		return clip / norm;
	return 1.0f;
}

/* ---- SGD (Hogwild) ----------------------------------------------------- */

static struct model_stat
ngram_sgd_step(struct model *mm, struct model_ws *ws, const struct model_example *ex,
	       const struct model_hparams *hp, struct model_rng *rng)
{
	struct ngram_model *m = ngram_cast(mm);
	struct model_stat st;
	uint32_t dim = m->dim, n;
	float decay, lr, norm2;

	st.loss = ngram_forward(m, ws, ex, hp, rng, &n);
	ngram_grad_hidden(m, ws, ws->gs);
	norm2 = ngram_sumsq(ws->gs, m->nlabels) * ngram_sumsq(ws->hd, dim);
	if (n > 0)
		norm2 += ngram_sumsq(ws->gh, dim) / (float)n;
	st.grad_norm = sqrtf(norm2);
	lr = hp->lr * ngram_clip_scale(st.grad_norm, hp->clip);
	decay = 1.0f - hp->lr * hp->weight_decay;

	/* output [nlabels, dim]: W_c = decay W_c - lr gs_c hd */
	for (uint32_t c = 0; c < m->nlabels; c++)
		ngram_vdecay_axpy(m->output + (size_t)c * dim, decay, -lr * ws->gs[c], ws->hd, dim);
	if (n == 0)
		return st;
	/* input rows: W_x = decay W_x - (lr / n) gh, once per occurrence */
	float a = -lr / (float)n;
	for (uint32_t i = 0; i < ex->nids; i++) {
		if (ex->ids[i] >= m->ninputs)
			continue;
		float *row = m->input + (size_t)ex->ids[i] * dim;
		m->touched[ex->ids[i]] = 1;     /* Hogwild: racing stores of 1 */
		if (decay != 1.0f)
			ngram_vdecay_axpy(row, decay, a, ws->gh, dim);
		else
			ngram_vaxpy(row, a, ws->gh, dim);
	}
	return st;
}

/* ---- loss and dense gradient (checks, small models) -------------------- */

static float
ngram_loss(const struct model *mm, struct model_ws *ws, const struct model_example *ex,
	   const struct model_hparams *hp, struct model_rng *rng)
{
	uint32_t n;

	return ngram_forward(ngram_ccast(mm), ws, ex, hp, rng, &n);
}

/* grad [ninputs*dim + nlabels*dim] = [d input, d output], weights unchanged. */
static float
ngram_grad(const struct model *mm, struct model_ws *ws, const struct model_example *ex,
	   const struct model_hparams *hp, struct model_rng *rng, float *grad)
{
	const struct ngram_model *m = ngram_ccast(mm);
	uint32_t dim = m->dim, n;
	float loss = ngram_forward(m, ws, ex, hp, rng, &n);
	float *g_in = grad, *g_out = grad + (size_t)m->ninputs * dim;

	ngram_grad_hidden(m, ws, ws->gs);
	memset(grad, 0, ((size_t)m->ninputs + m->nlabels) * dim * sizeof *grad);
	for (uint32_t c = 0; c < m->nlabels; c++)
		ngram_vaxpy(g_out + (size_t)c * dim, ws->gs[c], ws->hd, dim);
	for (uint32_t i = 0; n > 0 && i < ex->nids; i++)
		if (ex->ids[i] < m->ninputs)
			ngram_vaxpy(g_in + (size_t)ex->ids[i] * dim, 1.0f / (float)n, ws->gh, dim);
	return loss;
}

/* ---- prediction -------------------------------------------------------- */

static void
ngram_predict(const struct model *mm, struct model_ws *ws, const uint32_t *ids, uint32_t nids,
	      float *probs)
{
	const struct ngram_model *m = ngram_ccast(mm);

	ngram_hidden(m, ids, nids, ws->hidden);
	ngram_scores(m, ws->hidden, probs);
	if (m->base.cfg.loss == MODEL_LOSS_OVA) {
		for (uint32_t c = 0; c < m->nlabels; c++)
			probs[c] = ngram_sigmoid(probs[c]);
	} else {
		ngram_softmax(probs, m->nlabels);
	}
}

/* ---- allocation -------------------------------------------------------- */

/*
 * A weight matrix, zeroed. Large ones are 2 MB aligned and asked to use
 * transparent huge pages: rows are read at random all over the matrix, and
 * with 4 KB pages nearly every row costs a TLB miss. NULL if out of memory.
 */
static float *
ngram_alloc_matrix(size_t rows, size_t cols)
{
	size_t bytes = rows * cols * sizeof(float), huge = (size_t)2 << 20;
	void *p = NULL;

	if (bytes < huge)
		return calloc(rows * cols, sizeof(float));
	bytes = (bytes + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	memset(p, 0, bytes);
	return p;
}

/* ---- AdamW (minibatch, one thread) ------------------------------------- */

/* Index of row in the batch accumulator, adding it (zeroed) if new. */
static uint32_t
ngram_batch_slot(struct model_ws *ws, uint32_t row)
{
	uint32_t s = ws->slot[row];

	if (s != UINT32_MAX)
		return s;
	if (ws->nrows == ws->rows_cap) {
		ws->rows_cap = ws->rows_cap ? ws->rows_cap * 2 : 1024;
		ws->rows = tt_xrealloc(ws->rows, ws->rows_cap * sizeof *ws->rows);
		ws->g_rows = tt_xrealloc(ws->g_rows, ws->rows_cap * ws->dim * sizeof *ws->g_rows);
	}
	s = (uint32_t)ws->nrows++;
	ws->slot[row] = s;
	ws->rows[s] = row;
	memset(ws->g_rows + (size_t)s * ws->dim, 0, ws->dim * sizeof *ws->g_rows);
	return s;
}

static void
ngram_batch_alloc(struct model_ws *ws)
{
	if (ws->slot != NULL)
		return;
	ws->g_out = tt_xmalloc((size_t)ws->nlabels * ws->dim * sizeof *ws->g_out);
	ws->slot = tt_xmalloc((size_t)ws->ninputs * sizeof *ws->slot);
	memset(ws->slot, 0xff, (size_t)ws->ninputs * sizeof *ws->slot);
}

/* Accumulates one example's gradient, scaled by inv_b, into the batch. */
static float
ngram_batch_add(const struct ngram_model *m, struct model_ws *ws, const struct model_example *ex,
		const struct model_hparams *hp, struct model_rng *rng, float inv_b)
{
	uint32_t dim = m->dim, n;
	float loss = ngram_forward(m, ws, ex, hp, rng, &n);

	ngram_vscale(ws->gs, inv_b, m->nlabels);
	for (uint32_t c = 0; c < m->nlabels; c++)
		ngram_vaxpy(ws->g_out + (size_t)c * dim, ws->gs[c], ws->hd, dim);
	if (n == 0)
		return loss;
	ngram_grad_hidden(m, ws, ws->gs);
	for (uint32_t i = 0; i < ex->nids; i++) {
		if (ex->ids[i] >= m->ninputs)
			continue;
		uint32_t s = ngram_batch_slot(ws, ex->ids[i]);
		ngram_vaxpy(ws->g_rows + (size_t)s * dim, 1.0f / (float)n, ws->gh, dim);
	}
	return loss;
}

struct ngram_adam {
	float lr, decay, b1, b2, eps, bc1, bc2, gscale;
};

/* One AdamW update of n parameters w with moments mo, v and gradient g. */
static void
ngram_adam_update(const struct ngram_adam *a, float *restrict w, float *restrict mo,
		  float *restrict v, const float *restrict g, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		float gi = g[i] * a->gscale;
		mo[i] = a->b1 * mo[i] + (1.0f - a->b1) * gi;
		v[i] = a->b2 * v[i] + (1.0f - a->b2) * gi * gi;
		float mhat = mo[i] / a->bc1;
		float vhat = v[i] / a->bc2;
		w[i] = a->decay * w[i] - a->lr * mhat / (sqrtf(vhat) + a->eps);
	}
}

static struct model_stat
ngram_adamw_step(struct model *mm, struct model_ws *ws, const struct model_example *ex,
		 size_t nex, const struct model_hparams *hp, struct model_rng *rng)
{
	struct ngram_model *m = ngram_cast(mm);
	struct model_stat st = { 0.0f, 0.0f };
	uint32_t dim = m->dim;
	struct ngram_adam a;
	float norm2, loss = 0.0f;

	if (nex == 0 || m->m_in == NULL)
		return st;      /* adamw_init not called: nothing to do */
	ngram_batch_alloc(ws);
	memset(ws->g_out, 0, (size_t)m->nlabels * dim * sizeof *ws->g_out);
	ws->nrows = 0;
	for (size_t i = 0; i < nex; i++)
		loss += ngram_batch_add(m, ws, &ex[i], hp, rng, 1.0f / (float)nex);
	st.loss = loss / (float)nex;

	norm2 = ngram_sumsq(ws->g_out, m->nlabels * dim);
	for (size_t r = 0; r < ws->nrows; r++)
		norm2 += ngram_sumsq(ws->g_rows + r * dim, dim);
	st.grad_norm = sqrtf(norm2);

	m->adam_t++;
	a.lr = hp->lr;
	a.decay = 1.0f - hp->lr * hp->weight_decay;
	a.b1 = hp->beta1;
	a.b2 = hp->beta2;
	a.eps = hp->eps;
	a.bc1 = (float)(1.0 - pow(hp->beta1, (double)m->adam_t));
	a.bc2 = (float)(1.0 - pow(hp->beta2, (double)m->adam_t));
	a.gscale = ngram_clip_scale(st.grad_norm, hp->clip);
	ngram_adam_update(&a, m->output, m->m_out, m->v_out, ws->g_out, m->nlabels * dim);
	for (size_t r = 0; r < ws->nrows; r++) {
		size_t off = (size_t)ws->rows[r] * dim;
		ngram_adam_update(&a, m->input + off, m->m_in + off, m->v_in + off,
				  ws->g_rows + r * dim, dim);
		m->touched[ws->rows[r]] = 1;
		ws->slot[ws->rows[r]] = UINT32_MAX;
	}
	ws->nrows = 0;
	return st;
}

static int
ngram_adamw_init(struct model *mm, struct tt_err *err)
{
	struct ngram_model *m = ngram_cast(mm);
	size_t nin = (size_t)m->ninputs * m->dim, nout = (size_t)m->nlabels * m->dim;

	if (m->m_in != NULL)
		return 0;
	m->m_in = ngram_alloc_matrix(m->ninputs, m->dim);
	m->v_in = ngram_alloc_matrix(m->ninputs, m->dim);
	m->m_out = ngram_alloc_matrix(m->nlabels, m->dim);
	m->v_out = ngram_alloc_matrix(m->nlabels, m->dim);
	if (!m->m_in || !m->v_in || !m->m_out || !m->v_out) {
		free(m->m_in);
		free(m->v_in);
		free(m->m_out);
		free(m->v_out);
		m->m_in = m->v_in = m->m_out = m->v_out = NULL;
		tt_err_set(err, NULL, 0, 0, "AdamW state: cannot allocate %zu MB",
			   (2 * (nin + nout) * sizeof(float)) >> 20);
		return -1;
	}
	m->adam_t = 0;
	return 0;
}

/* ---- lifecycle --------------------------------------------------------- */

static int
ngram_check_config(const struct model_config *cfg, struct tt_err *err)
{
	if (cfg->ninputs == 0 || cfg->nlabels == 0) {
		tt_err_set(err, NULL, 0, 0, "ngram model needs at least one input row and one label "
			   "(got %u inputs, %u labels)", cfg->ninputs, cfg->nlabels);
		return -1;
	}
	if (cfg->dim == 0 || cfg->dim > NGRAM_MAX_DIM) {
		tt_err_set(err, NULL, 0, 0, "dim must be in 1..%d, not %u", NGRAM_MAX_DIM, cfg->dim);
		return -1;
	}
	if (cfg->loss != MODEL_LOSS_SOFTMAX && cfg->loss != MODEL_LOSS_OVA) {
		tt_err_set(err, NULL, 0, 0, "unknown loss %d", (int)cfg->loss);
		return -1;
	}
	return 0;
}

/* input [ninputs, dim] ~ uniform(-1/dim, 1/dim) from seed, as fastText. */
static void
ngram_init_input(struct ngram_model *m, uint64_t seed)
{
	struct model_rng rng;
	size_t n = (size_t)m->ninputs * m->dim;
	float a = 1.0f / (float)m->dim;

	model_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
		m->input[i] = (2.0f * model_rng_uniform(&rng) - 1.0f) * a;
}

static void ngram_destroy(struct model *mm);

/*
 * The two matrices are sized by the user (buckets x dim can be hundreds of
 * MB), so running out of memory is an error reported to the caller, not the
 * fatal path.
 */
static struct model *
ngram_create(const struct model_config *cfg, struct tt_err *err)
{
	struct ngram_model *m;

	if (ngram_check_config(cfg, err) < 0)
		return NULL;
	m = tt_xcalloc(1, sizeof *m);
	m->base.ops = &model_ngram_ops;
	m->base.cfg = *cfg;
	m->base.cfg.type = model_ngram_ops.name;
	m->ninputs = cfg->ninputs;
	m->nlabels = cfg->nlabels;
	m->dim = cfg->dim;
	m->input = ngram_alloc_matrix(m->ninputs, m->dim);
	m->output = ngram_alloc_matrix(m->nlabels, m->dim);
	m->touched = calloc(m->ninputs, 1);
	if (m->input == NULL || m->output == NULL || m->touched == NULL) {
		tt_err_set(err, NULL, 0, 0, "ngram model: cannot allocate %zu MB for %u x %u weights",
			   ((size_t)(m->ninputs + (size_t)m->nlabels) * m->dim * sizeof(float)) >> 20,
			   m->ninputs, m->dim);
		ngram_destroy(&m->base);
		return NULL;
	}
	ngram_init_input(m, cfg->seed);
	return &m->base;
}

static void
ngram_destroy(struct model *mm)
{
	struct ngram_model *m = ngram_cast(mm);

	free(m->input);
	free(m->output);
	free(m->touched);
	free(m->m_in);
	free(m->v_in);
	free(m->m_out);
	free(m->v_out);
	free(m);
}

static struct model_ws *
ngram_ws_create(const struct model *mm)
{
	const struct ngram_model *m = ngram_ccast(mm);
	struct model_ws *ws = tt_xcalloc(1, sizeof *ws);

	ws->ninputs = m->ninputs;
	ws->nlabels = m->nlabels;
	ws->dim = m->dim;
	ws->hidden = tt_xcalloc(m->dim, sizeof(float));
	ws->hd = tt_xcalloc(m->dim, sizeof(float));
	ws->mask = tt_xcalloc(m->dim, sizeof(float));
	ws->gh = tt_xcalloc(m->dim, sizeof(float));
	ws->scores = tt_xcalloc(m->nlabels, sizeof(float));
	ws->gs = tt_xcalloc(m->nlabels, sizeof(float));
	return ws;
}

static void
ngram_ws_destroy(struct model_ws *ws)
{
	free(ws->hidden);
	free(ws->hd);
	free(ws->mask);
	free(ws->gh);
	free(ws->scores);
	free(ws->gs);
	free(ws->g_out);
	free(ws->slot);
	free(ws->rows);
	free(ws->g_rows);
	free(ws);
}

/* ---- views ------------------------------------------------------------- */

static size_t
ngram_nparams(const struct model *mm)
{
	const struct ngram_model *m = ngram_ccast(mm);

	return ((size_t)m->ninputs + m->nlabels) * m->dim;
}

enum {
	NGRAM_VIEW_INPUT,
	NGRAM_VIEW_OUTPUT,
	NGRAM_VIEW_M_IN,
	NGRAM_VIEW_V_IN,
	NGRAM_VIEW_M_OUT,
	NGRAM_VIEW_V_OUT,
	NGRAM_VIEW_STEP,
	NGRAM_NVIEWS,
};

static size_t
ngram_nviews(const struct model *mm)
{
	(void)mm;
	return NGRAM_NVIEWS;
}

static void
ngram_view_matrix(struct model_view *v, const char *name, unsigned flags, uint32_t rows,
		  uint32_t cols, float *data)
{
	v->name = name;
	v->dtype = MODEL_F32;
	v->flags = flags;
	v->ndim = 2;
	v->shape[0] = rows;
	v->shape[1] = cols;
	v->data = data;
}

static void
ngram_view(struct model *mm, size_t i, struct model_view *out)
{
	struct ngram_model *m = ngram_cast(mm);
	uint32_t in = m->ninputs, nl = m->nlabels, d = m->dim;

	memset(out, 0, sizeof *out);
	switch (i) {
	case NGRAM_VIEW_INPUT:
		ngram_view_matrix(out, "ngram.input.weight", MODEL_VIEW_PARAM, in, d, m->input);
		out->touched = m->touched;
		break;
	case NGRAM_VIEW_OUTPUT:
		ngram_view_matrix(out, "ngram.output.weight", MODEL_VIEW_PARAM, nl, d, m->output);
		break;
	case NGRAM_VIEW_M_IN:
		ngram_view_matrix(out, "optim.adamw.input.m", MODEL_VIEW_OPTIM, in, d, m->m_in);
		out->touched = m->touched;      /* zero where never touched */
		break;
	case NGRAM_VIEW_V_IN:
		ngram_view_matrix(out, "optim.adamw.input.v", MODEL_VIEW_OPTIM, in, d, m->v_in);
		out->touched = m->touched;
		break;
	case NGRAM_VIEW_M_OUT:
		ngram_view_matrix(out, "optim.adamw.output.m", MODEL_VIEW_OPTIM, nl, d, m->m_out);
		break;
	case NGRAM_VIEW_V_OUT:
		ngram_view_matrix(out, "optim.adamw.output.v", MODEL_VIEW_OPTIM, nl, d, m->v_out);
		break;
	case NGRAM_VIEW_STEP:
		out->name = "optim.adamw.step";
		out->dtype = MODEL_I64;
		out->flags = MODEL_VIEW_OPTIM;
		out->ndim = 1;
		out->shape[0] = 1;
		out->data = m->m_in ? &m->adam_t : NULL;
		break;
	default:
		break;
	}
}

const struct model_ops model_ngram_ops = {
	.name = "ngram",
	.create = ngram_create,
	.destroy = ngram_destroy,
	.ws_create = ngram_ws_create,
	.ws_destroy = ngram_ws_destroy,
	.sgd_step = ngram_sgd_step,
	.adamw_init = ngram_adamw_init,
	.adamw_step = ngram_adamw_step,
	.loss = ngram_loss,
	.grad = ngram_grad,
	.predict = ngram_predict,
	.nparams = ngram_nparams,
	.nviews = ngram_nviews,
	.view = ngram_view,
};
