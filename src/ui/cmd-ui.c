/*
 * cmd-ui.c - workbench commands for views and keys: theme, layout, focus,
 * zoom, redraw, keys (the overlay), bind, unbind, prompt, and `help keys`.
 */
#include "tunetop/cmd-ui.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/repl.h"
#include "tunetop/ui.h"

/* The UI, or NULL with an error naming the command. */
struct ui *cmd_ui_of(struct cmd_ctx *ctx, const char *name)
{
	if (ctx->app->ui != NULL)
		return ctx->app->ui;
	cmd_error(ctx, "%s: only in the terminal workbench (run tunetop without --headless)", name);
	return NULL;
}

long cmd_ui_record_here(struct cmd_ctx *ctx, struct ui *ui, const char *name)
{
	long i = ui->focus == PANE_LABEL ? label_queue_current(ui) : pane_data_current(ui);

	if (i < 0 || (size_t)i >= ctx->app->ds.n) {
		cmd_error(ctx, "%s: no record under the cursor", name);
		return -1;
	}
	return i;
}

enum cmd_rc cmd_ui_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_buf out;
	struct keys defaults;
	enum cmd_rc rc;

	if (argc > 1 && strcmp(argv[1], "keys") == 0) {
		tt_buf_init(&out);
		keys_init(&defaults);
		keys_describe(ctx->app->ui != NULL ? ctx->app->ui->keys : &defaults, NULL, &out);
		cmd_print(ctx, "%sEvery key runs the command shown; change them with "
			  "'bind [-c CONTEXT] KEY COMMAND'.\n", out.data);
		keys_fini(&defaults);
		tt_buf_fini(&out);
		return CMD_OK;
	}
	rc = cmd_help_exec(ctx, argc, argv);
	if (argc == 1)
		cmd_print(ctx, "'help keys' lists the key bindings.\n");
	return rc;
}

enum cmd_rc cmd_theme_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	struct tt_err err;
	char **names;
	size_t i;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		names = ui_theme_names();
		cmd_print(ctx, "theme %s; available:", ui->theme.name);
		for (i = 0; names[i] != NULL; i++) {
			cmd_print(ctx, " %s", names[i]);
			free(names[i]);
		}
		cmd_print(ctx, "\n");
		free(names);
		return CMD_OK;
	}
	tt_err_clear(&err);
	if (ui_set_theme(ui, argv[1], &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "theme: %s", msg);
		return CMD_ERROR;
	}
	cfg_set(&ctx->app->cfg, "theme", argv[1], NULL);
	cmd_print(ctx, "theme %s\n", ui->theme.name);
	return CMD_OK;
}

enum cmd_rc cmd_layout_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	int p;

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	p = layout_preset_lookup(argv[1]);
	if (p < 0) {
		cmd_error(ctx, "layout: unknown layout '%s' (expected overview, data or labeling)",
			  argv[1]);
		return CMD_ERROR;
	}
	ui_set_layout(ui, (enum layout_preset)p);
	return CMD_OK;
}

enum cmd_rc cmd_focus_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	int pane;

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	if (strcmp(argv[1], "next") == 0 || strcmp(argv[1], "prev") == 0)
		pane = layout_focus_next(&ui->layout, ui->focus, argv[1][0] == 'n' ? 1 : -1);
	else if (strcmp(argv[1], "back") == 0)
		pane = ui->back_focus != PANE_REPL ? ui->back_focus :
		       layout_default_focus(ui->preset);
	else
		pane = layout_pane_lookup(argv[1]);
	if (pane < 0 || pane == PANE_STATUS) {
		cmd_error(ctx, "focus: unknown pane '%s' (expected data, label, curves, confusion, "
			  "repl, next, prev or back)", argv[1]);
		return CMD_ERROR;
	}
	/* Esc on a line a key put there (search, filter, edit): leave it unrun. */
	if (strcmp(argv[1], "back") == 0 && ui->prompt_return && ui->term != NULL)
		repl_set_line(ui, "");
	ui->prompt_return = false;
	if (ui_set_focus(ui, pane) != 0 && ui_set_focus(ui, layout_focus_next(&ui->layout, pane, 1)) != 0) {
		cmd_error(ctx, "focus: the %s pane is not shown in this layout", argv[1]);
		return CMD_ERROR;
	}
	return CMD_OK;
}

