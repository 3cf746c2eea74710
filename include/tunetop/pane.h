/*
 * pane.h - the panes of the workbench. Each draws its box and contents
 * into the screen grid (no curses) and keeps its view state in struct ui;
 * commands (cmd-ui*.c) move cursors and change views through these calls.
 */
#ifndef TUNETOP_PANE_H
#define TUNETOP_PANE_H

#include <stdbool.h>
#include <stdint.h>

#include "tunetop/layout.h"
#include "tunetop/ui.h"
#include "tunetop/util.h"

/* Cursor moves shared by the list-like panes. */
enum pane_move {
	PANE_MOVE_UP,
	PANE_MOVE_DOWN,
	PANE_MOVE_LEFT,
	PANE_MOVE_RIGHT,
	PANE_MOVE_PGUP,
	PANE_MOVE_PGDN,
	PANE_MOVE_TOP,
	PANE_MOVE_BOTTOM
};

/* "up" -> PANE_MOVE_UP ...; -1 if unknown. */
int pane_move_lookup(const char *name);

/* ---- text helpers (pane-text.c) ---- */

/*
 * Bytes of the longest prefix of s[0..len) that fits in maxw columns and
 * holds no newline; *width (may be NULL) gets its width.
 */
size_t pane_cut(const char *s, size_t len, int maxw, int *width);
/*
 * A record's text for wrapping: tabs and carriage returns become spaces
 * (same length, so search matches keep their offsets); appended to out.
 */
void pane_text_plain(const char *s, size_t len, struct tt_buf *out);
/* One line for a list: control characters (runs of them) become a space. */
void pane_preview(const char *s, size_t len, char *out, size_t n);
/*
 * Word-wrap s[0..len) into r from row `row` (relative to r.y); newlines
 * break lines. Returns the rows used (at most r.h - row).
 */
int pane_wrap(struct grid *g, struct layout_rect r, int row, const char *s, size_t len,
	      uint8_t role, uint8_t attr);

/*
 * Highlighted pieces: spans holds nspans sorted [start, end) byte ranges
 * (pairs) of a text; s is that text from byte base on. pane_text_spans
 * draws s[0..len) on one row; pane_wrap_spans wraps like pane_wrap (base
 * 0). Bytes in a span use the search-match role.
 */
int pane_text_spans(struct grid *g, int x, int y, const char *s, size_t len, int maxw,
		    uint8_t role, uint8_t attr, size_t base, const size_t *spans, int nspans);
int pane_wrap_spans(struct grid *g, struct layout_rect r, int row, const char *s, size_t len,
		    uint8_t role, uint8_t attr, const size_t *spans, int nspans);
/*
 * A window on a long text: the wrapped rows top .. top + r.h of s[0..len)
 * fill r (spans marked as above). Returns how many rows the whole text
 * wraps to, so the caller can say where the window is.
 */
int pane_wrap_window(struct grid *g, struct layout_rect r, const char *s, size_t len,
		     uint8_t role, uint8_t attr, const size_t *spans, int nspans, int top);
/* "lines 1-6 of 42 · PgDn" for a window of rows at top; "" when all fit. */
void pane_text_where(int top, int rows, int total, char *out, size_t n);
/*
 * A record's text in r, scrolled to where the person left it (ui->data:
 * text_top, reset when the record changes; clamped to the text), search
 * matches marked. where gets pane_text_where's line. Returns the rows used.
 */
int pane_record_text(struct ui *ui, struct layout_rect r, long rec, uint8_t attr, char *where,
		     size_t n);
/* Rows record rec's text wraps to at width w. */
int pane_record_rows(struct ui *ui, long rec, int w);
/* Scroll the current record's text by rows (a page: PANE_TEXT_PAGE, -PANE_TEXT_PAGE). */
enum { PANE_TEXT_PAGE = 1 << 20 };
void pane_record_scroll(struct ui *ui, int rows);
/* Draw where (if any) at the right end of row y of r, over what is there. */
void pane_text_where_draw(struct ui *ui, struct layout_rect r, int y, const char *where);

/*
 * Word-wrap like pane_wrap, with the workbench's search matches in s drawn
 * in the search-match role (pane-search.c).
 */
int pane_wrap_marked(struct ui *ui, struct layout_rect r, int row, const char *s, size_t len,
		     uint8_t role, uint8_t attr);
/* One row of NUL-terminated text at (x, y), search matches marked; columns used. */
int pane_text_marked(struct ui *ui, int x, int y, const char *s, int maxw, uint8_t role,
		     uint8_t attr);

/* ---- data (pane-data.c: the list, its filter and sort) ---- */

void pane_data_draw(struct ui *ui, struct layout_rect r, bool focused);
/* Rebuild the list of shown records when the data, filter or sort changed. */
void pane_data_refresh(struct ui *ui);
void pane_data_move(struct ui *ui, enum pane_move m);
/* The record under the cursor, or -1. */
long pane_data_current(struct ui *ui);
/* Put the cursor on record rec; -1 when the list does not hold it. */
int pane_data_goto(struct ui *ui, size_t rec);
/*
 * Does record i pass the workbench's filter (the data pane's, which the
 * labeling queue shares)? Deleted records never do.
 */
bool pane_data_filter_match(const struct ui *ui, size_t i);
/*
 * Set the filter from terms ("label=billing pred=refund conf=..0.6";
 * "" for none) and rebuild. -1 + err when they do not parse: the filter
 * in force stays.
 */
