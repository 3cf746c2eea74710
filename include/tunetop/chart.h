/*
 * chart.h - line charts of training curves rendered into a cell grid.
 *
 * chart_draw fills a rectangle of a grid: a title row with the legend, the
 * plot with y tick labels on the left, and x tick labels (steps) in the
 * bottom row. The plot uses Unicode braille cells (2x4 dots per cell) or,
 * without braille, one ASCII character per cell. Lines join consecutive
 * points; a NaN (or, on a log scale, a non-positive value) leaves a gap.
 * When two series touch the same cell, the one drawn later gives the cell
 * its role, so pass the faint previous run first.
 */
#ifndef TUNETOP_CHART_H
#define TUNETOP_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/grid.h"

struct chart_series {
	const double *x;	/* n x values (steps), ascending; NULL = 0, 1, 2 ... */
	const double *y;	/* n y values; NaN = gap */
	size_t n;
	uint8_t role;		/* enum grid_role, e.g. GRID_ROLE_CHART_TRAIN */
	const char *name;	/* legend entry; NULL = none */
	int faint;		/* drawn dim (the previous run, for comparison) */
	/*
	 * Drawn in dashes, each point marked with a small block, and "┅" in the
	 * legend: told apart from a solid series without color (NO_COLOR, the
	 * mono theme). ASCII mode tells series apart by their glyphs anyway.
	 */
	int dashed;
};

struct chart_marker {
	double x;
	char kind;		/* 'h' hyperparameter change, 'p' pause, */
				/* 'c' checkpoint, 'b' best */
	const char *label;	/* e.g. "lr 0.5"; NULL = a default for the kind */
};

struct chart_opts {
	int braille;		/* braille dots; 0 = ASCII (also forced by grid->ascii) */
	int logy;		/* log10 y axis */
	double ema;		/* smoothing weight 0..1 (TensorBoard's), 0 = off */
	double xmin, xmax;	/* x range; NAN = from the data */
	int last_n;		/* > 0: show only the last last_n steps (x units) */
	const char *title;	/* NULL = legend only */
};

/* Braille on, linear, no smoothing, automatic x range, no title. */
void chart_opts_init(struct chart_opts *o);

/*
 * Draw into (x, y, w, h) of g (opts NULL: chart_opts_init's defaults).
 * Returns 0, or -1 when the rectangle is too small for a plot (then only
 * what fits of the title row is drawn). With no drawable point the plot
 * area says "no data yet" ("no data in range" when the x range excludes
 * all of it). Layout: title and legend in the top row, y labels and axis
 * on the left, x labels (steps) in the bottom row.
 */
int chart_draw(struct grid *g, int x, int y, int w, int h, const struct chart_series *series,
	       size_t nseries, const struct chart_marker *markers, size_t nmarkers,
	       const struct chart_opts *opts);

/*
 * Exponential moving average, debiased like TensorBoard's smoothing:
 * last = last * weight + (1 - weight) * y; out = last / (1 - weight^k) after
 * k finite values. Non-finite values pass through unchanged and do not
 * update the average. out may equal y. Weights >= 1 are clamped to 0.999.
 */
void chart_ema(const double *y, size_t n, double weight, double *out);

/*
 * Tick values for an axis from lo to hi, at most max ticks, ascending.
 * Linear: the multiples within [lo, hi] of the smallest step of 1, 2 or
 * 5 x 10^k that gives at most max (the range is not widened: the chart's
 * ranges hug the data so that few rows are wasted). Log (log != 0; lo > 0):
 * powers of ten within [lo, hi], thinned to every k-th decade to respect
 * max; with fewer than two in range, 1/2/5 x 10^k values; with still fewer,
 * the range is widened to whole decades. Returns the number of ticks.
 */
int chart_ticks(double *lo, double *hi, int log, int max, double *ticks);

/*
 * A compact tick label: 0, 0.5, 2.25, 120, 1.2k, 15M, 3e-4, 2.5e-5.
 * Writes at most n bytes (NUL included) and returns the length.
 */
int chart_fmt(double v, char *buf, size_t n);

#endif
