/*
 * ui.h - the terminal workbench: its state and the calls commands and panes
 * make on it. No curses here: the curses side lives in ui.c and ui-draw.c,
 * so panes, keys and the UI commands stay testable without a terminal.
 *
 * The UI thread owns struct ui and the app. Panes render into one screen
 * grid (struct grid); ui-draw.c copies the cells that changed to curses.
 * Whatever changes the screen marks the panes it touched dirty: ui_mark()
 * for input (drawn at once), ui_mark_news() for trainer news (drawn at the
 * next frame the refresh cap allows).
 */
#ifndef TUNETOP_UI_H
#define TUNETOP_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <regex.h>
#include <stdint.h>

#include "tunetop/cmd.h"
#include "tunetop/edit.h"
#include "tunetop/grid.h"
#include "tunetop/layout.h"
#include "tunetop/matrix.h"
#include "tunetop/theme.h"
#include "tunetop/trainer.h"
#include "tunetop/util.h"

struct app;
struct keys;
struct label_queue;
struct pane_sort_bg;
struct repl;
struct ui_term;

/* Dirty bits: one per pane (1u << PANE_x), plus the overlay. */
enum {
	UI_DIRTY_OVERLAY = 1u << PANE_COUNT,
	UI_DIRTY_ALL = (1u << (PANE_COUNT + 1)) - 1
};

/* What the trainer published, mirrored for drawing (ui-train.c). */
struct ui_train {
	struct trainer *seen;		/* the trainer the mirror belongs to */
	bool have_snap;
	struct trainer_snapshot snap;
	struct trainer_point *points;
	size_t npoints, points_cap;
	struct trainer_event *events;
	size_t nevents, events_cap;
	double *prev_x, *prev_y;	/* the previous run's train loss (faint) */
	size_t nprev;
	char message[256];		/* the last trainer message shown */
	struct trainer_predictions preds;	/* per record, the latest the trainer made */
	uint64_t pred_seq;		/* snap.pred_seq of preds */
	uint32_t *pred_of;		/* [npred_of] dataset record -> row of preds */
	size_t npred_of;
	struct trainer_layers layers;	/* per-layer statistics (pane-layers.c) */
	bool eval_seen;			/* an evaluation was mirrored ... */
	uint64_t eval_step;		/* ... at this step with this many records */
	uint64_t eval_n;
};

/* The data pane's sort column (file order is the dataset's own order). */
enum ui_sort {
	UI_SORT_FILE,
	UI_SORT_ID,
	UI_SORT_LABEL,
	UI_SORT_SPLIT,
	UI_SORT_FLAGS,
	UI_SORT_PRED,
	UI_SORT_CONF,
	UI_SORT_TEXT,
	UI_SORT_LENGTH,
	UI_SORT_COUNT
};

/* What sorting keeps between sorts (pane-sort.c). */
struct ui_sort_cache {
	uint64_t *keys, *tmp;		/* radix sort buffers */
	size_t cap;
	uint32_t *id_rank;		/* per record: place in id order, or NULL */
	uint32_t *text_rank;		/* per record: place in text order, or NULL */
	const void *recs;		/* the dataset the ranks belong to */
	size_t n;
	uint64_t text_edits;		/* ds.text_edits when text_rank was built */
	struct pane_sort_bg *bg;	/* ranking on a worker thread, or NULL */
};

/*
 * The data pane's list: the records that pass the filter, in sort order.
 * The filter (edit.h's terms, ANDed) is the workbench's one filter: the
 * labeling queue uses it too. The list is rebuilt only when the filter,
 * the sort, the data's shape or (for terms and sorts on predictions) the
 * predictions change, never on a cursor move, so it stays instant at a
 * million records. An edited record stays in the list until then, so the
 * cursor never jumps under the person's hands.
 */
struct ui_data_view {
	uint32_t *idx;			/* records shown, in order */
	size_t n;
	size_t cursor;			/* index into idx */
	size_t top;			/* first row shown */
	bool stale;			/* rebuild idx before drawing */
	bool detail;			/* the record detail fills the pane */
	struct edit_filter filter;	/* no terms: every record */
	char filter_text[256];		/* the filter as typed; "" for none */
	uint64_t filter_gen;		/* bumped whenever the filter changes */
	char title[160];		/* a name for the filter (a confusion cell) */
	enum ui_sort sort;
	bool sort_desc;
	bool resort;			/* sort idx again (the filter is unchanged) */
	struct ui_sort_cache sc;
	regex_t search_re;		/* the search, highlighted where shown */
	bool has_search;
	char search[128];		/* as typed */
	size_t ds_n;			/* ds.n when idx was built */
	void *ds_recs;			/* ds.recs when idx was built */
	uint64_t pred_step;		/* predictions idx was built with */
	uint64_t lerr_seq;		/* app->label_errors_seq idx was built with */
	uint64_t list_gen;		/* bumped whenever idx is rebuilt or sorted */
	bool placed;			/* the person (or a session) put the cursor somewhere */
	long text_rec;			/* the record text_top belongs to */
	int text_top;			/* first wrapped row of its text shown (label pane, detail) */
	int text_rows, text_total;	/* rows of the text shown, and of the whole text (drawn) */
};

