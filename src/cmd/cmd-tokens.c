/*
 * cmd-tokens.c - `tokenizer VOCAB MERGES` and `tokens TEXT...`: why a text
 * splits as it does under GPT-2's byte-level BPE (bpe.h). The tokenizer is
 * the app's (app->bpe): loaded by `tokenizer` for now; a GPT model will
 * bring its own. cmd_tokens_show is the same output for any text (the
 * workbench's tokens-record: the record on screen).
 */
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/bpe.h"
#include "tunetop/cmd.h"

enum cmd_rc cmd_tokenizer_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_err err;
	struct bpe *b;
	char msg[1200];

	(void)argc;
	tt_err_clear(&err);
	if ((b = bpe_load(argv[1], argv[2], &err)) == NULL) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "tokenizer: %s", msg);
		return CMD_ERROR;
	}
	bpe_destroy(ctx->app->bpe);
	bpe_cache_destroy(ctx->app->bpe_cache);
	ctx->app->bpe = b;
	ctx->app->bpe_cache = bpe_cache_create();
	cmd_print(ctx, "tokenizer: %u tokens, %u merges\n", bpe_vocab_size(b), bpe_merge_count(b));
	return CMD_OK;
}

enum cmd_rc cmd_tokens_show(struct cmd_ctx *ctx, const char *name, const char *text, size_t len)
{
	struct app *app = ctx->app;
	struct bpe_pieces p;
	struct tt_buf out;
	size_t bad = 0, npre;
	enum cmd_rc rc = CMD_OK;

	if (app->bpe == NULL) {
		cmd_error(ctx, "%s: no BPE tokenizer loaded (tokenizer VOCAB MERGES loads "
			  "GPT-2's vocab.json and merges.txt)", name);
		return CMD_ERROR;
	}
	tt_buf_init(&out);
	bpe_pieces_init(&p);
	if (bpe_explain(app->bpe, app->bpe_cache, text, len, &p, &bad) != 0) {
		cmd_error(ctx, "%s: invalid UTF-8 at byte %zu", name, bad);
		rc = CMD_ERROR;
	} else {
		npre = p.n > 0 ? p.v[p.n - 1].pretok + 1 : 0;
		bpe_format_pieces(&p, text, &out);
		cmd_print(ctx, "%s\n%zu tokens, %zu pre-tokens, %zu bytes\n", out.data, p.n, npre,
			  len);
	}
	bpe_pieces_fini(&p);
	tt_buf_fini(&out);
	return rc;
}

enum cmd_rc cmd_tokens_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_buf text;
	enum cmd_rc rc;

	tt_buf_init(&text);
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			tt_buf_addc(&text, ' ');
		tt_buf_adds(&text, argv[i]);
	}
	rc = cmd_tokens_show(ctx, "tokens", text.data != NULL ? text.data : "", text.len);
	tt_buf_fini(&text);
	return rc;
}
