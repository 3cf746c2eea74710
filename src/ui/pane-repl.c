/*
 * pane-repl.c - the REPL pane: the scrollback of command output (errors in
 * the theme's error color, long lines wrapped, PgUp/PgDn paging) and the
 * command line that readline edits (repl.c hands over the line and the
 * cursor; this file only draws them).
 */
#include "tunetop/pane.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum {
	PANE_SB_MAX = 2000,	/* lines kept */
	PANE_LINE_ROWS = 64	/* rows one line may wrap to */
};

static void pane_sb_push(struct ui_scrollback *sb, const char *text, size_t len, uint8_t role)
{
	if (sb->n == PANE_SB_MAX) {
		free(sb->lines[0].text);
		memmove(sb->lines, sb->lines + 1, (sb->n - 1) * sizeof *sb->lines);
		sb->n--;
	}
	if (sb->n == sb->cap) {
		sb->cap = sb->cap ? sb->cap * 2 : 64;
		sb->lines = tt_xrealloc(sb->lines, sb->cap * sizeof *sb->lines);
	}
	sb->lines[sb->n].text = tt_xstrndup(text, len);
	sb->lines[sb->n].role = role;
	sb->n++;
}

void pane_repl_add(struct ui_scrollback *sb, uint8_t role, const char *text)
{
	const char *nl;

	while ((nl = strchr(text, '\n')) != NULL) {
		tt_buf_add(&sb->partial, text, (size_t)(nl - text));
		pane_sb_push(sb, sb->partial.data, sb->partial.len,
			     role == GRID_ROLE_DEFAULT ? sb->partial_role : role);
		tt_buf_clear(&sb->partial);
		sb->partial_role = GRID_ROLE_DEFAULT;
		text = nl + 1;
	}
	if (*text != '\0') {
		tt_buf_adds(&sb->partial, text);
		if (role != GRID_ROLE_DEFAULT)
			sb->partial_role = role;
	}
}

void pane_repl_flush(struct ui_scrollback *sb)
{
	if (sb->partial.len == 0)
		return;
	pane_sb_push(sb, sb->partial.data, sb->partial.len, sb->partial_role);
	tt_buf_clear(&sb->partial);
	sb->partial_role = GRID_ROLE_DEFAULT;
}

void pane_repl_fini(struct ui_scrollback *sb)
{
	size_t i;

	for (i = 0; i < sb->n; i++)
		free(sb->lines[i].text);
	free(sb->lines);
	tt_buf_fini(&sb->partial);
	memset(sb, 0, sizeof *sb);
}

/* Where each wrapped row of s starts (breaking after spaces); the count. */
static int pane_chunks(const char *s, int w, size_t *starts)
{
	size_t len = strlen(s), at = 0, cut, i;
	int n = 0;

	do {
		starts[n++] = at;
		cut = pane_cut(s + at, len - at, w, NULL);
		if (cut == 0 && at < len)
			cut = 1;
		if (at + cut < len && s[at + cut] != ' ') {
			for (i = cut; i > 1; i--) {
				if (s[at + i - 1] == ' ') {
					cut = i;
					break;
				}
			}
		}
		at += cut;
		if (at < len && s[at] == ' ' && cut > 0)
			at++;	/* a row does not start with the space it broke at */
	} while (at < len && n < PANE_LINE_ROWS);
	return n;
}

/* Rows all of the scrollback takes at width w. */
static size_t pane_sb_rows(const struct ui_scrollback *sb, int w)
{
	size_t starts[PANE_LINE_ROWS], i, rows = 0;

	for (i = 0; i < sb->n; i++)
		rows += (size_t)pane_chunks(sb->lines[i].text, w, starts);
	return rows;
}

