/*
 * cmd-ui-label.c - the keyboard labeling flow of the label pane: the queue
 * of records to label (the data pane's list in unlabeled-first, file,
 * margin, entropy, uncertain, disagreements, likely-errors or seeded
 * random order; see label-queue.h) walked with the data pane's one
 * cursor, the one-key edits (label, accept the model's suggestion, unsure,
 * flag, discard, note, undo, redo, multi-label toggles) and the queue's
 * part of the session (the type-ahead picker is cmd-ui-pick.c, the
 * labels' names and keys and add-label cmd-ui-schema.c). Every
 * edit goes through cmd_edit_apply, so it is journaled and on disk before
 * the pane marks the record saved.
 *
 * The UI thread is the only user; the queue is the ui's (ui->label_q,
 * made on first use, freed by label_queue_free), rebuilt only when what
 * it was built from changed (label_queue_sync), so a key
 * press costs nothing at a million records (finding the current record in
 * it is a cached position, or one scan after the data cursor moved).
 */
#include "tunetop/cmd-ui.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-agree.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/journal.h"
#include "tunetop/keys.h"
#include "tunetop/labelerr.h"
#include "tunetop/neardup.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"
#include "tunetop/ui.h"

/* The toggled labels of multi-label mode: at most this many labels. */
#define LABEL_TOGGLE_MAX 64

struct label_queue {
	enum label_order order;
	uint64_t seed;
	uint32_t *idx;			/* dataset record indexes, in queue order */
	size_t n;
	size_t cursor;			/* position of the data pane's record in idx (a cache) */
	bool built;
	const struct app *app;		/* what idx was built for */
	size_t ds_n;
	const void *ds_recs;
	uint64_t list_gen;		/* ui->data.list_gen when built */
	uint64_t pred_step;		/* margin, entropy: the predictions used */
	uint64_t lerr_seq;		/* likely-errors: the ranking used */
	uint32_t *group;		/* uncertain: near-duplicate group per record, or NULL */
	size_t group_n;			/* for this dataset (size and records) */
	const void *group_recs;
	struct minhash_params group_p;	/* and these near-duplicate settings */
	long saved;			/* record whose last edit is durable, or -1 */
	long toggled_rec;		/* record the toggles belong to, or -1 */
	bool toggled[LABEL_TOGGLE_MAX];
};

/* The ui's queue, made with its defaults on first use. */
static struct label_queue *label_q(struct ui *ui)
{
	struct label_queue *q = ui->label_q;

	if (q == NULL) {
		q = tt_xcalloc(1, sizeof *q);
		q->order = LABEL_ORDER_UNLABELED;
		q->seed = 1;
		q->saved = -1;
		q->toggled_rec = -1;
		ui->label_q = q;
	}
	return q;
}

void label_queue_free(struct ui *ui)
{
	struct label_queue *q = ui->label_q;

	if (q == NULL)
		return;
	free(q->idx);
	free(q->group);
	free(q);
	ui->label_q = NULL;
}

/*
 * The live model's margin or entropy, or the label-error score, per dataset
 * record (NaN: none); malloc'd.
 */
static float *label_scores(const struct ui *ui, size_t n, enum label_order o)
{
	const struct trainer_predictions *p = &ui->train.preds;
	const struct labelerr_report *le = ui->app->label_errors;
	const float *src = o == LABEL_ORDER_ENTROPY ? p->entropy : p->margin;	/* uncertain: margin */
	float *m = tt_xmalloc((n ? n : 1) * sizeof *m);
	size_t i;

	for (i = 0; i < n; i++)
		m[i] = label_order_uses_errors(o) && le != NULL && i < le->ds_n ?
		       le->score_of[i] : NAN;
	if (label_order_uses_errors(o))
		return m;
	for (i = 0; src != NULL && i < p->n; i++) {
		if (p->src[i] < n)
			m[p->src[i]] = src[i];
	}
	return m;
}

