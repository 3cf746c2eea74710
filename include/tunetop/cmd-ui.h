/*
 * cmd-ui.h - the workbench's commands (cmd-ui*.c): views, focus, themes,
 * key bindings, pane cursors and filters, and the one-key training
 * helpers the default key map uses. Listed in cmd-table.c. The view
 * commands need the terminal UI and say so when run headless; help keys,
 * train, toggle-pause, lr-scale and checkpoint-now work anywhere.
 */
#ifndef TUNETOP_CMD_UI_H
#define TUNETOP_CMD_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/cmd.h"
#include "tunetop/dataset.h"
#include "tunetop/label-queue.h"

struct ui;

/*
 * The workbench a command acts on, or NULL with an error saying the
 * command needs it. The registry already refuses CMD_NEEDS_TUI commands
 * without a workbench; this covers the calls that do not go through it.
 */
struct ui *cmd_ui_of(struct cmd_ctx *ctx, const char *name);
/*
 * The record a command on "the record here" acts on: the label pane's
 * current queue record when it has the focus, else the data pane's
 * cursor; -1 with an error naming the command when there is none.
 */
long cmd_ui_record_here(struct cmd_ctx *ctx, struct ui *ui, const char *name);

/* cmd-ui.c: views and keys */
enum cmd_rc cmd_ui_help_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_theme_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_layout_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_focus_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_zoom_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_redraw_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_keys_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_bind_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_unbind_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_prompt_exec(struct cmd_ctx *ctx, int argc, char **argv);

/* cmd-ui-pane.c: cursors, filters, chart and matrix views */
enum cmd_rc cmd_cursor_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_detail_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_filter_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_quality_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_leak_fix_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* cmd-ui-tokens.c: tokens-record, `tokens` on the text of the record on screen (key T). */
enum cmd_rc cmd_tokens_record_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_sort_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_search_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_search_step_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_edit_here_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_open_cell_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_normalize_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_matrix_view_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_matrix_sort_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_matrix_split_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_smooth_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_logy_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_layers_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_range_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_scroll_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_text_scroll_exec(struct cmd_ctx *ctx, int argc, char **argv);

/* cmd-ui-train.c: one-key training helpers */
enum cmd_rc cmd_train_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_toggle_pause_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_lr_scale_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_checkpoint_now_exec(struct cmd_ctx *ctx, int argc, char **argv);

/*
 * cmd-ui-label.c: the keyboard labeling flow of the label pane. There is
 * one cursor: the record the label pane shows is the data pane's
 * (ui->data), so a drill-down, a search or a move in the data pane is what
 * the label pane labels, and switching layouts never changes it. The queue
 * is the order "next" and "prev" walk: the data pane's list (its filter and
 * its sort) in one of these orders:
 *
 *   unlabeled  unlabeled records first, then the rest (the default)
 *   file       the data pane's order as it is
 *   margin     smallest margin (top-1 minus top-2 probability) first;
 *              "least-confident" is another name for it
 *   entropy    highest entropy of the predicted distribution first
 *   random     shuffled with a seed (queue random SEED)
 *   uncertain  margin, with near duplicates kept apart (label-queue.h)
 *   disagreements  records the annotators disagree on first
 *   likely-errors  the last label-error ranking (label-errors), most likely
 *              mislabeled first; records it did not rank go last
 *
 * Each part keeps the data pane's order; margin and entropy use the live
 * model's predictions, and records without one go last. The queue is
 * rebuilt only when the data pane's list is (ui->data.list_gen), the order
 * changes or, for margin and entropy, the predictions change - never on a
 * key press or an edit, so the record just labeled stays where it is. New
 * predictions re-rank only the records after the current one. Until the
 * person puts the cursor somewhere, the label pane starts at the queue's
 * head (the first unlabeled record).
 *
 * Every edit goes through cmd_edit_apply (journaled, fsynced) before the
 * pane marks the record saved.
 */
enum cmd_rc cmd_queue_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_move_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_key_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_accept_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_as_exec(struct cmd_ctx *ctx, int argc, char **argv);
/*
 * label-pick: the type-ahead picker of the label pane (ui->pick): letters
 * narrow the labels (prefix matches first, then those containing them),
 * Up/Down choose, Enter labels like label-as, Esc leaves it.
 */
enum cmd_rc cmd_label_pick_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* What a key does while the picker is open (ui.c routes every key here then). */
enum label_pick_op {
	LABEL_PICK_TYPE,	/* a letter (code point c) */
	LABEL_PICK_BACK,	/* Backspace */
	LABEL_PICK_NEXT,	/* Down, Tab */
	LABEL_PICK_PREV,	/* Up, BTab */
	LABEL_PICK_ENTER,	/* label with the chosen match */
	LABEL_PICK_CLOSE	/* Esc */
};
void label_pick_do(struct ui *ui, enum label_pick_op op, int c);
/*
 * The labels matching the picker's letters, best first: their indexes
 * into label_names() in out (room for n); returns the count.
 */
int label_pick_matches(const struct ui *ui, int *out, int n);
enum cmd_rc cmd_label_confirm_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_mark_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_note_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_undo_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_redo_exec(struct cmd_ctx *ctx, int argc, char **argv);
/*
 * add-label NAME [KEY] [DESCRIPTION...]: a new label in the schema (and the
 * session's labels, so `session save` keeps it) on KEY or the next free
 * label key; works headless too (no key binding then).
 */
enum cmd_rc cmd_add_label_exec(struct cmd_ctx *ctx, int argc, char **argv);

struct session;
/* The record at the queue's cursor (rebuilt when stale), or -1. */
long label_queue_current(struct ui *ui);
/* "3 of 816 · queue entropy" for the pane title. */
void label_queue_describe(struct ui *ui, char *out, size_t n);
/* Record index's last edit from the pane is durable (the saved mark). */
bool label_queue_saved(const struct ui *ui, long index);
/* Multi-label: label k is toggled on for record index. */
bool label_queue_toggled(const struct ui *ui, long index, int label);
/* Free the ui's queue (ui_state_fini does). */
void label_queue_free(struct ui *ui);
/*
 * The queue in the session: SESSION_UI_QUEUE gets the arguments of `queue`
 * ("entropy", "random 42": the seed goes with random), and
 * SESSION_UI_LABEL_CURSOR the dataset index (0-based) of the record at the
 * cursor - a record, not a position, so it survives a different filter or
 * new predictions. Apply restores the order and puts the cursor on that
 * record when the queue holds it (else on the first); call it after the
 * data filter is restored. Values that do not parse are ignored (session.c
 * rejects them on load).
 */
void label_queue_session_store(struct ui *ui, struct session *s);
void label_queue_session_apply(struct ui *ui, const struct session *s);
/* cmd-ui-label.c, for the picker (cmd-ui-pick.c): the record to label, or -1 + an error. */
long label_current(struct cmd_ctx *ctx, struct ui *ui, const char *name);
/* Label record i with schema label k (multi-label: toggle it) and go on. */
enum cmd_rc label_with(struct cmd_ctx *ctx, struct ui *ui, long i, int k);

/* cmd-ui-schema.c: the labels' names, keys and guidelines, and add-label. */
/* The label key of schema label i: the session's, else 1..9, then letters. */
void label_key_of(const struct app *a, int i, char *out, size_t n);
/* The label names to offer: the session's schema, else the data's labels. */
char *const *label_names(const struct app *a, int *n);
/* Schema label i's description (the session's guideline), or NULL. */
const char *label_description(const struct app *a, int i);
/* Bind the label keys beyond 1..9 (the session's, letters) not yet bound. */
void label_bind_keys(struct ui *ui);

#endif
