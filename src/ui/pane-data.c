/*
 * pane-data.c - the data pane: a virtual list over the dataset's records
 * (only the rows on screen are drawn, so a million records cost nothing),
 * the workbench's filter, a sort on any column, and the detail of the
 * record under the cursor.
 *
 * Columns: id, label, split, flags (F flagged, ? unsure, * edited, D
 * deleted), and once the trainer has evaluated, the model's prediction and
 * its confidence; then the text. A confusion cell is a filter (true label,
 * valid split, predicted label) sorted by confidence, highest first.
 *
 * The list (idx) is rebuilt only when the filter, the sort, the dataset's
 * shape or, for terms and sorts on predictions, the predictions change:
 * a cursor move or a search step touches no other record.
 */
#include "tunetop/pane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/journal.h"

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
	edit_filter_fini(&v->filter);
	memset(&v->filter, 0, sizeof v->filter);
	if (v->has_search)
		regfree(&v->search_re);
	v->has_search = false;
}

bool pane_data_filter_match(const struct ui *ui, size_t i)
{
	return edit_filter_match(&ui->data.filter, &ui->app->ds, i);
}

static const char *const pane_sort_names[UI_SORT_COUNT] = {
	"file", "id", "label", "split", "flags", "pred", "conf", "text", "length"
};

const char *pane_data_sort_name(enum ui_sort s)
{
	return (unsigned)s < UI_SORT_COUNT ? pane_sort_names[s] : "?";
}

int pane_data_sort_lookup(const char *name)
{
	int i;

	for (i = 0; i < UI_SORT_COUNT; i++) {
		if (strcmp(pane_sort_names[i], name) == 0)
			return i;
	}
	return -1;
}

static bool pane_data_uses_preds(const struct ui_data_view *v)
{
	return edit_filter_uses_preds(&v->filter) || v->sort == UI_SORT_PRED ||
	       v->sort == UI_SORT_CONF;
}

int pane_data_goto(struct ui *ui, size_t rec)
{
	struct ui_data_view *v = &ui->data;
	long at;

	pane_data_refresh(ui);
	at = rec <= UINT32_MAX ? tt_u32_find(v->idx, v->n, (uint32_t)rec) : -1;
	if (at < 0)
		return -1;
	v->cursor = (size_t)at;
	v->placed = true;
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
	return 0;
}

/*
 * Parse filter terms into *out (no terms for ""), against the journal's
 * index for id= terms, else one built for the purpose. -1 + err if bad.
 */
static int pane_data_parse(struct ui *ui, const char *text, struct edit_filter *out,
			   struct tt_err *err)
{
	struct edit_index tmp;
	const struct edit_index *x = &tmp;
	int rc;

	memset(out, 0, sizeof *out);
	if (text[0] == '\0')
		return 0;
	if (ui->app->journal != NULL)
		x = journal_index(ui->app->journal);
	else
		edit_index_build(&tmp, &ui->app->ds);
	rc = edit_filter_parse(out, &ui->app->ds, x, text, err);
	if (x == &tmp)
		edit_index_fini(&tmp);
	out->preds = &ui->app->preds;
	out->edits = &ui->app->edits;
	out->findings = &ui->app->findings;
	return rc;
}

/* The cursor back on record keep (or the top when it is not listed). */
static void pane_data_keep(struct ui_data_view *v, long keep)
{
	long at = keep >= 0 ? tt_u32_find(v->idx, v->n, (uint32_t)keep) : -1;

	v->cursor = at >= 0 ? (size_t)at : 0;
}

/* Only the sort changed: the same records in another order. */
static void pane_data_resort(struct ui *ui, long keep)
{
	pane_sort_list(ui);
	pane_data_keep(&ui->data, keep);
	ui->data.resort = false;
	ui->data.list_gen++;
}

/*
 * Another dataset was loaded: the filter's label ids belong to the old
 * one, so parse its text again (or drop it, saying why).
 */
static void pane_data_reparse(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	struct tt_err err;

	edit_filter_fini(&v->filter);
	tt_err_clear(&err);
	if (pane_data_parse(ui, v->filter_text, &v->filter, &err) != 0) {
		ui_message(ui, true, "filter dropped: %s", err.msg);
		memset(&v->filter, 0, sizeof v->filter);
		v->filter_text[0] = '\0';
	}
	v->filter_gen++;
}

/*
 * A filter on the checks in file order: members of one duplicate or
 * near-duplicate group together, groups most urgent first (findings.h),
 * the records in no group (outliers) after them in file order.
 */
