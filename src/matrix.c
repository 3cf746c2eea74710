/*
 * matrix.c - the confusion matrix rendered into a cell grid. See matrix.h.
 */
#include "tunetop/matrix.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
	LABEL_MIN = 5,		/* row label column, at least ("macro") */
	LABEL_MAX = 20,		/* and at most */
	HEADER_MAX = 6,		/* column labels widen cells up to this */
	PRF_W = 17,		/* " │" + three 5-column figures */
	PRF_FIG_W = 5,
	NAME_MAX = 64
};

void
matrix_opts_init(struct matrix_opts *o)
{
	memset(o, 0, sizeof *o);
}

int
matrix_heat_level(uint64_t count, uint64_t row_total)
{
	double share;
	int level;

	if (count == 0 || row_total == 0)
		return 0;
	share = (double)count / (double)row_total;
	level = 1 + (int)(share * (GRID_HEAT_LEVELS - 1));
	return level > GRID_HEAT_LEVELS - 1 ? GRID_HEAT_LEVELS - 1 : level;
}

/* ---- geometry ---- */

static void
matrix_label(const struct matrix_data *d, uint32_t i, char *buf, size_t n)
{
	if (d->labels != NULL && d->labels[i] != NULL)
		snprintf(buf, n, "%s", d->labels[i]);
	else
		snprintf(buf, n, "%u", i);
}

static uint64_t
matrix_count(const struct matrix_data *d, uint32_t r, uint32_t c)
{
	return d->counts[(size_t)r * d->n + c];
}

static uint64_t
matrix_row_total(const struct matrix_data *d, uint32_t r)
{
	uint64_t t = 0;

	for (uint32_t c = 0; c < d->n; c++)
		t += matrix_count(d, r, c);
	return t;
}

static int
matrix_widest_label(const struct matrix_data *d)
{
	int w = 0;

	for (uint32_t i = 0; i < d->n; i++) {
		char buf[NAME_MAX];
		int lw;

		matrix_label(d, i, buf, sizeof buf);
		lw = grid_text_width(buf);
		if (lw > w)
			w = lw;
	}
	return w;
}

/* Width of the widest cell value: "100" for percentages, else the counts. */
static int
matrix_value_width(const struct matrix_data *d, const struct matrix_opts *o)
{
	uint64_t max = 0;
	char buf[32];

	if (o->normalized)
		return 3;
	for (size_t i = 0; i < (size_t)d->n * d->n; i++)
		if (d->counts[i] > max)
			max = d->counts[i];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)max);
	return strlen(buf) < 3 ? 3 : (int)strlen(buf);
}

static int
matrix_has_macro(const struct matrix_data *d)
{
	return !isnan(d->macro_precision) || !isnan(d->macro_recall) || !isnan(d->macro_f1) ||
	       !isnan(d->accuracy);
}

static uint32_t
matrix_min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Cell width: wide enough for the column labels when that costs no column. */
static int
matrix_cell_width(const struct matrix_data *d, int val_w, int avail)
{
	int label = matrix_widest_label(d);
	int wide = (label > HEADER_MAX ? HEADER_MAX : label);
	int narrow = val_w + 1;

	if (wide < val_w)
		wide = val_w;
	wide += 1;
	if (avail / wide >= (int)d->n || avail / wide >= avail / narrow)
		return wide;
	return narrow;
}

void
matrix_measure(int x, int y, int w, int h, const struct matrix_data *d,
	       const struct matrix_opts *o, struct matrix_view *v)
{
	int val_w = matrix_value_width(d, o);
	int avail, rows;

	memset(v, 0, sizeof *v);
	v->x = x;
	v->y = y;
	v->w = w;
	v->h = h;
	v->prf_x = -1;
	v->macro_y = -1;
	/* The label column keeps one blank column before the first cell. */
	v->label_w = matrix_widest_label(d) + 1;
	if (v->label_w < LABEL_MIN + 1)
		v->label_w = LABEL_MIN + 1;
	if (v->label_w > LABEL_MAX + 1)
		v->label_w = LABEL_MAX + 1;
	if (v->label_w > w / 3 && w / 3 >= LABEL_MIN + 1)
		v->label_w = w / 3;
	avail = w - v->label_w;
	/* P/R/F1 only when the cells keep at least a few columns. */
	if (d->precision != NULL && avail - PRF_W >= (val_w + 1) * (int)matrix_min_u32(d->n, 3))
		avail -= PRF_W;
	else
		avail = w - v->label_w;
	v->cell_w = matrix_cell_width(d, val_w, avail);
	v->max_cols = avail > 0 ? (uint32_t)(avail / v->cell_w) : 0;
	if (d->precision != NULL && avail < w - v->label_w)
		v->prf_x = x + v->label_w + (int)matrix_min_u32(v->max_cols, d->n) * v->cell_w + 2;
	rows = h - 1;
	if (matrix_has_macro(d) && h >= 3) {
		rows--;
		v->macro_y = 0;	/* placed below the last visible row, later */
	}
	v->max_rows = rows > 0 ? (uint32_t)rows : 0;
	v->row0 = d->n > v->max_rows ? matrix_min_u32(o->row0, d->n - v->max_rows) : 0;
	v->col0 = d->n > v->max_cols ? matrix_min_u32(o->col0, d->n - v->max_cols) : 0;
	v->nrows = matrix_min_u32(v->max_rows, d->n - v->row0);
	v->ncols = matrix_min_u32(v->max_cols, d->n - v->col0);
	v->cells_x = x + v->label_w;
	v->cells_y = y + 1;
	if (v->macro_y == 0)
		v->macro_y = v->cells_y + (int)v->nrows;
}

