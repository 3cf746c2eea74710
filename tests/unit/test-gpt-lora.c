/*
 * test-gpt-lora.c - LoRA adapters on the GPT-2 model (gpt-lora.h).
 *
 * - finite differences for A, B, the head and the inputs' path (LM and
 *   classification, adapter dropout off and on), test-gpt-grad.c's pattern;
 * - a torch reference (tests/data/gpt/make-lora-ref.py: the tiny model of
 *   make-ref.py with adapters on all four targets, applied by hand as PEFT
 *   does): logits, loss and the adapters' gradients within 1e-4, loaded from
 *   a PEFT-named adapter directory that torch wrote;
 * - a new adapter (B = 0) leaves the logits unchanged, A's init bound;
 * - merge and unmerge: logits equal within 1e-5;
 * - save and load round trip, the base hash check and errors naming the
 *   tensor; target names.
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
#include <sys/stat.h>
#include <unistd.h>

#include "tunetop/gpt-lora.h"
#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"

#define DATA_DIR "tests/data/gpt/"

static const float fd_eps = 1e-2f;
static const double fd_atol = 1e-3, fd_rtol = 2e-2;

static float urand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (float)((*s >> 40) * (1.0 / 8388608.0)) - 1.0f;
}

/* ---- finite differences ------------------------------------------------ */

struct ctx {
	struct gpt *g;
	const int32_t *tokens, *targets, *labels;
	const uint32_t *lengths;
	uint32_t B, T;
	int classify;
};

static double loss_of(struct ctx *c)
{
	struct tt_err err;
	float loss;
	int rc = c->classify ? gpt_forward_classify(c->g, c->tokens, c->lengths, c->labels, c->B,
						    c->T, GPT_POOL_LAST, &loss, &err) :
			       gpt_forward(c->g, c->tokens, c->targets, c->B, c->T, &loss, &err);

	assert_int_equal(rc, 0);
	return loss;
}

static void fd_check(const char *what, struct ctx *c, float *x, const float *grad, size_t n)
{
	size_t step = n > 24 ? n / 24 : 1;

	for (size_t i = 0; i < n; i += step) {
		float save = x[i];

		x[i] = save + fd_eps;
		double lp = loss_of(c);
		x[i] = save - fd_eps;
		double lm = loss_of(c);
		x[i] = save;
		double num = (lp - lm) / (2.0 * (double)fd_eps);

		if (!(fabs(num - grad[i]) <= fd_atol + fd_rtol * fabs(num)))
			fail_msg("%s[%zu]: analytic %.6g, numeric %.6g", what, i, grad[i], num);
	}
}

/* A small model with random weights far from the init and adapters on
 * every target with random B, so every path carries gradient. */
static struct gpt *rand_model(float lora_dropout, uint32_t layers)
{
	struct gpt_config cfg = {.vocab = 16, .ctx = 8, .dim = 8, .layers = layers, .heads = 2,
				 .nlabels = 3, .dropout = 0.1f};
	struct gpt_lora_config lc = {.r = 2, .alpha = 3.0f, .dropout = lora_dropout,
				     .targets = GPT_LORA_C_ATTN | GPT_LORA_ATTN_PROJ |
						GPT_LORA_MLP_FC | GPT_LORA_MLP_PROJ};
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
	assert_int_equal(gpt_lora_add(g, &lc, 3, &err), 0);
	for (size_t i = g->nbase_views; i < g->nviews; i++)
		for (size_t j = 0; j < g->views[i].numel; j++)
			g->views[i].data[j] = 0.5f * urand(&s);
	assert_int_equal(gpt_reserve(g, 2, 6, &err), 0);
	return g;
}

static void check_lora_grad(int classify, float lora_dropout)
{
	struct gpt *g = rand_model(lora_dropout, 2);
	int32_t tokens[12] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13};
	int32_t targets[12] = {5, 9, 15, 0, -1, 6, 7, 2, 11, 4, 13, 1};
	int32_t labels[2] = {2, 0};
	uint32_t lengths[2] = {6, 3};
	struct ctx c = {g, tokens, targets, labels, lengths, 2, 6, classify};
	size_t checked = 0;

	gpt_set_training(g, lora_dropout > 0.0f, 1234);
	gpt_zero_grad(g);
	loss_of(&c);
	gpt_backward(g);
	for (size_t i = 0; i < g->nviews; i++) {
		struct gpt_view *v = &g->views[i];
		char what[128];
		double norm = 0.0;

		if (!v->trainable) {
			assert_null(v->grad);
			continue;
		}
		if (!classify && !v->lora)
			continue;  /* the head: unused by the LM */
		for (size_t j = 0; j < v->numel; j++)
			norm += (double)v->grad[j] * v->grad[j];
		if (norm == 0.0)
			fail_msg("%s: zero gradient", v->name);
		snprintf(what, sizeof what, "%s %s%s", classify ? "classify" : "lm", v->name,
			 lora_dropout > 0 ? " (dropout)" : "");
		fd_check(what, &c, v->data, v->grad, v->numel);
		checked++;
	}
	assert_int_equal(checked, 16 + (classify ? 1 : 0));
	gpt_destroy(g);
}

