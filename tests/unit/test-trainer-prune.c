/*
 * test-trainer-prune.c - pruning and per-layer statistics inside a run.
 *
 * Pruning: a tiny gpt classifier is trained and exported; a second run
 * starts from it with prune_sparsity 0.6 and AdamW with weight decay (which
 * would move a pruned weight off zero if the masks were not applied). The
 * reference masks come from gpt_prune_magnitude on the same file, so after
 * N steps every pruned weight must be exactly 0.0f and every kept one not,
 * and the sparsity the run reports is exactly sum round(0.6 * numel) / total.
 * The `prune` message then prunes further (global), journaled as an event.
 *
 * Layers: nothing is measured until asked (want_layers or layer_stats);
 * then the gpt run publishes embed, block 0, ln_f, head with finite
 * gradient norms and update ratios; the n-gram run input and output; a
 * prune on the n-gram model is refused with a clear reason.
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

#include "tunetop/bundle.h"
#include "tunetop/gpt-prune.h"
#include "tunetop/model-gpt.h"
#include "tunetop/trainer.h"
#include "fixture-trainer.h"
#include "tunetop/util.h"

static char tmpdir[64];

static struct trainer *make_trainer_out(struct cfg *c, const char *out_dir)
{
	return fixture_trainer(c, 120, true, NULL, out_dir);
}

static struct trainer *make_trainer(struct cfg *c)
{
	return make_trainer_out(c, NULL);
}

static void gpt_cfg(struct cfg *c)
{
	static const char *kv[][2] = {
		{ "model", "gpt" }, { "optimizer", "adamw" }, { "threads", "1" }, { "dim", "16" },
		{ "layers", "1" }, { "heads", "2" }, { "context", "12" }, { "vocab_size", "300" },
		{ "batch_size", "4" }, { "epochs", "4" }, { "lr", "0.01" }, { "warmup", "2" },
		{ "schedule", "constant" }, { "dropout", "0" }, { "clip", "1" },
		{ "weight_decay", "0.1" }, { "log_every", "1" }, { "seed", "7" },
	};
	cfg_init(c);
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
		assert_int_equal(cfg_set(c, kv[i][0], kv[i][1], NULL), 0);
}

static int send_wait(struct trainer *t, enum trainer_msg_type type, const char *key,
		     const char *value, uint64_t n, char *reply, size_t rn)
{
	return fixture_send_wait(t, type, key, value, n, reply, rn);
}

static double run_sparsity(struct trainer *t)
{
	struct trainer_snapshot s;
	double v;

	trainer_snapshot_get(t, &s);
	v = s.sparsity;
	trainer_snapshot_fini(&s);
	return v;
}

/* A trained tiny classifier, exported to path: the "fine-tuned model". */
static void make_init(const char *path)
{
	struct cfg c;
	struct trainer *t;

	gpt_cfg(&c);
	assert_int_equal(cfg_set(&c, "max_steps", "10", NULL), 0);
	t = make_trainer(&c);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_DONE);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, path, 0, NULL, 0), 0);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* The masks pruning path's weights to sparsity would give. */
static struct bundle ref_masks(const char *path, float sparsity, enum gpt_prune_scope sc,
			       struct gpt_prune *p)
{
	struct bundle b;
	struct tt_err err;

	assert_int_equal(bundle_load(&b, path, &err), 0);
	assert_int_equal(gpt_prune_magnitude(model_gpt_get(b.model), sparsity, sc, p, &err), 0);
	return b;
}

