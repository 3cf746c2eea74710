/*
 * test-trainer.c - the trainer thread, driven through its API the way the
 * commands drive it: step counts, pause, live changes (lr 0 freezes the
 * weights), events, the divergence guard, checkpoints, and the exact
 * resume of an interrupted run. One worker thread, so runs are
 * deterministic (and the tests are clean under ThreadSanitizer).
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
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "tunetop/bundle.h"
#include "tunetop/trainer.h"
#include "fixture-trainer.h"
#include "tunetop/util.h"

static char tmpdir[64];

static struct trainer *make_trainer(struct cfg *c, const char *resume, const char *out)
{
	return fixture_trainer(c, 300, false, resume, out);
}

static void base_cfg(struct cfg *c)
{
	struct tt_err err;

	cfg_init(c);
	assert_int_equal(cfg_set(c, "threads", "1", &err), 0);
	assert_int_equal(cfg_set(c, "dim", "16", &err), 0);
	assert_int_equal(cfg_set(c, "buckets", "5000", &err), 0);
	assert_int_equal(cfg_set(c, "epochs", "5", &err), 0);
	assert_int_equal(cfg_set(c, "log_every", "1", &err), 0);
	assert_int_equal(cfg_set(c, "seed", "7", &err), 0);
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

/*
 * Waits (up to a minute) on the trainer's wake pipe until its published
 * step is past `at`: tests wait for an observable state, never for a time.
 */
static uint64_t wait_step_past(struct trainer *t, uint64_t at)
{
	struct pollfd p = { .fd = trainer_wake_fd(t), .events = POLLIN };
	double deadline = tt_now() + 60.0;
	uint64_t step;

	while ((step = current_step(t, NULL)) <= at && tt_now() < deadline) {
		(void)poll(&p, 1, 100);
		trainer_drain_wake(t);
	}
	return step;
}

static void test_step_exact(void **state)
{
	struct cfg c;
	struct trainer *t;
	enum trainer_state st;

	(void)state;
	base_cfg(&c);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(current_step(t, &st), 0);
	assert_int_equal(st, TRAINER_IDLE);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 5), 0);
	assert_int_equal(trainer_wait_stopped(t, 10), TRAINER_PAUSED);
	assert_int_equal(current_step(t, NULL), 5);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 5), 0);
	assert_int_equal(trainer_wait_stopped(t, 10), TRAINER_PAUSED);
	assert_int_equal(current_step(t, NULL), 10);
	trainer_destroy(t);
	cfg_fini(&c);
}