static void test_lora_grad(void **state)
{
	(void)state;
	check_lora_grad(0, 0.0f);
	check_lora_grad(1, 0.0f);
	check_lora_grad(0, 0.3f);
	check_lora_grad(1, 0.3f);
}

/* The gradient reaching the input path: with wte unfrozen, d wte through
 * the adapters of every block matches finite differences. */
static void test_lora_input_grad(void **state)
{
	(void)state;
	struct gpt *g = rand_model(0.3f, 2);
	int32_t tokens[12] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13};
	int32_t labels[2] = {2, 0};
	uint32_t lengths[2] = {6, 3};
	struct ctx c = {g, tokens, NULL, labels, lengths, 2, 6, 1};
	struct tt_err err;

	assert_int_equal(gpt_set_trainable(g, "wpe.weight", true, &err), 0);
	gpt_grad_alloc(g);
	gpt_set_training(g, true, 99);
	gpt_zero_grad(g);
	loss_of(&c);
	gpt_backward(g);
	const struct gpt_view *v = gpt_find_view(g, "wpe.weight");

	assert_non_null(v->grad);
	fd_check("classify wpe.weight through adapters", &c, v->data, v->grad, 6 * 8);
	assert_null(gpt_find_view(g, "wte.weight")->grad);
	gpt_destroy(g);
}

/* ---- torch reference ----------------------------------------------------- */

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
	int64_t tmp[64];
	int32_t *out = tt_xmalloc(n * sizeof *out);
	struct tt_err err;

	assert_non_null(t);
	assert_true(n <= 64);
	assert_int_equal(st_copy_i64(t, tmp, n, &err), 0);
	for (size_t i = 0; i < n; i++)
		out[i] = (int32_t)tmp[i];
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

enum { RB = 3, RT = 8, RV = 64, RK = 3 };

static struct gpt *load_tiny_lora(void)
{
	struct tt_err err;
	struct gpt *g = gpt_load(DATA_DIR "tiny.safetensors", 0, &err);

	if (!g)
		fail_msg("%s", err.msg);
	if (gpt_lora_load(g, DATA_DIR "lora-tiny", DATA_DIR "tiny.safetensors", &err) < 0)
		fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
	assert_int_equal(gpt_reserve(g, RB, RT, &err), 0);
	return g;
}

static void check_ref_grads(struct gpt *g, const struct st_file *ref, const char *pre)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nviews; i++) {
		const struct gpt_view *v = &g->views[i];
		char name[160];

		if (!v->grad)
			continue;
		if (!v->lora && strcmp(pre, "lm.grad.") == 0)
			continue;
		snprintf(name, sizeof name, "%sbase_model.model.%s%s", pre,
			 v->lora ? "transformer." : "", v->name);
		float *want = ref_f32(ref, name, v->numel);

		expect_close(name, v->grad, want, v->numel, 1e-4f);
		free(want);
		n++;
	}
	assert_true(n >= 16);
}

