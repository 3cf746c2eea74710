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
 *   distill: for an example with a teacher's probabilities t (model.h,
 *            hp->distill_alpha = a > 0, temperature T): u = t^(1/T) / sum,
 *            q = softmax(s / T),  L = a T^2 (-sum_c u_c log q_c) + (1-a) L_hard
 *            dL/ds_c = a T (q_c - u_c) + (1-a) dL_hard/ds_c
 *            (L_hard = 0 without a label: the soft part alone)
 *
 * Backward: gs = dL/ds [nlabels]; d output = gs (x) hd; gh = (output^T gs) * mask
 * is dL/dhidden, and every occurrence of an input row receives gh / n.
 *
 * Batches (forward/backward, model.h). forward keeps per example hd [dim],
 * the dropout mask [dim], gs [nlabels] and n in the workspace (B rows each);
 * backward scales gs by 1/B (the loss is the batch mean) and accumulates
 * d output densely and d input row-sparsely (model.h): grad_in holds only
 * the rows a batch used, compactly ([ngrad_rows, dim], row k for input row
 * grad_rows[k]; slot[r] finds r's), so a step costs the batch's rows, not
 * the matrix, and zero_grad just forgets them. Optimizers update those
 * rows lazily (optim.c). Gradient memory is allocated by grad_alloc only
 * (the fast path needs none).
 *
 * SGD fast path (ngram_sgd_fast) is fastText's update: gh is computed from
 * the output rows before they change, the output rows are updated in place,
 * then gh/n is added to each input row used. No locks: several threads run
 * it at once on the same weights (Hogwild); a thread may read a row another
 * is writing, which is the accepted cost of Hogwild (formally a data race in
 * C11; run one thread under ThreadSanitizer). A frozen matrix is not updated.
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
 * Saved files are row-sparse: touched[r] marks the input rows an update
 * has reached. Every other row still holds its uniform(-1/dim, 1/dim)
 * initialization, which ngram_create regenerates from the seed, so a file
 * stores only the touched rows and loads bit for bit (a few hundred
 * thousand rows of a 2M-bucket matrix on short texts).
 *
 * The per-example paths do not allocate: scratch lives in struct model_ws
 * (it grows once to the largest batch seen).
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
	bool train_in, train_out;       /* trainable flags */
	/* gradients, NULL until grad_alloc (and for a frozen matrix) */
	float *grad_in;         /* [grad_cap, dim]: row k is d input[grad_rows[k]] */
	float *grad_out;        /* [nlabels, dim] */
	uint32_t *slot;         /* [ninputs] input row -> k, UINT32_MAX: no gradient */
	uint32_t *grad_rows;    /* [grad_cap] input rows written since zero_grad */
	size_t ngrad_rows, grad_cap;
};

