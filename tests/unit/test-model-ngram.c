/*
 * test-model-ngram.c - the fastText-style classifier through the model
 * interface: forward/backward gradients checked against central
 * differences, the SGD fast path and optim.c's SGD/AdamW against the
 * gradient and each other, frozen views, gradient accumulation, learning a
 * separable toy set, probabilities, determinism, views.
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
#include "tunetop/optim.h"
#include "tunetop/tokenize.h"

enum { NIN = 11, NLAB = 4, DIM = 13 };  /* 13: exercises the unrolled tails */

static struct model *
make_model(enum model_loss loss, uint32_t nin, uint32_t nlab, uint32_t dim, uint64_t seed)
{
	struct model_config cfg = { 0 };
	struct tt_err err;
	struct model *m;

	cfg.type = "ngram";
	cfg.ninputs = nin;
	cfg.nlabels = nlab;
	cfg.dim = dim;
	cfg.loss = loss;
	cfg.seed = seed;
	m = model_create(&cfg, &err);
	assert_non_null(m);
	return m;
}

static float *
view_data(struct model *m, const char *name, uint64_t *numel)
{
	struct model_view v;

	assert_int_equal(model_find_view(m, name, &v), 0);
	if (numel)
		*numel = model_view_numel(&v);
	return v.data;
}

/* The output matrix starts at zero, which hides input gradients: fill it. */
static void
randomize_output(struct model *m, uint64_t seed)
{
	struct model_rng r;
	uint64_t n;
	float *w = view_data(m, "ngram.output.weight", &n);

	model_rng_seed(&r, seed);
	for (uint64_t i = 0; i < n; i++)
		w[i] = 2.0f * model_rng_uniform(&r) - 1.0f;
}

/* Parameter i of the dense gradient layout: input then output. */
static float *
param_ptr(struct model *m, size_t i)
{
	uint64_t nin;
	float *in = view_data(m, "ngram.input.weight", &nin);
	float *out = view_data(m, "ngram.output.weight", NULL);

	return i < nin ? in + i : out + (i - nin);
}

/* Loss of one example (forward on a batch of one). */
static float
ex_loss(struct model *m, struct model_ws *ws, const struct model_example *ex,
	   const struct model_hparams *hp, struct model_rng *rng)
{
	return model_forward(m, ws, ex, 1, hp, rng);
}

/* The gradient views, input then output, densely into g [nparams] (0 where frozen). */
static void
read_grad(struct model *m, float *g)
{
	struct model_view v;
	size_t off = 0;

	for (size_t i = 0; i < model_nviews(m); i++) {
		model_view(m, i, &v);
		uint64_t n = model_view_numel(&v), cols = v.shape[1];
		if (v.grad == NULL || v.grad_rows != NULL)
			memset(g + off, 0, n * sizeof *g);
		if (v.grad != NULL && v.grad_rows == NULL)
			memcpy(g + off, v.grad, n * sizeof *g);
		/* row-sparse: row k of grad is the gradient of row grad_rows[k] */
		for (size_t k = 0; v.grad != NULL && k < v.ngrad_rows; k++)
			memcpy(g + off + v.grad_rows[k] * cols, v.grad + k * cols, cols * sizeof *g);
		off += n;
	}
}

/* Loss and gradient of a batch: zero_grad, forward, backward; weights unchanged. */
static float
batch_grad(struct model *m, struct model_ws *ws, const struct model_example *ex, size_t n,
	   const struct model_hparams *hp, struct model_rng *rng, float *g)
{
	struct tt_err err;
	float loss;

	assert_int_equal(model_grad_alloc(m, &err), 0);
	model_zero_grad(m);
	loss = model_forward(m, ws, ex, n, hp, rng);
	model_backward(m, ws);
	read_grad(m, g);
	return loss;
}

static float
ex_grad(struct model *m, struct model_ws *ws, const struct model_example *ex,
	   const struct model_hparams *hp, struct model_rng *rng, float *g)
{
	return batch_grad(m, ws, ex, 1, hp, rng, g);
}

/*
 * Central differences on every parameter, in double from float losses:
 * relative error < 1e-2 wherever the gradient is above the float noise floor.
 * The rng is restored before every evaluation so dropout masks match.
 */
