/*
 * cmd-ui-label.c - the keyboard labeling flow of the label pane: the queue
 * of records to label (file order, unlabeled first, least confident first,
 * random with a seed), its cursor, and the one-key edits (label, accept the
 * model's suggestion, unsure, flag, discard, note, undo, redo, multi-label
 * toggles). Every edit goes through cmd_edit_apply, so it is journaled and
 * on disk before the pane marks the record saved.
 *
 * The UI thread is the only user; the queue is one static state that is
 * rebuilt when the dataset or (least confident) the predictions change.
 */
#include "tunetop/cmd-ui.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"
#include "tunetop/ui.h"

static const char *const label_order_names[] = {
	"file", "unlabeled", "least-confident", "random", NULL
};

/* The toggled labels of multi-label mode: at most this many labels. */
#define LABEL_TOGGLE_MAX 64

struct label_queue {
	enum label_order order;
	uint64_t seed;
	uint32_t *idx;			/* dataset record indexes, in queue order */
	size_t n;
	size_t cursor;			/* position in idx */
	bool built;
	const struct app *app;		/* what idx was built for */
	size_t ds_n;
	const void *ds_recs;
	uint64_t pred_step;		/* least-confident: predictions used */
	long saved;			/* record whose last edit is durable, or -1 */
	long toggled_rec;		/* record the toggles belong to, or -1 */
	bool toggled[LABEL_TOGGLE_MAX];
};

static struct label_queue label_q = { .saved = -1, .toggled_rec = -1, .seed = 1 };

const char *label_order_name(enum label_order o)
{
	return (unsigned)o <= LABEL_ORDER_RANDOM ? label_order_names[o] : "?";
}

int label_order_parse(const char *name, enum label_order *out)
{
	int i;

	for (i = 0; label_order_names[i] != NULL; i++) {
		if (strcmp(label_order_names[i], name) == 0) {
			*out = (enum label_order)i;
			return 0;
		}
	}
	return -1;
}

static void label_bind_keys(struct ui *ui);

/* splitmix64: the random order's generator. */
static uint64_t label_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Margins for sorting (qsort has no context argument; one UI thread). */
static const float *label_sort_margin;

static int label_cmp_margin(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	float mx = label_sort_margin[x], my = label_sort_margin[y];
	bool nx = isnan(mx), ny = isnan(my);

	if (nx != ny)
		return nx ? 1 : -1;
	if (!nx && mx != my)
		return mx < my ? -1 : 1;
	return x < y ? -1 : x > y;
}

size_t label_queue_order(const struct ds_record *recs, size_t n, enum label_order o,
			 uint64_t seed, const float *margin, uint32_t *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!(recs[i].flags & DS_FLAG_DELETED))
			out[k++] = (uint32_t)i;
	}
	if (o == LABEL_ORDER_UNLABELED) {
		size_t u = 0, m = 0;
		uint32_t *lab = tt_xmalloc((k ? k : 1) * sizeof *lab);

		for (i = 0; i < k; i++) {
			if (recs[out[i]].label == DS_NO_LABEL)
				out[u++] = out[i];
			else
				lab[m++] = out[i];
		}
		memcpy(out + u, lab, m * sizeof *lab);
		free(lab);
	} else if (o == LABEL_ORDER_LEAST_CONFIDENT && margin != NULL) {
		label_sort_margin = margin;
		qsort(out, k, sizeof *out, label_cmp_margin);
	} else if (o == LABEL_ORDER_RANDOM) {
		uint64_t s = seed;

		for (i = k; i > 1; i--) {
			size_t j = (size_t)(label_rand(&s) % i);
			uint32_t t = out[i - 1];

			out[i - 1] = out[j];
			out[j] = t;
		}
	}
	return k;
}

