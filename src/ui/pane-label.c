/*
 * pane-label.c - the label pane: one record at a time (the labeling
 * queue's cursor, cmd-ui-label.c), its text large, its label and marks,
 * the model's suggestion, the label keys of the session's schema and the
 * pane's action keys. A "saved" mark shows once the pane's last edit of
 * the record is on disk.
 */
#include "tunetop/pane.h"

#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-agree.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/session.h"

/* Digit keys by position: 1..9 (label_key_of adds the spare letters after them). */
void pane_label_key(int i, char *out, size_t n)
{
	if (i >= 0 && i < 9)
		snprintf(out, n, "%d", i + 1);
	else
		snprintf(out, n, " ");
}

/* One "KEY name" item of the key list at x of row yy; the columns it took. */
static int pane_label_item(struct ui *ui, struct layout_rect r, int x, int yy, const char *key,
			   const char *name, uint8_t role)
{
	int used = 0;

	if (key[0] != '\0')
		used = grid_text(&ui->screen, r.x + x, yy, key, r.w - x, GRID_ROLE_LABEL_KEY,
				 GRID_ATTR_BOLD) + 1;
	return used + grid_text(&ui->screen, r.x + x + used, yy, name, r.w - x - used, role, 0) + 2;
}

/*
 * Rows the key list needs at width w (drawing it when draw is set): the
 * labels that have a key, then, when some have none (more labels than
 * keys), "' type a label (N more)": the picker labels with a few letters.
 */
static int pane_label_keys(struct ui *ui, struct layout_rect r, int y, long rec,
			   const char *current, int draw)
{
	int n, i, x = 0, rows = 1, unkeyed = 0;
	char *const *names = label_names(ui->app, &n);
	char more[64];

	for (i = 0; i <= n; i++) {
		char key[8];
		const char *name;
		int need, sel = 0;

		if (i < n) {
			label_key_of(ui->app, i, key, sizeof key);
			if (key[0] == ' ') {
				unkeyed++;
				continue;
			}
			name = names[i];
			sel = ui->app->ds.multilabel ? label_queue_toggled(ui, rec, i) :
			      current != NULL && strcmp(current, names[i]) == 0;
		} else {
			if (unkeyed == 0)
				break;
			snprintf(key, sizeof key, "'");
			snprintf(more, sizeof more, "type a label (%d without a key)", unkeyed);
			name = more;
		}
		need = grid_text_width(key) + 1 + grid_text_width(name) + 2;
		if (x > 0 && x + need > r.w) {
			x = 0;
			rows++;
		}
		if (draw && y + rows - 1 < r.y + r.h)
			x += pane_label_item(ui, r, x, y + rows - 1, key, name,
					     sel ? GRID_ROLE_SELECTION : GRID_ROLE_LABEL_NAME);
		else
			x += need;
	}
	return n > 0 ? rows : 0;
}

/* Do matches from..to (their names) fit in the rows under the picker's line? */
static bool pane_label_fits(char *const *names, const int *m, int from, int to,
			    struct layout_rect r)
{
	int x = 0, row = 0, i;

	for (i = from; i <= to; i++) {
		int need = grid_text_width(names[m[i]]) + 2;

		if (x > 0 && x + need > r.w) {
			x = 0;
			row++;
		}
		x += need;
	}
	return row + 1 < r.h;
}

/*
 * The picker in place of the key list: the letters typed, then the labels
 * they match (the chosen one highlighted), as many rows as r has.
 */