int pane_data_set_filter(struct ui *ui, const char *text, struct tt_err *err);
/* The list of one confusion cell: records of split (valid, test) labeled tname predicted pname. */
int pane_data_open_cell(struct ui *ui, const char *split, const char *tname, const char *pname,
			struct tt_err *err);
/* Sort by column s, descending or not, and rebuild. */
void pane_data_set_sort(struct ui *ui, enum ui_sort s, bool desc);
/* "file", "id", "label", ... for a sort column; -1 for an unknown name. */
const char *pane_data_sort_name(enum ui_sort s);
int pane_data_sort_lookup(const char *name);
void pane_data_fini(struct ui_data_view *v);

/* ---- sort (pane-sort.c) ---- */

/* Sort ui->data.idx by the sort column; ties and missing values as documented there. */
void pane_sort_list(struct ui *ui);
/* Start ranking a large dataset's ids and texts on a worker thread. */
void pane_sort_prefetch(struct ui *ui);
/* Stop that worker (before the dataset is replaced or freed). */
void pane_sort_stop(struct ui *ui);
void pane_sort_fini(struct ui *ui);
/* Datasets from this many records on are ranked on a worker (tests lower it). */
extern size_t pane_sort_bg_min;

/* ---- search (pane-search.c) ---- */

/*
 * Search record texts for an extended regular expression (case-insensitive
 * unless it has a capital letter); "" clears the search. -1 + err when the
 * pattern does not compile (the search in force stays).
 */
int pane_search_set(struct ui *ui, const char *pattern, struct tt_err *err);
/*
 * Move the data cursor to the next (dir > 0) or previous listed record
 * whose text matches, starting after the cursor (or at it, with
 * from_cursor). Returns 0 with *wrapped set when the search went round the
 * end, -1 when no listed record matches.
 */
int pane_search_step(struct ui *ui, int dir, bool from_cursor, bool *wrapped);
/* Does record i's text match the search? */
bool pane_search_matches(const struct ui *ui, size_t i);

/* ---- label (pane-label.c) ---- */

void pane_label_draw(struct ui *ui, struct layout_rect r, bool focused);
/*
 * The digit key of label i: "1".."9", else " ". Labels after the ninth get
 * the letters no labeling key uses (label_key_of in cmd-ui-label.c).
 */
void pane_label_key(int i, char *out, size_t n);

/* ---- curves (pane-curves.c) ---- */

void pane_curves_draw(struct ui *ui, struct layout_rect r, bool focused);
/* Smoothing one step up (dir > 0) or down; returns the new weight. */
double pane_curves_smooth(struct ui *ui, int dir);
/* Set the weight directly (0 .. 0.99); -1 if out of range. */
int pane_curves_set_smooth(struct ui *ui, double w);
double pane_curves_smooth_weight(const struct ui *ui);
/* Cycle the x range: all, the last quarter, the last sixteenth of the steps. */
void pane_curves_cycle_range(struct ui *ui);

/* ---- layers (pane-layers.c): the curves pane's per-layer view ---- */

void pane_layers_draw(struct ui *ui, struct layout_rect r, bool focused);
/* Show the layers view in the curves pane (on), or the curves again. */
void pane_layers_show(struct ui *ui, bool on);

/* ---- confusion (pane-confusion.c) ---- */

void pane_confusion_draw(struct ui *ui, struct layout_rect r, bool focused);
void pane_confusion_move(struct ui *ui, enum pane_move m);
/*
 * The cursor cell: 0 and its true and predicted class names (the trainer's
 * label names), or -1 without an evaluation.
 */
int pane_confusion_cell(struct ui *ui, const char **true_name, const char **pred_name,
			uint64_t *count);
/* Put the cursor on the cell (true tname, predicted pname). -1 if no such classes. */
int pane_confusion_select(struct ui *ui, const char *tname, const char *pname);
/* Show the last test evaluation (test) or the validation one. */
void pane_confusion_show_split(struct ui *ui, bool test);
/* "test" or "valid": the split whose evaluation the pane shows. */
const char *pane_confusion_split(const struct ui *ui);

/* ---- repl (pane-repl.c) ---- */

void pane_repl_draw(struct ui *ui, struct layout_rect r, bool focused);
/* Add command output (may hold several lines and a partial one). */
void pane_repl_add(struct ui_scrollback *sb, uint8_t role, const char *text);
/* End a pending partial line. */
void pane_repl_flush(struct ui_scrollback *sb);
/* Scroll back (dir < 0) or forward by a page of rows; 0 rows = to the end. */
void pane_repl_scroll(struct ui *ui, int dir, int rows);
void pane_repl_fini(struct ui_scrollback *sb);
/* The terminal cursor in the command line, when the REPL has focus. */
int pane_repl_cursor(struct ui *ui, int *x, int *y);

/* ---- status bar (statusbar.c) and overlays (pane-help.c) ---- */

void statusbar_draw(struct ui *ui, struct layout_rect r);
/* The quit question, or the keys overlay, or the quality view, over the panes. */
void pane_help_draw(struct ui *ui);
/* A centered, boxed, blank w x h rectangle over the panes; returns its inside. */
struct layout_rect pane_overlay_box(struct ui *ui, int w, int h, const char *title);

/* ---- the quality view (pane-quality.c) ---- */

/* Show it (`quality` in the workbench, key Q). */
void pane_quality_open(struct ui *ui);
void pane_quality_draw(struct ui *ui);
/* A key while it is shown (by name: "Down", "Enter", "r", "Esc" ...). */
void pane_quality_key(struct ui *ui, const char *key);

#endif
