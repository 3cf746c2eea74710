/*
 * layout.c - pane rectangles for the layout presets. See layout.h.
 */
#include "tunetop/layout.h"

#include <string.h>

static const char *const pane_names[PANE_COUNT] = {
	[PANE_DATA] = "data",
	[PANE_LABEL] = "label",
	[PANE_CURVES] = "curves",
	[PANE_CONFUSION] = "confusion",
	[PANE_REPL] = "repl",
	[PANE_STATUS] = "status",
};

static const char *const preset_names[LAYOUT_PRESET_COUNT] = {
	[LAYOUT_OVERVIEW] = "overview",
	[LAYOUT_DATA] = "data",
	[LAYOUT_LABELING] = "labeling",
};

/* Focus order of each preset; -1 ends a list. */
static const int preset_order[LAYOUT_PRESET_COUNT][PANE_COUNT] = {
	[LAYOUT_OVERVIEW] = { PANE_CURVES, PANE_CONFUSION, PANE_REPL, -1 },
	[LAYOUT_DATA] = { PANE_DATA, PANE_REPL, -1 },
	[LAYOUT_LABELING] = { PANE_LABEL, PANE_DATA, PANE_REPL, -1 },
};

enum {
	DETAIL_SIDE_MIN_W = 120	/* data pane inside width for list | detail */
};

const char *
layout_pane_name(int pane)
{
	if (pane < 0 || pane >= PANE_COUNT)
		return "?";
	return pane_names[pane];
}

int
layout_pane_lookup(const char *name)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (strcmp(pane_names[i], name) == 0)
			return i;
	return -1;
}

const char *
layout_preset_name(int preset)
{
	if (preset < 0 || preset >= LAYOUT_PRESET_COUNT)
		return "?";
	return preset_names[preset];
}

int
layout_preset_lookup(const char *name)
{
	for (int i = 0; i < LAYOUT_PRESET_COUNT; i++)
		if (strcmp(preset_names[i], name) == 0)
			return i;
	return -1;
}

int
layout_default_focus(enum layout_preset p)
{
	if (p < 0 || p >= LAYOUT_PRESET_COUNT)
		return PANE_REPL;
	return preset_order[p][0];
}

static struct layout_rect
layout_make(int x, int y, int w, int h)
{
	struct layout_rect r = { x, y, w, h };

	return r;
}

static int
layout_clamp(int v, int lo, int hi)
{
	if (v < lo)
		return lo;
	return v > hi ? hi : v;
}

/* Curves across the top (11/20 of the rows); confusion | repl below. */
static void
layout_overview(struct layout *l, int w, int rows)
{
	int top = rows * 11 / 20;
	int left = w / 2;

	l->rect[PANE_CURVES] = layout_make(0, 0, w, top);
	l->rect[PANE_CONFUSION] = layout_make(0, top, left, rows - top);
	l->rect[PANE_REPL] = layout_make(left, top, w - left, rows - top);
}

/* The data list on top, the repl (a third of the rows, 5 to 15) below. */
static void
layout_data(struct layout *l, int w, int rows)
{
	int repl = layout_clamp(rows / 3, 5, 15);

	l->rect[PANE_DATA] = layout_make(0, 0, w, rows - repl);
	l->rect[PANE_REPL] = layout_make(0, rows - repl, w, repl);
}

/* Label pane, data list, repl (a quarter, 4 to 15): 3/5 and 2/5 of the rest. */
static void
layout_labeling(struct layout *l, int w, int rows)
{
	int repl = layout_clamp((rows + 1) / 4, LAYOUT_PANE_MIN_H, 15);
	int label = layout_clamp((rows - repl) * 3 / 5, LAYOUT_PANE_MIN_H,
				 rows - repl - LAYOUT_PANE_MIN_H);

	l->rect[PANE_LABEL] = layout_make(0, 0, w, label);
	l->rect[PANE_DATA] = layout_make(0, label, w, rows - repl - label);
	l->rect[PANE_REPL] = layout_make(0, rows - repl, w, repl);
}

/* Every shown boxed pane has its minimum size. */
static int
layout_fits(const struct layout *l)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct layout_rect *r = &l->rect[i];
		if (i == PANE_STATUS || r->w == 0 || r->h == 0)
			continue;
		if (r->w < LAYOUT_PANE_MIN_W || r->h < LAYOUT_PANE_MIN_H)
			return 0;
	}
	return 1;
}

/* Only pane, over everything but the status bar. */
static void
layout_alone(struct layout *l, int pane, int rows)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (i != PANE_STATUS)
			l->rect[i] = layout_make(0, 0, 0, 0);
	l->rect[pane] = layout_make(0, 0, l->w, rows);
}

