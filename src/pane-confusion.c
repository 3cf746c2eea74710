/*
 * pane-confusion.c - the confusion matrix of the last validation run, as
 * drawn by matrix.c: counts or row-normalized shares, heat colors,
 * per-class P/R/F1 and the macro line; a cursor cell that scrolls into
 * view, and whose records `open-cell` lists in the data pane.
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
	double *p, *r, *f;
};

static int pane_conf_data(struct ui *ui, struct pane_conf *c)
{
	const struct ui_train *m = &ui->train;
	const struct metrics_report *e = &m->snap.eval;
	uint32_t i, n;

	memset(c, 0, sizeof *c);
	c->d.macro_precision = c->d.macro_recall = c->d.macro_f1 = c->d.accuracy = NAN;
	if (!m->have_snap || !m->snap.has_eval || e->confusion.counts == NULL)
		return -1;
	n = e->confusion.nclasses;
	c->p = tt_xcalloc(n + 1, sizeof *c->p);
	c->r = tt_xcalloc(n + 1, sizeof *c->r);
	c->f = tt_xcalloc(n + 1, sizeof *c->f);
	for (i = 0; i < n && e->per_class != NULL; i++) {
		c->p[i] = e->per_class[i].precision;
		c->r[i] = e->per_class[i].recall;
		c->f[i] = e->per_class[i].f1;
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
	return 0;
}

static void pane_conf_free(struct pane_conf *c)
{
	free(c->p);
	free(c->r);
	free(c->f);
}

void pane_confusion_move(struct ui *ui, enum pane_move m)
{
	struct matrix_opts *o = &ui->conf.opts;
	struct pane_conf c;
	uint32_t n;

	if (pane_conf_data(ui, &c) != 0)
		return;
	n = c.d.n;
	pane_conf_free(&c);
	if (n == 0)
		return;
	if (m == PANE_MOVE_UP && o->cr > 0)
		o->cr--;
	else if (m == PANE_MOVE_DOWN && o->cr + 1 < n)
		o->cr++;
	else if (m == PANE_MOVE_LEFT && o->cc > 0)
		o->cc--;
	else if (m == PANE_MOVE_RIGHT && o->cc + 1 < n)
		o->cc++;
	else if (m == PANE_MOVE_TOP || m == PANE_MOVE_PGUP)
		o->cr = 0;
	else if (m == PANE_MOVE_BOTTOM || m == PANE_MOVE_PGDN)
		o->cr = n - 1;
	ui_mark(ui, 1u << PANE_CONFUSION);
}

int pane_confusion_cell(struct ui *ui, const char **true_name, const char **pred_name,
			uint64_t *count)
{
	const struct ui_train *m = &ui->train;
	const struct matrix_opts *o = &ui->conf.opts;
	uint32_t n;

	if (!m->have_snap || !m->snap.has_eval || m->snap.eval.confusion.counts == NULL)
		return -1;
	n = m->snap.eval.confusion.nclasses;
	if (o->cr >= n || o->cc >= n || m->snap.nlabels != n)
		return -1;
	*true_name = m->snap.label_names[o->cr];
	*pred_name = m->snap.label_names[o->cc];
	*count = m->snap.eval.confusion.counts[(size_t)o->cr * n + o->cc];
	return 0;
}

/* As many parts of the title as fit in w columns. */
static void pane_confusion_title(struct ui *ui, int w, char *out, size_t n)
{
	const struct ui_train *m = &ui->train;
	char step[48];
	const char *parts[5];
	int np = 0, i;

	snprintf(out, n, "confusion");
	if (!m->have_snap || !m->snap.has_eval)
		return;
	snprintf(step, sizeof step, "step %llu", (unsigned long long)m->snap.eval_step);
	parts[np++] = step;
	parts[np++] = ui->conf.opts.normalized ? "row %" : "counts";
	parts[np++] = "Enter: records";
	parts[np++] = ui->conf.opts.normalized ? "n: counts" : "n: row %";
	for (i = 0; i < np; i++) {
		if (grid_text_width(out) + 3 + grid_text_width(parts[i]) > w - 6)
			break;
		snprintf(out + strlen(out), n - strlen(out), " · %s", parts[i]);
	}
}

void pane_confusion_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	struct pane_conf c;
	char title[192];

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	pane_confusion_title(ui, r.w, title, sizeof title);
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0)
		return;
	if (pane_conf_data(ui, &c) != 0) {
		const char *hint = ui->train.have_snap && ui->train.snap.eval.multilabel ?
			"multi-label: no confusion matrix" :
			"no evaluation yet: it comes at each epoch end (or press e)";

		pane_wrap(&ui->screen, in, in.h / 2 > 0 ? in.h / 2 - 1 : 0, hint, strlen(hint),
			  GRID_ROLE_DIM, 0);
		return;
	}
	ui->conf.opts.cursor = focused || ui->data.title[0] != '\0';	/* a cell is listed */
	matrix_measure(in.x, in.y, in.w, in.h, &c.d, &ui->conf.opts, &ui->conf.view);
	matrix_scroll_to_cursor(&ui->conf.opts, &c.d, &ui->conf.view);
	matrix_draw(&ui->screen, in.x, in.y, in.w, in.h, &c.d, &ui->conf.opts, &ui->conf.view);
	pane_conf_free(&c);
}
