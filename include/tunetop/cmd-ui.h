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
enum cmd_rc cmd_open_cell_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_normalize_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_smooth_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_logy_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_range_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_scroll_exec(struct cmd_ctx *ctx, int argc, char **argv);

/* cmd-ui-train.c: one-key training helpers */
enum cmd_rc cmd_train_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_toggle_pause_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_lr_scale_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_checkpoint_now_exec(struct cmd_ctx *ctx, int argc, char **argv);

/*
 * cmd-ui-label.c: the keyboard labeling flow of the label pane. The queue
 * is the order records are labeled in; its position is the pane's cursor.
 * Every edit goes through cmd_edit_apply (journaled, fsynced) before the
 * pane marks the record saved.
 */
enum cmd_rc cmd_queue_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_move_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_key_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_accept_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_confirm_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_mark_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_note_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_undo_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_redo_exec(struct cmd_ctx *ctx, int argc, char **argv);

enum label_order {
	LABEL_ORDER_FILE,
	LABEL_ORDER_UNLABELED,		/* unlabeled first, then file order */
	LABEL_ORDER_LEAST_CONFIDENT,	/* margin ascending; no prediction last */
	LABEL_ORDER_RANDOM		/* shuffled with a seed */
};

const char *label_order_name(enum label_order o);
/* "file", "unlabeled", "least-confident", "random" -> *out; -1 if unknown. */
int label_order_parse(const char *name, enum label_order *out);
/*
 * The queue of records[0..n) that are not deleted, in order o, into out
 * (room for n); margin (NaN: none; may be NULL) per record for
 * least-confident. Ties and the other orders keep file order. Returns the
 * count.
 */
size_t label_queue_order(const struct ds_record *recs, size_t n, enum label_order o,
			 uint64_t seed, const float *margin, uint32_t *out);

struct ui;
/* The record at the queue's cursor (rebuilt when stale), or -1. */
long label_queue_current(struct ui *ui);
/* "3 of 816 · queue least-confident" for the pane title. */
void label_queue_describe(struct ui *ui, char *out, size_t n);
/* Record index's last edit from the pane is durable (the saved mark). */
bool label_queue_saved(long index);
/* Multi-label: label k is toggled on for record index. */
bool label_queue_toggled(long index, int label);
/* The label key of schema label i: the session's, else 1..9, a..z. */
void label_key_of(const struct app *a, int i, char *out, size_t n);
/* The label names to offer: the session's schema, else the data's labels. */
char *const *label_names(const struct app *a, int *n);

#endif