enum cmd_rc cmd_zoom_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	int pane;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc > 1) {
		pane = layout_pane_lookup(argv[1]);
		if (pane < 0 || pane == PANE_STATUS) {
			cmd_error(ctx, "zoom: unknown pane '%s'", argv[1]);
			return CMD_ERROR;
		}
		ui->zoom = -1;
		ui->focus = pane;
	}
	ui_toggle_zoom(ui);
	return CMD_OK;
}

enum cmd_rc cmd_redraw_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui_redraw_all(ui);
	return CMD_OK;
}

enum cmd_rc cmd_keys_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->overlay = true;
	ui->overlay_top = 0;
	ui_mark(ui, UI_DIRTY_ALL);
	return CMD_OK;
}

/* "-c CONTEXT" before the key; returns the index of the key word. */
static int cmd_bind_context(struct cmd_ctx *ctx, int argc, char **argv, const char **context)
{
	*context = "global";
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 4) {
			cmd_error(ctx, "%s: -c needs a context and a key", argv[0]);
			return -1;
		}
		*context = argv[2];
		return 3;
	}
	return 1;
}

/* Words back into one command string, quoting those with spaces. */
static char *cmd_join(int argc, char **argv)
{
	struct tt_buf b;
	int i;

	tt_buf_init(&b);
	for (i = 0; i < argc; i++) {
		if (i > 0)
			tt_buf_addc(&b, ' ');
		if (argc > 1 && (strchr(argv[i], ' ') != NULL || argv[i][0] == '\0'))
			tt_buf_printf(&b, "'%s'", argv[i]);
		else
			tt_buf_adds(&b, argv[i]);
	}
	return b.data != NULL ? b.data : tt_xstrdup("");
}

enum cmd_rc cmd_bind_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const char *context, *bound;
	struct tt_err err;
	char *command, canon[KEYS_NAME_MAX];
	int k;

	if (ui == NULL || (k = cmd_bind_context(ctx, argc, argv, &context)) < 0)
		return CMD_ERROR;
	if (k + 1 >= argc) {
		if (keys_normalize(argv[k], canon, sizeof canon) != 0) {
			cmd_error(ctx, "bind: unknown key '%s'", argv[k]);
			return CMD_ERROR;
		}
		bound = keys_lookup(ui->keys, context, canon);
		cmd_print(ctx, "%s: %s\n", canon, bound != NULL ? bound : "(not bound)");
		return CMD_OK;
	}
	command = cmd_join(argc - k - 1, argv + k + 1);
	tt_err_clear(&err);
	if (keys_bind(ui->keys, context, argv[k], command, &err) != 0) {
		cmd_error(ctx, "bind: %s", err.msg);
		free(command);
		return CMD_ERROR;
	}
	keys_normalize(argv[k], canon, sizeof canon);
	cmd_print(ctx, "%s %s: %s\n", context, canon, command);
	free(command);
	return CMD_OK;
}

enum cmd_rc cmd_unbind_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const char *context;
	struct tt_err err;
	int k;

	if (ui == NULL || (k = cmd_bind_context(ctx, argc, argv, &context)) < 0)
		return CMD_ERROR;
	if (k >= argc) {
		cmd_error(ctx, "unbind: which key?");
		return CMD_ERROR;
	}
	tt_err_clear(&err);
	if (keys_unbind(ui->keys, context, argv[k], &err) != 0) {
		cmd_error(ctx, "unbind: %s", err.msg);
		return CMD_ERROR;
	}
	return CMD_OK;
}

enum cmd_rc cmd_prompt_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	if (ui == NULL)
		return CMD_ERROR;
	ui_prompt(ui, argc > 1 ? argv[1] : "");
	ui->prompt_return = ctx->source == CMD_SRC_KEY;
	return CMD_OK;
}
