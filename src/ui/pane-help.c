/*
 * pane-help.c - what is drawn over the panes: the `?` overlay listing the
 * key bindings of the focused pane and the global ones (from the key map,
 * so it never drifts from what runs), and the quit question. Over the
 * label pane the overlay starts with the label schema - each label's key,
 * name and guideline (the session's description) - then the pane's keys
 * and the global ones, as many as fit.
 */
#include "tunetop/pane.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-ui.h"
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

	bool paused = ui_train_state(ui) == TRAINER_PAUSED;

	grid_text(&ui->screen, in.x, in.y, paused ? "Training is paused; quitting ends the run." :
		  "Training is running; quitting stops it.", in.w, GRID_ROLE_WARNING, GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x, in.y + 2, "y", in.w, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x + 2, in.y + 2, "quit", in.w - 2, GRID_ROLE_DEFAULT, 0);
	grid_text(&ui->screen, in.x + 10, in.y + 2, "n/Esc", in.w - 10, GRID_ROLE_LABEL_KEY,
		  GRID_ATTR_BOLD);
	grid_text(&ui->screen, in.x + 16, in.y + 2, paused ? "keep the run" : "keep training",
		  in.w - 16, GRID_ROLE_DEFAULT, 0);
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
	const char *gap;
	size_t klen;

	if (line[0] != ' ') {	/* "data keys:" */
		grid_text(&ui->screen, x, y, line, w, GRID_ROLE_TITLE, GRID_ATTR_BOLD);
		return;
	}
	line += 2;
	/* the key column: up to two spaces (merged keys hold single ones) */
	gap = strstr(line, "  ");
	klen = gap != NULL && gap - line <= 10 ? (size_t)(gap - line) : strcspn(line, " ");
	grid_text(&ui->screen, x, y, line, (int)klen < w ? (int)klen : w, GRID_ROLE_LABEL_KEY,
		  GRID_ATTR_BOLD);
	line += klen;
	line += strspn(line, " ");
	if (w > 12)
		grid_text(&ui->screen, x + 11, y, line, w - 11, GRID_ROLE_DEFAULT, 0);
}

/* ---- over the label pane: the label schema and guidelines, then the keys ---- */

/* The overlay over the label pane is at most this wide. */
#define PANE_GUIDE_MAX_W 110

/* Rows text takes wrapped at width w (measured on a scratch grid). */
static int pane_guide_rows(const char *text, int w)
{
	struct grid g;
	int rows;

	if (text == NULL || w <= 0)
		return 1;
	grid_init(&g, w, 32);
	rows = pane_wrap(&g, (struct layout_rect){ 0, 0, w, 32 }, 0, text, strlen(text),
			 GRID_ROLE_DEFAULT, 0);
	grid_fini(&g);
	return rows > 0 ? rows : 1;
}

/* Columns of the widest label key and name (names capped at a third of w). */
static void pane_guide_widths(const struct app *a, int w, int *keyw, int *namew)
{
	char *const *names;
	char key[KEYS_NAME_MAX];
	int n, i, kw;

	names = label_names(a, &n);
	*keyw = 1;
	*namew = 4;
	for (i = 0; i < n; i++) {
		label_key_of(a, i, key, sizeof key);
		kw = grid_text_width(key);
		*keyw = kw > *keyw ? kw : *keyw;
		*namew = grid_text_width(names[i]) > *namew ? grid_text_width(names[i]) : *namew;
	}
	if (*namew > w / 3)
		*namew = w / 3;
}