struct ui_curves_view {
	int ema_level;			/* index into the smoothing steps */
	bool logy;
	uint64_t last_n;		/* > 0: only the last last_n steps */
	int range_level;		/* 0 all, 1 a quarter, 2 a sixteenth */
	bool layers;			/* the pane shows the layers view (pane-layers.c) */
};

/* What the confusion pane shows (pane-confusion.c). */
enum ui_conf_mode {
	UI_CONF_MATRIX,			/* the matrix with per-class P/R/F1/n */
	UI_CONF_TOP,			/* top confusions: the off-diagonal cells, most first */
	UI_CONF_TABLE,			/* per-class P/R/F1/n alone (always, for multi-label) */
	UI_CONF_MODES
};

struct ui_conf_view {
	struct matrix_opts opts;	/* cr, cc, row0, col0: display positions */
	struct matrix_view view;	/* as last drawn */
	enum ui_conf_mode mode;
	enum matrix_sort sort;		/* rows (and columns) order */
	bool test;			/* the last test evaluation, not validation */
	size_t pair, pair0;		/* top confusions: cursor, first listed */
	uint32_t trow0;			/* per-label table (multi-label): first row */
};

/* The REPL's output: lines with a color role, oldest first (pane-repl.c). */
struct ui_line {
	char *text;
	uint8_t role;
};

struct ui_scrollback {
	struct ui_line *lines;
	size_t n, cap;
	size_t back;			/* lines scrolled back from the bottom */
	struct tt_buf partial;		/* output not yet ended by a newline */
	uint8_t partial_role;
};

/* The line being edited, as readline has it (repl.c fills it). */
struct ui_edit {
	const char *prompt;
	const char *line;
	int point;			/* byte offset of the cursor in line */
	int cx, cy;			/* where the terminal cursor goes (drawn) */
	bool has_cursor;
};

/* The label pane's type-ahead picker (cmd-ui-label.c). */
enum { LABEL_PICK_SHOWN = 256 };	/* matches considered at most */
struct ui_pick {
	bool on;
	char text[64];			/* the letters typed */
	int sel;			/* the chosen match */
};

struct ui {
	struct app *app;
	struct layout layout;
	enum layout_preset preset;
	int zoom;			/* zoomed pane or -1 */
	int focus;
	int back_focus;			/* focus before the REPL took it */
	int w, h;
	struct grid screen;
	unsigned dirty;			/* draw now */
	unsigned news;			/* draw at the next capped frame */
	bool ascii;			/* no braille or box drawing */
	bool utf8;
	struct theme theme;
	int ncolors;			/* 256, 16, 8, or 0 (none / NO_COLOR) */
	struct keys *keys;
	struct ui_train train;
	struct ui_data_view data;
	struct ui_curves_view curves;
	struct ui_conf_view conf;
	struct ui_scrollback sb;
	struct ui_edit edit;
	struct repl *repl;
	bool prompt_return;		/* a key opened the prompt: back to the pane after Enter */
	struct ui_pick pick;
	struct label_queue *label_q;	/* the labeling queue (cmd-ui-label.c), made on first use */
	struct ui_quality_view {	/* the quality view over the panes (pane-quality.c) */
		bool on;
		int cursor, top;	/* rows */
	} qview;
	bool overlay;			/* the key help is shown */
	int overlay_top;		/* its first row shown (it scrolls) */
	bool confirm_quit;		/* asking y/n */
	bool quit;			/* leave the loop */
	char msg[256];			/* transient message in the status bar */
	bool msg_error;
	bool key_source;		/* the running command came from a key */
	double msg_until;
	double refresh_interval;	/* seconds between capped frames */
	double last_frame;
	double urgent_until;		/* news after a key press is drawn at once */
	bool news_pending;		/* the trainer woke us; pull at the next frame */
	bool autosave;			/* SIGHUP/SIGTERM/SIGQUIT: checkpoint before exit */
	int exit_status;		/* ui_main's: 0, or 128 + SIGQUIT after Ctrl-\ */
	struct ui_term *term;		/* the curses side; NULL in tests */
};

/* ---- lifecycle (ui.c) ---- */

struct ui_options {
	bool ascii;			/* --ascii */
};

/* ui_main's status when there is no terminal it can draw on (TERM=dumb, a pipe). */
enum { UI_EXIT_NO_TERMINAL = 2 };

