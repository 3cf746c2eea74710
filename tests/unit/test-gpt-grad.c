/*
 * test-gpt-grad.c - central finite differences against the analytic
 * backward of every GPT layer kernel (gpt-layers.h) and of the whole model
 * (LM and classification, dropout off and on with a fixed seed).
 *
 * A kernel's scalar loss is L = sum_i out_i w_i with fixed random w, summed
 * in double; its backward runs with dout = w. The model's loss is its mean
 * cross-entropy. Everything is float, so eps is 1e-2 (inputs are O(1)) and
 * the tolerance 1e-3 + 2e-2 |g|: far below what a wrong term gives (a
 * missing factor or sign is off by O(|g|)), far above rounding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-layers.h"
#include "tunetop/gpt.h"

static const float fd_eps = 1e-2f;
static const double fd_atol = 1e-3, fd_rtol = 2e-2;

/* Deterministic uniform in [-1, 1). */
static float urand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (float)((*s >> 40) * (1.0 / 8388608.0)) - 1.0f;
}

static float *rand_vec(size_t n, float scale, float offset, uint64_t *s)
{
	float *v = tt_xmalloc(n * sizeof *v);

	for (size_t i = 0; i < n; i++)
		v[i] = offset + scale * urand(s);
	return v;
}

static float *zeros(size_t n)
{
	return tt_xcalloc(n, sizeof(float));
}

static double dot(const float *a, const float *b, size_t n)
{
	double s = 0.0;

	for (size_t i = 0; i < n; i++)
		s += (double)a[i] * b[i];
	return s;
}

typedef double (*loss_fn)(void *ctx);

/* Compare grad with central differences of loss in x, on up to ~48 entries. */
static void fd_check(const char *what, loss_fn loss, void *ctx, float *x, const float *grad,
		     size_t n)
{
	size_t step = n > 48 ? n / 48 : 1;

	for (size_t i = 0; i < n; i += step) {
		float save = x[i];

		x[i] = save + fd_eps;
		double lp = loss(ctx);
		x[i] = save - fd_eps;
		double lm = loss(ctx);
		x[i] = save;
		double num = (lp - lm) / (2.0 * (double)fd_eps);

		if (!(fabs(num - grad[i]) <= fd_atol + fd_rtol * fabs(num)))
			fail_msg("%s[%zu]: analytic %.6g, numeric %.6g", what, i, grad[i], num);
	}
}

/* ---- layer norm ------------------------------------------------------- */

struct ln_ctx {
	size_t N;
	uint32_t C;
	float *x, *w, *b, *out, *mean, *rstd, *wout;
};

static double ln_loss(void *p)
{
	struct ln_ctx *c = p;

	gpt_layernorm_forward(c->out, c->mean, c->rstd, c->x, c->w, c->b, c->N, c->C);
	return dot(c->out, c->wout, c->N * c->C);
}

static void test_layernorm_grad(void **state)
{
	(void)state;
	uint64_t s = 1;
	struct ln_ctx c = {.N = 4, .C = 8};
	size_t n = c.N * c.C;

	c.x = rand_vec(n, 2.0f, 0.5f, &s);
	c.w = rand_vec(c.C, 0.5f, 1.0f, &s);
	c.b = rand_vec(c.C, 0.5f, 0.0f, &s);
	c.wout = rand_vec(n, 1.0f, 0.0f, &s);
	c.out = zeros(n);
	c.mean = zeros(c.N);
	c.rstd = zeros(c.N);
	float *dx = zeros(n), *dw = zeros(c.C), *db = zeros(c.C);

	ln_loss(&c);
	gpt_layernorm_backward(dx, dw, db, c.wout, c.x, c.w, c.mean, c.rstd, c.N, c.C);
	fd_check("layernorm dx", ln_loss, &c, c.x, dx, n);
	fd_check("layernorm dw", ln_loss, &c, c.w, dw, c.C);
	fd_check("layernorm db", ln_loss, &c, c.b, db, c.C);
	free(c.x), free(c.w), free(c.b), free(c.wout), free(c.out), free(c.mean), free(c.rstd);
	free(dx), free(dw), free(db);
}

/* ---- matmul ---------------------------------------------------------- */

struct mm_ctx {
	size_t N;
	uint32_t C, OC;
	float *x, *w, *bias, *out, *wout;
};

static double mm_loss(void *p)
{
	struct mm_ctx *c = p;

	gpt_matmul_forward(c->out, c->x, c->w, c->bias, c->N, c->C, c->OC);
	return dot(c->out, c->wout, c->N * c->OC);
}