struct pane_group_key {
	uint32_t group;
	uint32_t index;
};

static int pane_group_cmp(const void *pa, const void *pb)
{
	const struct pane_group_key *a = pa, *b = pb;

	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

static void pane_data_group_order(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	const struct findings *f = ui->app->checks_cache.f;
	const struct findings_groups *gs;
	struct pane_group_key *k;
	size_t i;

	if (f == NULL || f->n != ui->app->ds.n || v->n < 2)
		return;
	gs = f->has_near ? &f->nears : &f->dups;
	k = tt_xmalloc(v->n * sizeof *k);
	for (i = 0; i < v->n; i++) {
		k[i].index = v->idx[i];
		k[i].group = gs->of[v->idx[i]];
	}
	qsort(k, v->n, sizeof *k, pane_group_cmp);
	for (i = 0; i < v->n; i++)
		v->idx[i] = k[i].index;
	free(k);
}

void pane_data_refresh(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	const struct dataset *ds = &ui->app->ds;
	long keep = v->cursor < v->n ? (long)v->idx[v->cursor] : -1;
	size_t i, n = 0;

	if (v->ds_recs != NULL && v->ds_recs != (void *)ds->recs) {
		pane_data_reparse(ui);
		keep = -1;
		v->placed = false;	/* another dataset: labeling starts at its queue's head */
	}
	if (v->pred_step != ui->train.preds.step && pane_data_uses_preds(v)) {
		v->stale = true;
		/* New predictions change what pred= and conf= select: the queue follows. */
		if (edit_filter_uses_preds(&v->filter))
			v->filter_gen++;
	}
	if (v->lerr_seq != ui->app->label_errors_seq && (edit_filter_findings(&v->filter) & FINDINGS_LIKELY_ERROR)) {
		v->stale = true;	/* a new label-error ranking: likely-error selects anew */
		v->filter_gen++;
	}
	if (!v->stale && v->ds_n == ds->n && v->ds_recs == (void *)ds->recs) {
		if (v->resort)
			pane_data_resort(ui, keep);
		return;
	}
	v->filter.preds = &ui->app->preds;
	v->filter.edits = &ui->app->edits;
	v->filter.findings = &ui->app->findings;
	v->idx = tt_xrealloc(v->idx, (ds->n + 1) * sizeof *v->idx);
	for (i = 0; i < ds->n; i++) {
		if (pane_data_filter_match(ui, i))
			v->idx[n++] = (uint32_t)i;
	}
	v->n = n;
	if (v->sort != UI_SORT_FILE || v->sort_desc)
		pane_sort_list(ui);	/* idx is in file order already */
	else if (edit_filter_findings(&v->filter) & ~(unsigned)FINDINGS_LIKELY_ERROR)
		pane_data_group_order(ui);
	pane_data_keep(v, keep);
	v->stale = false;
	v->resort = false;
	v->list_gen++;
	if (v->ds_recs != (void *)ds->recs)
		pane_sort_prefetch(ui);		/* a new dataset: rank ids and texts now */
	v->ds_n = ds->n;
	v->ds_recs = ds->recs;
	v->pred_step = ui->train.preds.step;
	v->lerr_seq = ui->app->label_errors_seq;
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
	v->placed = true;
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
}

/* The list must be rebuilt: the cursor stays on its record if it is still listed. */
static void pane_data_changed(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;

	v->stale = true;
	v->detail = false;
	v->placed = true;
	pane_data_refresh(ui);
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL | 1u << PANE_STATUS);
}

int pane_data_set_filter(struct ui *ui, const char *text, struct tt_err *err)
{
	struct ui_data_view *v = &ui->data;
	struct edit_filter f;

	if (pane_data_parse(ui, text, &f, err) != 0)
		return -1;
	edit_filter_fini(&v->filter);
	v->filter = f;
	snprintf(v->filter_text, sizeof v->filter_text, "%s", text);
	v->title[0] = '\0';
	v->filter_gen++;
	pane_data_changed(ui);
	return 0;
}

int pane_data_open_cell(struct ui *ui, const char *split, const char *tname, const char *pname,
			struct tt_err *err)
{
	struct ui_data_view *v = &ui->data;
	char *text = tt_xprintf("label=%s split=%s pred=%s", tname, split, pname);
	int rc = pane_data_set_filter(ui, text, err);

