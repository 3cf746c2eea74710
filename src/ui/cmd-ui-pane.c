/*
 * cmd-ui-pane.c - workbench commands that act on a pane: cursor moves
 * (for the focused pane), the record detail, the filter, sort and search
 * of the data pane, editing a record's text in place, opening a confusion
 * cell, the matrix's counts/normalized view, chart smoothing, log scale and
 * x range, and REPL scrolling.
 */
#include "tunetop/cmd-ui.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

enum cmd_rc cmd_cursor_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
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
	else if (ui->data.detail && (m == PANE_MOVE_PGUP || m == PANE_MOVE_PGDN))
		/* the detail fills the pane: a page is the record's, not the list's */
		pane_record_scroll(ui, m == PANE_MOVE_PGUP ? -PANE_TEXT_PAGE : PANE_TEXT_PAGE);
	else
		pane_data_move(ui, (enum pane_move)m);
	return CMD_OK;
}

enum cmd_rc cmd_detail_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->data.detail = !ui->data.detail;
	ui_mark(ui, 1u << PANE_DATA);
	return CMD_OK;
}

/* Words argv[from..argc) joined by single spaces. */
static void cmd_pane_join(int argc, char **argv, int from, struct tt_buf *out)
{
	int i;

	for (i = from; i < argc; i++)
		tt_buf_printf(out, "%s%s", i > from ? " " : "", argv[i]);
}

/* Plain words as a case-insensitive text~/.../i term (regex characters escaped). */
static void cmd_pane_text_term(int argc, char **argv, int from, struct tt_buf *out)
{
	struct tt_buf words;
	size_t i;

	tt_buf_init(&words);
	cmd_pane_join(argc, argv, from, &words);
	tt_buf_adds(out, "text~/");
	for (i = 0; i < words.len; i++) {
		if (strchr("\\^$.|?*+()[]{}/", words.data[i]) != NULL)
			tt_buf_addc(out, '\\');
		tt_buf_addc(out, words.data[i]);
	}
	tt_buf_adds(out, "/i");
	tt_buf_fini(&words);
}

/*
 * The filter a `filter` command asks for. The short forms of the first
 * version (label NAME, split NAME, text WORDS) still work; "+ TERMS" adds
 * terms to the filter in force.
 */
static void cmd_filter_text(struct ui *ui, int argc, char **argv, struct tt_buf *out)
{
	const char *w = argv[1];

	if (strcmp(w, "off") == 0 || strcmp(w, "all") == 0 || strcmp(w, "none") == 0)
		return;
	if (strcmp(w, "+") == 0) {
		tt_buf_printf(out, "%s%s", ui->data.filter_text,
			      ui->data.filter_text[0] != '\0' ? " " : "");
		cmd_pane_join(argc, argv, 2, out);
	} else if (argc >= 3 && (strcmp(w, "label") == 0 || strcmp(w, "split") == 0)) {
		tt_buf_printf(out, "%s=", w);
		cmd_pane_join(argc, argv, 2, out);
	} else if (argc >= 3 && strcmp(w, "text") == 0) {
		cmd_pane_text_term(argc, argv, 2, out);
	} else {
		cmd_pane_join(argc, argv, 1, out);
	}
}

enum cmd_rc cmd_filter_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	struct tt_buf text;
	struct tt_err err;
	enum cmd_rc rc = CMD_OK;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		cmd_print(ctx, "filter: %s (%zu of %zu records)\n", ui->data.filter_text[0] != '\0' ?
			  ui->data.filter_text : "none", ui->data.n, ctx->app->ds.n);
		return CMD_OK;
	}
	tt_buf_init(&text);
	tt_buf_adds(&text, "");
	cmd_filter_text(ui, argc, argv, &text);
	tt_err_clear(&err);
	if (text.len >= sizeof ui->data.filter_text) {
		cmd_error(ctx, "filter: too long (at most %zu characters)",
			  sizeof ui->data.filter_text - 1);
		rc = CMD_ERROR;
	} else if (pane_data_set_filter(ui, text.data, &err) != 0) {
		cmd_error(ctx, "filter: %s", err.msg);
		rc = CMD_ERROR;
	} else if (text.len > 0) {
		cmd_print(ctx, "filter %s: %zu of %zu records\n", text.data, ui->data.n,
			  ctx->app->ds.n);
	}
	tt_buf_fini(&text);
	return rc;
}

/* Sorting on predictions before there are any keeps file order: say so. */
static void cmd_sort_note(struct ui *ui)
{
	if ((ui->data.sort == UI_SORT_PRED || ui->data.sort == UI_SORT_CONF) &&
	    ui->train.npred_of == 0)
		ui_message(ui, false, "sort %s: no predictions yet (train, or press e to evaluate)",
			   pane_data_sort_name(ui->data.sort));
}