static void
grad_check(struct model *m, const struct model_example *ex, const struct model_hparams *hp)
{
	size_t np = model_nparams(m);
	float *g = calloc(np, sizeof *g);
	struct model_ws *ws = model_ws_create(m);
	struct model_rng r0, r;
	const double h = 3e-2;     /* float noise ~1e-6 / 2h vs O(h^2) curvature */
	size_t nchecked = 0;

	model_rng_seed(&r0, 99);
	r = r0;
	ex_grad(m, ws, ex, hp, &r, g);
	for (size_t i = 0; i < np; i++) {
		float *p = param_ptr(m, i), save = *p;
		double lp, lm, num, err, scale;

		*p = save + (float)h;
		r = r0;
		lp = ex_loss(m, ws, ex, hp, &r);
		*p = save - (float)h;
		r = r0;
		lm = ex_loss(m, ws, ex, hp, &r);
		*p = save;
		num = (lp - lm) / (2.0 * h);
		err = fabs(num - g[i]);
		scale = fmax(fabs(num), fabs(g[i]));
		/* below ~1e-3 the float loss's rounding (~1e-6 / 2h) dominates */
		if (scale < 1e-3) {
			if (err >= 5e-5)
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

static const uint32_t ex_ids[] = { 0, 3, 7, 3, 10 };   /* 3 repeated */

static void
test_grad_softmax(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 1);
	uint32_t y = 2;
	struct model_example ex = { ex_ids, 5, &y, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	randomize_output(m, 5);
	grad_check(m, &ex, &hp);
	model_destroy(m);
}

static void
test_grad_softmax_smoothing_weights(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 2);
	const float w[NLAB] = { 0.5f, 2.0f, 1.0f, 3.0f };
	uint32_t y[2] = { 1, 3 };
	struct model_example ex = { ex_ids, 5, y, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	hp.label_smoothing = 0.1f;
	hp.class_weights = w;
	randomize_output(m, 6);
	grad_check(m, &ex, &hp);
	ex.ntargets = 2;      /* two labels: uniform target over them */
	grad_check(m, &ex, &hp);
	model_destroy(m);
}

static void
test_grad_softmax_dropout(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 3);
	uint32_t y = 0;
	struct model_example ex = { ex_ids, 5, &y, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	hp.dropout = 0.3f;
	randomize_output(m, 7);
	grad_check(m, &ex, &hp);
	model_destroy(m);
}

static void
test_grad_ova(void **state)
{
	struct model *m = make_model(MODEL_LOSS_OVA, NIN, NLAB, DIM, 4);
	const float w[NLAB] = { 1.0f, 4.0f, 0.25f, 2.0f };
	uint32_t y[2] = { 1, 2 };
	struct model_example ex = { ex_ids, 5, y, 2, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	grad_check(m, &ex, &hp);
	hp.label_smoothing = 0.2f;
	hp.class_weights = w;
	randomize_output(m, 8);
	grad_check(m, &ex, &hp);
	model_destroy(m);
}

/* Loss values against a hand computation at zero output weights. */
static void
test_loss_reference(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 4);
	struct model *o = make_model(MODEL_LOSS_OVA, NIN, NLAB, DIM, 4);
	struct model_ws *ws = model_ws_create(m), *wo = model_ws_create(o);
	uint32_t y = 1;
	struct model_example ex = { ex_ids, 5, &y, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	/* all scores 0: softmax loss log K, OVA loss K log 2 */
	assert_float_equal(ex_loss(m, ws, &ex, &hp, NULL), logf(NLAB), 1e-6);
	assert_float_equal(ex_loss(o, wo, &ex, &hp, NULL), NLAB * logf(2.0f), 1e-5);
	/* smoothing cannot change a uniform prediction's loss; a weight scales it */
	hp.label_smoothing = 0.3f;
	assert_float_equal(ex_loss(m, ws, &ex, &hp, NULL), logf(NLAB), 1e-6);
	const float w[NLAB] = { 1, 3, 1, 1 };
	hp.class_weights = w;
	assert_float_equal(ex_loss(m, ws, &ex, &hp, NULL), 3 * logf(NLAB), 1e-5);
	model_ws_destroy(m, ws);
	model_ws_destroy(o, wo);
	model_destroy(m);
	model_destroy(o);
}

/* One SGD step moves every weight by exactly -lr * gradient. */
static void
check_sgd_matches_grad(enum model_loss loss, float clip)
{
	struct model *m = make_model(loss, NIN, NLAB, DIM, 9);
	size_t np = model_nparams(m);
	float *g = calloc(np, sizeof *g), *before = calloc(np, sizeof *before);
	struct model_ws *ws = model_ws_create(m);
	const uint32_t ids[] = { 1, 4, 9 };     /* distinct: norm is exact */
	uint32_t y = 3;
	struct model_example ex = { ids, 3, &y, 1, NULL };
	struct model_hparams hp;
	struct model_stat st;
	double norm = 0.0, scale;

	model_hparams_default(&hp);
	hp.lr = 0.5f;
	hp.clip = clip;
	randomize_output(m, 10);
	ex_grad(m, ws, &ex, &hp, NULL, g);
	for (size_t i = 0; i < np; i++) {
		before[i] = *param_ptr(m, i);
		norm += (double)g[i] * g[i];
	}
	norm = sqrt(norm);
	st = model_sgd_fast(m, ws, &ex, &hp, NULL);
	assert_float_equal(st.grad_norm, norm, 1e-4 * norm);
	scale = clip > 0 && norm > clip ? clip / norm : 1.0;
	for (size_t i = 0; i < np; i++) {
		double want = before[i] - hp.lr * scale * g[i];
		assert_float_equal(*param_ptr(m, i), want, 1e-6);
	}
	model_ws_destroy(m, ws);
	free(g);
	free(before);
	model_destroy(m);
}

static void
test_sgd_step_is_minus_lr_grad(void **state)
{
	(void)state;
	check_sgd_matches_grad(MODEL_LOSS_SOFTMAX, 0.0f);
	check_sgd_matches_grad(MODEL_LOSS_OVA, 0.0f);
	check_sgd_matches_grad(MODEL_LOSS_SOFTMAX, 0.05f);     /* clipped */
}

/* Lazy L2: only rows the example touches are decayed. */
static void
test_sgd_weight_decay_lazy(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 11);
	struct model_ws *ws = model_ws_create(m);
	float *in = view_data(m, "ngram.input.weight", NULL);
	float row5[DIM], row2[DIM];
	const uint32_t ids[] = { 2 };
	uint32_t y = 0;
	struct model_example ex = { ids, 1, &y, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	hp.lr = 0.1f;
	hp.weight_decay = 0.5f;
	memcpy(row5, in + 5 * DIM, sizeof row5);
	memcpy(row2, in + 2 * DIM, sizeof row2);
	/* output is zero, so gh = 0 and only the decay moves row 2 */
	model_sgd_fast(m, ws, &ex, &hp, NULL);
	assert_memory_equal(in + 5 * DIM, row5, sizeof row5);
	for (int d = 0; d < DIM; d++)
		assert_float_equal(in[2 * DIM + d], row2[d] * 0.95f, 1e-7);
	model_ws_destroy(m, ws);
	model_destroy(m);
}

/* The first AdamW step from zero moments moves each weight by about -lr sign(g). */
static void
test_adamw_first_step(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 12);
	size_t np = model_nparams(m);
	float *g1 = calloc(np, sizeof *g1), *g2 = calloc(np, sizeof *g2);
	float *before = calloc(np, sizeof *before);
	struct model_ws *ws = model_ws_create(m);
	const uint32_t ids_a[] = { 1, 4, 4 }, ids_b[] = { 4, 6 };
	uint32_t ya = 0, yb = 2;
	struct model_example ex[2] = { { ids_a, 3, &ya, 1, NULL }, { ids_b, 2, &yb, 1, NULL } };
	struct model_hparams hp;
	struct model_view v;
	struct tt_err err;
	struct optim *o;

	(void)state;
	model_hparams_default(&hp);
	hp.lr = 0.01f;
	randomize_output(m, 13);
	ex_grad(m, ws, &ex[0], &hp, NULL, g1);
	ex_grad(m, ws, &ex[1], &hp, NULL, g2);
	o = optim_create(m, OPTIM_ADAMW, &err);
	assert_non_null(o);
	assert_int_equal(optim_nviews(o), 5);
	assert_int_equal(optim_find_view(o, "optim.adamw.ngram.input.weight.m", &v), 0);
	assert_int_equal(v.flags, MODEL_VIEW_OPTIM);
	assert_int_equal(optim_find_view(o, "optim.adamw.ngram.output.weight.v", &v), 0);
	for (size_t i = 0; i < np; i++)
		before[i] = *param_ptr(m, i);
	model_zero_grad(m);
	model_forward(m, ws, ex, 2, &hp, NULL);
	model_backward(m, ws);
	optim_step(o, &hp);
	for (size_t i = 0; i < np; i++) {
		float g = 0.5f * (g1[i] + g2[i]);
		float delta = *param_ptr(m, i) - before[i];
		if (i < (size_t)NIN * DIM && g == 0.0f) {
			assert_true(delta == 0.0f);     /* untouched input rows */
			continue;
		}
		if (fabsf(g) < 1e-6f)
			continue;
		assert_float_equal(delta, g > 0 ? -hp.lr : hp.lr, 1e-4);
	}
	assert_int_equal(optim_find_view(o, "optim.adamw.step", &v), 0);
	assert_int_equal(*(int64_t *)v.data, 1);
	/* the moments of input rows no example used stay zero; rows 1, 4, 6 moved */
	assert_int_equal(optim_find_view(o, "optim.adamw.ngram.input.weight.m", &v), 0);
	assert_true(((float *)v.data)[0 * DIM] == 0.0f && ((float *)v.data)[2 * DIM] == 0.0f);
	assert_true(((float *)v.data)[4 * DIM] != 0.0f);
	assert_true(v.touched[1] && v.touched[4] && v.touched[6] && !v.touched[0]);
	optim_destroy(o);
	model_ws_destroy(m, ws);
	free(g1);
	free(g2);
	free(before);
	model_destroy(m);
}

/* ---- learning a toy task ----------------------------------------------- */

struct toy {
	struct tok_vocab vocab;
	uint32_t ids[16][32];
	uint32_t nids[16];
	uint32_t labels[16];
	size_t n;
};

static const struct {
	const char *text;
	uint32_t label;
} toy_data[] = {
	{ "the movie was good", 0 },      { "a good film", 0 },
	{ "good acting and a good plot", 0 }, { "really good", 0 },
	{ "the story was good fun", 0 },  { "good", 0 },
	{ "the movie was bad", 1 },       { "a bad film", 1 },
	{ "bad acting and a bad plot", 1 }, { "really bad", 1 },
	{ "the story was bad fun", 1 },   { "bad", 1 },
};

static void
toy_build(struct toy *t, int word_ngrams)
{
	struct tok_config c;

	tok_config_default(&c);
	c.word_ngrams = word_ngrams;
	c.buckets = 101;
	tok_vocab_init(&t->vocab, &c);
	t->n = sizeof toy_data / sizeof toy_data[0];
	for (size_t i = 0; i < t->n; i++)
		tok_vocab_add_text(&t->vocab, toy_data[i].text, strlen(toy_data[i].text));
	tok_vocab_finish(&t->vocab);
	for (size_t i = 0; i < t->n; i++) {
		size_t k = tok_encode(&t->vocab, toy_data[i].text, strlen(toy_data[i].text),
				      t->ids[i], 32, NULL);
		assert_true(k <= 32);
		t->nids[i] = (uint32_t)k;
		t->labels[i] = toy_data[i].label;
	}
}

static struct model_example
toy_example(const struct toy *t, size_t i)
{
	struct model_example ex = { t->ids[i], t->nids[i], &t->labels[i], 1, NULL };
	return ex;
}

static double
toy_accuracy(const struct model *m, struct model_ws *ws, const struct toy *t)
{
	size_t ok = 0;
	float p[2];

	for (size_t i = 0; i < t->n; i++) {
		model_predict(m, ws, t->ids[i], t->nids[i], p);
		ok += (p[1] > p[0]) == (t->labels[i] == 1);
	}
	return (double)ok / (double)t->n;
}

static void
test_sgd_learns_toy(void **state)
{
	struct toy t;
	struct model *m;
	struct model_ws *ws;
	struct model_hparams hp;
	struct model_rng rng;
	float first = 0, last = 0;

	(void)state;
	toy_build(&t, 2);
	m = make_model(MODEL_LOSS_SOFTMAX, tok_vocab_nfeatures(&t.vocab), 2, 10, 42);
	ws = model_ws_create(m);
	model_hparams_default(&hp);
	hp.lr = 0.5f;
	hp.dropout = 0.1f;
	model_rng_seed(&rng, 7);
	for (int epoch = 0; epoch < 10; epoch++) {
		float sum = 0;
		for (size_t k = 0; k < t.n; k++) {
			size_t i = (k * 7 + (size_t)epoch) % t.n;      /* a fixed shuffle */
			struct model_example ex = toy_example(&t, i);
			sum += model_sgd_fast(m, ws, &ex, &hp, &rng).loss;
		}
		if (epoch == 0)
			first = sum;
		last = sum;
	}
	assert_true(last < 0.5f * first);
	assert_true(toy_accuracy(m, ws, &t) == 1.0);
	model_ws_destroy(m, ws);
	model_destroy(m);
	tok_vocab_fini(&t.vocab);
}

static void
test_adamw_learns_toy(void **state)
{
	struct toy t;
	struct model *m;
	struct model_ws *ws;
	struct model_hparams hp;
	struct model_example batch[4];
	struct tt_err err;
	struct optim *o;

	(void)state;
	toy_build(&t, 1);
	m = make_model(MODEL_LOSS_SOFTMAX, tok_vocab_nfeatures(&t.vocab), 2, 10, 43);
	ws = model_ws_create(m);
	o = optim_create(m, OPTIM_ADAMW, &err);
	assert_non_null(o);
	model_hparams_default(&hp);
	hp.lr = 0.05f;
	hp.weight_decay = 0.01f;
	for (int epoch = 0; epoch < 20; epoch++) {
		for (size_t b = 0; b < t.n; b += 4) {
			for (size_t j = 0; j < 4; j++)
				batch[j] = toy_example(&t, (b + j * 3 + (size_t)epoch) % t.n);
			model_zero_grad(m);
			model_forward(m, ws, batch, 4, &hp, NULL);
			model_backward(m, ws);
			optim_step(o, &hp);
		}
	}
	assert_true(toy_accuracy(m, ws, &t) == 1.0);
	optim_destroy(o);
	model_ws_destroy(m, ws);
	model_destroy(m);
	tok_vocab_fini(&t.vocab);
}

static void
test_ova_learns_toy(void **state)
{
	struct toy t;
	struct model *m;
	struct model_ws *ws;
	struct model_hparams hp;

	(void)state;
	toy_build(&t, 1);
	m = make_model(MODEL_LOSS_OVA, tok_vocab_nfeatures(&t.vocab), 2, 10, 44);
	ws = model_ws_create(m);
	model_hparams_default(&hp);
	hp.lr = 0.5f;
	for (int epoch = 0; epoch < 10; epoch++)
		for (size_t i = 0; i < t.n; i++) {
			struct model_example ex = toy_example(&t, i);
			model_sgd_fast(m, ws, &ex, &hp, NULL);
		}
	assert_true(toy_accuracy(m, ws, &t) == 1.0);
	model_ws_destroy(m, ws);
	model_destroy(m);
	tok_vocab_fini(&t.vocab);
}

/* ---- prediction, determinism, views ------------------------------------ */

static void
test_predict_probs(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 20);
	struct model *o = make_model(MODEL_LOSS_OVA, NIN, NLAB, DIM, 20);
	struct model_ws *ws = model_ws_create(m), *wo = model_ws_create(o);
	float p[NLAB];
	double sum = 0;

	(void)state;
	randomize_output(m, 21);
	randomize_output(o, 21);
	model_predict(m, ws, ex_ids, 5, p);
	for (int c = 0; c < NLAB; c++) {
		assert_true(p[c] > 0.0f && p[c] < 1.0f);
		sum += p[c];
	}
	assert_float_equal(sum, 1.0, 1e-6);
	/* no ids at all: uniform */
	model_predict(m, ws, NULL, 0, p);
	for (int c = 0; c < NLAB; c++)
		assert_float_equal(p[c], 1.0f / NLAB, 1e-7);
	/* OVA: independent sigmoids, each in (0, 1) */
	model_predict(o, wo, ex_ids, 5, p);
	sum = 0;
	for (int c = 0; c < NLAB; c++) {
		assert_true(p[c] > 0.0f && p[c] < 1.0f);
		sum += p[c];
	}
	assert_true(fabs(sum - 1.0) > 1e-3);
	model_ws_destroy(m, ws);
	model_ws_destroy(o, wo);
	model_destroy(m);
	model_destroy(o);
}

static void
train_steps(struct model *m, uint64_t rng_seed, int steps)
{
	struct model_ws *ws = model_ws_create(m);
	struct model_hparams hp;
	struct model_rng rng;

	model_hparams_default(&hp);
	hp.lr = 0.3f;
	hp.dropout = 0.25f;
	hp.weight_decay = 1e-3f;
	model_rng_seed(&rng, rng_seed);
	for (int s = 0; s < steps; s++) {
		uint32_t ids[4], y = (uint32_t)(model_rng_next(&rng) % NLAB);
		for (int k = 0; k < 4; k++)
			ids[k] = (uint32_t)(model_rng_next(&rng) % NIN);
		struct model_example ex = { ids, 4, &y, 1, NULL };
		model_sgd_fast(m, ws, &ex, &hp, &rng);
	}
	model_ws_destroy(m, ws);
}

static void
test_determinism(void **state)
{
	struct model *a = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 77);
	struct model *b = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 77);
	struct model *c = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 78);
	size_t np = model_nparams(a);
	int same_c = 1;

	(void)state;
	train_steps(a, 5, 200);
	train_steps(b, 5, 200);
	train_steps(c, 5, 200);
	for (size_t i = 0; i < np; i++) {
		assert_true(*param_ptr(a, i) == *param_ptr(b, i));
		same_c &= *param_ptr(a, i) == *param_ptr(c, i);
	}
	assert_false(same_c);
	model_destroy(a);
	model_destroy(b);
	model_destroy(c);
}

