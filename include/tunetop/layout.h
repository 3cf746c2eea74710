/*
 * layout.h - pane rectangles for the layout presets, focus order, zoom.
 *
 * Pure arithmetic over the terminal size; no curses. Every pane but the
 * status bar gets a rectangle that includes its box (layout_inner gives the
 * inside). The status bar is the bottom row. Presets:
 *
 *   overview   curves across the top; confusion | repl below
 *   data       data list (with the record detail inside, see
 *              layout_data_split) on top; repl below
 *   labeling   label pane on top, then the data list, then the repl
 *
 * The rows are shared by proportion with a minimum per pane; at 80x24 every
 * pane keeps at least LAYOUT_MIN_H rows. Below LAYOUT_MIN_W x LAYOUT_MIN_H
 * total (or when the preset cannot fit), the layout falls back to the repl
 * alone (too_small is set), so the user can still type a command or quit.
 * A zoomed pane gets everything but the status bar.
 */
#ifndef TUNETOP_LAYOUT_H
#define TUNETOP_LAYOUT_H

#include "tunetop/grid.h"

enum layout_pane {
	PANE_DATA,
	PANE_LABEL,
	PANE_CURVES,
	PANE_CONFUSION,
	PANE_REPL,
	PANE_STATUS,
	PANE_COUNT
};

enum layout_preset {
	LAYOUT_OVERVIEW,
	LAYOUT_DATA,
	LAYOUT_LABELING,
	LAYOUT_PRESET_COUNT
};

enum {
	LAYOUT_MIN_W = 40,	/* below this (or LAYOUT_MIN_H) the repl alone */
	LAYOUT_MIN_H = 13,	/* three boxed panes of 4 rows + the status bar */
	LAYOUT_PANE_MIN_W = 20,	/* a boxed pane, box included */
	LAYOUT_PANE_MIN_H = 4	/* box + 2 rows of content */
};

struct layout_rect {
	int x, y, w, h;		/* w == 0 or h == 0: not shown */
};

struct layout {
	int w, h;			/* screen size */
	enum layout_preset preset;
	int zoom;			/* zoomed pane, or -1 */
	int too_small;			/* fell back to the repl alone */
	struct layout_rect rect[PANE_COUNT];
	int order[PANE_COUNT];		/* focus order of the preset's panes */
	int norder;
};

/* Compute the rectangles of preset p on a w x h screen; zoom = pane or -1. */
void layout_compute(struct layout *l, enum layout_preset p, int w, int h, int zoom);

/* Pane shown (non-empty rectangle)? */
int layout_visible(const struct layout *l, int pane);
/* The inside of a boxed rectangle (the rectangle itself for the status bar). */
struct layout_rect layout_inner(const struct layout *l, int pane);
/* The visible pane under (x, y), or -1. */
int layout_pane_at(const struct layout *l, int x, int y);

/*
 * Focus cycling over the preset's panes (the status bar is never focused):
 * the next (dir > 0) or previous (dir < 0) after focus; a focus that is not
 * in the order starts from the first pane.
 */
int layout_focus_next(const struct layout *l, int focus, int dir);
/* The pane that gets focus when the preset is chosen. */
int layout_default_focus(enum layout_preset p);

/*
 * Split the data pane's inside into the record list and the detail of the
 * current record: side by side when wide (>= 120 columns), else the detail
 * below the list (a third of the rows). detail->h == 0 when too small.
 */
void layout_data_split(struct layout_rect inner, struct layout_rect *list,
		       struct layout_rect *detail);

/* "curves" for PANE_CURVES; "overview" for LAYOUT_OVERVIEW; lookups return -1. */
const char *layout_pane_name(int pane);
int layout_pane_lookup(const char *name);
const char *layout_preset_name(int preset);
int layout_preset_lookup(const char *name);

/*
 * One pane's box with a title at the top left (" title "); focused boxes
 * use border.focus and a bold title.
 */
void layout_draw_frame(struct grid *g, struct layout_rect r, const char *title, int focused);
/* The boxes of every visible pane, titled with the pane names. */
void layout_draw_frames(struct grid *g, const struct layout *l, int focus);

#endif
