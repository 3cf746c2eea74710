/*
 * cli-train.c - `tunetop train`: a headless run with progress on stderr
 * and, with --json, one JSON object on stdout (a stable interface other
 * tools rely on: train_seconds, ms_per_step, tokens_per_second, steps,
 * valid and test objects with accuracy, macro_f1, loss and per_class).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/app.h"
#include "tunetop/bundle.h"
#include "tunetop/cli.h"
#include "tunetop/preset.h"
#include "tunetop/trainer.h"

struct train_args {
	const char *data, *valid, *test, *config, *model, *out;
	const char *objective, *init, *preset, *vocab, *merges;
	const char **sets;
	int nsets;
	int json;
	int no_valid;           /* --valid none: everything in --data trains */
};

static int train_parse(int argc, char **argv, struct train_args *a)
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
		if (strcmp(arg, "--data") == 0)
			slot = &a->data;
		else if (strcmp(arg, "--valid") == 0)
			slot = &a->valid;
		else if (strcmp(arg, "--test") == 0)
			slot = &a->test;
		else if (strcmp(arg, "--config") == 0)
			slot = &a->config;
		else if (strcmp(arg, "--model") == 0)
			slot = &a->model;
		else if (strcmp(arg, "--out") == 0)
			slot = &a->out;
		else if (strcmp(arg, "--set") == 0)
			slot = &a->sets[a->nsets++];
		else if (strcmp(arg, "--objective") == 0)
			slot = &a->objective;
		else if (strcmp(arg, "--init") == 0)
			slot = &a->init;
		else if (strcmp(arg, "--preset") == 0)
			slot = &a->preset;
		else if (strcmp(arg, "--vocab") == 0)
			slot = &a->vocab;
		else if (strcmp(arg, "--merges") == 0)
			slot = &a->merges;
		if (slot == NULL || i + 1 >= argc) {
			tt_esc_printf(stderr, "tunetop train: %s '%s' (try tunetop --help)\n",
				slot == NULL ? "unknown argument" : "missing value for", arg);
			return -1;
		}
		*slot = argv[++i];
	}
	if (a->data == NULL) {
		tt_esc_printf(stderr, "tunetop train: --data TRAIN is required\n");
		return -1;
	}
	/* The word, not a file: a file named none is ./none. */
	if (a->valid != NULL && strcmp(a->valid, "none") == 0) {
		a->no_valid = 1;
		a->valid = NULL;
	}
	return 0;
}

/*
 * The preset a run starts from: --preset NAME; else, for a transformer,
 * gpt-finetune with --init and gpt-tiny without (so --model gpt alone
 * trains with AdamW and a schedule that suit it); none for ngram.
 */
static const char *train_preset_name(const struct train_args *a)
{
	if (a->preset != NULL)
		return a->preset;
	if (a->init != NULL)
		return "gpt-finetune";
	if (a->model != NULL && strcmp(a->model, "gpt") == 0)
		return "gpt-tiny";
	return NULL;
}

/* Option key (the flag's name) = value, or nothing when the flag is absent. */
static int train_flag(struct app *app, const char *flag, const char *key, const char *value)
{
	struct tt_err err;

	if (value == NULL)
		return 0;
	tt_err_clear(&err);
	if (cfg_set(&app->cfg, key, value, &err) != 0) {
		tt_esc_printf(stderr, "tunetop train: %s: %s\n", flag, err.msg);
		return -1;
	}
	return 0;
}

