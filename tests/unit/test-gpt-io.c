/*
 * test-gpt-io.c - GPT-2 weight files (Hugging Face names with and without
 * "transformer.", F16 converted), their errors (missing tensor, wrong shape,
 * wrong dtype, unexpected tensor, truncated file), bad batches, presets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"

#define TINY "tests/data/gpt/tiny.safetensors"

struct fixture {
	char dir[64];
	char path[128];
	struct gpt *g;   /* tiny.safetensors */
};

static int setup(void **state)
{
	struct fixture *f = tt_xcalloc(1, sizeof *f);
	struct tt_err err;

	strcpy(f->dir, "/tmp/tunetop-gpt-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/m.safetensors", f->dir);
	f->g = gpt_load(TINY, 0, &err);
	if (!f->g)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	gpt_destroy(f->g);
	free(f);
	return 0;
}

/* The model's views as tensors named prefix + name (score.weight bare). */
static struct st_tensor *view_tensors(const struct gpt *g, const char *prefix, char names[][96])
{
	struct st_tensor *t = tt_xcalloc(g->nviews, sizeof *t);

	for (size_t i = 0; i < g->nviews; i++) {
		const struct gpt_view *v = &g->views[i];
		int bare = strcmp(v->name, "score.weight") == 0;

		snprintf(names[i], 96, "%s%s", bare ? "" : prefix, v->name);
		t[i].name = names[i];
		t[i].dtype = ST_F32;
		t[i].ndim = v->ndim;
		t[i].shape[0] = v->shape[0];
		t[i].shape[1] = v->shape[1];
		t[i].data = v->data;
		t[i].nbytes = v->numel * sizeof(float);
	}
	return t;
}

static void write_tensors(const char *path, const struct st_tensor *t, size_t n)
{
	struct tt_err err;

	if (st_write(path, t, n, NULL, NULL, 0, &err) < 0)
		fail_msg("write: %s", err.msg);
}

static void expect_same_weights(const struct gpt *a, const struct gpt *b)
{
	assert_memory_equal(&a->cfg, &b->cfg, sizeof a->cfg);
	assert_int_equal(a->nviews, b->nviews);
	for (size_t i = 0; i < a->nviews; i++) {
		assert_string_equal(a->views[i].name, b->views[i].name);
		assert_memory_equal(a->views[i].data, b->views[i].data,
				    a->views[i].numel * sizeof(float));
	}
}

static void expect_load_error(const char *path, const char *msg)
{
	struct tt_err err;
	struct gpt *g = gpt_load(path, 4, &err);

	if (g)
		fail_msg("loaded, expected \"%s\"", msg);
	if (!strstr(err.msg, msg))
		fail_msg("got \"%s\", want \"%s\"", err.msg, msg);
	assert_string_equal(err.file, path);
}

static void test_save_load_roundtrip(void **state)
{
	struct fixture *f = *state;
	struct tt_err err;
	struct st_file st;

	assert_int_equal(gpt_save(f->g, f->path, &err), 0);
	struct gpt *h = gpt_load(f->path, 0, &err);

	assert_non_null(h);
	expect_same_weights(f->g, h);
	assert_int_equal(st_open(&st, f->path, &err), 0);
	assert_non_null(st_find(&st, "transformer.wte.weight"));
	assert_non_null(st_find(&st, "transformer.h.1.mlp.c_proj.weight"));
	assert_non_null(st_find(&st, "score.weight"));
	assert_null(st_find(&st, "wte.weight"));
	assert_string_equal(st_meta(&st, "n_head"), "4");
	st_close(&st);
	gpt_destroy(h);
}

/* GPT2Model's names (no prefix), no metadata: heads from the hint. */
static void test_load_without_prefix(void **state)
{
	struct fixture *f = *state;
	char names[64][96];
	struct st_tensor *t = view_tensors(f->g, "", names);
	struct tt_err err;

	write_tensors(f->path, t, f->g->nviews);
	struct gpt *h = gpt_load(f->path, 4, &err);

	assert_non_null(h);
	expect_same_weights(f->g, h);
	gpt_destroy(h);
	/* no hint: dim / 64 rounds to nothing, so one head */
	h = gpt_load(f->path, 0, &err);
	assert_non_null(h);
	assert_int_equal(h->cfg.heads, 1);
	gpt_destroy(h);
	free(t);
}