static void test_lora_torch_reference(void **state)
{
	(void)state;
	struct st_file ref;
	struct tt_err err;
	struct gpt *g = load_tiny_lora();
	float loss;

	assert_int_equal(st_open(&ref, DATA_DIR "lora-ref.safetensors", &err), 0);
	int32_t *tokens, *targets, *labels, *lens32;

	/* the batch is make-ref.py's, in tiny-ref.safetensors */
	struct st_file base;

	assert_int_equal(st_open(&base, DATA_DIR "tiny-ref.safetensors", &err), 0);
	tokens = ref_i32(&base, "tokens", RB * RT);
	targets = ref_i32(&base, "targets", RB * RT);
	labels = ref_i32(&base, "labels", RB);
	lens32 = ref_i32(&base, "lengths", RB);
	uint32_t lengths[RB];

	for (int b = 0; b < RB; b++)
		lengths[b] = (uint32_t)lens32[b];
	assert_int_equal(g->lora != NULL, 1);
	assert_int_equal(gpt_lora_config_of(g)->r, 4);
	/* LM */
	gpt_zero_grad(g);
	assert_int_equal(gpt_forward(g, tokens, targets, RB, RT, &loss, &err), 0);
	float *want = ref_f32(&ref, "lm.logits", RB * RT * RV);

	expect_close("lm.logits", g->a.logits, want, RB * RT * RV, 1e-4f);
	free(want);
	want = ref_f32(&ref, "lm.loss", 1);
	expect_close("lm.loss", &loss, want, 1, 1e-4f);
	free(want);
	gpt_backward(g);
	check_ref_grads(g, &ref, "lm.grad.");
	/* classification, last-token pooling */
	gpt_zero_grad(g);
	assert_int_equal(gpt_forward_classify(g, tokens, lengths, labels, RB, RT, GPT_POOL_LAST,
					      &loss, &err), 0);
	want = ref_f32(&ref, "cls.logits", RB * RK);
	expect_close("cls.logits", g->a.cls_logits, want, RB * RK, 1e-4f);
	free(want);
	want = ref_f32(&ref, "cls.loss", 1);
	expect_close("cls.loss", &loss, want, 1, 1e-4f);
	free(want);
	gpt_backward(g);
	check_ref_grads(g, &ref, "cls.grad.");
	free(tokens), free(targets), free(labels), free(lens32);
	st_close(&ref);
	st_close(&base);
	gpt_destroy(g);
}

/* ---- init, merge ----------------------------------------------------------- */

static float *lm_logits(struct gpt *g, const int32_t *tokens, uint32_t B, uint32_t T)
{
	struct tt_err err;
	float loss;
	size_t n = (size_t)B * T * g->cfg.vocab;

	assert_int_equal(gpt_forward(g, tokens, NULL, B, T, &loss, &err), 0);
	float *out = tt_xmalloc(n * sizeof *out);

	memcpy(out, g->a.logits, n * sizeof *out);
	return out;
}

static void test_lora_init(void **state)
{
	(void)state;
	struct gpt_config cfg = {.vocab = 32, .ctx = 8, .dim = 16, .layers = 2, .heads = 2};
	struct gpt_lora_config lc = {.r = 4, .alpha = 8.0f, .targets = GPT_LORA_DEFAULT};
	struct tt_err err;
	struct gpt *g = gpt_create(&cfg, 5, &err);
	int32_t tokens[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	size_t base_train = gpt_trainable_params(g);

	assert_int_equal(gpt_reserve(g, 1, 8, &err), 0);
	float *before = lm_logits(g, tokens, 1, 8);

	assert_int_equal(gpt_lora_add(g, &lc, 1, &err), 0);
	assert_int_equal(gpt_lora_add(g, &lc, 1, &err), -1);  /* only once */
	/* 2 layers x (c_attn: 4x16 + 48x4, attn.c_proj: 4x16 + 16x4) */
	assert_int_equal(gpt_trainable_params(g), 2 * (64 + 192 + 64 + 64));
	assert_int_equal(gpt_total_params(g), base_train + 2 * (64 + 192 + 64 + 64));
	assert_int_equal(g->nviews, g->nbase_views + 8);
	const struct gpt_view *a = gpt_find_view(g, "h.1.attn.c_proj.lora_A.weight");
	const struct gpt_view *b = gpt_find_view(g, "h.0.attn.c_attn.lora_B.weight");

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->shape[0], 4);
	assert_int_equal(a->shape[1], 16);
	assert_int_equal(b->shape[0], 48);
	assert_int_equal(b->shape[1], 4);
	assert_null(gpt_find_view(g, "h.0.mlp.c_fc.lora_A.weight"));
	double mx = 0;

	for (size_t j = 0; j < a->numel; j++)
		mx = fmax(mx, fabs(a->data[j]));
	assert_true(mx > 0.1 && mx <= 0.25);  /* U(-1/sqrt(16), 1/sqrt(16)) */
	for (size_t j = 0; j < b->numel; j++)
		assert_true(b->data[j] == 0.0f);
	/* base frozen, no gradient memory */
	assert_null(gpt_find_view(g, "wte.weight")->grad);
	assert_null(gpt_find_view(g, "h.0.attn.c_attn.weight")->grad);
	assert_non_null(a->grad);
	float *after = lm_logits(g, tokens, 1, 8);

	assert_memory_equal(before, after, 8 * 32 * sizeof *after);
	free(before), free(after);
	gpt_destroy(g);
}