static void pane_label_picker(struct ui *ui, struct layout_rect r)
{
	int m[LABEL_PICK_SHOWN];
	int n = label_pick_matches(ui, m, LABEL_PICK_SHOWN), i, x, row = 0, sel, start;
	char *const *names = label_names(ui->app, &i);
	char line[128];

	snprintf(line, sizeof line, "type a label: %s", ui->pick.text);
	x = grid_text(&ui->screen, r.x, r.y, line, r.w, GRID_ROLE_LABEL_NAME, GRID_ATTR_BOLD);
	x += grid_text(&ui->screen, r.x + x, r.y, ui->ascii ? "_" : "\xe2\x96\x8f", r.w - x,
		       GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
	snprintf(line, sizeof line, "   %d match%s · Enter labels · Up/Down · Esc", n,
		 n == 1 ? "" : "es");
	grid_text(&ui->screen, r.x + x, r.y, line, r.w - x, GRID_ROLE_DIM, 0);
	sel = ui->pick.sel < n ? ui->pick.sel : 0;
	/* from the first match, or from the chosen one when it would not be shown */
	start = pane_label_fits(names, m, 0, sel, r) ? 0 : sel;
	x = 0;
	for (i = start; i < n; i++) {
		int need = grid_text_width(names[m[i]]) + 2;

		if (x > 0 && x + need > r.w) {
			x = 0;
			row++;
		}
		if (row + 1 >= r.h)
			break;
		x += pane_label_item(ui, r, x, r.y + 1 + row, "", names[m[i]],
				     i == sel ? GRID_ROLE_SELECTION : GRID_ROLE_LABEL_NAME);
	}
}

static void pane_label_suggestion(struct ui *ui, size_t i, int x, int y, int w)
{
	const char *pred;
	float conf;
	char line[160];

	if (ui_train_prediction(ui, i, &pred, &conf) == 0) {
		snprintf(line, sizeof line, "%s: %s %.2f (a: accept)",
			 ui->app->ensemble != NULL ? "ensemble" : "model", pred, (double)conf);
		grid_text(&ui->screen, x, y, line, w, GRID_ROLE_LABEL_SUGGEST, GRID_ATTR_BOLD);
	} else {
		grid_text(&ui->screen, x, y, "model: no suggestion yet", w, GRID_ROLE_LABEL_SUGGEST,
			  GRID_ATTR_DIM);
	}
}

/* The record's labels joined by commas (multi-label), or NULL. */
static const char *pane_label_current(const struct dataset *ds, const struct ds_record *rec,
				      struct tt_buf *out)
{
	if (rec->label >= ds->labels.n)
		return NULL;
	tt_buf_adds(out, ds->labels.names[rec->label]);
	for (uint16_t m = 0; m < rec->nmore; m++) {
		if (rec->more_labels[m] < ds->labels.n)
			tt_buf_printf(out, ",%s", ds->labels.names[rec->more_labels[m]]);
	}
	return out->data;
}

/* "t0001 · train · line 1 · unsure flagged · saved" */
static void pane_label_header(struct ui *ui, struct layout_rect in, long i)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *rec = &ds->recs[i];
	struct tt_buf id, line;
	int w;

	tt_buf_init(&id);
	tt_buf_init(&line);
	ds_record_id(ds, (size_t)i, &id);
	tt_buf_printf(&line, "%s · %s · line %u", id.data,
		      rec->split != DS_SPLIT_NONE ? ds_split_name(rec->split) : "no split", rec->line);
	if (rec->flags & DS_FLAG_UNSURE)
		tt_buf_adds(&line, " · unsure");
	if (rec->flags & DS_FLAG_FLAGGED)
		tt_buf_adds(&line, " · flagged");
	if (rec->flags & DS_FLAG_DELETED)
		tt_buf_adds(&line, " · discarded");
	w = grid_text(&ui->screen, in.x, in.y, line.data, in.w, GRID_ROLE_DIM, 0);
	if (label_queue_saved(ui, i) && w + 10 < in.w)
		grid_text(&ui->screen, in.x + w, in.y, ui->ascii ? " · saved" : " · saved ✓",
			  in.w - w, GRID_ROLE_LABEL_SUGGEST, GRID_ATTR_BOLD);
	tt_buf_fini(&id);
	tt_buf_fini(&line);
}

/* "KEY what" at x on row y; returns the x after it and a gap. */
static int pane_label_act(struct ui *ui, struct layout_rect in, int x, int y, const char *key,
			  const char *what)
{
	x += grid_text(&ui->screen, in.x + x, y, key, in.w - x, GRID_ROLE_LABEL_KEY,
		       GRID_ATTR_BOLD) + 1;
	return x + grid_text(&ui->screen, in.x + x, y, what, in.w - x, GRID_ROLE_DIM, 0) + 2;
}

/*
 * The pane's action keys (keys.c, context "label"): as many as fit, and
 * always "? help", which lists the rest and the label guidelines.
 */
static void pane_label_actions(struct ui *ui, struct layout_rect in, int y)
{
	static const char *const acts[][2] = {
		{ "Enter", "save" }, { "n/p", "move" }, { "a", "accept" }, { "u", "unsure" },
		{ "f", "flag" }, { "d", "discard" }, { "m", "note" }, { "U", "undo" },
		{ "R", "redo" }, { "o", "order" }, { "A", "add label" },
	};
	size_t i = ui->app->ds.multilabel ? 0 : 1;
	int x = 0, help = grid_text_width("? help");

	for (; i < sizeof acts / sizeof acts[0]; i++) {
		int need = grid_text_width(acts[i][0]) + 1 + grid_text_width(acts[i][1]);

		if (x + need + 2 + help > in.w)
			break;
		x = pane_label_act(ui, in, x, y, acts[i][0], acts[i][1]);
	}
	if (x + help <= in.w)
		pane_label_act(ui, in, x, y, "?", "help");
}

/* "label: billing   model: billing 0.93 (a: accept)" on row y. */
static void pane_label_line(struct ui *ui, struct layout_rect in, int y, long i,
			    const char *label)
{
	char line[512];
	int w;

	snprintf(line, sizeof line, "label: %s", label != NULL ? label : "(none)");
	w = grid_text(&ui->screen, in.x, y, line, in.w, GRID_ROLE_LABEL_NAME, GRID_ATTR_BOLD);
	if (w + 3 < in.w)
		pane_label_suggestion(ui, (size_t)i, in.x + w + 3, y, in.w - w - 3);
}