static void test_pause_holds(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct tt_err err;
	enum trainer_state st;
	uint64_t at;

	(void)state;
	base_cfg(&c);
	cfg_set(&c, "epochs", "10000", &err);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_true(wait_step_past(t, 0) > 0);
	assert_int_equal(send_wait(t, TRAINER_PAUSE, NULL, NULL, 0), 0);
	at = current_step(t, &st);
	assert_int_equal(st, TRAINER_PAUSED);
	assert_true(at > 0);
	/* Not a wait for anything: a paused run must not move for a while. */
	usleep(100000);
	assert_int_equal(current_step(t, &st), at);
	assert_int_equal(st, TRAINER_PAUSED);
	/* Pausing twice is refused with a reason. */
	assert_int_equal(send_wait(t, TRAINER_PAUSE, NULL, NULL, 0), -1);
	assert_int_equal(send_wait(t, TRAINER_RESUME, NULL, NULL, 0), 0);
	assert_true(wait_step_past(t, at) > at);
	assert_int_equal(send_wait(t, TRAINER_STOP, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 10), TRAINER_STOPPED);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* The input weights of an exported model. */
static float *export_weights(struct trainer *t, const char *name, size_t *n)
{
	char path[128];
	struct bundle b;
	struct tt_err err;
	struct model_view v;
	float *w;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	assert_int_equal(send_wait(t, TRAINER_EXPORT, NULL, path, 0), 0);
	assert_int_equal(bundle_load(&b, path, &err), 0);
	assert_int_equal(model_find_view(b.model, "ngram.input.weight", &v), 0);
	*n = (size_t)model_view_numel(&v);
	w = tt_xmalloc(*n * sizeof *w);
	memcpy(w, v.data, *n * sizeof *w);
	bundle_fini(&b);
	return w;
}

static void test_lr_zero_freezes(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_event ev[16];
	float *a, *b2, *c2;
	size_t n, i, nev;

	(void)state;
	base_cfg(&c);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 10), 0);
	trainer_wait_stopped(t, 10);
	assert_int_equal(send_wait(t, TRAINER_SET, "lr", "0", 0), 0);
	a = export_weights(t, "a.safetensors", &n);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 20), 0);
	trainer_wait_stopped(t, 10);
	b2 = export_weights(t, "b.safetensors", &n);
	assert_memory_equal(a, b2, n * sizeof *a);
	/* And a non-zero lr moves them again. */
	assert_int_equal(send_wait(t, TRAINER_SET, "lr", "0.5", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 5), 0);
	trainer_wait_stopped(t, 10);
	c2 = export_weights(t, "c.safetensors", &n);
	for (i = 0; i < n && b2[i] == c2[i]; i++)
		;
	assert_true(i < n);
	/* Each change is an event with the step, key, old and new value. */
	nev = trainer_events(t, 0, ev, 16);
	for (i = 0; i < nev && ev[i].kind != TRAINER_EV_SET; i++)
		;
	assert_true(i < nev);
	assert_int_equal(ev[i].step, 10);
	assert_string_equal(ev[i].key, "lr");
	assert_string_equal(ev[i].old_value, "0.5");
	assert_string_equal(ev[i].new_value, "0");
	/* A non-live key is refused once the model exists. */
	assert_int_equal(send_wait(t, TRAINER_SET, "dim", "32", 0), -1);
	free(a);
	free(b2);
	free(c2);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* Train losses by step from the points (log_every 1: one point a step). */
static size_t losses(struct trainer *t, double *out, size_t max, uint64_t *first_step)
{
	struct trainer_point p[4096];
	size_t n = trainer_points(t, 0, p, 4096), i, k = 0;

	for (i = 0; i < n && k < max; i++) {
		if (isnan(p[i].train_loss))
			continue;
		if (k == 0)
			*first_step = p[i].step;
		out[k++] = p[i].train_loss;
	}
	return k;
}

/*
 * A run interrupted at step `at`, checkpointed and resumed elsewhere gives
 * the uninterrupted run's losses bit for bit, from step at + 1 on.
 */
static void check_exact_resume(struct cfg *c, uint64_t at)
{
	struct trainer *t;
	static double full[4096], tail[4096];
	char ckpt[128];
	size_t nfull, ntail, i;
	uint64_t first, first_tail;

	t = make_trainer(c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 30), TRAINER_DONE);
	nfull = losses(t, full, 4096, &first);
	assert_int_equal(first, 1);
	assert_true(nfull > at + 100);
	trainer_destroy(t);

	t = make_trainer(c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, at), 0);
	trainer_wait_stopped(t, 30);
	snprintf(ckpt, sizeof ckpt, "%s/run.ckpt", tmpdir);
	assert_int_equal(send_wait(t, TRAINER_CHECKPOINT, NULL, ckpt, 0), 0);
	trainer_destroy(t);
	t = make_trainer(c, ckpt, NULL);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(current_step(t, NULL) >= at, 1);
	assert_int_equal(trainer_wait_stopped(t, 30), TRAINER_DONE);
	ntail = losses(t, tail, 4096, &first_tail);
	assert_int_equal(first_tail, at + 1);
	assert_int_equal(ntail, nfull - at);
	for (i = 0; i < ntail; i++) {
		if (tail[i] != full[at + i])
			fail_msg("step %zu: resumed loss %.17g != uninterrupted %.17g",
				 (size_t)at + 1 + i, tail[i], full[at + i]);
	}
	trainer_destroy(t);
}

