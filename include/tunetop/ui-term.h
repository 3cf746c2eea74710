/*
 * ui-term.h - the curses side of the UI, shared by ui.c (lifecycle, loop,
 * input) and ui-draw.c (colors, copying the screen grid to curses). Only
 * ui* files include this header.
 */
#ifndef TUNETOP_UI_TERM_H
#define TUNETOP_UI_TERM_H

#include <curses.h>

#include "tunetop/ui.h"

struct ui_term {
	SCREEN *screen;
	struct grid shown;		/* what the terminal shows now */
	bool force;			/* repaint every cell at the next blit */
	int cursor;			/* curs_set state: -1 unknown, 0 hidden, 1 shown */
	uint8_t role_attr[GRID_ROLE_COUNT];	/* the theme's attributes per role */
};

/*
 * Draw a frame: render the given panes into the screen grid, copy the
 * changed cells to curses, place the cursor, one doupdate().
 */
void ui_draw_frame(struct ui *ui, unsigned panes);
/* The next blit repaints everything (Ctrl-L, theme switch, SIGCONT). */
void ui_draw_force(struct ui *ui);

#endif
