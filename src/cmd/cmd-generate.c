/*
 * cmd-generate.c - `gpt-load FILE` and `generate PROMPT [max_tokens]
 * [temperature] [top_k]` in the REPL and headless (gpt-generate.h).
 *
 * The app glue for generation, kept apart: app->gen holds a GPT-2 model
 * loaded by gpt-load and its tokenizer (gpt-tokfind.h: inside the file or
 * beside it; else the app's `tokenizer`). When the trainer trains GPT
 * models, point cmd_generate_exec at the trained model instead: it needs
 * only a struct gpt and a struct bpe.
 *
 * Generation runs on the calling thread. Headless (output to stdout), the
 * text streams a token at a time, flushed; in the workbench it goes to the
 * REPL a line at a time (the UI thread is busy until the command returns,
 * so the screen shows it at the end; a background generation with a live
 * pane is left for later). Each call draws from seed 1, 2, 3... so a script replays exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/bpe.h"
#include "tunetop/cmd.h"
#include "tunetop/gpt-generate.h"
#include "tunetop/gpt-stream.h"
#include "tunetop/gpt-tokfind.h"
#include "tunetop/gpt.h"

struct app_gen {
	struct gpt *g;
	struct bpe *bpe;      /* the model's tokenizer, or NULL: the app's */
	char *path;
	uint64_t calls;
};

void app_gen_free(struct app *a)
{
	if (a->gen == NULL)
		return;
	gpt_destroy(a->gen->g);
	bpe_destroy(a->gen->bpe);
	free(a->gen->path);
	free(a->gen);
	a->gen = NULL;
}

enum cmd_rc cmd_gpt_load_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct tt_err err;
	struct gpt *g;
	struct bpe *b;
	char msg[1200];

	(void)argc;
	tt_err_clear(&err);
	if ((g = gpt_load_frozen(argv[1], 0, &err)) == NULL) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "gpt-load: %s", msg);
		return CMD_ERROR;
	}
	b = gpt_tokfind(argv[1], &err);
	if (b == NULL && app->bpe == NULL) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "gpt-load: %s (or load one first with tokenizer VOCAB MERGES)", msg);
		gpt_destroy(g);
		return CMD_ERROR;
	}
	app_gen_free(app);
	app->gen = tt_xcalloc(1, sizeof *app->gen);
	app->gen->g = g;
	app->gen->bpe = b;
	app->gen->path = tt_xstrdup(argv[1]);
	cmd_print(ctx, "gpt-load: %u layers, dim %u, %u heads, context %u, vocabulary %u; "
		  "tokenizer: %s\n", g->cfg.layers, g->cfg.dim, g->cfg.heads, g->cfg.ctx,
		  g->cfg.vocab, b ? "the model's" : "the app's (tokenizer)");
	return CMD_OK;
}

/* argv[i] as a number in [lo, hi]; -1 with an error. */
static int gen_arg(struct cmd_ctx *ctx, const char *what, const char *s, double lo, double hi,
		   int whole, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) || *out < lo || *out > hi ||
	    (whole && *out != floor(*out))) {
		char *e = tt_esc_dup(s);

		cmd_error(ctx, "generate: %s expects %s in %.10g..%.10g, not '%s' (quote a prompt of "
			  "several words)", what, whole ? "a whole number" : "a number", lo, hi, e);
		free(e);
		return -1;
	}
	return 0;
}

struct gen_sink {
	struct cmd_ctx *ctx;
	struct gpt_stream s;
	struct tt_buf text;     /* escaped text not printed yet (no newline) */
	int32_t eot;
};

static int gen_token(void *opaque, int32_t tok)
{
	struct gen_sink *k = opaque;
	char *nl;

	if (tok == k->eot)
		return 0;
	gpt_stream_push(&k->s, (uint32_t)tok, &k->text);
	if (k->ctx->sink == NULL && k->text.len > 0) {
		/* headless: straight to stdout, a token at a time */
		cmd_print(k->ctx, "%.*s", (int)k->text.len, k->text.data);
		fflush(stdout);
		k->text.len = 0;
		return 0;
	}
	while ((nl = memchr(k->text.data, '\n', k->text.len)) != NULL) {
		size_t n = (size_t)(nl - k->text.data) + 1;

		cmd_print(k->ctx, "%.*s", (int)n, k->text.data);
		memmove(k->text.data, k->text.data + n, k->text.len - n);
		k->text.len -= n;
	}
	return 0;
}