static void test_matmul_grad(void **state)
{
	(void)state;
	uint64_t s = 2;
	struct mm_ctx c = {.N = 5, .C = 6, .OC = 7};

	c.x = rand_vec(c.N * c.C, 1.0f, 0.0f, &s);
	c.w = rand_vec((size_t)c.C * c.OC, 1.0f, 0.0f, &s);
	c.bias = rand_vec(c.OC, 1.0f, 0.0f, &s);
	c.wout = rand_vec(c.N * c.OC, 1.0f, 0.0f, &s);
	c.out = zeros(c.N * c.OC);
	float *dx = zeros(c.N * c.C), *dw = zeros((size_t)c.C * c.OC), *db = zeros(c.OC);

	gpt_matmul_backward(dx, dw, db, c.wout, c.x, c.w, c.N, c.C, c.OC);
	fd_check("matmul dx", mm_loss, &c, c.x, dx, c.N * c.C);
	fd_check("matmul dw", mm_loss, &c, c.w, dw, (size_t)c.C * c.OC);
	fd_check("matmul db", mm_loss, &c, c.bias, db, c.OC);
	/* accumulation: a second backward doubles the gradients */
	float *dw2 = zeros((size_t)c.C * c.OC);

	memcpy(dw2, dw, (size_t)c.C * c.OC * sizeof(float));
	gpt_matmul_backward(NULL, dw2, NULL, c.wout, c.x, c.w, c.N, c.C, c.OC);
	for (size_t i = 0; i < (size_t)c.C * c.OC; i++)
		assert_float_equal(dw2[i], 2.0f * dw[i], 1e-5f);
	free(c.x), free(c.w), free(c.bias), free(c.wout), free(c.out);
	free(dx), free(dw), free(db), free(dw2);
}

/* ---- attention ------------------------------------------------------- */

struct att_ctx {
	uint32_t B, T, C, NH;
	float p;
	float *qkv, *att, *out, *wout, *scratch;
};

static double att_loss(void *p)
{
	struct att_ctx *c = p;

	gpt_attention_forward(c->out, c->att, c->qkv, c->B, c->T, c->C, c->NH, c->p, 7, 3,
			      c->scratch);
	return dot(c->out, c->wout, (size_t)c->B * c->T * c->C);
}

static void check_attention(float p)
{
	uint64_t s = 3;
	struct att_ctx c = {.B = 2, .T = 5, .C = 8, .NH = 2, .p = p};
	size_t n = (size_t)c.B * c.T * 3 * c.C, TT = (size_t)c.T * c.T;

	c.qkv = rand_vec(n, 1.5f, 0.0f, &s);
	c.wout = rand_vec((size_t)c.B * c.T * c.C, 1.0f, 0.0f, &s);
	c.att = zeros(c.B * c.NH * TT);
	c.out = zeros((size_t)c.B * c.T * c.C);
	c.scratch = zeros(2 * TT);
	float *dqkv = zeros(n);

	att_loss(&c);
	for (size_t bh = 0; bh < (size_t)c.B * c.NH; bh++) {
		for (uint32_t t = 0; t < c.T; t++) {
			const float *row = c.att + bh * TT + t * c.T;
			double sum = 0.0;

			for (uint32_t j = 0; j < c.T; j++) {
				if (j > t)
					assert_true(row[j] == 0.0f);
				sum += row[j];
			}
			assert_float_equal(sum, 1.0, 1e-5);
		}
	}
	gpt_attention_backward(dqkv, c.wout, c.qkv, c.att, c.B, c.T, c.C, c.NH, c.p, 7, 3,
			       c.scratch);
	fd_check(p > 0 ? "attention (dropout) dqkv" : "attention dqkv", att_loss, &c, c.qkv, dqkv,
		 n);
	free(c.qkv), free(c.wout), free(c.att), free(c.out), free(c.scratch), free(dqkv);
}

static void test_attention_grad(void **state)
{
	(void)state;
	check_attention(0.0f);
	check_attention(0.3f);
}

/* ---- GELU, encoder, residual ------------------------------------------ */

struct gelu_ctx {
	size_t n;
	float *x, *out, *wout;
};

static double gelu_loss(void *p)
{
	struct gelu_ctx *c = p;

	gpt_gelu_forward(c->out, c->x, c->n);
	return dot(c->out, c->wout, c->n);
}

