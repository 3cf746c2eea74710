/*
 * test-model-gpt.c - the GPT-2 transformer behind the model interface
 * (model-gpt.c): forward and backward through model_ops give exactly what
 * direct gpt.h calls give on the same padded batch (classification and
 * language model), truncation keeps the first or the last tokens, frozen
 * views get no gradient and no update, predict gives distributions, and
 * AdamW decays matrices only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/model-gpt.h"
#include "tunetop/optim.h"

enum { V = 64, CTX = 16, C = 32, L = 2, NH = 4, K = 3 };

static void cfg_of(struct model_config *mc, bool lm)
{
	memset(mc, 0, sizeof *mc);
	mc->type = "gpt";
	mc->ninputs = V;
	mc->nlabels = lm ? V : K;
	mc->dim = C;
	mc->n_layer = L;
	mc->n_head = NH;
	mc->n_ctx = CTX;
	mc->lm = lm;
	mc->seed = 5;
}

static struct gpt *direct(bool lm)
{
	struct gpt_config gc = { V, CTX, C, L, NH, lm ? 0 : K, 0 };
	struct tt_err err;
	struct gpt *g = gpt_create(&gc, 5, &err);

	assert_non_null(g);
	return g;
}

/* Three sequences of 8, 5 and 1 tokens. */
static const uint32_t seq0[] = { 1, 5, 9, 13, 17, 21, 25, 29, 33 };
static const uint32_t seq1[] = { 2, 4, 6, 8, 10, 12 };
static const uint32_t seq2[] = { 7, 3 };
static const uint32_t lab[] = { 2, 0, 1 };

static void examples(struct model_example *ex, bool lm)
{
	const uint32_t *s[3] = { seq0, seq1, seq2 };
	uint32_t n[3] = { 8, 5, 1 };

	for (int b = 0; b < 3; b++) {
		ex[b].tokens = s[b];
		ex[b].ntokens = n[b];
		ex[b].targets = lm ? s[b] + 1 : &lab[b];
		ex[b].ntargets = lm ? n[b] : 1;
	}
}

/* Every view's gradient of the adapter equals the direct model's. */
static void assert_same_grads(struct model *m, struct gpt *g)
{
	for (size_t i = 0; i < g->nviews; i++) {
		struct model_view v;

		model_view(m, i, &v);
		assert_non_null(v.grad);
		assert_int_equal(model_view_numel(&v), g->views[i].numel);
		assert_memory_equal(v.grad, g->views[i].grad, g->views[i].numel * sizeof(float));
		assert_memory_equal(v.data, g->views[i].data, g->views[i].numel * sizeof(float));
	}
}

static void test_classify_equals_direct(void **state)
{
	struct model_config mc;
	struct model_example ex[3];
	struct model_hparams hp;
	struct tt_err err;
	struct model *m;
	struct model_ws *ws;
	struct gpt *g = direct(false);
	int32_t tok[3 * 8] = { 0 }, labels[3] = { 2, 0, 1 };
	uint32_t len[3] = { 8, 5, 1 };
	float loss, dloss;

	(void)state;
	cfg_of(&mc, false);
	m = model_create(&mc, &err);
	assert_non_null(m);
	assert_string_equal(m->ops->name, "gpt");
	assert_int_equal(model_nparams(m), gpt_config_nparams(&g->cfg));
	ws = model_ws_create(m);
	examples(ex, false);
	model_hparams_default(&hp);
	model_zero_grad(m);
	loss = model_forward(m, ws, ex, 3, &hp, NULL);
	model_backward(m, ws);
	for (int i = 0; i < 8; i++)
		tok[i] = (int32_t)seq0[i];
	for (int i = 0; i < 5; i++)
		tok[8 + i] = (int32_t)seq1[i];
	tok[16] = (int32_t)seq2[0];
	assert_int_equal(gpt_reserve(g, 3, 8, &err), 0);
	gpt_zero_grad(g);
	assert_int_equal(gpt_forward_classify(g, tok, len, labels, 3, 8, GPT_POOL_LAST, &dloss,
					      &err), 0);
	gpt_backward(g);
	assert_true(isfinite(loss) && loss > 0);
	assert_true(loss == dloss);
	assert_same_grads(m, g);
	model_ws_destroy(m, ws);
	model_destroy(m);
	gpt_destroy(g);
}