/*
 * The near-duplicate groups of the data (for the uncertain order's
 * spread, neardup.h at the configured neardup_* settings), computed once
 * per dataset and settings: they depend on the texts only. NULL (no
 * spread) when the settings do not fit together.
 */
static const uint32_t *label_groups(struct ui *ui)
{
	struct label_queue *q = label_q(ui);
	const struct app *app = ui->app;
	const struct dataset *ds = &app->ds;
	struct minhash_params p;
	struct tt_err err;

	memset(&p, 0, sizeof p);
	tt_err_clear(&err);
	if (neardup_params_from_cfg(&app->cfg, &p, &err) != 0)
		return NULL;
	if (q->group != NULL && q->group_n == ds->n && q->group_recs == ds->recs &&
	    memcmp(&q->group_p, &p, sizeof p) == 0)
		return q->group;
	free(q->group);
	q->group = tt_xmalloc((ds->n ? ds->n : 1) * sizeof *q->group);
	neardup_group_ids(ds, &p, 0, q->group);
	q->group_n = ds->n;
	q->group_recs = ds->recs;
	q->group_p = p;
	return q->group;
}

/* Sort idx[start..k) (the records up to start stay) and spread it if the order does. */
static void label_queue_arrange(struct ui *ui, size_t start, const float *score)
{
	struct label_queue *q = label_q(ui);
	const struct dataset *ds = &ui->app->ds;

	if (start >= q->n)
		return;
	label_queue_sort(ds->recs, q->idx + start, q->n - start, q->order, q->seed, score);
	if (label_order_spreads(q->order) && score != NULL)
		label_queue_spread(q->idx, start, q->n, label_groups(ui), LABEL_QUEUE_SPREAD);
}

/*
 * The position of the current record (the data pane's cursor: there is one
 * cursor) in the queue; q->n when the queue does not hold it.
 */
static size_t label_queue_pos(struct ui *ui, long cur)
{
	struct label_queue *q = label_q(ui);
	long at;

	if (cur < 0)
		return q->n;
	if (q->cursor < q->n && q->idx[q->cursor] == (uint32_t)cur)
		return q->cursor;
	at = tt_u32_find(q->idx, q->n, (uint32_t)cur);
	return at >= 0 ? (size_t)at : q->n;
}

/*
 * New predictions: re-rank only the records after the current one. Those
 * up to it (the ones seen, and the one on screen) keep their places, so the
 * record on screen, its position and "prev" stay; "next" is the most
 * uncertain record not yet seen.
 */
static void label_queue_rerank(struct ui *ui)
{
	struct label_queue *q = label_q(ui);
	const struct dataset *ds = &ui->app->ds;
	float *score = label_scores(ui, ds->n, q->order);
	size_t at = label_queue_pos(ui, pane_data_current(ui));

	if (at < q->n && at + 1 < q->n)
		label_queue_arrange(ui, at + 1, score);
	free(score);
	q->pred_step = ui->train.preds.step;
	q->lerr_seq = ui->app->label_errors_seq;
}

/*
 * The data pane's list (its filter and its sort) in the queue's order:
 * O(n) (+ a sort). The queue never holds a cursor of its own: the record
 * on screen is the data pane's (ui->data), so the label pane, the data
 * pane and the record detail always show the same record.
 */
static void label_queue_build(struct ui *ui)
{
	struct label_queue *q = label_q(ui);
	const struct dataset *ds = &ui->app->ds;
	const struct ui_data_view *v = &ui->data;
	float *score = NULL;

	free(q->idx);
	q->idx = tt_xmalloc((v->n ? v->n : 1) * sizeof *q->idx);
	if (v->n > 0)
		memcpy(q->idx, v->idx, v->n * sizeof *q->idx);
	if (label_order_uses_preds(q->order) || label_order_uses_errors(q->order)) {
		score = label_scores(ui, ds->n, q->order);
	} else if (label_order_uses_answers(q->order)) {
		score = tt_xmalloc((ds->n ? ds->n : 1) * sizeof *score);
		cmd_agree_keys(ui->app, score);
	}
	q->n = v->n;
	label_queue_arrange(ui, 0, score);
	free(score);
	q->cursor = 0;
	q->built = true;
	q->app = ui->app;
	q->ds_n = ds->n;
	q->ds_recs = ds->recs;
	q->list_gen = v->list_gen;
	q->pred_step = ui->train.preds.step;
	q->lerr_seq = ui->app->label_errors_seq;
	label_bind_keys(ui);
}