static void test_gelu_grad(void **state)
{
	(void)state;
	uint64_t s = 4;
	struct gelu_ctx c = {.n = 40};

	c.x = rand_vec(c.n, 4.0f, 0.0f, &s);
	c.wout = rand_vec(c.n, 1.0f, 0.0f, &s);
	c.out = zeros(c.n);
	float *dx = zeros(c.n);

	gelu_loss(&c);
	/* GPT-2's values: gelu(1) = 0.841192, gelu(-1) = -0.158808 */
	float one = 1.0f, minus = -1.0f, g1, gm;

	gpt_gelu_forward(&g1, &one, 1);
	gpt_gelu_forward(&gm, &minus, 1);
	assert_float_equal(g1, 0.841192f, 1e-5f);
	assert_float_equal(gm, -0.158808f, 1e-5f);
	gpt_gelu_backward(dx, c.x, c.wout, c.n);
	fd_check("gelu dx", gelu_loss, &c, c.x, dx, c.n);
	free(c.x), free(c.wout), free(c.out), free(dx);
}

struct enc_ctx {
	uint32_t B, T, C;
	int32_t tokens[6];
	float *wte, *wpe, *out, *wout;
};

static double enc_loss(void *p)
{
	struct enc_ctx *c = p;

	gpt_encoder_forward(c->out, c->tokens, c->wte, c->wpe, c->B, c->T, c->C);
	return dot(c->out, c->wout, (size_t)c->B * c->T * c->C);
}

static void test_encoder_grad(void **state)
{
	(void)state;
	uint64_t s = 5;
	struct enc_ctx c = {.B = 2, .T = 3, .C = 4, .tokens = {1, 4, 1, 0, 2, 4}};
	size_t n = (size_t)c.B * c.T * c.C;

	c.wte = rand_vec(5 * c.C, 1.0f, 0.0f, &s);
	c.wpe = rand_vec(c.T * c.C, 1.0f, 0.0f, &s);
	c.wout = rand_vec(n, 1.0f, 0.0f, &s);
	c.out = zeros(n);
	float *dwte = zeros(5 * c.C), *dwpe = zeros(c.T * c.C);

	gpt_encoder_backward(dwte, dwpe, c.wout, c.tokens, c.B, c.T, c.C);
	fd_check("encoder dwte", enc_loss, &c, c.wte, dwte, 5 * c.C);
	fd_check("encoder dwpe", enc_loss, &c, c.wpe, dwpe, c.T * c.C);
	for (uint32_t i = 0; i < c.C; i++)
		assert_true(dwte[3 * c.C + i] == 0.0f); /* token 3 unused */
	free(c.wte), free(c.wpe), free(c.wout), free(c.out), free(dwte), free(dwpe);
}

/* ---- softmax cross-entropy --------------------------------------------- */

struct ce_ctx {
	size_t N;
	uint32_t V;
	int32_t targets[4];
	float *logits, *lse;
};

static double ce_loss(void *p)
{
	struct ce_ctx *c = p;

	return gpt_crossentropy_forward(c->lse, c->logits, c->targets, c->N, c->V, NULL);
}

static void test_crossentropy_grad(void **state)
{
	(void)state;
	uint64_t s = 6;
	struct ce_ctx c = {.N = 4, .V = 9, .targets = {3, -1, 0, 8}};
	size_t n = c.N * c.V;
	uint32_t count;

	c.logits = rand_vec(n, 3.0f, 0.0f, &s);
	c.lse = zeros(c.N);
	float *d = zeros(n);

	gpt_crossentropy_forward(c.lse, c.logits, c.targets, c.N, c.V, &count);
	assert_int_equal(count, 3);
	memcpy(d, c.logits, n * sizeof(float));
	gpt_crossentropy_backward(d, c.lse, c.targets, c.N, c.V, 1.0f);
	for (uint32_t i = 0; i < c.V; i++)
		assert_true(d[c.V + i] == 0.0f); /* ignored row */
	fd_check("crossentropy dlogits", ce_loss, &c, c.logits, d, n);
	free(c.logits), free(c.lse), free(d);
}

/* ---- pooling and dropout ---------------------------------------------- */

struct pool_ctx {
	uint32_t B, T, C;
	uint32_t lengths[2];
	int mean;
	float *x, *out, *wout;
};

static double pool_loss(void *p)
{
	struct pool_ctx *c = p;

	gpt_pool_forward(c->out, c->x, c->lengths, c->B, c->T, c->C, c->mean);
	return dot(c->out, c->wout, (size_t)c->B * c->C);
}

