/*
 * pane-quality.c - the quality view: a list over the panes of every kind
 * of finding with its count, in the order a person cleans - duplicates,
 * near-duplicate groups (those whose labels disagree first when opened),
 * leaks, outliers and each outlier kind, class balance per split, likely
 * label errors with the state of their run. Up / Down (j / k) move, Enter
 * opens the row's filter term in the data pane (file order, groups
 * together, as `quality TERM` does), r computes the findings again, Esc
 * or q closes it.
 *
 * The rows are built each time the view is drawn from app_checks_get,
 * whose cache is rebuilt when the journal moved (an edit, an undo) or the
 * data was replaced, so the view is never stale; the near duplicates are
 * computed when the view first opens.
 */
#include "tunetop/pane.h"

#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/findings.h"
#include "tunetop/journal.h"
#include "tunetop/labelerr.h"
#include "tunetop/quality.h"

enum { PANE_QUALITY_ROWS = 32, PANE_QUALITY_W = 76, PANE_QUALITY_MAX_W = 100 };

struct pane_quality_row {
	char name[24];		/* left column */
	char count[24];		/* right-aligned count, or "" */
	char detail[128];
	char term[64];		/* the filter it opens, "" for none */
	uint8_t role;
};

struct pane_quality_list {
	struct pane_quality_row r[PANE_QUALITY_ROWS];
	int n;
};

static struct pane_quality_row *pane_quality_add(struct pane_quality_list *l, const char *name,
						 size_t count, const char *term, uint8_t role)
{
	struct pane_quality_row *r;

	if (l->n == PANE_QUALITY_ROWS)
		return NULL;
	r = &l->r[l->n++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	if (count != (size_t)-1)
		snprintf(r->count, sizeof r->count, "%zu", count);
	snprintf(r->term, sizeof r->term, "%s", term != NULL ? term : "");
	r->role = role;
	return r;
}

static uint8_t pane_quality_role(size_t count)
{
	return count > 0 ? GRID_ROLE_WARNING : GRID_ROLE_OK;
}

static void pane_quality_groups(struct pane_quality_list *l, const char *name, const char *term,
				const struct findings_groups *g)
{
	struct pane_quality_row *r = pane_quality_add(l, name, g->records, term,
						      pane_quality_role(g->records));

	if (r != NULL)
		snprintf(r->detail, sizeof r->detail, "records in %u group%s; labels differ in %zu%s",
			 g->n, g->n == 1 ? "" : "s", g->disagree, g->disagree > 0 ? " (first)" : "");
}

static void pane_quality_outliers(struct pane_quality_list *l, const struct findings *f)
{
	struct pane_quality_row *r;
	int k;

	r = pane_quality_add(l, "outliers", f->outliers, "outlier", pane_quality_role(f->outliers));
	if (r != NULL)
		snprintf(r->detail, sizeof r->detail, "records (length: median %zu chars, |z| > %.1f)",
			 f->median_chars, f->opt.z);
	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		const char *kind = findings_outlier_name(1u << k);
		char name[24], term[32];

		snprintf(name, sizeof name, "  %s", kind);
		snprintf(term, sizeof term, "outlier=%s", kind);
		if ((1u << k) == FINDINGS_O_UNKNOWN && f->unknown == NULL) {
			r = pane_quality_add(l, name, (size_t)-1, NULL, GRID_ROLE_DIM);
			if (r != NULL)
				snprintf(r->detail, sizeof r->detail, "not checked: check --model MODEL");
			continue;
		}
		if (f->per_kind[k] > 0)
			pane_quality_add(l, name, f->per_kind[k], term, GRID_ROLE_WARNING);
	}
}

