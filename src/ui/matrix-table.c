/*
 * matrix-table.c - the per-class table alone: precision, recall, F1 and
 * support for each class, in the caller's order, with the macro figures
 * last. Multi-label data has no confusion matrix, so this is its view.
 * See matrix.h.
 */
#include "tunetop/matrix.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
	TABLE_FIG_W = 6,	/* " 0.91" plus a space */
	TABLE_NAME_MAX = 64
};

static void
table_fig(struct grid *g, int x, int y, double v, uint8_t attr)
{
	char buf[16];

	if (isnan(v))
		return;
	snprintf(buf, sizeof buf, "%5.2f", v);
	grid_text(g, x + TABLE_FIG_W - 5, y, buf, 5, GRID_ROLE_DEFAULT, attr);
}

static void
table_count(struct grid *g, int x, int y, int w, uint64_t n, uint8_t attr)
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);

	grid_text(g, x + w - len, y, buf, w, GRID_ROLE_DIM, attr);
}

/* Name column, then P R F1 n at x0 + name_w. */
static void
table_row(struct grid *g, int x, int y, int name_w, int n_w, const char *name, double p,
	  double r, double f, uint64_t n, uint8_t role, uint8_t attr)
{
	char cut[TABLE_NAME_MAX + 4];
	int fx = x + name_w;

	grid_truncate(name, name_w - 1, g->ascii, cut, sizeof cut);
	grid_text(g, x, y, cut, name_w - 1, role, attr);
	table_fig(g, fx, y, p, attr);
	table_fig(g, fx + TABLE_FIG_W, y, r, attr);
	table_fig(g, fx + 2 * TABLE_FIG_W, y, f, attr);
	table_count(g, fx + 3 * TABLE_FIG_W, y, n_w, n, attr);
}

void
matrix_table_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
		  const uint64_t *support, uint32_t sel, int cursor, uint32_t *row0)
{
	uint64_t all = 0;
	uint32_t rows, i;
	int name_w = 5, n_w, figs_x;
	char buf[48];

	if (w <= 0 || h <= 0)
		return;
	grid_fill(g, x, y, w, h, ' ', GRID_ROLE_DEFAULT, 0);
	if (d->n == 0 || d->precision == NULL || support == NULL) {
		grid_text(g, x, y, "no evaluation yet", w, GRID_ROLE_DIM, 0);
		return;
	}
	for (i = 0; i < d->n; i++) {
		all += support[i];
		if (d->labels != NULL && d->labels[i] != NULL &&
		    grid_text_width(d->labels[i]) > name_w)
			name_w = grid_text_width(d->labels[i]);
	}
	n_w = 1 + snprintf(buf, sizeof buf, "%llu", (unsigned long long)all);
	if (n_w < 4)
		n_w = 4;
	name_w += 1;
	if (name_w > w - 3 * TABLE_FIG_W - n_w)
		name_w = w - 3 * TABLE_FIG_W - n_w;
	if (name_w < 4)
		name_w = 4;
	figs_x = x + name_w;
	grid_text(g, x, y, "label", name_w, GRID_ROLE_TITLE, 0);
	grid_text(g, figs_x + TABLE_FIG_W - 1, y, "P", 1, GRID_ROLE_TITLE, 0);
	grid_text(g, figs_x + 2 * TABLE_FIG_W - 1, y, "R", 1, GRID_ROLE_TITLE, 0);
	grid_text(g, figs_x + 3 * TABLE_FIG_W - 2, y, "F1", 2, GRID_ROLE_TITLE, 0);
	grid_text(g, figs_x + 3 * TABLE_FIG_W + n_w - 1, y, "n", 1, GRID_ROLE_TITLE, 0);
	rows = h > 2 ? (uint32_t)h - 2 : 0;
	if (sel >= d->n)
		sel = d->n - 1;
	if (*row0 > sel)
		*row0 = sel;
	if (rows > 0 && sel >= *row0 + rows)
		*row0 = sel - rows + 1;
	if (*row0 + rows > d->n)
		*row0 = d->n > rows ? d->n - rows : 0;
	for (i = 0; i < rows && *row0 + i < d->n; i++) {
		uint32_t c = matrix_class(d, *row0 + i);
		uint8_t attr = cursor && *row0 + i == sel ? GRID_ATTR_REVERSE : 0;
		char name[TABLE_NAME_MAX];

		if (d->labels != NULL && d->labels[c] != NULL)
			snprintf(name, sizeof name, "%s", d->labels[c]);
		else
			snprintf(name, sizeof name, "%u", c);
		if (attr)
			grid_fill(g, x, y + 1 + (int)i, w, 1, ' ', GRID_ROLE_DEFAULT, attr);
		table_row(g, x, y + 1 + (int)i, name_w, n_w, name, d->precision[c],
			  d->recall != NULL ? d->recall[c] : NAN, d->f1 != NULL ? d->f1[c] : NAN,
			  support[c], GRID_ROLE_LABEL_NAME, attr);
	}
	if (h < 2)
		return;
	table_row(g, x, y + h - 1, name_w, n_w, "macro", d->macro_precision, d->macro_recall,
		  d->macro_f1, all, GRID_ROLE_TITLE, 0);
	if (*row0 + rows < d->n || *row0 > 0) {
		/* Hidden rows are counted where the figures end. */
		int n = 0;

		if (*row0 > 0)
			n = snprintf(buf, sizeof buf, "+%u%s", *row0, g->ascii ? "^" : "\xE2\x86\x91");
		if (*row0 + rows < d->n)
			snprintf(buf + n, sizeof buf - (size_t)n, "%s+%u%s", n > 0 ? " " : "",
				 d->n - *row0 - rows, g->ascii ? "v" : "\xE2\x86\x93");
		if (figs_x + 3 * TABLE_FIG_W + n_w + 1 + grid_text_width(buf) <= x + w)
			grid_text(g, figs_x + 3 * TABLE_FIG_W + n_w + 1, y + h - 1, buf,
				  grid_text_width(buf), GRID_ROLE_TITLE, 0);
		else
			grid_text(g, x + name_w - 1 - grid_text_width(buf), y + h - 1, buf,
				  grid_text_width(buf), GRID_ROLE_TITLE, 0);
	}
}
