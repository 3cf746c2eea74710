/*
 * cli-tokenize.c - GPT-2's byte-level BPE on the command line (bpe.h):
 *
 *   tunetop tokenize --vocab FILE --merges FILE [--pieces] [TEXTFILE]
 *   tunetop tokenize train --vocab-size N [--out DIR] [CORPUS]
 *
 * Encoding reads TEXTFILE or standard input line by line (the LF ends a
 * line and is not part of it; a CR before it is) and prints one line of
 * space-separated ids per input line, an empty line for an empty line.
 * With --pieces each line shows the pre-tokens and BPE pieces instead.
 *
 * A line that is not UTF-8 is reported on stderr as FILE:LINE:COLUMN and
 * gets an empty output line, so output line N still belongs to input line
 * N; the other lines are encoded and the exit status is 1 at the end.
 *
 * Training reads the whole CORPUS (or standard input) as one text, learns
 * a vocabulary of N tokens and writes DIR/vocab.json and DIR/merges.txt
 * (DIR defaults to the current directory and is created if missing).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/bpe.h"
#include "tunetop/cli.h"

enum {
	CLI_TOK_OK = 0,
	CLI_TOK_FAILED = 1,
	CLI_TOK_USAGE = 2,
};

struct cli_tok_args {
	const char *vocab;
	const char *merges;
	const char *input;     /* NULL: standard input */
	const char *out;
	long vocab_size;
	int pieces;
	int train;
};

static void cli_tok_usage_to(FILE *f)
{
	fputs("usage: tunetop tokenize --vocab FILE --merges FILE [--pieces] [TEXTFILE]\n"
	      "       tunetop tokenize train --vocab-size N [--out DIR] [CORPUS]\n", f);
}

static int cli_tok_usage(const char *why, const char *arg)
{
	if (why != NULL)
		tt_esc_printf(stderr, "tunetop tokenize: %s%s%s%s\n", why, arg ? " '" : "",
			      arg ? arg : "", arg ? "'" : "");
	cli_tok_usage_to(stderr);
	return -1;
}

/* --vocab-size's value into a->vocab_size. */
static int cli_tok_size(const char *v, struct cli_tok_args *a)
{
	char *end;

	errno = 0;
	a->vocab_size = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || a->vocab_size < 257 ||
	    a->vocab_size > (1L << 24))
		return cli_tok_usage("--vocab-size expects a number in 257..16777216, not", v);
	return 0;
}

static int cli_tok_parse(int argc, char **argv, struct cli_tok_args *a)
{
	const char *size = NULL;
	int i = 2;

	memset(a, 0, sizeof *a);
	if (argc > 2 && strcmp(argv[2], "train") == 0) {
		a->train = 1;
		i = 3;
	}
	for (; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;

		if (strcmp(arg, "--pieces") == 0 && !a->train) {
			a->pieces = 1;
			continue;
		}
		if (strcmp(arg, "--vocab") == 0 && !a->train)
			slot = &a->vocab;
		else if (strcmp(arg, "--merges") == 0 && !a->train)
			slot = &a->merges;
		else if (strcmp(arg, "--out") == 0 && a->train)
			slot = &a->out;
		else if (strcmp(arg, "--vocab-size") == 0 && a->train)
			slot = &size;
		else if (arg[0] == '-' && arg[1] != '\0')
			return cli_tok_usage("unknown option", arg);
		if (slot == NULL) {
			if (a->input != NULL)
				return cli_tok_usage("unexpected argument", arg);
			a->input = arg;
			continue;
		}
		if (i + 1 >= argc)
			return cli_tok_usage("a value is missing after", arg);
		*slot = argv[++i];
	}
	if (a->train && size == NULL)
		return cli_tok_usage("train needs --vocab-size N", NULL);
	if (a->train && cli_tok_size(size, a) != 0)
		return -1;
	if (!a->train && (a->vocab == NULL || a->merges == NULL))
		return cli_tok_usage("needs --vocab FILE and --merges FILE", NULL);
	return 0;
}

static FILE *cli_tok_open(const char *path)
{
	FILE *f;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdin;
	if ((f = fopen(path, "rb")) == NULL)
		tt_esc_printf(stderr, "tunetop tokenize: %s: %s\n", path, strerror(errno));
	return f;
}

/* One line's output (ids or pieces) into out; -1 and a report when it is not UTF-8. */
static int cli_tok_line(const struct bpe *b, struct bpe_cache *cache, const char *name,
			unsigned long lineno, const char *line, size_t len, int pieces,
			struct tt_buf *out)
{
	struct bpe_ids ids;
	struct bpe_pieces p;
	size_t bad = 0;
	int rc;

	if (pieces) {
		bpe_pieces_init(&p);
		if ((rc = bpe_explain(b, cache, line, len, &p, &bad)) == 0)
			bpe_format_pieces(&p, line, out);
		bpe_pieces_fini(&p);
	} else {
		bpe_ids_init(&ids);
		if ((rc = bpe_encode(b, cache, line, len, &ids, &bad)) == 0)
			for (size_t i = 0; i < ids.n; i++)
				tt_buf_printf(out, i ? " %u" : "%u", ids.v[i]);
		bpe_ids_fini(&ids);
	}
	if (rc != 0)
		tt_esc_printf(stderr, "tunetop tokenize: %s:%lu:%u: invalid UTF-8 (byte 0x%02x); "
			      "the line is left empty in the output\n", name, lineno,
			      tt_utf8_column(line, bad), (unsigned char)line[bad]);
	tt_buf_addc(out, '\n');
	return rc;
}