/* One row a split with classes under check_min_class: how many, and the smallest. */
static void pane_quality_balance(struct pane_quality_list *l, const struct app *a,
				 const struct findings *f)
{
	struct quality_report q;
	struct pane_quality_row *r;
	int s;

	quality_compute(&a->ds, &q);
	if (q.per_split[DS_SPLIT_TRAIN] + q.per_split[DS_SPLIT_VALID] + q.per_split[DS_SPLIT_TEST] == 0) {
		r = pane_quality_add(l, "class balance", (size_t)-1, NULL, GRID_ROLE_DIM);
		if (r != NULL)
			snprintf(r->detail, sizeof r->detail, "no splits yet (split 80/10/10)");
	}
	for (s = DS_SPLIT_TRAIN; s <= DS_SPLIT_TEST; s++) {
		size_t under = 0, least = (size_t)-1;
		uint32_t lbl, at = 0;
		char name[24], term[32];

		if (q.per_split[s] == 0)
			continue;
		for (lbl = 0; lbl < q.nlabels; lbl++) {
			size_t c = q.per_label_split[lbl * DS_NSPLITS + s];

			if (f->opt.min_class > 0 && c < (size_t)f->opt.min_class) {
				under++;
				if (c < least) {
					least = c;
					at = lbl;
				}
			}
		}
		snprintf(name, sizeof name, "balance %s", ds_split_name((enum ds_split)s));
		snprintf(term, sizeof term, "split=%s", ds_split_name((enum ds_split)s));
		r = pane_quality_add(l, name, under, term, pane_quality_role(under));
		if (r == NULL)
			break;
		if (under > 0)
			snprintf(r->detail, sizeof r->detail, "classes < %ld (least: %s %zu)%s",
				 f->opt.min_class, a->ds.labels.names[at], least,
				 s == DS_SPLIT_TEST && q.per_split[s] < 1000 ? "; split < 1000" : "");
		else
			snprintf(r->detail, sizeof r->detail, "classes < %ld", f->opt.min_class);
	}
	quality_fini(&q);
}

static void pane_quality_label_errors(struct pane_quality_list *l, struct ui *ui)
{
	const struct app *a = ui->app;
	const struct labelerr_report *le = a->label_errors;
	struct pane_quality_row *r;
	char running[96];

	if (ui_label_errors_status(ui, running, sizeof running)) {
		r = pane_quality_add(l, "label errors", le != NULL ? le->nflagged : (size_t)-1,
				     le != NULL ? "likely-error" : NULL, GRID_ROLE_DIM);
		if (r != NULL)
			snprintf(r->detail, sizeof r->detail, "running: %s", running);
	} else if (le == NULL) {
		r = pane_quality_add(l, "label errors", (size_t)-1, NULL, GRID_ROLE_DIM);
		if (r != NULL)
			snprintf(r->detail, sizeof r->detail, "not run: label-errors run");
	} else {
		r = pane_quality_add(l, "label errors", le->nflagged, "likely-error",
				     pane_quality_role(le->nflagged));
		if (r != NULL)
			snprintf(r->detail, sizeof r->detail, "flagged of %zu ranked (%u folds%s)",
				 le->n, le->folds, a->label_errors_seq > 0 &&
				 a->journal != NULL && a->label_errors_at != 0 &&
				 a->label_errors_at < journal_next_seq(a->journal) ?
				 "; edits since" : "");
	}
}

/* The rows now (0 rows + err when the check options are inconsistent). */
static int pane_quality_build(struct ui *ui, struct pane_quality_list *l, struct tt_err *err)
{
	const struct findings *f = app_checks_get(ui->app, true, err);
	struct pane_quality_row *r;

	l->n = 0;
	if (f == NULL)
		return -1;
	pane_quality_groups(l, "duplicates", "dup", &f->dups);
	pane_quality_groups(l, "near duplicates", "near-dup", &f->nears);
	r = pane_quality_add(l, "leaks", f->leak_records, "leak", pane_quality_role(f->leak_records));
	if (r != NULL)
		snprintf(r->detail, sizeof r->detail, "records in %zu group%s span train and "
			 "valid/test", f->dups.leak + f->nears.leak,
			 f->dups.leak + f->nears.leak == 1 ? "" : "s");
	pane_quality_outliers(l, f);
	pane_quality_balance(l, ui->app, f);
	pane_quality_label_errors(l, ui);
	return 0;
}

/* The cursor stays where it was: back from a fix, the person goes on from that row. */
void pane_quality_open(struct ui *ui)
{
	ui->qview.on = true;
	ui_mark(ui, UI_DIRTY_ALL);
}

static void pane_quality_draw_row(struct ui *ui, struct layout_rect in, int y,
				  const struct pane_quality_row *r, bool cur)
{
	uint8_t role = cur ? GRID_ROLE_SELECTION : GRID_ROLE_DEFAULT;
	int cw = 7, nw = 17, x = in.x;

	if (cur)
		grid_fill(&ui->screen, in.x, y, in.w, 1, ' ', role, 0);
	grid_text(&ui->screen, x, y, r->name, nw < in.w ? nw : in.w, role, cur ? 0 : GRID_ATTR_BOLD);
	x += nw;
	if (x + cw >= in.x + in.w)
		return;
	grid_text(&ui->screen, x + cw - 1 - grid_text_width(r->count), y, r->count, cw,
		  cur ? role : r->role, GRID_ATTR_BOLD);
	x += cw;
	grid_text(&ui->screen, x, y, r->detail, in.x + in.w - x, cur ? role : GRID_ROLE_DEFAULT,
		  r->role == GRID_ROLE_DIM && !cur ? GRID_ATTR_DIM : 0);
}

