/*
 * test-gpt-prune.c - magnitude pruning (gpt-prune.h) on a small GPT with
 * its random initial weights: the exact count of zeros per matrix and in
 * total, the largest magnitudes kept, ties, the matrices left alone, and
 * masks that hold the zeros through real AdamW steps with weight decay.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-prune.h"
#include "tunetop/gpt.h"

static struct gpt *tiny(void)
{
	struct gpt_config c = { .vocab = 64, .ctx = 16, .dim = 32, .layers = 2, .heads = 4,
				.nlabels = 3, .dropout = 0.0f };
	struct tt_err err;
	struct gpt *g = gpt_create(&c, 7, &err);

	assert_non_null(g);
	return g;
}

static size_t zeros(const float *w, size_t n)
{
	size_t z = 0;

	for (size_t i = 0; i < n; i++)
		z += w[i] == 0.0f;
	return z;
}

/* Which views are pruned: exactly the 4 block matrices of each layer. */
static void test_selection(void **state)
{
	struct gpt *g = tiny();
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < g->nviews; i++) {
		if (gpt_prune_selects(&g->views[i])) {
			n++;
			assert_int_equal(g->views[i].ndim, 2);
		}
	}
	assert_int_equal(n, 8);
	assert_false(gpt_prune_selects(gpt_find_view(g, "wte.weight")));
	assert_false(gpt_prune_selects(gpt_find_view(g, "wpe.weight")));
	assert_false(gpt_prune_selects(gpt_find_view(g, "score.weight")));
	assert_false(gpt_prune_selects(gpt_find_view(g, "h.0.attn.c_attn.bias")));
	assert_true(gpt_prune_selects(gpt_find_view(g, "h.1.mlp.c_proj.weight")));
	gpt_destroy(g);
}

/*
 * Per matrix: each loses exactly round(s * numel), and every weight kept
 * is at least as large as every weight pruned; nothing else changes.
 */
static void test_per_matrix_exact(void **state)
{
	const float targets[] = { 0.0f, 0.5f, 0.7f, 0.9f, 0.333f };

	(void)state;
	for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
		struct gpt *g = tiny();
		float *before = malloc(g->nparams * sizeof *before);
		struct gpt_prune p;
		struct tt_err err;

		memcpy(before, g->params, g->nparams * sizeof *before);
		for (size_t i = 0; i < g->nviews; i++) {
			if (gpt_prune_selects(&g->views[i]))
				assert_int_equal(zeros(g->views[i].data, g->views[i].numel), 0);
		}
		assert_int_equal(gpt_prune_magnitude(g, targets[t], GPT_PRUNE_PER_MATRIX, &p, &err), 0);
		assert_int_equal(p.n, 8);
		for (size_t k = 0; k < p.n; k++) {
			const struct gpt_view *v = &g->views[p.m[k].view];
			const float *orig = before + (v->data - g->params);
			size_t want = (size_t)floor((double)targets[t] * (double)v->numel + 0.5);
			float max_pruned = 0.0f, min_kept = INFINITY;

			assert_int_equal(zeros(v->data, v->numel), want);
			assert_int_equal(p.m[k].pruned, want);
			for (size_t i = 0; i < v->numel; i++) {
				if (p.m[k].keep[i]) {
					assert_true(v->data[i] == orig[i]);
					min_kept = fminf(min_kept, fabsf(orig[i]));
				} else {
					assert_true(v->data[i] == 0.0f);
					max_pruned = fmaxf(max_pruned, fabsf(orig[i]));
				}
			}
			assert_true(max_pruned <= min_kept);
		}
		/* Every other parameter (embeddings, head, biases, norms) is untouched. */
		for (size_t i = 0; i < g->nviews; i++) {
			const struct gpt_view *v = &g->views[i];

			if (!gpt_prune_selects(v))
				assert_memory_equal(v->data, before + (v->data - g->params),
						    v->numel * sizeof(float));
		}
		assert_true(fabs(gpt_prune_measure(&p, g) - targets[t]) < 1e-3);
		gpt_prune_fini(&p);
		free(before);
		gpt_destroy(g);
	}
}

/*
 * Global: exactly round(s * total) in all, one threshold across matrices,
 * and c_proj (initialized smaller, std 0.02 / sqrt(2 L)) loses more.
 */
static void test_global(void **state)
{
	struct gpt *g = tiny();
	float *before = malloc(g->nparams * sizeof *before);
	struct gpt_prune p;
	struct tt_err err;
	float max_pruned = 0.0f, min_kept = INFINITY;
	size_t total = 0, z = 0;
	double s_fc = 0, s_proj = 0;

	(void)state;
	memcpy(before, g->params, g->nparams * sizeof *before);
	assert_int_equal(gpt_prune_magnitude(g, 0.7f, GPT_PRUNE_GLOBAL, &p, &err), 0);
	for (size_t k = 0; k < p.n; k++) {
		const struct gpt_view *v = &g->views[p.m[k].view];
		const float *orig = before + (v->data - g->params);

		total += v->numel;
		z += zeros(v->data, v->numel);
		for (size_t i = 0; i < v->numel; i++) {
			if (p.m[k].keep[i])
				min_kept = fminf(min_kept, fabsf(orig[i]));
			else
				max_pruned = fmaxf(max_pruned, fabsf(orig[i]));
		}
		if (strcmp(v->name, "h.0.mlp.c_fc.weight") == 0)
			s_fc = (double)p.m[k].pruned / (double)v->numel;
		if (strcmp(v->name, "h.0.mlp.c_proj.weight") == 0)
			s_proj = (double)p.m[k].pruned / (double)v->numel;
	}
	assert_int_equal(total, p.total);
	assert_int_equal(z, (size_t)floor(0.7 * (double)total + 0.5));
	assert_int_equal(z, p.pruned);
	assert_true(max_pruned <= min_kept);
	assert_true(s_proj > s_fc + 0.1);
	gpt_prune_fini(&p);
	free(before);
	gpt_destroy(g);
}