/* The live model's margin per dataset record (NaN: none); malloc'd. */
static float *label_margins(const struct ui *ui, size_t n)
{
	const struct trainer_predictions *p = &ui->train.preds;
	float *m = tt_xmalloc((n ? n : 1) * sizeof *m);
	size_t i;

	for (i = 0; i < n; i++)
		m[i] = NAN;
	for (i = 0; i < p->n; i++) {
		if (p->src[i] < n && p->margin != NULL)
			m[p->src[i]] = p->margin[i];
	}
	return m;
}

static void label_queue_build(struct ui *ui)
{
	struct label_queue *q = &label_q;
	const struct dataset *ds = &ui->app->ds;
	long cur = q->built && q->cursor < q->n ? (long)q->idx[q->cursor] : -1;
	float *margin = NULL;
	size_t i;

	if (q->order == LABEL_ORDER_LEAST_CONFIDENT)
		margin = label_margins(ui, ds->n);
	free(q->idx);
	q->idx = tt_xmalloc((ds->n ? ds->n : 1) * sizeof *q->idx);
	q->n = label_queue_order(ds->recs, ds->n, q->order, q->seed, margin, q->idx);
	free(margin);
	q->built = true;
	q->app = ui->app;
	q->ds_n = ds->n;
	q->ds_recs = ds->recs;
	q->pred_step = ui->train.preds.step;
	q->cursor = 0;
	label_bind_keys(ui);
	for (i = 0; cur >= 0 && i < q->n; i++) {
		if (q->idx[i] == (uint32_t)cur) {
			q->cursor = i;
			break;
		}
	}
}

/* Rebuild when the data changed, or new predictions came (least confident). */
static void label_queue_sync(struct ui *ui)
{
	struct label_queue *q = &label_q;
	const struct dataset *ds = &ui->app->ds;

	if (!q->built || q->app != ui->app || q->ds_n != ds->n || q->ds_recs != ds->recs ||
	    (q->order == LABEL_ORDER_LEAST_CONFIDENT && q->pred_step != ui->train.preds.step))
		label_queue_build(ui);
}

long label_queue_current(struct ui *ui)
{
	label_queue_sync(ui);
	if (label_q.cursor >= label_q.n)
		return -1;
	return (long)label_q.idx[label_q.cursor];
}

void label_queue_describe(struct ui *ui, char *out, size_t n)
{
	struct label_queue *q = &label_q;

	label_queue_sync(ui);
	if (q->order == LABEL_ORDER_RANDOM)
		snprintf(out, n, "%zu of %zu · queue random %llu", q->cursor + 1, q->n,
			 (unsigned long long)q->seed);
	else
		snprintf(out, n, "%zu of %zu · queue %s", q->cursor + 1, q->n,
			 label_order_name(q->order));
}

bool label_queue_saved(long index)
{
	return index >= 0 && index == label_q.saved;
}

bool label_queue_toggled(long index, int label)
{
	return index == label_q.toggled_rec && label >= 0 && label < LABEL_TOGGLE_MAX &&
	       label_q.toggled[label];
}

/* Letters for labels after the ninth: those no pane or global key takes. */
static const char label_free_letters[] = "bchilrvw";

void label_key_of(const struct app *a, int i, char *out, size_t n)
{
	const struct session *s = a->session;

	if (s != NULL && a->nschema > 0 && i < s->nlabels && s->labels[i].key != NULL)
		snprintf(out, n, "%s", s->labels[i].key);
	else if (i < 9)
		pane_label_key(i, out, n);
	else if (i < 9 + (int)sizeof label_free_letters - 1)
		snprintf(out, n, "%c", label_free_letters[i - 9]);
	else
		snprintf(out, n, " ");
}

/* Bind the label keys beyond 1..9 (the session's, letters) not yet bound. */
static void label_bind_keys(struct ui *ui)
{
	char key[16], cmd[48];
	int n, i;

	if (ui->keys == NULL)
		return;
	label_names(ui->app, &n);
	for (i = 0; i < n; i++) {
		label_key_of(ui->app, i, key, sizeof key);
		if (key[0] == ' ' || keys_get(ui->keys, "label", key) != NULL)
			continue;
		snprintf(cmd, sizeof cmd, "label-key %s", key);
		keys_bind(ui->keys, "label", key, cmd, NULL);
	}
}

