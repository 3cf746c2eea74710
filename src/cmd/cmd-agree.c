/*
 * cmd-agree.c - agreement and adjudication commands (cmd-agree.h).
 *
 * The app keeps (struct app_agree) the answers of the journals added with
 * --journal, each read once into its own agree_table, and a merged table:
 * the data's own journal plus those, rebuilt when the journal moved on
 * (its next seq or undo depth changed) or the dataset was replaced. In a
 * merged table an annotator's answer from the data's own journal wins
 * over the same name's answer in an added journal.
 */
#include "tunetop/cmd-agree.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-edit.h"

struct app_agree {
	struct agree_table *extra;	/* [nextra] answers of the added journals */
	char **extra_path;
	size_t nextra;
	struct agree_table merged;
	bool valid;
	uint64_t seq;			/* the journal's next seq and undo depth when merged */
	size_t undo;
	const void *recs;		/* the dataset it was merged for */
	size_t n;
};

static struct app_agree *cmd_agree_state(struct app *a)
{
	if (a->agree == NULL)
		a->agree = tt_xcalloc(1, sizeof *a->agree);
	return a->agree;
}

static void cmd_agree_forget_extra(struct app_agree *g)
{
	size_t i;

	for (i = 0; i < g->nextra; i++) {
		agree_table_fini(&g->extra[i]);
		free(g->extra_path[i]);
	}
	free(g->extra);
	free(g->extra_path);
	g->extra = NULL;
	g->extra_path = NULL;
	g->nextra = 0;
}

void cmd_agree_fini(struct app *a)
{
	struct app_agree *g = a->agree;

	if (g == NULL)
		return;
	cmd_agree_forget_extra(g);
	if (g->valid)
		agree_table_fini(&g->merged);
	free(g);
	a->agree = NULL;
}

int cmd_agree_add_journal(struct app *a, const char *path, struct tt_err *err)
{
	struct app_agree *g = cmd_agree_state(a);
	struct ds_options o;
	struct dataset copy;
	struct journal *j;
	char *data;
	size_t len, i;

	if (!a->has_data || a->ds.path == NULL) {
		tt_err_set(err, NULL, 0, 0, "no dataset loaded");
		return -1;
	}
	for (i = 0; i < g->nextra; i++) {
		if (strcmp(g->extra_path[i], path) == 0)
			return 0;	/* read already */
	}
	if (tt_read_file(path, &data, &len, err) != 0)
		return -1;
	app_ds_options(a, &o);
	o.schema = a->schema;
	o.nschema = a->nschema;
	if (dataset_load(&copy, a->ds.path, &o, err) != 0) {
		free(data);
		dataset_fini(&copy);
		return -1;
	}
	if (copy.n != a->ds.n) {
		tt_err_set(err, NULL, 0, 0, "%s: the data file has %zu records, the data open %zu "
			   "(save or reload it first)", a->ds.path, copy.n, a->ds.n);
		free(data);
		dataset_fini(&copy);
		return -1;
	}
	if (journal_open_buffer(&j, path, data, len, &copy, JOURNAL_TRUST_BASE | JOURNAL_READ_ONLY,
				err) != 0) {
		free(data);
		dataset_fini(&copy);
		return -1;
	}
	g->extra = tt_xrealloc(g->extra, (g->nextra + 1) * sizeof *g->extra);
	g->extra_path = tt_xrealloc(g->extra_path, (g->nextra + 1) * sizeof *g->extra_path);
	agree_table_init(&g->extra[g->nextra], copy.n);
	agree_add_journal(&g->extra[g->nextra], j, &copy);
	g->extra_path[g->nextra++] = tt_xstrdup(path);
	g->valid = false;
	journal_close(j);
	dataset_fini(&copy);
	free(data);
	return 0;
}

/* The answers of src (an added journal) where dst has none from that annotator. */
static void cmd_agree_merge(struct agree_table *dst, const struct agree_table *src)
{
	uint32_t c;
	size_t u;

	for (c = 0; c < src->ncoders; c++) {
		uint32_t d = agree_coder(dst, src->coders[c]);

		for (u = 0; u < dst->nunits && u < src->nunits; u++) {
			int32_t v = agree_value(src, u, c);

			if (v >= 0 && agree_value(dst, u, d) < 0)
				agree_set(dst, u, d, (int32_t)agree_cat(dst, src->cats[v]));
		}
	}
}