/* SGD on the n-gram model's fast path: weights and position suffice. */
static void test_exact_resume(void **state)
{
	struct cfg c;

	(void)state;
	base_cfg(&c);
	cfg_set(&c, "dropout", "0.2", NULL);     /* random numbers matter too */
	check_exact_resume(&c, 377);    /* mid-epoch */
	cfg_fini(&c);
}

/* AdamW through forward/backward and optim.c: the moments and t come back too. */
static void test_exact_resume_adamw(void **state)
{
	struct cfg c;

	(void)state;
	base_cfg(&c);
	cfg_set(&c, "dropout", "0.2", NULL);
	assert_int_equal(cfg_set(&c, "optimizer", "adamw", NULL), 0);
	assert_int_equal(cfg_set(&c, "batch_size", "2", NULL), 0);
	assert_int_equal(cfg_set(&c, "lr", "0.02", NULL), 0);
	assert_int_equal(cfg_set(&c, "weight_decay", "0.01", NULL), 0);
	assert_int_equal(cfg_set(&c, "clip", "1", NULL), 0);
	check_exact_resume(&c, 151);
	cfg_fini(&c);
}

static void test_divergence_guard(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;
	char ckpt[128], reply[1024];
	enum trainer_state st;

	(void)state;
	base_cfg(&c);
	cfg_set(&c, "epochs", "200", NULL);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 20), 0);
	trainer_wait_stopped(t, 10);
	snprintf(ckpt, sizeof ckpt, "%s/good.ckpt", tmpdir);
	assert_int_equal(send_wait(t, TRAINER_CHECKPOINT, NULL, ckpt, 0), 0);
	assert_int_equal(send_wait(t, TRAINER_SET, "lr", "100", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_RESUME, NULL, NULL, 0), 0);
	st = trainer_wait_stopped(t, 30);
	trainer_snapshot_get(t, &s);
	assert_int_equal(st, TRAINER_PAUSED);
	assert_true(s.message_is_error);
	assert_non_null(strstr(s.message, "diverged at step"));
	trainer_snapshot_fini(&s);
	/* The last good checkpoint is not overwritten by a diverged state. */
	assert_int_equal(trainer_wait_handled(t, trainer_send(t, TRAINER_CHECKPOINT, NULL, ckpt, 0, NULL),
					      reply, sizeof reply), -1);
	assert_non_null(strstr(reply, "refusing to save"));
	trainer_destroy(t);
	cfg_fini(&c);
}

static void test_metrics_log(void **state)
{
	struct cfg c;
	struct trainer *t;
	char path[128], line[512];
	FILE *f;
	int points = 0, sets = 0, metric = 0;

	(void)state;
	base_cfg(&c);
	cfg_set(&c, "epochs", "1", NULL);
	t = make_trainer(&c, NULL, tmpdir);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 3), 0);
	trainer_wait_stopped(t, 10);
	assert_int_equal(send_wait(t, TRAINER_SET, "weight_decay", "0.01", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_SET, "metric", "accuracy", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_RESUME, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 30), TRAINER_DONE);
	trainer_destroy(t);
	snprintf(path, sizeof path, "%s/metrics.jsonl", tmpdir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, NULL);

		/* Every line is one JSON object (written by jansson, not printf). */
		assert_non_null(o);
		assert_true(json_is_object(o));
		metric += json_object_get(o, "valid_accuracy") != NULL;
		/* Events carry the wall clock (bench/tui.sh times runs by them). */
		if (json_object_get(o, "event") != NULL)
			assert_true(json_integer_value(json_object_get(o, "time_ms")) > 1600000000000LL);
		assert_null(json_object_get(o, "valid_macro_f1"));	/* the epoch ends after the set */
		json_decref(o);
		points += strstr(line, "\"train_loss\"") != NULL;
		sets += strstr(line, "\"event\": \"set\", \"key\": \"weight_decay\", \"old\": \"0\", "
				"\"new\": \"0.01\"") != NULL && strstr(line, "\"step\": 3,") != NULL;
	}
	fclose(f);
	assert_true(points >= 200);
	assert_int_equal(sets, 1);
	assert_true(metric >= 1);
	snprintf(path, sizeof path, "%s/model.safetensors", tmpdir);
	assert_int_equal(access(path, R_OK), 0);
	cfg_fini(&c);
}