static void
test_init_and_views(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 30);
	struct model_view v;
	uint64_t n;
	float *in, *out;

	(void)state;
	assert_int_equal(model_nparams(m), (NIN + NLAB) * DIM);
	model_view(m, 0, &v);
	assert_string_equal(v.name, "ngram.input.weight");
	assert_int_equal(v.flags, MODEL_VIEW_PARAM);
	assert_int_equal(v.ndim, 2);
	assert_int_equal(v.shape[0], NIN);
	assert_int_equal(v.shape[1], DIM);
	in = view_data(m, "ngram.input.weight", &n);
	for (uint64_t i = 0; i < n; i++)
		assert_true(fabsf(in[i]) <= 1.0f / DIM);
	out = view_data(m, "ngram.output.weight", &n);
	assert_int_equal(n, NLAB * DIM);
	for (uint64_t i = 0; i < n; i++)
		assert_true(out[i] == 0.0f);
	assert_int_equal(model_nviews(m), 2);
	assert_true(v.trainable);
	assert_null(v.grad);            /* no gradient memory until grad_alloc */
	assert_int_equal(model_find_view(m, "optim.adamw.step", &v), -1);
	model_destroy(m);
}

static void
test_create_errors(void **state)
{
	struct model_config cfg = { 0 };
	struct tt_err err;

	(void)state;
	cfg.type = "ngram";
	cfg.ninputs = 10;
	cfg.nlabels = 2;
	cfg.dim = 0;
	tt_err_clear(&err);
	assert_null(model_create(&cfg, &err));
	assert_non_null(strstr(err.msg, "dim"));
	cfg.dim = 8;
	cfg.nlabels = 0;
	assert_null(model_create(&cfg, &err));
	cfg.nlabels = 2;
	cfg.type = "bert";
	assert_null(model_create(&cfg, &err));
	assert_non_null(strstr(err.msg, "bert"));
	assert_non_null(model_find("ngram"));
	assert_null(model_find("nope"));
}

