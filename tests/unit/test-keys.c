/*
 * test-keys.c - the key map: defaults, key names and their aliases,
 * bind/unbind, lookup with the global fallback, the listing, and that
 * every default binding runs a command the registry knows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tunetop/cmd.h"
#include "tunetop/keys.h"

static void test_defaults(void **state)
{
	struct keys k;

	(void)state;
	keys_init(&k);
	assert_string_equal(keys_lookup(&k, "global", "space"), "toggle-pause");
	assert_string_equal(keys_lookup(&k, "global", "t"), "train");
	assert_string_equal(keys_lookup(&k, "global", "+"), "lr-scale 2");
	assert_string_equal(keys_lookup(&k, "global", "-"), "lr-scale 0.5");
	assert_string_equal(keys_lookup(&k, "global", "e"), "eval");
	assert_string_equal(keys_lookup(&k, "global", "s"), "checkpoint-now");
	assert_string_equal(keys_lookup(&k, "global", ":"), "prompt");	/* one command, then back */
	assert_string_equal(keys_lookup(&k, "global", "Tab"), "focus repl");
	assert_string_equal(keys_lookup(&k, "global", "q"), "quit");
	assert_string_equal(keys_lookup(&k, "global", "?"), "keys");
	assert_string_equal(keys_lookup(&k, "global", "F2"), "layout data");
	/* pane context first, then global */
	assert_string_equal(keys_lookup(&k, "data", "j"), "cursor down");
	assert_string_equal(keys_lookup(&k, "confusion", "Enter"), "open-cell");
	assert_string_equal(keys_lookup(&k, "data", "space"), "toggle-pause");
	assert_null(keys_get(&k, "data", "space"));
	assert_null(keys_lookup(&k, "global", "j"));
	keys_fini(&k);
}

static void test_normalize(void **state)
{
	static const char *const cases[][2] = {
		{ "q", "q" }, { "+", "+" }, { "space", "space" }, { "Space", "space" },
		{ "Return", "Enter" }, { "enter", "Enter" }, { "ESCAPE", "Esc" }, { "^W", "C-w" },
		{ "c-X", "C-x" }, { "C-l", "C-l" }, { "f12", "F12" }, { "F1", "F1" },
		{ "PageDown", "PgDn" }, { "pgup", "PgUp" }, { "s-tab", "BTab" }, { "\xc3\xa9", "\xc3\xa9" },
	};
	static const char *const bad[] = { "", "ab", "F13", "F0", "C-1", "^1", "Ctrl", "\xc3" };
	char out[KEYS_NAME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(keys_normalize(cases[i][0], out, sizeof out), 0);
		assert_string_equal(out, cases[i][1]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(keys_normalize(bad[i], out, sizeof out), -1);
}

static void test_names_of_keys(void **state)
{
	static const struct {
		int code;
		const char *name;
	} cases[] = {
		{ ' ', "space" }, { 27, "Esc" }, { '\r', "Enter" }, { '\n', "Enter" }, { '\t', "Tab" },
		{ 'q', "q" }, { 23, "C-w" }, { 127, "Backspace" }, { 0xe9, "\xc3\xa9" },
		{ 0x4e2d, "\xe4\xb8\xad" },
	};
	char out[KEYS_NAME_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(keys_name(cases[i].code, out, sizeof out), 0);
		assert_string_equal(out, cases[i].name);
	}
	assert_int_equal(keys_name(0xd800, out, sizeof out), -1);
	assert_string_equal(out, "");
}

static void test_bind_unbind(void **state)
{
	struct keys k;
	struct tt_err err;

	(void)state;
	keys_init(&k);
	tt_err_clear(&err);
	assert_int_equal(keys_bind(&k, "global", "x", "echo hi", &err), 0);
	assert_string_equal(keys_lookup(&k, "curves", "x"), "echo hi");
	assert_int_equal(keys_bind(&k, "global", "space", "stop", &err), 0);   /* replaces */
	assert_string_equal(keys_lookup(&k, "global", "space"), "stop");
	assert_int_equal(keys_bind(&k, "data", "Return", "echo data", &err), 0);
	assert_string_equal(keys_get(&k, "data", "Enter"), "echo data");
	assert_int_equal(keys_bind(&k, "nowhere", "x", "echo", &err), -1);
	assert_non_null(strstr(err.msg, "unknown key context 'nowhere'"));
	assert_int_equal(keys_bind(&k, "global", "ctrl", "echo", &err), -1);
	assert_non_null(strstr(err.msg, "unknown key 'ctrl'"));
	assert_int_equal(keys_bind(&k, "global", "y", "", &err), -1);
	assert_int_equal(keys_unbind(&k, "global", "x", &err), 0);
	assert_null(keys_lookup(&k, "global", "x"));
	assert_int_equal(keys_unbind(&k, "global", "x", &err), -1);
	assert_non_null(strstr(err.msg, "x is not bound in global"));
	keys_fini(&k);
}

static void test_describe(void **state)
{
	struct keys k;
	struct tt_buf b;

	(void)state;
	keys_init(&k);
	tt_buf_init(&b);
	keys_describe(&k, "data", &b);
	assert_non_null(strstr(b.data, "global keys:\n"));
	assert_non_null(strstr(b.data, "  space      toggle-pause\n"));
	assert_non_null(strstr(b.data, "data keys:\n"));
	assert_non_null(strstr(b.data, "  j          cursor down\n"));
	assert_null(strstr(b.data, "confusion keys:"));
	tt_buf_clear(&b);
	keys_describe(&k, NULL, &b);
	assert_non_null(strstr(b.data, "confusion keys:"));
	assert_non_null(strstr(b.data, "repl keys:"));
	tt_buf_fini(&b);
	keys_fini(&k);
}

/* Help cannot drift from what runs: every binding names a real command. */
static void test_bindings_are_commands(void **state)
{
	struct keys k;
	struct tt_err err;
	size_t i;

	(void)state;
	keys_init(&k);
	assert_true(k.n > 40);
	for (i = 0; i < k.n; i++) {
		char **argv = NULL;
		int argc;

		tt_err_clear(&err);
		argc = cmd_split_words(k.b[i].command, &argv, &err);
		assert_true(argc >= 1);
		if (cmd_find(argv[0], &err) == NULL)
			fail_msg("%s %s: %s", k.b[i].context, k.b[i].key, err.msg);
		cmd_free_argv(argc, argv);
	}
	keys_fini(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_names_of_keys),
		cmocka_unit_test(test_bind_unbind),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_bindings_are_commands),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
