/*
 * cmd.c - the command registry: lookup, word splitting, running lines,
 * strings and script files, and output routing. The command table itself
 * is in cmd-table.c; the commands are in cmd-<noun>.c.
 */
#include "tunetop/cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"

const struct cmd_entry *cmd_find(const char *word, struct tt_err *err)
{
	size_t n, i, len = strlen(word), nmatch = 0;
	const struct cmd_entry *t = cmd_table(&n), *match = NULL;
	struct tt_buf cands;

	for (i = 0; i < n; i++) {
		if (strcmp(t[i].name, word) == 0)
			return &t[i];
	}
	for (i = 0; i < n; i++) {
		if (t[i].alias != NULL && strcmp(t[i].alias, word) == 0)
			return &t[i];
	}
	tt_buf_init(&cands);
	for (i = 0; len > 0 && i < n; i++) {
		if (strncmp(t[i].name, word, len) == 0) {
			tt_buf_printf(&cands, "%s%s", nmatch ? ", " : "", t[i].name);
			match = &t[i];
			nmatch++;
		}
	}
	if (nmatch == 1) {
		tt_buf_fini(&cands);
		return match;
	}
	if (nmatch > 1)
		tt_err_set(err, NULL, 0, 0, "ambiguous command '%s' (could be %s)", word, cands.data);
	else
		tt_err_set(err, NULL, 0, 0, "unknown command '%s' (try 'help')", word);
	tt_buf_fini(&cands);
	return NULL;
}

static void cmd_push_word(char ***argv, int *argc, struct tt_buf *w)
{
	*argv = tt_xrealloc(*argv, (size_t)(*argc + 2) * sizeof **argv);
	(*argv)[(*argc)++] = tt_xstrndup(w->data, w->len);
	(*argv)[*argc] = NULL;
	tt_buf_clear(w);
}

/* Inside double quotes \n, \t and \r are control characters; \x is x. */
static char cmd_unescape(char c)
{
	if (c == 'n')
		return '\n';
	if (c == 't')
		return '\t';
	return c == 'r' ? '\r' : c;
}

int cmd_split_words(const char *line, char ***argvp, struct tt_err *err)
{
	char **argv = NULL;
	int argc = 0, inword = 0;
	char quote = 0;
	const char *p = line, *qstart = NULL;
	struct tt_buf w;

	tt_buf_init(&w);
	for (; *p != '\0'; p++) {
		char c = *p;

		if (quote != 0) {
			if (c == quote) {
				quote = 0;
			} else if (quote == '"' && c == '\\' && p[1] != '\0') {
				tt_buf_addc(&w, cmd_unescape(*++p));
			} else {
				tt_buf_addc(&w, c);
			}
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (inword)
				cmd_push_word(&argv, &argc, &w);
			inword = 0;
		} else if (c == '#' && !inword) {
			break;
		} else if (c == '"' || c == '\'') {
			quote = c;
			qstart = p;
			inword = 1;
		} else if (c == '\\' && p[1] != '\0') {
			tt_buf_addc(&w, *++p);
			inword = 1;
		} else {
			tt_buf_addc(&w, c);
			inword = 1;
		}
	}
	if (quote != 0) {
		tt_err_set(err, NULL, 1, (uint32_t)(qstart - line) + 1,
			   "unterminated %s quote", quote == '"' ? "double" : "single");
		tt_buf_fini(&w);
		cmd_free_argv(argc, argv);
		return -1;
	}
	if (inword)
		cmd_push_word(&argv, &argc, &w);
	tt_buf_fini(&w);
	*argvp = argv;
	return argc;
}