/* The snapshot's metric name is its own copy: `set metric` frees the old text. */
static void test_metric_name(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;

	(void)state;
	base_cfg(&c);
	t = make_trainer(&c, NULL, NULL);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 2), 0);
	assert_int_equal(trainer_wait_stopped(t, 10), TRAINER_PAUSED);
	trainer_snapshot_get(t, &s);
	assert_string_equal(s.metric_name, "macro_f1");
	trainer_snapshot_fini(&s);
	assert_int_equal(send_wait(t, TRAINER_SET, "metric", "accuracy", 0), 0);
	assert_int_equal(send_wait(t, TRAINER_SET, "metric", "loss", 0), 0);
	trainer_snapshot_get(t, &s);
	assert_string_equal(s.metric_name, "loss");
	trainer_snapshot_fini(&s);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* A run log that cannot be written (a full disk) is an error notice; the run goes on. */
static void test_log_unwritable(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;
	char dir[128], path[160];

	(void)state;
	/* /dev/full is on every Linux system: a missing one fails, never skips. */
	assert_int_equal(access("/dev/full", W_OK), 0);
	snprintf(dir, sizeof dir, "%s/full", tmpdir);
	snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(symlink("/dev/full", path), 0);
	base_cfg(&c);
	t = make_trainer(&c, NULL, dir);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 3), 0);
	assert_int_equal(trainer_wait_stopped(t, 10), TRAINER_PAUSED);
	trainer_snapshot_get(t, &s);
	assert_int_equal(s.step, 3);
	assert_true(s.message_is_error);
	assert_non_null(strstr(s.message, "metrics.jsonl: cannot write (No space left on device)"));
	trainer_snapshot_fini(&s);
	trainer_destroy(t);
	cfg_fini(&c);
}

static void test_predictions(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_predictions p;
	size_t i, right = 0;

	(void)state;
	base_cfg(&c);
	t = make_trainer(&c, NULL, NULL);
	trainer_predictions_get(t, &p);
	assert_int_equal(p.n, 0);        /* none before the first epoch ends */
	trainer_predictions_fini(&p);
	assert_int_equal(send_wait(t, TRAINER_START, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 30), TRAINER_DONE);
	trainer_predictions_get(t, &p);
	assert_int_equal(p.n, 300);
	assert_true(p.step > 0);
	for (i = 0; i < p.n; i++) {
		assert_int_equal(p.src[i], i);
		assert_true(p.label[i] < 3);
		assert_true(p.conf[i] > 0.33f - 1e-6f && p.conf[i] <= 1.0f + 1e-6f);
		assert_true(p.margin[i] >= 0 && p.margin[i] <= p.conf[i]);
		assert_true(p.entropy[i] >= 0 && p.entropy[i] <= 1.0987f);
		/* Label ids follow first appearance: record i has label c(i % 3). */
		right += p.label[i] == i % 3;
	}
	assert_true(right >= 290);
	trainer_predictions_fini(&p);
	trainer_destroy(t);
	cfg_fini(&c);
}

/*
 * A reopened session: the checkpoint and metrics.jsonl of the run come
 * back without training (PAUSED at its step, its points, a validation
 * report and the predictions); a logged line past the checkpoint is cut.
 */
