/*
 * cli-queue.c - `tunetop queue DATA`: the labeling queue headless, in any
 * order the label pane has (label-queue.h), with the scores from a saved
 * model for the orders that follow a model:
 *
 *   tunetop queue DATA [--order ORDER] [--model MODEL] [--seed S] [--spread W]
 *                 [--journal FILE]... [--unlabeled] [--limit N] [--set k=v]... [--json]
 *
 * One line per record, queue order: position, id, label, score (margin or
 * entropy; "-" when the order has none) and near-duplicate group. --json:
 * one object {"order", "n", "queue": [{"index", "id", "label", "score",
 * "group"}]}, index 0-based in the file. Orders margin, entropy and
 * uncertain need --model; uncertain keeps the records of one near-duplicate
 * group (neardup_group_ids, at the neardup_* settings: --set) at least W
 * apart (default LABEL_QUEUE_SPREAD). The group column: the group's number
 * (0..G-1), or G + index for a record in no group.
 * Order disagreements puts the records whose annotators disagree (in the
 * data's journal and each --journal FILE, agree.h) first, with a sixth
 * column (JSON: "answers") saying who answered what. Order likely-errors
 * runs the label-error ranking first (labelerr.h: k-fold cross-validation
 * and confident learning at the label_errors_* settings, as `check
 * --label-errors`) and lists its records most likely wrong first, with
 * its score; the records it does not rank come last.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/bundle.h"
#include "tunetop/cli.h"
#include "tunetop/cmd-agree.h"
#include "tunetop/label-queue.h"
#include "tunetop/labelerr.h"
#include "tunetop/neardup.h"

struct queue_args {
	const char *data, *model, *order_name;
	enum label_order order;
	uint64_t seed;
	size_t spread, limit;
	int json, unlabeled;
	const char **journals;
	int njournals;
};

static void queue_usage(void)
{
	fputs("usage: tunetop queue DATA [--order ORDER] [--model MODEL] [--seed S] [--spread W]\n"
	      "                     [--journal FILE]... [--unlabeled] [--limit N] [--set k=v]... [--json]\n"
	      "orders: file, unlabeled, margin, entropy, uncertain (need --model), random,\n"
	      "        disagreements (the data's journal and each --journal FILE),\n"
	      "        likely-errors (runs the label-error ranking: check --label-errors)\n", stderr);
}

/* A whole non-negative number, or -1. */
static int queue_number(const char *opt, const char *v, uint64_t *out)
{
	char *end;

	if (v[0] < '0' || v[0] > '9') {
		tt_esc_printf(stderr, "tunetop queue: %s expects a number, not '%s'\n", opt, v);
		return -1;
	}
	*out = strtoull(v, &end, 10);
	if (*end != '\0') {
		tt_esc_printf(stderr, "tunetop queue: %s expects a number, not '%s'\n", opt, v);
		return -1;
	}
	return 0;
}

static int queue_parse(int argc, char **argv, struct app *app, struct queue_args *a)
{
	struct tt_err err;
	uint64_t num;
	int i;

	memset(a, 0, sizeof *a);
	a->journals = tt_xcalloc((size_t)argc, sizeof *a->journals);
	a->order_name = "unlabeled";
	a->seed = 1;
	a->spread = LABEL_QUEUE_SPREAD;
	for (i = 2; i < argc; i++) {
		const char *arg = argv[i], *v;

		if (strcmp(arg, "--json") == 0 || strcmp(arg, "--unlabeled") == 0) {
			*(arg[2] == 'j' ? &a->json : &a->unlabeled) = 1;
			continue;
		}
		if (arg[0] != '-') {
			if (a->data != NULL) {
				tt_esc_printf(stderr, "tunetop queue: unexpected argument '%s'\n", arg);
				return -1;
			}
			a->data = arg;
			continue;
		}
		if (i + 1 >= argc) {
			tt_esc_printf(stderr, "tunetop queue: unknown option or missing value: '%s'\n", arg);
			return -1;
		}
		v = argv[++i];
		tt_err_clear(&err);
		if (strcmp(arg, "--order") == 0) {
			a->order_name = v;
		} else if (strcmp(arg, "--model") == 0) {
			a->model = v;
		} else if (strcmp(arg, "--journal") == 0) {
			a->journals[a->njournals++] = v;
		} else if (strcmp(arg, "--set") == 0) {
			if (cfg_set_pair(&app->cfg, v, &err) != 0) {
				tt_esc_printf(stderr, "tunetop queue: --set %s: %s\n", v, err.msg);
				return -1;
			}
		} else if (strcmp(arg, "--seed") == 0 || strcmp(arg, "--spread") == 0 ||
			   strcmp(arg, "--limit") == 0) {
			if (queue_number(arg, v, &num) != 0)
				return -1;
			if (arg[3] == 'e')
				a->seed = num;
			else if (arg[3] == 'p')
				a->spread = (size_t)num;
			else
				a->limit = (size_t)num;
		} else {
			tt_esc_printf(stderr, "tunetop queue: unknown option '%s'\n", arg);
			return -1;
		}
	}
	if (a->data == NULL) {
		tt_esc_printf(stderr, "tunetop queue: a DATA file is required\n");
		return -1;
	}
	if (label_order_parse(a->order_name, &a->order) != 0) {
		tt_esc_printf(stderr, "tunetop queue: unknown order '%s'\n", a->order_name);
		return -1;
	}
	if (label_order_uses_preds(a->order) && a->model == NULL) {
		tt_esc_printf(stderr, "tunetop queue: order %s follows a model: give --model MODEL "
			"(a model file from tunetop train --out)\n", a->order_name);
		return -1;
	}
	return 0;
}