/* Ids or labels out of range are ignored, never read or written. */
static void
test_out_of_range_ignored(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 31);
	struct model_ws *ws = model_ws_create(m);
	const uint32_t ids[] = { 2, NIN, 100000 }, ids2[] = { 2 };
	uint32_t y[2] = { 1, NLAB + 5 }, y2 = 1;
	struct model_example ex = { ids, 3, y, 2, NULL }, ex2 = { ids2, 1, &y2, 1, NULL };
	struct model_hparams hp;

	(void)state;
	model_hparams_default(&hp);
	randomize_output(m, 32);
	assert_float_equal(ex_loss(m, ws, &ex, &hp, NULL), ex_loss(m, ws, &ex2, &hp, NULL),
			   1e-7);
	model_sgd_fast(m, ws, &ex, &hp, NULL);
	model_ws_destroy(m, ws);
	model_destroy(m);
}

/* ---- forward/backward and optim.c against the fast path ---------------- */

/*
 * optim.c's SGD on a batch of one moves every weight exactly as the fused
 * fast path does (distinct ids, so lazy decay reaches each row once),
 * with and without clipping and weight decay, and reports the same norm.
 */
static void
check_optim_sgd_matches_fast(enum model_loss loss, float clip, float wd)
{
	struct model *a = make_model(loss, NIN, NLAB, DIM, 14);
	struct model *b = make_model(loss, NIN, NLAB, DIM, 14);
	struct model_ws *wa = model_ws_create(a), *wb = model_ws_create(b);
	const uint32_t ids[] = { 1, 4, 9 };
	uint32_t y = 2;
	struct model_example ex = { ids, 3, &y, 1, NULL };
	struct model_hparams hp;
	struct model_stat st;
	struct tt_err err;
	struct optim *o = optim_create(b, OPTIM_SGD, &err);
	float gn;

	assert_non_null(o);
	assert_int_equal(optim_nviews(o), 0);
	model_hparams_default(&hp);
	hp.lr = 0.4f;
	hp.clip = clip;
	hp.weight_decay = wd;
	randomize_output(a, 15);
	randomize_output(b, 15);
	for (int step = 0; step < 3; step++) {
		st = model_sgd_fast(a, wa, &ex, &hp, NULL);
		model_zero_grad(b);
		model_forward(b, wb, &ex, 1, &hp, NULL);
		model_backward(b, wb);
		gn = optim_step(o, &hp);
		assert_float_equal(gn, st.grad_norm, 1e-4 * st.grad_norm + 1e-7);
	}
	for (size_t i = 0; i < model_nparams(a); i++)
		assert_float_equal(*param_ptr(a, i), *param_ptr(b, i), 1e-6);
	optim_destroy(o);
	model_ws_destroy(a, wa);
	model_ws_destroy(b, wb);
	model_destroy(a);
	model_destroy(b);
}

