/*
 * test-edit-report.c - what an edit says in the REPL: a change inside a
 * long text shows the changed part with some context, not the first
 * characters of both sides (which look the same).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"

static void sink_fn(void *opaque, int is_error, const char *text)
{
	tt_buf_adds(opaque, text);
	if (is_error)
		tt_buf_addc(opaque, '\n');
}

static void test_text_change_shown(void **state)
{
	char dir[] = "/tmp/tunetop-edit-XXXXXX", path[64], cmd[256];
	struct app app;
	struct cmd_ctx ctx;
	struct tt_buf out;
	struct tt_err err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/d.jsonl", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"id\":\"a\",\"text\":\"The quick brown fox jumps over the lazy dog and then "
	      "keeps running far away into the forest\",\"label\":\"x\"}\n"
	      "{\"id\":\"b\",\"text\":\"short\",\"label\":\"y\"}\n", f);
	fclose(f);
	app_init(&app);
	tt_err_clear(&err);
	assert_int_equal(app_load_data(&app, path, NULL, &err), 0);
	tt_buf_init(&out);
	memset(&ctx, 0, sizeof ctx);
	ctx.app = &app;
	ctx.source = CMD_SRC_REPL;
	ctx.sink = sink_fn;
	ctx.sink_opaque = &out;
	assert_int_equal(cmd_run_line(&ctx, "edit-text a \"The quick brown fox jumps over the lazy "
				      "cat and then keeps running far away into the forest\""), CMD_OK);
	/* The change in brackets, with context both sides. */
	assert_non_null(strstr(out.data, "text a: \"...s over the lazy [dog] and then keeps ...\" -> "
				       "\"...s over the lazy [cat] and then keeps ...\" (saved"));
	tt_buf_clear(&out);
	snprintf(cmd, sizeof cmd, "edit-text a \"The quick brown fox jumps over the lazy cat and "
		 "then keeps running far away into the forest!\"");
	assert_int_equal(cmd_run_line(&ctx, cmd), CMD_OK);
	/* Added at the very end: an empty part before, the addition after. */
	assert_non_null(strstr(out.data, "\"... into the forest[]\" -> \"... into the forest[!]\""));
	tt_buf_clear(&out);
	/* Short texts are shown whole. */
	assert_int_equal(cmd_run_line(&ctx, "edit-text b \"short one\""), CMD_OK);
	assert_non_null(strstr(out.data, "\"short\" -> \"short one\""));
	tt_buf_fini(&out);
	app_fini(&app);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_change_shown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
