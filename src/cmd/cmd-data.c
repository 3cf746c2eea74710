/*
 * cmd-data.c - dataset commands: load, save, split, stats, check, labels.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/journal.h"
#include "tunetop/findings.h"
#include "tunetop/labelerr.h"
#include "tunetop/quality.h"
#include "tunetop/session.h"

static void cmd_report_err(struct cmd_ctx *ctx, const struct tt_err *err)
{
	char msg[1200];

	tt_err_format(err, msg, sizeof msg);
	cmd_error(ctx, "%s", msg);
}

enum cmd_rc cmd_load_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	struct tt_err err;
	char *path;
	size_t i;

	tt_err_clear(&err);
	if (app_load_data(a, argv[1], argc > 2 ? argv[2] : NULL, &err) != 0) {
		cmd_report_err(ctx, &err);
		return CMD_ERROR;
	}
	if (a->ui != NULL && journal_warnings(a->journal)[0] != '\0')
		cmd_error(ctx, "%s", journal_warnings(a->journal));   /* else on stderr already */
	for (i = 0; i < a->ds.nbad; i++)
		cmd_error(ctx, "%s:%u:%u: skipped: %s", a->ds.path, a->ds.bad[i].line,
			  a->ds.bad[i].col, a->ds.bad[i].msg);
	path = tt_esc_dup(argv[1]);
	cmd_print(ctx, "loaded %zu records from %s (%s, %u labels%s)", a->ds.n, path,
		  ds_format_name(a->ds.format), a->ds.labels.n, a->ds.multilabel ? ", multi-label" : "");
	free(path);
	if (a->ds.nbad > 0)
		cmd_print(ctx, "; skipped %zu bad records", a->ds.nbad);
	cmd_print(ctx, "\n");
	return CMD_OK;
}

/*
 * Splits made by `split` (DS_FLAG_SPLIT) live in the session: hidden from
 * the writer (NONE, as the file had them) unless with_split, which makes
 * them part of the data. Returns the hidden splits, to put back.
 */
static uint8_t *cmd_save_hide_splits(struct dataset *ds, bool with_split, size_t *hidden)
{
	uint8_t *kept = tt_xmalloc(ds->n + 1);
	size_t i;

	*hidden = 0;
	for (i = 0; i < ds->n; i++) {
		struct ds_record *r = &ds->recs[i];

		kept[i] = r->split;
		if (!(r->flags & DS_FLAG_SPLIT))
			continue;
		*hidden += !with_split && !(r->flags & DS_FLAG_DELETED);
		if (with_split)
			r->flags = (uint8_t)((r->flags & ~DS_FLAG_SPLIT) | DS_FLAG_DIRTY);
		else
			r->split = DS_SPLIT_NONE;
	}
	return kept;
}

static void cmd_save_restore_splits(struct app *a, const struct ds_record *before,
				    const uint8_t *kept)
{
	struct tt_err err;
	size_t i;

	if (a->ds.recs == before) {
		for (i = 0; i < a->ds.n; i++)
			a->ds.recs[i].split = kept[i];
		return;
	}
	/* Reloaded (deleted records gone): the session's split again. */
	tt_err_clear(&err);
	if (a->session != NULL && a->session->split_ratios != NULL)
		session_apply_split(a->session, a, &err);
}

enum cmd_rc cmd_save_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	bool with_split = argc > 1 && strcmp(argv[argc - 1], "with-split") == 0;
	int nargs = argc - (with_split ? 1 : 0);
	/* A copy: a save that drops deleted records reloads a->ds (and its path). */
	char *path = tt_xstrdup(nargs > 1 ? argv[1] : a->ds.path);
	enum ds_format_id fmt = DS_FMT_AUTO;
	const struct ds_record *before = a->ds.recs;
	struct tt_err err;
	char *shown;
	uint8_t *kept;
	size_t hidden;
	int rc;

	tt_err_clear(&err);
	if (nargs > 2 && ds_format_parse(argv[2], &fmt) != 0) {
		cmd_error(ctx, "save: unknown format '%s' (expected jsonl, csv, tsv or fasttext)",
			  argv[2]);
		free(path);
		return CMD_ERROR;
	}
	/* Its own file: atomically, then the journal is compacted (cmd-edit.c). */
	kept = cmd_save_hide_splits(&a->ds, with_split, &hidden);
	rc = cmd_edit_save(ctx, path, fmt, &err);
	cmd_save_restore_splits(a, before, kept);
	free(kept);
	if (rc != 0) {
		cmd_report_err(ctx, &err);
		free(path);
		return CMD_ERROR;
	}
	shown = tt_esc_dup(path);
	cmd_print(ctx, "saved %zu records to %s\n", a->ds.n, shown);
	free(shown);
	free(path);
	if (hidden > 0)
		cmd_print(ctx, "the split of %zu records stays in the session ('save with-split' "
			  "writes it into the data)\n", hidden);
	return CMD_OK;
}