char *const *label_names(const struct app *a, int *n)
{
	if (a->nschema > 0) {
		*n = a->nschema;
		return a->schema;
	}
	*n = (int)a->ds.labels.n;
	return a->ds.labels.names;
}

/* ---- commands ---- */

static struct ui *label_ui(struct cmd_ctx *ctx, const char *name)
{
	if (ctx->app->ui != NULL)
		return ctx->app->ui;
	cmd_error(ctx, "%s: only in the terminal workbench (run tunetop without --headless)", name);
	return NULL;
}

/* The current record, or -1 with an error. */
static long label_current(struct cmd_ctx *ctx, struct ui *ui, const char *name)
{
	long i = label_queue_current(ui);

	if (i < 0)
		cmd_error(ctx, "%s: no record to label", name);
	return i;
}

static void label_move(struct ui *ui, int delta)
{
	struct label_queue *q = &label_q;

	label_queue_sync(ui);
	if (delta > 0 && q->cursor + 1 < q->n)
		q->cursor++;
	else if (delta < 0 && q->cursor > 0)
		q->cursor--;
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_STATUS);
}

/* One durable edit of record i with the model's suggestion as provenance. */
static enum cmd_rc label_edit(struct cmd_ctx *ctx, struct ui *ui, long i, enum edit_op op,
			      json_t *after)
{
	struct journal_meta meta = { NULL, NAN };
	float conf;
	enum cmd_rc rc;

	if (ui_train_prediction(ui, (size_t)i, &meta.suggestion, &conf) == 0)
		meta.confidence = conf;
	else
		meta.suggestion = NULL;
	rc = cmd_edit_apply(ctx, (size_t)i, op, after, &meta);
	json_decref(after);
	if (rc == CMD_OK)
		label_q.saved = i;
	ui_mark(ui, 1u << PANE_LABEL | 1u << PANE_DATA | 1u << PANE_STATUS);
	return rc;
}

enum cmd_rc cmd_queue_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = label_ui(ctx, argv[0]);
	enum label_order o;
	char line[128];

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		label_queue_describe(ui, line, sizeof line);
		cmd_print(ctx, "%s\n", line);
		return CMD_OK;
	}
	if (strcmp(argv[1], "next") == 0)
		o = (enum label_order)((label_q.order + 1) % (LABEL_ORDER_RANDOM + 1));
	else if (label_order_parse(argv[1], &o) != 0) {
		cmd_error(ctx, "queue: unknown order '%s' (expected file, unlabeled, "
			  "least-confident or random [SEED])", argv[1]);
		return CMD_ERROR;
	}
	if (argc > 2) {
		char *end;
		unsigned long long s = strtoull(argv[2], &end, 10);

		if (o != LABEL_ORDER_RANDOM || *end != '\0' || argv[2][0] == '\0') {
			cmd_error(ctx, "queue: a SEED (a number) goes with 'random' only");
			return CMD_ERROR;
		}
		label_q.seed = s;
	}
	label_q.order = o;
	label_q.built = false;
	label_q.cursor = 0;
	label_queue_sync(ui);
	label_q.cursor = 0;
	ui_mark(ui, 1u << PANE_LABEL);
	return CMD_OK;
}

