/*
 * test-gpt-modes.c - fine-tuning modes of the GPT-2 model (gpt.h):
 *
 * - freezing: frozen views have no gradient memory; the trainable views'
 *   gradients equal the full model's (bit for bit: the same products run);
 *   after AdamW steps the frozen tensors' bytes are unchanged; the LM with
 *   only ln_f trainable, the head-only classifier;
 * - gradient checkpointing: the same loss and gradients as without it
 *   (within 1e-5), with dropout and LoRA; less activation memory;
 * - gradient accumulation: two half batches, each backward weighted by its
 *   share of the targets, equal one full batch within 1e-5 relative, and so
 *   do the weights after one AdamW step (dropout off).
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

#include "tunetop/gpt-lora.h"
#include "tunetop/gpt.h"

enum { B = 4, T = 6 };

static const int32_t tokens[B * T] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13,
				      8, 6, 4, 2, 1, 0, 3, 3, 12, 14, 10, 5};
static const int32_t targets[B * T] = {5, 9, 15, 0, -1, 6, 7, 2, 11, 4, 13, 1,
				       6, 4, 2, 1, 0, -1, 3, 12, 14, 10, -1, -1};
static const int32_t labels[B] = {2, 0, 1, 2};
static const uint32_t lengths[B] = {6, 3, 5, 1};

static float urand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (float)((*s >> 40) * (1.0 / 8388608.0)) - 1.0f;
}

static struct gpt *model(uint32_t layers, float dropout)
{
	struct gpt_config cfg = {.vocab = 16, .ctx = 8, .dim = 8, .layers = layers, .heads = 2,
				 .nlabels = 3, .dropout = dropout};
	struct tt_err err;
	struct gpt *g = gpt_create(&cfg, 9, &err);
	uint64_t s = 8;

	assert_non_null(g);
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];
		int ln_w = strstr(v->name, "ln_") && strstr(v->name, ".weight");

		for (size_t j = 0; j < v->numel; j++)
			v->data[j] = (ln_w ? 1.0f : 0.0f) + (v->ndim == 2 ? 0.4f : 0.2f) * urand(&s);
	}
	assert_int_equal(gpt_reserve(g, B, T, &err), 0);
	return g;
}

static float step(struct gpt *g, int classify, uint32_t b0, uint32_t nb, float w)
{
	struct tt_err err;
	float loss;
	int rc = classify ? gpt_forward_classify(g, tokens + b0 * T, lengths + b0, labels + b0,
						 nb, T, GPT_POOL_MEAN, &loss, &err) :
			    gpt_forward(g, tokens + b0 * T, targets + b0 * T, nb, T, &loss, &err);

	assert_int_equal(rc, 0);
	gpt_backward_weighted(g, w);
	return loss;
}

/* Every view of a with a gradient has b's gradient (b: everything trainable). */
static void same_grads(const struct gpt *a, const struct gpt *b, float rtol)
{
	for (size_t i = 0; i < a->nviews; i++) {
		const struct gpt_view *va = &a->views[i], *vb = gpt_find_view(b, va->name);

		if (!va->grad)
			continue;
		assert_non_null(vb);
		assert_non_null(vb->grad);
		for (size_t j = 0; j < va->numel; j++) {
			float want = vb->grad[j], got = va->grad[j];

			if (!(fabsf(got - want) <= rtol * fmaxf(1e-3f, fabsf(want))))
				fail_msg("%s[%zu]: %.9g, full model %.9g", va->name, j, got, want);
		}
	}
}

