/*
 * cli-model.c - `tunetop eval MODEL DATA` and `tunetop predict MODEL`:
 * use a saved model (bundle.h) on new data. Preprocessing comes from the
 * model file, so it matches training.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/bundle.h"
#include "tunetop/cli.h"
#include "tunetop/metrics.h"

static void cli_report(const char *cmd, const struct tt_err *err)
{
	char msg[1200];

	tt_err_format(err, msg, sizeof msg);
	tt_esc_printf(stderr, "tunetop %s: %s\n", cmd, msg);
}

/* The model's index for a data label name, or UINT32_MAX. */
static uint32_t cli_model_label(const struct bundle *b, const char *name)
{
	for (uint32_t l = 0; l < b->nlabels; l++) {
		if (strcmp(b->labels[l], name) == 0)
			return l;
	}
	return UINT32_MAX;
}

static void cli_eval_data(const struct bundle *b, const struct dataset *ds,
			  struct metrics_report *r, size_t *unknown)
{
	struct model_ws *ws = model_ws_create(b->model);
	float *probs = tt_xmalloc(b->nlabels * sizeof *probs);
	uint8_t *truth = tt_xmalloc(b->nlabels);
	struct metrics_eval acc;
	size_t i;

	metrics_eval_init(&acc, b->nlabels);
	*unknown = 0;
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *rec = &ds->recs[i];
		uint32_t j, n = ds_record_nlabels(rec), ok = 1;

		if (n == 0 || (rec->flags & DS_FLAG_DELETED))
			continue;
		memset(truth, 0, b->nlabels);
		for (j = 0; j < n; j++) {
			uint32_t l = cli_model_label(b, ds->labels.names[ds_record_label_at(rec, j)]);

			if (l == UINT32_MAX)
				ok = 0;
			else
				truth[l] = 1;
		}
		if (!ok) {
			(*unknown)++;
			continue;
		}
		bundle_predict(b, ws, rec->text, rec->text_len, probs);
		if (b->multilabel)
			metrics_eval_add_multi(&acc, truth, probs, 0.5f);
		else
			metrics_eval_add(&acc, cli_model_label(b, ds->labels.names[rec->label]), probs);
	}
	metrics_eval_finish(&acc, r);
	metrics_eval_fini(&acc);
	model_ws_destroy(b->model, ws);
	free(probs);
	free(truth);
}

