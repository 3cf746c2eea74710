/*
 * test-trainer-ftmodes.c - the fine-tuning modes through the trainer
 * (trainer-ftmodes.c), on tiny shapes, one thread:
 *   - freeze_layers: the frozen tensors' bytes are identical after
 *     training, the trained ones moved; no gradient memory and no
 *     optimizer state for them (the snapshot's byte counts);
 *   - LoRA: the run's adapter directory (PEFT's files + tunetop.json, no
 *     copy of the base) loads on its base and gives the same logits as the
 *     run's exported model and as the merged model within 1e-5; a changed
 *     base is refused (hash); checkpoints with adapters resume bit for bit;
 *   - grad_accum: one step of 4 micro-batches gives the weights of one
 *     step on the whole batch within 1e-5 relative (dropout off);
 *   - the n-gram model refuses the gpt-only options with a clear message.
 * A base model is made first: 3 steps of a fresh classifier, exported.
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

#include "tunetop/bundle.h"
#include "tunetop/gpt.h"
#include "tunetop/model-gpt.h"
#include "tunetop/trainer.h"
#include "fixture-trainer.h"
#include "tunetop/util.h"

static char tmpdir[64];
static char base_path[128];

static struct trainer *make_trainer(struct cfg *c, const char *out, const char *resume)
{
	return fixture_trainer(c, 120, true, resume, out);
}

static void gpt_cfg(struct cfg *c)
{
	static const char *kv[][2] = {
		{ "model", "gpt" }, { "optimizer", "adamw" }, { "threads", "1" }, { "dim", "16" },
		{ "layers", "2" }, { "heads", "2" }, { "context", "12" }, { "vocab_size", "300" },
		{ "batch_size", "4" }, { "epochs", "2" }, { "lr", "0.01" }, { "warmup", "2" },
		{ "schedule", "cosine" }, { "dropout", "0.1" }, { "clip", "1" },
		{ "weight_decay", "0.01" }, { "log_every", "1" }, { "seed", "7" },
	};
	cfg_init(c);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		assert_int_equal(cfg_set(c, kv[i][0], kv[i][1], NULL), 0);
}

/* The same options starting from the base model. */
static void init_cfg(struct cfg *c)
{
	gpt_cfg(c);
	assert_int_equal(cfg_set(c, "init", base_path, NULL), 0);
}

static int send_wait(struct trainer *t, enum trainer_msg_type type, const char *key,
		     const char *value, uint64_t n, char *reply, size_t len)
{
	return fixture_send_wait(t, type, key, value, n, reply, len);
}

/* Run c for steps steps (max_steps), export the model to path, return the snapshot. */
static void run_export(struct cfg *c, const char *out, long steps, const char *path,
		       struct trainer_snapshot *snap)
{
	char n[32];
	struct trainer *t;

	snprintf(n, sizeof n, "%ld", steps);
	assert_int_equal(cfg_set(c, "max_steps", n, NULL), 0);
	t = make_trainer(c, out, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, path, 0, NULL, 0), 0);
	trainer_snapshot_get(t, snap);
	trainer_destroy(t);
}

static struct gpt *load_gpt(const char *path, struct bundle *b)
{
	struct tt_err err;

