/*
 * grid.c - the plain cell grid that panes render into. See grid.h.
 */
#include "tunetop/grid.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

const char *const grid_role_names[GRID_ROLE_COUNT] = {
	[GRID_ROLE_DEFAULT] = "default",
	[GRID_ROLE_DIM] = "dim",
	[GRID_ROLE_TITLE] = "title",
	[GRID_ROLE_BORDER] = "border",
	[GRID_ROLE_BORDER_FOCUS] = "border.focus",
	[GRID_ROLE_STATUS] = "status",
	[GRID_ROLE_STATUS_KEY] = "status.key",
	[GRID_ROLE_ERROR] = "error",
	[GRID_ROLE_WARNING] = "warning",
	[GRID_ROLE_OK] = "ok",
	[GRID_ROLE_CHART_TRAIN] = "chart.train",
	[GRID_ROLE_CHART_VALID] = "chart.valid",
	[GRID_ROLE_CHART_METRIC] = "chart.metric",
	[GRID_ROLE_CHART_LR] = "chart.lr",
	[GRID_ROLE_CHART_PREV] = "chart.prev",
	[GRID_ROLE_CHART_MARKER] = "chart.marker",
	[GRID_ROLE_CHART_AXIS] = "chart.axis",
	[GRID_ROLE_MATRIX_HEAT0] = "matrix.heat0",
	[GRID_ROLE_MATRIX_HEAT1] = "matrix.heat1",
	[GRID_ROLE_MATRIX_HEAT2] = "matrix.heat2",
	[GRID_ROLE_MATRIX_HEAT3] = "matrix.heat3",
	[GRID_ROLE_MATRIX_HEAT4] = "matrix.heat4",
	[GRID_ROLE_MATRIX_HEAT5] = "matrix.heat5",
	[GRID_ROLE_MATRIX_DIAG] = "matrix.diag",
	[GRID_ROLE_LABEL_KEY] = "label.key",
	[GRID_ROLE_LABEL_NAME] = "label.name",
	[GRID_ROLE_LABEL_SUGGEST] = "label.suggest",
	[GRID_ROLE_SELECTION] = "selection",
	[GRID_ROLE_SEARCH_MATCH] = "search.match",
};

/* Box drawing: Unicode and ASCII forms of the same pieces. */
enum { BOX_H, BOX_V, BOX_TL, BOX_TR, BOX_BL, BOX_BR, BOX_N };
static const uint32_t box_unicode[BOX_N] = { 0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518 };
static const uint32_t box_ascii[BOX_N] = { '-', '|', '+', '+', '+', '+' };

const char *
grid_role_name(int role)
{
	if (role < 0 || role >= GRID_ROLE_COUNT)
		return "?";
	return grid_role_names[role];
}

int
grid_role_lookup(const char *name)
{
	for (int i = 0; i < GRID_ROLE_COUNT; i++)
		if (strcmp(grid_role_names[i], name) == 0)
			return i;
	return -1;
}

void
grid_init(struct grid *g, int w, int h)
{
	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	g->cells = tt_xcalloc((size_t)g->w * (size_t)g->h, sizeof *g->cells);
	g->ascii = 0;
	grid_clear(g);
}

void
grid_fini(struct grid *g)
{
	free(g->cells);
	g->cells = NULL;
	g->w = g->h = 0;
}

void
grid_resize(struct grid *g, int w, int h)
{
	int ascii = g->ascii;

	grid_fini(g);
	grid_init(g, w, h);
	g->ascii = ascii;
}

void
grid_clear(struct grid *g)
{
	size_t n = (size_t)g->w * (size_t)g->h;

	for (size_t i = 0; i < n; i++) {
		g->cells[i].cp = ' ';
		g->cells[i].role = GRID_ROLE_DEFAULT;
		g->cells[i].attr = 0;
	}
}

struct grid_cell *
grid_at(struct grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

const struct grid_cell *
grid_at_const(const struct grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

static void
grid_blank(struct grid_cell *c)
{
	c->cp = ' ';
}

/*
 * Before (x, y) changes, break up a wide character it is part of: the
 * other half would otherwise be drawn as garbage.
 */
static void
grid_unwide(struct grid *g, int x, int y)
{
	struct grid_cell *c = grid_at(g, x, y);
	struct grid_cell *next = grid_at(g, x + 1, y);
	struct grid_cell *prev = grid_at(g, x - 1, y);

	if (c == NULL)
		return;
	if (c->cp == 0 && prev != NULL)
		grid_blank(prev);
	if (c->cp != 0 && next != NULL && next->cp == 0)
		grid_blank(next);
}

static void
grid_set(struct grid *g, int x, int y, uint32_t cp, uint8_t role, uint8_t attr)
{
	struct grid_cell *c = grid_at(g, x, y);

	if (c == NULL)
		return;
	c->cp = cp;
	c->role = role;
	c->attr = attr;
}

void
grid_put(struct grid *g, int x, int y, uint32_t cp, uint8_t role, uint8_t attr)
{
	if (grid_at(g, x, y) == NULL)
		return;
	grid_unwide(g, x, y);
	grid_set(g, x, y, cp, role, attr);
}

/* Put a character of width 1 or 2; the part outside the grid is dropped. */
static void
grid_put_wide(struct grid *g, int x, int y, uint32_t cp, int width, uint8_t role,
	      uint8_t attr)
{
	if (width == 1) {
		grid_put(g, x, y, cp, role, attr);
		return;
	}
	/* Half of a wide char at an edge would be garbage: show a blank. */
	if (x < 0 || x + 1 >= g->w) {
		grid_put(g, x, y, ' ', role, attr);
		grid_put(g, x + 1, y, ' ', role, attr);
		return;
	}
	grid_unwide(g, x, y);
	grid_unwide(g, x + 1, y);
	grid_set(g, x, y, cp, role, attr);
	grid_set(g, x + 1, y, 0, role, attr);
}

/*
 * Decode one character at p (n bytes left). Sets *cp and *width (0, 1 or
 * 2) and returns the bytes consumed (at least 1).
 */
static size_t
grid_decode(const char *p, size_t n, uint32_t *cp, int *width)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;

	k = utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &c);
	if (k <= 0) {
		*cp = 0xFFFD;
		*width = 1;
		return 1;
	}
	if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
		*cp = 0xFFFD;
		*width = 1;
		return (size_t)k;
	}
	*cp = (uint32_t)c;
	*width = utf8proc_charwidth(c);
	if (*width > 2)
		*width = 2;
	if (*width < 0)
		*width = 0;
	return (size_t)k;
}