enum cmd_rc cmd_sort_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	bool desc = false;
	int col;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		cmd_print(ctx, "sort: %s %s\n", pane_data_sort_name(ui->data.sort),
			  ui->data.sort_desc ? "desc" : "asc");
		return CMD_OK;
	}
	col = pane_data_sort_lookup(argv[1]);
	if (col < 0 && strcmp(argv[1], "reverse") == 0) {
		pane_data_set_sort(ui, ui->data.sort, !ui->data.sort_desc);
		return CMD_OK;
	}
	if (col < 0 && (strcmp(argv[1], "next") == 0 || strcmp(argv[1], "prev") == 0)) {
		col = ((int)ui->data.sort + (argv[1][0] == 'n' ? 1 : UI_SORT_COUNT - 1)) %
		      UI_SORT_COUNT;
		pane_data_set_sort(ui, (enum ui_sort)col, ui->data.sort_desc);
		cmd_sort_note(ui);
		return CMD_OK;
	}
	if (col < 0 || (argc == 3 && strcmp(argv[2], "asc") != 0 && strcmp(argv[2], "desc") != 0)) {
		cmd_error(ctx, "sort: expected a column (file, id, label, split, flags, pred, conf, "
			  "text, length) then asc or desc; or next, prev, reverse");
		return CMD_ERROR;
	}
	desc = argc == 3 && strcmp(argv[2], "desc") == 0;
	pane_data_set_sort(ui, (enum ui_sort)col, desc);
	cmd_sort_note(ui);
	return CMD_OK;
}

/* Report where a search step landed. */
static enum cmd_rc cmd_search_report(struct cmd_ctx *ctx, struct ui *ui, int rc, bool wrapped)
{
	if (rc != 0) {
		cmd_error(ctx, "search: no %srecord matches /%s/", ui->data.filter_text[0] != '\0' ?
			  "listed " : "", ui->data.search);
		return CMD_ERROR;
	}
	ui_message(ui, false, "/%s/: record %zu of %zu%s", ui->data.search, ui->data.cursor + 1,
		   ui->data.n, wrapped ? " (search wrapped)" : "");
	return CMD_OK;
}

enum cmd_rc cmd_search_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	struct tt_buf pat;
	struct tt_err err;
	bool wrapped;
	int rc;

	if (ui == NULL)
		return CMD_ERROR;
	tt_buf_init(&pat);
	tt_buf_adds(&pat, "");
	cmd_pane_join(argc, argv, 1, &pat);
	tt_err_clear(&err);
	rc = pane_search_set(ui, pat.data, &err);
	tt_buf_fini(&pat);
	if (rc != 0) {
		cmd_error(ctx, "search: %s", err.msg);
		return CMD_ERROR;
	}
	if (!ui->data.has_search)
		return CMD_OK;	/* search with no pattern: highlighting off */
	if (ui->focus == PANE_REPL)
		ui_set_focus(ui, ui->back_focus);
	if (ui->focus != PANE_DATA && ui->focus != PANE_LABEL && ui_set_focus(ui, PANE_DATA) != 0) {
		ui_set_layout(ui, LAYOUT_DATA);
		ui_set_focus(ui, PANE_DATA);
	}
	rc = pane_search_step(ui, 1, true, &wrapped);
	return cmd_search_report(ctx, ui, rc, wrapped);
}

enum cmd_rc cmd_search_step_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	bool wrapped;
	int rc;

	if (ui == NULL)
		return CMD_ERROR;
	if (!ui->data.has_search) {
		cmd_error(ctx, "%s: no search yet (press / and type a pattern)", argv[0]);
		return CMD_ERROR;
	}
	rc = pane_search_step(ui, argc > 1 && strcmp(argv[1], "prev") == 0 ? -1 : 1, false,
			      &wrapped);
	return cmd_search_report(ctx, ui, rc, wrapped);
}

/* A text as one double-quoted word for the command line (\n, \t, \", \\). */
static void cmd_pane_quote(const char *s, size_t len, struct tt_buf *out)
{
	size_t i;

	tt_buf_addc(out, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			tt_buf_adds(out, "\\n");
		else if (s[i] == '\t')
			tt_buf_adds(out, "\\t");
		else if (s[i] == '"' || s[i] == '\\')
			tt_buf_printf(out, "\\%c", s[i]);
		else if (s[i] == '\r')
			tt_buf_adds(out, "\\r");
		else
			tt_buf_addc(out, s[i]);
	}
	tt_buf_addc(out, '"');
}

