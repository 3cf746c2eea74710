/*
 * pane-data.c - the data pane: a virtual list over the dataset's records
 * (only the rows on screen are drawn, so a million records cost nothing),
 * a filter, and the detail of the record under the cursor.
 *
 * Columns: id, label, split, flags (F flagged, ? unsure, * edited), and
 * once the trainer has evaluated, the model's prediction and its
 * confidence; then the text. A confusion cell lists the valid records of
 * its true class predicted as its column, most confident first.
 */
#include "tunetop/pane.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"

static const char *const pane_move_names[] = {
	"up", "down", "left", "right", "pgup", "pgdn", "top", "bottom", NULL
};

int pane_move_lookup(const char *name)
{
	int i;

	for (i = 0; pane_move_names[i] != NULL; i++) {
		if (strcmp(pane_move_names[i], name) == 0)
			return i;
	}
	return -1;
}

void pane_data_fini(struct ui_data_view *v)
{
	free(v->idx);
	v->idx = NULL;
	v->n = 0;
}

/* Case-insensitive (ASCII) search for needle in s[0..len). */
static int pane_contains(const char *s, size_t len, const char *needle)
{
	size_t m = strlen(needle), i, j;

	if (m == 0)
		return 1;
	for (i = 0; i + m <= len; i++) {
		for (j = 0; j < m; j++) {
			if (tolower((unsigned char)s[i + j]) != tolower((unsigned char)needle[j]))
				break;
		}
		if (j == m)
			return 1;
	}
	return 0;
}

static int pane_has_label(const struct ds_record *r, uint32_t label)
{
	uint32_t i, n = ds_record_nlabels(r);

	for (i = 0; i < n; i++) {
		if (ds_record_label_at(r, i) == label)
			return 1;
	}
	return 0;
}

bool pane_data_filter_match(const struct ui *ui, size_t i)
{
	const struct ui_data_view *v = &ui->data;
	const struct ds_record *r = &ui->app->ds.recs[i];
	uint32_t pred;
	float conf;

	if (r->flags & DS_FLAG_DELETED)
		return 0;
	switch (v->filter) {
	case UI_FILTER_LABEL:
		return pane_has_label(r, v->label);
	case UI_FILTER_SPLIT:
		return r->split == v->split;
	case UI_FILTER_CELL:
		if (r->label != v->label || r->split != DS_SPLIT_VALID)
			return 0;
		return ui_train_prediction_id(ui, i, &pred, &conf) != 0 || pred == v->pred;
	case UI_FILTER_TEXT:
		return pane_contains(r->text, r->text_len, v->text);
	case UI_FILTER_UNLABELED:
		return r->label == DS_NO_LABEL;
	case UI_FILTER_FLAGGED:
		return (r->flags & (DS_FLAG_FLAGGED | DS_FLAG_UNSURE)) != 0;
	default:
		return 1;
	}
}

struct pane_ranked {
	float conf;
	uint32_t i;
};

