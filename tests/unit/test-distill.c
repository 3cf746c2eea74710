/*
 * test-distill.c - the n-gram model's distillation loss (model-ngram.c,
 * model.h's soft targets): gradients against central differences, a
 * reference value and gradient from PyTorch, the temperature's fixed
 * point, and alpha 0 training bit for bit as hard labels alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/model.h"

enum { NIN = 11, NLAB = 4, DIM = 13 };

static struct model *make_model(uint32_t nin, uint32_t nlab, uint32_t dim, uint64_t seed)
{
	struct model_config cfg = { 0 };
	struct tt_err err;
	struct model *m;

	cfg.type = "ngram";
	cfg.ninputs = nin;
	cfg.nlabels = nlab;
	cfg.dim = dim;
	cfg.loss = MODEL_LOSS_SOFTMAX;
	cfg.seed = seed;
	m = model_create(&cfg, &err);
	assert_non_null(m);
	return m;
}

static float *view_data(struct model *m, const char *name, uint64_t *numel)
{
	struct model_view v;

	assert_int_equal(model_find_view(m, name, &v), 0);
	if (numel)
		*numel = model_view_numel(&v);
	return v.data;
}

static void randomize_output(struct model *m, uint64_t seed)
{
	struct model_rng r;
	uint64_t n;
	float *w = view_data(m, "ngram.output.weight", &n);

	model_rng_seed(&r, seed);
	for (uint64_t i = 0; i < n; i++)
		w[i] = 2.0f * model_rng_uniform(&r) - 1.0f;
}

static float *param_ptr(struct model *m, size_t i)
{
	uint64_t nin;
	float *in = view_data(m, "ngram.input.weight", &nin);
	float *out = view_data(m, "ngram.output.weight", NULL);

	return i < nin ? in + i : out + (i - nin);
}

/* The gradient views, input then output, densely into g [nparams]. */
static void read_grad(struct model *m, float *g)
{
	struct model_view v;
	size_t off = 0;

	for (size_t i = 0; i < model_nviews(m); i++) {
		model_view(m, i, &v);
		uint64_t n = model_view_numel(&v), cols = v.shape[1];

		memset(g + off, 0, n * sizeof *g);
		if (v.grad != NULL && v.grad_rows == NULL)
			memcpy(g + off, v.grad, n * sizeof *g);
		for (size_t k = 0; v.grad != NULL && k < v.ngrad_rows; k++)
			memcpy(g + off + v.grad_rows[k] * cols, v.grad + k * cols, cols * sizeof *g);
		off += n;
	}
}

static float batch_grad(struct model *m, struct model_ws *ws, const struct model_example *ex,
			size_t n, const struct model_hparams *hp, float *g)
{
	struct tt_err err;
	float loss;

	assert_int_equal(model_grad_alloc(m, &err), 0);
	model_zero_grad(m);
	loss = model_forward(m, ws, ex, n, hp, NULL);
	model_backward(m, ws);
	read_grad(m, g);
	return loss;
}

/*
 * Central differences on every parameter (as test-model-ngram.c's
 * grad_check): relative error < 1e-2 above the float noise floor.
 */
static void grad_check(struct model *m, const struct model_example *ex, size_t n,
		       const struct model_hparams *hp)
{
	size_t np = model_nparams(m), nchecked = 0;
	float *g = calloc(np, sizeof *g);
	struct model_ws *ws = model_ws_create(m);
	const double h = 3e-2;
	/* the float loss's rounding grows with the loss (T^2 scales it) */
	double floor = fmax(1.0, fabs(batch_grad(m, ws, ex, n, hp, g)));

	for (size_t i = 0; i < np; i++) {
		float *p = param_ptr(m, i), save = *p;
		double lp, lm, num, err, scale;

		*p = save + (float)h;
		lp = model_forward(m, ws, ex, n, hp, NULL);
		*p = save - (float)h;
		lm = model_forward(m, ws, ex, n, hp, NULL);
		*p = save;
		num = (lp - lm) / (2.0 * h);
		err = fabs(num - g[i]);
		scale = fmax(fabs(num), fabs(g[i]));
		if (scale < 1e-3 * floor) {
			if (err >= 5e-5 * floor)
				fail_msg("param %zu: analytic %g numeric %g", i, (double)g[i], num);
			continue;
		}
		if (err / scale >= 1e-2)
			fail_msg("param %zu: analytic %g numeric %g", i, (double)g[i], num);
		nchecked++;
	}
	assert_true(nchecked > 20);
	model_ws_destroy(m, ws);
	free(g);
}