	free(text);
	if (rc != 0)
		return -1;
	snprintf(v->title, sizeof v->title, "true %s, predicted %s (%s)", tname, pname, split);
	pane_data_set_sort(ui, UI_SORT_CONF, true);
	return 0;
}

void pane_data_set_sort(struct ui *ui, enum ui_sort s, bool desc)
{
	ui->data.sort = s;
	ui->data.sort_desc = desc;
	ui->data.resort = true;
	ui->data.detail = false;
	ui->data.placed = true;
	pane_data_refresh(ui);
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL | 1u << PANE_STATUS);
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
	/* Room for the header and its sort arrow ("id↑", "label↓"). */
	*idw = *idw < 3 ? 3 : *idw;
	*lw = *lw < 6 ? 6 : *lw;
}

enum {
	PANE_PRED_MIN = 10,	/* "predicted" and its sort arrow */
	PANE_CONF_W = 6		/* "0.9987", "1-3e-5" */
};

/* The predicted column: as wide as the labels, and as its header. */
static int pane_pred_width(int lw)
{
	return lw < PANE_PRED_MIN ? PANE_PRED_MIN : lw;
}

/*
 * A confidence that keeps its order on screen: two decimals below 0.99,
 * four up to 0.9999, then the distance to 1 ("1-3e-5"), so a column of
 * confident predictions does not read 1.00 from top to bottom.
 */
static void pane_conf_text(double conf, char *out, size_t n)
{
	double gap = 1.0 - conf;
	int e;

	if (!(conf < 0.99))
		snprintf(out, n, conf < 0.9999 ? "%.4f" : "1.0000", conf);
	else
		snprintf(out, n, "%.2f", conf);
	if (conf >= 0.9999 && gap > 0) {
		e = (int)floor(log10(gap));
		snprintf(out, n, "1-%.0fe%d", floor(gap / pow(10, e)), e);
	}
}

static void pane_flags(const struct ds_record *r, char *out)
{
	out[0] = r->flags & DS_FLAG_FLAGGED ? 'F' : ' ';
	out[1] = r->flags & DS_FLAG_UNSURE ? '?' : ' ';
	out[2] = r->flags & DS_FLAG_DELETED ? 'D' : r->flags & DS_FLAG_DIRTY ? '*' : ' ';
	out[3] = '\0';
}

/* "pred conf " when the model has predicted, else "". */
static void pane_pred_cols(struct ui *ui, size_t i, int lw, char *out, size_t n)
{
	const char *pred;
	float conf;

	char ct[16];
	int pw = pane_pred_width(lw);

	out[0] = '\0';
	if (ui->train.npred_of == 0)
		return;
	if (ui_train_prediction(ui, i, &pred, &conf) == 0) {
		pane_conf_text(conf, ct, sizeof ct);
		snprintf(out, n, "%-*.*s %-*s ", pw, pw, pred, PANE_CONF_W, ct);
	} else {
		snprintf(out, n, "%-*s %-*s ", pw, "-", PANE_CONF_W, "-");
	}
}

/* The columns before the text of record i ("id label split flg [pred conf] "). */
static void pane_data_prefix(struct ui *ui, size_t i, int idw, int lw, char *out, size_t n)
{
	const struct dataset *ds = &ui->app->ds;
	const struct ds_record *r = &ds->recs[i];
	struct tt_buf id;
	char flags[4], pred[64];

	tt_buf_init(&id);
	ds_record_id(ds, i, &id);
	pane_flags(r, flags);
	pane_pred_cols(ui, i, lw, pred, sizeof pred);
	snprintf(out, n, "%-*.*s %-*.*s %-6s %-4s %s", idw, idw, id.data, lw, lw,
		 r->label < ds->labels.n ? ds->labels.names[r->label] : "-",
		 r->split != DS_SPLIT_NONE ? ds_split_name(r->split) : "-", flags, pred);
	tt_buf_fini(&id);
}

/* One list row at screen row y (columns idw, lw wide); the cursor row is highlighted. */
static void pane_data_draw_row(struct ui *ui, struct layout_rect list, int y, size_t row,
			       const int *widths, bool focused)
{
	const struct ds_record *r = &ui->app->ds.recs[ui->data.idx[row]];
	char prefix[256], text[512];
	bool cur = row == ui->data.cursor;
	uint8_t role = cur ? GRID_ROLE_SELECTION : GRID_ROLE_DEFAULT;
	uint8_t attr = cur && !focused ? GRID_ATTR_DIM : 0;
	int w;

	if (r->flags & DS_FLAG_DELETED)
		attr |= GRID_ATTR_DIM;
	pane_data_prefix(ui, ui->data.idx[row], widths[0], widths[1], prefix, sizeof prefix);
	pane_preview(r->text, r->text_len, text, sizeof text);
	if (cur)
		grid_fill(&ui->screen, list.x, y, list.w, 1, ' ', role, attr);
	w = grid_text(&ui->screen, list.x, y, prefix, list.w, role, attr);
	if (w < list.w)
		pane_text_marked(ui, list.x + w, y, text, list.w - w, role, attr);
}