static void check_freeze(int classify, uint32_t k)
{
	struct gpt *full = model(3, 0.2f), *fr = model(3, 0.2f);
	struct tt_err err;
	size_t ngrads_full = full->ngrads;

	assert_int_equal(gpt_freeze_layers(fr, k, &err), 0);
	assert_true(fr->ngrads < ngrads_full);
	for (size_t i = 0; i < fr->nviews; i++) {
		const struct gpt_view *v = &fr->views[i];
		long l = strncmp(v->name, "h.", 2) == 0 ? strtol(v->name + 2, NULL, 10) : -1;
		bool frozen = strncmp(v->name, "wt", 2) == 0 || strncmp(v->name, "wp", 2) == 0 ||
			      (l >= 0 && l < (long)k);

		assert_int_equal(v->trainable, !frozen);
		assert_int_equal(v->grad == NULL, frozen);
	}
	gpt_set_training(full, true, 77);
	gpt_set_training(fr, true, 77);
	gpt_zero_grad(full);
	gpt_zero_grad(fr);
	step(full, classify, 0, B, 1.0f);
	step(fr, classify, 0, B, 1.0f);
	same_grads(fr, full, 1e-6f);
	/* train: the frozen bytes stay, the others move */
	float *before = tt_xmalloc(fr->nparams * sizeof *before);
	struct gpt_adamw opt;

	memcpy(before, fr->params, fr->nparams * sizeof *before);
	gpt_adamw_init(&opt, fr);
	for (int s = 0; s < 3; s++) {
		gpt_set_training(fr, true, 100 + (uint64_t)s);
		gpt_zero_grad(fr);
		step(fr, classify, 0, B, 1.0f);
		gpt_adamw_step(&opt, fr, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f);
	}
	for (size_t i = 0; i < fr->nviews; i++) {
		const struct gpt_view *v = &fr->views[i];
		const float *b = before + (v->data - fr->params);
		int same = memcmp(v->data, b, v->numel * sizeof *b) == 0;

		if (!classify && strcmp(v->name, "score.weight") == 0)
			continue;
		if (same != !v->trainable)
			fail_msg("%s (%s): bytes %s", v->name, v->trainable ? "trainable" : "frozen",
				 same ? "unchanged" : "changed");
	}
	gpt_adamw_free(&opt);
	free(before);
	gpt_destroy(full);
	gpt_destroy(fr);
}

static void test_freeze_layers(void **state)
{
	(void)state;
	check_freeze(0, 1);
	check_freeze(1, 2);
	check_freeze(1, 3);
	check_freeze(0, 3);  /* LM: only ln_f trains */
}

static void test_freeze_body(void **state)
{
	(void)state;
	struct gpt *full = model(2, 0.0f), *fr = model(2, 0.0f);
	struct tt_err err;

	assert_int_equal(gpt_freeze_body(fr, &err), 0);
	assert_int_equal(gpt_trainable_params(fr), 3 * 8);
	assert_int_equal(fr->ngrads, 3 * 8 + 8);  /* one view, 64-byte aligned */
	gpt_zero_grad(full);
	gpt_zero_grad(fr);
	step(full, 1, 0, B, 1.0f);
	step(fr, 1, 0, B, 1.0f);
	same_grads(fr, full, 1e-6f);
	/* set_trainable flags, grad_alloc applies; k = 0 unfreezes everything */
	assert_int_equal(gpt_set_trainable(fr, "ln_f.bias", true, &err), 0);
	assert_null(gpt_find_view(fr, "ln_f.bias")->grad);
	gpt_grad_alloc(fr);
	assert_non_null(gpt_find_view(fr, "ln_f.bias")->grad);
	assert_int_equal(gpt_set_trainable(fr, "nope", true, &err), -1);
	assert_int_equal(gpt_freeze_layers(fr, 0, &err), 0);
	assert_int_equal(fr->ngrads, fr->nparams);
	assert_int_equal(gpt_freeze_layers(fr, 3, &err), -1);
	gpt_destroy(full);
	gpt_destroy(fr);
	/* an LM has no separate head */
	struct gpt_config cfg = {.vocab = 16, .ctx = 8, .dim = 8, .layers = 1, .heads = 2};
	struct gpt *lm = gpt_create(&cfg, 1, &err);

	assert_int_equal(gpt_freeze_body(lm, &err), -1);
	gpt_destroy(lm);
}

/* Nothing trainable: backward is a no-op, the forward still works. */
static void test_freeze_all(void **state)
{
	(void)state;
	struct gpt *g = model(2, 0.0f);
	struct tt_err err;

	for (size_t i = 0; i < g->nviews; i++)
		assert_int_equal(gpt_set_trainable(g, g->views[i].name, false, &err), 0);
	gpt_grad_alloc(g);
	assert_int_equal(g->ngrads, 0);
	assert_int_equal(gpt_trainable_params(g), 0);
	gpt_zero_grad(g);
	step(g, 0, 0, B, 1.0f);
	step(g, 1, 0, B, 1.0f);
	gpt_destroy(g);
}