/*
 * Rebuild when the data's shape, the filter or the sort changed; re-rank
 * when new predictions came (margin, entropy). Edits change neither, so
 * they never move the cursor.
 */
static void label_queue_sync(struct ui *ui)
{
	struct label_queue *q = label_q(ui);
	const struct dataset *ds = &ui->app->ds;
	const struct ui_data_view *v = &ui->data;

	pane_data_refresh(ui);	/* bumps filter_gen when new predictions change the filter */
	if (!q->built || q->app != ui->app || q->ds_n != ds->n || q->ds_recs != ds->recs ||
	    q->list_gen != v->list_gen)
		label_queue_build(ui);
	else if ((label_order_uses_preds(q->order) && q->pred_step != ui->train.preds.step) ||
		 (label_order_uses_errors(q->order) && q->lerr_seq != ui->app->label_errors_seq))
		label_queue_rerank(ui);
}

/* Make record rec current (the data pane's cursor goes there too). */
static void label_queue_go(struct ui *ui, size_t at)
{
	struct label_queue *q = label_q(ui);

	if (at >= q->n)
		return;
	q->cursor = at;
	pane_data_goto(ui, q->idx[at]);
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_DATA | 1u << PANE_STATUS);
}

long label_queue_current(struct ui *ui)
{
	struct label_queue *q = label_q(ui);
	long cur;

	label_queue_sync(ui);
	/*
	 * Until the person puts the cursor somewhere (a move, a filter, a sort,
	 * a search, a restored session), the label pane starts at the head of
	 * the queue: the first unlabeled record, not the first row of the file.
	 * Once it is placed, showing the label pane never moves it.
	 */
	if (!ui->data.placed && q->n > 0 && layout_visible(&ui->layout, PANE_LABEL)) {
		ui->data.placed = true;
		label_queue_go(ui, 0);
	}
	cur = pane_data_current(ui);
	q->cursor = label_queue_pos(ui, cur);
	return q->cursor < q->n ? cur : -1;
}

void label_queue_describe(struct ui *ui, char *out, size_t n)
{
	struct label_queue *q = label_q(ui);
	const char *filtered = ui->data.filter.n > 0 ? " · filtered" : "";

	label_queue_current(ui);
	if (q->order == LABEL_ORDER_RANDOM)
		snprintf(out, n, "%zu of %zu · queue random %llu%s", q->cursor + 1, q->n,
			 (unsigned long long)q->seed, filtered);
	else
		snprintf(out, n, "%zu of %zu · queue %s%s", q->cursor + 1, q->n,
			 label_order_name(q->order), filtered);
}

bool label_queue_saved(const struct ui *ui, long index)
{
	return ui->label_q != NULL && index >= 0 && index == ui->label_q->saved;
}

bool label_queue_toggled(const struct ui *ui, long index, int label)
{
	const struct label_queue *q = ui->label_q;

	return q != NULL && index == q->toggled_rec && label >= 0 && label < LABEL_TOGGLE_MAX &&
	       q->toggled[label];
}

/* "entropy", "random 42" -> order and seed (*has_seed); -1 if not valid. */
static int label_queue_spec_parse(const char *v, enum label_order *o, uint64_t *seed,
				  bool *has_seed)
{
	char word[32], *end;
	size_t len = strcspn(v, " ");

	*has_seed = false;
	if (len == 0 || len >= sizeof word)
		return -1;
	memcpy(word, v, len);
	word[len] = '\0';
	if (label_order_parse(word, o) != 0)
		return -1;
	if (v[len] == '\0')
		return 0;
	v += len + 1;
	if (*o != LABEL_ORDER_RANDOM || *v < '0' || *v > '9')
		return -1;
	*seed = strtoull(v, &end, 10);
	*has_seed = true;
	return *end == '\0' ? 0 : -1;
}

