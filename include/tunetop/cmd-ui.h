/*
 * cmd-ui.h - the workbench's commands (cmd-ui*.c): views, focus, themes,
 * key bindings, pane cursors and filters, and the one-key training
 * helpers the default key map uses. Listed in cmd-table.c. The view
 * commands need the terminal UI and say so when run headless; help keys,
 * train, toggle-pause, lr-scale and checkpoint-now work anywhere.
 */
#ifndef TUNETOP_CMD_UI_H
#define TUNETOP_CMD_UI_H

#include "tunetop/cmd.h"

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

#endif