static void test_lm_equals_direct(void **state)
{
	struct model_config mc;
	struct model_example ex[3];
	struct model_hparams hp;
	struct tt_err err;
	struct model *m;
	struct model_ws *ws;
	struct gpt *g = direct(true);
	int32_t tok[3 * 8], tgt[3 * 8];
	float loss, dloss;

	(void)state;
	for (int i = 0; i < 24; i++) {
		tok[i] = 0;
		tgt[i] = -1;
	}
	cfg_of(&mc, true);
	m = model_create(&mc, &err);
	assert_non_null(m);
	ws = model_ws_create(m);
	examples(ex, true);
	model_hparams_default(&hp);
	model_zero_grad(m);
	loss = model_forward(m, ws, ex, 3, &hp, NULL);
	model_backward(m, ws);
	for (int i = 0; i < 8; i++) {
		tok[i] = (int32_t)seq0[i];
		tgt[i] = (int32_t)seq0[i + 1];
	}
	for (int i = 0; i < 5; i++) {
		tok[8 + i] = (int32_t)seq1[i];
		tgt[8 + i] = (int32_t)seq1[i + 1];
	}
	tok[16] = (int32_t)seq2[0];
	tgt[16] = (int32_t)seq2[1];
	assert_int_equal(gpt_reserve(g, 3, 8, &err), 0);
	gpt_zero_grad(g);
	assert_int_equal(gpt_forward(g, tok, tgt, 3, 8, &dloss, &err), 0);
	gpt_backward(g);
	assert_true(isfinite(loss) && loss > 0);
	assert_true(loss == dloss);
	assert_same_grads(m, g);
	model_ws_destroy(m, ws);
	model_destroy(m);
	gpt_destroy(g);
}

/* A text longer than the context keeps its first tokens, or with truncate_last its last. */
static void test_truncation(void **state)
{
	uint32_t toks[CTX + 4], y = 1;
	struct model_config mc;
	struct model_example ex = { toks, CTX + 4, &y, 1, NULL }, cut;
	struct model_hparams hp;
	struct tt_err err;
	struct model *m;
	struct model_ws *ws;
	float full, head, tail;

	(void)state;
	for (uint32_t i = 0; i < CTX + 4; i++)
		toks[i] = (i * 7 + 3) % V;
	model_hparams_default(&hp);
	for (int last = 0; last < 2; last++) {
		cfg_of(&mc, false);
		mc.truncate_last = last;
		m = model_create(&mc, &err);
		assert_non_null(m);
		ws = model_ws_create(m);
		full = model_forward(m, ws, &ex, 1, &hp, NULL);
		cut = ex;
		cut.tokens = toks;
		cut.ntokens = CTX;
		head = model_forward(m, ws, &cut, 1, &hp, NULL);
		cut.tokens = toks + 4;
		tail = model_forward(m, ws, &cut, 1, &hp, NULL);
		assert_true(full == (last ? tail : head));
		assert_true(head != tail);
		model_ws_destroy(m, ws);
		model_destroy(m);
	}
}

/* A frozen view has no gradient and the optimizer leaves it alone. */
static void test_frozen_view(void **state)
{
	struct model_config mc;
	struct model_example ex[3];
	struct model_hparams hp;
	struct model_view wte, wpe;
	struct tt_err err;
	struct model *m;
	struct model_ws *ws;
	struct optim *o;
	float *wte0, *wpe0;
	size_t nte, npe;

	(void)state;
	cfg_of(&mc, false);
	m = model_create(&mc, &err);
	assert_non_null(m);
	assert_int_equal(model_set_trainable(m, "transformer.wte.weight", false, &err), 0);
	assert_int_equal(model_set_trainable(m, "no.such.view", false, &err), -1);
	assert_int_equal(model_find_view(m, "transformer.wte.weight", &wte), 0);
	assert_int_equal(model_find_view(m, "transformer.wpe.weight", &wpe), 0);
	assert_false(wte.trainable);
	assert_null(wte.grad);
	assert_true(wpe.trainable);
	nte = model_view_numel(&wte);
	npe = model_view_numel(&wpe);
	wte0 = tt_xmalloc(nte * sizeof *wte0);
	wpe0 = tt_xmalloc(npe * sizeof *wpe0);
	memcpy(wte0, wte.data, nte * sizeof *wte0);
	memcpy(wpe0, wpe.data, npe * sizeof *wpe0);
	o = optim_create(m, OPTIM_ADAMW, &err);
	assert_non_null(o);
	/* moments only for the trainable views: no optim.adamw.transformer.wte.weight.m */
	struct model_view sv;
	assert_int_equal(optim_find_view(o, "optim.adamw.transformer.wte.weight.m", &sv), -1);
	assert_int_equal(optim_find_view(o, "optim.adamw.transformer.wpe.weight.m", &sv), 0);
	ws = model_ws_create(m);
	examples(ex, false);
	model_hparams_default(&hp);
	hp.lr = 0.01f;
	hp.weight_decay = 0.1f;
	for (int s = 0; s < 3; s++) {
		model_zero_grad(m);
		model_forward(m, ws, ex, 3, &hp, NULL);
		model_backward(m, ws);
		assert_true(optim_step(o, &hp) > 0);
	}
	assert_memory_equal(wte.data, wte0, nte * sizeof *wte0);
	assert_memory_not_equal(wpe.data, wpe0, npe * sizeof *wpe0);
	optim_destroy(o);
	model_ws_destroy(m, ws);
	model_destroy(m);
	free(wte0);
	free(wpe0);
}