/* score[i]: the margin (or entropy) of the model's prediction for record i. */
static int queue_scores(const struct queue_args *a, const struct dataset *ds, float *score)
{
	struct bundle b;
	struct tt_err err;
	struct model_ws *ws;
	float *probs, margin, entropy;
	size_t i;

	tt_err_clear(&err);
	if (bundle_load(&b, a->model, &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		tt_esc_printf(stderr, "tunetop queue: %s\n", msg);
		return -1;
	}
	ws = model_ws_create(b.model);
	probs = tt_xmalloc((b.nlabels ? b.nlabels : 1) * sizeof *probs);
	for (i = 0; i < ds->n; i++) {
		bundle_predict(&b, ws, ds->recs[i].text, ds->recs[i].text_len, probs);
		label_queue_summarize(probs, b.nlabels, &margin, &entropy);
		score[i] = a->order == LABEL_ORDER_ENTROPY ? entropy : margin;
	}
	free(probs);
	model_ws_destroy(b.model, ws);
	bundle_fini(&b);
	return 0;
}

static void queue_print(const struct queue_args *a, const struct dataset *ds,
			const uint32_t *idx, size_t k, const float *score, const uint32_t *group,
			const struct agree_table *t)
{
	json_t *root = NULL, *arr = NULL;
	struct tt_buf id, ans;
	size_t i;

	if (a->json) {
		root = json_pack("{s:s,s:I}", "order", label_order_name(a->order), "n", (json_int_t)k);
		arr = json_array();
	}
	tt_buf_init(&id);
	tt_buf_init(&ans);
	for (i = 0; i < k; i++) {
		const struct ds_record *r = &ds->recs[idx[i]];
		const char *label = r->label == DS_NO_LABEL ? NULL : ds->labels.names[r->label];
		double sc = score != NULL ? (double)score[idx[i]] : NAN;

		tt_buf_clear(&id);
		ds_record_id(ds, idx[i], &id);
		tt_buf_clear(&ans);
		if (t != NULL && a->json)
			agree_answers_json(t, idx[i], &ans);
		else if (t != NULL)
			agree_answers_line(t, idx[i], &ans);
		if (a->json) {
			json_t *o = json_pack("{s:I,s:s,s:o,s:o,s:I}", "index", (json_int_t)idx[i],
					      "id", id.data, "label",
					      label != NULL ? json_string(label) : json_null(), "score",
					      isnan(sc) ? json_null() : json_real(sc), "group",
					      (json_int_t)group[idx[i]]);

			if (t != NULL)
				json_object_set_new(o, "answers", json_loads(ans.data, 0, NULL));
			json_array_append_new(arr, o);
		} else {
			char *sid = tt_esc_dup(id.data), *sl = tt_esc_dup(label != NULL ? label : "-");

			if (isnan(sc))
				printf("%zu\t%s\t%s\t-\t%u", i + 1, sid, sl, group[idx[i]]);
			else
				printf("%zu\t%s\t%s\t%.4f\t%u", i + 1, sid, sl, sc, group[idx[i]]);
			free(sid);
			free(sl);
			if (t != NULL) {
				char *sa = tt_esc_dup(ans.data);

				printf("\t%s", sa);
				free(sa);
			}
			putchar('\n');
		}
	}
	tt_buf_fini(&id);
	tt_buf_fini(&ans);
	if (a->json) {
		char *enc, *safe;

		json_object_set_new(root, "queue", arr);
		enc = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(6));
		safe = tt_esc_json(enc);
		printf("%s\n", safe);
		free(safe);
		free(enc);
		json_decref(root);
	}
}