int cli_configure(struct app *app, const char *cmd, const char *preset, const char *config,
		  const char *const *sets, int nsets)
{
	struct tt_err err;

	tt_err_clear(&err);
	if (preset != NULL) {
		const struct preset *p = preset_find(preset);

		if (p == NULL) {
			size_t n;
			const struct preset *all = preset_table(&n);

			tt_esc_printf(stderr, "tunetop %s: --preset: unknown preset '%s' (known: ",
				      cmd, preset);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, "%s%s", i ? ", " : "", all[i].name);
			fprintf(stderr, ")\n");
			return -1;
		}
		if (preset_apply(&app->cfg, p, &err) != 0) {
			cli_report(cmd, &err);
			return -1;
		}
	}
	if (config != NULL && cfg_load_yaml(&app->cfg, config, &err) != 0) {
		cli_report(cmd, &err);
		return -1;
	}
	for (int i = 0; i < nsets; i++) {
		if (cfg_set_pair(&app->cfg, sets[i], &err) != 0) {
			tt_esc_printf(stderr, "tunetop %s: --set %s: %s\n", cmd, sets[i], err.msg);
			return -1;
		}
	}
	return 0;
}

/* Preset first, then the config file, then --set, then the flags that name an option. */
static int train_configure(struct app *app, const struct train_args *a)
{
	if (cli_configure(app, "train", train_preset_name(a), a->config, a->sets,
			  a->nsets) != 0)
		return -1;
	if (train_flag(app, "--model", "model", a->model) != 0 ||
	    train_flag(app, "--init", "model", a->init != NULL ? "gpt" : NULL) != 0 ||
	    train_flag(app, "--objective", "objective", a->objective) != 0 ||
	    train_flag(app, "--init", "init", a->init) != 0 ||
	    train_flag(app, "--vocab", "bpe_vocab", a->vocab) != 0 ||
	    train_flag(app, "--merges", "bpe_merges", a->merges) != 0)
		return -1;
	return 0;
}

static int train_has_splits(const struct dataset *ds)
{
	for (size_t i = 0; i < ds->n; i++) {
		if (ds->recs[i].split != DS_SPLIT_NONE)
			return 1;
	}
	return 0;
}

/* Add a separate file's records to the input with their split forced. */
static int train_append(struct app *app, const char *cmd, struct trainer_input *in,
			const char *path, enum ds_split split)
{
	struct ds_options o;
	struct dataset ds;
	struct tt_err err;

	app_ds_options(app, &o);
	tt_err_clear(&err);
	if (dataset_load(&ds, path, &o, &err) != 0) {
		cli_report(cmd, &err);
		dataset_fini(&ds);
		return -1;
	}
	trainer_input_append(in, &ds, split);
	dataset_fini(&ds);
	return 0;
}

struct trainer_input *cli_train_input(struct app *app, const char *cmd, const char *valid,
				      const char *test, bool no_valid)
{
	struct trainer_input *in;
	struct tt_err err;
	size_t i;

	tt_err_clear(&err);
	if (no_valid) {
		fprintf(stderr, "tunetop %s: --valid none: all %zu records train; "
			"no validation, no early stopping, no best model\n", cmd, app->ds.n);
	} else if (valid == NULL && !train_has_splits(&app->ds)) {
		double r[3] = { 80, 10, 10 }, r2[2] = { 90, 10 };
		long seed = cfg_get_int(&app->cfg, "seed");

		dataset_split(&app->ds, test != NULL ? r2 : r, test != NULL ? 2 : 3,
			      (uint64_t)seed, false, &err);
		tt_esc_printf(stderr, "tunetop %s: no split given: made a stratified %s split "
			"(seed %ld)\n", cmd, test != NULL ? "90/10" : "80/10/10", seed);
	}
	in = trainer_input_from_dataset(&app->ds);
	for (i = 0; i < in->n; i++) {
		if (valid != NULL || no_valid || in->split[i] == DS_SPLIT_NONE)
			in->split[i] = DS_SPLIT_TRAIN;
	}
	if ((valid != NULL && train_append(app, cmd, in, valid, DS_SPLIT_VALID) != 0) ||
	    (test != NULL && train_append(app, cmd, in, test, DS_SPLIT_TEST) != 0)) {
		trainer_input_free(in);
		return NULL;
	}
	return in;
}

/* The last progress line printed, so a line is printed once. */
struct train_seen {
	int any;
	uint64_t step;
	int has_eval;
	double eval_loss;
};

