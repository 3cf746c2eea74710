/*
 * cmd-ui-pane.c - workbench commands that act on a pane: cursor moves
 * (for the focused pane), the record detail, data filters, opening a
 * confusion cell, the matrix's counts/normalized view, chart smoothing,
 * log scale and x range, and REPL scrolling.
 */
#include "tunetop/cmd-ui.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

static struct ui *cmd_pane_ui(struct cmd_ctx *ctx, const char *name)
{
	if (ctx->app->ui != NULL)
		return ctx->app->ui;
	cmd_error(ctx, "%s: only in the terminal workbench (run tunetop without --headless)", name);
	return NULL;
}

enum cmd_rc cmd_cursor_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);
	int m = pane_move_lookup(argv[1]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	if (m < 0) {
		cmd_error(ctx, "cursor: expected up, down, left, right, pgup, pgdn, top or bottom");
		return CMD_ERROR;
	}
	if (ui->focus == PANE_CONFUSION)
		pane_confusion_move(ui, (enum pane_move)m);
	else if (ui->focus == PANE_REPL)
		pane_repl_scroll(ui, m == PANE_MOVE_UP || m == PANE_MOVE_PGUP ? -1 : 1,
				 m == PANE_MOVE_BOTTOM ? 0 : 1);
	else
		pane_data_move(ui, (enum pane_move)m);
	return CMD_OK;
}

enum cmd_rc cmd_detail_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->data.detail = !ui->data.detail;
	ui_mark(ui, 1u << PANE_DATA);
	return CMD_OK;
}

static enum cmd_rc cmd_filter_label(struct cmd_ctx *ctx, struct ui *ui, const char *name)
{
	uint32_t id;

	if (ds_label_find(&ctx->app->ds, name, strlen(name), &id) != 0) {
		cmd_error(ctx, "filter: no label '%s' in the data (see 'labels')", name);
		return CMD_ERROR;
	}
	ui->data.label = id;
	pane_data_set_filter(ui, UI_FILTER_LABEL);
	return CMD_OK;
}

static enum cmd_rc cmd_filter_split(struct cmd_ctx *ctx, struct ui *ui, const char *name)
{
	enum ds_split s;

	if (strcmp(name, "none") == 0)
		s = DS_SPLIT_NONE;
	else if (ds_split_parse(name, strlen(name), &s) != 0) {
		cmd_error(ctx, "filter: unknown split '%s' (expected train, valid, test or none)", name);
		return CMD_ERROR;
	}
	ui->data.split = (uint8_t)s;
	pane_data_set_filter(ui, UI_FILTER_SPLIT);
	return CMD_OK;
}

static enum cmd_rc cmd_filter_text(struct ui *ui, int argc, char **argv)
{
	size_t len = 0;
	int i;

	ui->data.text[0] = '\0';
	for (i = 0; i < argc; i++) {
		len += (size_t)snprintf(ui->data.text + len, sizeof ui->data.text - len, "%s%s",
					i > 0 ? " " : "", argv[i]);
		if (len >= sizeof ui->data.text)
			break;
	}
	pane_data_set_filter(ui, UI_FILTER_TEXT);
	return CMD_OK;
}

enum cmd_rc cmd_filter_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);
	const char *what = argc > 1 ? argv[1] : "off";

	if (ui == NULL)
		return CMD_ERROR;
	if (strcmp(what, "off") == 0 || strcmp(what, "all") == 0)
		pane_data_set_filter(ui, UI_FILTER_ALL);
	else if (strcmp(what, "unlabeled") == 0)
		pane_data_set_filter(ui, UI_FILTER_UNLABELED);
	else if (strcmp(what, "flagged") == 0)
		pane_data_set_filter(ui, UI_FILTER_FLAGGED);
	else if (argc < 3)
		goto usage;
	else if (strcmp(what, "label") == 0)
		return cmd_filter_label(ctx, ui, argv[2]);
	else if (strcmp(what, "split") == 0)
		return cmd_filter_split(ctx, ui, argv[2]);
	else if (strcmp(what, "text") == 0)
		return cmd_filter_text(ui, argc - 2, argv + 2);
	else
		goto usage;
	return CMD_OK;
usage:
	cmd_error(ctx, "filter: expected off, label NAME, split NAME, text WORDS, unlabeled "
		  "or flagged");
	return CMD_ERROR;
}