int
grid_text(struct grid *g, int x, int y, const char *utf8, int maxw, uint8_t role,
	  uint8_t attr)
{
	size_t n = strlen(utf8);
	size_t i = 0;
	int used = 0;

	if (maxw < 0)
		maxw = g->w - x;
	while (i < n) {
		uint32_t cp;
		int width;

		i += grid_decode(utf8 + i, n - i, &cp, &width);
		if (width == 0)
			continue;
		if (used + width > maxw)
			break;
		grid_put_wide(g, x + used, y, cp, width, role, attr);
		used += width;
	}
	return used;
}

int
grid_text_width(const char *utf8)
{
	size_t n = strlen(utf8);
	size_t i = 0;
	int width = 0;

	while (i < n) {
		uint32_t cp;
		int cw;

		i += grid_decode(utf8 + i, n - i, &cp, &cw);
		width += cw;
	}
	return width;
}

int
grid_truncate(const char *utf8, int maxw, int ascii, char *out, size_t n)
{
	const char *ell = ascii ? "~" : "\xE2\x80\xA6";
	size_t len = strlen(utf8);
	size_t i = 0, cut = 0;
	int width = 0, cutw = 0;

	if (n == 0)
		return 0;
	out[0] = '\0';
	if (maxw <= 0)
		return 0;
	if (grid_text_width(utf8) <= maxw && len < n) {
		memcpy(out, utf8, len + 1);
		return grid_text_width(utf8);
	}
	/* Keep characters while they leave room for the ellipsis. */
	while (i < len) {
		uint32_t cp;
		int cw;
		size_t k = grid_decode(utf8 + i, len - i, &cp, &cw);

		if (width + cw > maxw - 1 || i + k + strlen(ell) >= n)
			break;
		i += k;
		width += cw;
		cut = i;
		cutw = width;
	}
	memcpy(out, utf8, cut);
	memcpy(out + cut, ell, strlen(ell) + 1);
	return cutw + 1;
}

void
grid_fill(struct grid *g, int x, int y, int w, int h, uint32_t cp, uint8_t role,
	  uint8_t attr)
{
	for (int r = y; r < y + h; r++)
		for (int c = x; c < x + w; c++)
			grid_put(g, c, r, cp, role, attr);
}

static uint32_t
grid_box_char(const struct grid *g, int piece)
{
	return g->ascii ? box_ascii[piece] : box_unicode[piece];
}

void
grid_hline(struct grid *g, int x, int y, int len, uint8_t role, uint8_t attr)
{
	grid_fill(g, x, y, len, 1, grid_box_char(g, BOX_H), role, attr);
}

void
grid_vline(struct grid *g, int x, int y, int len, uint8_t role, uint8_t attr)
{
	grid_fill(g, x, y, 1, len, grid_box_char(g, BOX_V), role, attr);
}

void
grid_box(struct grid *g, int x, int y, int w, int h, uint8_t role, uint8_t attr)
{
	if (w < 2 || h < 2)
		return;
	grid_hline(g, x + 1, y, w - 2, role, attr);
	grid_hline(g, x + 1, y + h - 1, w - 2, role, attr);
	grid_vline(g, x, y + 1, h - 2, role, attr);
	grid_vline(g, x + w - 1, y + 1, h - 2, role, attr);
	grid_put(g, x, y, grid_box_char(g, BOX_TL), role, attr);
	grid_put(g, x + w - 1, y, grid_box_char(g, BOX_TR), role, attr);
	grid_put(g, x, y + h - 1, grid_box_char(g, BOX_BL), role, attr);
	grid_put(g, x + w - 1, y + h - 1, grid_box_char(g, BOX_BR), role, attr);
}

/* Append one code point as UTF-8. */
static void
grid_add_cp(struct tt_buf *out, uint32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);

	tt_buf_add(out, tmp, (size_t)k);
}

void
grid_rect_to_text(const struct grid *g, int x, int y, int w, int h, struct tt_buf *out)
{
	for (int r = y; r < y + h; r++) {
		int end = x + w;

		/* Trim trailing blanks of the row. */
		while (end > x) {
			const struct grid_cell *c = grid_at_const(g, end - 1, r);
			if (c != NULL && c->cp != ' ')
				break;
			end--;
		}
		for (int col = x; col < end; col++) {
			const struct grid_cell *c = grid_at_const(g, col, r);
			if (c == NULL)
				grid_add_cp(out, ' ');
			else if (c->cp != 0)
				grid_add_cp(out, c->cp);
		}
		tt_buf_addc(out, '\n');
	}
}

void
grid_to_text(const struct grid *g, struct tt_buf *out)
{
	grid_rect_to_text(g, 0, 0, g->w, g->h, out);
}