/* One label: its key, its name, its guideline (wrapped over rows, or cut). */
static void pane_guide_label(struct ui *ui, struct layout_rect in, int y, int i, int rows,
			     int keyw, int namew)
{
	char *const *names;
	const char *desc = label_description(ui->app, i);
	char key[KEYS_NAME_MAX], cut[512];
	int n, dx = keyw + 2 + namew + 2;

	names = label_names(ui->app, &n);
	label_key_of(ui->app, i, key, sizeof key);
	grid_text(&ui->screen, in.x, y, key, keyw, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
	grid_truncate(names[i], namew, ui->ascii, cut, sizeof cut);
	grid_text(&ui->screen, in.x + keyw + 2, y, cut, namew, GRID_ROLE_LABEL_NAME,
		  GRID_ATTR_BOLD);
	if (in.w - dx <= 0)
		return;
	if (desc == NULL) {
		grid_text(&ui->screen, in.x + dx, y, "(no guideline)", in.w - dx, GRID_ROLE_DIM, 0);
	} else if (rows > 1) {
		struct layout_rect r = { in.x + dx, y, in.w - dx, rows };

		pane_wrap(&ui->screen, r, 0, desc, strlen(desc), GRID_ROLE_DEFAULT, 0);
	} else {	/* one row: line breaks in the guideline become spaces */
		char flat[512];

		snprintf(flat, sizeof flat, "%s", desc);
		for (char *c = flat; *c != '\0'; c++)
			*c = *c == '\n' || *c == '\t' || *c == '\r' ? ' ' : *c;
		grid_truncate(flat, in.w - dx, ui->ascii, cut, sizeof cut);
		grid_text(&ui->screen, in.x + dx, y, cut, in.w - dx, GRID_ROLE_DEFAULT, 0);
	}
}

/*
 * The schema in at most max rows from in.y: a heading, then a row per
 * label, its guideline wrapped when every label's fits, else cut to one
 * row. Returns the rows used.
 */
static int pane_guide_draw(struct ui *ui, struct layout_rect in, int max)
{
	char more[64];
	int n, i, keyw, namew, dw, need = 1, y = in.y + 1;

	label_names(ui->app, &n);
	grid_text(&ui->screen, in.x, in.y, n > 0 ? "labels: key, name, guideline (A adds one)" :
		  "no labels yet: A adds one", in.w, GRID_ROLE_TITLE, GRID_ATTR_BOLD);
	pane_guide_widths(ui->app, in.w, &keyw, &namew);
	dw = in.w - (keyw + 2 + namew + 2);
	for (i = 0; i < n; i++)
		need += dw >= 16 ? pane_guide_rows(label_description(ui->app, i), dw) : 1;
	for (i = 0; i < n; i++) {
		int rows = 1;

		if (need <= max && dw >= 16)
			rows = pane_guide_rows(label_description(ui->app, i), dw);

		if (y + rows > in.y + max || (i + 1 < n && y + rows == in.y + max)) {
			snprintf(more, sizeof more, "... %d more labels (taller windows show all)",
				 n - i);
			grid_text(&ui->screen, in.x, y, more, in.w, GRID_ROLE_DIM, 0);
			return y + 1 - in.y;
		}
		pane_guide_label(ui, in, y, i, rows, keyw, namew);
		y += rows;
	}
	return y - in.y;
}

/* The command of a "  KEY  COMMAND" line. */
static const char *pane_key_command(const char *line)
{
	line += 2;
	line += strcspn(line, " ");
	return line + strspn(line, " ");
}

/*
 * One "  KEYS  COMMAND" line for key line i and the later lines of its
 * section with the same command ("j Down n" for label-move next), while
 * the keys fit their column; those are marked used.
 */
static void pane_key_merge(char **lines, int n, int i, bool *used, struct tt_buf *out)
{
	const char *cmd = pane_key_command(lines[i]);
	char keys[16];
	int j, len = (int)strcspn(lines[i] + 2, " ");

	snprintf(keys, sizeof keys, "%.*s", len, lines[i] + 2);
	for (j = i + 1; j < n && lines[j][0] == ' '; j++) {
		int klen = (int)strcspn(lines[j] + 2, " ");
		size_t at = strlen(keys);

		if (used[j] || (int)at + 1 + klen > 10 ||
		    strcmp(pane_key_command(lines[j]), cmd) != 0)
			continue;
		snprintf(keys + at, sizeof keys - at, " %.*s", klen, lines[j] + 2);
		used[j] = true;
	}
	tt_buf_printf(out, "  %-10s %s\n", keys, cmd);
}

/*
 * Key lines of every section, keys of one command on one line, the
 * section of context first (the focused pane's: what the person wants).
 * label-key lines are left out with omit_digits (the label overlay's
 * schema shows each label's key), else they become one "1-9 ... label-key
 * N" line. Appends the lines to out.
 */
static void pane_key_text(char **lines, int n, const char *context, bool omit_digits,
			  struct tt_buf *out)
{
	bool used[256] = { false };
	size_t clen = strlen(context);
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		int first = 0, digits = 0;

		for (i = 0; i < n && i < 256; i++) {
			if (lines[i][0] != ' ') {
				first = strncmp(lines[i], context, clen) == 0 &&
					strncmp(lines[i] + clen, " keys", 5) == 0;
				digits = 0;
			}
			if (first != (pass == 0))
				continue;
			if (lines[i][0] != ' ') {
				tt_buf_printf(out, "%s\n", lines[i]);
			} else if (strstr(lines[i], " label-key ") != NULL) {
				if (!omit_digits && !digits++)
					tt_buf_printf(out, "  %-10s %s\n", "1-9 ...", "label-key N");
			} else if (!used[i]) {
				pane_key_merge(lines, n, i, used, out);
			}
		}
	}
}

/*
 * Key lines column by column in r, from line top on: as many whole columns
 * of colw as fit (a line wider than r is cut). Returns the lines shown.
 */
static int pane_keys_window(struct ui *ui, struct layout_rect r, char **lines, int n, int colw,
			    int top)
{
	int i, shown = 0;

	for (i = top; i < n; i++) {
		int k = i - top, x = r.x + k / r.h * colw;

		if (k / r.h > 0 && x + colw - 3 > r.x + r.w)
			break;
		pane_help_line(ui, x, r.y + k % r.h, r.x + r.w - x < colw - 1 ? r.x + r.w - x :
			       colw - 1, lines[i]);
		shown++;
	}
	return shown;
}

/*
 * The key help: every key of the focused pane and the global ones, in as
 * many columns as fit the screen; when they do not all fit, Down/PgDn
 * scroll it (ui->overlay_top) and the title says which lines are shown.
 */