/*
 * One progress line, unless nothing moved since the last one: while the
 * trainer evaluates or writes a model file the snapshot stands still, and
 * the once-a-second loop used to print the same line three or four times.
 */
static void train_progress(struct trainer *t, struct train_seen *seen)
{
	struct trainer_snapshot s;

	trainer_snapshot_get(t, &s);
	if (seen->any && s.step == seen->step && s.has_eval == seen->has_eval &&
	    (!s.has_eval || s.eval.loss == seen->eval_loss)) {
		trainer_snapshot_fini(&s);
		return;
	}
	seen->any = 1;
	seen->step = s.step;
	seen->has_eval = s.has_eval;
	seen->eval_loss = s.has_eval ? s.eval.loss : 0;
	fprintf(stderr, "step %llu/%llu  epoch %.2f/%u  loss %.4f", (unsigned long long)s.step,
		(unsigned long long)s.total_steps, s.epoch, s.epochs, s.train_loss);
	if (s.has_eval && s.lm)
		fprintf(stderr, "  valid loss %.4f perplexity %.2f", s.eval.loss, exp(s.eval.loss));
	else if (s.has_eval)
		fprintf(stderr, "  valid acc %.4f macro-F1 %.4f loss %.4f", s.eval.accuracy,
			s.eval.macro_f1, s.eval.loss);
	fprintf(stderr, "  lr %.4g  %.0f tok/s", s.lr, s.tokens_per_sec);
	if (!isnan(s.eta_seconds))
		fprintf(stderr, "  ETA %.0fs", s.eta_seconds);
	fputc('\n', stderr);
	trainer_snapshot_fini(&s);
}

/* Where the run left its files (only those that exist). */
static void train_say_written(const char *out)
{
	static const char *const names[] = { "model.safetensors", "best.safetensors" };
	struct stat st;

	if (bundle_is_adapter_dir(out))
		tt_esc_printf(stderr, "tunetop train: LoRA adapter written: %s (adapter_model.safetensors, "
			"adapter_config.json, tunetop.json; the base is not copied)\n", out);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *path = tt_xprintf("%s/%s", out, names[i]);

		if (stat(path, &st) == 0)
			fprintf(stderr, "tunetop train: %s written: %s (%.1f MB)\n",
				i == 0 ? "model" : "best model", path, (double)st.st_size / 1e6);
		free(path);
	}
}

static json_t *train_report_json(const struct metrics_report *r, char *const *names)
{
	return metrics_report_json(r, (const char *const *)names);
}

/* A language model's evaluation: tokens scored, loss per token, perplexity, next-token accuracy. */
static json_t *train_lm_json(const struct metrics_report *r)
{
	return json_pack("{s:I,s:f,s:f,s:f}", "tokens", (json_int_t)r->n, "loss", r->loss,
			 "perplexity", exp(r->loss), "accuracy", r->accuracy);
}

static json_t *train_split_json(const struct trainer_snapshot *s, bool has,
				const struct metrics_report *r)
{
	if (!has || (s->lm && !isfinite(r->loss)))
		return json_null();
	return s->lm ? train_lm_json(r) : train_report_json(r, s->label_names);
}

