/*
 * cli-model.c - `tunetop eval MODEL DATA` and `tunetop predict MODEL`:
 * use a saved model (bundle.h) on new data. Preprocessing comes from the
 * model file, so it matches training. With --ensemble M1,M2,... several
 * models predict as one (ensemble.h: the mean of their probabilities, or a
 * vote); one model is an ensemble of one, so both paths are the same code.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/bundle.h"
#include "tunetop/ensemble.h"
#include "tunetop/cli.h"
#include "tunetop/metrics.h"

/*
 * Which models: MODEL, or --ensemble M1,M2 (repeatable) with --vote and
 * --weights W1,W2. A single model is an ensemble of one, which predicts
 * exactly what the model does (ensemble.h).
 */
struct cli_models {
	const char **paths;
	size_t n;
	bool ensemble;          /* --ensemble given */
	bool vote;
	const char *weights;
};

static void cli_models_fini(struct cli_models *m)
{
	free(m->paths);
	memset(m, 0, sizeof *m);
}

/* Consume argv[*i] if it is one of the ensemble options: 1, 0 not one, -1 bad. */
static int cli_models_arg(struct cli_models *m, int argc, char **argv, int *i, const char *cmd)
{
	const char *a = argv[*i];

	if (strcmp(a, "--vote") == 0) {
		m->vote = true;
		return 1;
	}
	if (strcmp(a, "--weights") != 0 && strcmp(a, "--ensemble") != 0)
		return 0;
	if (*i + 1 >= argc) {
		tt_esc_printf(stderr, "tunetop %s: %s needs a value\n", cmd, a);
		return -1;
	}
	(*i)++;
	if (strcmp(a, "--weights") == 0) {
		m->weights = argv[*i];
		return 1;
	}
	m->ensemble = true;
	for (char *p = argv[*i], *comma; *p != '\0'; p = comma + 1) {
		comma = strchr(p, ',');
		m->paths = tt_xrealloc(m->paths, (m->n + 1) * sizeof *m->paths);
		m->paths[m->n++] = p;
		if (comma == NULL)
			break;
		*comma = '\0';
	}
	return 1;
}

/* Load the models; 0, or 1 with the error printed. */
static int cli_models_load(const struct cli_models *m, struct ensemble *e, const char *cmd)
{
	float *w = NULL;
	struct tt_err err;
	int rc = 0;

	tt_err_clear(&err);
	if ((m->vote || m->weights != NULL) && !m->ensemble) {
		tt_esc_printf(stderr, "tunetop %s: --vote and --weights go with --ensemble M1,M2\n",
			      cmd);
		return 1;
	}
	if (m->weights != NULL && ensemble_parse_weights(m->weights, m->n, &w, &err) != 0)
		rc = 1;
	else if (ensemble_load(e, m->paths, m->n, w, m->vote ? ENSEMBLE_VOTE : ENSEMBLE_MEAN,
			       &err) != 0)
		rc = 1;
	free(w);
	if (rc != 0) {
		cli_report(cmd, &err);
		return 1;
	}
	/* A label some members lack gets 0 from them: say so, it changes the mean. */
	struct tt_buf note;
	size_t partial = 0;

	tt_buf_init(&note);
	for (uint32_t l = 0; l < e->lab.n && e->n > 1; l++) {
		size_t known = ensemble_known_by(e, l);
		char num[48];

		if (known == e->n)
			continue;
		tt_buf_adds(&note, partial++ > 0 ? ", " : "");
		tt_esc_adds(&note, e->lab.names[l]);
		snprintf(num, sizeof num, " (%zu of %zu)", known, e->n);
		tt_buf_adds(&note, num);
	}
	if (partial > 0)
		fprintf(stderr, "tunetop %s: note: %zu labels are not known to every model, and get "
			"probability 0 from those that lack them: %s\n", cmd, partial, note.data);
	tt_buf_fini(&note);
	return 0;
}

static void cli_eval_data(const struct ensemble *e, const struct dataset *ds,
			  struct metrics_report *r, size_t *unknown)
{
	struct ensemble_ws *ws = ensemble_ws_create(e);
	float *probs = tt_xmalloc((e->lab.n + 1) * sizeof *probs);
	uint8_t *truth = tt_xmalloc(e->lab.n + 1);
	struct metrics_eval acc;
	size_t i;

	metrics_eval_init(&acc, e->lab.n);
	*unknown = 0;
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *rec = &ds->recs[i];
		uint32_t j, n = ds_record_nlabels(rec), ok = 1;