void
layout_compute(struct layout *l, enum layout_preset p, int w, int h, int zoom)
{
	int rows;

	memset(l, 0, sizeof *l);
	if (p < 0 || p >= LAYOUT_PRESET_COUNT)
		p = LAYOUT_OVERVIEW;
	if (zoom < 0 || zoom >= PANE_COUNT || zoom == PANE_STATUS)
		zoom = -1;
	l->w = w > 0 ? w : 0;
	l->h = h > 0 ? h : 0;
	l->preset = p;
	l->zoom = zoom;
	for (int i = 0; i < PANE_COUNT && preset_order[p][i] >= 0; i++)
		l->order[l->norder++] = preset_order[p][i];
	if (l->w == 0 || l->h == 0)
		return;
	l->rect[PANE_STATUS] = layout_make(0, l->h - 1, l->w, 1);
	rows = l->h - 1;
	if (rows <= 0)
		return;
	if (l->w < LAYOUT_MIN_W || l->h < LAYOUT_MIN_H) {
		l->too_small = 1;
		layout_alone(l, zoom >= 0 ? zoom : PANE_REPL, rows);
		return;
	}
	if (zoom >= 0) {
		layout_alone(l, zoom, rows);
		return;
	}
	if (p == LAYOUT_OVERVIEW)
		layout_overview(l, l->w, rows);
	else if (p == LAYOUT_DATA)
		layout_data(l, l->w, rows);
	else
		layout_labeling(l, l->w, rows);
	if (!layout_fits(l)) {
		l->too_small = 1;
		layout_alone(l, PANE_REPL, rows);
	}
}

int
layout_visible(const struct layout *l, int pane)
{
	if (pane < 0 || pane >= PANE_COUNT)
		return 0;
	return l->rect[pane].w > 0 && l->rect[pane].h > 0;
}

struct layout_rect
layout_inner(const struct layout *l, int pane)
{
	struct layout_rect r;

	if (!layout_visible(l, pane))
		return layout_make(0, 0, 0, 0);
	r = l->rect[pane];
	if (pane == PANE_STATUS)
		return r;
	if (r.w < 2 || r.h < 2)
		return layout_make(r.x, r.y, 0, 0);
	return layout_make(r.x + 1, r.y + 1, r.w - 2, r.h - 2);
}

int
layout_pane_at(const struct layout *l, int x, int y)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		const struct layout_rect *r = &l->rect[i];
		if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h)
			return i;
	}
	return -1;
}

int
layout_focus_next(const struct layout *l, int focus, int dir)
{
	int at = -1;

	if (l->norder == 0)
		return PANE_REPL;
	for (int i = 0; i < l->norder; i++)
		if (l->order[i] == focus)
			at = i;
	if (at < 0)
		return l->order[0];
	at += dir < 0 ? l->norder - 1 : 1;
	return l->order[at % l->norder];
}

void
layout_data_split(struct layout_rect inner, struct layout_rect *list,
		  struct layout_rect *detail)
{
	*list = inner;
	*detail = layout_make(inner.x, inner.y, 0, 0);
	if (inner.w >= DETAIL_SIDE_MIN_W) {
		/* Side by side, one blank column between. */
		int lw = inner.w * 3 / 5;
		list->w = lw;
		*detail = layout_make(inner.x + lw + 1, inner.y, inner.w - lw - 1, inner.h);
		return;
	}
	if (inner.h >= 9) {
		int dh = inner.h / 3;
		list->h = inner.h - dh;
		*detail = layout_make(inner.x, inner.y + list->h, inner.w, dh);
	}
}

void
layout_draw_frame(struct grid *g, struct layout_rect r, const char *title, int focused)
{
	uint8_t role = focused ? GRID_ROLE_BORDER_FOCUS : GRID_ROLE_BORDER;
	uint8_t attr = focused ? GRID_ATTR_BOLD : 0;
	char cut[256];
	int tw;

	if (r.w < 2 || r.h < 2)
		return;
	grid_box(g, r.x, r.y, r.w, r.h, role, 0);
	if (title == NULL || title[0] == '\0' || r.w < 7)
		return;
	/* " title " after one border column; cut to leave the corner visible. */
	tw = grid_truncate(title, r.w - 5, g->ascii, cut, sizeof cut);
	grid_put(g, r.x + 2, r.y, ' ', role, 0);
	grid_text(g, r.x + 3, r.y, cut, tw, focused ? GRID_ROLE_BORDER_FOCUS : GRID_ROLE_TITLE,
		  attr);
	grid_put(g, r.x + 3 + tw, r.y, ' ', role, 0);
}

void
layout_draw_frames(struct grid *g, const struct layout *l, int focus)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		if (i == PANE_STATUS || !layout_visible(l, i))
			continue;
		layout_draw_frame(g, l->rect[i], layout_pane_name(i), i == focus);
	}
}
