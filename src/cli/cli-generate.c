/*
 * cli-generate.c - text from a GPT-2 model on the command line:
 *
 *   tunetop generate MODEL PROMPT [--max-tokens N] [--temperature T]
 *                    [--top-k K] [--seed S] [--vocab FILE --merges FILE]
 *
 * MODEL is a safetensors file in Hugging Face's GPT-2 layout (gpt.h,
 * gpt_load_frozen: no gradient memory). The tokenizer: --vocab/--merges
 * when given, else a "tokenizer.bpe" tensor inside MODEL (tunetop's bundles), else the files
 * beside MODEL: vocab.json + merges.txt, or encoder.json + vocab.bpe.
 *
 * The continuation (not the prompt) streams to stdout as tokens come,
 * flushed per token, escaped for the terminal (newlines kept), never
 * cutting a UTF-8 character (gpt-stream.h); an empty PROMPT starts from
 * <|endoftext|>, as GPT-2's unconditional samples. Generation stops at
 * --max-tokens, at <|endoftext|> (not printed) or when prompt + output
 * fill the model's context. A summary goes to stderr. Exit status 0, 1
 * (a bad file, a prompt longer than the context), 2 (usage).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/bpe.h"
#include "tunetop/cli.h"
#include "tunetop/gpt-generate.h"
#include "tunetop/gpt-stream.h"
#include "tunetop/gpt-tokfind.h"
#include "tunetop/gpt.h"

enum { CLI_GEN_FAILED = 1, CLI_GEN_USAGE = 2 };

struct cli_gen_args {
	const char *model, *prompt, *vocab, *merges;
	struct gpt_gen_opts o;
	unsigned long long max_tokens;
	unsigned long top_k;
};

static void cli_gen_usage_to(FILE *f)
{
	fputs("usage: tunetop generate MODEL PROMPT [--max-tokens N] [--temperature T] "
	      "[--top-k K]\n"
	      "                        [--seed S] [--vocab FILE --merges FILE]\n"
	      "  defaults: --max-tokens 64 --temperature 1 --top-k 40 --seed 1; "
	      "--temperature 0 is greedy\n", f);
}

static int cli_gen_usage(const char *why, const char *arg)
{
	tt_esc_printf(stderr, "tunetop generate: %s%s%s%s\n", why, arg ? " '" : "",
		      arg ? arg : "", arg ? "'" : "");
	cli_gen_usage_to(stderr);
	return -1;
}

static int cli_gen_ull(const char *opt, const char *v, unsigned long long max,
		       unsigned long long *out)
{
	char *end;
	char why[96];

	errno = 0;
	*out = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || v[0] == '+' || *out > max) {
		snprintf(why, sizeof why, "%s expects a whole number in 0..%llu, not", opt, max);
		return cli_gen_usage(why, v);
	}
	return 0;
}

static int cli_gen_value(const char *opt, const char *v, struct cli_gen_args *a)
{
	unsigned long long u;
	char *end;

	if (strcmp(opt, "--max-tokens") == 0)
		return cli_gen_ull(opt, v, 1000000, &a->max_tokens);
	if (strcmp(opt, "--top-k") == 0) {
		if (cli_gen_ull(opt, v, 16777216, &u) != 0)
			return -1;
		a->top_k = (unsigned long)u;
		return 0;
	}
	if (strcmp(opt, "--seed") == 0)
		return cli_gen_ull(opt, v, UINT64_MAX, &u) != 0 ? -1 : (a->o.seed = u, 0);
	/* --temperature */
	errno = 0;
	float t = strtof(v, &end);

	if (errno != 0 || end == v || *end != '\0' || !isfinite(t) || t < 0.0f || t > 100.0f)
		return cli_gen_usage("--temperature expects a number in 0..100, not", v);
	a->o.sample.temperature = t;
	return 0;
}

static int cli_gen_parse(int argc, char **argv, struct cli_gen_args *a)
{
	static const char *const valued[] = {"--max-tokens", "--temperature", "--top-k", "--seed",
					     "--vocab", "--merges"};
	int npos = 0, dashdash = 0;

	memset(a, 0, sizeof *a);
	a->max_tokens = 64;
	a->top_k = 40;
	a->o.seed = 1;
	a->o.sample.temperature = 1.0f;
	for (int i = 2; i < argc; i++) {
		const char *arg = argv[i];
		size_t k = 0;

		if (!dashdash && strcmp(arg, "--") == 0) {
			dashdash = 1;   /* then a prompt may start with '-' */
			continue;
		}
		if (dashdash || arg[0] != '-' || arg[1] == '\0') {
			if (npos == 2)
				return cli_gen_usage("unexpected argument", arg);
			*(npos++ == 0 ? &a->model : &a->prompt) = arg;
			continue;
		}
		while (k < sizeof valued / sizeof *valued && strcmp(arg, valued[k]) != 0)
			k++;
		if (k == sizeof valued / sizeof *valued)
			return cli_gen_usage("unknown option", arg);
		if (i + 1 >= argc)
			return cli_gen_usage("a value is missing after", arg);
		const char *v = argv[++i];

		if (strcmp(arg, "--vocab") == 0)
			a->vocab = v;
		else if (strcmp(arg, "--merges") == 0)
			a->merges = v;
		else if (cli_gen_value(arg, v, a) != 0)
			return -1;
	}
	if (npos < 2)
		return cli_gen_usage("expected MODEL and PROMPT", NULL);
	if ((a->vocab == NULL) != (a->merges == NULL))
		return cli_gen_usage("--vocab and --merges go together", NULL);
	a->o.max_tokens = (uint32_t)a->max_tokens;
	a->o.sample.top_k = (uint32_t)a->top_k;
	return 0;
}