/* "note: call back tomorrow" on row y (control characters shown as spaces). */
static void pane_label_note(struct ui *ui, struct layout_rect in, int y, const char *note)
{
	char text[512];
	int w;

	pane_preview(note, strlen(note), text, sizeof text);
	w = grid_text(&ui->screen, in.x, y, "note: ", in.w, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x + w, y, text, in.w - w, GRID_ROLE_DIM, 0);
}

/*
 * "answers: ana billing · bob refund" (who gave which label, when two or
 * more annotators answered; "adjudicated" once settled) into out; false
 * when there is nothing to show.
 */
static bool pane_label_answers(struct ui *ui, long i, struct tt_buf *out)
{
	const struct agree_table *t;

	if (!cmd_agree_possible(ui->app))
		return false;	/* one annotator: no table to build on each edit */
	t = cmd_agree_table(ui->app);
	if (t == NULL || (size_t)i >= t->nunits || agree_answers(t, (size_t)i) < 2)
		return false;
	tt_buf_adds(out, agree_disagrees(t, (size_t)i) ? "answers (disagree): " : "answers: ");
	agree_answers_line(t, (size_t)i, out);
	if (agree_settled(t, (size_t)i))
		tt_buf_adds(out, " · adjudicated");
	return true;
}

static void pane_label_answers_draw(struct ui *ui, struct layout_rect in, int y, const char *line)
{
	char text[512];

	pane_preview(line, strlen(line), text, sizeof text);
	grid_text(&ui->screen, in.x, y, text, in.w, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
}

/* Text rows the pane keeps before it gives up the blank row and the action row. */
#define PANE_LABEL_TEXT_MIN 2

/*
 * From the top: header, a blank row, the text; from the bottom: the action
 * keys, the label keys, the label line. When rows are short the blank row
 * goes first, then the action row (? still lists them), then label key
 * rows; one text row always stays.
 */
static void pane_label_record(struct ui *ui, struct layout_rect in, long i)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *rec = &ds->recs[i];
	struct tt_buf labels, answers;
	const char *label;
	struct layout_rect text = in, keys = in;
	int krows, spare, actions, blank, note, ans;
	char where[64];

	tt_buf_init(&labels);
	label = pane_label_current(ds, rec, &labels);
	pane_label_header(ui, in, i);
	if (in.h < 3) {		/* a sliver: the header and the label */
		if (in.h == 2)
			pane_label_line(ui, in, in.y + 1, i, label);
		tt_buf_fini(&labels);
		return;
	}
	krows = pane_label_keys(ui, in, 0, i, label, 0);
	if (ui->pick.on && krows < 3)
		krows = 3;	/* the picker: its line and two rows of matches */
	spare = in.h - 2 - krows - PANE_LABEL_TEXT_MIN;
	actions = spare >= 1;
	/* the blank row under the header goes when the text needs it */
	blank = spare >= 2 && pane_record_rows(ui, i, in.w) <= in.h - 2 - krows - actions - 1 -
							  (rec->note != NULL);
	text.y = in.y + 1 + blank;
	text.h = in.h - 2 - krows - actions - blank;
	if (text.h < 1) {
		krows += text.h - 1;
		text.h = 1;
	}
	note = rec->note != NULL && text.h >= 2;	/* the note's text, under the record's */
	if (note) {
		text.h--;
		pane_label_note(ui, in, text.y + text.h, rec->note);
	}
	tt_buf_init(&answers);
	ans = text.h >= 2 && pane_label_answers(ui, i, &answers);	/* then the answers */
	if (ans) {
		text.h--;
		pane_label_answers_draw(ui, in, text.y + text.h, answers.data);	/* above the note */
	}
	tt_buf_fini(&answers);
	note += ans;
	pane_record_text(ui, text, i, GRID_ATTR_BOLD, where, sizeof where);
	pane_text_where_draw(ui, in, in.y, where);
	pane_label_line(ui, in, text.y + text.h + note, i, label);
	keys.y = text.y + text.h + note + 1;
	keys.h = krows;
	if (ui->pick.on && krows > 0)
		pane_label_picker(ui, keys);
	else if (krows > 0)
		pane_label_keys(ui, keys, keys.y, i, label, 1);
	if (actions)
		pane_label_actions(ui, in, in.y + in.h - 1);
	tt_buf_fini(&labels);
}

void pane_label_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	long i = ui->app->ds.n > 0 ? label_queue_current(ui) : -1;
	char title[160], where[128];

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	if (i >= 0) {
		label_queue_describe(ui, where, sizeof where);
		snprintf(title, sizeof title, "label · %s", where);
	} else {
		snprintf(title, sizeof title, "label");
	}
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0)
		return;
	if (i < 0) {
		grid_text(&ui->screen, in.x, in.y, "no record to show", in.w, GRID_ROLE_DIM, 0);
		return;
	}
	pane_label_record(ui, in, i);
}