static void test_load_f16(void **state)
{
	struct fixture *f = *state;
	char names[64][96];
	struct st_tensor *t = view_tensors(f->g, "transformer.", names);
	const struct gpt_view *wte = gpt_find_view(f->g, "wte.weight");
	_Float16 *half = tt_xmalloc(wte->numel * sizeof *half);
	struct tt_err err;

	for (size_t i = 0; i < wte->numel; i++)
		half[i] = (_Float16)wte->data[i];
	t[0].dtype = ST_F16;
	t[0].data = half;
	t[0].nbytes = wte->numel * sizeof *half;
	write_tensors(f->path, t, f->g->nviews);
	struct gpt *h = gpt_load(f->path, 4, &err);

	assert_non_null(h);
	for (size_t i = 0; i < wte->numel; i++)
		assert_float_equal(h->p.wte[i], (float)half[i], 0.0f);
	gpt_destroy(h);
	free(half);
	free(t);
}

static void test_missing_tensor(void **state)
{
	struct fixture *f = *state;
	char names[64][96];
	struct st_tensor *t = view_tensors(f->g, "transformer.", names);
	size_t n = f->g->nviews, drop = 0;

	while (strcmp(f->g->views[drop].name, "h.1.mlp.c_fc.bias") != 0)
		drop++;
	memmove(t + drop, t + drop + 1, (n - drop - 1) * sizeof *t);
	write_tensors(f->path, t, n - 1);
	expect_load_error(f->path, "missing tensor h.1.mlp.c_fc.bias");
	/* no wte at all */
	write_tensors(f->path, t + 1, n - 2);
	expect_load_error(f->path, "missing tensor wte.weight");
	free(t);
}

static void test_wrong_shape(void **state)
{
	struct fixture *f = *state;
	char names[64][96];
	struct st_tensor *t = view_tensors(f->g, "transformer.", names);
	size_t i = 0;

	while (strcmp(f->g->views[i].name, "h.0.attn.c_attn.weight") != 0)
		i++;
	t[i].shape[1] = 32;
	t[i].nbytes = 32 * 32 * sizeof(float);
	write_tensors(f->path, t, f->g->nviews);
	expect_load_error(f->path,
			  "tensor transformer.h.0.attn.c_attn.weight: shape [32, 32], expected [32, 96]");
	/* a 1-D tensor given as 2-D */
	t[i].shape[1] = 96;
	t[i].nbytes = 32 * 96 * sizeof(float);
	t[i + 1].ndim = 2;
	t[i + 1].shape[0] = 1;
	t[i + 1].shape[1] = 96;
	write_tensors(f->path, t, f->g->nviews);
	expect_load_error(f->path, "tensor transformer.h.0.attn.c_attn.bias: shape [1, 96], "
				   "expected [96]");
	free(t);
}

static void test_wrong_dtype(void **state)
{
	struct fixture *f = *state;
	char names[64][96];
	struct st_tensor *t = view_tensors(f->g, "transformer.", names);

	t[1].dtype = ST_I32;
	write_tensors(f->path, t, f->g->nviews);
	expect_load_error(f->path, "tensor \"transformer.wpe.weight\": dtype I32, expected F32");
	free(t);
}

static void test_unexpected_tensor(void **state)
{
	struct fixture *f = *state;
	char names[65][96];
	struct st_tensor *t = view_tensors(f->g, "transformer.", names);
	struct st_tensor *u = tt_xcalloc(f->g->nviews + 1, sizeof *u);
	struct tt_err err;

	memcpy(u, t, f->g->nviews * sizeof *t);
	u[f->g->nviews] = t[2];   /* h.0.ln_1.weight's data under another name */
	u[f->g->nviews].name = "transformer.h.0.attn.rotary";
	write_tensors(f->path, u, f->g->nviews + 1);
	expect_load_error(f->path, "unexpected tensor transformer.h.0.attn.rotary");
	/* a third layer's tensor in a 2-layer model */
	u[f->g->nviews].name = "transformer.h.2.ln_1.weight";
	write_tensors(f->path, u, f->g->nviews + 1);
	assert_int_equal(gpt_load_into(f->g, f->path, &err), -1);
	assert_non_null(strstr(err.msg, "unexpected tensor transformer.h.2.ln_1.weight"));
	/* ... while the mask buffers and a tied lm_head load */
	u[f->g->nviews].name = "lm_head.weight";
	u[f->g->nviews].ndim = 1;
	write_tensors(f->path, u, f->g->nviews + 1);
	assert_int_equal(gpt_load_into(f->g, f->path, &err), 0);
	free(u);
	free(t);
}