/* "80/10/10" or "0.8/0.2" into up to 3 ratios. */
static int cmd_parse_ratios(const char *s, double *ratios)
{
	int n = 0;

	while (*s != '\0') {
		char *end;
		double v;

		if (n == 3)
			return -1;
		v = strtod(s, &end);
		if (end == s || !(v >= 0) || v > 1e9)
			return -1;
		ratios[n++] = v;
		if (*end == '/' || *end == ':')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return n;
}

enum cmd_rc cmd_split_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	double ratios[3];
	int n = cmd_parse_ratios(argv[1], ratios), i;
	long seed = cfg_get_int(&a->cfg, "seed");
	bool keep = true;
	struct tt_err err;
	struct quality_report q;

	if (n <= 0) {
		cmd_error(ctx, "split: '%s' is not a ratio list (expected e.g. 80/10/10)", argv[1]);
		return CMD_ERROR;
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "keep") == 0) {
			keep = true;
		} else if (strcmp(argv[i], "reset") == 0) {
			keep = false;
		} else if (strcmp(argv[i], "seed") == 0 && i + 1 < argc) {
			char *end;

			seed = strtol(argv[++i], &end, 10);
			if (*end != '\0' || seed < 0) {
				cmd_error(ctx, "split: seed must be a non-negative integer, got '%s'", argv[i]);
				return CMD_ERROR;
			}
		} else {
			cmd_error(ctx, "split: unexpected '%s' (usage: split RATIOS [seed N] [keep|reset])",
				  argv[i]);
			return CMD_ERROR;
		}
	}
	tt_err_clear(&err);
	if (dataset_split(&a->ds, ratios, n, (uint64_t)seed, keep, &err) != 0) {
		cmd_error(ctx, "split: %s", err.msg);
		return CMD_ERROR;
	}
	/* Recorded in the session, so reopening it splits the same way. */
	app_checks_reset(a);	/* leaks depend on the splits */
	session_set_string(&app_session(a)->split_ratios, argv[1]);
	app_session(a)->split_seed = seed;
	quality_compute(&a->ds, &q);
	cmd_print(ctx, "split (seed %ld%s): train %zu, valid %zu, test %zu\n", seed,
		  keep ? ", existing splits kept" : "", q.per_split[DS_SPLIT_TRAIN],
		  q.per_split[DS_SPLIT_VALID], q.per_split[DS_SPLIT_TEST]);
	quality_fini(&q);
	return CMD_OK;
}

/* The health report, with the duplicate ids the journal's index found. */
static void cmd_quality(const struct app *a, struct quality_report *q)
{
	const struct edit_index *x = a->journal != NULL ? journal_index(a->journal) : NULL;
	const struct ds_record *r;
	size_t at[4], n, i;
	struct tt_buf ex;
	json_t *id;
	char *enc;

	quality_compute(&a->ds, q);
	if (x == NULL || x->dup_ids == 0)
		return;
	r = &a->ds.recs[x->dup_first];
	/* Quoted as JSON with \uXXXX escapes: an id is data, and never drives the terminal. */
	id = json_stringn_nocheck(r->id, r->id_len);
	enc = json_dumps(id, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	json_decref(id);
	n = edit_index_records_of(&a->ds, r->id, r->id_len, at, 4);
	tt_buf_init(&ex);
	tt_buf_printf(&ex, "%s is records ", enc != NULL ? enc : "?");
	for (i = 0; i < n && i < 4; i++)
		tt_buf_printf(&ex, "%s%zu", i > 0 ? ", " : "", at[i] + 1);
	if (n > 4)
		tt_buf_adds(&ex, "...");
	quality_set_dup_ids(q, x->dup_ids, x->dup_records, ex.data);
	tt_buf_fini(&ex);
	free(enc);
}

enum cmd_rc cmd_stats_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct quality_report q;
	struct tt_buf out;

	(void)argc;
	(void)argv;
	cmd_quality(ctx->app, &q);
	tt_buf_init(&out);
	quality_format_text(&ctx->app->ds, &q, &out);
	cmd_print(ctx, "%s", out.data);
	tt_buf_fini(&out);
	quality_fini(&q);
	return CMD_OK;
}

/*
 * The label errors after the report: as text, the first 20; in JSON, the
 * quality object (one line ending in "}\n") gets a "label_errors" key
 * with every ranked record before its closing brace.
 */
static enum cmd_rc cmd_check_label_errors(struct cmd_ctx *ctx, bool json, struct tt_buf *out)
{
	struct tt_err err;
	char *enc;