/* The tokenizer, from the options, the model file or beside it. */
static struct bpe *cli_gen_tokenizer(const struct cli_gen_args *a, struct tt_err *err)
{
	if (a->vocab)
		return bpe_load(a->vocab, a->merges, err);
	return gpt_tokfind(a->model, err);
}

struct cli_gen_out {
	struct gpt_stream s;
	struct tt_buf buf;
	int32_t eot;
};

static int cli_gen_token(void *ctx, int32_t tok)
{
	struct cli_gen_out *o = ctx;

	if (tok == o->eot)
		return 0;
	o->buf.len = 0;
	if (gpt_stream_push(&o->s, (uint32_t)tok, &o->buf) == 0 && o->buf.len > 0) {
		fwrite(o->buf.data, 1, o->buf.len, stdout);
		fflush(stdout);
	}
	return 0;
}

/* Prompt ids into ids (the <|endoftext|> id for an empty prompt). */
static int cli_gen_prompt(const struct bpe *b, const char *text, struct bpe_ids *ids,
			  struct tt_err *err)
{
	size_t bad = 0;

	if (bpe_encode(b, NULL, text, strlen(text), ids, &bad) != 0) {
		tt_err_set(err, "prompt", 1, (uint32_t)bad + 1, "invalid UTF-8 (byte 0x%02x)",
			   (unsigned char)text[bad]);
		return -1;
	}
	if (ids->n == 0) {
		if (bpe_eot(b) == BPE_NONE) {
			tt_err_set(err, "prompt", 0, 0, "empty, and the tokenizer has no "
				   "<|endoftext|> to start from");
			return -1;
		}
		bpe_ids_push(ids, bpe_eot(b));
	}
	return 0;
}

static int cli_gen_run(const struct cli_gen_args *a, struct gpt *g, const struct bpe *b,
		       struct tt_err *err)
{
	struct bpe_ids ids;
	struct cli_gen_out out = {.eot = bpe_eot(b) == BPE_NONE ? -1 : (int32_t)bpe_eot(b)};
	struct gpt_gen_opts o = a->o;
	struct gpt_gen_result res;
	int rc = -1;

	bpe_ids_init(&ids);
	if (cli_gen_prompt(b, a->prompt, &ids, err) != 0)
		goto done;
	if (ids.n > g->cfg.ctx) {
		tt_err_set(err, "prompt", 0, 0, "%zu tokens; the model's context is %u", ids.n,
			   g->cfg.ctx);
		goto done;
	}
	o.stop_token = out.eot;
	o.sample.limit = bpe_vocab_size(b);
	gpt_stream_init(&out.s, b, TT_ESC_KEEP_NL);
	tt_buf_init(&out.buf);
	rc = gpt_generate(g, (const int32_t *)ids.v, (uint32_t)ids.n, &o, cli_gen_token, &out,
			  NULL, NULL, &res, err);
	out.buf.len = 0;
	gpt_stream_finish(&out.s, &out.buf);
	tt_buf_addc(&out.buf, '\n');
	fwrite(out.buf.data, 1, out.buf.len, stdout);
	fflush(stdout);
	if (rc == 0)
		fprintf(stderr, "tunetop generate: %u tokens in %.2f s (%.1f tokens/s; prompt %u "
			"tokens in %.3f s), stopped: %s\n", res.produced, res.decode_s,
			res.decode_s > 0 ? res.produced / res.decode_s : 0.0, res.prompt,
			res.prefill_s, gpt_gen_stop_name(res.stop));
	gpt_stream_fini(&out.s);
	tt_buf_fini(&out.buf);
done:
	bpe_ids_fini(&ids);
	return rc;
}

int cli_generate(int argc, char **argv)
{
	struct cli_gen_args a;
	struct tt_err err;
	struct gpt *g;
	struct bpe *b;
	int rc = 0;

	if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
		cli_gen_usage_to(stdout);
		return 0;
	}
	if (cli_gen_parse(argc, argv, &a) != 0)
		return CLI_GEN_USAGE;
	tt_err_clear(&err);
	if ((g = gpt_load_frozen(a.model, 0, &err)) == NULL) {
		cli_report("generate", &err);
		return CLI_GEN_FAILED;
	}
	if ((b = cli_gen_tokenizer(&a, &err)) == NULL) {
		cli_report("generate", &err);
		gpt_destroy(g);
		return CLI_GEN_FAILED;
	}
	if (bpe_vocab_size(b) > g->cfg.vocab) {
		tt_err_set(&err, a.model, 0, 0, "the tokenizer has %u tokens, more than the "
			   "model's vocabulary of %u", bpe_vocab_size(b), g->cfg.vocab);
		rc = -1;
	}
	if (rc == 0)
		rc = cli_gen_run(&a, g, b, &err);
	if (rc != 0)
		cli_report("generate", &err);
	bpe_destroy(b);
	gpt_destroy(g);
	return rc == 0 ? 0 : CLI_GEN_FAILED;
}
