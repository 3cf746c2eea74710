/*
 * pane-label.c - the label pane: one record at a time (the data pane's
 * cursor), its text large, its label, and the label keys of the session's
 * schema. Choosing a label with a key is the annotation flow of a later
 * change; the model's suggestion waits for a per-record prediction API.
 */
#include "tunetop/pane.h"

#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/session.h"

/* Keys by position, for labels the session gives no key: 1..9, then a..z. */
void pane_label_key(int i, char *out, size_t n)
{
	if (i < 9)
		snprintf(out, n, "%d", i + 1);
	else if (i < 9 + 26)
		snprintf(out, n, "%c", 'a' + i - 9);
	else
		snprintf(out, n, " ");
}

/* The key of label i: the session's ("key:" in its label list), else 1..9, a..z. */
static void pane_label_key_of(struct ui *ui, int i, char *out, size_t n)
{
	const struct session *s = ui->app->session;

	if (s != NULL && ui->app->nschema > 0 && i < s->nlabels && s->labels[i].key != NULL)
		snprintf(out, n, "%s", s->labels[i].key);
	else
		pane_label_key(i, out, n);
}

/* The label names to offer: the session's schema, else the data's labels. */
static char *const *pane_label_names(struct ui *ui, int *n)
{
	struct app *app = ui->app;

	if (app->nschema > 0) {
		*n = app->nschema;
		return app->schema;
	}
	*n = (int)app->ds.labels.n;
	return app->ds.labels.names;
}

/* Rows the key list needs at width w (drawing it when draw is set). */
static int pane_label_keys(struct ui *ui, struct layout_rect r, int y, const char *current,
			   int draw)
{
	int n, i, x = 0, rows = 1;
	char *const *names = pane_label_names(ui, &n);

	for (i = 0; i < n; i++) {
		char key[8];
		int need, sel = current != NULL && strcmp(current, names[i]) == 0;

		pane_label_key_of(ui, i, key, sizeof key);
		need = grid_text_width(key) + 1 + grid_text_width(names[i]) + 2;
		if (x > 0 && x + need > r.w) {
			x = 0;
			rows++;
		}
		if (draw && y + rows - 1 < r.y + r.h) {
			int yy = y + rows - 1;

			x += grid_text(&ui->screen, r.x + x, yy, key, r.w - x, GRID_ROLE_LABEL_KEY,
				       GRID_ATTR_BOLD) + 1;
			x += grid_text(&ui->screen, r.x + x, yy, names[i], r.w - x,
				       sel ? GRID_ROLE_SELECTION : GRID_ROLE_LABEL_NAME, 0) + 2;
		} else {
			x += need;
		}
	}
	return n > 0 ? rows : 0;
}

static void pane_label_suggestion(struct ui *ui, size_t i, int x, int y, int w)
{
	const char *pred;
	float conf;
	char line[160];

	if (ui_train_prediction(ui, i, &pred, &conf) == 0) {
		snprintf(line, sizeof line, "model: %s %.2f", pred, (double)conf);
		grid_text(&ui->screen, x, y, line, w, GRID_ROLE_LABEL_SUGGEST, GRID_ATTR_BOLD);
	} else {
		grid_text(&ui->screen, x, y, "model: no suggestion yet", w, GRID_ROLE_LABEL_SUGGEST,
			  GRID_ATTR_DIM);
	}
}

static void pane_label_record(struct ui *ui, struct layout_rect in, long i)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *rec = &ds->recs[i];
	const char *label = rec->label < ds->labels.n ? ds->labels.names[rec->label] : NULL;
	struct layout_rect text = in;
	struct tt_buf id, body;
	char line[512];
	int krows = pane_label_keys(ui, in, 0, label, 0);

	tt_buf_init(&id);
	tt_buf_init(&body);
	ds_record_id(ds, (size_t)i, &id);
	snprintf(line, sizeof line, "%s · %s · line %u", id.data,
		 rec->split != DS_SPLIT_NONE ? ds_split_name(rec->split) : "no split", rec->line);
	grid_text(&ui->screen, in.x, in.y, line, in.w, GRID_ROLE_DIM, 0);
	for (size_t k = 0; k < rec->text_len; k++)
		tt_buf_addc(&body, rec->text[k] == '\t' || rec->text[k] == '\r' ? ' ' : rec->text[k]);
	text.y += 2;
	text.h -= 2 + 2 + krows;
	if (text.h > 0)
		pane_wrap(&ui->screen, text, 0, body.data, body.len, GRID_ROLE_DEFAULT, GRID_ATTR_BOLD);
	snprintf(line, sizeof line, "label: %s", label != NULL ? label : "(none)");
	grid_text(&ui->screen, in.x, in.y + in.h - krows - 1, line, in.w, GRID_ROLE_LABEL_NAME,
		  GRID_ATTR_BOLD);
	pane_label_suggestion(ui, (size_t)i, in.x + grid_text_width(line) + 3,
			      in.y + in.h - krows - 1, in.w - grid_text_width(line) - 3);
	pane_label_keys(ui, in, in.y + in.h - krows, label, 1);
	tt_buf_fini(&id);
	tt_buf_fini(&body);
}

void pane_label_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	long i = pane_data_current(ui);
	char title[160];

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	if (i >= 0)
		snprintf(title, sizeof title, "label · record %zu of %zu · j/k: next/previous",
			 ui->data.cursor + 1, ui->data.n);
	else
		snprintf(title, sizeof title, "label");
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0)
		return;
	if (i < 0) {
		grid_text(&ui->screen, in.x, in.y, "no record to show", in.w, GRID_ROLE_DIM, 0);
		return;
	}
	pane_label_record(ui, in, i);
}