static void test_lora_merge(void **state)
{
	(void)state;
	struct gpt *g = rand_model(0.0f, 2);
	int32_t tokens[12] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13};
	const struct gpt_view *w = gpt_find_view(g, "h.1.mlp.c_fc.weight");
	float *w0 = tt_xmalloc(w->numel * sizeof *w0);

	memcpy(w0, w->data, w->numel * sizeof *w0);
	float *lora = lm_logits(g, tokens, 2, 6);

	gpt_lora_merge(g);
	gpt_lora_merge(g);  /* idempotent */
	float *merged = lm_logits(g, tokens, 2, 6);
	double moved = 0;

	for (size_t i = 0; i < w->numel; i++)
		moved = fmax(moved, fabs(w->data[i] - w0[i]));
	assert_true(moved > 1e-2);
	for (size_t i = 0; i < 2 * 6 * 16; i++)
		assert_float_equal(merged[i], lora[i], 1e-5f * fmaxf(1.0f, fabsf(lora[i])));
	gpt_lora_unmerge(g);
	float *back = lm_logits(g, tokens, 2, 6);

	for (size_t i = 0; i < 2 * 6 * 16; i++)
		assert_float_equal(back[i], lora[i], 1e-5f * fmaxf(1.0f, fabsf(lora[i])));
	for (size_t i = 0; i < w->numel; i++)
		assert_float_equal(w->data[i], w0[i], 1e-6f);
	free(w0), free(lora), free(merged), free(back);
	gpt_destroy(g);
}

/* ---- files ------------------------------------------------------------------- */

