/*
 * ui-draw.c - copying the screen grid to curses. Each cell's semantic role
 * becomes a color pair (pair role + 1, from theme_color_for for the colors
 * the terminal has) plus the theme's and the cell's attributes. Only cells
 * that differ from what was copied last time are handed to curses, and
 * curses sends only what differs from the terminal: one doupdate() a frame.
 */
#include "tunetop/ui-term.h"

#include <string.h>
#include <wchar.h>

#include "tunetop/pane.h"

void ui_term_colors(struct ui *ui)
{
	struct ui_term *t = ui->term;
	int role;

	if (t == NULL)
		return;
	for (role = 0; role < GRID_ROLE_COUNT; role++) {
		struct theme_render r = theme_color_for(&ui->theme, role, ui->ncolors);

		t->role_attr[role] = r.attr;
		if (ui->ncolors > 0)
			init_pair((short)(role + 1), (short)r.fg, (short)r.bg);
	}
	ui_draw_force(ui);
}

void ui_draw_force(struct ui *ui)
{
	if (ui->term == NULL)
		return;
	ui->term->force = true;
	clearok(curscr, TRUE);
}

static attr_t ui_attrs(uint8_t a)
{
	attr_t r = A_NORMAL;

	if (a & GRID_ATTR_BOLD)
		r |= A_BOLD;
	if (a & GRID_ATTR_DIM)
		r |= A_DIM;
	if (a & GRID_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & GRID_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	return r;
}

/* An ASCII stand-in for a character a non-UTF-8 terminal cannot show. */
static wchar_t ui_ascii(uint32_t cp)
{
	static const uint32_t from[] = { 0x00b7, 0x203a, 0x2026, 0x2502, 0x2500, 0x250a,
					 0x2191, 0x2193, 0x2190, 0x2192 };
	static const char to[] = ".>~|-:^v<>";
	size_t i;

	for (i = 0; i < sizeof from / sizeof from[0]; i++) {
		if (from[i] == cp)
			return (wchar_t)to[i];
	}
	if (cp >= 0x2800 && cp <= 0x28ff)
		return cp == 0x2800 ? ' ' : '*';
	return '?';
}

static void ui_put_cell(struct ui *ui, int x, int y, const struct grid_cell *c)
{
	struct ui_term *t = ui->term;
	uint8_t role = c->role < GRID_ROLE_COUNT ? c->role : GRID_ROLE_DEFAULT;
	wchar_t wc[2];
	cchar_t cc;

	wc[0] = c->cp < 0x80 || ui->utf8 ? (wchar_t)c->cp : ui_ascii(c->cp);
	wc[1] = 0;
	if (wc[0] < 0x20)
		wc[0] = ' ';
	setcchar(&cc, wc, ui_attrs(c->attr | t->role_attr[role]),
		 ui->ncolors > 0 ? (short)(role + 1) : 0, NULL);
	mvadd_wch(y, x, &cc);
}

static int ui_same(const struct grid_cell *a, const struct grid_cell *b)
{
	return a->cp == b->cp && a->role == b->role && a->attr == b->attr;
}

/* Hand curses the cells that changed since the last blit. */
static void ui_blit(struct ui *ui)
{
	struct ui_term *t = ui->term;
	const struct grid *g = &ui->screen;
	int x, y;

	if (t->shown.w != g->w || t->shown.h != g->h) {
		grid_resize(&t->shown, g->w, g->h);
		t->force = true;
	}
	for (y = 0; y < g->h; y++) {
		for (x = 0; x < g->w; x++) {
			const struct grid_cell *c = &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
			struct grid_cell *s = &t->shown.cells[(size_t)y * (size_t)g->w + (size_t)x];

			if (!t->force && ui_same(c, s))
				continue;
			*s = *c;
			if (c->cp != 0)
				ui_put_cell(ui, x, y, c);
		}
	}
	t->force = false;
}

static void ui_place_cursor(struct ui *ui)
{
	struct ui_term *t = ui->term;
	int x, y, want = pane_repl_cursor(ui, &x, &y) == 0;

	if (want != t->cursor) {
		curs_set(want);
		t->cursor = want;
	}
	if (want)
		move(y, x);
	leaveok(stdscr, want ? FALSE : TRUE);
}

void ui_draw_frame(struct ui *ui, unsigned panes)
{
	ui_render(ui, panes);
	ui_blit(ui);
	ui_place_cursor(ui);
	wnoutrefresh(stdscr);
	doupdate();
	ui->dirty = 0;
	ui->news = 0;
	ui->last_frame = tt_now();
}