static void
test_optim_sgd_matches_fast_path(void **state)
{
	(void)state;
	check_optim_sgd_matches_fast(MODEL_LOSS_SOFTMAX, 0.0f, 0.0f);
	check_optim_sgd_matches_fast(MODEL_LOSS_OVA, 0.0f, 0.1f);
	check_optim_sgd_matches_fast(MODEL_LOSS_SOFTMAX, 0.05f, 0.1f);     /* clipped */
}

/* The gradient of a batch's mean is the mean of the examples' gradients; backward accumulates. */
static void
test_backward_accumulates(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 16);
	struct model_ws *ws = model_ws_create(m);
	size_t np = model_nparams(m);
	float *g1 = calloc(np, sizeof *g1), *g2 = calloc(np, sizeof *g2);
	float *gb = calloc(np, sizeof *gb), *gacc = calloc(np, sizeof *gacc);
	const uint32_t ids_a[] = { 1, 4, 4 }, ids_b[] = { 4, 6, 10 };
	uint32_t ya = 0, yb = 3;
	struct model_example ex[2] = { { ids_a, 3, &ya, 1, NULL }, { ids_b, 3, &yb, 1, NULL } };
	struct model_hparams hp;
	float la, lb, lbatch;
	int nonzero = 0;

	(void)state;
	model_hparams_default(&hp);
	randomize_output(m, 17);
	la = batch_grad(m, ws, &ex[0], 1, &hp, NULL, g1);
	lb = batch_grad(m, ws, &ex[1], 1, &hp, NULL, g2);
	lbatch = batch_grad(m, ws, ex, 2, &hp, NULL, gb);
	assert_float_equal(lbatch, 0.5f * (la + lb), 1e-6);
	/* two passes without zero_grad in between: the sum */
	model_zero_grad(m);
	model_forward(m, ws, &ex[0], 1, &hp, NULL);
	model_backward(m, ws);
	model_forward(m, ws, &ex[1], 1, &hp, NULL);
	model_backward(m, ws);
	read_grad(m, gacc);
	for (size_t i = 0; i < np; i++) {
		assert_float_equal(gb[i], 0.5f * (g1[i] + g2[i]), 1e-6);
		assert_float_equal(gacc[i], g1[i] + g2[i], 1e-6);
		nonzero += gb[i] != 0.0f;
	}
	assert_true(nonzero > 3 * DIM);
	/* zero_grad clears every row the sparse gradient reached */
	model_zero_grad(m);
	read_grad(m, gacc);
	for (size_t i = 0; i < np; i++)
		assert_true(gacc[i] == 0.0f);
	model_ws_destroy(m, ws);
	free(g1);
	free(g2);
	free(gb);
	free(gacc);
	model_destroy(m);
}