void label_queue_session_store(struct ui *ui, struct session *s)
{
	struct label_queue *q = label_q(ui);
	char v[64];
	long cur = label_queue_current(ui);

	if (q->order == LABEL_ORDER_RANDOM)
		snprintf(v, sizeof v, "random %llu", (unsigned long long)q->seed);
	else
		snprintf(v, sizeof v, "%s", label_order_name(q->order));
	session_ui_set(s, SESSION_UI_QUEUE, v);
	snprintf(v, sizeof v, "%ld", cur);
	session_ui_set(s, SESSION_UI_LABEL_CURSOR, cur >= 0 ? v : NULL);
}

void label_queue_session_apply(struct ui *ui, const struct session *s)
{
	struct label_queue *q = label_q(ui);
	const char *v = s->ui[SESSION_UI_QUEUE], *c = s->ui[SESSION_UI_LABEL_CURSOR];
	enum label_order o;
	uint64_t seed;
	bool has_seed;

	if (v != NULL && label_queue_spec_parse(v, &o, &seed, &has_seed) == 0) {
		q->order = o;
		if (has_seed)
			q->seed = seed;
		q->built = false;
	}
	if (c != NULL) {
		char *end;
		unsigned long rec = strtoul(c, &end, 10);

		if (*end == '\0' && c[0] != '\0' && rec <= 0xffffffffUL &&
		    pane_data_goto(ui, (size_t)rec) == 0)
			ui->data.placed = true;
	}
	ui_mark(ui, 1u << PANE_LABEL);
}

/* ---- commands ---- */

/* The current record, or -1 with an error. */
long label_current(struct cmd_ctx *ctx, struct ui *ui, const char *name)
{
	long i = label_queue_current(ui);

	if (i < 0)
		cmd_error(ctx, "%s: no record to label", name);
	return i;
}

static void label_move(struct ui *ui, int delta)
{
	struct label_queue *q = label_q(ui);
	size_t at;

	label_queue_current(ui);
	at = q->cursor;
	if (at >= q->n)
		at = 0;
	else if (delta > 0 && at + 1 < q->n)
		at++;
	else if (delta < 0 && at > 0)
		at--;
	label_queue_go(ui, at);
}

/*
 * One durable edit of record i with the model's suggestion as provenance;
 * in the disagreements queue a label is an adjudication, journaled with
 * the answers it settles.
 */
static enum cmd_rc label_edit(struct cmd_ctx *ctx, struct ui *ui, long i, enum edit_op op,
			      json_t *after)
{
	struct journal_meta meta = { NULL, NAN, NULL };
	const struct agree_table *t;
	struct tt_buf answers;
	float conf;
	enum cmd_rc rc;

	if (ui_train_prediction(ui, (size_t)i, &meta.suggestion, &conf) == 0)
		meta.confidence = conf;
	else
		meta.suggestion = NULL;
	tt_buf_init(&answers);
	if (op == EDIT_LABEL && label_q(ui)->order == LABEL_ORDER_DISAGREEMENTS &&
	    (t = cmd_agree_table(ui->app)) != NULL && agree_disagrees(t, (size_t)i) &&
	    !agree_settled(t, (size_t)i)) {
		agree_answers_json(t, (size_t)i, &answers);
		meta.adjudicates = answers.data;
	}
	rc = cmd_edit_apply(ctx, (size_t)i, op, after, &meta);
	tt_buf_fini(&answers);
	json_decref(after);
	if (rc == CMD_OK)
		label_q(ui)->saved = i;
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_DATA | 1u << PANE_STATUS);
	return rc;
}