const struct agree_table *cmd_agree_table(struct app *a)
{
	struct app_agree *g;
	uint64_t seq;
	size_t undo, i;

	if (!a->has_data)
		return NULL;
	g = cmd_agree_state(a);
	if (g->recs != (const void *)a->ds.recs || g->n != a->ds.n) {
		if (g->recs != NULL)
			cmd_agree_forget_extra(g);	/* another dataset: its journals are not these */
	}
	seq = a->journal != NULL ? journal_next_seq(a->journal) : 0;
	undo = a->journal != NULL ? journal_undo_depth(a->journal) : 0;
	if (g->valid && g->seq == seq && g->undo == undo && g->recs == (const void *)a->ds.recs &&
	    g->n == a->ds.n)
		return &g->merged;
	if (g->valid)
		agree_table_fini(&g->merged);
	agree_table_init(&g->merged, a->ds.n);
	if (a->journal != NULL)
		agree_add_journal(&g->merged, a->journal, &a->ds);
	for (i = 0; i < g->nextra; i++)
		cmd_agree_merge(&g->merged, &g->extra[i]);
	g->valid = true;
	g->seq = seq;
	g->undo = undo;
	g->recs = a->ds.recs;
	g->n = a->ds.n;
	return &g->merged;
}

bool cmd_agree_possible(struct app *a)
{
	return a->has_data && ((a->agree != NULL && a->agree->nextra > 0) ||
			       (a->journal != NULL && journal_annotator_count(a->journal) > 1));
}

size_t cmd_agree_keys(struct app *a, float *score)
{
	const struct agree_table *t = cmd_agree_table(a);
	size_t i, n = 0;

	for (i = 0; i < a->ds.n; i++) {
		bool open = t != NULL && agree_disagrees(t, i) && !agree_settled(t, i);

		score[i] = open ? 0.0f : NAN;
		n += open;
	}
	return n;
}

/* A label set as people read it: "billing" or "a,b". */
static void cmd_agree_cat_name(const char *json, struct tt_buf *out)
{
	json_t *v = json_loads(json, 0, NULL);
	size_t i;

	for (i = 0; i < json_array_size(v); i++)
		tt_buf_printf(out, "%s%s", i ? "," : "", json_string_value(json_array_get(v, i)));
	json_decref(v);
}