static int cli_tok_encode(const struct cli_tok_args *a)
{
	struct tt_err err;
	struct bpe *b;
	struct bpe_cache *cache;
	struct tt_buf out;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0, nbad = 0;
	const char *name = a->input != NULL && strcmp(a->input, "-") != 0 ? a->input : "<stdin>";

	tt_err_clear(&err);
	if ((b = bpe_load(a->vocab, a->merges, &err)) == NULL) {
		cli_report("tokenize", &err);
		return CLI_TOK_FAILED;
	}
	if ((f = cli_tok_open(a->input)) == NULL) {
		bpe_destroy(b);
		return CLI_TOK_FAILED;
	}
	cache = bpe_cache_create();
	tt_buf_init(&out);
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;

		if (len > 0 && line[len - 1] == '\n')
			len--;
		out.len = 0;
		if (cli_tok_line(b, cache, name, ++lineno, line, len, a->pieces, &out) != 0)
			nbad++;
		fwrite(out.data, 1, out.len, stdout);
	}
	if (ferror(f)) {
		tt_esc_printf(stderr, "tunetop tokenize: %s: read error: %s\n", name, strerror(errno));
		nbad++;
	}
	if (nbad > 0)
		tt_esc_printf(stderr, "tunetop tokenize: %lu of %lu lines not encoded\n", nbad, lineno);
	free(line);
	tt_buf_fini(&out);
	bpe_cache_destroy(cache);
	bpe_destroy(b);
	if (f != stdin)
		fclose(f);
	if (fflush(stdout) != 0)
		return CLI_TOK_FAILED;
	return nbad > 0 ? CLI_TOK_FAILED : CLI_TOK_OK;
}

/* The whole stream into buf. */
static int cli_tok_slurp(FILE *f, struct tt_buf *buf)
{
	char chunk[1 << 16];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		tt_buf_add(buf, chunk, n);
	return ferror(f) ? -1 : 0;
}

static int cli_tok_write(const struct bpe *b, const char *dir, struct tt_err *err)
{
	char *vocab, *merges;
	int rc;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		tt_err_set(err, dir, 0, 0, "cannot create the directory: %s", strerror(errno));
		return -1;
	}
	vocab = tt_xprintf("%s/vocab.json", dir);
	merges = tt_xprintf("%s/merges.txt", dir);
	rc = bpe_save_files(b, vocab, merges, err);
	if (rc == 0)
		tt_esc_printf(stderr, "tunetop tokenize train: wrote %s and %s\n", vocab, merges);
	free(vocab);
	free(merges);
	return rc;
}

static int cli_tok_train(const struct cli_tok_args *a)
{
	const char *name = a->input != NULL && strcmp(a->input, "-") != 0 ? a->input : "<stdin>";
	struct bpe_trainer *t;
	struct bpe *b = NULL;
	struct tt_buf text;
	struct tt_err err;
	FILE *f;
	size_t bad;
	double t0 = tt_now();
	int rc = CLI_TOK_FAILED;

	tt_err_clear(&err);
	if ((f = cli_tok_open(a->input)) == NULL)
		return CLI_TOK_FAILED;
	tt_buf_init(&text);
	t = bpe_trainer_create();
	if (cli_tok_slurp(f, &text) != 0) {
		tt_esc_printf(stderr, "tunetop tokenize: %s: read error: %s\n", name, strerror(errno));
	} else if (bpe_trainer_add(t, text.data, text.len, &bad) != 0) {
		size_t start = bad;

		while (start > 0 && text.data[start - 1] != '\n')
			start--;
		tt_esc_printf(stderr, "tunetop tokenize: %s:%u:%u: invalid UTF-8 (byte 0x%02x)\n",
			      name, 1 + tt_count_newlines(text.data, bad),
			      tt_utf8_column(text.data + start, bad - start),
			      (unsigned char)text.data[bad]);
	} else if ((b = bpe_trainer_finish(t, (uint32_t)a->vocab_size, &err)) == NULL ||
		   cli_tok_write(b, a->out != NULL ? a->out : ".", &err) != 0) {
		cli_report("tokenize", &err);
	} else {
		tt_esc_printf(stderr, "tunetop tokenize train: %u tokens, %u merges from %zu bytes "
			      "in %.2f s\n", bpe_vocab_size(b), bpe_merge_count(b), text.len,
			      tt_now() - t0);
		rc = CLI_TOK_OK;
	}
	bpe_destroy(b);
	bpe_trainer_destroy(t);
	tt_buf_fini(&text);
	if (f != stdin)
		fclose(f);
	return rc;
}

int cli_tokenize(int argc, char **argv)
{
	struct cli_tok_args a;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_tok_usage_to(stdout);
			return CLI_TOK_OK;
		}
	}
	if (cli_tok_parse(argc, argv, &a) != 0)
		return CLI_TOK_USAGE;
	return a.train ? cli_tok_train(&a) : cli_tok_encode(&a);
}
