/*
 * cmd-ui-tokens.c - `tokens-record` (key T in the label pane): the output
 * of `tokens` (cmd-tokens.c: pre-tokens, BPE pieces, ids) for the text of
 * the record on screen - the label pane's record when it has focus, else
 * the data pane's cursor - under the BPE tokenizer `tokenizer VOCAB
 * MERGES` loaded. Without one it says how to load one.
 */
#include <stdio.h>

#include "tunetop/app.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

enum cmd_rc cmd_tokens_record_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	const struct ds_record *r;
	struct tt_buf id;
	long i;

	(void)argc;
	if (ui == NULL)
		return CMD_ERROR;
	if (ctx->app->bpe == NULL)	/* the same message as tokens, before anything else */
		return cmd_tokens_show(ctx, argv[0], "", 0);
	i = ui->focus == PANE_LABEL ? label_queue_current(ui) : pane_data_current(ui);
	if (i < 0 || (size_t)i >= ctx->app->ds.n) {
		cmd_error(ctx, "%s: no record on screen", argv[0]);
		return CMD_ERROR;
	}
	r = &ctx->app->ds.recs[i];
	tt_buf_init(&id);
	ds_record_id(&ctx->app->ds, (size_t)i, &id);
	cmd_print(ctx, "tokens of record %s:\n", id.data);
	tt_buf_fini(&id);
	/* the REPL shows the output: in a layout without it, focus it */
	if (!layout_visible(&ui->layout, PANE_REPL))
		ui_message(ui, false, "tokens of the record: in the REPL (Tab)");
	return cmd_tokens_show(ctx, argv[0], r->text, r->text_len);
}