static void test_pool_grad(void **state)
{
	(void)state;
	for (int mean = 0; mean <= 1; mean++) {
		uint64_t s = 7;
		struct pool_ctx c = {.B = 2, .T = 4, .C = 3, .lengths = {4, 2}, .mean = mean};
		size_t n = (size_t)c.B * c.T * c.C;

		c.x = rand_vec(n, 1.0f, 0.0f, &s);
		c.wout = rand_vec((size_t)c.B * c.C, 1.0f, 0.0f, &s);
		c.out = zeros((size_t)c.B * c.C);
		float *dx = zeros(n);

		gpt_pool_backward(dx, c.wout, c.lengths, c.B, c.T, c.C, mean);
		fd_check(mean ? "pool mean dx" : "pool last dx", pool_loss, &c, c.x, dx, n);
		for (uint32_t t = 2; t < c.T; t++)   /* past row 1's length */
			for (uint32_t i = 0; i < c.C; i++)
				assert_true(dx[(c.T + t) * c.C + i] == 0.0f);
		free(c.x), free(c.wout), free(c.out), free(dx);
	}
}

static void test_dropout(void **state)
{
	(void)state;
	enum { N = 100000 };
	float *a = tt_xmalloc(N * sizeof *a), *b = tt_xmalloc(N * sizeof *b);
	size_t kept = 0, same = 0;

	for (size_t i = 0; i < N; i++)
		a[i] = b[i] = 1.0f;
	gpt_dropout(a, N, 0.25f, 42, 1);
	gpt_dropout(b, N, 0.25f, 42, 2);
	for (size_t i = 0; i < N; i++) {
		assert_true(a[i] == 0.0f || fabsf(a[i] - 1.0f / 0.75f) < 1e-6f);
		kept += a[i] != 0.0f;
		same += (a[i] != 0.0f) == (b[i] != 0.0f);
	}
	assert_true(kept > N * 0.74 && kept < N * 0.76);
	assert_true(same < N * 0.66);   /* another stream, another mask (0.625 expected) */
	/* the same (seed, stream) gives the same mask */
	for (size_t i = 0; i < N; i++)
		b[i] = 1.0f;
	gpt_dropout(b, N, 0.25f, 42, 1);
	assert_memory_equal(a, b, N * sizeof *a);
	gpt_dropout(b, N, 0.0f, 42, 1);
	assert_memory_equal(a, b, N * sizeof *a);
	free(a), free(b);
}

/* ---- the whole model -------------------------------------------------- */

struct model_ctx {
	struct gpt *g;
	const int32_t *tokens, *targets, *labels;
	const uint32_t *lengths;
	uint32_t B, T;
	int classify;
	enum gpt_pool pool;
};

static double model_loss(void *p)
{
	struct model_ctx *c = p;
	struct tt_err err;
	float loss;
	int rc = c->classify ?
			 gpt_forward_classify(c->g, c->tokens, c->lengths, c->labels, c->B, c->T,
					      c->pool, &loss, &err) :
			 gpt_forward(c->g, c->tokens, c->targets, c->B, c->T, &loss, &err);

	assert_int_equal(rc, 0);
	return loss;
}

static void check_model(int classify, enum gpt_pool pool, float dropout)
{
	struct gpt_config cfg = {.vocab = 16, .ctx = 8, .dim = 8, .layers = 2, .heads = 2,
				 .nlabels = 3, .dropout = dropout};
	struct tt_err err;
	struct gpt *g = gpt_create(&cfg, 9, &err);
	uint64_t s = 8;
	int32_t tokens[12] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13};
	int32_t targets[12] = {5, 9, 15, 0, -1, 6, 7, 2, 11, 4, 13, 1};
	int32_t labels[2] = {2, 0};
	uint32_t lengths[2] = {6, 3};
	struct model_ctx c = {g, tokens, targets, labels, lengths, 2, 6, classify, pool};

	assert_non_null(g);
	/* weights far from the initialization, so every path carries gradient */
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];
		int ln_w = strstr(v->name, "ln_") && strstr(v->name, ".weight");

		for (size_t j = 0; j < v->numel; j++)
			v->data[j] = (ln_w ? 1.0f : 0.0f) + (v->ndim == 2 ? 0.4f : 0.2f) * urand(&s);
	}
	assert_int_equal(gpt_reserve(g, 2, 6, &err), 0);
	gpt_set_training(g, dropout > 0.0f, 1234);
	gpt_zero_grad(g);
	model_loss(&c);
	gpt_backward(g);
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];
		char what[128];
		size_t n = v->numel < 12 ? v->numel : 12;
		double norm = 0.0;

		for (size_t j = 0; j < v->numel; j++)
			norm += (double)v->grad[j] * v->grad[j];
		int unused = classify ? 0 : strcmp(v->name, "score.weight") == 0;

		if (unused ? norm != 0.0 : norm == 0.0)
			fail_msg("%s: gradient norm %g", v->name, norm);
		snprintf(what, sizeof what, "%s %s%s", classify ? "classify" : "lm", v->name,
			 dropout > 0 ? " (dropout)" : "");
		/* the first entries and a spread over the rest */
		fd_check(what, model_loss, &c, v->data, v->grad, n);
		if (v->numel > n) {
			size_t j = v->numel / 2 + 1;

			fd_check(what, model_loss, &c, v->data + j, v->grad + j, 1);
		}
	}
	gpt_destroy(g);
}