/* Move the confusion cursor to the classes named (trainer label names). */
static int cmd_cell_by_name(struct ui *ui, const char *t, const char *p)
{
	const struct trainer_snapshot *s = &ui->train.snap;
	uint32_t i, r = UINT32_MAX, c = UINT32_MAX;

	for (i = 0; i < s->nlabels; i++) {
		if (strcmp(s->label_names[i], t) == 0)
			r = i;
		if (strcmp(s->label_names[i], p) == 0)
			c = i;
	}
	if (r == UINT32_MAX || c == UINT32_MAX)
		return -1;
	ui->conf.opts.cr = r;
	ui->conf.opts.cc = c;
	return 0;
}

enum cmd_rc cmd_open_cell_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);
	const char *tname, *pname;
	uint64_t count;
	uint32_t id;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 3 && cmd_cell_by_name(ui, argv[1], argv[2]) != 0) {
		cmd_error(ctx, "open-cell: no class '%s' or '%s' in the last evaluation", argv[1],
			  argv[2]);
		return CMD_ERROR;
	}
	if (pane_confusion_cell(ui, &tname, &pname, &count) != 0) {
		cmd_error(ctx, "open-cell: no evaluation yet (press e, or wait for an epoch end)");
		return CMD_ERROR;
	}
	if (ds_label_find(&ctx->app->ds, tname, strlen(tname), &id) != 0) {
		cmd_error(ctx, "open-cell: label '%s' is no longer in the data", tname);
		return CMD_ERROR;
	}
	ui->data.label = id;
	ui->data.pred = ui->conf.opts.cc;
	if (ui->train.npred_of > 0)
		snprintf(ui->data.title, sizeof ui->data.title, "true %s, predicted %s (valid)", tname,
			 pname);
	else
		snprintf(ui->data.title, sizeof ui->data.title, "true %s (valid; no predictions yet)",
			 tname);
	ui_set_layout(ui, LAYOUT_DATA);
	pane_data_set_filter(ui, UI_FILTER_CELL);
	cmd_print(ctx, "%zu valid records labeled %s predicted %s (the cell says %llu), most "
		  "confident first; Esc lists all records\n", ui->data.n, tname, pname,
		  (unsigned long long)count);
	return CMD_OK;
}

enum cmd_rc cmd_normalize_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->conf.opts.normalized = !ui->conf.opts.normalized;
	ui_mark(ui, 1u << PANE_CONFUSION);
	return CMD_OK;
}

enum cmd_rc cmd_smooth_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);
	char *end;
	double w;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1 || strcmp(argv[1], "+") == 0 || strcmp(argv[1], "-") == 0) {
		w = pane_curves_smooth(ui, argc == 1 || argv[1][0] == '+' ? 1 : -1);
	} else {
		w = strtod(argv[1], &end);
		if (*end != '\0' || pane_curves_set_smooth(ui, w) != 0) {
			cmd_error(ctx, "smooth: expected +, - or a weight from 0 to 0.99");
			return CMD_ERROR;
		}
		w = pane_curves_smooth_weight(ui);
	}
	cmd_print(ctx, "smoothing %g\n", w);
	return CMD_OK;
}

enum cmd_rc cmd_logy_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->curves.logy = !ui->curves.logy;
	ui_mark(ui, 1u << PANE_CURVES);
	return CMD_OK;
}

enum cmd_rc cmd_range_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);
	char *end;
	unsigned long long n;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		pane_curves_cycle_range(ui);
		return CMD_OK;
	}
	if (strcmp(argv[1], "all") == 0) {
		ui->curves.last_n = 0;
		ui->curves.range_level = 0;
	} else {
		n = strtoull(argv[1], &end, 10);
		if (*end != '\0' || n == 0 || argv[1][0] == '-') {
			cmd_error(ctx, "range: expected all or a number of steps");
			return CMD_ERROR;
		}
		ui->curves.last_n = n;
		ui->curves.range_level = 1;
	}
	ui_mark(ui, 1u << PANE_CURVES);
	return CMD_OK;
}

enum cmd_rc cmd_scroll_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_pane_ui(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	if (strcmp(argv[1], "up") == 0)
		pane_repl_scroll(ui, -1, 1);
	else if (strcmp(argv[1], "down") == 0)
		pane_repl_scroll(ui, 1, 1);
	else if (strcmp(argv[1], "bottom") == 0)
		pane_repl_scroll(ui, 1, 0);
	else {
		cmd_error(ctx, "scroll: expected up, down or bottom");
		return CMD_ERROR;
	}
	return CMD_OK;
}