	if (ctx->source == CMD_SRC_REPL || ctx->source == CMD_SRC_KEY) {
		/* The workbench never blocks on it: the ranking comes in the background. */
		char *run[] = { "label-errors", "run", NULL };

		cmd_print(ctx, "%s", out->data);
		return cmd_label_errors_exec(ctx, 2, run);
	}
	tt_err_clear(&err);
	if (app_label_errors_wait(ctx->app, &err) != 0) {
		cmd_error(ctx, "check: %s", err.msg);
		return CMD_ERROR;
	}
	if (!json) {
		cmd_print(ctx, "%s\n", out->data);
		cmd_label_errors_print(ctx, 20);
		return CMD_OK;
	}
	enc = labelerr_json(&ctx->app->ds, ctx->app->label_errors);
	while (out->len > 0 && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	if (out->len > 0 && out->data[out->len - 1] == '}')
		out->data[--out->len] = '\0';
	tt_buf_adds(out, ",\"label_errors\":");
	tt_esc_buf(out, enc, strlen(enc), TT_ESC_JSON);
	free(enc);
	/* the labels with fewer records than folds: reported, not ranked */
	enc = labelerr_json_not_ranked(ctx->app->label_errors);
	tt_buf_adds(out, ",\"label_errors_not_ranked\":");
	tt_esc_buf(out, enc, strlen(enc), TT_ESC_JSON);
	free(enc);
	enc = labelerr_json_run(ctx->app->label_errors);
	tt_buf_adds(out, ",\"label_errors_run\":");
	tt_esc_buf(out, enc, strlen(enc), TT_ESC_JSON);
	tt_buf_adds(out, "}\n");
	free(enc);
	cmd_print(ctx, "%s", out->data);
	return CMD_OK;
}

/*
 * The vocabulary of the unknown-word rate for check: --model MODEL's, else
 * the one a check --model loaded before, else (the workbench) the current
 * run's saved model. -1 after an error message.
 */
static int cmd_check_vocab(struct cmd_ctx *ctx, const char *model)
{
	struct app *a = ctx->app;
	struct tt_err err;
	char msg[1200];

	tt_err_clear(&err);
	if (model != NULL) {
		if (app_unknown_load(a, model, &err) != 0) {
			goto fail;
		}
		return 0;
	}
	/* a run's vocabulary is taken again: a new run has its own */
	if ((a->unknown.tok == NULL || a->unknown.from_run) && app_unknown_from_run(a, &err) < 0) {
		goto fail;
	}
	return 0;
fail:
	tt_err_format(&err, msg, sizeof msg);
	cmd_error(ctx, "check: %s", msg);
	return -1;
}

/* check [--json] [--near-dups] [--label-errors] [--model MODEL]: the health report and the findings. */
enum cmd_rc cmd_check_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct quality_report q;
	struct findings f;
	struct findings_options o;
	struct tt_buf out;
	struct tt_err err;
	bool json = false, near = false, lerr = false;
	const char *model = NULL;
	float *unknown;
	enum cmd_rc rc = CMD_OK;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--near-dups") == 0) {
			near = true;
		} else if (strcmp(argv[i], "--label-errors") == 0) {
			lerr = true;
		} else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
			model = argv[++i];
		} else {
			cmd_error(ctx, "check: unknown option '%s' (expected --json, --near-dups, "
				  "--label-errors or --model MODEL)", argv[i]);
			return CMD_ERROR;
		}
	}
	tt_err_clear(&err);
	if (findings_options_from_cfg(&ctx->app->cfg, &o, &err) != 0) {
		cmd_error(ctx, "check: %s", err.msg);
		return CMD_ERROR;
	}
	if (cmd_check_vocab(ctx, model) != 0)
		return CMD_ERROR;
	o.near = near;
	unknown = app_unknown_rates(ctx->app, &err);
	o.unknown = unknown;
	o.unknown_model = ctx->app->unknown.model;
	cmd_quality(ctx->app, &q);
	findings_compute(&ctx->app->ds, &o, &f);
	free(unknown);
	tt_buf_init(&out);
	if (json) {
		quality_format_json(&ctx->app->ds, &q, findings_json(&ctx->app->ds, &q, &f), &out);
	} else {
		quality_format_text(&ctx->app->ds, &q, &out);
		findings_format_text(&ctx->app->ds, &q, &f, 10, &out);
	}
	if (lerr)
		rc = cmd_check_label_errors(ctx, json, &out);
	else
		cmd_print(ctx, "%s", out.data);
	tt_buf_fini(&out);
	findings_fini(&f);
	quality_fini(&q);
	return rc;
}

enum cmd_rc cmd_labels_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct quality_report q;
	uint32_t l;

	(void)argc;
	(void)argv;
	quality_compute(&ctx->app->ds, &q);
	for (l = 0; l < q.nlabels; l++) {
		char *name = tt_esc_dup(ctx->app->ds.labels.names[l]);

		cmd_print(ctx, "%-24s %zu\n", name, q.per_label[l]);
		free(name);
	}
	cmd_print(ctx, "%-24s %zu\n", "(unlabeled)", q.unlabeled);
	quality_fini(&q);
	return CMD_OK;
}