void cmd_free_argv(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Every command's output passes here, escaped (util-esc.c): printed text
 * keeps its '\n' line ends, an error is one line whatever it quotes. A
 * sink (the workbench's REPL pane) gets the same escaped text.
 */
static void cmd_emit(struct cmd_ctx *ctx, int is_error, const char *text, size_t len)
{
	struct tt_buf e;

	tt_buf_init(&e);
	tt_esc_buf(&e, text, len, is_error ? 0 : TT_ESC_KEEP_NL);
	if (ctx->sink != NULL) {
		ctx->sink(ctx->sink_opaque, is_error, e.data);
	} else if (is_error) {
		if (ctx->file != NULL && ctx->line > 0) {
			tt_esc_fputs(ctx->file, stderr, 0);
			fprintf(stderr, ":%d: ", ctx->line);
		}
		fprintf(stderr, "%s\n", e.data);
	} else {
		fputs(e.data, stdout);
	}
	tt_buf_fini(&e);
}

static void cmd_vformat(struct tt_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	tt_buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void cmd_print(struct cmd_ctx *ctx, const char *fmt, ...)
{
	struct tt_buf b;
	va_list ap;

	tt_buf_init(&b);
	va_start(ap, fmt);
	cmd_vformat(&b, fmt, ap);
	va_end(ap);
	cmd_emit(ctx, 0, b.data, b.len);
	tt_buf_fini(&b);
}

void cmd_print_line(struct cmd_ctx *ctx, const char *text)
{
	struct tt_buf b;

	tt_buf_init(&b);
	tt_esc_adds(&b, text);
	tt_buf_addc(&b, '\n');
	cmd_emit(ctx, 0, b.data, b.len);
	tt_buf_fini(&b);
}

void cmd_error(struct cmd_ctx *ctx, const char *fmt, ...)
{
	struct tt_buf b;
	va_list ap;

	tt_buf_init(&b);
	va_start(ap, fmt);
	cmd_vformat(&b, fmt, ap);
	va_end(ap);
	cmd_emit(ctx, 1, b.data, b.len);
	tt_buf_fini(&b);
}

static enum cmd_rc cmd_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_err err;
	const struct cmd_entry *e;
	int nargs = argc - 1;

	tt_err_clear(&err);
	e = cmd_find(argv[0], &err);
	if (e == NULL) {
		cmd_error(ctx, "%s", err.msg);
		return CMD_ERROR;
	}
	if (nargs < e->min_args || (e->max_args >= 0 && nargs > e->max_args)) {
		cmd_error(ctx, "%s: %s arguments (usage: %s%s%s)", e->name,
			  nargs < e->min_args ? "too few" : "too many", e->name,
			  e->usage[0] != '\0' ? " " : "", e->usage);
		return CMD_ERROR;
	}
	if ((e->flags & CMD_NEEDS_TUI) && ctx->app->ui == NULL) {
		cmd_error(ctx, "%s: only in the terminal workbench", e->name);
		return CMD_ERROR;
	}
	if ((e->flags & CMD_NEEDS_DATA) && !ctx->app->has_data) {
		cmd_error(ctx, "%s: no dataset loaded (use 'load PATH' first)", e->name);
		return CMD_ERROR;
	}
	return e->exec(ctx, argc, argv);
}

enum cmd_rc cmd_run_line(struct cmd_ctx *ctx, const char *line)
{
	struct tt_err err;
	char **argv = NULL;
	int argc;
	enum cmd_rc rc;

	tt_err_clear(&err);
	argc = cmd_split_words(line, &argv, &err);
	if (argc < 0) {
		cmd_error(ctx, "%s (at column %u)", err.msg, err.col);
		return CMD_ERROR;
	}
	if (argc == 0) {
		cmd_free_argv(argc, argv);
		return CMD_OK;
	}
	rc = cmd_exec(ctx, argc, argv);
	cmd_free_argv(argc, argv);
	return rc;
}

/*
 * Next command in text: up to ';' or newline outside quotes. Returns the
 * length consumed (including the separator); *len is the command's length.
 */
static size_t cmd_next(const char *text, size_t *len, int *newlines)
{
	char quote = 0;
	size_t i;

	*newlines = 0;
	for (i = 0; text[i] != '\0'; i++) {
		char c = text[i];

		if (quote != 0) {
			if (c == '\\' && quote == '"' && text[i + 1] != '\0')
				i++;
			else if (c == quote)
				quote = 0;
			continue;
		}
		if (c == '\\' && text[i + 1] != '\0' && text[i + 1] != '\n') {
			i++;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == ';' || c == '\n') {
			*newlines = c == '\n';
			*len = i;
			return i + 1;
		} else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
			/* A comment runs to the end of the line, quotes and all. */
			size_t j = i;

			while (text[j] != '\0' && text[j] != '\n')
				j++;
			*len = i;
			*newlines = text[j] == '\n';
			return text[j] == '\0' ? j : j + 1;
		}
	}
	*len = i;
	return i;
}

enum cmd_rc cmd_run_string(struct cmd_ctx *ctx, const char *text)
{
	enum cmd_rc rc = CMD_OK;
	int line = ctx->line > 0 ? ctx->line : 1;

	while (*text != '\0') {
		size_t len, used;
		int nl;
		char *one;

		used = cmd_next(text, &len, &nl);
		one = tt_xstrndup(text, len);
		if (ctx->file != NULL)
			ctx->line = line;
		rc = cmd_run_line(ctx, one);
		free(one);
		if (rc != CMD_OK)
			return rc;
		text += used;
		line += nl;
	}
	return rc;
}

enum cmd_rc cmd_run_file(struct cmd_ctx *ctx, const char *path)
{
	struct tt_err err;
	char *data;
	size_t len;
	const char *what;
	long bad;
	enum cmd_rc rc;
	const char *saved_file = ctx->file;
	int saved_line = ctx->line;

	tt_err_clear(&err);
	if (tt_read_file(path, &data, &len, &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "%s", msg);
		return CMD_ERROR;
	}
	bad = tt_utf8_check(data, len, &what);
	if (bad >= 0) {
		uint32_t line = 1, col;
		long i, ls = 0;

		for (i = 0; i < bad; i++) {
			if (data[i] == '\n') {
				line++;
				ls = i + 1;
			}
		}
		col = tt_utf8_column(data + ls, (size_t)(bad - ls));
		cmd_error(ctx, "%s:%u:%u: %s (expected UTF-8 text)", path, line, col, what);
		free(data);
		return CMD_ERROR;
	}
	ctx->file = path;
	ctx->line = 1;
	rc = cmd_run_string(ctx, data);
	ctx->file = saved_file;
	ctx->line = saved_line;
	free(data);
	return rc;
}