static const uint32_t ex_ids[] = { 0, 3, 7, 3, 10 };
static const float teacher[NLAB] = { 0.1f, 0.6f, 0.25f, 0.05f };

/* Labeled and unlabeled examples in one batch, with smoothing and class weights. */
static void test_grad_distill(void **state)
{
	struct model *m = make_model(NIN, NLAB, DIM, 3);
	const float w[NLAB] = { 0.5f, 2.0f, 1.0f, 3.0f };
	const float t2[NLAB] = { 0.0f, 0.0f, 1.0f, 0.0f };       /* a zero probability */
	uint32_t y = 2;
	struct model_example ex[3] = {
		{ ex_ids, 5, &y, 1, teacher },
		{ ex_ids + 1, 3, &y, 0, teacher },                 /* unlabeled: soft only */
		{ ex_ids + 2, 2, &y, 1, t2 },
	};
	struct model_hparams hp;
	const float temps[] = { 1.0f, 2.0f, 4.5f };
	const float alphas[] = { 0.5f, 1.0f, 0.2f };

	(void)state;
	randomize_output(m, 5);
	for (size_t k = 0; k < 3; k++) {
		model_hparams_default(&hp);
		hp.distill_alpha = alphas[k];
		hp.distill_temperature = temps[k];
		hp.label_smoothing = k == 2 ? 0.1f : 0.0f;
		hp.class_weights = k == 2 ? w : NULL;
		grad_check(m, ex, 3, &hp);
	}
	model_destroy(m);
}

/*
 * dim 1, one input row of 1: scores = the output column, d loss / d output
 * = d loss / d scores. Reference values from PyTorch 1.13 in float64:
 *   u = t**(1/T) / sum; L = a T^2 -(u * log_softmax(z/T)).sum()
 *       + (1-a) cross_entropy(z, y)
 * with z = (1, -0.5, 2), t = (0.2, 0.1, 0.7).
 */
static void test_reference(void **state)
{
	static const struct {
		float T, a;
		int y;          /* -1: unlabeled */
		double loss, grad[3];
	} cases[] = {
		{ 2.0f, 0.5f, 0, 2.735698083, { -0.332231587, -0.017977197, 0.350208784 } },
		{ 3.0f, 1.0f, -1, 9.597067819, { 0.093487683, -0.112835032, 0.019347349 } },
		{ 1.0f, 0.25f, 2, 0.484039032, { 0.203716182, 0.031611732, -0.235327914 } },
	};
	const float z[3] = { 1.0f, -0.5f, 2.0f }, t[3] = { 0.2f, 0.1f, 0.7f };
	const uint32_t id = 0;

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct model *m = make_model(1, 3, 1, 1);
		struct model_ws *ws = model_ws_create(m);
		uint32_t y = cases[k].y < 0 ? 0 : (uint32_t)cases[k].y;
		struct model_example ex = { &id, 1, &y, cases[k].y < 0 ? 0 : 1, t };
		struct model_hparams hp;
		float g[4], loss;

		view_data(m, "ngram.input.weight", NULL)[0] = 1.0f;
		memcpy(view_data(m, "ngram.output.weight", NULL), z, sizeof z);
		model_hparams_default(&hp);
		hp.distill_alpha = cases[k].a;
		hp.distill_temperature = cases[k].T;
		loss = batch_grad(m, ws, &ex, 1, &hp, g);
		assert_float_equal(loss, cases[k].loss, 2e-6 * fmax(1.0, cases[k].loss));
		for (int c = 0; c < 3; c++)
			assert_float_equal(g[1 + c], cases[k].grad[c], 2e-6);
		model_ws_destroy(m, ws);
		model_destroy(m);
	}
}

/*
 * The temperature: a teacher whose probabilities are softmax(z) itself is
 * matched exactly at every T (softening both sides alike), so with alpha 1
 * the gradient vanishes; a sharper teacher does not.
 */