static char *write_text(const char *dir, const char *name, const char *text)
{
	char *path = tt_xprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_lora_save_load(void **state)
{
	(void)state;
	char dir[] = "/tmp/tunetop-lora-XXXXXX";
	struct tt_err err;

	assert_non_null(mkdtemp(dir));
	struct gpt *g = rand_model(0.0f, 2);
	char *base = tt_xprintf("%s/base.safetensors", dir);
	char *adir = tt_xprintf("%s/adapter", dir);
	int32_t tokens[12] = {1, 5, 9, 15, 0, 3, 7, 7, 2, 11, 4, 13};
	uint32_t lengths[2] = {6, 3};
	float loss;

	assert_int_equal(gpt_save(g, base, &err), 0);
	assert_int_equal(gpt_lora_save(g, adir, base, &err), 0);
	assert_int_equal(gpt_forward_classify(g, tokens, lengths, NULL, 2, 6, GPT_POOL_LAST, &loss,
					      &err), 0);
	float want[6];

	memcpy(want, g->a.cls_logits, sizeof want);
	/* the base file holds no adapter tensors: it loads as a plain model */
	struct gpt *h = gpt_load(base, 2, &err);

	assert_non_null(h);
	assert_null(h->lora);
	assert_int_equal(gpt_lora_load(h, adir, base, &err), 0);
	assert_int_equal(gpt_reserve(h, 2, 6, &err), 0);
	assert_int_equal(gpt_forward_classify(h, tokens, lengths, NULL, 2, 6, GPT_POOL_LAST, &loss,
					      &err), 0);
	assert_memory_equal(want, h->a.cls_logits, sizeof want);
	gpt_destroy(h);

	/* the config: PEFT's keys */
	char *cfgpath = tt_xprintf("%s/adapter_config.json", adir), *text;
	size_t len;

	assert_int_equal(tt_read_file(cfgpath, &text, &len, &err), 0);
	assert_non_null(strstr(text, "\"peft_type\": \"LORA\""));
	assert_non_null(strstr(text, "\"r\": 2"));
	assert_non_null(strstr(text, "\"mlp.c_proj\""));
	assert_non_null(strstr(text, "\"base_model_xxh3_128\""));
	assert_non_null(strstr(text, "\"modules_to_save\""));
	free(text);
	struct st_file f;
	char *stpath = tt_xprintf("%s/adapter_model.safetensors", adir);

	assert_int_equal(st_open(&f, stpath, &err), 0);
	free(stpath);
	assert_non_null(st_find(&f, "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight"));
	assert_non_null(st_find(&f, "base_model.model.transformer.h.0.mlp.c_proj.lora_B.weight"));
	assert_non_null(st_find(&f, "base_model.model.score.weight"));
	assert_int_equal(st_count(&f), 17);
	st_close(&f);

	/* without a base: no hash to check; switching adapters: remove, load */
	char *adir2 = tt_xprintf("%s/adapter2", dir);

	assert_int_equal(gpt_lora_save(g, adir2, NULL, &err), 0);
	h = gpt_load(base, 2, &err);
	assert_int_equal(gpt_reserve(h, 2, 6, &err), 0);
	assert_int_equal(gpt_forward_classify(h, tokens, lengths, NULL, 2, 6, GPT_POOL_LAST, &loss,
					      &err), 0);
	float plain[6];

	memcpy(plain, h->a.cls_logits, sizeof plain);
	assert_int_equal(gpt_lora_load(h, adir2, base, &err), 0);
	gpt_lora_merge(h);
	gpt_lora_remove(h);  /* unmerges first */
	assert_null(h->lora);
	assert_int_equal(h->nviews, h->nbase_views);
	assert_int_equal(h->ngrads, h->nparams);
	assert_int_equal(gpt_lora_load(h, adir, base, &err), 0);
	assert_int_equal(gpt_forward_classify(h, tokens, lengths, NULL, 2, 6, GPT_POOL_LAST, &loss,
					      &err), 0);
	for (int i = 0; i < 6; i++) {  /* merge then unmerge: the base within rounding */
		assert_float_equal(h->a.cls_logits[i], want[i], 1e-5f * fmaxf(1.0f, fabsf(want[i])));
		assert_true(fabsf(plain[i] - want[i]) > 1e-3f);
	}
	gpt_destroy(h);
	free(adir2);

	/* another base: the hash differs */
	h = gpt_load(base, 2, &err);
	h->params[0] += 1.0f;
	char *other = tt_xprintf("%s/other.safetensors", dir);

	assert_int_equal(gpt_save(h, other, &err), 0);
	assert_int_equal(gpt_lora_load(h, adir, other, &err), -1);
	assert_non_null(strstr(err.msg, "was made for base"));
	assert_null(h->lora);
	gpt_destroy(h);

	/* a model of another width: the error names the tensor and shapes */
	struct gpt_config wide = g->cfg;

	wide.dim = 16;
	h = gpt_create(&wide, 1, &err);
	assert_int_equal(gpt_lora_load(h, adir, NULL, &err), -1);
	if (!strstr(err.msg, "tensor base_model.model.score.weight: shape [3, 8], expected [3, 16]"))
		fail_msg("%s", err.msg);
	assert_null(h->lora);  /* rolled back: the model is as before */
	assert_int_equal(h->nviews, h->nbase_views);
	assert_non_null(gpt_find_view(h, "wte.weight")->grad);
	gpt_destroy(h);

	/* a bad config: file:line:col and the key */
	char *bad = tt_xprintf("%s/bad", dir);

	assert_int_equal(mkdir(bad, 0777), 0);
	free(write_text(bad, "adapter_config.json", "{\"r\": 2, \"lora_alpha\": 4,\n"
			"\"target_modules\": [\"c_attn\", \"q_proj\"]}\n"));
	h = gpt_load(base, 2, &err);
	assert_int_equal(gpt_lora_load(h, bad, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "target_modules[1]"));
	assert_non_null(strstr(err.msg, "q_proj"));
	free(write_text(bad, "adapter_config.json", "{\"r\": 2, \"lora_alpha\": 4,"));
	assert_int_equal(gpt_lora_load(h, bad, NULL, &err), -1);
	assert_true(err.line >= 1);
	gpt_destroy(h);
	free(bad), free(other), free(cfgpath), free(base), free(adir);
	gpt_destroy(g);
}

static void test_lora_targets(void **state)
{
	(void)state;
	unsigned t;
	struct tt_err err;

	assert_int_equal(gpt_lora_parse_targets("c_attn,attn.c_proj", &t, &err), 0);
	assert_int_equal(t, GPT_LORA_DEFAULT);
	assert_int_equal(gpt_lora_parse_targets("mlp.c_fc mlp.c_proj", &t, &err), 0);
	assert_int_equal(t, GPT_LORA_MLP_FC | GPT_LORA_MLP_PROJ);
	assert_int_equal(gpt_lora_parse_targets("c_proj", &t, &err), 0);
	assert_int_equal(t, GPT_LORA_ATTN_PROJ | GPT_LORA_MLP_PROJ);
	assert_int_equal(gpt_lora_parse_targets("c_attn,wte\x1b[2J", &t, &err), -1);
	assert_non_null(strstr(err.msg, "unknown LoRA target"));
	assert_null(strchr(err.msg, '\x1b'));
	assert_int_equal(gpt_lora_parse_targets(" , ", &t, &err), -1);
	assert_string_equal(gpt_lora_target_name(GPT_LORA_T_MLP_FC), "mlp.c_fc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lora_grad),
		cmocka_unit_test(test_lora_input_grad),
		cmocka_unit_test(test_lora_torch_reference),
		cmocka_unit_test(test_lora_init),
		cmocka_unit_test(test_lora_merge),
		cmocka_unit_test(test_lora_save_load),
		cmocka_unit_test(test_lora_targets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