		if (n == 0 || (rec->flags & DS_FLAG_DELETED))
			continue;
		memset(truth, 0, e->lab.n);
		for (j = 0; j < n; j++) {
			uint32_t l = ensemble_label_index(e, ds->labels.names[ds_record_label_at(rec, j)]);

			if (l == UINT32_MAX)
				ok = 0;
			else
				truth[l] = 1;
		}
		if (!ok) {
			(*unknown)++;
			continue;
		}
		ensemble_predict(e, ws, rec->text, rec->text_len, probs);
		if (e->multilabel)
			metrics_eval_add_multi(&acc, truth, probs, 0.5f);
		else
			metrics_eval_add(&acc, ensemble_label_index(e, ds->labels.names[rec->label]),
					 probs);
	}
	metrics_eval_finish(&acc, r);
	metrics_eval_fini(&acc);
	ensemble_ws_destroy(e, ws);
	free(probs);
	free(truth);
}

#define CLI_EVAL_USAGE "usage: tunetop eval MODEL DATA [--json], or tunetop eval --ensemble " \
	"M1,M2[,...] [--vote | --weights W1,W2,...] DATA [--json]"

int cli_eval(int argc, char **argv)
{
	const char *files[2] = { NULL, NULL };
	int nfiles = 0, json = 0, i, got;
	struct cli_models models = { 0 };
	struct ensemble e;
	struct app app;
	struct tt_err err;
	struct metrics_report r;
	size_t unknown;

	for (i = 2; i < argc; i++) {
		if ((got = cli_models_arg(&models, argc, argv, &i, "eval")) != 0) {
			if (got < 0) {
				cli_models_fini(&models);
				return 2;
			}
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (argv[i][0] != '-' && nfiles < 2) {
			files[nfiles++] = argv[i];
		} else {
			tt_esc_printf(stderr, "tunetop eval: unexpected '%s' (" CLI_EVAL_USAGE ")\n",
				argv[i]);
			cli_models_fini(&models);
			return 2;
		}
	}
	if (nfiles != (models.ensemble ? 1 : 2)) {
		tt_esc_printf(stderr, "tunetop eval: " CLI_EVAL_USAGE "\n");
		cli_models_fini(&models);
		return 2;
	}
	if (!models.ensemble) {
		models.paths = tt_xmalloc(sizeof *models.paths);
		models.paths[models.n++] = files[0];
		files[0] = files[1];
	}
	if (cli_models_load(&models, &e, "eval") != 0) {
		cli_models_fini(&models);
		return 1;
	}
	cli_models_fini(&models);
	tt_err_clear(&err);
	app_init(&app);
	if (app_load_data(&app, files[0], NULL, &err) != 0) {
		cli_report("eval", &err);
		ensemble_fini(&e);
		app_fini(&app);
		return 1;
	}
	if (e.members[0].model->cfg.lm) {   /* one model: ensemble_load refuses more */
		int rc = cli_eval_lm(&e.members[0], &app.ds, files[0], json);

		ensemble_fini(&e);
		app_fini(&app);
		return rc;
	}
	metrics_report_init(&r);
	cli_eval_data(&e, &app.ds, &r, &unknown);
	if (r.n == 0) {
		/* Else every metric would be 0 or NaN, and exit 0 would call that a result. */
		tt_esc_printf(stderr, "tunetop eval: %s: no record has a label the model knows, so there "
			"is nothing to score (%zu records: %zu with labels the model does not know, "
			"the rest unlabeled or deleted)\n", files[0], app.ds.n, unknown);
		metrics_report_fini(&r);
		ensemble_fini(&e);
		app_fini(&app);
		return 1;
	}
	if (unknown > 0)
		tt_esc_printf(stderr, "tunetop eval: %zu records have labels the model does not know "
			"(left out)\n", unknown);
	if (json) {
		struct tt_buf out;
		char *enc;

		tt_buf_init(&out);
		metrics_report_to_json(&r, (const char *const *)e.lab.names, &out);
		enc = tt_esc_json(out.data);
		printf("%s\n", enc);
		free(enc);
		tt_buf_fini(&out);
	} else {
		printf("%llu records: accuracy %.4f, macro-F1 %.4f, micro-F1 %.4f, log loss %.4f\n",
		       (unsigned long long)r.n, r.accuracy, r.macro_f1, r.micro_f1, r.log_loss);
		for (uint32_t l = 0; l < r.nclasses; l++) {
			char *name = tt_esc_dup(e.lab.names[l]);

			printf("  %-24s P %.3f  R %.3f  F1 %.3f  (%llu)\n", name,
			       r.per_class[l].precision, r.per_class[l].recall, r.per_class[l].f1,
			       (unsigned long long)r.per_class[l].support);
			free(name);
		}
	}
	metrics_report_fini(&r);
	ensemble_fini(&e);
	app_fini(&app);
	return 0;
}

/* " LABEL PROB" of predict's line, the label escaped: one line per text. */
static void cli_print_label(const char *sep, const char *label, float prob)
{
	char *name = tt_esc_dup(label);

	printf("%s%s %.4f", sep, name, prob);
	free(name);
}

/*
 * Standard input is read a line at a time, and a line may not grow without
 * bound (`yes | tr -d '\n'`, /dev/zero): like a record, at most
 * max_record_mb's default.
 */
enum { CLI_MAX_LINE = 16 << 20 };

/* One line of f into b, without its '\n': 1, 0 at the end, -1 over max bytes. */
static int cli_read_line(FILE *f, struct tt_buf *b, size_t max)
{
	int c = EOF;

	tt_buf_clear(b);
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (b->len >= max)
			return -1;
		tt_buf_addc(b, (char)c);
	}
	return c == EOF && b->len == 0 ? 0 : 1;
}

