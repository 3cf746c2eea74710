/*
 * pane-help.c - what is drawn over the panes: the `?` overlay listing the
 * key bindings of the focused pane and the global ones (from the key map,
 * so it never drifts from what runs), and the quit question.
 */
#include "tunetop/pane.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/keys.h"

/* A centered, boxed, blank rectangle of w x h; returns its inside. */
static struct layout_rect pane_box(struct ui *ui, int w, int h, const char *title)
{
	struct layout_rect r;

	w = w > ui->w ? ui->w : w;
	h = h > ui->h - 1 ? ui->h - 1 : h;
	r.x = (ui->w - w) / 2;
	r.y = (ui->h - 1 - h) / 2;
	r.w = w;
	r.h = h;
	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	layout_draw_frame(&ui->screen, r, title, 1);
	return (struct layout_rect){ r.x + 2, r.y + 1, r.w - 4, r.h - 2 };
}

static void pane_confirm_draw(struct ui *ui)
{
	struct layout_rect in = pane_box(ui, 52, 6, "quit?");

	grid_text(&ui->screen, in.x, in.y, "Training is running; quitting stops it.", in.w,
		  GRID_ROLE_WARNING, GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x, in.y + 2, "y", in.w, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x + 2, in.y + 2, "quit", in.w - 2, GRID_ROLE_DEFAULT, 0);
	grid_text(&ui->screen, in.x + 10, in.y + 2, "n/Esc", in.w - 10, GRID_ROLE_LABEL_KEY,
		  GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x + 16, in.y + 2, "keep training", in.w - 16, GRID_ROLE_DEFAULT, 0);
}

/* Split text into lines (in place); returns the count. */
static int pane_lines(char *text, char **lines, int max)
{
	int n = 0;
	char *p = text, *nl;

	while (*p != '\0' && n < max) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		if (*p != '\0')
			lines[n++] = p;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return n;
}

static void pane_help_line(struct ui *ui, int x, int y, int w, const char *line)
{
	size_t klen;

	if (line[0] != ' ') {	/* "data keys:" */
		grid_text(&ui->screen, x, y, line, w, GRID_ROLE_TITLE, GRID_ATTR_BOLD);
		return;
	}
	line += 2;
	klen = strcspn(line, " ");
	grid_text(&ui->screen, x, y, line, (int)klen < w ? (int)klen : w, GRID_ROLE_LABEL_KEY,
		  GRID_ATTR_BOLD);
	line += klen;
	line += strspn(line, " ");
	if (w > 12)
		grid_text(&ui->screen, x + 11, y, line, w - 11, GRID_ROLE_DEFAULT, 0);
}

static void pane_keys_draw(struct ui *ui)
{
	struct tt_buf text;
	char *lines[256];
	int n, rows, cols, colw = 0, i, w;
	struct layout_rect in;

	tt_buf_init(&text);
	keys_describe(ui->keys, ui_context_name(ui->focus), &text);
	n = pane_lines(text.data, lines, 256);
	for (i = 0; i < n; i++) {
		w = grid_text_width(lines[i]);
		colw = w > colw ? w : colw;
	}
	colw += 3;
	rows = ui->h - 5 > 4 ? ui->h - 5 : 4;
	cols = (n + rows - 1) / rows;
	if (cols > 0)
		rows = (n + cols - 1) / cols;
	in = pane_box(ui, cols * colw + 4, rows + 2, "keys · every key runs a command · any key closes");
	for (i = 0; i < n; i++) {
		int c = i / rows, x = in.x + c * colw;

		if (x >= in.x + in.w)
			break;
		pane_help_line(ui, x, in.y + i % rows, in.x + in.w - x < colw - 1 ?
			       in.x + in.w - x : colw - 1, lines[i]);
	}
	tt_buf_fini(&text);
}

void pane_help_draw(struct ui *ui)
{
	if (ui->confirm_quit)
		pane_confirm_draw(ui);
	else if (ui->overlay)
		pane_keys_draw(ui);
}