/* A frozen view has no gradient memory and no optimizer state, and no step moves it. */
static void
test_frozen_view(void **state)
{
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, NIN, NLAB, DIM, 18);
	struct model_ws *ws = model_ws_create(m);
	const uint32_t ids[] = { 2, 5 };
	uint32_t y = 1;
	struct model_example ex = { ids, 2, &y, 1, NULL };
	struct model_hparams hp;
	struct model_view v;
	struct tt_err err;
	struct optim *o;
	uint64_t nout;
	float *out = view_data(m, "ngram.output.weight", &nout), *in;
	float *save = malloc(nout * sizeof *save), row2[DIM];

	(void)state;
	randomize_output(m, 19);
	memcpy(save, out, nout * sizeof *save);
	assert_int_equal(model_set_trainable(m, "ngram.output.weight", false, &err), 0);
	assert_int_equal(model_set_trainable(m, "nope", false, &err), -1);
	assert_non_null(strstr(err.msg, "nope"));
	o = optim_create(m, OPTIM_ADAMW, &err);
	assert_non_null(o);
	assert_int_equal(model_find_view(m, "ngram.output.weight", &v), 0);
	assert_false(v.trainable);
	assert_null(v.grad);
	assert_int_equal(model_find_view(m, "ngram.input.weight", &v), 0);
	assert_non_null(v.grad);
	assert_int_equal(optim_nviews(o), 3);   /* input m, v and the step */
	assert_int_equal(optim_find_view(o, "optim.adamw.ngram.output.weight.m", &v), -1);
	model_hparams_default(&hp);
	hp.lr = 0.1f;
	in = view_data(m, "ngram.input.weight", NULL);
	memcpy(row2, in + 2 * DIM, sizeof row2);
	model_zero_grad(m);
	model_forward(m, ws, &ex, 1, &hp, NULL);
	model_backward(m, ws);
	optim_step(o, &hp);
	model_sgd_fast(m, ws, &ex, &hp, NULL);
	assert_memory_equal(out, save, nout * sizeof *save);
	assert_memory_not_equal(in + 2 * DIM, row2, sizeof row2);
	optim_destroy(o);
	free(save);
	model_ws_destroy(m, ws);
	model_destroy(m);
}