static void test_truncated(void **state)
{
	struct fixture *f = *state;
	char *data;
	size_t len;
	struct tt_err err;

	assert_int_equal(tt_read_file(TINY, &data, &len, &err), 0);
	assert_int_equal(tt_write_file_atomic(f->path, data, len - 100, &err), 0);
	expect_load_error(f->path, "tensor \"score.weight\": data_offsets");
	expect_load_error(f->path, "file truncated?");
	assert_int_equal(tt_write_file_atomic(f->path, data, 5, &err), 0);
	expect_load_error(f->path, "expected at least 8");
	free(data);
	expect_load_error("/nonexistent/gpt.safetensors", "");
}

static void test_bad_batches(void **state)
{
	struct fixture *f = *state;
	struct tt_err err;
	int32_t tokens[4] = {1, 2, 64, 3}, targets[4] = {1, 2, 3, 4};
	uint32_t lengths[2] = {2, 3};
	float loss;

	assert_int_equal(gpt_reserve(f->g, 2, 2, &err), 0);
	assert_int_equal(gpt_forward(f->g, tokens, targets, 2, 2, &loss, &err), -1);
	assert_string_equal(err.msg, "token 64 at position 2 is outside [0, 64)");
	tokens[2] = 5;
	targets[1] = -2;
	assert_int_equal(gpt_forward(f->g, tokens, targets, 2, 2, &loss, &err), -1);
	assert_string_equal(err.msg, "target -2 at position 1 is outside [-1, 64)");
	assert_int_equal(gpt_forward(f->g, tokens, NULL, 1, 3, &loss, &err), -1);
	assert_string_equal(err.msg, "batch of 1 x 3 tokens does not fit the reserved 2 x 2");
	assert_int_equal(gpt_forward_classify(f->g, tokens, lengths, NULL, 2, 2, GPT_POOL_MEAN,
					      &loss, &err), -1);
	assert_string_equal(err.msg, "length 3 of row 1 is outside [1, 2]");
	assert_int_equal(gpt_reserve(f->g, 1, 17, &err), -1);
	/* all targets ignored: loss 0, backward adds nothing */
	int32_t none[4] = {-1, -1, -1, -1};

	gpt_zero_grad(f->g);
	assert_int_equal(gpt_forward(f->g, tokens, none, 2, 2, &loss, &err), 0);
	assert_true(loss == 0.0f);
	gpt_backward(f->g);
	for (size_t i = 0; i < f->g->nparams; i++)
		assert_true(f->g->grads[i] == 0.0f);
}

static void test_presets(void **state)
{
	(void)state;
	struct gpt_config c;
	struct tt_err err;

	assert_int_equal(gpt_config_preset("gpt2-124m", &c), 0);
	assert_int_equal(gpt_config_nparams(&c), 124439808); /* Hugging Face's gpt2 */
	assert_int_equal(gpt_config_preset("gpt-small", &c), 0);
	assert_int_equal(c.vocab, 8192);
	assert_int_equal(c.dim, 256);
	assert_int_equal(c.layers, 4);
	assert_int_equal(c.heads, 4);
	assert_int_equal(gpt_config_preset("gpt-tiny", &c), 0);
	size_t n = gpt_config_nparams(&c);

	assert_true(n > 800000 && n < 1200000);
	struct gpt *g = gpt_create(&c, 3, &err);
	size_t sum = 0;

	for (size_t i = 0; i < g->nviews; i++)
		sum += g->views[i].numel;
	assert_int_equal(sum, n);
	assert_true(g->nparams >= n);
	gpt_destroy(g);
	assert_int_equal(gpt_config_preset("gpt-huge", &c), -1);
	c.heads = 3;
	assert_null(gpt_create(&c, 3, &err));
	assert_string_equal(err.msg, "bad configuration: heads must divide dim");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_load_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_without_prefix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_f16, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_tensor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_dtype, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unexpected_tensor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_batches, setup, teardown),
		cmocka_unit_test(test_presets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
