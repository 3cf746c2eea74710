/*
 * matrix.c - the confusion matrix rendered into a cell grid. See matrix.h.
 */
#include "tunetop/matrix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	LABEL_MIN = 5,		/* row label column, at least ("macro") */
	LABEL_MAX = 20,		/* and at most */
	LABEL_SHRINK = 9,	/* narrowed to this (8 columns and a space) to show every column */
	HEADER_MAX = 6,		/* column labels widen cells up to this */
	PRF_W = 17,		/* " │" + three 5-column figures (+ the support column) */
	PRF_FIG_W = 5,
	MORE_MIN = 3,		/* room for " +N›" after the last column, less N's digits */
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

uint32_t
matrix_class(const struct matrix_data *d, uint32_t i)
{
	return d->order != NULL && i < d->n ? d->order[i] : i;
}

uint32_t
matrix_position(const struct matrix_data *d, uint32_t c)
{
	if (d->order == NULL)
		return c < d->n ? c : d->n;
	for (uint32_t i = 0; i < d->n; i++)
		if (d->order[i] == c)
			return i;
	return d->n;
}

/* ---- order ---- */

static const char *const matrix_sort_names[MATRIX_SORT_COUNT] = {
	"class", "errors", "f1", "support"
};

const char *
matrix_sort_name(enum matrix_sort s)
{
	return (unsigned)s < MATRIX_SORT_COUNT ? matrix_sort_names[s] : NULL;
}

int
matrix_sort_lookup(const char *name)
{
	for (int i = 0; i < MATRIX_SORT_COUNT; i++)
		if (strcmp(name, matrix_sort_names[i]) == 0)
			return i;
	return -1;
}

/* The sort key of class c, larger first; NaN F1 sorts last. */
static double
matrix_sort_key(const struct matrix_data *d, enum matrix_sort s, uint32_t c)
{
	uint64_t total = 0;

	if (s == MATRIX_SORT_F1)
		return d->f1 == NULL || isnan(d->f1[c]) ? -INFINITY : -d->f1[c];
	if (d->counts == NULL)
		return 0;
	for (uint32_t j = 0; j < d->n; j++)
		total += d->counts[(size_t)c * d->n + j];
	if (s == MATRIX_SORT_ERRORS)
		return (double)(total - d->counts[(size_t)c * d->n + c]);
	return (double)total;
}