static json_t *cmd_agree_num(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static void cmd_agree_json(struct cmd_ctx *ctx, const struct agree_table *t,
			   const struct agree_report *r)
{
	json_t *root = json_object(), *names = json_array(), *labels = json_array();
	struct tt_buf name;
	char *enc;
	uint32_t c, k;

	tt_buf_init(&name);
	for (c = 0; c < t->ncoders; c++)
		json_array_append_new(names, json_string(t->coders[c]));
	for (k = 0; k < t->ncats; k++) {
		json_t *count = json_object();

		for (c = 0; c < t->ncoders; c++)
			json_object_set_new(count, t->coders[c], json_integer((json_int_t)r->label[k].count[c]));
		tt_buf_clear(&name);
		cmd_agree_cat_name(t->cats[k], &name);
		json_array_append_new(labels, json_pack("{s:s,s:o,s:o,s:o}", "label", name.data,
							"kappa", cmd_agree_num(r->label[k].kappa),
							"alpha", cmd_agree_num(r->label[k].alpha),
							"count", count));
	}
	json_object_set_new(root, "annotators", names);
	json_object_set_new(root, "answered", json_integer((json_int_t)r->answered));
	json_object_set_new(root, "pairable", json_integer((json_int_t)r->pairable));
	json_object_set_new(root, "both", json_integer((json_int_t)r->both));
	json_object_set_new(root, "disagree", json_integer((json_int_t)r->disagree));
	json_object_set_new(root, "adjudicated", json_integer((json_int_t)r->settled));
	json_object_set_new(root, "kappa", cmd_agree_num(r->kappa));
	json_object_set_new(root, "alpha", cmd_agree_num(r->alpha));
	json_object_set_new(root, "labels", labels);
	enc = json_dumps(root, JSON_COMPACT | JSON_REAL_PRECISION(6));
	cmd_print(ctx, "%s\n", enc);
	free(enc);
	json_decref(root);
	tt_buf_fini(&name);
}

static void cmd_agree_fig(struct tt_buf *b, double x)
{
	if (isnan(x))
		tt_buf_printf(b, "%8s", "n/a");
	else
		tt_buf_printf(b, "%8.3f", x);
}

static void cmd_agree_text(struct cmd_ctx *ctx, const struct agree_table *t,
			   const struct agree_report *r)
{
	struct tt_buf b, name;
	uint32_t c, k;

	tt_buf_init(&b);
	tt_buf_init(&name);
	tt_buf_printf(&b, "agreement of %u annotators:", t->ncoders);
	for (c = 0; c < t->ncoders; c++)
		tt_buf_printf(&b, "%s %s", c ? "," : "", t->coders[c]);
	tt_buf_printf(&b, "\n  records answered %zu, by two or more %zu, disagreeing %zu "
		      "(%zu adjudicated, %zu left: queue disagreements)\n", r->answered, r->pairable,
		      r->disagree, r->settled, r->disagree - r->settled);
	if (t->ncoders == 2) {
		tt_buf_adds(&b, "  Cohen's kappa                 ");
		cmd_agree_fig(&b, r->kappa);
		tt_buf_printf(&b, "   (%zu records both answered)\n", r->both);
	}
	tt_buf_adds(&b, "  Krippendorff's alpha, nominal ");
	cmd_agree_fig(&b, r->alpha);
	tt_buf_adds(&b, "\n  label                 kappa   alpha");
	for (c = 0; c < t->ncoders; c++)
		tt_buf_printf(&b, " %8.8s", t->coders[c]);
	tt_buf_addc(&b, '\n');
	for (k = 0; k < t->ncats; k++) {
		tt_buf_clear(&name);
		cmd_agree_cat_name(t->cats[k], &name);
		tt_buf_printf(&b, "  %-18.18s", name.data);
		cmd_agree_fig(&b, r->label[k].kappa);
		cmd_agree_fig(&b, r->label[k].alpha);
		for (c = 0; c < t->ncoders; c++)
			tt_buf_printf(&b, " %8llu", (unsigned long long)r->label[k].count[c]);
		tt_buf_addc(&b, '\n');
	}
	cmd_print(ctx, "%s", b.data);
	tt_buf_fini(&b);
	tt_buf_fini(&name);
}

enum cmd_rc cmd_agreement_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct agree_table *t;
	struct agree_report r;
	struct tt_err err;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--journal") == 0 && i + 1 < argc) {
			tt_err_clear(&err);
			if (cmd_agree_add_journal(ctx->app, argv[++i], &err) != 0) {
				char msg[1200];

				tt_err_format(&err, msg, sizeof msg);
				cmd_error(ctx, "agreement: %s", msg);
				return CMD_ERROR;
			}
		} else {
			cmd_error(ctx, "agreement: unexpected '%s' (expected --journal FILE or --json)",
				  argv[i]);
			return CMD_ERROR;
		}
	}
	t = cmd_agree_table(ctx->app);
	if (t == NULL || t->ncoders < 2) {
		cmd_error(ctx, "agreement: answers from two annotators are needed, found %u%s%s%s "
			  "(each labels under their name: set annotator NAME; or add another's "
			  "journal: agreement --journal FILE)", t != NULL ? t->ncoders : 0,
			  t != NULL && t->ncoders == 1 ? " (" : "",
			  t != NULL && t->ncoders == 1 ? t->coders[0] : "",
			  t != NULL && t->ncoders == 1 ? ")" : "");
		return CMD_ERROR;
	}
	agree_report(t, &r);
	if (json)
		cmd_agree_json(ctx, t, &r);
	else
		cmd_agree_text(ctx, t, &r);
	agree_report_fini(&r);
	return CMD_OK;
}

enum cmd_rc cmd_adjudicate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct agree_table *t = cmd_agree_table(ctx->app);
	struct journal_meta meta = { NULL, NAN, NULL };
	struct tt_err err;
	struct tt_buf answers;
	json_t *labels;
	size_t index;
	enum cmd_rc rc;
	int i;

	if (ctx->app->journal == NULL || t == NULL) {
		cmd_error(ctx, "adjudicate: no journal for this dataset (load it again)");
		return CMD_ERROR;
	}
	tt_err_clear(&err);
	if (edit_find(journal_index(ctx->app->journal), &ctx->app->ds, argv[1], &index, &err) != 0) {
		cmd_error(ctx, "adjudicate: %s", err.msg);
		return CMD_ERROR;
	}
	if (agree_answers(t, index) == 0) {
		cmd_error(ctx, "adjudicate: record %s has no answers to settle (label labels it)",
			  argv[1]);
		return CMD_ERROR;
	}
	labels = json_array();
	for (i = 2; i < argc; i++) {
		json_t *v = argv[i][0] != '\0' ? json_string(argv[i]) : NULL;

		if (v == NULL) {
			cmd_error(ctx, "adjudicate: label %d is not a name (expected non-empty UTF-8)",
				  i - 1);
			json_decref(labels);
			return CMD_ERROR;
		}
		json_array_append_new(labels, v);
	}
	tt_buf_init(&answers);
	agree_answers_json(t, index, &answers);
	meta.adjudicates = answers.data;
	rc = cmd_edit_apply(ctx, index, EDIT_LABEL, labels, &meta);
	tt_buf_fini(&answers);
	json_decref(labels);
	return rc;
}