/* Print the top k labels of one text. */
static void cli_predict_one(const struct ensemble *e, struct ensemble_ws *ws, const char *text,
			    size_t len, int k, int json, float *probs)
{
	uint32_t nl = e->lab.n, *order = tt_xmalloc((nl + 1) * sizeof *order), i, j;
	char *const *labels = e->lab.names;
	json_t *arr = json ? json_array() : NULL;

	if (e->members[0].model->cfg.lm) {   /* one model: ensemble_load refuses more */
		free(order);
		json_decref(arr);
		cli_predict_lm(&e->members[0], ws->ws[0], text, len, k, json, probs);
		return;
	}
	ensemble_predict(e, ws, text, len, probs);
	for (i = 0; i < nl; i++)
		order[i] = i;
	for (i = 0; i < (uint32_t)k && i < nl; i++) {
		for (j = i + 1; j < nl; j++) {
			if (probs[order[j]] > probs[order[i]]) {
				uint32_t x = order[i];

				order[i] = order[j];
				order[j] = x;
			}
		}
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:f}", "label", labels[order[i]],
							     "prob", (double)probs[order[i]]));
		else
			cli_print_label(i > 0 ? "  " : "", labels[order[i]], probs[order[i]]);
	}
	if (json) {
		char *enc = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(5));
		char *safe = tt_esc_json(enc);

		printf("%s\n", safe);
		free(safe);
		free(enc);
		json_decref(arr);
	} else {
		putchar('\n');
	}
	free(order);
}

#define CLI_PREDICT_USAGE "usage: tunetop predict MODEL [--k K] [--json] [TEXT...], or " \
	"tunetop predict --ensemble M1,M2[,...] [--vote | --weights W1,W2,...] [--k K] [--json] " \
	"[TEXT...]"

int cli_predict(int argc, char **argv)
{
	int k = 1, json = 0, i, rc = 0, got;
	struct cli_models models = { 0 };
	struct ensemble e;
	struct ensemble_ws *ws;
	float *probs;
	char **texts = tt_xcalloc((size_t)argc, sizeof *texts);
	int ntexts = 0;
	bool have_model = false;

	for (i = 2; i < argc; i++) {
		if ((got = cli_models_arg(&models, argc, argv, &i, "predict")) != 0) {
			if (got < 0) {
				cli_models_fini(&models);
				free(texts);
				return 2;
			}
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--k") == 0 && i + 1 < argc) {
			k = atoi(argv[++i]);
		} else if (!have_model && !models.ensemble) {
			/* The first free word is MODEL unless --ensemble came before it. */
			models.paths = tt_xrealloc(models.paths, (models.n + 1) * sizeof *models.paths);
			models.paths[models.n++] = argv[i];
			have_model = true;
		} else {
			texts[ntexts++] = argv[i];
		}
	}
	if (models.n == 0 || k < 1 || (have_model && models.ensemble)) {
		tt_esc_printf(stderr, "tunetop predict: " CLI_PREDICT_USAGE "\n");
		cli_models_fini(&models);
		free(texts);
		return 2;
	}
	if (cli_models_load(&models, &e, "predict") != 0) {
		cli_models_fini(&models);
		free(texts);
		return 1;
	}
	cli_models_fini(&models);
	ws = ensemble_ws_create(&e);
	/* A language model's probabilities span its vocabulary. */
	probs = tt_xmalloc(((e.members[0].model->cfg.lm ? e.members[0].model->cfg.nlabels :
			     e.lab.n) + 1) * sizeof *probs);
	for (i = 0; i < ntexts; i++)
		cli_predict_one(&e, ws, texts[i], strlen(texts[i]), k, json, probs);
	if (ntexts == 0) {
		struct tt_buf line;
		size_t lineno = 0;

		tt_buf_init(&line);
		while ((got = cli_read_line(stdin, &line, CLI_MAX_LINE)) > 0) {
			size_t n = line.len;

			lineno++;
			while (n > 0 && line.data[n - 1] == '\r')
				n--;
			cli_predict_one(&e, ws, line.data, n, k, json, probs);
		}
		tt_buf_fini(&line);
		if (got < 0) {
			fprintf(stderr, "tunetop predict: standard input: line %zu is over %d MiB "
				"(expected one text per line)\n", lineno + 1, CLI_MAX_LINE >> 20);
			rc = 1;
		}
	}
	free(probs);
	free(texts);
	ensemble_ws_destroy(&e, ws);
	ensemble_fini(&e);
	return rc;
}
