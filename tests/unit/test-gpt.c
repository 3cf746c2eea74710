/*
 * test-gpt.c - the GPT-2 model against a torch reference and against
 * finite differences.
 *
 * tests/data/gpt/make-ref.py (Debian's python3-torch, a plain-torch GPT-2
 * mirroring Hugging Face's) wrote tiny.safetensors (weights in HF layout)
 * and tiny-ref.safetensors (tokens, logits, losses and every gradient of
 * one backward, for the LM and for classification with last-token and mean
 * pooling, plus the losses of 6 AdamW steps). Here: the same numbers within
 * 1e-4 (relative to max(1, |reference|)). Finite differences are in
 * test-gpt-grad.c, weight files and their errors in test-gpt-io.c.
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
#include <unistd.h>

#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"

#define DATA_DIR "tests/data/gpt/"

enum { REF_B = 3, REF_T = 8, REF_V = 64, REF_K = 3 };

static const float ref_tol = 1e-4f;

/* ---- helpers ------------------------------------------------------------ */

static float *ref_f32(const struct st_file *f, const char *name, size_t n)
{
	const struct st_tensor *t = st_find(f, name);
	struct tt_err err;

	if (!t)
		fail_msg("reference tensor %s missing", name);
	assert_int_equal(st_numel(t), n);
	float *out = tt_xmalloc(n * sizeof *out);

	assert_int_equal(st_copy_f32(t, out, n, &err), 0);
	return out;
}

static int32_t *ref_i32(const struct st_file *f, const char *name, size_t n)
{
	const struct st_tensor *t = st_find(f, name);
	int64_t *tmp = tt_xmalloc(n * sizeof *tmp);
	int32_t *out = tt_xmalloc(n * sizeof *out);
	struct tt_err err;

	assert_non_null(t);
	assert_int_equal(st_numel(t), n);
	assert_int_equal(st_copy_i64(t, tmp, n, &err), 0);
	for (size_t i = 0; i < n; i++)
		out[i] = (int32_t)tmp[i];
	free(tmp);
	return out;
}

static void expect_close(const char *what, const float *got, const float *want, size_t n,
			 float tol)
{
	for (size_t i = 0; i < n; i++) {
		float scale = fabsf(want[i]) > 1.0f ? fabsf(want[i]) : 1.0f;

		if (!(fabsf(got[i] - want[i]) <= tol * scale))
			fail_msg("%s[%zu]: got %.8g, want %.8g", what, i, got[i], want[i]);
	}
}

static struct gpt *load_tiny(uint32_t B, uint32_t T)
{
	struct tt_err err;
	struct gpt *g = gpt_load(DATA_DIR "tiny.safetensors", 0, &err);

	if (!g)
		fail_msg("load: %s", err.msg);
	assert_int_equal(g->cfg.vocab, REF_V);
	assert_int_equal(g->cfg.ctx, 16);
	assert_int_equal(g->cfg.dim, 32);
	assert_int_equal(g->cfg.layers, 2);
	assert_int_equal(g->cfg.heads, 4);
	assert_int_equal(g->cfg.nlabels, REF_K);
	assert_int_equal(gpt_reserve(g, B, T, &err), 0);
	return g;
}

/* Every view's gradient against prefix + name (zero when absent). */
static void expect_grads(const struct gpt *g, const struct st_file *ref, const char *prefix)
{
	for (size_t i = 0; i < g->nviews; i++) {
		const struct gpt_view *v = &g->views[i];
		char name[128];

		snprintf(name, sizeof name, "%s%s", prefix, v->name);
		if (!st_find(ref, name)) {
			for (size_t j = 0; j < v->numel; j++)
				if (v->grad[j] != 0.0f)
					fail_msg("%s: gradient %g, want 0", name, v->grad[j]);
			continue;
		}
		float *want = ref_f32(ref, name, v->numel);

		expect_close(name, v->grad, want, v->numel, ref_tol);
		free(want);
	}
}

/* ---- against the torch reference ------------------------------------- */