static void test_model_lm_grad(void **state)
{
	(void)state;
	check_model(0, GPT_POOL_LAST, 0.0f);
	check_model(0, GPT_POOL_LAST, 0.2f);
}

static void test_model_classify_grad(void **state)
{
	(void)state;
	check_model(1, GPT_POOL_LAST, 0.0f);
	check_model(1, GPT_POOL_MEAN, 0.2f);
}

/* Dropout is off unless training; with it on, the loss depends on the seed. */
static void test_model_dropout_switch(void **state)
{
	(void)state;
	struct gpt_config cfg;
	struct tt_err err;
	int32_t tokens[8] = {1, 2, 3, 4, 5, 6, 7, 8}, targets[8] = {2, 3, 4, 5, 6, 7, 8, 9};
	float a, b, c, d;

	assert_int_equal(gpt_config_preset("gpt-tiny", &cfg), 0);
	cfg.vocab = 32;
	cfg.ctx = 8;
	cfg.dim = 16;
	struct gpt *g = gpt_create(&cfg, 1, &err);

	assert_int_equal(gpt_reserve(g, 1, 8, &err), 0);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 8, &a, &err), 0);
	gpt_set_training(g, true, 5);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 8, &b, &err), 0);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 8, &c, &err), 0);
	gpt_set_training(g, true, 6);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 8, &d, &err), 0);
	assert_true(a != b);
	assert_true(b == c);
	assert_true(b != d);
	gpt_set_training(g, false, 6);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 8, &d, &err), 0);
	assert_true(a == d);
	gpt_destroy(g);
}

/* Two backward passes without zero_grad add up: twice the gradient. */
static void test_model_backward_accumulates(void **state)
{
	(void)state;
	struct gpt_config cfg = {.vocab = 16, .ctx = 8, .dim = 8, .layers = 1, .heads = 2};
	struct tt_err err;
	struct gpt *g = gpt_create(&cfg, 4, &err);
	int32_t tokens[6] = {1, 2, 3, 4, 5, 6}, targets[6] = {2, 3, 4, 5, 6, 7};
	float loss;

	assert_int_equal(gpt_reserve(g, 1, 6, &err), 0);
	gpt_zero_grad(g);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 6, &loss, &err), 0);
	gpt_backward(g);
	float *once = tt_xmalloc(g->nparams * sizeof *once);

	memcpy(once, g->grads, g->nparams * sizeof *once);
	assert_int_equal(gpt_forward(g, tokens, targets, 1, 6, &loss, &err), 0);
	gpt_backward(g);
	for (size_t i = 0; i < g->nparams; i++)
		assert_float_equal(g->grads[i], 2.0f * once[i], 1e-6f + 1e-5f * fabsf(once[i]));
	/* backward without a new forward adds nothing (the logits are spent) */
	memcpy(once, g->grads, g->nparams * sizeof *once);
	gpt_backward(g);
	assert_memory_equal(once, g->grads, g->nparams * sizeof *once);
	free(once);
	gpt_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layernorm_grad),
		cmocka_unit_test(test_matmul_grad),
		cmocka_unit_test(test_attention_grad),
		cmocka_unit_test(test_gelu_grad),
		cmocka_unit_test(test_encoder_grad),
		cmocka_unit_test(test_crossentropy_grad),
		cmocka_unit_test(test_pool_grad),
		cmocka_unit_test(test_dropout),
		cmocka_unit_test(test_model_lm_grad),
		cmocka_unit_test(test_model_classify_grad),
		cmocka_unit_test(test_model_dropout_switch),
		cmocka_unit_test(test_model_backward_accumulates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
