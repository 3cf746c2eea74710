/*
 * cli-distill.c - `tunetop distill --teacher MODEL --data TRAIN ...`: the
 * n-gram model (student) trained on a teacher's probabilities (distill.h)
 * headless, then the teacher, the student and (with --baseline) the same
 * n-gram trained on the hard labels alone, each scored on the test split
 * (else the validation split) through its saved file (bundle_predict, the
 * path `tunetop eval` takes): accuracy, macro-F1 and prediction time per
 * text. With --json, one JSON object on stdout:
 *
 *   {"eval_split", "eval_records", "temperature", "alpha", "unlabeled",
 *    "teacher_pass": {"records", "unlabeled", "cached", "seconds", "cache"},
 *    "teacher" | "student" | "baseline": {"model", "accuracy", "macro_f1",
 *    "us_per_text", "texts_per_second", "train_seconds" (not the teacher)},
 *    "student_speedup": teacher's time per text / student's}
 *
 * The teacher pass runs here first (progress on stderr) and fills the
 * cache, so the student's run finds every row there.
 */
#include <cblas.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/bundle.h"
#include "tunetop/cli.h"
#include "tunetop/distill.h"
#include "tunetop/metrics.h"
#include "tunetop/preset.h"
#include "tunetop/trainer.h"

struct distill_args {
	const char *teacher, *data, *valid, *test, *config, *preset, *out;
	const char **sets;
	int nsets;
	int json, baseline, no_valid;
};

/* One model's figures on the evaluation split. */
struct distill_score {
	double accuracy, macro_f1, us_per_text, train_seconds;
	char model[1100];
};

static int distill_parse(int argc, char **argv, struct distill_args *a)
{
	memset(a, 0, sizeof *a);
	a->sets = calloc((size_t)argc, sizeof *a->sets);
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--json") == 0) {
			a->json = 1;
			continue;
		}
		if (strcmp(arg, "--baseline") == 0) {
			a->baseline = 1;
			continue;
		}
		if (strcmp(arg, "--teacher") == 0)
			slot = &a->teacher;
		else if (strcmp(arg, "--data") == 0)
			slot = &a->data;
		else if (strcmp(arg, "--valid") == 0)
			slot = &a->valid;
		else if (strcmp(arg, "--test") == 0)
			slot = &a->test;
		else if (strcmp(arg, "--config") == 0)
			slot = &a->config;
		else if (strcmp(arg, "--preset") == 0)
			slot = &a->preset;
		else if (strcmp(arg, "--out") == 0)
			slot = &a->out;
		else if (strcmp(arg, "--set") == 0)
			slot = &a->sets[a->nsets++];
		if (slot == NULL || i + 1 >= argc) {
			tt_esc_printf(stderr, "tunetop distill: %s '%s' (try tunetop --help)\n",
				      slot == NULL ? "unknown argument" : "missing value for", arg);
			return -1;
		}
		*slot = argv[++i];
	}
	if (a->teacher == NULL || a->data == NULL) {
		tt_esc_printf(stderr, "tunetop distill: --teacher MODEL and --data TRAIN are "
			      "required\n");
		return -1;
	}
	if (a->valid != NULL && strcmp(a->valid, "none") == 0) {
		a->no_valid = 1;
		a->valid = NULL;
	}
	return 0;
}

