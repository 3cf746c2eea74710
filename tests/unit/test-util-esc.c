/*
 * test-util-esc.c - the terminal-safety escaping (util-esc.c): which
 * characters are escaped and how, '\n' kept or not, idempotence, bad UTF-8,
 * cutting at whole escapes, JSON mode, and errors (tt_err_set) escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

static void expect_esc(const char *in, unsigned flags, const char *want)
{
	struct tt_buf b;

	tt_buf_init(&b);
	tt_esc_buf(&b, in, strlen(in), flags);
	assert_string_equal(b.data, want);
	tt_buf_fini(&b);
}

static void test_controls(void **state)
{
	(void)state;
	expect_esc("plain café 日本 z\u200bw", 0, "plain café 日本 z\u200bw");
	expect_esc("a\x1b[2Jb", 0, "a\\x1b[2Jb");
	expect_esc("\x1b]0;t\x07", 0, "\\x1b]0;t\\x07");
	expect_esc("l1\nl2\tx\ry\x08\x7f", 0, "l1\\nl2\\tx\\ry\\x08\\x7f");
	expect_esc("l1\nl2\t", TT_ESC_KEEP_NL, "l1\nl2\\t");
	/* C1 as code points, the bidi controls and marks. */
	expect_esc("\xc2\x9b" "31m \xc2\x80\xc2\x9f", 0, "\\u009b31m \\u0080\\u009f");
	expect_esc("\xc2\xa0", 0, "\xc2\xa0");	/* U+00A0 is printable */
	expect_esc("\u202egnp \u202a\u2066x\u2069 \u200e\u200f\u061c", 0,
		   "\\u202egnp \\u202a\\u2066x\\u2069 \\u200e\\u200f\\u061c");
	/* Bytes that are not UTF-8: a raw 0x9b is CSI for some terminals. */
	expect_esc("a\x9b" "1m\xff\xc3", 0, "a\\x9b1m\\xff\\xc3");
	/* Backslashes stay: escaping twice changes nothing. */
	expect_esc("a\\x1b\\n", 0, "a\\x1b\\n");
}

static void test_idempotent(void **state)
{
	const char *in = "id\x1b]8;;http://x\x1b\\link\n\xc2\x9d\u202e\x9b";
	char *once = tt_esc_dup(in), *twice = tt_esc_dup(once);
	size_t i;

	(void)state;
	assert_string_equal(once, twice);
	for (i = 0; once[i] != '\0'; i++)
		assert_true((unsigned char)once[i] >= 0x20 && (unsigned char)once[i] < 0x7f);
	free(once);
	free(twice);
}

static void test_cut(void **state)
{
	char out[8];

	(void)state;
	/* Never half an escape or half a character. */
	assert_int_equal(tt_esc_str(out, sizeof out, "ab\x1b[2J", 6, 0), 7);
	assert_string_equal(out, "ab\\x1b[");
	assert_int_equal(tt_esc_str(out, sizeof out, "abcd\x1b", 5, 0), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(tt_esc_str(out, sizeof out, "abcde日", strlen("abcde日"), 0), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(tt_esc_str(out, 1, "abc", 3, 0), 0);
	assert_string_equal(out, "");
}

static void test_json(void **state)
{
	char *s;

	(void)state;
	/* jansson's output: C0 is already escaped; DEL, C1 and bidi are not. */
	s = tt_esc_json("{\"a\x7f\": \"x\xc2\x9b\u202e\\u001b\",\n \"b\": 1}");
	assert_string_equal(s, "{\"a\\u007f\": \"x\\u009b\\u202e\\u001b\",\n \"b\": 1}");
	free(s);
}

static void test_err(void **state)
{
	struct tt_err e;
	char msg[1200];

	(void)state;
	tt_err_clear(&e);
	tt_err_set(&e, "dir/x\x1b[2J\n.jsonl", 2, 3, "invalid token near '%s'", "\x1b]0;t\x07");
	tt_err_format(&e, msg, sizeof msg);
	assert_string_equal(msg, "dir/x\\x1b[2J\\n.jsonl:2:3: invalid token near '\\x1b]0;t\\x07'");
	/* An argument may be the message itself. */
	tt_err_set(&e, e.file, 0, 0, "again: %s", e.msg);
	assert_string_equal(e.msg, "again: invalid token near '\\x1b]0;t\\x07'");
	assert_string_equal(e.file, "dir/x\\x1b[2J\\n.jsonl");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