static void pane_keys_draw(struct ui *ui)
{
	struct tt_buf text, merged;
	char *lines[256], *keys[256], title[160];
	int n, k, i, colw = 0, cols, rows, fit, shown;
	struct layout_rect in;

	tt_buf_init(&text);
	tt_buf_init(&merged);
	keys_describe(ui->keys, ui_context_name(ui->focus), &text);
	n = pane_lines(text.data, lines, 256);
	pane_key_text(lines, n, ui_context_name(ui->focus), false, &merged);
	k = pane_lines(merged.data, keys, 256);
	for (i = 0; i < k; i++)
		colw = grid_text_width(keys[i]) > colw ? grid_text_width(keys[i]) : colw;
	colw += 3;
	rows = ui->h - 3 > 2 ? ui->h - 3 : 2;		/* the box, the status bar */
	fit = (ui->w - 4 + 3) / colw > 0 ? (ui->w - 4 + 3) / colw : 1;
	cols = (k + rows - 1) / rows;
	if (cols <= fit) {
		rows = cols > 0 ? (k + cols - 1) / cols : 1;
		ui->overlay_top = 0;
	} else {
		cols = fit;
		if (ui->overlay_top > k - rows * cols)
			ui->overlay_top = k - rows * cols;
	}
	snprintf(title, sizeof title, "keys · every key runs a command · any key closes");
	if (ui->overlay_top > 0 || rows * cols < k)
		snprintf(title, sizeof title, "keys %d-%d of %d · Down/PgDn/Up scroll · other keys "
			 "close", ui->overlay_top + 1, ui->overlay_top + rows * cols < k ?
			 ui->overlay_top + rows * cols : k, k);
	in = pane_box(ui, cols * colw - 3 + 4, rows + 2, title);
	shown = pane_keys_window(ui, in, keys, k, colw, ui->overlay_top);
	(void)shown;
	tt_buf_fini(&text);
	tt_buf_fini(&merged);
}

/* n key lines fit in rows x w as columns of colw (the last one's gap not needed). */
static int pane_keys_fit(int n, int rows, int colw, int w)
{
	int cols = (n + rows - 1) / rows;

	return cols * colw - 3 <= w;
}

/* Key lines in whole columns of colw inside r, as many as fit. */
static void pane_keys_columns(struct ui *ui, struct layout_rect r, char **lines, int n, int colw)
{
	int i;

	for (i = 0; i < n; i++) {
		int x = r.x + i / r.h * colw;

		if (x + colw - 3 > r.x + r.w)
			return;
		pane_help_line(ui, x, r.y + i % r.h, colw - 1, lines[i]);
	}
}

static void pane_guide_overlay(struct ui *ui)
{
	struct tt_buf text, merged;
	char *lines[256], *keys[256];
	struct layout_rect in, kr;
	int n, k, i, used, colw = 0;

	in = pane_box(ui, PANE_GUIDE_MAX_W, ui->h - 1, "? · labels and keys · any key closes");
	if (in.w <= 0 || in.h <= 0)
		return;
	/* the schema first, leaving a blank row and a few rows of keys */
	used = pane_guide_draw(ui, in, in.h > 8 ? in.h - 5 : in.h);
	tt_buf_init(&text);
	tt_buf_init(&merged);
	keys_describe(ui->keys, "label", &text);
	n = pane_lines(text.data, lines, 256);
	pane_key_text(lines, n, "label", true, &merged);
	k = pane_lines(merged.data, keys, 256);
	for (i = 0; i < k; i++)
		colw = grid_text_width(keys[i]) > colw ? grid_text_width(keys[i]) : colw;
	colw += 3;
	kr = (struct layout_rect){ in.x, in.y + used + 1, in.w, in.h - used - 1 };
	if (kr.h > 0 && pane_keys_fit(k, kr.h, colw, kr.w)) {
		pane_keys_columns(ui, kr, keys, k, colw);
	} else if (kr.h > 1) {	/* what fits, scrolled, and where the rest is */
		char more[96];
		int shown;

		kr.h--;
		if (ui->overlay_top >= k)
			ui->overlay_top = k - 1;
		shown = pane_keys_window(ui, kr, keys, k, colw, ui->overlay_top);
		if (ui->overlay_top + shown < k || ui->overlay_top > 0) {
			snprintf(more, sizeof more, "keys %d-%d of %d · Down/PgDn/Up scroll",
				 ui->overlay_top + 1, ui->overlay_top + shown, k);
			grid_text(&ui->screen, kr.x, kr.y + kr.h, more, kr.w, GRID_ROLE_DIM, 0);
		}
	}
	tt_buf_fini(&text);
	tt_buf_fini(&merged);
}

struct layout_rect pane_overlay_box(struct ui *ui, int w, int h, const char *title)
{
	return pane_box(ui, w, h, title);
}

void pane_help_draw(struct ui *ui)
{
	if (ui->confirm_quit)
		pane_confirm_draw(ui);
	else if (ui->qview.on && !ui->overlay)
		pane_quality_draw(ui);
	else if (ui->overlay && ui->focus == PANE_LABEL)
		pane_guide_overlay(ui);
	else if (ui->overlay)
		pane_keys_draw(ui);
}
