/*
 * cmd-generate.c - `gpt-load FILE`, `generate PROMPT [max_tokens]
 * [temperature] [top_k]` and `generate-stop` in the REPL and headless
 * (gpt-generate.h).
 *
 * Which model generates: the training run's when it is a language model
 * (a copy the trainer thread makes between two steps, trainer_copy_gpt:
 * generation never races training, and the run goes on meanwhile), else
 * the one gpt-load loaded (app->gen: a GPT-2 model loaded without gradient
 * memory, gpt_load_frozen, and its tokenizer: inside the file or beside it,
 * gpt-tokfind.h; else the app's `tokenizer`). A classifier cannot generate:
 * the message says so and what to do.
 *
 * Headless (output to stdout) the generation runs on the calling thread,
 * the text streaming a token at a time, flushed. In the workbench it runs
 * on a thread of its own (app-gen.h): the UI loop moves the text into the
 * REPL as it comes, the screen stays live, and Ctrl-C or generate-stop
 * ends it. Each call draws from seed 1, 2, 3... so a script replays
 * exactly.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app-gen.h"
#include "tunetop/app.h"
#include "tunetop/bpe.h"
#include "tunetop/cmd.h"
#include "tunetop/gpt-generate.h"
#include "tunetop/gpt-stream.h"
#include "tunetop/gpt-tokfind.h"
#include "tunetop/gpt.h"
#include "tunetop/trainer.h"

struct app_gen {
	struct gpt *g;        /* gpt-load's model, or NULL */
	struct bpe *bpe;      /* its tokenizer, or NULL: the app's */
	char *path;
	uint64_t calls;
	struct gen_job *job;  /* streaming in the workbench, or NULL */
};

/* app->gen, made empty when there is none. */
static struct app_gen *app_gen_get(struct app *a)
{
	if (a->gen == NULL)
		a->gen = tt_xcalloc(1, sizeof *a->gen);
	return a->gen;
}

/* Stop a generation and forget gpt-load's model (the job may borrow it). */
static void app_gen_unload(struct app_gen *gen)
{
	gen_job_destroy(gen->job);
	gen->job = NULL;
	gpt_destroy(gen->g);
	bpe_destroy(gen->bpe);
	free(gen->path);
	gen->g = NULL;
	gen->bpe = NULL;
	gen->path = NULL;
}

void app_gen_free(struct app *a)
{
	if (a->gen == NULL)
		return;
	app_gen_unload(a->gen);
	free(a->gen);
	a->gen = NULL;
}

bool app_gen_running(const struct app *a)
{
	return a->gen != NULL && a->gen->job != NULL;
}

int app_gen_wake_fd(const struct app *a)
{
	return app_gen_running(a) ? gen_job_wake_fd(a->gen->job) : -1;
}

void app_gen_poll(struct app *a, struct cmd_ctx *ctx)
{
	struct tt_buf text;
	char summary[512];
	int done;

	if (!app_gen_running(a))
		return;
	tt_buf_init(&text);
	done = gen_job_take(a->gen->job, &text, summary, sizeof summary);
	if (text.len > 0)
		cmd_print(ctx, "%.*s", (int)text.len, text.data);
	if (done) {
		if (strncmp(summary, "generate: ", 10) == 0) {
			cmd_error(ctx, "%s", summary);
		} else {
			cmd_print(ctx, "\n");
			cmd_print_line(ctx, summary);
		}
		gen_job_destroy(a->gen->job);
		a->gen->job = NULL;
	}
	tt_buf_fini(&text);
}

