/*
 * test-trainer-gpt.c - the trainer driving model gpt as it drives the
 * n-gram model (test-trainer.c): exact step counts, pause and live `set`,
 * checkpoints that resume bit for bit (classification and language model,
 * AdamW with dropout and clipping), the divergence guard, max_steps, and
 * the bundle's tokenizer being the learned BPE. Tiny shapes, one thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/bundle.h"
#include "tunetop/trainer.h"
#include "fixture-trainer.h"
#include "tunetop/util.h"

static char tmpdir[64];

static struct trainer *make_trainer(struct cfg *c, const char *resume)
{
	return fixture_trainer(c, 120, true, resume, NULL);
}

static void gpt_cfg(struct cfg *c, const char *objective)
{
	static const char *kv[][2] = {
		{ "model", "gpt" }, { "optimizer", "adamw" }, { "threads", "1" }, { "dim", "16" },
		{ "layers", "1" }, { "heads", "2" }, { "context", "12" }, { "vocab_size", "300" },
		{ "batch_size", "4" }, { "epochs", "4" }, { "lr", "0.01" }, { "warmup", "5" },
		{ "schedule", "cosine" }, { "dropout", "0.1" }, { "clip", "1" },
		{ "weight_decay", "0.01" }, { "log_every", "1" }, { "seed", "7" },
	};
	cfg_init(c);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		assert_int_equal(cfg_set(c, kv[i][0], kv[i][1], NULL), 0);
	assert_int_equal(cfg_set(c, "objective", objective, NULL), 0);
}

static int send_wait(struct trainer *t, enum trainer_msg_type type, const char *key,
		     const char *value, uint64_t n)
{
	return fixture_send_wait(t, type, key, value, n, NULL, 0);
}

static uint64_t current_step(struct trainer *t, enum trainer_state *state)
{
	struct trainer_snapshot s;
	uint64_t step;

	trainer_snapshot_get(t, &s);
	step = s.step;
	if (state != NULL)
		*state = s.state;
	trainer_snapshot_fini(&s);
	return step;
}

static void test_step_set_pause(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_event ev[16];
	enum trainer_state st;
	size_t nev, i;

	(void)state;
	gpt_cfg(&c, "classify");
	t = make_trainer(&c, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 5), 0);
	assert_int_equal(trainer_wait_stopped(t, 60), TRAINER_PAUSED);
	assert_int_equal(current_step(t, &st), 5);
	assert_int_equal(send_wait(t, TRAINER_SET, "lr", "0.002", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_SET, "layers", "3", 0), -1);    /* not live */
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 3), 0);
	assert_int_equal(trainer_wait_stopped(t, 60), TRAINER_PAUSED);
	assert_int_equal(current_step(t, NULL), 8);
	nev = trainer_events(t, 0, ev, 16);
	for (i = 0; i < nev && ev[i].kind != TRAINER_EV_SET; i++)
		;
	assert_true(i < nev);
	assert_int_equal(ev[i].step, 5);
	assert_string_equal(ev[i].key, "lr");
	trainer_destroy(t);
	cfg_fini(&c);
}

/* Train losses by step from the points (log_every 1). */
static size_t losses(struct trainer *t, double *out, size_t max, uint64_t *first_step)
{
	static struct trainer_point p[4096];
	size_t n = trainer_points(t, 0, p, 4096), k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		if (isnan(p[i].train_loss))
			continue;
		if (k == 0)
			*first_step = p[i].step;
		out[k++] = p[i].train_loss;
	}
	return k;
}