/* Column name name, with the sort direction when the list is sorted by col, padded to w. */
static void pane_head_col(const struct ui *ui, struct tt_buf *b, enum ui_sort col,
			  const char *name, int w)
{
	const struct ui_data_view *v = &ui->data;
	const char *mark = "";
	int used;

	if (v->sort == col && (col != UI_SORT_FILE || v->sort_desc))
		mark = v->sort_desc ? (ui->ascii ? "v" : "\xe2\x86\x93") :
				      (ui->ascii ? "^" : "\xe2\x86\x91");
	tt_buf_printf(b, "%s%s", name, mark);
	used = grid_text_width(name) + grid_text_width(mark);
	for (; used < w; used++)
		tt_buf_addc(b, ' ');
	tt_buf_addc(b, ' ');
}

static void pane_data_draw_head(struct ui *ui, struct layout_rect list)
{
	enum ui_sort text_col = ui->data.sort == UI_SORT_LENGTH ? UI_SORT_LENGTH : UI_SORT_TEXT;
	struct tt_buf b;
	int idw, lw;

	pane_data_widths(ui, &idw, &lw);
	tt_buf_init(&b);
	pane_head_col(ui, &b, UI_SORT_ID, "id", idw);
	pane_head_col(ui, &b, UI_SORT_LABEL, "label", lw);
	pane_head_col(ui, &b, UI_SORT_SPLIT, "split", 6);	/* with room for the arrow */
	pane_head_col(ui, &b, UI_SORT_FLAGS, "flg", 4);
	if (ui->train.npred_of > 0) {
		pane_head_col(ui, &b, UI_SORT_PRED, "predicted", pane_pred_width(lw));
		pane_head_col(ui, &b, UI_SORT_CONF, "conf", PANE_CONF_W);
	}
	pane_head_col(ui, &b, text_col, text_col == UI_SORT_LENGTH ? "text (by length)" : "text", 0);
	if (ui->data.sort == UI_SORT_FILE && ui->data.sort_desc)
		tt_buf_adds(&b, " (file order, reversed)");
	grid_text(&ui->screen, list.x, list.y, b.data, list.w, GRID_ROLE_TITLE, GRID_ATTR_BOLD);
	tt_buf_fini(&b);
}

static void pane_data_draw_list(struct ui *ui, struct layout_rect list, bool focused)
{
	struct ui_data_view *v = &ui->data;
	int rows = list.h - 1, y, widths[2];
	size_t row;

	pane_data_widths(ui, &widths[0], &widths[1]);	/* once a frame, not a row */
	pane_data_draw_head(ui, list);
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
		pane_data_draw_row(ui, list, list.y + 1 + y, row, widths, focused);
}

/* Collects "name: value" lines of a CSV/TSV record's other columns. */
struct pane_csv_fields {
	const struct dataset *ds;
	struct tt_buf lines;
};

static void pane_csv_field(void *opaque, const char *name, const char *value, size_t n)
{
	struct pane_csv_fields *c = opaque;
	const char *skip[4] = { c->ds->text_field, c->ds->label_field, c->ds->id_field,
				c->ds->split_field };

	for (int k = 0; k < 4; k++)
		if (skip[k] != NULL && strcmp(name, skip[k]) == 0)
			return;
	tt_buf_printf(&c->lines, "%s: %.*s\n", name, (int)n, value);
}

/*
 * A record's other fields ("source: email"), from its line: the id, label,
 * split and text are shown from the live record above, so an edit not yet
 * saved never shows its old value here. JSONL, CSV and TSV.
 */