enum cmd_rc cmd_queue_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	enum label_order o;
	char line[160];

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		label_queue_describe(ui, line, sizeof line);
		cmd_print(ctx, "%s\n", line);
		return CMD_OK;
	}
	if (strcmp(argv[1], "next") == 0)
		o = (enum label_order)((label_q(ui)->order + 1) % LABEL_ORDER_COUNT);
	else if (label_order_parse(argv[1], &o) != 0) {
		cmd_error(ctx, "queue: unknown order '%s' (expected file, unlabeled, margin "
			  "(or least-confident), entropy, uncertain, disagreements, likely-errors or "
			  "random [SEED])", argv[1]);
		return CMD_ERROR;
	}
	if (argc > 2) {
		char *end;
		unsigned long long s = strtoull(argv[2], &end, 10);

		if (o != LABEL_ORDER_RANDOM || *end != '\0' || argv[2][0] < '0' ||
		    argv[2][0] > '9') {
			cmd_error(ctx, "queue: a SEED (a number) goes with 'random' only");
			return CMD_ERROR;
		}
		label_q(ui)->seed = s;
	}
	label_q(ui)->order = o;
	label_q(ui)->built = false;
	label_queue_sync(ui);
	label_queue_go(ui, 0);
	if (label_order_uses_preds(o) && ui->train.preds.n == 0)
		cmd_print(ctx, "queue %s: no predictions yet (t trains); file order until they "
			  "come\n", label_order_name(o));
	if (label_order_uses_errors(o) && ui->app->label_errors == NULL)
		cmd_print(ctx, "queue likely-errors: no ranking yet (label-errors run); file order "
			  "until it comes\n");
	if (label_order_uses_answers(o)) {
		float *keys = tt_xmalloc((ui->app->ds.n ? ui->app->ds.n : 1) * sizeof *keys);
		size_t open = cmd_agree_keys(ui->app, keys);

		free(keys);
		if (open == 0)
			cmd_print(ctx, "queue disagreements: no record to adjudicate (agreement "
				  "--journal FILE adds another annotator's answers)\n");
		else
			cmd_print(ctx, "queue disagreements: %zu records to adjudicate first\n", open);
	}
	ui_mark(ui, 1u << PANE_LABEL);
	return CMD_OK;
}

enum cmd_rc cmd_label_move_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	label_queue_current(ui);
	if (strcmp(argv[1], "next") == 0)
		label_move(ui, 1);
	else if (strcmp(argv[1], "prev") == 0)
		label_move(ui, -1);
	else if (strcmp(argv[1], "first") == 0)
		label_queue_go(ui, 0);
	else if (strcmp(argv[1], "last") == 0)
		label_queue_go(ui, label_q(ui)->n > 0 ? label_q(ui)->n - 1 : 0);
	else {
		cmd_error(ctx, "label-move: expected next, prev, first or last");
		return CMD_ERROR;
	}
	ui_mark(ui, 1u << PANE_LABEL);
	return CMD_OK;
}

/* Multi-label: toggle label k of record i (starting from its labels). */
static void label_toggle(struct ui *ui, long i, int k)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *r = &ds->recs[i];
	char *const *names;
	int n, j;

	if (label_q(ui)->toggled_rec != i) {
		memset(label_q(ui)->toggled, 0, sizeof label_q(ui)->toggled);
		names = label_names(ui->app, &n);
		for (j = 0; j < n && j < LABEL_TOGGLE_MAX; j++) {
			uint32_t id;

			if (ds_label_find(ds, names[j], strlen(names[j]), &id) != 0)
				continue;
			label_q(ui)->toggled[j] = r->label == id;
			for (uint16_t m = 0; m < r->nmore; m++)
				label_q(ui)->toggled[j] = label_q(ui)->toggled[j] || r->more_labels[m] == id;
		}
		label_q(ui)->toggled_rec = i;
	}
	label_q(ui)->toggled[k] = !label_q(ui)->toggled[k];
	ui_mark(ui, 1u << PANE_LABEL);
}

enum cmd_rc cmd_label_key_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	char key[16];
	long i;
	int n, k;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	label_names(ui->app, &n);
	for (k = 0; k < n; k++) {
		label_key_of(ui->app, k, key, sizeof key);
		if (strcmp(key, argv[1]) == 0)
			break;
	}
	if (k == n) {
		cmd_error(ctx, "%s: no label on key %s", argv[0], argv[1]);
		return CMD_ERROR;
	}
	return label_with(ctx, ui, i, k);
}