/* path's weights are zero exactly where p prunes; returns the zeros. */
static size_t check_zeros(const char *path, const struct gpt_prune *p)
{
	struct bundle b;
	struct tt_err err;
	struct gpt *g;
	size_t zeros = 0;

	assert_int_equal(bundle_load(&b, path, &err), 0);
	g = model_gpt_get(b.model);
	for (size_t k = 0; k < p->n; k++) {
		const float *w = g->views[p->m[k].view].data;
		size_t bad = 0;

		assert_string_equal(g->views[p->m[k].view].name, p->m[k].name);
		for (size_t i = 0; i < p->m[k].numel; i++) {
			bad += p->m[k].keep[i] ? w[i] == 0.0f : w[i] != 0.0f;
			zeros += w[i] == 0.0f;
		}
		assert_int_equal(bad, 0);
	}
	bundle_fini(&b);
	return zeros;
}

static void test_prune_stays_zero(void **state)
{
	char init[128], out[128], out2[128], run[128], reply[1024], *log;
	size_t loglen;
	struct gpt_prune ref, ref2;
	struct bundle rb, rb2;
	struct trainer_event ev[64];
	struct trainer *t;
	struct cfg c;
	size_t nev, i, want = 0;

	(void)state;
	snprintf(init, sizeof init, "%s/init.safetensors", tmpdir);
	snprintf(out, sizeof out, "%s/pruned.safetensors", tmpdir);
	snprintf(out2, sizeof out2, "%s/pruned2.safetensors", tmpdir);
	make_init(init);
	rb = ref_masks(init, 0.6f, GPT_PRUNE_PER_MATRIX, &ref);
	for (i = 0; i < ref.n; i++) {
		assert_int_equal(ref.m[i].pruned, (size_t)floor(0.6 * (double)ref.m[i].numel + 0.5));
		want += ref.m[i].pruned;
	}
	assert_int_equal(ref.pruned, want);

	gpt_cfg(&c);
	assert_int_equal(cfg_set(&c, "init", init, NULL), 0);
	assert_int_equal(cfg_set(&c, "prune_sparsity", "0.6", NULL), 0);
	snprintf(run, sizeof run, "%s/run", tmpdir);
	t = make_trainer_out(&c, run);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 15, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_PAUSED);
	{       /* nobody asked for per-layer statistics: none measured */
		struct trainer_layers L;

		trainer_layers_get(t, &L);
		assert_int_equal(L.n, 0);
		trainer_layers_fini(&L);
	}
	/* Exact: the zeros are the masks' pruned weights, not one more or less. */
	assert_true(run_sparsity(t) == (double)ref.pruned / (double)ref.total);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, out, 0, NULL, 0), 0);
	assert_int_equal(check_zeros(out, &ref), ref.pruned);

	/* Refusals: out of range, unknown scope. */
	assert_int_equal(send_wait(t, TRAINER_PRUNE, NULL, "1.5", 0, reply, sizeof reply), -1);
	assert_non_null(strstr(reply, "0 to 0.99"));
	assert_int_equal(send_wait(t, TRAINER_PRUNE, "rows", "0.5", 0, reply, sizeof reply), -1);
	assert_non_null(strstr(reply, "matrix or global"));

	/* Prune further, one global threshold, and train on. */
	assert_int_equal(send_wait(t, TRAINER_PRUNE, "global", "0.8", 0, reply, sizeof reply), 0);
	assert_non_null(strstr(reply, "stay zero"));
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 10, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_PAUSED);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, out2, 0, NULL, 0), 0);
	rb2 = ref_masks(out, 0.8f, GPT_PRUNE_GLOBAL, &ref2);
	assert_int_equal(ref2.pruned, (size_t)floor(0.8 * (double)ref2.total + 0.5));
	assert_true(run_sparsity(t) == (double)ref2.pruned / (double)ref2.total);
	assert_int_equal(check_zeros(out2, &ref2), ref2.pruned);
	nev = trainer_events(t, 0, ev, 64);
	for (i = 0; i < nev && ev[i].kind != TRAINER_EV_PRUNE; i++)
		;
	assert_true(i < nev);
	assert_int_equal(ev[i].step, 15);
	assert_string_equal(ev[i].key, "prune_sparsity");
	/* ...and journaled in the run's metrics.jsonl. */
	snprintf(run + strlen(run), sizeof run - strlen(run), "/metrics.jsonl");
	assert_int_equal(tt_read_file(run, &log, &loglen, NULL), 0);
	assert_non_null(strstr(log, "\"step\": 15, \"event\": \"prune\", \"key\": \"prune_sparsity\""));
	free(log);
	assert_true(fabs(strtod(ev[i].old_value, NULL) - 0.6) < 1e-3);
	assert_true(fabs(strtod(ev[i].new_value, NULL) - 0.8) < 1e-3);
	trainer_destroy(t);
	gpt_prune_fini(&ref);
	gpt_prune_fini(&ref2);
	bundle_fini(&rb);
	bundle_fini(&rb2);
	cfg_fini(&c);
}