void
matrix_order(const struct matrix_data *d, enum matrix_sort s, uint32_t *order)
{
	double *key = NULL;

	for (uint32_t i = 0; i < d->n; i++)
		order[i] = i;
	if (s == MATRIX_SORT_CLASS || d->n < 2 || (key = malloc(d->n * sizeof *key)) == NULL)
		return;
	for (uint32_t i = 0; i < d->n; i++)
		key[i] = matrix_sort_key(d, s, i);
	/* Insertion sort, stable: a few hundred classes at most. */
	for (uint32_t i = 1; i < d->n; i++) {
		uint32_t c = order[i], j = i;

		while (j > 0 && key[order[j - 1]] < key[c]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = c;
	}
	free(key);
}

/* ---- geometry ---- */

/* The name of the class at display position i. */
static void
matrix_label(const struct matrix_data *d, uint32_t i, char *buf, size_t n)
{
	uint32_t c = matrix_class(d, i);

	if (d->labels != NULL && d->labels[c] != NULL)
		snprintf(buf, n, "%s", d->labels[c]);
	else
		snprintf(buf, n, "%u", c);
}

/* The count at display position (r, c). */
static uint64_t
matrix_count(const struct matrix_data *d, uint32_t r, uint32_t c)
{
	return d->counts[(size_t)matrix_class(d, r) * d->n + matrix_class(d, c)];
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
matrix_digits(uint64_t v)
{
	char buf[32];

	return snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
}

/* Width of the support column: " n" over the largest row total. */
static int
matrix_support_width(const struct matrix_data *d)
{
	uint64_t all = 0;

	for (uint32_t r = 0; r < d->n; r++)
		all += matrix_row_total(d, r);
	return 1 + (matrix_digits(all) < 2 ? 2 : matrix_digits(all));
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

/*
 * Width of the P/R/F1(/n) block, 0 when it is left out. The columns of the
 * matrix come first: the block (with the support column n, or without it)
 * is shown when every column still fits beside it, or when with many
 * classes fewer than half the columns would fit even without it (and three
 * remain beside it). *n_w becomes 0 when the support column is dropped.
 */
static int
matrix_prf_width(const struct matrix_data *d, int val_w, int avail, int *n_w)
{
	int all = (val_w + 1) * (int)d->n;
	/* Three columns and the "+N›" that counts the hidden ones. */
	int some = (val_w + 1) * (int)matrix_min_u32(d->n, 3) + MORE_MIN + matrix_digits(d->n);
	int many = 2 * avail < all;

	if (d->precision == NULL)
		return 0;
	if (avail - PRF_W - *n_w >= all || (many && avail - PRF_W - *n_w >= some))
		return PRF_W + *n_w;
	*n_w = 0;
	if (avail - PRF_W >= all || (many && avail - PRF_W >= some))
		return PRF_W;
	return 0;
}

void
matrix_measure(int x, int y, int w, int h, const struct matrix_data *d,
	       const struct matrix_opts *o, struct matrix_view *v)
{
	int val_w = matrix_value_width(d, o);
	int avail, rows, prf_w;

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
	/* Shorter row labels rather than a hidden column, down to LABEL_SHRINK. */
	if (v->label_w + (val_w + 1) * (int)d->n > w && w - (val_w + 1) * (int)d->n >= LABEL_SHRINK)
		v->label_w = w - (val_w + 1) * (int)d->n;
	avail = w - v->label_w;
	v->n_w = matrix_support_width(d);
	prf_w = matrix_prf_width(d, val_w, avail, &v->n_w);
	avail -= prf_w;
	v->cell_w = matrix_cell_width(d, val_w, avail);
	v->max_cols = avail > 0 ? (uint32_t)(avail / v->cell_w) : 0;
	/* Hidden columns are announced ("+N›"): make room for it after the last. */
	while (v->max_cols > 1 && v->max_cols < d->n &&
	       avail - (int)v->max_cols * v->cell_w < MORE_MIN + matrix_digits(d->n))
		v->max_cols--;
	if (prf_w > 0)
		v->prf_x = x + v->label_w + (int)matrix_min_u32(v->max_cols, d->n) * v->cell_w + 2 +
			   (v->max_cols < d->n ? avail - (int)v->max_cols * v->cell_w : 0);
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

/* The first w columns (0) or the last w columns (1) of the name at position i. */
static void
matrix_cut(const struct matrix_data *d, uint32_t i, int w, int tail, char *out, size_t n)
{
	char name[NAME_MAX];
	int len, skip = 0;

	matrix_label(d, i, name, sizeof name);
	len = grid_text_width(name);
	if (tail && len > w) {
		/* Labels are mostly ASCII; step by bytes until the rest fits. */
		while (name[skip] != '\0' && grid_text_width(name + skip) > w)
			skip++;
		while ((name[skip] & 0xC0) == 0x80)
			skip++;
	}
	snprintf(out, n, "%s", name + skip);
	/* Cut at a character boundary until it fits. */
	for (len = (int)strlen(out); len > 0 && grid_text_width(out) > w;) {
		do
			len--;
		while (len > 0 && (out[len] & 0xC0) == 0x80);
		out[len] = '\0';
	}
}

/*
 * How column labels are abbreviated to w columns: 0 by their start ("bug",
 * "acc"), 1 by their end when the starts collide ("_07" for class_07), 2 by
 * the class number (1-based) when both collide. The row labels and the
 * title's "col: NAME" are the legend.
 */
static int
matrix_abbrev_kind(const struct matrix_data *d, int w)
{
	for (int kind = 0; kind < 2; kind++) {
		int unique = 1;

		for (uint32_t i = 0; i < d->n && unique; i++) {
			char a[NAME_MAX];

			matrix_cut(d, i, w, kind, a, sizeof a);
			for (uint32_t j = i + 1; j < d->n && unique; j++) {
				char b[NAME_MAX];

				matrix_cut(d, j, w, kind, b, sizeof b);
				unique = strcmp(a, b) != 0;
			}
		}
		if (unique)
			return kind;
	}
	return 2;
}

static void
matrix_abbrev(const struct matrix_data *d, uint32_t i, int w, int kind, char *out, size_t n)
{
	if (kind == 2)
		snprintf(out, n, "%u", matrix_class(d, i) + 1);
	else
		matrix_cut(d, i, w, kind, out, n);
}

/* After the last visible column: how many columns are hidden to the right. */
static void
matrix_draw_more(struct grid *g, const struct matrix_data *d, const struct matrix_view *v)
{
	uint32_t right = d->n - v->col0 - v->ncols;
	int x = v->cells_x + (int)v->ncols * v->cell_w + 1;
	int room = (v->prf_x >= 0 ? v->prf_x - 2 : v->x + v->w) - x;
	const char *arrow = g->ascii ? ">" : "\xE2\x80\xBA";	/* › */
	char buf[48];

	if (right == 0 || room <= 0)
		return;
	snprintf(buf, sizeof buf, "+%u more%s", right, arrow);
	if (grid_text_width(buf) > room)
		snprintf(buf, sizeof buf, "+%u%s", right, arrow);
	grid_text(g, x, v->y, buf, room, GRID_ROLE_TITLE, 0);
}

static void
matrix_draw_header(struct grid *g, const struct matrix_data *d, const struct matrix_opts *o,
		   const struct matrix_view *v)
{
	const char *corner = v->label_w >= 9 ? "true\\pred" : "t\\p";
	int abbrev = matrix_abbrev_kind(d, v->cell_w - 1);
	char more[48];

	if (v->col0 > 0) {
		snprintf(more, sizeof more, "%s+%u", g->ascii ? "<" : "\xE2\x80\xB9", v->col0);
		grid_text(g, v->x, v->y, more, v->label_w, GRID_ROLE_TITLE, 0);
	} else {
		grid_text(g, v->x, v->y, corner, v->label_w, GRID_ROLE_DIM, 0);
	}
	matrix_draw_more(g, d, v);
	for (uint32_t i = 0; i < v->ncols; i++) {
		uint32_t c = v->col0 + i;
		char name[NAME_MAX];
		uint8_t attr = o->cursor && o->cc == c ? GRID_ATTR_BOLD | GRID_ATTR_UNDERLINE : 0;
		int cx = v->cells_x + (int)i * v->cell_w + 1;

		matrix_abbrev(d, c, v->cell_w - 1, abbrev, name, sizeof name);
		matrix_right(g, cx, v->y, v->cell_w - 1, name, GRID_ROLE_LABEL_NAME, attr);
	}
	if (v->prf_x < 0)
		return;
	grid_put(g, v->prf_x - 1, v->y, g->ascii ? '|' : 0x2502, GRID_ROLE_BORDER, 0);
	matrix_right(g, v->prf_x, v->y, PRF_FIG_W, "P", GRID_ROLE_TITLE, 0);
	matrix_right(g, v->prf_x + PRF_FIG_W, v->y, PRF_FIG_W, "R", GRID_ROLE_TITLE, 0);
	matrix_right(g, v->prf_x + 2 * PRF_FIG_W, v->y, PRF_FIG_W, "F1", GRID_ROLE_TITLE, 0);
	if (v->n_w > 0)
		matrix_right(g, v->prf_x + 3 * PRF_FIG_W, v->y, v->n_w, "n", GRID_ROLE_TITLE, 0);
}

static void
matrix_count_at(struct grid *g, int x, int y, int w, uint64_t n)
{
	char buf[32];

	if (w <= 0)
		return;
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)n);
	matrix_right(g, x, y, w, buf, GRID_ROLE_DIM, 0);
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
	r = matrix_class(d, r);
	matrix_fig(g, v->prf_x, cy, d->precision[r]);
	matrix_fig(g, v->prf_x + PRF_FIG_W, cy, d->recall != NULL ? d->recall[r] : NAN);
	matrix_fig(g, v->prf_x + 2 * PRF_FIG_W, cy, d->f1 != NULL ? d->f1[r] : NAN);
	matrix_count_at(g, v->prf_x + 3 * PRF_FIG_W, cy, v->n_w, total);
}

/* "+N↑ +M↓" for hidden rows, into buf ("" when every row shows). */
static void
matrix_rows_more(struct grid *g, const struct matrix_data *d, const struct matrix_view *v,
		 char *buf, size_t size)
{
	uint32_t below = d->n - v->row0 - v->nrows;
	int n = 0;

	buf[0] = '\0';
	if (v->row0 > 0)
		n = snprintf(buf, size, "+%u%s", v->row0, g->ascii ? "^" : "\xE2\x86\x91");
	if (below > 0)
		snprintf(buf + n, size - (size_t)n, "%s+%u%s", n > 0 ? " " : "", below,
			 g->ascii ? "v" : "\xE2\x86\x93");
}

/* Text at x if it fits whole before end; returns the new x (after two spaces). */
static int
matrix_macro_text(struct grid *g, int x, int y, int end, const char *s)
{
	if (x + grid_text_width(s) > end)
		return end;
	return x + grid_text(g, x, y, s, end - x, GRID_ROLE_DEFAULT, 0) + 2;
}

/*
 * The last row: "macro", the accuracy, the macro figures (under P/R/F1/n,
 * or as text), and right-aligned before P/R/F1 how many rows are hidden.
 * The hidden-rows count wins over the text when space is short.
 */
static void
matrix_draw_macro(struct grid *g, const struct matrix_data *d, const struct matrix_view *v)
{
	char buf[64], more[64];
	int x = v->cells_x + 1;
	int y = v->macro_y;
	int end = v->prf_x >= 0 ? v->prf_x - 2 : v->x + v->w;
	uint64_t all = 0;

	for (uint32_t r = 0; r < d->n; r++)
		all += matrix_row_total(d, r);
	grid_text(g, v->x, y, "macro", v->label_w, GRID_ROLE_TITLE, 0);
	matrix_rows_more(g, d, v, more, sizeof more);
	if (more[0] != '\0') {
		int mx = end - grid_text_width(more);

		if (mx < v->x + 6)
			mx = v->x + 6;
		grid_text(g, mx, y, more, end - mx, GRID_ROLE_TITLE, 0);
		end = mx - 1;
	}
	if (!isnan(d->accuracy)) {
		snprintf(buf, sizeof buf, "acc %.2f", d->accuracy);
		x = matrix_macro_text(g, x, y, end, buf);
	}
	if (v->prf_x >= 0) {
		grid_put(g, v->prf_x - 1, y, g->ascii ? '|' : 0x2502, GRID_ROLE_BORDER, 0);
		matrix_fig(g, v->prf_x, y, d->macro_precision);
		matrix_fig(g, v->prf_x + PRF_FIG_W, y, d->macro_recall);
		matrix_fig(g, v->prf_x + 2 * PRF_FIG_W, y, d->macro_f1);
		matrix_count_at(g, v->prf_x + 3 * PRF_FIG_W, y, v->n_w, all);
		return;
	}
	/* No P/R/F1 columns: the macro F1 goes on the line as text. */
	if (!isnan(d->macro_f1)) {
		snprintf(buf, sizeof buf, "F1 %.2f", d->macro_f1);
		matrix_macro_text(g, x, y, end, buf);
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