/* Label record i with label k (multi-label: toggle it) and go on. */
enum cmd_rc label_with(struct cmd_ctx *ctx, struct ui *ui, long i, int k)
{
	char *const *names;
	int n;
	enum cmd_rc rc;

	names = label_names(ui->app, &n);
	if (ui->app->ds.multilabel && k < LABEL_TOGGLE_MAX) {
		label_toggle(ui, i, k);
		return CMD_OK;
	}
	rc = label_edit(ctx, ui, i, EDIT_LABEL, json_pack("[s]", names[k]));
	if (rc == CMD_OK)
		label_move(ui, 1);
	return rc;
}

enum cmd_rc cmd_label_accept_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const char *pred;
	float conf;
	long i;
	enum cmd_rc rc;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	if (ui_train_prediction(ui, (size_t)i, &pred, &conf) != 0) {
		cmd_error(ctx, "%s: the model has no suggestion for this record yet", argv[0]);
		return CMD_ERROR;
	}
	rc = label_edit(ctx, ui, i, EDIT_LABEL, json_pack("[s]", pred));
	if (rc == CMD_OK)
		label_move(ui, 1);
	return rc;
}

/* Enter: multi-label confirms the toggles and moves on; else it skips. */
enum cmd_rc cmd_label_confirm_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	char *const *names;
	json_t *after;
	long i;
	int n, k;
	enum cmd_rc rc;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	if (!ui->app->ds.multilabel || label_q(ui)->toggled_rec != i) {
		label_move(ui, 1);
		return CMD_OK;
	}
	names = label_names(ui->app, &n);
	after = json_array();
	for (k = 0; k < n && k < LABEL_TOGGLE_MAX; k++) {
		if (label_q(ui)->toggled[k])
			json_array_append_new(after, json_string(names[k]));
	}
	rc = label_edit(ctx, ui, i, json_array_size(after) > 0 ? EDIT_LABEL : EDIT_UNLABEL, after);
	if (rc == CMD_OK) {
		label_q(ui)->toggled_rec = -1;
		label_move(ui, 1);
	}
	return rc;
}

/* Errors go on to the command's own sink; the edit's report is left out. */
static void label_quiet_sink(void *opaque, int is_error, const char *text)
{
	struct cmd_ctx *outer = opaque;

	if (is_error)
		cmd_error(outer, "%s", text);
}

/* d: discard record i, said plainly ("deleted t0114 (U to undo)"), and move on. */
static enum cmd_rc label_discard(struct cmd_ctx *ctx, struct ui *ui, long i)
{
	struct cmd_ctx quiet = *ctx;
	struct tt_buf id;
	char *shown;
	enum cmd_rc rc;

	quiet.sink = label_quiet_sink;
	quiet.sink_opaque = ctx;
	rc = label_edit(&quiet, ui, i, EDIT_DELETE, json_true());
	if (rc != CMD_OK)
		return rc;
	tt_buf_init(&id);
	ds_record_id(&ui->app->ds, (size_t)i, &id);
	shown = tt_esc_dup(id.data);
	cmd_print(ctx, "deleted %s (U to undo)\n", shown);
	free(shown);
	tt_buf_fini(&id);
	label_move(ui, 1);
	return rc;
}