	if (bundle_load(b, path, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	return model_gpt_get(b->model);
}

static int setup(void **state)
{
	struct cfg c;
	struct trainer_snapshot s;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tunetop-ftmodes.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(base_path, sizeof base_path, "%s/base.safetensors", tmpdir);
	gpt_cfg(&c);
	run_export(&c, NULL, 3, base_path, &s);
	trainer_snapshot_fini(&s);
	cfg_fini(&c);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Frozen: wte, wpe and block 0 (freeze_layers 1 of 2) keep their bytes. */
static void test_freeze_layers(void **state)
{
	struct cfg c;
	struct trainer_snapshot s;
	struct bundle a, b;
	struct gpt *ga, *gb;
	char path[160];
	size_t frozen = 0, all = 0;

	(void)state;
	init_cfg(&c);
	assert_int_equal(cfg_set(&c, "freeze_layers", "1", NULL), 0);
	snprintf(path, sizeof path, "%s/frozen.safetensors", tmpdir);
	run_export(&c, NULL, 12, path, &s);
	ga = load_gpt(base_path, &a);
	gb = load_gpt(path, &b);
	assert_int_equal(ga->nviews, gb->nviews);
	for (size_t i = 0; i < ga->nviews; i++) {
		const struct gpt_view *va = &ga->views[i], *vb = &gb->views[i];
		int is_frozen = strncmp(va->name, "wte", 3) == 0 || strncmp(va->name, "wpe", 3) == 0 ||
				strncmp(va->name, "h.0.", 4) == 0;
		int same = memcmp(va->data, vb->data, va->numel * sizeof(float)) == 0;

		assert_string_equal(va->name, vb->name);
		all += va->numel;
		if (is_frozen) {
			frozen += va->numel;
			if (!same)
				fail_msg("frozen %s changed", va->name);
		} else if (same && strncmp(va->name, "h.1.ln", 5) != 0) {
			fail_msg("trained %s did not change", va->name);
		}
	}
	assert_int_equal(s.params_total, all);
	assert_int_equal(s.params_trainable, all - frozen);
	/* gradients and AdamW's two moments only for the trainable tensors */
	assert_int_equal(s.grad_bytes, (all - frozen) * sizeof(float));
	assert_true(s.optim_bytes >= 2 * (all - frozen) * sizeof(float));
	assert_true(s.optim_bytes <= 2 * (all - frozen) * sizeof(float) + 64);
	trainer_snapshot_fini(&s);
	bundle_fini(&a);
	bundle_fini(&b);
	cfg_fini(&c);
}

/* freeze_layers -1: only the head trains. */
static void test_freeze_body(void **state)
{
	struct cfg c;
	struct trainer_snapshot s;
	struct bundle a, b;
	struct gpt *ga, *gb;
	char path[160];

	(void)state;
	init_cfg(&c);
	assert_int_equal(cfg_set(&c, "freeze_layers", "-1", NULL), 0);
	snprintf(path, sizeof path, "%s/head.safetensors", tmpdir);
	run_export(&c, NULL, 6, path, &s);
	ga = load_gpt(base_path, &a);
	gb = load_gpt(path, &b);
	for (size_t i = 0; i < ga->nviews; i++) {
		int same = memcmp(ga->views[i].data, gb->views[i].data,
				  ga->views[i].numel * sizeof(float)) == 0;

		assert_true(strcmp(ga->views[i].name, "score.weight") == 0 ? !same : same);
	}
	assert_int_equal(s.params_trainable, gpt_find_view(ga, "score.weight")->numel);
	assert_int_equal(s.grad_bytes, s.params_trainable * sizeof(float));
	trainer_snapshot_fini(&s);
	bundle_fini(&a);
	bundle_fini(&b);
	cfg_fini(&c);
}

/* Each text's class logits through bundle b's model (g->a.cls_logits after predict). */
static void logits_of(struct bundle *b, float *out, size_t n)
{
	static const char *texts[] = { "my invoice is charged again", "the login is locked",
				       "crash error broken bug bug", "my refund" };
	struct model_ws *ws = model_ws_create(b->model);
	struct gpt *g = model_gpt_get(b->model);
	float probs[8];

	assert_true(n == 4 * g->cfg.nlabels);
	for (size_t i = 0; i < 4; i++) {
		bundle_predict(b, ws, texts[i], strlen(texts[i]), probs);
		memcpy(out + i * g->cfg.nlabels, g->a.cls_logits, g->cfg.nlabels * sizeof(float));
	}
	model_ws_destroy(b->model, ws);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void test_lora_adapter_files(void **state)
{
	struct cfg c;
	struct trainer_snapshot s;
	struct bundle ad, ex, mg, base;
	struct trainer *t;
	char out[160], exp[160], merged[160], p[700], reply[1024];
	float la[12], le[12], lm[12], l0[12];
	struct tt_err err;
	struct stat st;
	int moved = 0;

	(void)state;
	init_cfg(&c);
	assert_int_equal(cfg_set(&c, "lora_rank", "4", NULL), 0);
	assert_int_equal(cfg_set(&c, "lora_alpha", "8", NULL), 0);
	assert_int_equal(cfg_set(&c, "lora_targets", "c_attn,mlp.c_fc", NULL), 0);
	assert_int_equal(cfg_set(&c, "max_steps", "12", NULL), 0);
	snprintf(out, sizeof out, "%s/lora", tmpdir);
	snprintf(exp, sizeof exp, "%s/lora-export.safetensors", tmpdir);
	snprintf(merged, sizeof merged, "%s/lora-merged.safetensors", tmpdir);
	t = make_trainer(&c, out, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, exp, 0, NULL, 0), 0);
	assert_int_equal(send_wait(t, TRAINER_MERGED, NULL, merged, 0, reply, sizeof reply), 0);
	trainer_snapshot_get(t, &s);
	trainer_destroy(t);
	/* 2 layers x (c_attn A [4,16] B [48,4] + c_fc A [4,16] B [64,4]) + head [3,16] */
	assert_int_equal(s.params_trainable, 2 * (64 + 192 + 64 + 256) + 48);
	assert_int_equal(s.grad_bytes, s.params_trainable * sizeof(float));
	trainer_snapshot_fini(&s);

	/* PEFT's files and ours, no copy of the base */
	snprintf(p, sizeof p, "%s/adapter_config.json", out);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof p, "%s/tunetop.json", out);
	assert_int_equal(stat(p, &st), 0);
	snprintf(p, sizeof p, "%s/model.safetensors", out);
	assert_int_not_equal(stat(p, &st), 0);
	snprintf(p, sizeof p, "%s/adapter_model.safetensors", out);
	assert_true(file_size(p) * 5 < file_size(base_path));

	load_gpt(out, &ad);
	load_gpt(exp, &ex);
	load_gpt(merged, &mg);
	load_gpt(base_path, &base);
	assert_non_null(model_gpt_get(ad.model)->lora);
	assert_non_null(model_gpt_get(ex.model)->lora);     /* a checkpoint-like bundle */
	assert_null(model_gpt_get(mg.model)->lora);
	logits_of(&ad, la, 12);
	logits_of(&ex, le, 12);
	logits_of(&mg, lm, 12);
	logits_of(&base, l0, 12);
	for (int i = 0; i < 12; i++) {
		assert_float_equal(la[i], le[i], 1e-5);
		assert_float_equal(la[i], lm[i], 1e-5);
		moved |= fabsf(la[i] - l0[i]) > 1e-3;
	}
	assert_true(moved);     /* the adapter and head did learn something */
	bundle_fini(&ad);
	bundle_fini(&ex);
	bundle_fini(&mg);
	bundle_fini(&base);

	/* another file at the base's path: refused by its hash */
	snprintf(p, sizeof p, "cp %s %s.keep && cp %s %s", base_path, base_path, merged,
		 base_path);
	assert_int_equal(system(p), 0);
	tt_err_clear(&err);
	assert_int_equal(bundle_load(&ad, out, &err), -1);
	assert_non_null(strstr(err.msg, "this adapter was made for base"));
	snprintf(p, sizeof p, "mv %s.keep %s", base_path, base_path);
	assert_int_equal(system(p), 0);
	cfg_fini(&c);
}

/* Train losses by step from the points (log_every 1). */
static size_t losses(struct trainer *t, double *out, size_t max)
{
	static struct trainer_point pt[4096];
	size_t n = trainer_points(t, 0, pt, 4096), k = 0;

	for (size_t i = 0; i < n && k < max; i++)
		if (!isnan(pt[i].train_loss))
			out[k++] = pt[i].train_loss;
	return k;
}

/* A LoRA run (with its dropout) checkpointed at step 9 resumes bit for bit. */
static void test_lora_exact_resume(void **state)
{
	static double full[4096], tail[4096];
	struct cfg c;
	struct trainer *t;
	char ckpt[160];
	size_t nfull, ntail;
	const uint64_t at = 9;

	(void)state;
	init_cfg(&c);
	assert_int_equal(cfg_set(&c, "lora_rank", "2", NULL), 0);
	assert_int_equal(cfg_set(&c, "lora_dropout", "0.2", NULL), 0);
	assert_int_equal(cfg_set(&c, "max_steps", "30", NULL), 0);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	nfull = losses(t, full, 4096);
	assert_int_equal(nfull, 30);
	trainer_destroy(t);

	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, at, NULL, 0), 0);
	trainer_wait_stopped(t, 60);
	snprintf(ckpt, sizeof ckpt, "%s/lora.ckpt", tmpdir);
	assert_int_equal(send_wait(t, TRAINER_CHECKPOINT, NULL, ckpt, 0, NULL, 0), 0);
	trainer_destroy(t);
	t = make_trainer(&c, NULL, ckpt);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	ntail = losses(t, tail, 4096);
	assert_int_equal(ntail, nfull - at);
	for (size_t i = 0; i < ntail; i++)
		if (tail[i] != full[at + i])
			fail_msg("step %zu: resumed loss %.17g != uninterrupted %.17g",
				 (size_t)at + 1 + i, tail[i], full[at + i]);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* grad_accum 4 (micro-batches of 2) vs one batch of 8: the same weights. */
static void test_grad_accum_equals_big_batch(void **state)
{
	struct cfg c;
	struct trainer_snapshot s;
	struct bundle a, b;
	struct gpt *ga, *gb;
	char pa[160], pb[160];
	const char *accum[2] = { "1", "4" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		init_cfg(&c);
		assert_int_equal(cfg_set(&c, "dropout", "0", NULL), 0);
		assert_int_equal(cfg_set(&c, "optimizer", "sgd", NULL), 0);
		assert_int_equal(cfg_set(&c, "lr", "0.5", NULL), 0);
		assert_int_equal(cfg_set(&c, "clip", "0", NULL), 0);
		assert_int_equal(cfg_set(&c, "weight_decay", "0", NULL), 0);
		assert_int_equal(cfg_set(&c, "warmup", "0", NULL), 0);
		assert_int_equal(cfg_set(&c, "schedule", "constant", NULL), 0);
		assert_int_equal(cfg_set(&c, "batch_size", "8", NULL), 0);
		assert_int_equal(cfg_set(&c, "grad_accum", accum[k], NULL), 0);
		snprintf(k == 0 ? pa : pb, sizeof pa, "%s/accum-%s.safetensors", tmpdir, accum[k]);
		run_export(&c, NULL, 3, k == 0 ? pa : pb, &s);
		trainer_snapshot_fini(&s);
		cfg_fini(&c);
	}
	ga = load_gpt(pa, &a);
	gb = load_gpt(pb, &b);
	for (size_t i = 0; i < ga->nviews; i++) {
		const struct gpt_view *va = &ga->views[i], *vb = &gb->views[i];
		float mx = 0, diff = 0;

		for (size_t j = 0; j < va->numel; j++) {
			mx = fmaxf(mx, fabsf(va->data[j]));
			diff = fmaxf(diff, fabsf(va->data[j] - vb->data[j]));
		}
		if (diff > 1e-5f * fmaxf(mx, 1e-3f))
			fail_msg("%s: accumulated and big-batch weights differ by %g (max |w| %g)",
				 va->name, (double)diff, (double)mx);
	}
	/* and the steps did move the weights (a test that could fail) */
	{
		struct bundle z;
		struct gpt *g0 = load_gpt(base_path, &z);

		assert_memory_not_equal(g0->views[g0->nviews - 1].data,
					ga->views[ga->nviews - 1].data,
					ga->views[ga->nviews - 1].numel * sizeof(float));
		bundle_fini(&z);
	}
	bundle_fini(&a);
	bundle_fini(&b);
}

/* The n-gram model: the gpt-only options are refused by name. */
static void test_ngram_refuses(void **state)
{
	static const char *kv[][2] = { { "freeze_layers", "2" }, { "lora_rank", "8" },
				       { "grad_checkpoint", "true" }, { "grad_accum", "2" } };
	char reply[1024];

	(void)state;
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		struct cfg c;
		struct trainer *t;

		cfg_init(&c);
		assert_int_equal(cfg_set(&c, kv[i][0], kv[i][1], NULL), 0);
		assert_int_equal(cfg_set(&c, "epochs", "1", NULL), 0);
		t = make_trainer(&c, NULL, NULL);
		assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, reply, sizeof reply), -1);
		assert_non_null(strstr(reply, kv[i][0]));
		assert_non_null(strstr(reply, "is for model gpt only"));
		trainer_destroy(t);
		cfg_fini(&c);
	}
}