/* score[i]: record i's label-error score (NaN: not ranked), by running the ranking. */
static int queue_error_scores(const struct app *app, float *score)
{
	struct labelerr_report r;
	struct tt_err err;
	size_t i;

	tt_err_clear(&err);
	if (labelerr_run(&app->ds, &app->cfg, &r, NULL, NULL, &err) != 0) {
		tt_esc_printf(stderr, "tunetop queue: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < app->ds.n; i++)
		score[i] = i < r.ds_n ? r.score_of[i] : NAN;
	labelerr_report_fini(&r);
	return 0;
}

/* Records not deleted (and, with --unlabeled, without a label) in order. */
static size_t queue_build(const struct queue_args *a, const struct dataset *ds,
			  const float *score, const uint32_t *group, uint32_t *idx)
{
	size_t i, k = 0;

	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (!(r->flags & DS_FLAG_DELETED) && (!a->unlabeled || r->label == DS_NO_LABEL))
			idx[k++] = (uint32_t)i;
	}
	label_queue_sort(ds->recs, idx, k, a->order, a->seed, score);
	if (label_order_spreads(a->order))
		label_queue_spread(idx, 0, k, group, a->spread);
	return k;
}

int cli_queue(int argc, char **argv)
{
	struct queue_args a;
	struct app app;
	struct tt_err err;
	struct minhash_params mp;
	float *score = NULL;
	uint32_t *group, *idx;
	size_t k;
	int rc = 1;

	app_init(&app);
	if (queue_parse(argc, argv, &app, &a) != 0) {
		queue_usage();
		free(a.journals);
		app_fini(&app);
		return 2;
	}
	tt_err_clear(&err);
	if (app_load_data(&app, a.data, NULL, &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		tt_esc_printf(stderr, "tunetop queue: %s\n", msg);
		free(a.journals);
		app_fini(&app);
		return 1;
	}
	if (neardup_params_from_cfg(&app.cfg, &mp, &err) != 0) {
		tt_esc_printf(stderr, "tunetop queue: %s\n", err.msg);
		free(a.journals);
		app_fini(&app);
		return 2;
	}
	group = tt_xmalloc((app.ds.n ? app.ds.n : 1) * sizeof *group);
	idx = tt_xmalloc((app.ds.n ? app.ds.n : 1) * sizeof *idx);
	neardup_group_ids(&app.ds, &mp, 0, group);
	for (int i = 0; i < a.njournals; i++) {
		if (cmd_agree_add_journal(&app, a.journals[i], &err) != 0) {
			char msg[1200];

			tt_err_format(&err, msg, sizeof msg);
			tt_esc_printf(stderr, "tunetop queue: %s\n", msg);
			goto out;
		}
	}
	if (label_order_uses_preds(a.order)) {
		score = tt_xmalloc((app.ds.n ? app.ds.n : 1) * sizeof *score);
		if (queue_scores(&a, &app.ds, score) != 0)
			goto out;
	} else if (label_order_uses_answers(a.order)) {
		score = tt_xmalloc((app.ds.n ? app.ds.n : 1) * sizeof *score);
		cmd_agree_keys(&app, score);
	} else if (label_order_uses_errors(a.order)) {
		score = tt_xmalloc((app.ds.n ? app.ds.n : 1) * sizeof *score);
		if (queue_error_scores(&app, score) != 0)
			goto out;
	}
	k = queue_build(&a, &app.ds, score, group, idx);
	if (a.limit > 0 && a.limit < k)
		k = a.limit;
	queue_print(&a, &app.ds, idx, k, score, group,
		    label_order_uses_answers(a.order) ? cmd_agree_table(&app) : NULL);
	rc = 0;
out:
	free(score);
	free(group);
	free(idx);
	free(a.journals);
	app_fini(&app);
	return rc;
}