struct model_ws {
	uint32_t ninputs, nlabels, dim;
	float *hidden;          /* [dim] mean of the input rows */
	float *gh;              /* [dim] dL/dhidden */
	float *scores;          /* [nlabels] s, then probabilities */
	float *soft_q;          /* [nlabels] distillation: softmax(s / T) */
	/* kept by forward for backward, per example of the batch (cap rows) */
	size_t cap;
	const struct model_example *ex; /* the batch forward saw */
	size_t nex;
	float *hd;              /* [cap, dim] hidden after dropout */
	float *mask;            /* [cap, dim] dropout scale: 0 or 1/(1-p) */
	uint8_t *dropped;       /* [cap] mask in use for this example */
	float *gs;              /* [cap, nlabels] dL/ds */
	uint32_t *nvalid;       /* [cap] valid input ids */
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

/* Inverted dropout on hidden into hd [dim]; returns 1 if mask [dim] is in use. */
static int
ngram_dropout(const float *hidden, float *hd, float *mask, uint32_t dim, float p,
	      struct model_rng *rng)
{
	if (!(p > 0.0f && rng != NULL)) {
		memcpy(hd, hidden, dim * sizeof *hd);
		return 0;
	}
	float keep = 1.0f / (1.0f - p);
	for (uint32_t d = 0; d < dim; d++) {
		mask[d] = model_rng_uniform(rng) < p ? 0.0f : keep;
		hd[d] = hidden[d] * mask[d];
	}
	return 1;
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
/*
 * Softmax cross-entropy with label smoothing and class weights.
 * In: p = scores [K]. Out: p = probabilities, gs = dL/ds. Returns L.
 * The target is uniform over the example's (valid) labels; w is their mean
 * class weight. No valid label: L = 0, gs = 0.
 */
static float
ngram_loss_softmax(const struct model_example *ex, const struct model_hparams *hp, uint32_t K,
		   float *p, float *gs)
{
	uint32_t k = 0;
	float eps = hp->label_smoothing, w = 0.0f, lse, loss = 0.0f;
	float s_sum = 0.0f, s_lab = 0.0f;

	for (uint32_t c = 0; c < K; c++)
		s_sum += p[c];
	for (uint32_t j = 0; j < ex->ntargets; j++) {
		uint32_t y = ex->targets[j];
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
	for (uint32_t j = 0; j < ex->ntargets; j++) {
		uint32_t y = ex->targets[j];
		if (y < K)
			gs[y] -= w * (1.0f - eps) / (float)k;
	}
	return loss;
}

/*
 * One-vs-all binary cross-entropy, summed over labels; class weights scale
 * the positive term (like pos_weight), label smoothing pulls targets to eps/2
 * and 1 - eps/2. In: s = scores [K]. Out: s = sigmoids, gs = dL/ds. Returns L.
 */
static float
ngram_loss_ova(const struct model_example *ex, const struct model_hparams *hp, uint32_t K,
	       float *s, float *gs)
{
	float eps = hp->label_smoothing, loss = 0.0f;

	/* gs doubles as the 0/1 target while it is built */
	memset(gs, 0, K * sizeof *gs);
	for (uint32_t j = 0; j < ex->ntargets; j++)
		if (ex->targets[j] < K)
			gs[ex->targets[j]] = 1.0f;
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
 * Distillation loss (see the top of the file). In: p = scores [K]. Out: p =
 * probabilities softmax(s), gs = dL/ds. Returns L. q [K] is scratch.
 */
static float
ngram_loss_distill(const struct model_example *ex, const struct model_hparams *hp, uint32_t K,
		   float *p, float *gs, float *q)
{
	float a = hp->distill_alpha, T = hp->distill_temperature > 0.0f ?
		hp->distill_temperature : 1.0f, inv_t = 1.0f / T;
	float usum = 0.0f, soft = 0.0f, hard;

	for (uint32_t c = 0; c < K; c++)
		q[c] = p[c] * inv_t;
	ngram_softmax(q, K);           /* q = softmax(s / T) */
	for (uint32_t c = 0; c < K; c++)
		usum += ex->soft[c] > 0.0f ? powf(ex->soft[c], inv_t) : 0.0f;
	hard = ngram_loss_softmax(ex, hp, K, p, gs);   /* p -> probabilities */
	for (uint32_t c = 0; c < K; c++) {
		/* a teacher vector without mass is read as uniform */
		float u = usum > 0.0f ? (ex->soft[c] > 0.0f ? powf(ex->soft[c], inv_t) : 0.0f) / usum
				      : 1.0f / (float)K;

		if (u > 0.0f)
			soft -= u * logf(fmaxf(q[c], 1e-30f));
		gs[c] = (1.0f - a) * gs[c] + a * T * (q[c] - u);
	}
	return (1.0f - a) * hard + a * T * T * soft;
}

/*
 * Forward of example ex into batch slot b: hidden, dropout, scores, loss,
 * gs. Returns the loss; ws->nvalid[b] = number of valid input ids.
 */
static float
ngram_forward_one(const struct ngram_model *m, struct model_ws *ws, size_t b,
		  const struct model_example *ex, const struct model_hparams *hp,
		  struct model_rng *rng)
{
	uint32_t dim = m->dim, K = m->nlabels;
	float *hd = ws->hd + b * dim, *gs = ws->gs + b * K;

	ws->nvalid[b] = ngram_hidden(m, ex->tokens, ex->ntokens, ws->hidden);
	ws->dropped[b] = (uint8_t)ngram_dropout(ws->hidden, hd, ws->mask + b * dim, dim,
						hp->dropout, rng);
	ngram_scores(m, hd, ws->scores);
	if (m->base.cfg.loss == MODEL_LOSS_OVA)
		return ngram_loss_ova(ex, hp, K, ws->scores, gs);
	if (hp->distill_alpha > 0.0f && ex->soft != NULL)
		return ngram_loss_distill(ex, hp, K, ws->scores, gs, ws->soft_q);
	return ngram_loss_softmax(ex, hp, K, ws->scores, gs);
}

/* gh [dim] = (output^T @ gs) * mask of slot b, from the output rows as they are now. */
static void
ngram_grad_hidden(const struct ngram_model *m, struct model_ws *ws, size_t b, const float *gs)
{
	uint32_t dim = m->dim;
	const float *mask = ws->mask + b * dim;

	memset(ws->gh, 0, dim * sizeof *ws->gh);
	for (uint32_t c = 0; c < m->nlabels; c++)
		ngram_vaxpy(ws->gh, gs[c], m->output + (size_t)c * dim, dim);
	if (ws->dropped[b])
		for (uint32_t d = 0; d < dim; d++)
			ws->gh[d] *= mask[d];
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

/* Room for n examples in the batch buffers (grows, never shrinks). */
static void
ngram_ws_reserve(struct model_ws *ws, size_t n)
{
	if (n <= ws->cap)
		return;
	ws->cap = n;
	ws->hd = tt_xrealloc(ws->hd, n * ws->dim * sizeof *ws->hd);
	ws->mask = tt_xrealloc(ws->mask, n * ws->dim * sizeof *ws->mask);
	ws->dropped = tt_xrealloc(ws->dropped, n * sizeof *ws->dropped);
	ws->gs = tt_xrealloc(ws->gs, n * ws->nlabels * sizeof *ws->gs);
	ws->nvalid = tt_xrealloc(ws->nvalid, n * sizeof *ws->nvalid);
}

static float
ngram_forward(struct model *mm, struct model_ws *ws, const struct model_example *ex, size_t n,
	      const struct model_hparams *hp, struct model_rng *rng)
{
	const struct ngram_model *m = ngram_ccast(mm);
	float loss = 0.0f;

	ngram_ws_reserve(ws, n);
	ws->ex = ex;
	ws->nex = n;
	for (size_t b = 0; b < n; b++)
		loss += ngram_forward_one(m, ws, b, &ex[b], hp, rng);
	return n > 0 ? loss / (float)n : 0.0f;
}

/* ---- backward and gradients -------------------------------------------- */

/* The gradient of input row r += a * x, adding r (zeroed) to the rows if new. */
static void
ngram_grad_row(struct ngram_model *m, uint32_t r, float a, const float *x)
{
	uint32_t k = m->slot[r];

	if (k == UINT32_MAX) {
		if (m->ngrad_rows == m->grad_cap) {
			m->grad_cap *= 2;
			m->grad_rows = tt_xrealloc(m->grad_rows, m->grad_cap * sizeof *m->grad_rows);
			m->grad_in = tt_xrealloc(m->grad_in, m->grad_cap * m->dim * sizeof *m->grad_in);
		}
		k = (uint32_t)m->ngrad_rows++;
		m->grad_rows[k] = r;
		m->slot[r] = k;
		memset(m->grad_in + (size_t)k * m->dim, 0, m->dim * sizeof *m->grad_in);
	}
	ngram_vaxpy(m->grad_in + (size_t)k * m->dim, a, x, m->dim);
}

static void
ngram_backward(struct model *mm, struct model_ws *ws)
{
	struct ngram_model *m = ngram_cast(mm);
	uint32_t dim = m->dim, K = m->nlabels;
	float inv_b;

	if (ws->nex == 0)
		return;
	inv_b = 1.0f / (float)ws->nex;
	for (size_t b = 0; b < ws->nex; b++) {
		const struct model_example *ex = &ws->ex[b];
		float *gs = ws->gs + b * K, *hd = ws->hd + b * dim;
		uint32_t n = ws->nvalid[b];

		ngram_vscale(gs, inv_b, K);
		if (m->grad_out != NULL)
			for (uint32_t c = 0; c < K; c++)
				ngram_vaxpy(m->grad_out + (size_t)c * dim, gs[c], hd, dim);
		if (n == 0 || m->grad_in == NULL)
			continue;
		ngram_grad_hidden(m, ws, b, gs);
		for (uint32_t i = 0; i < ex->ntokens; i++)
			if (ex->tokens[i] < m->ninputs)
				ngram_grad_row(m, ex->tokens[i], 1.0f / (float)n, ws->gh);
	}
	ws->nex = 0;    /* gs is scaled now: a second backward would be wrong */
}

static void
ngram_zero_grad(struct model *mm)
{
	struct ngram_model *m = ngram_cast(mm);

	if (m->grad_out != NULL)
		memset(m->grad_out, 0, (size_t)m->nlabels * m->dim * sizeof *m->grad_out);
	for (size_t i = 0; i < m->ngrad_rows; i++)
		m->slot[m->grad_rows[i]] = UINT32_MAX;
	m->ngrad_rows = 0;
}

static void
ngram_grad_free(struct ngram_model *m, int input, int output)
{
	if (input) {
		free(m->grad_in);
		free(m->slot);
		free(m->grad_rows);
		m->grad_in = NULL;
		m->slot = NULL;
		m->grad_rows = NULL;
		m->ngrad_rows = m->grad_cap = 0;
	}
	if (output) {
		free(m->grad_out);
		m->grad_out = NULL;
	}
}

/* The input gradient starts with room for 1024 rows and grows with the batches. */
static int
ngram_grad_alloc(struct model *mm, struct tt_err *err)
{
	struct ngram_model *m = ngram_cast(mm);

	if (m->train_in && m->grad_in == NULL) {
		m->slot = malloc((size_t)m->ninputs * sizeof *m->slot);
		if (m->slot == NULL) {
			tt_err_set(err, NULL, 0, 0, "gradients: cannot allocate %zu MB",
				   ((size_t)m->ninputs * sizeof *m->slot) >> 20);
			return -1;
		}
		memset(m->slot, 0xff, (size_t)m->ninputs * sizeof *m->slot);
		m->grad_cap = 1024;
		m->ngrad_rows = 0;
		m->grad_rows = tt_xmalloc(m->grad_cap * sizeof *m->grad_rows);
		m->grad_in = tt_xmalloc(m->grad_cap * m->dim * sizeof *m->grad_in);
	}
	if (m->train_out && m->grad_out == NULL)
		m->grad_out = tt_xcalloc((size_t)m->nlabels * m->dim, sizeof *m->grad_out);
	return 0;
}

enum {
	NGRAM_VIEW_INPUT,
	NGRAM_VIEW_OUTPUT,
	NGRAM_NVIEWS,
};

static int
ngram_set_trainable(struct model *mm, size_t i, bool on, struct tt_err *err)
{
	struct ngram_model *m = ngram_cast(mm);

	if (i >= NGRAM_NVIEWS) {
		tt_err_set(err, NULL, 0, 0, "ngram model: no parameter view %zu", i);
		return -1;
	}
	if (i == NGRAM_VIEW_INPUT)
		m->train_in = on;
	else
		m->train_out = on;
	if (!on)
		ngram_grad_free(m, i == NGRAM_VIEW_INPUT, i == NGRAM_VIEW_OUTPUT);
	return 0;
}

/* ---- SGD fast path (Hogwild) ------------------------------------------- */

static struct model_stat
ngram_sgd_fast(struct model *mm, struct model_ws *ws, const struct model_example *ex,
	       const struct model_hparams *hp, struct model_rng *rng)
{
	struct ngram_model *m = ngram_cast(mm);
	struct model_stat st;
	uint32_t dim = m->dim, n;
	float decay, lr, norm2;
	const float *hd = ws->hd, *gs = ws->gs;    /* slot 0 */

	st.loss = ngram_forward_one(m, ws, 0, ex, hp, rng);
	n = ws->nvalid[0];
	ngram_grad_hidden(m, ws, 0, gs);
	norm2 = ngram_sumsq(gs, m->nlabels) * ngram_sumsq(hd, dim);
	if (n > 0)
		norm2 += ngram_sumsq(ws->gh, dim) / (float)n;
	st.grad_norm = sqrtf(norm2);
	lr = hp->lr * ngram_clip_scale(st.grad_norm, hp->clip);
	decay = 1.0f - hp->lr * hp->weight_decay;

	/* output [nlabels, dim]: W_c = decay W_c - lr gs_c hd */
	if (m->train_out)
		for (uint32_t c = 0; c < m->nlabels; c++)
			ngram_vdecay_axpy(m->output + (size_t)c * dim, decay, -lr * gs[c], hd, dim);
	if (n == 0 || !m->train_in)
		return st;
	/* input rows: W_x = decay W_x - (lr / n) gh, once per occurrence */
	float a = -lr / (float)n;
	for (uint32_t i = 0; i < ex->ntokens; i++) {
		if (ex->tokens[i] >= m->ninputs)
			continue;
		float *row = m->input + (size_t)ex->tokens[i] * dim;
		m->touched[ex->tokens[i]] = 1;  /* Hogwild: racing stores of 1 */
		if (decay != 1.0f)
			ngram_vdecay_axpy(row, decay, a, ws->gh, dim);
		else
			ngram_vaxpy(row, a, ws->gh, dim);
	}
	return st;
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
	m->train_in = m->train_out = true;
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
	ngram_grad_free(m, 1, 1);
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
	ws->gh = tt_xcalloc(m->dim, sizeof(float));
	ws->scores = tt_xcalloc(m->nlabels, sizeof(float));
	ws->soft_q = tt_xcalloc(m->nlabels, sizeof(float));
	ngram_ws_reserve(ws, 1);        /* the fast path's slot */
	return ws;
}

static void
ngram_ws_destroy(struct model_ws *ws)
{
	free(ws->hidden);
	free(ws->gh);
	free(ws->scores);
	free(ws->soft_q);
	free(ws->hd);
	free(ws->mask);
	free(ws->dropped);
	free(ws->gs);
	free(ws->nvalid);
	free(ws);
}

/* ---- views ------------------------------------------------------------- */

static size_t
ngram_nparams(const struct model *mm)
{
	const struct ngram_model *m = ngram_ccast(mm);

	return ((size_t)m->ninputs + m->nlabels) * m->dim;
}

static size_t
ngram_nviews(const struct model *mm)
{
	(void)mm;
	return NGRAM_NVIEWS;
}

static void
ngram_view_matrix(struct model_view *v, const char *name, uint32_t rows, uint32_t cols,
		  float *data, bool trainable, float *grad)
{
	v->name = name;
	v->dtype = MODEL_F32;
	v->flags = MODEL_VIEW_PARAM;
	v->ndim = 2;
	v->shape[0] = rows;
	v->shape[1] = cols;
	v->data = data;
	v->trainable = trainable;
	v->grad = grad;
}

static void
ngram_view(struct model *mm, size_t i, struct model_view *out)
{
	struct ngram_model *m = ngram_cast(mm);
	uint32_t in = m->ninputs, nl = m->nlabels, d = m->dim;

	memset(out, 0, sizeof *out);
	switch (i) {
	case NGRAM_VIEW_INPUT:
		ngram_view_matrix(out, "ngram.input.weight", in, d, m->input, m->train_in,
				  m->grad_in);
		out->touched = m->touched;
		if (m->grad_in != NULL) {
			out->grad_rows = m->grad_rows;
			out->ngrad_rows = m->ngrad_rows;
		}
		break;
	case NGRAM_VIEW_OUTPUT:
		ngram_view_matrix(out, "ngram.output.weight", nl, d, m->output, m->train_out,
				  m->grad_out);
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
	.forward = ngram_forward,
	.backward = ngram_backward,
	.zero_grad = ngram_zero_grad,
	.grad_alloc = ngram_grad_alloc,
	.set_trainable = ngram_set_trainable,
	.sgd_fast = ngram_sgd_fast,
	.predict = ngram_predict,
	.nparams = ngram_nparams,
	.nviews = ngram_nviews,
	.view = ngram_view,
};