static enum cmd_rc gen_run(struct cmd_ctx *ctx, struct gpt *g, const struct bpe *b,
			   const char *prompt, struct gpt_gen_opts *o)
{
	struct bpe_ids ids;
	struct gen_sink k = {.ctx = ctx};
	struct gpt_gen_result res;
	struct tt_err err;
	size_t bad = 0;
	char msg[1200];
	enum cmd_rc rc = CMD_OK;

	bpe_ids_init(&ids);
	if (bpe_encode(b, NULL, prompt, strlen(prompt), &ids, &bad) != 0) {
		cmd_error(ctx, "generate: invalid UTF-8 in the prompt at byte %zu", bad);
		bpe_ids_fini(&ids);
		return CMD_ERROR;
	}
	k.eot = bpe_eot(b) == BPE_NONE ? -1 : (int32_t)bpe_eot(b);
	if (ids.n == 0 && k.eot >= 0)
		bpe_ids_push(&ids, (uint32_t)k.eot);
	if (ids.n > g->cfg.ctx) {
		cmd_error(ctx, "generate: the prompt is %zu tokens; the model's context is %u",
			  ids.n, g->cfg.ctx);
		bpe_ids_fini(&ids);
		return CMD_ERROR;
	}
	o->stop_token = k.eot;
	o->sample.limit = bpe_vocab_size(b);
	gpt_stream_init(&k.s, b, TT_ESC_KEEP_NL);
	tt_buf_init(&k.text);
	tt_err_clear(&err);
	if (gpt_generate(g, (const int32_t *)ids.v, (uint32_t)ids.n, o, gen_token, &k, NULL, NULL,
			 &res, &err) != 0) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "generate: %s", msg);
		rc = CMD_ERROR;
	} else {
		gpt_stream_finish(&k.s, &k.text);
		cmd_print(ctx, "%.*s\n", (int)k.text.len, k.text.data);
		cmd_print(ctx, "(%u tokens, %.1f tokens/s, stopped: %s)\n", res.produced,
			  res.decode_s > 0 ? res.produced / res.decode_s : 0.0,
			  gpt_gen_stop_name(res.stop));
	}
	gpt_stream_fini(&k.s);
	tt_buf_fini(&k.text);
	bpe_ids_fini(&ids);
	return rc;
}

enum cmd_rc cmd_generate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct gpt_gen_opts o = {.max_tokens = 64, .sample = {.temperature = 1.0f, .top_k = 40}};
	const struct bpe *b;
	double v;

	if (app->gen == NULL) {
		cmd_error(ctx, "generate: no model loaded (gpt-load FILE loads a GPT-2 safetensors "
			  "file)");
		return CMD_ERROR;
	}
	b = app->gen->bpe ? app->gen->bpe : app->bpe;
	if (b == NULL || bpe_vocab_size(b) > app->gen->g->cfg.vocab) {
		cmd_error(ctx, "generate: the tokenizer does not fit the model (%u tokens, "
			  "vocabulary %u)", b ? bpe_vocab_size(b) : 0, app->gen->g->cfg.vocab);
		return CMD_ERROR;
	}
	if (argc > 2) {
		if (gen_arg(ctx, "max_tokens", argv[2], 0, 1000000, 1, &v) != 0)
			return CMD_ERROR;
		o.max_tokens = (uint32_t)v;
	}
	if (argc > 3) {
		if (gen_arg(ctx, "temperature", argv[3], 0, 100, 0, &v) != 0)
			return CMD_ERROR;
		o.sample.temperature = (float)v;
	}
	if (argc > 4) {
		if (gen_arg(ctx, "top_k", argv[4], 0, 16777216, 1, &v) != 0)
			return CMD_ERROR;
		o.sample.top_k = (uint32_t)v;
	}
	o.seed = ++app->gen->calls;
	return gen_run(ctx, app->gen->g, b, argv[1], &o);
}