void
matrix_scroll_to_cursor(struct matrix_opts *o, const struct matrix_data *d,
			const struct matrix_view *v)
{
	if (d->n == 0) {
		o->cr = o->cc = o->row0 = o->col0 = 0;
		return;
	}
	if (o->cr >= d->n)
		o->cr = d->n - 1;
	if (o->cc >= d->n)
		o->cc = d->n - 1;
	if (o->cr < o->row0)
		o->row0 = o->cr;
	else if (v->max_rows > 0 && o->cr >= o->row0 + v->max_rows)
		o->row0 = o->cr - v->max_rows + 1;
	if (o->cc < o->col0)
		o->col0 = o->cc;
	else if (v->max_cols > 0 && o->cc >= o->col0 + v->max_cols)
		o->col0 = o->cc - v->max_cols + 1;
}

int
matrix_cell_at(const struct matrix_view *v, int gx, int gy, uint32_t *row, uint32_t *col)
{
	int dx = gx - v->cells_x;
	int dy = gy - v->cells_y;

	if (dx < 0 || dy < 0 || v->cell_w <= 0)
		return -1;
	if (dy >= (int)v->nrows || dx / v->cell_w >= (int)v->ncols)
		return -1;
	*row = v->row0 + (uint32_t)dy;
	*col = v->col0 + (uint32_t)(dx / v->cell_w);
	return 0;
}

/* ---- drawing ---- */

/* Text right-aligned in width columns ending at x + width. */
static void
matrix_right(struct grid *g, int x, int y, int width, const char *s, uint8_t role,
	     uint8_t attr)
{
	int sw = grid_text_width(s);

	if (sw > width)
		sw = width;
	grid_text(g, x + width - sw, y, s, width, role, attr);
}

static int
matrix_is_cursor(const struct matrix_opts *o, uint32_t r, uint32_t c)
{
	return o->cursor && o->cr == r && o->cc == c;
}

static void
matrix_draw_header(struct grid *g, const struct matrix_data *d, const struct matrix_opts *o,
		   const struct matrix_view *v)
{
	const char *corner = v->label_w >= 9 ? "true\\pred" : "t\\p";

	grid_text(g, v->x, v->y, corner, v->label_w, GRID_ROLE_DIM, 0);
	for (uint32_t i = 0; i < v->ncols; i++) {
		uint32_t c = v->col0 + i;
		char name[NAME_MAX];
		uint8_t attr = o->cursor && o->cc == c ? GRID_ATTR_BOLD | GRID_ATTR_UNDERLINE : 0;
		int cx = v->cells_x + (int)i * v->cell_w + 1;

		/* Abbreviate by cutting: an ellipsis would eat a third of "pos". */
		matrix_label(d, c, name, sizeof name);
		if (grid_text_width(name) > v->cell_w - 1)
			grid_text(g, cx, v->y, name, v->cell_w - 1, GRID_ROLE_LABEL_NAME, attr);
		else
			matrix_right(g, cx, v->y, v->cell_w - 1, name, GRID_ROLE_LABEL_NAME, attr);
	}
	if (v->prf_x < 0)
		return;
	grid_put(g, v->prf_x - 1, v->y, g->ascii ? '|' : 0x2502, GRID_ROLE_BORDER, 0);
	matrix_right(g, v->prf_x, v->y, PRF_FIG_W, "P", GRID_ROLE_TITLE, 0);
	matrix_right(g, v->prf_x + PRF_FIG_W, v->y, PRF_FIG_W, "R", GRID_ROLE_TITLE, 0);
	matrix_right(g, v->prf_x + 2 * PRF_FIG_W, v->y, PRF_FIG_W, "F1", GRID_ROLE_TITLE, 0);
}

