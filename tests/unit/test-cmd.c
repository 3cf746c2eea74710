/*
 * test-cmd.c - the command registry: exact, alias, unique prefix,
 * ambiguity, argument counts, word splitting, and running strings that
 * stop at the first failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"

/* Collects output and errors. */
struct sink {
	struct tt_buf out;
	struct tt_buf err;
};

static void sink_fn(void *opaque, int is_error, const char *text)
{
	struct sink *s = opaque;

	tt_buf_adds(is_error ? &s->err : &s->out, text);
	if (is_error)
		tt_buf_addc(&s->err, '\n');
}

static void test_find(void **state)
{
	struct tt_err err;
	const struct cmd_entry *e;

	(void)state;
	e = cmd_find("split", &err);
	assert_non_null(e);
	assert_string_equal(e->name, "split");
	e = cmd_find("q", &err);               /* alias */
	assert_string_equal(e->name, "quit");
	e = cmd_find("spl", &err);             /* unique prefix */
	assert_string_equal(e->name, "split");
	e = cmd_find("s", &err);               /* save, set, show, split, source, stats */
	assert_null(e);
	assert_non_null(strstr(err.msg, "ambiguous"));
	assert_non_null(strstr(err.msg, "save"));
	assert_non_null(strstr(err.msg, "stats"));
	e = cmd_find("frobnicate", &err);
	assert_null(e);
	assert_non_null(strstr(err.msg, "unknown command 'frobnicate'"));
}

static void test_table_unique(void **state)
{
	size_t n, i, j;
	const struct cmd_entry *t = cmd_table(&n);

	(void)state;
	for (i = 0; i < n; i++) {
		assert_non_null(t[i].summary);
		for (j = i + 1; j < n; j++) {
			assert_string_not_equal(t[i].name, t[j].name);
			if (t[i].alias != NULL && t[j].alias != NULL)
				assert_string_not_equal(t[i].alias, t[j].alias);
		}
	}
}

static void test_split_words(void **state)
{
	struct tt_err err;
	char **argv;
	int argc;

	(void)state;
	argc = cmd_split_words("  set  text_field \"my field\" 'a b' c\\ d # comment", &argv, &err);
	assert_int_equal(argc, 5);
	assert_string_equal(argv[0], "set");
	assert_string_equal(argv[2], "my field");
	assert_string_equal(argv[3], "a b");
	assert_string_equal(argv[4], "c d");
	cmd_free_argv(argc, argv);
	argc = cmd_split_words("echo \"say \\\"hi\\\"\"", &argv, &err);
	assert_int_equal(argc, 2);
	assert_string_equal(argv[1], "say \"hi\"");
	cmd_free_argv(argc, argv);
	assert_int_equal(cmd_split_words("echo 'open", &argv, &err), -1);
	assert_int_equal(err.col, 6);
	assert_non_null(strstr(err.msg, "unterminated single quote"));
}

static void test_run(void **state)
{
	struct app app;
	struct cmd_ctx ctx;
	struct sink s;

	(void)state;
	app_init(&app);
	tt_buf_init(&s.out);
	tt_buf_init(&s.err);
	memset(&ctx, 0, sizeof ctx);
	ctx.app = &app;
	ctx.sink = sink_fn;
	ctx.sink_opaque = &s;
	assert_int_equal(cmd_run_string(&ctx, "echo one; echo 'two; still two'\necho three"), CMD_OK);
	assert_string_equal(s.out.data, "one\ntwo; still two\nthree\n");
	tt_buf_clear(&s.out);
	/* The first failure stops the rest. */
	assert_int_equal(cmd_run_string(&ctx, "echo a; set nope 1; echo b"), CMD_ERROR);
	assert_string_equal(s.out.data, "a\n");
	assert_non_null(strstr(s.err.data, "unknown option 'nope'"));
	tt_buf_clear(&s.err);
	/* Argument counts. */
	assert_int_equal(cmd_run_line(&ctx, "set lr"), CMD_ERROR);
	assert_non_null(strstr(s.err.data, "too few arguments (usage: set KEY VALUE)"));
	tt_buf_clear(&s.err);
	assert_int_equal(cmd_run_line(&ctx, "stats extra"), CMD_ERROR);
	assert_non_null(strstr(s.err.data, "too many arguments"));
	tt_buf_clear(&s.err);
	/* Needs data. */
	assert_int_equal(cmd_run_line(&ctx, "stats"), CMD_ERROR);
	assert_non_null(strstr(s.err.data, "no dataset loaded"));
	/* Prefix and alias through the runner. */
	assert_int_equal(cmd_run_line(&ctx, "vers"), CMD_OK);
	assert_int_equal(cmd_run_line(&ctx, "q"), CMD_QUIT);
	assert_true(app.quit);
	tt_buf_fini(&s.out);
	tt_buf_fini(&s.err);
	app_fini(&app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_table_unique),
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