/* All magnitudes equal: still exactly k pruned, the first k by position. */
static void test_ties(void **state)
{
	struct gpt *g = tiny();
	struct gpt_prune p;
	struct tt_err err;

	(void)state;
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];

		if (gpt_prune_selects(v)) {
			for (size_t j = 0; j < v->numel; j++)
				v->data[j] = j % 2 ? 0.25f : -0.25f;
		}
	}
	assert_int_equal(gpt_prune_magnitude(g, 0.5f, GPT_PRUNE_PER_MATRIX, &p, &err), 0);
	for (size_t k = 0; k < p.n; k++) {
		const struct gpt_view *v = &g->views[p.m[k].view];
		size_t half = v->numel / 2;

		assert_int_equal(zeros(v->data, v->numel), half);
		assert_int_equal(zeros(v->data, half), half);	/* the first half */
	}
	gpt_prune_fini(&p);
	gpt_destroy(g);
}

static void test_bad_sparsity(void **state)
{
	struct gpt *g = tiny();
	struct gpt_prune p;
	struct tt_err err;
	enum gpt_prune_scope s;

	(void)state;
	tt_err_clear(&err);
	assert_int_equal(gpt_prune_magnitude(g, 1.0f, GPT_PRUNE_GLOBAL, &p, &err), -1);
	assert_non_null(strstr(err.msg, "out of range"));
	assert_int_equal(gpt_prune_magnitude(g, -0.1f, GPT_PRUNE_GLOBAL, &p, &err), -1);
	assert_int_equal(gpt_prune_magnitude(g, NAN, GPT_PRUNE_GLOBAL, &p, &err), -1);
	assert_null(p.m);
	assert_int_equal(gpt_prune_scope_parse("global", &s), 0);
	assert_int_equal(s, GPT_PRUNE_GLOBAL);
	assert_int_equal(gpt_prune_scope_parse("per-matrix", &s), 0);
	assert_int_equal(s, GPT_PRUNE_PER_MATRIX);
	assert_int_equal(gpt_prune_scope_parse("layer", &s), -1);
	gpt_destroy(g);
}

/*
 * Fine-tuning with the masks: real classification steps of AdamW with
 * weight decay and a large lr. Without the mask the pruned weights move;
 * with mask_grads + apply they stay exactly zero and the kept ones train.
 */
static void test_masks_hold_zeros(void **state)
{
	const int32_t tokens[2 * 8] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const uint32_t lengths[2] = { 8, 6 };
	const int32_t labels[2] = { 0, 2 };

	(void)state;
	for (int masked = 0; masked <= 1; masked++) {
		struct gpt *g = tiny();
		struct gpt_adamw opt;
		struct gpt_prune p;
		struct tt_err err;
		float loss, *kept_before;
		size_t changed = 0;
		const struct gpt_view *v;

		assert_int_equal(gpt_reserve(g, 2, 8, &err), 0);
		assert_int_equal(gpt_prune_magnitude(g, 0.7f, GPT_PRUNE_PER_MATRIX, &p, &err), 0);
		v = &g->views[p.m[0].view];
		kept_before = malloc(v->numel * sizeof *kept_before);
		memcpy(kept_before, v->data, v->numel * sizeof *kept_before);
		gpt_adamw_init(&opt, g);
		for (int step = 0; step < 3; step++) {
			gpt_zero_grad(g);
			assert_int_equal(gpt_forward_classify(g, tokens, lengths, labels, 2, 8,
							      GPT_POOL_LAST, &loss, &err), 0);
			gpt_backward(g);
			if (masked)
				gpt_prune_mask_grads(&p, g);
			gpt_adamw_step(&opt, g, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f);
			if (masked)
				gpt_prune_apply(&p, g);
		}
		for (size_t i = 0; i < v->numel; i++)
			changed += p.m[0].keep[i] && v->data[i] != kept_before[i];
		assert_true(changed > v->numel / 10);	/* the kept weights did train */
		if (masked) {
			assert_true(gpt_prune_measure(&p, g) ==
				    (double)p.pruned / (double)p.total);
			for (size_t k = 0; k < p.n; k++) {
				const float *w = g->views[p.m[k].view].data;

				for (size_t i = 0; i < p.m[k].numel; i++) {
					if (!p.m[k].keep[i])
						assert_true(w[i] == 0.0f);
				}
			}
		} else {
			/* Without the masks the update undoes the pruning: the test can fail. */
			assert_true(gpt_prune_measure(&p, g) < 0.5 * p.pruned / (double)p.total);
		}
		free(kept_before);
		gpt_adamw_free(&opt);
		gpt_prune_fini(&p);
		gpt_destroy(g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_per_matrix_exact),
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_bad_sparsity),
		cmocka_unit_test(test_masks_hold_zeros),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