void pane_quality_draw(struct ui *ui)
{
	struct pane_quality_list l;
	struct layout_rect in;
	struct tt_err err;
	int rows, i, h, w;

	tt_err_clear(&err);
	pane_quality_build(ui, &l, &err);
	h = l.n + 4;
	/* 76 columns at 80; up to 100 where there is room, for the details */
	w = ui->w - 4 > PANE_QUALITY_W ? ui->w - 4 : PANE_QUALITY_W;
	in = pane_overlay_box(ui, w < PANE_QUALITY_MAX_W ? w : PANE_QUALITY_MAX_W, h,
			      "quality · Enter opens · r again · Esc");
	rows = in.h - 1;
	if (l.n == 0) {
		grid_text(&ui->screen, in.x, in.y, err.msg[0] != '\0' ? err.msg : "no findings",
			  in.w, GRID_ROLE_ERROR, 0);
		return;
	}
	if (ui->qview.cursor >= l.n)
		ui->qview.cursor = l.n - 1;
	if (ui->qview.cursor < ui->qview.top)
		ui->qview.top = ui->qview.cursor;
	if (rows > 0 && ui->qview.cursor >= ui->qview.top + rows)
		ui->qview.top = ui->qview.cursor - rows + 1;
	for (i = 0; i < rows && ui->qview.top + i < l.n; i++)
		pane_quality_draw_row(ui, in, in.y + i, &l.r[ui->qview.top + i],
				      ui->qview.top + i == ui->qview.cursor);
	if (rows >= 0) {
		const struct pane_quality_row *c = &l.r[ui->qview.cursor];
		char foot[96];

		if (c->term[0] != '\0')
			snprintf(foot, sizeof foot, "Enter: filter %s", c->term);
		else
			snprintf(foot, sizeof foot, "%s", "nothing to open");
		grid_text(&ui->screen, in.x, in.y + in.h - 1, foot, in.w, GRID_ROLE_DIM, 0);
	}
}

/* Enter on the cursor row: its filter in the data pane, file order, focused. */
static void pane_quality_enter(struct ui *ui)
{
	struct pane_quality_list l;
	struct tt_err err;
	const char *term;

	tt_err_clear(&err);
	if (pane_quality_build(ui, &l, &err) != 0 || ui->qview.cursor >= l.n) {
		ui_message(ui, true, "quality: %s", err.msg);
		return;
	}
	term = l.r[ui->qview.cursor].term;
	if (term[0] == '\0') {
		ui_message(ui, false, "quality: nothing to open on this row");
		return;
	}
	/* file order first: the filter's rebuild then puts each group's members together */
	pane_data_set_sort(ui, UI_SORT_FILE, false);
	if (pane_data_set_filter(ui, term, &err) != 0) {
		ui_message(ui, true, "quality: %s", err.msg);
		return;
	}
	ui->qview.on = false;
	if (!layout_visible(&ui->layout, PANE_DATA))
		ui_set_layout(ui, LAYOUT_DATA);
	ui_set_focus(ui, PANE_DATA);
	ui_message(ui, false, "filter %s: %zu of %zu records, groups together", term, ui->data.n,
		   ui->app->ds.n);
	ui_mark(ui, UI_DIRTY_ALL);
}

void pane_quality_key(struct ui *ui, const char *key)
{
	struct tt_err err;

	if (strcmp(key, "Down") == 0 || strcmp(key, "j") == 0) {
		ui->qview.cursor++;
	} else if (strcmp(key, "Up") == 0 || strcmp(key, "k") == 0) {
		if (ui->qview.cursor > 0)
			ui->qview.cursor--;
	} else if (strcmp(key, "Home") == 0 || strcmp(key, "g") == 0) {
		ui->qview.cursor = 0;
	} else if (strcmp(key, "Enter") == 0) {
		pane_quality_enter(ui);
	} else if (strcmp(key, "r") == 0) {
		tt_err_clear(&err);
		if (app_checks_refresh(ui->app, true, &err) == NULL)
			ui_message(ui, true, "quality: %s", err.msg);
		else
			ui_message(ui, false, "quality: computed again");
	} else if (strcmp(key, "Esc") == 0 || strcmp(key, "q") == 0 || strcmp(key, "Q") == 0) {
		ui->qview.on = false;
	}
	ui_mark(ui, UI_DIRTY_ALL);
}