static void check_ckpt(int classify, int lora)
{
	struct gpt *a = model(3, 0.2f), *b = model(3, 0.2f);
	struct tt_err err;
	struct gpt_lora_config lc = {.r = 2, .alpha = 4.0f, .dropout = 0.1f,
				     .targets = GPT_LORA_C_ATTN | GPT_LORA_MLP_PROJ};

	if (lora) {
		assert_int_equal(gpt_lora_add(a, &lc, 5, &err), 0);
		assert_int_equal(gpt_lora_add(b, &lc, 5, &err), 0);
		for (size_t i = a->nbase_views; i < a->nviews; i++)
			for (size_t j = 0; j < a->views[i].numel; j++)
				a->views[i].data[j] = b->views[i].data[j] = 0.1f * (float)(j % 7);
	}
	size_t full = gpt_act_bytes(b);

	gpt_set_checkpointing(b, true);
	assert_true(gpt_act_bytes(b) < full);
	gpt_set_training(a, true, 31);
	gpt_set_training(b, true, 31);
	gpt_zero_grad(a);
	gpt_zero_grad(b);
	float la = step(a, classify, 0, B, 1.0f), lb = step(b, classify, 0, B, 1.0f);

	assert_float_equal(la, lb, 1e-6f);
	same_grads(b, a, 1e-5f);
	gpt_destroy(a);
	gpt_destroy(b);
}

static void test_checkpointing(void **state)
{
	(void)state;
	check_ckpt(0, 0);
	check_ckpt(1, 0);
	check_ckpt(0, 1);
	check_ckpt(1, 1);
}

/* Targets counted in rows [b0, b0 + nb) of the LM batch. */
static uint32_t count_targets(uint32_t b0, uint32_t nb)
{
	uint32_t n = 0;

	for (size_t i = b0 * T; i < (b0 + nb) * T; i++)
		n += targets[i] != -1;
	return n;
}

static void check_accum(int classify)
{
	struct gpt *one = model(2, 0.0f), *acc = model(2, 0.0f);
	struct gpt_adamw o1, o2;
	float n1 = classify ? 2.0f : (float)count_targets(0, 2);
	float n2 = classify ? 2.0f : (float)count_targets(2, 2);

	assert_true(classify || n1 != n2);  /* unequal halves: the weights matter */
	gpt_zero_grad(one);
	gpt_zero_grad(acc);
	float lf = step(one, classify, 0, B, 1.0f);
	float l1 = step(acc, classify, 0, 2, n1 / (n1 + n2));
	float l2 = step(acc, classify, 2, 2, n2 / (n1 + n2));

	/* micro-batch losses weighted by their token counts give the batch's */
	assert_float_equal((l1 * n1 + l2 * n2) / (n1 + n2), lf, 1e-5f * fabsf(lf));
	same_grads(acc, one, 5e-5f);  /* float sums in another order */
	gpt_adamw_init(&o1, one);
	gpt_adamw_init(&o2, acc);
	gpt_adamw_step(&o1, one, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f);
	gpt_adamw_step(&o2, acc, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f);
	/*
	 * Adam's first step is lr * g / (|g| + eps): where the true gradient is
	 * zero and only rounding is left (the key bias: softmax does not see a
	 * shift of every key), any two summation orders give different signs.
	 * Those entries (|g| < 1e-6, where float noise is ~1e-10) may differ by
	 * up to 2 lr; every other weight within 1e-5 relative.
	 */
	size_t noise = 0;

	for (size_t i = 0; i < one->nparams; i++) {
		float d = fabsf(one->params[i] - acc->params[i]);

		if (fabsf(one->grads[i]) < 1e-6f) {
			noise++;
			assert_true(d <= 2.0f * 1e-2f);
			continue;
		}
		if (!(d <= 1e-5f * fmaxf(1e-2f, fabsf(one->params[i]))))
			fail_msg("param %zu: %.9g accumulated, %.9g one batch", i, acc->params[i],
				 one->params[i]);
	}
	assert_true(noise < one->nparams / 4);
	gpt_adamw_free(&o1);
	gpt_adamw_free(&o2);
	gpt_destroy(one);
	gpt_destroy(acc);
}

static void test_accumulation(void **state)
{
	(void)state;
	check_accum(0);
	check_accum(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeze_layers),
		cmocka_unit_test(test_freeze_body),
		cmocka_unit_test(test_freeze_all),
		cmocka_unit_test(test_checkpointing),
		cmocka_unit_test(test_accumulation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