static void test_temperature_fixed_point(void **state)
{
	const float z[3] = { 1.5f, -0.5f, 0.25f };
	const uint32_t id = 0;
	float t[3], sharp[3] = { 0.98f, 0.01f, 0.01f }, sum = 0;

	(void)state;
	for (int c = 0; c < 3; c++)
		sum += t[c] = expf(z[c]);
	for (int c = 0; c < 3; c++)
		t[c] /= sum;
	for (float T = 0.5f; T < 6.0f; T += 1.5f) {
		struct model *m = make_model(1, 3, 1, 1);
		struct model_ws *ws = model_ws_create(m);
		struct model_example ex = { &id, 1, NULL, 0, t };
		struct model_hparams hp;
		float g[4];

		view_data(m, "ngram.input.weight", NULL)[0] = 1.0f;
		memcpy(view_data(m, "ngram.output.weight", NULL), z, sizeof z);
		model_hparams_default(&hp);
		hp.distill_alpha = 1.0f;
		hp.distill_temperature = T;
		batch_grad(m, ws, &ex, 1, &hp, g);
		for (int c = 0; c < 3; c++)
			assert_true(fabsf(g[1 + c]) < 1e-6f);
		ex.soft = sharp;
		batch_grad(m, ws, &ex, 1, &hp, g);
		assert_true(g[1] < -1e-3f);     /* pulled towards the sharper class 0 */
		model_ws_destroy(m, ws);
		model_destroy(m);
	}
}

/* SGD fast path over a toy set; returns the model (weights after training). */
static struct model *train_toy(float alpha, int with_soft)
{
	static const uint32_t ids[6][3] = {
		{ 0, 1, 2 }, { 3, 4, 5 }, { 6, 7, 8 }, { 0, 4, 8 }, { 1, 5, 6 }, { 2, 3, 7 },
	};
	static const uint32_t ys[6] = { 0, 1, 2, 0, 1, 2 };
	static const float soft[6][3] = {
		{ 0.7f, 0.2f, 0.1f }, { 0.1f, 0.8f, 0.1f }, { 0.2f, 0.2f, 0.6f },
		{ 0.5f, 0.4f, 0.1f }, { 0.3f, 0.6f, 0.1f }, { 0.1f, 0.3f, 0.6f },
	};
	struct model *m = make_model(9, 3, 8, 7);
	struct model_ws *ws = model_ws_create(m);
	struct model_hparams hp;
	struct model_rng rng;

	model_hparams_default(&hp);
	hp.lr = 0.3f;
	hp.dropout = 0.2f;
	hp.weight_decay = 0.01f;
	hp.distill_alpha = alpha;
	hp.distill_temperature = 2.0f;
	model_rng_seed(&rng, 11);
	for (int e = 0; e < 20; e++) {
		for (int i = 0; i < 6; i++) {
			struct model_example ex = { ids[i], 3, &ys[i], 1, with_soft ? soft[i] : NULL };

			model_sgd_fast(m, ws, &ex, &hp, &rng);
		}
	}
	model_ws_destroy(m, ws);
	return m;
}

static int same_weights(struct model *a, struct model *b)
{
	uint64_t na, nb;
	const float *ia = view_data(a, "ngram.input.weight", &na);
	const float *ib = view_data(b, "ngram.input.weight", &nb);
	const float *oa = view_data(a, "ngram.output.weight", NULL);
	const float *ob = view_data(b, "ngram.output.weight", NULL);

	return na == nb && memcmp(ia, ib, na * sizeof *ia) == 0 &&
	       memcmp(oa, ob, 3 * 8 * sizeof *oa) == 0;
}

/* alpha 0 with soft targets present trains bit for bit as hard labels alone. */
static void test_alpha_zero_is_hard(void **state)
{
	struct model *hard = train_toy(0.0f, 0), *zero = train_toy(0.0f, 1);
	struct model *half = train_toy(0.5f, 1);

	(void)state;
	assert_true(same_weights(hard, zero));
	assert_false(same_weights(hard, half));
	model_destroy(hard);
	model_destroy(zero);
	model_destroy(half);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_distill),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_temperature_fixed_point),
		cmocka_unit_test(test_alpha_zero_is_hard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
