/*
 * grid.h - a plain cell grid that panes render into (no curses here).
 *
 * The UI blits a grid to the terminal; tests turn it into text with
 * grid_to_text and compare. Each cell holds one Unicode code point, a
 * semantic color role (resolved to colors by theme.c) and attribute bits.
 * A double-width character occupies two cells: the code point in the left
 * one and cp == 0 (a continuation) in the right one.
 *
 * Coordinates are 0-based columns (x) and rows (y). Every drawing function
 * clips to the grid, so callers may draw partly outside it.
 */
#ifndef TUNETOP_GRID_H
#define TUNETOP_GRID_H

#include <stdint.h>

#include "tunetop/util.h"

/*
 * Semantic color roles. The names in grid_role_names (and the theme files)
 * are the dotted lower-case forms: GRID_ROLE_CHART_TRAIN is "chart.train".
 * The matrix heat ramp goes from heat0 (an empty cell) to heat5 (all of the
 * row's examples in that cell).
 */
enum grid_role {
	GRID_ROLE_DEFAULT,
	GRID_ROLE_DIM,
	GRID_ROLE_TITLE,
	GRID_ROLE_BORDER,
	GRID_ROLE_BORDER_FOCUS,
	GRID_ROLE_STATUS,
	GRID_ROLE_STATUS_KEY,
	GRID_ROLE_ERROR,
	GRID_ROLE_WARNING,
	GRID_ROLE_OK,
	GRID_ROLE_CHART_TRAIN,
	GRID_ROLE_CHART_VALID,
	GRID_ROLE_CHART_METRIC,
	GRID_ROLE_CHART_LR,
	GRID_ROLE_CHART_PREV,
	GRID_ROLE_CHART_MARKER,
	GRID_ROLE_CHART_AXIS,
	GRID_ROLE_MATRIX_HEAT0,
	GRID_ROLE_MATRIX_HEAT1,
	GRID_ROLE_MATRIX_HEAT2,
	GRID_ROLE_MATRIX_HEAT3,
	GRID_ROLE_MATRIX_HEAT4,
	GRID_ROLE_MATRIX_HEAT5,
	GRID_ROLE_MATRIX_DIAG,
	GRID_ROLE_LABEL_KEY,
	GRID_ROLE_LABEL_NAME,
	GRID_ROLE_LABEL_SUGGEST,
	GRID_ROLE_SELECTION,
	GRID_ROLE_SEARCH_MATCH,
	GRID_ROLE_COUNT
};

/* Number of steps in the matrix heat ramp (heat0 .. heat5). */
enum { GRID_HEAT_LEVELS = 6 };

extern const char *const grid_role_names[GRID_ROLE_COUNT];

/* "chart.train" for GRID_ROLE_CHART_TRAIN; "?" when out of range. */
const char *grid_role_name(int role);
/* The role called name, or -1. */
int grid_role_lookup(const char *name);

/* Attribute bits of a cell. */
enum grid_attr {
	GRID_ATTR_BOLD = 1,
	GRID_ATTR_DIM = 2,
	GRID_ATTR_REVERSE = 4,
	GRID_ATTR_UNDERLINE = 8
};

struct grid_cell {
	uint32_t cp;	/* Unicode code point; 0 = continuation of a wide char */
	uint8_t role;	/* enum grid_role */
	uint8_t attr;	/* enum grid_attr bits */
};

struct grid {
	int w, h;
	struct grid_cell *cells;	/* h rows of w cells */
	int ascii;	/* draw lines and boxes with + - | instead of Unicode */
};

/* A w x h grid of blank cells (space, default role). Sizes < 0 count as 0. */
void grid_init(struct grid *g, int w, int h);
void grid_fini(struct grid *g);
/* New size; the contents are cleared (the caller redraws after a resize). */
void grid_resize(struct grid *g, int w, int h);
/* Every cell blank. */
void grid_clear(struct grid *g);
/* The cell at (x, y), or NULL outside the grid. */
struct grid_cell *grid_at(struct grid *g, int x, int y);
const struct grid_cell *grid_at_const(const struct grid *g, int x, int y);

/*
 * Set one cell. Overwriting half of a wide character blanks its other half
 * so the grid never holds an orphan. cp must be a width-1 character (use
 * grid_text for anything that may be wide). Outside the grid: nothing.
 */
void grid_put(struct grid *g, int x, int y, uint32_t cp, uint8_t role, uint8_t attr);

/*
 * Write UTF-8 text from (x, y) on one row, at most maxw columns (maxw < 0:
 * up to the right edge). Wide characters take two cells and are not split:
 * one that does not fit ends the text. Invalid UTF-8 and control characters
 * show as U+FFFD; zero-width characters (combining marks) are dropped.
 * Returns the number of columns used, counting the part clipped away at the
 * left edge of the grid but not beyond maxw.
 */
int grid_text(struct grid *g, int x, int y, const char *utf8, int maxw, uint8_t role,
	      uint8_t attr);
/* Display width of UTF-8 text as grid_text would draw it. */
int grid_text_width(const char *utf8);
/*
 * Copy into out (size n) the longest prefix of utf8 that fits in maxw
 * columns; when the text is cut, the last column is an ellipsis ("…", or
 * "~" when ascii). Returns the width of the result.
 */
int grid_truncate(const char *utf8, int maxw, int ascii, char *out, size_t n);

/* Fill a rectangle with one width-1 character. */
void grid_fill(struct grid *g, int x, int y, int w, int h, uint32_t cp, uint8_t role,
	       uint8_t attr);
/* Lines and boxes: Unicode box drawing, or + - | when g->ascii. */
void grid_hline(struct grid *g, int x, int y, int len, uint8_t role, uint8_t attr);
void grid_vline(struct grid *g, int x, int y, int len, uint8_t role, uint8_t attr);
void grid_box(struct grid *g, int x, int y, int w, int h, uint8_t role, uint8_t attr);

/*
 * The grid as UTF-8 text: each row followed by '\n', trailing spaces of a
 * row trimmed, continuation cells skipped. Appends to out.
 */
void grid_to_text(const struct grid *g, struct tt_buf *out);
/* The same for the rectangle (x, y, w, h) only. */
void grid_rect_to_text(const struct grid *g, int x, int y, int w, int h, struct tt_buf *out);

#endif