static void test_restore_run(void **state)
{
	struct cfg c;
	struct trainer *t;
	struct trainer_snapshot s;
	struct trainer_predictions p;
	struct trainer_point pts[4096];
	char ckpt[256], dir[128], path[256], *log;
	size_t n, len;
	FILE *f;
	struct tt_err err;

	(void)state;
	base_cfg(&c);
	snprintf(dir, sizeof dir, "%s/run", tmpdir);
	t = make_trainer(&c, NULL, dir);
	assert_int_equal(send_wait(t, TRAINER_STEP, NULL, NULL, 377), 0);
	trainer_wait_stopped(t, 30);
	snprintf(ckpt, sizeof ckpt, "%s/checkpoint.safetensors", dir);
	assert_int_equal(send_wait(t, TRAINER_CHECKPOINT, NULL, ckpt, 0), 0);
	n = trainer_points(t, 0, pts, 4096);
	trainer_destroy(t);
	snprintf(path, sizeof path, "%s/metrics.jsonl", dir);
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"step\": 9999, \"epoch\": 40, \"lr\": 0.1, \"tokens_per_sec\": 1}\n", f);
	fclose(f);

	t = make_trainer(&c, ckpt, dir);
	assert_int_equal(send_wait(t, TRAINER_RESTORE, NULL, NULL, 0), 0);
	trainer_snapshot_get(t, &s);
	assert_int_equal(s.state, TRAINER_PAUSED);
	assert_int_equal(s.step, 377);
	assert_int_equal(s.npoints, n);
	assert_true(s.has_eval);
	assert_non_null(strstr(s.message, "restored at step 377"));
	trainer_snapshot_fini(&s);
	assert_int_equal(trainer_points(t, 0, pts, 4096), n);
	assert_int_equal(pts[n - 1].step, 377);
	trainer_predictions_get(t, &p);
	assert_int_equal(p.n, 300);
	trainer_predictions_fini(&p);
	assert_int_equal(tt_read_file(path, &log, &len, &err), 0);
	assert_null(strstr(log, "\"step\": 9999"));	/* the future the run never kept */
	free(log);
	/* It goes on from there. */
	assert_int_equal(send_wait(t, TRAINER_RESUME, NULL, NULL, 0), 0);
	assert_int_equal(trainer_wait_stopped(t, 30), TRAINER_DONE);
	assert_true(current_step(t, NULL) > 377);
	trainer_destroy(t);
	cfg_fini(&c);
}

/* Label ids follow first appearance; a model's order is fixed: align renumbers. */
static void test_input_align(void **state)
{
	static const char text[] = "{\"text\": \"a\", \"label\": \"y\"}\n"
				   "{\"text\": \"b\", \"label\": \"x\"}\n"
				   "{\"text\": \"c\", \"label\": \"z\"}\n";
	char *names[2] = { "x", "y" };
	struct dataset ds;
	struct ds_options o;
	struct tt_err err;
	struct trainer_input *in;

	(void)state;
	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(&ds, "a.jsonl", text, sizeof text - 1, &o, &err), 0);
	in = trainer_input_from_dataset(&ds);
	assert_string_equal(in->label_names[0], "y");
	trainer_input_align(in, names, 2);
	assert_int_equal(in->nlabels, 3);
	assert_string_equal(in->label_names[0], "x");
	assert_string_equal(in->label_names[1], "y");
	assert_string_equal(in->label_names[2], "z");
	assert_int_equal(in->label_ids[0], 1);	/* record a: y */
	assert_int_equal(in->label_ids[1], 0);	/* record b: x */
	assert_int_equal(in->label_ids[2], 2);	/* record c: z */
	trainer_input_free(in);
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_exact),
		cmocka_unit_test(test_pause_holds),
		cmocka_unit_test(test_lr_zero_freezes),
		cmocka_unit_test(test_exact_resume),
		cmocka_unit_test(test_exact_resume_adamw),
		cmocka_unit_test(test_divergence_guard),
		cmocka_unit_test(test_metrics_log),
		cmocka_unit_test(test_metric_name),
		cmocka_unit_test(test_log_unwritable),
		cmocka_unit_test(test_predictions),
		cmocka_unit_test(test_restore_run),
		cmocka_unit_test(test_input_align),
	};
	int rc;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/tunetop-trainer.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (system("true") == 0) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			rc = rc ? rc : 1;
	}
	return rc;
}
