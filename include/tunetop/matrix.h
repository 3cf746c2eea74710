/*
 * matrix.h - the confusion matrix rendered into a cell grid.
 *
 * Layout inside the rectangle:
 *
 *   true\pred  pos  neg  neu │    P    R   F1
 *   positive    50    3    2 │ 0.91 0.91 0.91
 *   negative     4   40    6 │ ...
 *   neutral      1    5   30 │
 *   macro  acc 0.86          │ 0.86 0.86 0.86
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

#endif