/* Bad values at the start: freeze_layers above the layers, an unknown target. */
static void test_bad_values(void **state)
{
	static const char *kv[][3] = {
		{ "freeze_layers", "3", "the model has 2 layers (expected -1 to 2)" },
		{ "lora_targets", "c_attn,q_proj", "q_proj" },
	};
	char reply[1024];

	(void)state;
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		struct cfg c;
		struct trainer *t;

		init_cfg(&c);
		if (strcmp(kv[i][0], "lora_targets") == 0)
			assert_int_equal(cfg_set(&c, "lora_rank", "2", NULL), 0);
		assert_int_equal(cfg_set(&c, kv[i][0], kv[i][1], NULL), 0);
		t = make_trainer(&c, NULL, NULL);
		assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, reply, sizeof reply), -1);
		if (strstr(reply, kv[i][2]) == NULL)
			fail_msg("reply '%s' lacks '%s'", reply, kv[i][2]);
		trainer_destroy(t);
		cfg_fini(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeze_layers),
		cmocka_unit_test(test_freeze_body),
		cmocka_unit_test(test_lora_adapter_files),
		cmocka_unit_test(test_lora_exact_resume),
		cmocka_unit_test(test_grad_accum_equals_big_batch),
		cmocka_unit_test(test_ngram_refuses),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests_name("trainer-ftmodes", tests, setup, teardown);
}