static void test_layers_gpt(void **state)
{
	static const char *names[] = { "embed", "block 0", "ln_f", "head" };
	struct trainer_layers L;
	struct trainer *t;
	struct cfg c;

	(void)state;
	gpt_cfg(&c);
	assert_int_equal(cfg_set(&c, "layer_stats", "true", NULL), 0);   /* every point */
	t = make_trainer(&c);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 6, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_PAUSED);
	trainer_layers_get(t, &L);
	assert_int_equal(L.n, 4);
	assert_true(L.seq > 0);
	assert_int_equal(L.step, 6);
	for (size_t i = 0; i < L.n; i++) {
		const struct trainer_layer *l = &L.l[i];

		assert_string_equal(l->name, names[i]);
		assert_false(l->frozen);
		assert_true(l->nparams > 0);
		assert_int_equal(l->n, 6);              /* log_every 1 */
		assert_true(isnan(l->update_ratio[0]));   /* no earlier point */
		for (size_t k = 0; k < l->n; k++)
			assert_true(isfinite(l->grad_norm[k]) && l->grad_norm[k] > 0);
		/* AdamW at lr 0.01 moves each weight by about lr a step: well above 0, below 1. */
		assert_true(l->update_ratio[5] > 1e-5 && l->update_ratio[5] < 1);
	}
	trainer_layers_fini(&L);
	trainer_destroy(t);
	cfg_fini(&c);
}

static void test_layers_ngram(void **state)
{
	struct trainer_layers L;
	struct trainer *t;
	struct cfg c;
	char reply[1024];

	(void)state;
	cfg_init(&c);
	assert_int_equal(cfg_set(&c, "buckets", "5000", NULL), 0);
	assert_int_equal(cfg_set(&c, "threads", "1", NULL), 0);
	assert_int_equal(cfg_set(&c, "log_every", "2", NULL), 0);
	assert_int_equal(cfg_set(&c, "batch_size", "4", NULL), 0);
	assert_int_equal(cfg_set(&c, "layer_stats", "true", NULL), 0);    /* the option's way */
	t = make_trainer(&c);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 6, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 120), TRAINER_PAUSED);
	trainer_layers_get(t, &L);
	assert_int_equal(L.n, 2);
	assert_string_equal(L.l[0].name, "input");
	assert_string_equal(L.l[1].name, "output");
	for (size_t i = 0; i < L.n; i++) {
		assert_int_equal(L.l[i].n, 3);
		assert_true(isnan(L.l[i].grad_norm[2]));   /* Hogwild SGD: fused, no gradient */
		assert_true(L.l[i].update_ratio[2] > 0);
	}
	trainer_layers_fini(&L);
	assert_int_equal(send_wait(t, TRAINER_PRUNE, NULL, "0.5", 0, reply, sizeof reply), -1);
	assert_non_null(strstr(reply, "needs model gpt"));
	trainer_destroy(t);
	cfg_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prune_stays_zero),
		cmocka_unit_test(test_layers_gpt),
		cmocka_unit_test(test_layers_ngram),
	};
	int rc;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/tunetop-trainer-prune.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("trainer-prune", tests, NULL, NULL);
	if (system("true") == 0) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
