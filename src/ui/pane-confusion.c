/*
 * pane-confusion.c - the confusion matrix of the last validation run (or,
 * after `eval test`, of the test split, marked as such), as drawn by
 * matrix.c: counts or row-normalized shares, heat colors, per-class
 * P/R/F1/n and the macro line; rows sorted by class, errors, F1 or support;
 * a cursor cell that scrolls into view, and whose records `open-cell` lists
 * in the data pane. A second view lists the top confusions (best with many
 * classes), a third the per-class table alone (P/R/F1/n, sortable); for
 * multi-label data, which has no matrix, that table is the pane.
 */
#include "tunetop/pane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"

/* matrix.c's view of the mirrored evaluation; arrays are malloc'd. */
struct pane_conf {
	struct matrix_data d;
	const struct metrics_report *e;
	double *p, *r, *f;
	uint64_t *support;
	uint32_t *order;
	struct matrix_pair *pairs;
	size_t npairs;
};

/* The report shown: the test one when asked for and present. */
static const struct metrics_report *pane_conf_report(const struct ui *ui)
{
	const struct ui_train *m = &ui->train;

	if (!m->have_snap)
		return NULL;
	if (ui->conf.test)
		return m->snap.has_test ? &m->snap.test : NULL;
	return m->snap.has_eval ? &m->snap.eval : NULL;
}

const char *pane_confusion_split(const struct ui *ui)
{
	return ui->conf.test ? "test" : "valid";
}

/* 0 with c filled (free with pane_conf_free), or -1 without an evaluation. */
static int pane_conf_data(struct ui *ui, struct pane_conf *c)
{
	const struct ui_train *m = &ui->train;
	const struct metrics_report *e = pane_conf_report(ui);
	uint32_t i, n;

	memset(c, 0, sizeof *c);
	c->d.macro_precision = c->d.macro_recall = c->d.macro_f1 = c->d.accuracy = NAN;
	if (e == NULL || e->per_class == NULL || (e->confusion.counts == NULL && !e->multilabel))
		return -1;
	n = e->nclasses;
	c->e = e;
	c->p = tt_xcalloc(n + 1, sizeof *c->p);
	c->r = tt_xcalloc(n + 1, sizeof *c->r);
	c->f = tt_xcalloc(n + 1, sizeof *c->f);
	c->support = tt_xcalloc(n + 1, sizeof *c->support);
	c->order = tt_xcalloc(n + 1, sizeof *c->order);
	for (i = 0; i < n; i++) {
		c->p[i] = e->per_class[i].precision;
		c->r[i] = e->per_class[i].recall;
		c->f[i] = e->per_class[i].f1;
		c->support[i] = e->per_class[i].support;
	}
	c->d.n = n;
	c->d.counts = e->confusion.counts;
	c->d.labels = m->snap.nlabels == n ? (const char *const *)m->snap.label_names : NULL;
	c->d.precision = c->p;
	c->d.recall = c->r;
	c->d.f1 = c->f;
	c->d.macro_precision = e->macro_precision;
	c->d.macro_recall = e->macro_recall;
	c->d.macro_f1 = e->macro_f1;
	c->d.accuracy = e->accuracy;
	if (c->d.counts == NULL && ui->conf.sort != MATRIX_SORT_F1 &&
	    ui->conf.sort != MATRIX_SORT_CLASS) {
		/* Multi-label: errors and support from the per-label counts. */
		double *key = tt_xcalloc(n + 1, sizeof *key);

		for (i = 0; i < n; i++)
			key[i] = ui->conf.sort == MATRIX_SORT_ERRORS ?
				 (double)(e->per_class[i].fp + e->per_class[i].fn) :
				 (double)e->per_class[i].support;
		for (i = 0; i < n; i++) {
			uint32_t j = i, k = i;

			c->order[i] = i;
			while (j > 0 && key[c->order[j - 1]] < key[k]) {
				c->order[j] = c->order[j - 1];
				j--;
			}
			c->order[j] = k;
		}
		free(key);
	} else {
		matrix_order(&c->d, ui->conf.sort, c->order);
	}
	c->d.order = c->order;
	c->npairs = matrix_pairs(&c->d, &c->pairs);
	return 0;
}

static void pane_conf_free(struct pane_conf *c)
{
	free(c->p);
	free(c->r);
	free(c->f);
	free(c->support);
	free(c->order);
	free(c->pairs);
}