/* Preset, config file, --set, then the teacher; the student is the n-gram model. */
static int distill_configure(struct app *app, const struct distill_args *a)
{
	struct tt_err err;

	if (cli_configure(app, "distill", a->preset, a->config, a->sets,
			  a->nsets) != 0)
		return -1;
	tt_err_clear(&err);
	if (strcmp(cfg_get_str(&app->cfg, "model"), "ngram") != 0) {
		tt_esc_printf(stderr, "tunetop distill: the student is the n-gram model, not %s "
			      "(the teacher can be any classifier)\n", cfg_get_str(&app->cfg, "model"));
		return -1;
	}
	if (cfg_set(&app->cfg, "distill_teacher", a->teacher, &err) != 0) {
		tt_esc_printf(stderr, "tunetop distill: --teacher: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* As `tunetop train` (cli_train_input), on --data loaded here and let go after. */
static struct trainer_input *distill_input(struct app *app, const struct distill_args *a)
{
	struct trainer_input *in;
	struct tt_err err;

	tt_err_clear(&err);
	if (app_load_data(app, a->data, NULL, &err) != 0) {
		cli_report("distill", &err);
		return NULL;
	}
	in = cli_train_input(app, "distill", a->valid, a->test, a->no_valid);
	dataset_fini(&app->ds);
	dataset_init(&app->ds);
	app->has_data = false;
	return in;
}

/* A deep copy of in (a trainer takes ownership of its input). */
static struct trainer_input *distill_input_copy(const struct trainer_input *in)
{
	struct trainer_input *c = tt_xcalloc(1, sizeof *c);
	size_t nl = in->label_off[in->n];

	*c = *in;
	c->texts = tt_xmalloc(in->text_off[in->n] + 1);
	memcpy(c->texts, in->texts, in->text_off[in->n]);
	c->text_off = tt_xmalloc((in->n + 1) * sizeof *c->text_off);
	memcpy(c->text_off, in->text_off, (in->n + 1) * sizeof *c->text_off);
	c->label_off = tt_xmalloc((in->n + 1) * sizeof *c->label_off);
	memcpy(c->label_off, in->label_off, (in->n + 1) * sizeof *c->label_off);
	c->label_ids = tt_xmalloc((nl + 1) * sizeof *c->label_ids);
	memcpy(c->label_ids, in->label_ids, nl * sizeof *c->label_ids);
	c->split = tt_xmalloc(in->n + 1);
	memcpy(c->split, in->split, in->n);
	c->src = tt_xmalloc((in->n + 1) * sizeof *c->src);
	memcpy(c->src, in->src, in->n * sizeof *c->src);
	c->label_names = tt_xcalloc(in->nlabels + 1, sizeof *c->label_names);
	for (uint32_t l = 0; l < in->nlabels; l++)
		c->label_names[l] = tt_xstrdup(in->label_names[l]);
	return c;
}

static int distill_pass_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	if (done % (total / 10 > 0 ? total / 10 : 1) == 0 || done == total)
		fprintf(stderr, "tunetop distill: teacher: %zu of %zu train records\n", done, total);
	return 0;
}

/* One n-gram run to its end (cfg as given), its model written to out/model.safetensors. */
static int distill_train(const struct cfg *cfg, const struct trainer_input *in, const char *out,
			 const char *what, double *seconds)
{
	struct trainer_input *copy = distill_input_copy(in);
	struct trainer_setup setup = { cfg, copy, out, NULL };
	struct trainer_snapshot s;
	struct tt_err err;
	struct trainer *t;
	char reply[1024];

	tt_err_clear(&err);
	t = trainer_create(&setup, &err);
	if (t == NULL) {
		trainer_input_free(copy);
		cli_report("distill", &err);
		return -1;
	}
	if (trainer_wait_handled(t, trainer_send(t, TRAINER_START, NULL, NULL, 0, NULL), reply,
				 sizeof reply) != 0) {
		tt_esc_printf(stderr, "tunetop distill: %s: %s\n", what, reply);
		trainer_destroy(t);
		return -1;
	}
	tt_esc_printf(stderr, "tunetop distill: %s: %s\n", what, reply);
	while (trainer_wait_stopped(t, 5.0) == TRAINER_RUNNING) {
		trainer_snapshot_get(t, &s);
		fprintf(stderr, "tunetop distill: %s: step %llu/%llu loss %.4f\n", what,
			(unsigned long long)s.step, (unsigned long long)s.total_steps, s.train_loss);
		trainer_snapshot_fini(&s);
	}
	trainer_snapshot_get(t, &s);
	*seconds = s.elapsed;
	trainer_snapshot_fini(&s);
	trainer_destroy(t);
	return 0;
}

/*
 * Wall seconds of one pass of bundle_predict over the labeled records of
 * split (tokenizing included); fast models are timed again until a second
 * has passed and the best pass counts (the first pays for cold caches).
 */
static double distill_time(const struct bundle *b, struct model_ws *ws,
			   const struct trainer_input *in, enum ds_split split, float *p,
			   double first)
{
	double best = first, spent = first;

	while (spent < 1.0 && first > 0) {
		double t0 = tt_now(), dt;

		for (size_t i = 0; i < in->n; i++) {
			if (in->split[i] == split && in->label_off[i + 1] > in->label_off[i])
				bundle_predict(b, ws, in->texts + in->text_off[i],
					       in->text_off[i + 1] - in->text_off[i], p);
		}
		dt = tt_now() - t0;
		spent += dt;
		if (dt < best)
			best = dt;
	}
	return best;
}

/*
 * Score the model at path on in's records of split: accuracy, macro-F1 and
 * the wall time per text of bundle_predict (distill_time).
 */
static int distill_score(const char *path, const struct trainer_input *in, enum ds_split split,
			 struct distill_score *sc, struct tt_err *err)
{
	struct bundle b;
	struct model_ws *ws;
	struct metrics_eval acc;
	struct metrics_report r;
	uint32_t *map;
	float *p, *q;
	size_t n = 0;
	double t0, dt = 0;

	if (bundle_load(&b, path, err) != 0)
		return -1;
	if (distill_check_teacher(&b, path, in->label_names, in->nlabels, in->multilabel,
				  err) != 0) {
		bundle_fini(&b);
		return -1;
	}
	snprintf(sc->model, sizeof sc->model, "%s", path);
	map = tt_xmalloc((b.nlabels + 1) * sizeof *map);
	for (uint32_t j = 0; j < b.nlabels; j++)
		for (uint32_t l = 0; l < in->nlabels; l++)
			if (strcmp(b.labels[j], in->label_names[l]) == 0)
				map[j] = l;
	p = tt_xmalloc((b.nlabels + 1) * sizeof *p);
	q = tt_xcalloc(in->nlabels + 1, sizeof *q);
	ws = model_ws_create(b.model);
	metrics_eval_init(&acc, in->nlabels);
	for (size_t i = 0; i < in->n; i++) {
		if (in->split[i] != split || in->label_off[i + 1] == in->label_off[i])
			continue;
		t0 = tt_now();
		bundle_predict(&b, ws, in->texts + in->text_off[i],
			       in->text_off[i + 1] - in->text_off[i], p);
		dt += tt_now() - t0;
		for (uint32_t j = 0; j < b.nlabels; j++)
			q[map[j]] = p[j];
		metrics_eval_add(&acc, in->label_ids[in->label_off[i]], q);
		n++;
	}
	metrics_report_init(&r);
	metrics_eval_finish(&acc, &r);
	sc->accuracy = r.accuracy;
	sc->macro_f1 = r.macro_f1;
	dt = distill_time(&b, ws, in, split, p, dt);
	sc->us_per_text = n > 0 ? 1e6 * dt / (double)n : NAN;
	metrics_report_fini(&r);
	metrics_eval_fini(&acc);
	model_ws_destroy(b.model, ws);
	free(map);
	free(p);
	free(q);
	bundle_fini(&b);
	return 0;
}

static json_t *distill_score_json(const struct distill_score *sc, int trained)
{
	json_t *o = json_pack("{s:s,s:f,s:f,s:f,s:f}", "model", sc->model, "accuracy", sc->accuracy,
			      "macro_f1", sc->macro_f1, "us_per_text", sc->us_per_text,
			      "texts_per_second", 1e6 / sc->us_per_text);

	if (trained)
		json_object_set_new(o, "train_seconds", json_real(sc->train_seconds));
	return o;
}

static void distill_print_json(const struct cfg *cfg, const struct distill_soft *ds,
			       enum ds_split split, size_t neval, const struct distill_score *sc,
			       int baseline)
{
	json_t *o = json_object();
	char *enc, *safe;

	json_object_set_new(o, "eval_split", json_string(split == DS_SPLIT_TEST ? "test" : "valid"));
	json_object_set_new(o, "eval_records", json_integer((json_int_t)neval));
	json_object_set_new(o, "temperature", json_real(cfg_get_num(cfg, "distill_temperature")));
	json_object_set_new(o, "alpha", json_real(cfg_get_num(cfg, "distill_alpha")));
	json_object_set_new(o, "unlabeled", json_boolean(cfg_get_bool(cfg, "distill_unlabeled")));
	json_object_set_new(o, "teacher_pass",
			    json_pack("{s:I,s:I,s:I,s:f,s:s?}", "records", (json_int_t)ds->nsoft,
				      "unlabeled", (json_int_t)ds->nunlabeled,
				      "cached", (json_int_t)ds->ncached, "seconds", ds->seconds,
				      "cache", ds->cache_path[0] ? ds->cache_path : NULL));
	json_object_set_new(o, "teacher", distill_score_json(&sc[0], 0));
	json_object_set_new(o, "student", distill_score_json(&sc[1], 1));
	if (baseline)
		json_object_set_new(o, "baseline", distill_score_json(&sc[2], 1));
	json_object_set_new(o, "student_speedup", json_real(sc[0].us_per_text / sc[1].us_per_text));
	enc = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	safe = tt_esc_json(enc);
	printf("%s\n", safe);
	free(safe);
	free(enc);
	json_decref(o);
}

/* The split scored: test if it has labeled records, else valid; -1 if neither. */
static int distill_eval_split(const struct trainer_input *in, size_t *n)
{
	size_t counts[DS_NSPLITS];

	trainer_input_counts(in, counts);
	*n = counts[DS_SPLIT_TEST] > 0 ? counts[DS_SPLIT_TEST] : counts[DS_SPLIT_VALID];
	if (counts[DS_SPLIT_TEST] > 0)
		return DS_SPLIT_TEST;
	return counts[DS_SPLIT_VALID] > 0 ? DS_SPLIT_VALID : -1;
}

/* Remove a scratch run directory's files, then the directory. */
static void distill_rm_run(const char *dir)
{
	static const char *const names[] = { "model.safetensors", "best.safetensors",
					     "metrics.jsonl" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *p = tt_xprintf("%s/%s", dir, names[i]);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static void distill_say(const char *name, const struct distill_score *sc)
{
	tt_esc_printf(stderr, "tunetop distill: %-8s accuracy %.4f macro-F1 %.4f  %.1f us per text"
		      "  (%s)\n", name, sc->accuracy, sc->macro_f1, sc->us_per_text, sc->model);
}

static int distill_run(struct app *app, const struct distill_args *a, struct trainer_input *in)
{
	struct distill_soft ds;
	struct distill_score sc[3];
	struct tt_err err;
	char tmp[] = "/tmp/tunetop-distill.XXXXXX", *dir[2] = { NULL, NULL };
	const char *root = a->out;
	size_t neval;
	int split = distill_eval_split(in, &neval), rc = 1, k;

	memset(sc, 0, sizeof sc);
	if (split < 0) {
		tt_esc_printf(stderr, "tunetop distill: no labeled test or validation records to "
			      "score the models on (give --test T or --valid V)\n");
		return 1;
	}
	tt_err_clear(&err);
	openblas_set_num_threads((int)cfg_get_int(&app->cfg, "threads"));
	if (distill_soft_compute(&ds, a->teacher, in, distill_pass_progress, NULL, &err) != 0) {
		cli_report("distill", &err);
		return 1;
	}
	tt_esc_printf(stderr, "tunetop distill: teacher: %zu soft targets (%zu unlabeled, %zu "
		      "from the cache) in %.1f s\n", ds.nsoft, ds.nunlabeled, ds.ncached,
		      ds.seconds);
	if (root == NULL && mkdtemp(tmp) != NULL)
		root = tmp;
	if (root == NULL) {
		tt_esc_printf(stderr, "tunetop distill: cannot make a scratch directory in /tmp\n");
		goto out;
	}
	dir[0] = tt_xstrdup(root);
	dir[1] = tt_xprintf("%s/baseline", root);
	if (distill_train(&app->cfg, in, dir[0], "student", &sc[1].train_seconds) != 0)
		goto out;
	if (a->baseline) {
		/* the same options without the teacher (the trainer copies them) */
		cfg_set(&app->cfg, "distill_teacher", "", &err);
		k = distill_train(&app->cfg, in, dir[1], "baseline", &sc[2].train_seconds);
		cfg_set(&app->cfg, "distill_teacher", a->teacher, &err);
		if (k != 0)
			goto out;
	}
	for (k = 0; k < (a->baseline ? 3 : 2); k++) {
		char *path = k == 0 ? tt_xstrdup(a->teacher) :
			tt_xprintf("%s/model.safetensors", dir[k - 1]);

		tt_err_clear(&err);
		if (distill_score(path, in, (enum ds_split)split, &sc[k], &err) != 0) {
			cli_report("distill", &err);
			free(path);
			goto out;
		}
		free(path);
	}
	distill_say("teacher", &sc[0]);
	distill_say("student", &sc[1]);
	if (a->baseline)
		distill_say("baseline", &sc[2]);
	if (a->json)
		distill_print_json(&app->cfg, &ds, (enum ds_split)split, neval, sc, a->baseline);
	rc = 0;
out:
	if (root == tmp) {
		distill_rm_run(dir[1]);
		distill_rm_run(dir[0]);
	}
	free(dir[0]);
	free(dir[1]);
	distill_soft_fini(&ds);
	return rc;
}

int cli_distill(int argc, char **argv)
{
	struct distill_args a;
	struct app app;
	struct trainer_input *in;
	int rc = 2;

	app_init(&app);
	if (distill_parse(argc, argv, &a) != 0)
		goto out;
	rc = 1;
	if (distill_configure(&app, &a) != 0)
		goto out;
	in = distill_input(&app, &a);
	if (in != NULL) {
		rc = distill_run(&app, &a, in);
		trainer_input_free(in);
	}
out:
	free(a.sets);
	app_fini(&app);
	return rc;
}
