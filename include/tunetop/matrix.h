/*
 * matrix.h - the confusion matrix rendered into a cell grid.
 *
 * Layout inside the rectangle:
 *
 *   true\pred  pos  neg  neu │    P    R   F1   n
 *   positive    50    3    2 │ 0.91 0.91 0.91  55
 *   negative     4   40    6 │ ...
 *   neutral      1    5   30 │
 *   macro  acc 0.86          │ 0.86 0.86 0.86 141
 *
 * The first row holds the column labels (truncated to the cell width), the
 * first column the row labels (truncated with an ellipsis); both stay while
 * the cells scroll. Cells show counts, or row-normalized percentages
 * (the share of the true class's examples predicted as each class). The
 * cell's role is the heat ramp by that share (matrix.heat0 for an empty
 * cell up to matrix.heat5), the diagonal uses matrix.diag in bold, the
 * cursor cell is drawn in reverse. Per-class precision, recall and F1 sit
 * right of the cells when they fit; the macro figures are on the last row.
 *
 * The geometry does not depend on the scroll offset, so the UI can measure
 * once (matrix_measure) and scroll the cursor into view before drawing.
 */
#ifndef TUNETOP_MATRIX_H
#define TUNETOP_MATRIX_H

#include <stdint.h>

#include "tunetop/grid.h"

struct matrix_data {
	uint32_t n;			/* classes */
	const uint64_t *counts;		/* n * n, row = true, col = predicted */
	const char *const *labels;	/* n names; NULL = class numbers */
	const double *precision;	/* n each; NULL = no P/R/F1 columns */
	const double *recall;
	const double *f1;
	double macro_precision;		/* NaN = not shown */
	double macro_recall;
	double macro_f1;
	double accuracy;		/* NaN = not shown */
	const uint32_t *order;		/* n: display position -> class; NULL = class order */
};

/* Orders for matrix_order. */
enum matrix_sort {
	MATRIX_SORT_CLASS,	/* the label set's order */
	MATRIX_SORT_ERRORS,	/* most misclassified examples (row total - diagonal) first */
	MATRIX_SORT_F1,		/* lowest F1 first */
	MATRIX_SORT_SUPPORT,	/* most examples first */
	MATRIX_SORT_COUNT
};

struct matrix_opts {
	int normalized;		/* row-normalized percentages, else counts */
	uint32_t row0, col0;	/* first visible row and column */
	int cursor;		/* highlight the cursor cell */
	uint32_t cr, cc;	/* cursor: row (true class), column (predicted) */
};

/* Where things landed; filled by matrix_measure and matrix_draw. */
struct matrix_view {
	int x, y, w, h;		/* the rectangle */
	int label_w;		/* row label column width */
	int cell_w;		/* width of one cell, separating space included */
	int cells_x, cells_y;	/* grid position of the first visible cell */
	uint32_t row0, col0;	/* first visible row and column (clamped) */
	uint32_t nrows, ncols;	/* how many rows and columns are visible */
	uint32_t max_rows;	/* rows and columns that fit, whatever the scroll */
	uint32_t max_cols;
	int prf_x;		/* column of the P/R/F1 block; -1 = not shown */
	int n_w;		/* width of its support column */
	int macro_y;		/* row of the macro line; -1 = not shown */
};

/* Default options: counts, no scroll, no cursor. */
void matrix_opts_init(struct matrix_opts *o);

/* Compute the geometry of drawing d with o into (x, y, w, h). */
void matrix_measure(int x, int y, int w, int h, const struct matrix_data *d,
		    const struct matrix_opts *o, struct matrix_view *v);

/*
 * Draw. v (may be NULL) receives the geometry. With n == 0 the rectangle
 * says "no evaluation yet".
 */
void matrix_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
		 const struct matrix_opts *o, struct matrix_view *v);

/*
 * Scroll o->row0/col0 as little as possible so the cursor is visible in a
 * view measured for the same rectangle; also clamps the cursor to the matrix.
 */
void matrix_scroll_to_cursor(struct matrix_opts *o, const struct matrix_data *d,
			     const struct matrix_view *v);

/*
 * The matrix cell at grid position (gx, gy): 0 and *row, *col set, or -1
 * when the position is not on a visible cell.
 */
int matrix_cell_at(const struct matrix_view *v, int gx, int gy, uint32_t *row, uint32_t *col);

/* Heat level 0 .. GRID_HEAT_LEVELS - 1 of count within a row of row_total. */
int matrix_heat_level(uint64_t count, uint64_t row_total);

/* The class shown at display position i. */
uint32_t matrix_class(const struct matrix_data *d, uint32_t i);
/* The display position of class c (n if out of range). */
uint32_t matrix_position(const struct matrix_data *d, uint32_t c);
/*
 * Fill order[0..n) with the classes in sort order s; ties keep class order.
 * MATRIX_SORT_ERRORS and _SUPPORT need counts, _F1 needs f1 (else class order).
 */
void matrix_order(const struct matrix_data *d, enum matrix_sort s, uint32_t *order);
/* "class", "errors", "f1", "support"; NULL when out of range. */
const char *matrix_sort_name(enum matrix_sort s);
/* The sort named name, or -1. */
int matrix_sort_lookup(const char *name);

/* ---- top confusions (matrix-pairs.c) ---- */

/* One off-diagonal cell: true class, predicted class, its count. */
struct matrix_pair {
	uint32_t t, p;
	uint64_t count;
};

/*
 * The nonzero off-diagonal cells of d, most examples first (ties: true
 * class, then predicted class, in class order). *out is malloc'd (NULL
 * when there are none); returns how many.
 */
size_t matrix_pairs(const struct matrix_data *d, struct matrix_pair **out);

/*
 * Draw the list into (x, y, w, h):
 *
 *   errors  true → predicted          of true
 *       12  billing → shipping            14%
 *        7  how_to → bug_report            9%
 *   3 of 24 pairs · 41 errors in 312 · acc 0.87
 *
 * *first is the first listed pair: it is scrolled so that sel is visible
 * (sel is highlighted when cursor is set). A long name is cut with an
 * ellipsis, never dropped; the last row says how many pairs there are.
 */
void matrix_pairs_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
		       const struct matrix_pair *pairs, size_t npairs, size_t sel, int cursor,
		       size_t *first);

/* ---- per-class table (matrix-table.c) ---- */

/*
 * The per-class figures alone, one row per class in d->order (counts may be
 * NULL: multi-label data has no confusion matrix), support from support[]:
 *
 *   label           P    R   F1    n
 *   sports       0.91 0.91 0.91   55
 *   ...
 *   macro        0.86 0.86 0.86  141     (+N↓ when rows are hidden)
 *
 * *row0 is scrolled so that sel is visible; sel is highlighted when cursor
 * is set.
 */
void matrix_table_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
		       const uint64_t *support, uint32_t sel, int cursor, uint32_t *row0);

#endif