int cli_eval(int argc, char **argv)
{
	const char *files[2] = { NULL, NULL };
	int nfiles = 0, json = 0, i;
	struct bundle b;
	struct app app;
	struct tt_err err;
	struct metrics_report r;
	size_t unknown;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (argv[i][0] != '-' && nfiles < 2)
			files[nfiles++] = argv[i];
		else {
			tt_esc_printf(stderr, "tunetop eval: unexpected '%s' (usage: tunetop eval MODEL DATA [--json])\n",
				argv[i]);
			return 2;
		}
	}
	if (nfiles != 2) {
		tt_esc_printf(stderr, "tunetop eval: usage: tunetop eval MODEL DATA [--json]\n");
		return 2;
	}
	tt_err_clear(&err);
	if (bundle_load(&b, files[0], &err) != 0) {
		cli_report("eval", &err);
		return 1;
	}
	app_init(&app);
	if (app_load_data(&app, files[1], NULL, &err) != 0) {
		cli_report("eval", &err);
		bundle_fini(&b);
		app_fini(&app);
		return 1;
	}
	if (b.model->cfg.lm) {
		int rc = cli_eval_lm(&b, &app.ds, files[1], json);

		bundle_fini(&b);
		app_fini(&app);
		return rc;
	}
	metrics_report_init(&r);
	cli_eval_data(&b, &app.ds, &r, &unknown);
	if (r.n == 0) {
		/* Else every metric would be 0 or NaN, and exit 0 would call that a result. */
		tt_esc_printf(stderr, "tunetop eval: %s: no record has a label the model knows, so there "
			"is nothing to score (%zu records: %zu with labels the model does not know, "
			"the rest unlabeled or deleted)\n", files[1], app.ds.n, unknown);
		metrics_report_fini(&r);
		bundle_fini(&b);
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
		metrics_report_to_json(&r, (const char *const *)b.labels, &out);
		enc = tt_esc_json(out.data);
		printf("%s\n", enc);
		free(enc);
		tt_buf_fini(&out);
	} else {
		printf("%llu records: accuracy %.4f, macro-F1 %.4f, micro-F1 %.4f, log loss %.4f\n",
		       (unsigned long long)r.n, r.accuracy, r.macro_f1, r.micro_f1, r.log_loss);
		for (uint32_t l = 0; l < r.nclasses; l++) {
			char *name = tt_esc_dup(b.labels[l]);

			printf("  %-24s P %.3f  R %.3f  F1 %.3f  (%llu)\n", name,
			       r.per_class[l].precision, r.per_class[l].recall, r.per_class[l].f1,
			       (unsigned long long)r.per_class[l].support);
			free(name);
		}
	}
	metrics_report_fini(&r);
	bundle_fini(&b);
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
static void cli_predict_one(const struct bundle *b, struct model_ws *ws, const char *text,
			    size_t len, int k, int json, float *probs)
{
	uint32_t *order = tt_xmalloc((b->nlabels + 1) * sizeof *order), i, j;
	json_t *arr = json ? json_array() : NULL;

	if (b->model->cfg.lm) {
		free(order);
		cli_predict_lm(b, ws, text, len, k, json, probs);
		return;
	}
	bundle_predict(b, ws, text, len, probs);
	for (i = 0; i < b->nlabels; i++)
		order[i] = i;
	for (i = 0; i < (uint32_t)k && i < b->nlabels; i++) {
		for (j = i + 1; j < b->nlabels; j++) {
			if (probs[order[j]] > probs[order[i]]) {
				uint32_t x = order[i];

				order[i] = order[j];
				order[j] = x;
			}
		}
		if (json)
			json_array_append_new(arr, json_pack("{s:s,s:f}", "label", b->labels[order[i]],
							     "prob", (double)probs[order[i]]));
		else
			cli_print_label(i > 0 ? "  " : "", b->labels[order[i]], probs[order[i]]);
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

int cli_predict(int argc, char **argv)
{
	const char *model = NULL;
	int k = 1, json = 0, i, rc = 0;
	struct bundle b;
	struct tt_err err;
	struct model_ws *ws;
	float *probs;

	char **texts = tt_xcalloc((size_t)argc, sizeof *texts);
	int ntexts = 0;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--k") == 0 && i + 1 < argc)
			k = atoi(argv[++i]);
		else if (model == NULL)
			model = argv[i];
		else
			texts[ntexts++] = argv[i];
	}
	if (model == NULL || k < 1) {
		tt_esc_printf(stderr, "tunetop predict: usage: tunetop predict MODEL [--k K] [--json] [TEXT...]\n");
		free(texts);
		return 2;
	}
	tt_err_clear(&err);
	if (bundle_load(&b, model, &err) != 0) {
		cli_report("predict", &err);
		free(texts);
		return 1;
	}
	ws = model_ws_create(b.model);
	probs = tt_xmalloc(b.model->cfg.nlabels * sizeof *probs);   /* a language model's: its vocabulary */
	for (i = 0; i < ntexts; i++)
		cli_predict_one(&b, ws, texts[i], strlen(texts[i]), k, json, probs);
	if (ntexts == 0) {
		struct tt_buf line;
		size_t lineno = 0;
		int got;

		tt_buf_init(&line);
		while ((got = cli_read_line(stdin, &line, CLI_MAX_LINE)) > 0) {
			size_t n = line.len;

			lineno++;
			while (n > 0 && line.data[n - 1] == '\r')
				n--;
			cli_predict_one(&b, ws, line.data, n, k, json, probs);
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
	model_ws_destroy(b.model, ws);
	bundle_fini(&b);
	return rc;
}