static int pane_data_detail_fields(struct ui *ui, struct layout_rect r, int row,
				   const struct ds_record *rec)
{
	const struct dataset *ds = &ui->app->ds;
	const char *skip[4] = { ds->text_field, ds->label_field, ds->id_field, ds->split_field };
	json_t *o, *v;
	const char *key;

	if ((ds->format == DS_FMT_CSV || ds->format == DS_FMT_TSV) && row < r.h) {
		struct pane_csv_fields c = { ds, { 0 } };

		tt_buf_init(&c.lines);
		format_csv_fields(ds, (size_t)(rec - ds->recs), ds->format == DS_FMT_TSV ? '\t' : ',',
				  pane_csv_field, &c);
		if (c.lines.len > 0)
			row += pane_wrap(&ui->screen, r, row, c.lines.data, c.lines.len - 1,
					 GRID_ROLE_DIM, 0);
		tt_buf_fini(&c.lines);
		return row;
	}
	if (ds->format != DS_FMT_JSONL || rec->raw == NULL)
		return row;
	o = json_loadb(rec->raw, rec->body_len, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return row;
	}
	json_object_foreach(o, key, v) {
		struct tt_buf line;
		char *dump = NULL;
		int k, shown = 0;

		for (k = 0; k < 4; k++)
			shown |= skip[k] != NULL && strcmp(key, skip[k]) == 0;
		if (shown || row >= r.h)
			continue;
		tt_buf_init(&line);
		if (json_is_string(v))
			tt_buf_printf(&line, "%s: %s", key, json_string_value(v));
		else if ((dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL)
			tt_buf_printf(&line, "%s: %s", key, dump);
		free(dump);
		row += pane_wrap(&ui->screen, r, row, line.data, line.len, GRID_ROLE_DIM, 0);
		tt_buf_fini(&line);
	}
	json_decref(o);
	return row;
}

/* Below the text: the note, the other fields, and the record's edits from the journal. */
static void pane_data_detail_more(struct ui *ui, struct layout_rect r, int row,
				  const struct ds_record *rec, const char *id)
{
	struct tt_buf b;

	if (rec->note != NULL && row < r.h) {
		tt_buf_init(&b);
		tt_buf_printf(&b, "note: %s", rec->note);
		row += pane_wrap(&ui->screen, r, row, b.data, b.len, GRID_ROLE_LABEL_SUGGEST, 0);
		tt_buf_fini(&b);
	}
	row = pane_data_detail_fields(ui, r, row, rec);
	if (ui->app->journal == NULL || row >= r.h)
		return;
	tt_buf_init(&b);
	if (journal_record_history(ui->app->journal, id, &b) > 0) {
		row += pane_wrap(&ui->screen, r, row, "edits:", 6, GRID_ROLE_TITLE, 0);
		if (row < r.h)
			pane_wrap(&ui->screen, r, row, b.data, b.len, GRID_ROLE_DIM, 0);
	}
	tt_buf_fini(&b);
}

/* The record under the cursor, fields then its text, wrapped. */
static void pane_data_draw_detail(struct ui *ui, struct layout_rect r)
{
	const struct dataset *ds = &ui->app->ds;
	long i = pane_data_current(ui);
	const struct ds_record *rec;
	struct tt_buf id, text;
	struct layout_rect body;
	char line[512], where[64];
	int row, total, keep;

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
	/*
	 * The text scrolls (J/K, PgDn/PgUp in the detail, "lines 1-6 of 42" on
	 * the first row); under a long one a few rows stay for the note, the
	 * fields and the edits.
	 */
	total = pane_record_rows(ui, i, r.w);
	keep = r.h > 8 ? 3 : 0;
	body = (struct layout_rect){ r.x, r.y + 1, r.w,
				     total <= r.h - 1 - keep ? total : r.h - 1 - keep };
	if (body.h < 1)
		body.h = r.h > 1 ? 1 : 0;
	row = 1 + pane_record_text(ui, body, i, 0, where, sizeof where);
	pane_text_where_draw(ui, r, r.y, where);
	pane_data_detail_more(ui, r, row, rec, id.data);
	tt_buf_fini(&id);
	tt_buf_fini(&text);
}

static void pane_data_title(struct ui *ui, char *out, size_t n)
{
	const struct ui_data_view *v = &ui->data;
	const char *what = v->title[0] != '\0' ? v->title : v->filter_text;

	if (v->detail && v->n > 0)
		snprintf(out, n, "data · record %zu of %zu · Enter: list · i: edit text", v->cursor + 1,
			 v->n);
	else if (what[0] != '\0')
		snprintf(out, n, "data · %zu of %zu records · %s", v->n, ui->app->ds.n, what);
	else
		snprintf(out, n, "data · %zu records%s", v->n, v->n > 0 ? " · Enter: detail" : "");
}

void pane_data_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in, list, detail;
	char title[384];

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