/*
 * Run the workbench on app until the user quits; the terminal is restored
 * on every way out. Returns an exit status: 0 ok, 1 failure,
 * UI_EXIT_NO_TERMINAL, 131 (128 + SIGQUIT) after Ctrl-\ (state saved as
 * for SIGTERM).
 */
int ui_main(struct app *app, const struct ui_options *o);

/*
 * State without a terminal (also used by tests): layout, views, keys,
 * scrollback, theme "dark" if found. w x h is the screen size.
 */
void ui_state_init(struct ui *ui, struct app *app, int w, int h, bool ascii);
void ui_state_fini(struct ui *ui);
/* New screen size: relayout, resize the grid, everything dirty. */
void ui_resize(struct ui *ui, int w, int h);

/* ---- what commands and panes call ---- */

void ui_mark(struct ui *ui, unsigned panes);
void ui_mark_news(struct ui *ui, unsigned panes);
/* A message in the status bar for a few seconds, and in the REPL. */
/*
 * ui-labelerr.c: the label-error run in the background. _fd: its wake fd,
 * or -1 when none runs; _tick: take a finished run (message, panes) and
 * mark the status bar while it runs; _status: "label errors 2/5 31%" for
 * the status bar, false when none runs.
 */
int ui_label_errors_fd(const struct ui *ui);
void ui_label_errors_tick(struct ui *ui);
bool ui_label_errors_status(const struct ui *ui, char *out, size_t n);
/* ui-gen.c: a generation streaming into the REPL (app-gen.h): its wake fd
 * (-1: none), the tick that moves its text, Ctrl-C's stop (true: stopped). */
int ui_gen_fd(const struct ui *ui);
void ui_gen_tick(struct ui *ui);
bool ui_gen_interrupt(struct ui *ui);
void ui_message(struct ui *ui, bool is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Command output sink (cmd_ctx.sink): the REPL scrollback. */
void ui_sink(void *opaque, int is_error, const char *text);

int ui_set_layout(struct ui *ui, enum layout_preset p);
/* Focus a visible pane (the status bar cannot take focus). -1 if hidden. */
int ui_set_focus(struct ui *ui, int pane);
void ui_toggle_zoom(struct ui *ui);
/* Load a theme by name (themes/NAME.yaml, searched) or path and apply it. */
int ui_set_theme(struct ui *ui, const char *name, struct tt_err *err);
/* Resolve a theme name to a file path; out is malloc'd. -1 if not found. */
int ui_theme_path(const char *name, char **out);
/* Theme names found in the theme directories, NULL-terminated, malloc'd. */
char **ui_theme_names(void);
/* Repaint every cell (Ctrl-L): the curses side forgets what is on screen. */
void ui_redraw_all(struct ui *ui);
/* Put text on the REPL's command line and focus it (ui.c, via repl.c). */
void ui_prompt(struct ui *ui, const char *text);

/*
 * The session's UI state (layout, theme, focus, zoom, filter, cursor,
 * smoothing, log scale) applied; app->session_store set so that `session
 * save` records the workbench's state (ui-session.c).
 */
void ui_session_apply(struct ui *ui);

/* A command context whose output goes to the REPL (ui_sink). */
void ui_cmd_ctx(struct ui *ui, enum cmd_source source, struct cmd_ctx *ctx);
/* Run a command line as if typed (source REPL) or from a key. */
void ui_run_command(struct ui *ui, const char *line, bool from_key);

/* The pane whose key context applies ("data", "repl", ...). */
const char *ui_context_name(int pane);

/* ---- trainer mirror (ui-train.c) ---- */

/* Offer the mirrored predictions to filters (app->preds). */
void ui_train_attach(struct ui *ui);
/* Pull snapshot, new points and events; returns the panes to redraw. */
unsigned ui_train_pull(struct ui *ui);
void ui_train_fini(struct ui_train *t);
/*
 * The model's prediction for dataset record i: 0 with the label name (the
 * trainer's) and its probability, or -1 when there is none yet.
 */
int ui_train_prediction(const struct ui *ui, size_t i, const char **label, float *conf);
/* The same as the trainer's label id (for comparing with a matrix column). */
int ui_train_prediction_id(const struct ui *ui, size_t i, uint32_t *label, float *conf);
/* The trainer's state, or TRAINER_IDLE without one. */
enum trainer_state ui_train_state(const struct ui *ui);
/* A path next to the session (or data) file: BASE + suffix. malloc'd. */
char *ui_session_file(const struct app *app, const char *suffix);

/* ---- drawing (ui-draw.c builds the frame, panes draw their part) ---- */

/* Draw the dirty panes into ui->screen; returns the panes drawn. */
unsigned ui_render(struct ui *ui, unsigned panes);

/* ---- the curses side (ui-draw.c); no-ops without a terminal ---- */

/* Color pairs for the current theme and terminal. */
void ui_term_colors(struct ui *ui);

#endif