/* Interrupted at `at`, checkpointed, resumed: the same losses bit for bit. */
static void check_exact_resume(struct cfg *c, uint64_t at)
{
	static double full[4096], tail[4096];
	struct trainer *t;
	char ckpt[128];
	size_t nfull, ntail;
	uint64_t first, first_tail;

	t = make_trainer(c, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	nfull = losses(t, full, 4096, &first);
	assert_int_equal(first, 1);
	assert_true(nfull > at + 10);
	trainer_destroy(t);

	t = make_trainer(c, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, at), 0);
	trainer_wait_stopped(t, 60);
	snprintf(ckpt, sizeof ckpt, "%s/run.ckpt", tmpdir);
	assert_int_equal(send_wait(t, TRAINER_CHECKPOINT, NULL, ckpt, 0), 0);
	trainer_destroy(t);
	t = make_trainer(c, ckpt);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	ntail = losses(t, tail, 4096, &first_tail);
	assert_int_equal(first_tail, at + 1);
	assert_int_equal(ntail, nfull - at);
	for (size_t i = 0; i < ntail; i++) {
		if (tail[i] != full[at + i])
			fail_msg("step %zu: resumed loss %.17g != uninterrupted %.17g",
				 (size_t)at + 1 + i, tail[i], full[at + i]);
	}
	trainer_destroy(t);
}

static void test_exact_resume_classify(void **state)
{
	struct cfg c;

	(void)state;
	gpt_cfg(&c, "classify");
	check_exact_resume(&c, 37);     /* mid-epoch (24 steps an epoch) */
	cfg_fini(&c);
}

static void test_exact_resume_lm(void **state)
{
	struct cfg c;

	(void)state;
	gpt_cfg(&c, "lm");
	assert_int_equal(cfg_set(&c, "epochs", "3", NULL), 0);
	check_exact_resume(&c, 11);
	cfg_fini(&c);
}

static void test_divergence_guard(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;

	(void)state;
	gpt_cfg(&c, "classify");
	assert_int_equal(cfg_set(&c, "optimizer", "sgd", NULL), 0);
	assert_int_equal(cfg_set(&c, "clip", "0", NULL), 0);
	assert_int_equal(cfg_set(&c, "epochs", "200", NULL), 0);
	t = make_trainer(&c, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 3), 0);
	trainer_wait_stopped(t, 60);
	assert_int_equal(send_wait(t, TRAINER_SET, "lr", "100", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_RESUME, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_PAUSED);
	trainer_snapshot_get(t, &s);
	assert_true(s.message_is_error);
	assert_non_null(strstr(s.message, "diverged at step"));
	trainer_snapshot_fini(&s);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* max_steps ends the run; the exported bundle holds the BPE and reloads. */
static void test_max_steps_bundle(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;
	struct bundle b;
	struct tt_err err;
	char path[128];
	float probs[3];

	(void)state;
	gpt_cfg(&c, "classify");
	assert_int_equal(cfg_set(&c, "max_steps", "9", NULL), 0);
	t = make_trainer(&c, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 60), TRAINER_DONE);
	trainer_snapshot_get(t, &s);
	assert_int_equal(s.step, 9);
	assert_int_equal(s.total_steps, 9);
	assert_true(s.step_ms_median > 0);     /* 9 steps, 5 of them warm-up */
	assert_false(s.lm);
	trainer_snapshot_fini(&s);
	snprintf(path, sizeof path, "%s/m.safetensors", tmpdir);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, path, 0), 0);
	trainer_destroy(t);
	assert_int_equal(bundle_load(&b, path, &err), 0);
	assert_string_equal(b.model->ops->name, "gpt");
	assert_string_equal(tokenizer_name(b.tok), "bpe");
	assert_true(tokenizer_vocab_size(b.tok) <= 300);
	assert_int_equal(b.model->cfg.ninputs, tokenizer_vocab_size(b.tok));
	assert_int_equal(b.model->cfg.n_ctx, 12);
	struct model_ws *ws = model_ws_create(b.model);
	bundle_predict(&b, ws, "my invoice", 10, probs);
	assert_float_equal(probs[0] + probs[1] + probs[2], 1.0, 1e-5);
	model_ws_destroy(b.model, ws);
	bundle_fini(&b);
	cfg_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_set_pause),
		cmocka_unit_test(test_exact_resume_classify),
		cmocka_unit_test(test_exact_resume_lm),
		cmocka_unit_test(test_divergence_guard),
		cmocka_unit_test(test_max_steps_bundle),
	};
	int rc;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/tunetop-trainer-gpt.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("trainer-gpt", tests, NULL, NULL);
	if (system("true") == 0) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