/* A batch using more input rows than the gradient first has room for: the rows grow. */
static void
test_sparse_grad_grows(void **state)
{
	enum { BIG = 5000, USED = 3000, D = 5 };
	struct model *m = make_model(MODEL_LOSS_SOFTMAX, BIG, NLAB, D, 21);
	struct model_ws *ws = model_ws_create(m);
	uint32_t *ids = malloc(USED * sizeof *ids), y = 1;
	struct model_example ex = { ids, USED, &y, 1, NULL };
	struct model_hparams hp;
	struct model_view v;
	struct tt_err err;

	(void)state;
	for (uint32_t i = 0; i < USED; i++)
		ids[i] = (i * 7) % BIG;         /* distinct: 7 and 5000 are coprime */
	randomize_output(m, 22);
	model_hparams_default(&hp);
	assert_int_equal(model_grad_alloc(m, &err), 0);
	model_zero_grad(m);
	model_forward(m, ws, &ex, 1, &hp, NULL);
	model_backward(m, ws);
	assert_int_equal(model_find_view(m, "ngram.input.weight", &v), 0);
	assert_int_equal(v.ngrad_rows, USED);
	/* every used row gets gh / n: the same nonzero vector */
	assert_true(v.grad[0] != 0.0f);
	for (size_t k = 0; k < USED; k++) {
		assert_int_equal(v.grad_rows[k], ids[k]);
		assert_memory_equal(v.grad + k * D, v.grad, D * sizeof(float));
	}
	model_zero_grad(m);
	assert_int_equal(model_find_view(m, "ngram.input.weight", &v), 0);
	assert_int_equal(v.ngrad_rows, 0);
	free(ids);
	model_ws_destroy(m, ws);
	model_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grad_softmax),
		cmocka_unit_test(test_grad_softmax_smoothing_weights),
		cmocka_unit_test(test_grad_softmax_dropout),
		cmocka_unit_test(test_grad_ova),
		cmocka_unit_test(test_loss_reference),
		cmocka_unit_test(test_sgd_step_is_minus_lr_grad),
		cmocka_unit_test(test_sgd_weight_decay_lazy),
		cmocka_unit_test(test_adamw_first_step),
		cmocka_unit_test(test_sgd_learns_toy),
		cmocka_unit_test(test_adamw_learns_toy),
		cmocka_unit_test(test_ova_learns_toy),
		cmocka_unit_test(test_predict_probs),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_init_and_views),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_out_of_range_ignored),
		cmocka_unit_test(test_optim_sgd_matches_fast_path),
		cmocka_unit_test(test_backward_accumulates),
		cmocka_unit_test(test_frozen_view),
		cmocka_unit_test(test_sparse_grad_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