static void test_lm_reference(void **state)
{
	(void)state;
	struct st_file ref;
	struct tt_err err;
	struct gpt *g = load_tiny(REF_B, REF_T);
	float loss;

	assert_int_equal(st_open(&ref, DATA_DIR "tiny-ref.safetensors", &err), 0);
	int32_t *tokens = ref_i32(&ref, "tokens", REF_B * REF_T);
	int32_t *targets = ref_i32(&ref, "targets", REF_B * REF_T);
	float *logits = ref_f32(&ref, "lm.logits", REF_B * REF_T * REF_V);
	float *want_loss = ref_f32(&ref, "lm.loss", 1);

	gpt_zero_grad(g);
	assert_int_equal(gpt_forward(g, tokens, targets, REF_B, REF_T, &loss, &err), 0);
	expect_close("lm.logits", g->a.logits, logits, REF_B * REF_T * REF_V, ref_tol);
	expect_close("lm.loss", &loss, want_loss, 1, ref_tol);
	assert_int_equal(g->count, REF_B * REF_T - 2);
	gpt_backward(g);
	expect_grads(g, &ref, "lm.grad.");
	free(tokens);
	free(targets);
	free(logits);
	free(want_loss);
	st_close(&ref);
	gpt_destroy(g);
}

static void check_classify(enum gpt_pool pool, const char *prefix)
{
	struct st_file ref;
	struct tt_err err;
	struct gpt *g = load_tiny(REF_B, REF_T);
	char name[64];
	float loss;

	assert_int_equal(st_open(&ref, DATA_DIR "tiny-ref.safetensors", &err), 0);
	int32_t *tokens = ref_i32(&ref, "tokens", REF_B * REF_T);
	int32_t *labels = ref_i32(&ref, "labels", REF_B);
	int32_t *len32 = ref_i32(&ref, "lengths", REF_B);
	uint32_t lengths[REF_B];

	for (int b = 0; b < REF_B; b++)
		lengths[b] = (uint32_t)len32[b];
	snprintf(name, sizeof name, "%slogits", prefix);
	float *logits = ref_f32(&ref, name, REF_B * REF_K);
	snprintf(name, sizeof name, "%sloss", prefix);
	float *want_loss = ref_f32(&ref, name, 1);

	gpt_zero_grad(g);
	assert_int_equal(gpt_forward_classify(g, tokens, lengths, labels, REF_B, REF_T, pool, &loss,
					      &err), 0);
	expect_close("cls logits", g->a.cls_logits, logits, REF_B * REF_K, ref_tol);
	expect_close("cls loss", &loss, want_loss, 1, ref_tol);
	gpt_backward(g);
	snprintf(name, sizeof name, "%sgrad.", prefix);
	expect_grads(g, &ref, name);
	free(tokens);
	free(labels);
	free(len32);
	free(logits);
	free(want_loss);
	st_close(&ref);
	gpt_destroy(g);
}

static void test_classify_last_reference(void **state)
{
	(void)state;
	check_classify(GPT_POOL_LAST, "cls.last.");
}

static void test_classify_mean_reference(void **state)
{
	(void)state;
	check_classify(GPT_POOL_MEAN, "cls.mean.");
}

/* Six AdamW steps on fixed tokens: torch.optim.AdamW's losses. */
static void test_adamw_curve(void **state)
{
	(void)state;
	struct st_file ref;
	struct tt_err err;
	struct gpt *g = load_tiny(REF_B, REF_T);
	struct gpt_adamw opt;
	float losses[6];

	assert_int_equal(st_open(&ref, DATA_DIR "tiny-ref.safetensors", &err), 0);
	int32_t *tokens = ref_i32(&ref, "tokens", REF_B * REF_T);
	int32_t *targets = ref_i32(&ref, "targets", REF_B * REF_T);
	float *want = ref_f32(&ref, "curve.loss", 6);

	gpt_adamw_init(&opt, g);
	for (int s = 0; s < 6; s++) {
		gpt_zero_grad(g);
		assert_int_equal(gpt_forward(g, tokens, targets, REF_B, REF_T, &losses[s], &err), 0);
		gpt_backward(g);
		gpt_adamw_step(&opt, g, 1e-2f, 0.9f, 0.999f, 1e-8f, 0.01f);
	}
	expect_close("curve.loss", losses, want, 6, ref_tol);
	assert_true(losses[5] < losses[0] - 0.5f);
	gpt_adamw_free(&opt);
	free(tokens);
	free(targets);
	free(want);
	st_close(&ref);
	gpt_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lm_reference),
		cmocka_unit_test(test_classify_last_reference),
		cmocka_unit_test(test_classify_mean_reference),
		cmocka_unit_test(test_adamw_curve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