void pane_repl_scroll(struct ui *ui, int dir, int rows)
{
	struct layout_rect in = layout_inner(&ui->layout, PANE_REPL);
	int page = in.h > 3 ? in.h - 2 : 1;
	size_t total = in.w > 0 ? pane_sb_rows(&ui->sb, in.w) : 0, max;

	max = total > (size_t)page ? total - (size_t)page : 0;
	if (rows == 0 && dir > 0)
		ui->sb.back = 0;
	else if (dir < 0)
		ui->sb.back = ui->sb.back + (size_t)page > max ? max : ui->sb.back + (size_t)page;
	else
		ui->sb.back = ui->sb.back > (size_t)page ? ui->sb.back - (size_t)page : 0;
	ui_mark(ui, 1u << PANE_REPL);
}

static void pane_draw_line_rows(struct ui *ui, struct layout_rect in, const struct ui_line *l,
				int *y, size_t *skip)
{
	size_t starts[PANE_LINE_ROWS + 1];
	int n = pane_chunks(l->text, in.w, starts), k;

	starts[n] = strlen(l->text);
	for (k = n; k-- > 0 && *y >= in.y;) {
		char row[1024];
		size_t len = starts[k + 1] - starts[k];

		if (*skip > 0) {
			(*skip)--;
			continue;
		}
		if (len >= sizeof row)
			len = sizeof row - 1;
		memcpy(row, l->text + starts[k], len);
		row[len] = '\0';
		grid_text(&ui->screen, in.x, *y, row, in.w, l->role, 0);
		(*y)--;
	}
}

static void pane_draw_scrollback(struct ui *ui, struct layout_rect in)
{
	const struct ui_scrollback *sb = &ui->sb;
	struct ui_line partial = { sb->partial.data, sb->partial_role };
	size_t i, skip = sb->back;
	int y = in.y + in.h - 2;

	if (sb->partial.len > 0)
		pane_draw_line_rows(ui, in, &partial, &y, &skip);
	for (i = sb->n; i-- > 0 && y >= in.y;)
		pane_draw_line_rows(ui, in, &sb->lines[i], &y, &skip);
}

static int pane_width(const char *s, size_t len)
{
	int w;

	pane_cut(s, len, INT_MAX, &w);
	return w;
}

/* The command line, scrolled sideways to keep the cursor in view. */
static void pane_draw_edit(struct ui *ui, struct layout_rect in, bool focused)
{
	struct ui_edit *e = &ui->edit;
	int y = in.y + in.h - 1, pw = grid_text_width(e->prompt), avail = in.w - pw - 1, x;
	size_t start = 0, point = (size_t)e->point, len = strlen(e->line);

	e->has_cursor = false;
	x = in.x + grid_text(&ui->screen, in.x, y, e->prompt, in.w,
			     focused ? GRID_ROLE_LABEL_KEY : GRID_ROLE_DIM, GRID_ATTR_BOLD);
	if (!focused && len == 0) {
		grid_text(&ui->screen, x, y, "press : or Tab to type a command", in.w - pw,
			  GRID_ROLE_DIM, 0);
		return;
	}
	if (point > len)
		point = len;
	while (start < point && pane_width(e->line + start, point - start) > avail) {
		start++;
		while (start < point && ((unsigned char)e->line[start] & 0xc0) == 0x80)
			start++;
	}
	grid_text(&ui->screen, x, y, e->line + start, in.w - pw, focused ? GRID_ROLE_DEFAULT :
		  GRID_ROLE_DIM, 0);
	if (focused) {
		e->cx = x + pane_width(e->line + start, point - start);
		e->cy = y;
		e->has_cursor = true;
	}
}

void pane_repl_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	const char *title = ui->sb.back > 0 ? "repl · scrolled back · PgDn: newer" :
			    focused ? "repl · Esc: back to the panes · Tab: complete" : "repl";

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0)
		return;
	pane_draw_scrollback(ui, in);
	pane_draw_edit(ui, in, focused);
}

int pane_repl_cursor(struct ui *ui, int *x, int *y)
{
	if (!ui->edit.has_cursor || ui->focus != PANE_REPL)
		return -1;
	*x = ui->edit.cx;
	*y = ui->edit.cy;
	return 0;
}