enum cmd_rc cmd_edit_here_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const struct ds_record *r;
	struct tt_buf line;
	long i;

	(void)argc;
	if (ui == NULL || (i = cmd_ui_record_here(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	r = &ctx->app->ds.recs[i];
	tt_buf_init(&line);
	tt_buf_adds(&line, "edit-text @");
	tt_buf_printf(&line, "%ld ", i + 1);
	cmd_pane_quote(r->text, r->text_len, &line);
	ui_prompt(ui, line.data);
	ui->prompt_return = true;
	ui_message(ui, false, "edit the text, Enter saves it (journaled), Esc leaves it as it was");
	tt_buf_fini(&line);
	return CMD_OK;
}

enum cmd_rc cmd_open_cell_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const char *tname, *pname;
	char *t, *p;
	struct tt_err err;
	uint64_t count;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 3 && pane_confusion_select(ui, argv[1], argv[2]) != 0) {
		cmd_error(ctx, "open-cell: no class '%s' or '%s' in the last evaluation", argv[1],
			  argv[2]);
		return CMD_ERROR;
	}
	if (ui->conf.mode == UI_CONF_TABLE && argc < 3) {
		cmd_error(ctx, "open-cell: the per-class table has no cells (v: the matrix)");
		return CMD_ERROR;
	}
	if (pane_confusion_cell(ui, &tname, &pname, &count) != 0) {
		cmd_error(ctx, "open-cell: no evaluation yet (press e, or wait for an epoch end)");
		return CMD_ERROR;
	}
	tt_err_clear(&err);
	if (pane_data_open_cell(ui, pane_confusion_split(ui), tname, pname, &err) != 0) {
		cmd_error(ctx, "open-cell: %s", err.msg);
		return CMD_ERROR;
	}
	ui_set_layout(ui, LAYOUT_DATA);
	t = tt_esc_dup(tname);
	p = tt_esc_dup(pname);
	cmd_print(ctx, "%zu %s records labeled %s predicted %s (the cell says %llu), most "
		  "confident first; Esc lists all records\n", ui->data.n, pane_confusion_split(ui),
		  t, p, (unsigned long long)count);
	free(t);
	free(p);
	return CMD_OK;
}

enum cmd_rc cmd_matrix_view_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1)
		ui->conf.mode = (ui->conf.mode + 1) % UI_CONF_MODES;
	else if (strcmp(argv[1], "matrix") == 0)
		ui->conf.mode = UI_CONF_MATRIX;
	else if (strcmp(argv[1], "top") == 0)
		ui->conf.mode = UI_CONF_TOP;
	else if (strcmp(argv[1], "table") == 0)
		ui->conf.mode = UI_CONF_TABLE;
	else {
		cmd_error(ctx, "matrix-view: expected matrix, top or table, got '%s'", argv[1]);
		return CMD_ERROR;
	}
	ui_mark(ui, 1u << PANE_CONFUSION);
	return CMD_OK;
}

enum cmd_rc cmd_matrix_sort_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	int s;

	if (ui == NULL)
		return CMD_ERROR;
	if (argc == 1) {
		s = (ui->conf.sort + 1) % MATRIX_SORT_COUNT;
	} else if ((s = matrix_sort_lookup(argv[1])) < 0) {
		cmd_error(ctx, "matrix-sort: expected class, errors, f1 or support, got '%s'",
			  argv[1]);
		return CMD_ERROR;
	}
	ui->conf.sort = (enum matrix_sort)s;
	ui->conf.opts.cr = ui->conf.opts.cc = 0;	/* the worst class first */
	ui_message(ui, false, "confusion rows by %s", matrix_sort_name(ui->conf.sort));
	ui_mark(ui, 1u << PANE_CONFUSION);
	return CMD_OK;
}

enum cmd_rc cmd_matrix_split_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	if (ui == NULL)
		return CMD_ERROR;
	if (argc > 1 && strcmp(argv[1], "valid") != 0 && strcmp(argv[1], "test") != 0) {
		cmd_error(ctx, "matrix-split: expected valid or test, got '%s'", argv[1]);
		return CMD_ERROR;
	}
	pane_confusion_show_split(ui, argc > 1 ? strcmp(argv[1], "test") == 0 : !ui->conf.test);
	return CMD_OK;
}

enum cmd_rc cmd_normalize_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->conf.opts.normalized = !ui->conf.opts.normalized;
	ui_mark(ui, 1u << PANE_CONFUSION);
	return CMD_OK;
}

enum cmd_rc cmd_smooth_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
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
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	ui->curves.logy = !ui->curves.logy;
	ui_mark(ui, 1u << PANE_CURVES);
	return CMD_OK;
}

enum cmd_rc cmd_range_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
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
	struct ui *ui = cmd_ui_of(ctx, argv[0]);

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

enum cmd_rc cmd_text_scroll_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	static const char *const names[] = { "up", "down", "pgup", "pgdn", "top" };
	static const int rows[] = { -1, 1, -PANE_TEXT_PAGE, PANE_TEXT_PAGE, -(1 << 30) };
	size_t i;

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(argv[1], names[i]) == 0) {
			pane_record_scroll(ui, rows[i]);
			return CMD_OK;
		}
	}
	cmd_error(ctx, "text-scroll: expected up, down, pgup, pgdn or top");
	return CMD_ERROR;
}