static void
matrix_draw_cell(struct grid *g, const struct matrix_data *d, const struct matrix_opts *o,
		 const struct matrix_view *v, uint32_t r, uint32_t c, uint64_t total)
{
	uint64_t n = matrix_count(d, r, c);
	int cx = v->cells_x + (int)(c - v->col0) * v->cell_w + 1;
	int cy = v->cells_y + (int)(r - v->row0);
	uint8_t role = (uint8_t)(GRID_ROLE_MATRIX_HEAT0 + matrix_heat_level(n, total));
	uint8_t attr = 0;
	char buf[32];

	if (r == c) {
		role = GRID_ROLE_MATRIX_DIAG;
		attr = GRID_ATTR_BOLD;
	}
	if (matrix_is_cursor(o, r, c))
		attr |= GRID_ATTR_REVERSE;
	if (n == 0)
		snprintf(buf, sizeof buf, "%s", g->ascii ? "." : "\xC2\xB7");	/* · */
	else if (o->normalized)
		snprintf(buf, sizeof buf, "%.0f", 100.0 * (double)n / (double)total);
	else
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
	grid_fill(g, cx, cy, v->cell_w - 1, 1, ' ', role, attr);
	matrix_right(g, cx, cy, v->cell_w - 1, buf, role, attr);
}

static void
matrix_fig(struct grid *g, int x, int y, double v)
{
	char buf[16];

	if (isnan(v))
		return;
	snprintf(buf, sizeof buf, "%.2f", v);
	matrix_right(g, x, y, PRF_FIG_W, buf, GRID_ROLE_DEFAULT, 0);
}

static void
matrix_draw_row(struct grid *g, const struct matrix_data *d, const struct matrix_opts *o,
		const struct matrix_view *v, uint32_t r)
{
	int cy = v->cells_y + (int)(r - v->row0);
	uint64_t total = matrix_row_total(d, r);
	uint8_t attr = o->cursor && o->cr == r ? GRID_ATTR_BOLD | GRID_ATTR_UNDERLINE : 0;
	char name[NAME_MAX], cut[NAME_MAX + 4];

	matrix_label(d, r, name, sizeof name);
	grid_truncate(name, v->label_w - 1, g->ascii, cut, sizeof cut);
	grid_text(g, v->x, cy, cut, v->label_w - 1, GRID_ROLE_LABEL_NAME, attr);
	for (uint32_t i = 0; i < v->ncols; i++)
		matrix_draw_cell(g, d, o, v, r, v->col0 + i, total);
	if (v->prf_x < 0)
		return;
	grid_put(g, v->prf_x - 1, cy, g->ascii ? '|' : 0x2502, GRID_ROLE_BORDER, 0);
	matrix_fig(g, v->prf_x, cy, d->precision[r]);
	matrix_fig(g, v->prf_x + PRF_FIG_W, cy, d->recall != NULL ? d->recall[r] : NAN);
	matrix_fig(g, v->prf_x + 2 * PRF_FIG_W, cy, d->f1 != NULL ? d->f1[r] : NAN);
}

static void
matrix_draw_macro(struct grid *g, const struct matrix_data *d, const struct matrix_view *v)
{
	char buf[64];
	int x = v->cells_x + 1;
	int y = v->macro_y;

	grid_text(g, v->x, y, "macro", v->label_w, GRID_ROLE_TITLE, 0);
	if (!isnan(d->accuracy)) {
		snprintf(buf, sizeof buf, "acc %.2f", d->accuracy);
		x += grid_text(g, x, y, buf, v->x + v->w - x, GRID_ROLE_DEFAULT, 0) + 2;
	}
	if (v->prf_x >= 0) {
		grid_put(g, v->prf_x - 1, y, g->ascii ? '|' : 0x2502, GRID_ROLE_BORDER, 0);
		matrix_fig(g, v->prf_x, y, d->macro_precision);
		matrix_fig(g, v->prf_x + PRF_FIG_W, y, d->macro_recall);
		matrix_fig(g, v->prf_x + 2 * PRF_FIG_W, y, d->macro_f1);
		return;
	}
	/* No P/R/F1 columns: the macro figures go on the line as text. */
	if (!isnan(d->macro_f1)) {
		snprintf(buf, sizeof buf, "F1 %.2f", d->macro_f1);
		grid_text(g, x, y, buf, v->x + v->w - x, GRID_ROLE_DEFAULT, 0);
	}
}

void
matrix_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
	    const struct matrix_opts *o, struct matrix_view *v)
{
	struct matrix_view local;

	if (v == NULL)
		v = &local;
	if (w <= 0 || h <= 0) {
		memset(v, 0, sizeof *v);
		return;
	}
	grid_fill(g, x, y, w, h, ' ', GRID_ROLE_DEFAULT, 0);
	if (d->n == 0) {
		memset(v, 0, sizeof *v);
		grid_text(g, x, y, "no evaluation yet", w, GRID_ROLE_DIM, 0);
		return;
	}
	matrix_measure(x, y, w, h, d, o, v);
	matrix_draw_header(g, d, o, v);
	for (uint32_t i = 0; i < v->nrows; i++)
		matrix_draw_row(g, d, o, v, v->row0 + i);
	if (v->macro_y >= 0)
		matrix_draw_macro(g, d, v);
}