bool app_gen_stop(struct app *a)
{
	if (!app_gen_running(a))
		return false;
	gen_job_cancel(a->gen->job);
	return true;
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
	app_gen_unload(app_gen_get(app));
	app->gen->g = g;
	app->gen->bpe = b;
	app->gen->path = tt_xstrdup(argv[1]);
	app->gen->calls = 0;
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

/* What generates: a model, its tokenizer, whether they are ours to free, and its name. */
struct gen_model {
	struct gpt *g;
	struct bpe *b;            /* NULL: the app's tokenizer */
	bool own;
	char what[160];
};

static void gen_model_fini(struct gen_model *m)
{
	if (m->own) {
		gpt_destroy(m->g);
		bpe_destroy(m->b);
	}
	m->g = NULL;
	m->b = NULL;
}

static struct bpe *gen_bpe_copy(const struct bpe *b)
{
	struct tt_buf blob;
	struct tt_err err;
	struct bpe *c;

	tt_buf_init(&blob);
	bpe_serialize(b, &blob);
	c = bpe_deserialize(blob.data, blob.len, &err);
	tt_buf_fini(&blob);
	if (c == NULL)
		tt_fatal("copying a tokenizer: %s", err.msg);   /* our own bytes: a bug */
	return c;
}

/* In the workbench, typed or from a key: generate in the background. */
static bool gen_in_background(const struct cmd_ctx *ctx)
{
	return ctx->app->ui != NULL && (ctx->source == CMD_SRC_REPL || ctx->source == CMD_SRC_KEY);
}

static enum cmd_rc gen_run(struct cmd_ctx *ctx, struct gen_model *m, const struct bpe *b,
			   const char *prompt, struct gpt_gen_opts *o)
{
	struct gpt *g = m->g;
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
	tt_err_clear(&err);
	if (gen_in_background(ctx)) {
		/* the job's own tokenizer: `tokenizer` may replace the app's meanwhile */
		struct bpe *jb = m->own ? m->b : gen_bpe_copy(b);
		struct gen_job *j = gen_job_start(g, m->own, jb, (const int32_t *)ids.v,
						  (uint32_t)ids.n, o, m->what, &err);

		m->own = false;         /* the job's now (freed by it even on failure) */
		m->b = NULL;
		bpe_ids_fini(&ids);
		if (j == NULL) {
			cmd_error(ctx, "generate: %s", err.msg);
			return CMD_ERROR;
		}
		app_gen_get(ctx->app)->job = j;
		return CMD_OK;
	}
	gpt_stream_init(&k.s, b, TT_ESC_KEEP_NL);
	tt_buf_init(&k.text);
	if (gpt_generate(g, (const int32_t *)ids.v, (uint32_t)ids.n, o, gen_token, &k, NULL, NULL,
			 &res, &err) != 0) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "generate: %s", msg);
		rc = CMD_ERROR;
	} else {
		gpt_stream_finish(&k.s, &k.text);
		cmd_print(ctx, "%.*s\n", (int)k.text.len, k.text.data);
		cmd_print(ctx, "(%u tokens, %.1f tokens/s, stopped: %s; %s)\n", res.produced,
			  res.decode_s > 0 ? res.produced / res.decode_s : 0.0,
			  gpt_gen_stop_name(res.stop), m->what);
	}
	gpt_stream_fini(&k.s);
	tt_buf_fini(&k.text);
	bpe_ids_fini(&ids);
	return rc;
}

/*
 * The model to generate with: the run's (a language model) or gpt-load's.
 * -1 after an error message.
 */
static int gen_pick(struct cmd_ctx *ctx, struct gen_model *m)
{
	struct app *app = ctx->app;
	char why[1024];
	uint64_t step;
	bool loaded = app->gen != NULL && app->gen->g != NULL;

	memset(m, 0, sizeof *m);
	why[0] = '\0';
	if (app->trainer != NULL) {
		if (trainer_copy_gpt(app->trainer, &m->g, &m->b, &step, why, sizeof why) == 0) {
			m->own = true;
			snprintf(m->what, sizeof m->what, "the run's model at step %llu",
				 (unsigned long long)step);
			return 0;
		}
	}
	if (loaded) {
		char *e = tt_esc_dup(app->gen->path);

		m->g = app->gen->g;
		m->b = app->gen->bpe;
		snprintf(m->what, sizeof m->what, "%s", e);
		free(e);
		if (why[0] != '\0')
			cmd_print(ctx, "generate: %s; generating with gpt-load's model\n", why);
		return 0;
	}
	if (why[0] != '\0')
		cmd_error(ctx, "generate: %s (train a language model, objective lm, or gpt-load FILE "
			  "a GPT-2 model)", why);
	else
		cmd_error(ctx, "generate: no model (train a language model, objective lm, or "
			  "gpt-load FILE a GPT-2 safetensors file)");
	return -1;
}

enum cmd_rc cmd_generate_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *app = ctx->app;
	struct gpt_gen_opts o = {.max_tokens = 64, .sample = {.temperature = 1.0f, .top_k = 40}};
	struct gen_model m;
	const struct bpe *b;
	enum cmd_rc rc;
	double v;

	if (app_gen_running(app)) {
		cmd_error(ctx, "generate: a generation is running (Ctrl-C or generate-stop ends it)");
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
	if (gen_pick(ctx, &m) != 0)
		return CMD_ERROR;
	b = m.b ? m.b : app->bpe;
	if (b == NULL || bpe_vocab_size(b) > m.g->cfg.vocab) {
		cmd_error(ctx, "generate: the tokenizer does not fit the model (%u tokens, "
			  "vocabulary %u)", b ? bpe_vocab_size(b) : 0, m.g->cfg.vocab);
		gen_model_fini(&m);
		return CMD_ERROR;
	}
	o.seed = ++app_gen_get(app)->calls;
	rc = gen_run(ctx, &m, b, argv[1], &o);
	gen_model_fini(&m);
	return rc;
}

enum cmd_rc cmd_generate_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!app_gen_stop(ctx->app)) {
		cmd_error(ctx, "generate-stop: no generation is running");
		return CMD_ERROR;
	}
	return CMD_OK;
}