static int pane_by_conf(const void *a, const void *b)
{
	const struct pane_ranked *x = a, *y = b;

	if (x->conf != y->conf)
		return x->conf > y->conf ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A confusion cell's records, most confident prediction first. */
static void pane_data_sort_by_conf(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	struct pane_ranked *r = tt_xmalloc((v->n + 1) * sizeof *r);
	uint32_t pred;
	size_t k;

	for (k = 0; k < v->n; k++) {
		r[k].i = v->idx[k];
		if (ui_train_prediction_id(ui, v->idx[k], &pred, &r[k].conf) != 0)
			r[k].conf = -1;
	}
	qsort(r, v->n, sizeof *r, pane_by_conf);
	for (k = 0; k < v->n; k++)
		v->idx[k] = r[k].i;
	free(r);
}

void pane_data_refresh(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	const struct dataset *ds = &ui->app->ds;
	long keep = v->cursor < v->n ? (long)v->idx[v->cursor] : -1;
	size_t i, n = 0;

	if (!v->stale && v->ds_n == ds->n && v->ds_recs == (void *)ds->recs)
		return;
	v->idx = tt_xrealloc(v->idx, (ds->n + 1) * sizeof *v->idx);
	for (i = 0; i < ds->n; i++) {
		if (pane_data_filter_match(ui, i))
			v->idx[n++] = (uint32_t)i;
	}
	v->n = n;
	if (v->filter == UI_FILTER_CELL)
		pane_data_sort_by_conf(ui);
	v->cursor = 0;
	for (i = 0; keep >= 0 && i < n; i++) {
		if (v->idx[i] == (uint32_t)keep) {
			v->cursor = i;
			break;
		}
	}
	v->stale = false;
	v->ds_n = ds->n;
	v->ds_recs = ds->recs;
}

long pane_data_current(struct ui *ui)
{
	pane_data_refresh(ui);
	return ui->data.cursor < ui->data.n ? (long)ui->data.idx[ui->data.cursor] : -1;
}

/* Rows of the list on screen (for paging), from the last layout. */
static size_t pane_data_page(const struct ui *ui)
{
	struct layout_rect in = layout_inner(&ui->layout, PANE_DATA), list, detail;

	if (in.h == 0)
		in = layout_inner(&ui->layout, PANE_LABEL);
	layout_data_split(in, &list, &detail);
	return list.h > 2 ? (size_t)list.h - 2 : 1;
}

void pane_data_move(struct ui *ui, enum pane_move m)
{
	struct ui_data_view *v = &ui->data;
	size_t page = pane_data_page(ui);

	pane_data_refresh(ui);
	if (v->n == 0)
		return;
	switch (m) {
	case PANE_MOVE_UP:
		v->cursor -= v->cursor > 0;
		break;
	case PANE_MOVE_DOWN:
		v->cursor += v->cursor + 1 < v->n;
		break;
	case PANE_MOVE_PGUP:
		v->cursor = v->cursor > page ? v->cursor - page : 0;
		break;
	case PANE_MOVE_PGDN:
		v->cursor = v->cursor + page < v->n ? v->cursor + page : v->n - 1;
		break;
	case PANE_MOVE_TOP:
		v->cursor = 0;
		break;
	case PANE_MOVE_BOTTOM:
		v->cursor = v->n - 1;
		break;
	default:
		return;
	}
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
}

void pane_data_set_filter(struct ui *ui, enum ui_filter f)
{
	struct ui_data_view *v = &ui->data;
	const struct dataset *ds = &ui->app->ds;
	const char *lname = v->label < ds->labels.n ? ds->labels.names[v->label] : "?";

	v->filter = f;
	v->stale = true;
	v->cursor = 0;
	v->top = 0;
	v->detail = false;
	if (f == UI_FILTER_LABEL)
		snprintf(v->title, sizeof v->title, "label %s", lname);
	else if (f == UI_FILTER_SPLIT)
		snprintf(v->title, sizeof v->title, "split %s", ds_split_name(v->split));
	else if (f == UI_FILTER_TEXT)
		snprintf(v->title, sizeof v->title, "text \"%s\"", v->text);
	else if (f == UI_FILTER_UNLABELED)
		snprintf(v->title, sizeof v->title, "unlabeled");
	else if (f == UI_FILTER_FLAGGED)
		snprintf(v->title, sizeof v->title, "flagged or unsure");
	else if (f != UI_FILTER_CELL)
		v->title[0] = '\0';
	pane_data_refresh(ui);
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
}

/* Column widths: id and label from the data, capped. */
static void pane_data_widths(struct ui *ui, int *idw, int *lw)
{
	const struct dataset *ds = &ui->app->ds;
	uint32_t i;
	int w;

	*idw = 4;
	*lw = 5;
	for (i = 0; i < ds->labels.n; i++) {
		w = grid_text_width(ds->labels.names[i]);
		if (w > *lw)
			*lw = w;
	}
	if (ds->n > 0) {
		struct tt_buf b;

		tt_buf_init(&b);
		ds_record_id(ds, ds->n - 1, &b);
		w = grid_text_width(b.data);
		*idw = w > *idw ? w : *idw;
		tt_buf_fini(&b);
	}
	*idw = *idw > 12 ? 12 : *idw;
	*lw = *lw > 16 ? 16 : *lw;
}

static void pane_flags(const struct ds_record *r, char *out)
{
	out[0] = r->flags & DS_FLAG_FLAGGED ? 'F' : ' ';
	out[1] = r->flags & DS_FLAG_UNSURE ? '?' : ' ';
	out[2] = r->flags & DS_FLAG_DIRTY ? '*' : ' ';
	out[3] = '\0';
}

/* "pred conf " when the model has predicted, else "". */
static void pane_pred_cols(struct ui *ui, size_t i, int lw, char *out, size_t n)
{
	const char *pred;
	float conf;

	out[0] = '\0';
	if (ui->train.npred_of == 0)
		return;
	if (ui_train_prediction(ui, i, &pred, &conf) == 0)
		snprintf(out, n, "%-*.*s %4.2f ", lw, lw, pred, (double)conf);
	else
		snprintf(out, n, "%-*s %4s ", lw, "-", "-");
}

void pane_data_row(struct ui *ui, size_t i, char *out, size_t n)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *r = &ds->recs[i];
	struct tt_buf id;
	char flags[4], text[512], pred[64];
	int idw, lw;

	pane_data_widths(ui, &idw, &lw);
	tt_buf_init(&id);
	ds_record_id(ds, i, &id);
	pane_flags(r, flags);
	pane_pred_cols(ui, i, lw, pred, sizeof pred);
	pane_preview(r->text, r->text_len, text, sizeof text);
	snprintf(out, n, "%-*.*s %-*.*s %-5s %s %s%s", idw, idw, id.data, lw, lw,
		 r->label < ds->labels.n ? ds->labels.names[r->label] : "-",
		 r->split != DS_SPLIT_NONE ? ds_split_name(r->split) : "-", flags, pred, text);
	tt_buf_fini(&id);
}