/* Weight decay with a zero gradient: matrices shrink, layer norms do not. */
static void test_decay_matrices_only(void **state)
{
	struct model_config mc;
	struct model_hparams hp;
	struct model_view lnw, fc;
	struct tt_err err;
	struct model *m;
	struct optim *o;
	float fc0;

	(void)state;
	cfg_of(&mc, false);
	m = model_create(&mc, &err);
	o = optim_create(m, OPTIM_SGD, &err);
	assert_non_null(o);
	assert_int_equal(model_find_view(m, "transformer.h.0.ln_1.weight", &lnw), 0);
	assert_int_equal(model_find_view(m, "transformer.h.0.mlp.c_fc.weight", &fc), 0);
	fc0 = ((float *)fc.data)[0];
	model_hparams_default(&hp);
	hp.lr = 0.5f;
	hp.weight_decay = 0.5f;
	model_zero_grad(m);
	optim_step(o, &hp);
	assert_true(((float *)lnw.data)[0] == 1.0f);
	assert_float_equal(((float *)fc.data)[0], fc0 * 0.75f, 1e-9);
	optim_destroy(o);
	model_destroy(m);
}

static void test_predict(void **state)
{
	struct model_config mc;
	struct tt_err err;
	float probs[V];
	double sum;

	(void)state;
	for (int lm = 0; lm < 2; lm++) {
		cfg_of(&mc, lm);
		struct model *m = model_create(&mc, &err);
		struct model_ws *ws = model_ws_create(m);

		model_predict(m, ws, seq0, 8, probs);
		sum = 0;
		for (uint32_t i = 0; i < mc.nlabels; i++) {
			assert_true(probs[i] > 0);
			sum += probs[i];
		}
		assert_float_equal(sum, 1.0, 1e-5);
		/* an empty text still gets a distribution */
		model_predict(m, ws, seq0, 0, probs);
		assert_true(isfinite(probs[0]));
		model_ws_destroy(m, ws);
		model_destroy(m);
	}
}

/* A language model predicts what follows the end of a text longer than the context. */
static void test_lm_predict_long(void **state)
{
	uint32_t toks[CTX + 5];
	struct model_config mc;
	struct tt_err err;
	float a[V], b[V];

	(void)state;
	for (uint32_t i = 0; i < CTX + 5; i++)
		toks[i] = (i * 11 + 1) % V;
	cfg_of(&mc, true);
	struct model *m = model_create(&mc, &err);
	struct model_ws *ws = model_ws_create(m);

	model_predict(m, ws, toks, CTX + 5, a);
	model_predict(m, ws, toks + 5, CTX, b);
	assert_memory_equal(a, b, sizeof a);
	model_ws_destroy(m, ws);
	model_destroy(m);
}

static void test_bad_config(void **state)
{
	struct model_config mc;
	struct tt_err err;

	(void)state;
	cfg_of(&mc, false);
	mc.n_head = 3;
	assert_null(model_create(&mc, &err));
	assert_non_null(strstr(err.msg, "heads must divide dim"));
	cfg_of(&mc, false);
	mc.loss = MODEL_LOSS_OVA;
	assert_null(model_create(&mc, &err));
	assert_non_null(strstr(err.msg, "single-label"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_equals_direct),
		cmocka_unit_test(test_lm_equals_direct),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_frozen_view),
		cmocka_unit_test(test_decay_matrices_only),
		cmocka_unit_test(test_predict),
		cmocka_unit_test(test_lm_predict_long),
		cmocka_unit_test(test_bad_config),
	};

	return cmocka_run_group_tests_name("model-gpt", tests, NULL, NULL);
}