static void train_print_json(struct trainer *t, const char *out)
{
	struct trainer_snapshot s;
	json_t *o;
	char *enc, *safe;

	trainer_snapshot_get(t, &s);
	o = json_pack("{s:f,s:f,s:f,s:I,s:f,s:s}", "train_seconds", s.elapsed,
		      "ms_per_step", s.step > 0 ? 1000.0 * s.elapsed / (double)s.step : 0.0,
		      "tokens_per_second", s.tokens_per_sec, "steps", (json_int_t)s.step,
		      "epochs", s.epoch, "state", trainer_state_name(s.state));
	json_object_set_new(o, "step_ms_median", isfinite(s.step_ms_median) ?
			    json_real(s.step_ms_median) : json_null());
	json_object_set_new(o, "objective", json_string(s.lm ? "lm" : "classify"));
	if (!isnan(s.sparsity))	/* a pruned run: the share of zeros reached */
		json_object_set_new(o, "sparsity", json_real(s.sparsity));
	if (!isnan(s.layers_ms))	/* layer_stats: what one measurement cost */
		json_object_set_new(o, "layer_stats_ms", json_real(s.layers_ms));
	json_object_set_new(o, "valid", train_split_json(&s, s.has_eval, &s.eval));
	json_object_set_new(o, "test", train_split_json(&s, s.has_test, &s.test));
	json_object_set_new(o, "params", json_integer((json_int_t)s.params_total));
	json_object_set_new(o, "params_trainable", json_integer((json_int_t)s.params_trainable));
	json_object_set_new(o, "optimizer_bytes", json_integer((json_int_t)s.optim_bytes));
	/* a LoRA run's model is its adapter directory (bundle-adapter.c) */
	if (out != NULL && bundle_is_adapter_dir(out))
		json_object_set_new(o, "model", json_string(out));
	else
		json_object_set_new(o, "model", out != NULL ?
				    json_sprintf("%s/model.safetensors", out) : json_null());
	enc = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	safe = tt_esc_json(enc);
	printf("%s\n", safe);
	free(safe);
	free(enc);
	json_decref(o);
	trainer_snapshot_fini(&s);
}

static int train_run(struct app *app, const struct train_args *a, struct trainer_input *in)
{
	struct trainer_setup setup = { &app->cfg, in, a->out, NULL };
	struct tt_err err;
	struct trainer *t;
	char reply[1024];
	size_t counts[DS_NSPLITS];
	struct train_seen seen = { 0, 0, 0, 0 };
	int lm = strcmp(cfg_get_str(&app->cfg, "model"), "gpt") == 0 &&
		 strcmp(cfg_get_str(&app->cfg, "objective"), "lm") == 0;
	int has_test_text = 0;

	trainer_input_counts(in, counts);
	/* a language model learns from unlabeled texts too */
	for (size_t i = 0; i < in->n && lm; i++)
		has_test_text |= in->split[i] == DS_SPLIT_TEST;
	tt_err_clear(&err);
	t = trainer_create(&setup, &err);
	if (t == NULL) {
		trainer_input_free(in);
		cli_report("train", &err);
		return 1;
	}
	if (trainer_wait_handled(t, trainer_send(t, TRAINER_START, NULL, NULL, 0, NULL), reply,
				 sizeof reply) != 0) {
		tt_esc_printf(stderr, "tunetop train: %s\n", reply);
		trainer_destroy(t);
		return 1;
	}
	tt_esc_printf(stderr, "%s\n", reply);
	while (trainer_wait_stopped(t, 1.0) == TRAINER_RUNNING)
		train_progress(t, &seen);
	train_progress(t, &seen);
	if (counts[DS_SPLIT_TEST] > 0 || has_test_text)
		trainer_wait_handled(t, trainer_send(t, TRAINER_EVAL_TEST, NULL, NULL, 0, NULL),
				     NULL, 0);
	if (a->json)
		train_print_json(t, a->out);
	trainer_destroy(t);
	if (a->out != NULL)
		train_say_written(a->out);
	return 0;
}

int cli_train(int argc, char **argv)
{
	struct train_args a;
	struct app app;
	struct tt_err err;
	struct trainer_input *in;
	int rc = 2;

	app_init(&app);
	if (train_parse(argc, argv, &a) != 0)
		goto out;
	rc = 1;
	tt_err_clear(&err);
	if (train_configure(&app, &a) != 0)
		goto out;
	if (app_load_data(&app, a.data, NULL, &err) != 0) {
		cli_report("train", &err);
		goto out;
	}
	in = cli_train_input(&app, "train", a.valid, a.test, a.no_valid);
	/* The trainer has its own copy: free the dataset before the model is allocated. */
	dataset_fini(&app.ds);
	dataset_init(&app.ds);
	app.has_data = false;
	if (in != NULL)
		rc = train_run(&app, &a, in);
out:
	free(a.sets);
	app_fini(&app);
	return rc;
}