/* One list row at screen row y; the cursor row is highlighted. */
static void pane_data_draw_row(struct ui *ui, struct layout_rect list, int y, size_t row,
			       bool focused)
{
	char line[1024];
	bool cur = row == ui->data.cursor;
	uint8_t role = cur ? GRID_ROLE_SELECTION : GRID_ROLE_DEFAULT;
	uint8_t attr = cur && !focused ? GRID_ATTR_DIM : 0;

	pane_data_row(ui, ui->data.idx[row], line, sizeof line);
	if (cur)
		grid_fill(&ui->screen, list.x, y, list.w, 1, ' ', role, attr);
	grid_text(&ui->screen, list.x, y, line, list.w, role, attr);
}

static void pane_data_draw_list(struct ui *ui, struct layout_rect list, bool focused)
{
	struct ui_data_view *v = &ui->data;
	char head[256];
	int idw, lw, rows = list.h - 1, y;
	size_t row;

	pane_data_widths(ui, &idw, &lw);
	if (ui->train.npred_of > 0)
		snprintf(head, sizeof head, "%-*s %-*s %-5s %-3s %-*s %4s %s", idw, "id", lw, "label",
			 "split", "flg", lw, "predicted", "conf", "text");
	else
		snprintf(head, sizeof head, "%-*s %-*s %-5s %-3s %s", idw, "id", lw, "label", "split",
			 "flg", "text");
	grid_text(&ui->screen, list.x, list.y, head, list.w, GRID_ROLE_TITLE, GRID_ATTR_BOLD);
	if (v->n == 0) {
		grid_text(&ui->screen, list.x, list.y + 1, ui->app->has_data ?
			  "no records match (Esc clears the filter)" : "no data (load PATH)",
			  list.w, GRID_ROLE_DIM, 0);
		return;
	}
	if (rows < 1)
		return;
	if (v->cursor < v->top)
		v->top = v->cursor;
	if (v->cursor >= v->top + (size_t)rows)
		v->top = v->cursor - (size_t)rows + 1;
	for (y = 0, row = v->top; y < rows && row < v->n; y++, row++)
		pane_data_draw_row(ui, list, list.y + 1 + y, row, focused);
}

/* The record under the cursor, fields then its text, wrapped. */
static void pane_data_draw_detail(struct ui *ui, struct layout_rect r)
{
	const struct dataset *ds = &ui->app->ds;
	long i = pane_data_current(ui);
	const struct ds_record *rec;
	struct tt_buf id, text;
	char line[512];
	int row;

	if (i < 0 || r.h == 0 || r.w == 0)
		return;
	rec = &ds->recs[i];
	tt_buf_init(&id);
	tt_buf_init(&text);
	ds_record_id(ds, (size_t)i, &id);
	snprintf(line, sizeof line, "%s · line %u · %s · %s", id.data, rec->line,
		 rec->split != DS_SPLIT_NONE ? ds_split_name(rec->split) : "no split",
		 rec->label < ds->labels.n ? ds->labels.names[rec->label] : "unlabeled");
	grid_text(&ui->screen, r.x, r.y, line, r.w, GRID_ROLE_LABEL_NAME, GRID_ATTR_BOLD);
	for (size_t k = 0; k < rec->text_len; k++)
		tt_buf_addc(&text, rec->text[k] == '\t' || rec->text[k] == '\r' ? ' ' : rec->text[k]);
	row = 1 + pane_wrap(&ui->screen, r, 1, text.data, text.len, GRID_ROLE_DEFAULT, 0);
	if (rec->note != NULL && row < r.h)
		pane_wrap(&ui->screen, r, row, rec->note, strlen(rec->note), GRID_ROLE_DIM, 0);
	tt_buf_fini(&id);
	tt_buf_fini(&text);
}

static void pane_data_title(struct ui *ui, char *out, size_t n)
{
	const struct ui_data_view *v = &ui->data;

	if (v->detail && v->n > 0)
		snprintf(out, n, "data · record %zu of %zu · Enter: list", v->cursor + 1, v->n);
	else if (v->title[0] != '\0')
		snprintf(out, n, "data · %s · %zu of %zu records", v->title, v->n, ui->app->ds.n);
	else
		snprintf(out, n, "data · %zu records%s", v->n, v->n > 0 ? " · Enter: detail" : "");
}

void pane_data_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in, list, detail;
	char title[256];

	pane_data_refresh(ui);
	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	pane_data_title(ui, title, sizeof title);
	layout_draw_frame(&ui->screen, r, title, focused);
	in.x = r.x + 1;
	in.y = r.y + 1;
	in.w = r.w - 2;
	in.h = r.h - 2;
	if (ui->data.detail) {
		pane_data_draw_detail(ui, in);
		return;
	}
	layout_data_split(in, &list, &detail);
	pane_data_draw_list(ui, list, focused);
	if (detail.h > 0) {
		if (detail.x == in.x)	/* below the list: a rule between */
			grid_hline(&ui->screen, detail.x, detail.y, detail.w, GRID_ROLE_BORDER, 0);
		else
			grid_vline(&ui->screen, detail.x - 1, detail.y, detail.h, GRID_ROLE_BORDER, 0);
		if (detail.x == in.x) {
			detail.y++;
			detail.h--;
		}
		pane_data_draw_detail(ui, detail);
	}
}