static size_t pane_conf_step(size_t pos, size_t n, enum pane_move m, size_t page)
{
	if (n == 0)
		return 0;
	if (m == PANE_MOVE_UP)
		return pos > 0 ? pos - 1 : 0;
	if (m == PANE_MOVE_DOWN)
		return pos + 1 < n ? pos + 1 : n - 1;
	if (m == PANE_MOVE_PGUP)
		return pos > page ? pos - page : 0;
	if (m == PANE_MOVE_PGDN)
		return pos + page < n ? pos + page : n - 1;
	if (m == PANE_MOVE_TOP)
		return 0;
	if (m == PANE_MOVE_BOTTOM)
		return n - 1;
	return pos;
}

void pane_confusion_move(struct ui *ui, enum pane_move m)
{
	struct ui_conf_view *cv = &ui->conf;
	struct matrix_opts *o = &cv->opts;
	size_t page = cv->view.max_rows > 1 ? cv->view.max_rows - 1 : 1;
	struct pane_conf c;

	if (pane_conf_data(ui, &c) != 0)
		return;
	if (c.d.counts == NULL || cv->mode == UI_CONF_TABLE) {	/* the per-class table */
		o->cr = (uint32_t)pane_conf_step(o->cr, c.d.n, m, page);
	} else if (cv->mode == UI_CONF_TOP) {
		cv->pair = pane_conf_step(cv->pair, c.npairs, m, page);
	} else if (c.d.n > 0) {
		if (m == PANE_MOVE_LEFT && o->cc > 0)
			o->cc--;
		else if (m == PANE_MOVE_RIGHT && o->cc + 1 < c.d.n)
			o->cc++;
		else
			o->cr = (uint32_t)pane_conf_step(o->cr, c.d.n, m, page);
	}
	pane_conf_free(&c);
	ui_mark(ui, 1u << PANE_CONFUSION);
}

/* The cell under the cursor, as classes: 0, or -1 when there is none. */
static int pane_conf_cursor(const struct ui *ui, const struct pane_conf *c, uint32_t *t,
			    uint32_t *p)
{
	const struct matrix_opts *o = &ui->conf.opts;

	if (c->d.counts == NULL || c->d.n == 0 || ui->conf.mode == UI_CONF_TABLE)
		return -1;
	if (ui->conf.mode == UI_CONF_TOP) {
		if (c->npairs == 0)
			return -1;
		*t = c->pairs[ui->conf.pair < c->npairs ? ui->conf.pair : c->npairs - 1].t;
		*p = c->pairs[ui->conf.pair < c->npairs ? ui->conf.pair : c->npairs - 1].p;
		return 0;
	}
	if (o->cr >= c->d.n || o->cc >= c->d.n)
		return -1;
	*t = matrix_class(&c->d, o->cr);
	*p = matrix_class(&c->d, o->cc);
	return 0;
}

int pane_confusion_cell(struct ui *ui, const char **true_name, const char **pred_name,
			uint64_t *count)
{
	const struct ui_train *m = &ui->train;
	struct pane_conf c;
	uint32_t t, p;
	int rc = -1;

	if (pane_conf_data(ui, &c) != 0)
		return -1;
	if (pane_conf_cursor(ui, &c, &t, &p) == 0 && m->snap.nlabels == c.d.n) {
		*true_name = m->snap.label_names[t];
		*pred_name = m->snap.label_names[p];
		*count = c.d.counts[(size_t)t * c.d.n + p];
		rc = 0;
	}
	pane_conf_free(&c);
	return rc;
}

int pane_confusion_select(struct ui *ui, const char *tname, const char *pname)
{
	const struct trainer_snapshot *s = &ui->train.snap;
	uint32_t i, t = UINT32_MAX, p = UINT32_MAX;
	struct pane_conf c;
	size_t k;

	if (!ui->train.have_snap)
		return -1;
	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->label_names[i], tname) == 0)
			t = i;
		if (strcmp(s->label_names[i], pname) == 0)
			p = i;
	}
	if (t == UINT32_MAX || p == UINT32_MAX || pane_conf_data(ui, &c) != 0)
		return -1;
	ui->conf.opts.cr = matrix_position(&c.d, t);
	ui->conf.opts.cc = matrix_position(&c.d, p);
	for (k = 0; k < c.npairs; k++)
		if (c.pairs[k].t == t && c.pairs[k].p == p) {
			ui->conf.pair = k;
			break;
		}
	if ((ui->conf.mode == UI_CONF_TOP && k == c.npairs) || ui->conf.mode == UI_CONF_TABLE)
		ui->conf.mode = UI_CONF_MATRIX;		/* show the cell itself */
	pane_conf_free(&c);
	ui_mark(ui, 1u << PANE_CONFUSION);
	return 0;
}