/* unsure|flag|discard: toggles the mark; discard (delete) moves on. */
enum cmd_rc cmd_label_mark_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const char *what = argv[1];
	uint8_t flags;
	enum edit_op op;
	long i;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	flags = ui->app->ds.recs[i].flags;
	if (strcmp(what, "unsure") == 0)
		op = flags & DS_FLAG_UNSURE ? EDIT_SURE : EDIT_UNSURE;
	else if (strcmp(what, "flag") == 0)
		op = flags & DS_FLAG_FLAGGED ? EDIT_UNFLAG : EDIT_FLAG;
	else if (strcmp(what, "discard") == 0)
		op = flags & DS_FLAG_DELETED ? EDIT_UNDELETE : EDIT_DELETE;
	else {
		cmd_error(ctx, "%s: expected unsure, flag or discard", argv[0]);
		return CMD_ERROR;
	}
	if (op == EDIT_DELETE)
		return label_discard(ctx, ui, i);
	return label_edit(ctx, ui, i, op,
			  op == EDIT_SURE || op == EDIT_UNFLAG || op == EDIT_UNDELETE ? json_false() :
										       json_true());
}

/* Does s hold a control character other than newline and tab? */
static bool label_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return true;
	}
	return false;
}

/* A note as command words: as it is when plain, else double-quoted with escapes. */
static void label_note_quote(const char *s, struct tt_buf *out)
{
	const char *p;

	if (s[0] != '#' && strpbrk(s, "'\"\\#\n\t\r") == NULL && strstr(s, "  ") == NULL &&
	    s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
		tt_buf_adds(out, s);
		return;
	}
	tt_buf_addc(out, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n')
			tt_buf_adds(out, "\\n");
		else if (*p == '\t')
			tt_buf_adds(out, "\\t");
		else if (*p == '\r')
			tt_buf_adds(out, "\\r");
		else if (*p == '"' || *p == '\\')
			tt_buf_printf(out, "\\%c", *p);
		else
			tt_buf_addc(out, *p);
	}
	tt_buf_addc(out, '"');
}

/*
 * m: the command line holds "note ID " and the record's note, to edit (an
 * empty note removes it); Enter saves it and focus goes back to the pane.
 */
enum cmd_rc cmd_label_note_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	struct tt_buf id, line;
	const char *note;
	long i;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	tt_buf_init(&id);
	tt_buf_init(&line);
	ds_record_id(&ui->app->ds, (size_t)i, &id);
	if (strpbrk(id.data, " '\"\\#") != NULL || label_has_control(id.data))
		tt_buf_printf(&line, "note @%ld ", i + 1);
	else
		tt_buf_printf(&line, "note %s ", id.data);
	note = ui->app->ds.recs[i].note;
	/* a note the command line cannot hold as it is is typed anew, never changed unseen */
	if (note != NULL && !label_has_control(note))
		label_note_quote(note, &line);
	else if (note != NULL)
		note = NULL;
	ui_prompt(ui, line.data);
	ui->prompt_return = ctx->source == CMD_SRC_KEY;
	if (note != NULL)
		ui_message(ui, false, "edit the note, Enter saves it (an empty note removes it)");
	tt_buf_fini(&id);
	tt_buf_fini(&line);
	return CMD_OK;
}

/*
 * undo / redo from the pane: the journal's, and the cursor goes to the
 * record the step changed (so the person sees what was undone).
 */
static enum cmd_rc label_undo_redo(struct cmd_ctx *ctx, const char *name, bool undo)
{
	struct ui *ui = cmd_ui_of(ctx, name);
	char *av[] = { undo ? "undo" : "redo", NULL };
	long rec = -1;
	enum cmd_rc rc;

	if (ui == NULL)
		return CMD_ERROR;
	if (ui->app->journal != NULL)
		rec = journal_step_record(ui->app->journal, &ui->app->ds, !undo);
	rc = undo ? cmd_undo_exec(ctx, 1, av) : cmd_redo_exec(ctx, 1, av);
	label_q(ui)->saved = -1;
	label_q(ui)->toggled_rec = -1;
	if (rc == CMD_OK && rec >= 0 && pane_data_goto(ui, (size_t)rec) != 0)
		ui_message(ui, false, "the record %s changed is not in the list (filter)",
			   undo ? "undo" : "redo");
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_DATA | 1u << PANE_STATUS);
	return rc;
}

enum cmd_rc cmd_label_undo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return label_undo_redo(ctx, argv[0], true);
}

enum cmd_rc cmd_label_redo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return label_undo_redo(ctx, argv[0], false);
}