enum cmd_rc cmd_label_move_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = label_ui(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	label_queue_sync(ui);
	if (strcmp(argv[1], "next") == 0)
		label_move(ui, 1);
	else if (strcmp(argv[1], "prev") == 0)
		label_move(ui, -1);
	else if (strcmp(argv[1], "first") == 0)
		label_q.cursor = 0;
	else if (strcmp(argv[1], "last") == 0)
		label_q.cursor = label_q.n > 0 ? label_q.n - 1 : 0;
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

	if (label_q.toggled_rec != i) {
		memset(label_q.toggled, 0, sizeof label_q.toggled);
		names = label_names(ui->app, &n);
		for (j = 0; j < n && j < LABEL_TOGGLE_MAX; j++) {
			uint32_t id;

			if (ds_label_find(ds, names[j], strlen(names[j]), &id) != 0)
				continue;
			label_q.toggled[j] = r->label == id;
			for (uint16_t m = 0; m < r->nmore; m++)
				label_q.toggled[j] = label_q.toggled[j] || r->more_labels[m] == id;
		}
		label_q.toggled_rec = i;
	}
	label_q.toggled[k] = !label_q.toggled[k];
	ui_mark(ui, 1u << PANE_LABEL);
}

enum cmd_rc cmd_label_key_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = label_ui(ctx, argv[0]);
	char *const *names;
	char key[16];
	long i;
	int n, k;
	enum cmd_rc rc;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	names = label_names(ui->app, &n);
	for (k = 0; k < n; k++) {
		label_key_of(ui->app, k, key, sizeof key);
		if (strcmp(key, argv[1]) == 0)
			break;
	}
	if (k == n) {
		cmd_error(ctx, "%s: no label on key %s", argv[0], argv[1]);
		return CMD_ERROR;
	}
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
	struct ui *ui = label_ui(ctx, argv[0]);
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
	struct ui *ui = label_ui(ctx, argv[0]);
	char *const *names;
	json_t *after;
	long i;
	int n, k;
	enum cmd_rc rc;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	if (!ui->app->ds.multilabel || label_q.toggled_rec != i) {
		label_move(ui, 1);
		return CMD_OK;
	}
	names = label_names(ui->app, &n);
	after = json_array();
	for (k = 0; k < n && k < LABEL_TOGGLE_MAX; k++) {
		if (label_q.toggled[k])
			json_array_append_new(after, json_string(names[k]));
	}
	rc = label_edit(ctx, ui, i, json_array_size(after) > 0 ? EDIT_LABEL : EDIT_UNLABEL, after);
	if (rc == CMD_OK) {
		label_q.toggled_rec = -1;
		label_move(ui, 1);
	}
	return rc;
}

/* unsure|flag|discard: toggles the mark; discard (delete) moves on. */
enum cmd_rc cmd_label_mark_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = label_ui(ctx, argv[0]);
	const char *what = argv[1];
	uint8_t flags;
	enum edit_op op;
	long i;
	enum cmd_rc rc;

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
	rc = label_edit(ctx, ui, i, op,
			op == EDIT_SURE || op == EDIT_UNFLAG || op == EDIT_UNDELETE ? json_false() :
										     json_true());
	if (rc == CMD_OK && op == EDIT_DELETE)
		label_move(ui, 1);
	return rc;
}

enum cmd_rc cmd_label_note_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = label_ui(ctx, argv[0]);
	struct tt_buf id, line;
	long i;

	(void)argc;
	if (ui == NULL || (i = label_current(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	tt_buf_init(&id);
	tt_buf_init(&line);
	ds_record_id(&ui->app->ds, (size_t)i, &id);
	if (strpbrk(id.data, " \t'\"\\") != NULL)
		tt_buf_printf(&line, "note @%ld ", i + 1);
	else
		tt_buf_printf(&line, "note %s ", id.data);
	ui_prompt(ui, line.data);
	tt_buf_fini(&id);
	tt_buf_fini(&line);
	return CMD_OK;
}

/* undo / redo from the pane: the journal's, and the saved mark goes. */
static enum cmd_rc label_undo_redo(struct cmd_ctx *ctx, const char *name, bool undo)
{
	struct ui *ui = label_ui(ctx, name);
	char *av[] = { undo ? "undo" : "redo", NULL };
	enum cmd_rc rc;

	if (ui == NULL)
		return CMD_ERROR;
	rc = undo ? cmd_undo_exec(ctx, 1, av) : cmd_redo_exec(ctx, 1, av);
	label_q.saved = -1;
	label_q.toggled_rec = -1;
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