void pane_confusion_show_split(struct ui *ui, bool test)
{
	ui->conf.test = test;
	ui_mark(ui, 1u << PANE_CONFUSION);
}

/* As many parts of the title as fit in w columns. */
static void pane_confusion_title(struct ui *ui, const struct pane_conf *c, int w, char *out,
				 size_t n)
{
	const struct ui_train *m = &ui->train;
	const struct ui_conf_view *cv = &ui->conf;
	char step[48], col[96], sort[48];
	const char *parts[8];
	int np = 0, i;
	uint32_t t, p;

	snprintf(out, n, "confusion");
	if (cv->test)
		parts[np++] = "TEST split";
	if (c->e == NULL) {
		if (cv->test)
			parts[np++] = "no test evaluation: eval test";
	} else {
		snprintf(step, sizeof step, "step %llu", (unsigned long long)m->snap.eval_step);
		/* The cursor column's full name first: the legend of the cut labels. */
		if (cv->mode == UI_CONF_MATRIX && cv->opts.cursor &&
		    pane_conf_cursor(ui, c, &t, &p) == 0 && c->d.labels != NULL) {
			snprintf(col, sizeof col, "col %s", c->d.labels[p]);
			parts[np++] = col;
		}
		if (!cv->test)
			parts[np++] = step;
		if (c->d.counts == NULL)
			parts[np++] = "per label";
		else if (cv->mode == UI_CONF_TABLE)
			parts[np++] = "per class";
		else if (cv->mode == UI_CONF_TOP)
			parts[np++] = "top confusions";
		else
			parts[np++] = cv->opts.normalized ? "row %" : "counts";
		if (cv->sort != MATRIX_SORT_CLASS && (c->d.counts == NULL || cv->mode != UI_CONF_TOP)) {
			snprintf(sort, sizeof sort, "by %s", matrix_sort_name(cv->sort));
			parts[np++] = sort;
		}
		if (c->d.counts != NULL) {
			if (cv->mode != UI_CONF_TABLE)
				parts[np++] = "Enter: records";
			parts[np++] = cv->mode == UI_CONF_MATRIX ? "v: top" :
				      cv->mode == UI_CONF_TOP ? "v: per class" : "v: matrix";
		}
	}
	for (i = 0; i < np; i++) {
		if (grid_text_width(out) + 3 + grid_text_width(parts[i]) > w - 6)
			break;
		snprintf(out + strlen(out), n - strlen(out), " · %s", parts[i]);
	}
}

void pane_confusion_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	struct ui_conf_view *cv = &ui->conf;
	struct pane_conf c;
	char title[256];
	int have = pane_conf_data(ui, &c) == 0;

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	cv->opts.cursor = focused || ui->data.title[0] != '\0';	/* a cell is listed */
	pane_confusion_title(ui, &c, r.w, title, sizeof title);
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0) {
		if (have)
			pane_conf_free(&c);
		return;
	}
	if (!have) {
		const char *hint = cv->test ?
			"no test evaluation yet: type eval test (T shows validation)" :
			"no evaluation yet: it comes at each epoch end (or press e)";

		pane_wrap(&ui->screen, in, in.h / 2 > 0 ? in.h / 2 - 1 : 0, hint, strlen(hint),
			  GRID_ROLE_DIM, 0);
		return;
	}
	if (c.d.counts == NULL || cv->mode == UI_CONF_TABLE) {
		matrix_table_draw(&ui->screen, in.x, in.y, in.w, in.h, &c.d, c.support, cv->opts.cr,
				  cv->opts.cursor, &cv->trow0);
		cv->view.max_rows = in.h > 2 ? (uint32_t)in.h - 2 : 1;
	} else if (cv->mode == UI_CONF_TOP) {
		matrix_pairs_draw(&ui->screen, in.x, in.y, in.w, in.h, &c.d, c.pairs, c.npairs,
				  cv->pair, cv->opts.cursor, &cv->pair0);
		cv->view.max_rows = in.h > 2 ? (uint32_t)in.h - 2 : 1;
	} else {
		matrix_measure(in.x, in.y, in.w, in.h, &c.d, &cv->opts, &cv->view);
		matrix_scroll_to_cursor(&cv->opts, &c.d, &cv->view);
		matrix_draw(&ui->screen, in.x, in.y, in.w, in.h, &c.d, &cv->opts, &cv->view);
	}
	pane_conf_free(&c);
}
