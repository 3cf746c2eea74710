/*
 * test-session-edit.c - `session save` over a person's file keeps its
 * comments, order and quoting and changes only the values; duplicate keys
 * and empty files are errors with line:col; state files and names.
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

#include "tunetop/session.h"

static char dir[64];

static char *path_in(const char *name)
{
	return tt_xprintf("%s/%s", dir, name);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_text(const char *path)
{
	char *data;
	size_t len;
	struct tt_err err;

	assert_int_equal(tt_read_file(path, &data, &len, &err), 0);
	return data;
}

static const char *person =
	"# my help desk: hand-written\n"
	"name: desk   # shown in the title\n"
	"data: d.jsonl\n"
	"labels: [a, b]\n"
	"options:\n"
	"  # a small model\n"
	"  dim: 50\n"
	"  lr: '0.5'   # quoted on purpose\n"
	"ui:\n"
	"  layout: data\n"
	"  search: refund\n"
	"# the end\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/tt-sedit.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char *cmd = tt_xprintf("rm -rf '%s'", dir);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* Load p, change some values, save over it: the rest of the text is the same. */
static void test_values_change_comments_stay(void **state)
{
	char *p = path_in("s.yaml"), *d = path_in("d.jsonl"), *text;
	struct session s;
	struct cfg cfg;
	struct tt_err err;

	(void)state;
	write_text(d, "{\"text\": \"x\", \"label\": \"a\"}\n");
	write_text(p, person);
	cfg_init(&cfg);
	assert_int_equal(session_load(&s, p, &cfg, &err), 0);
	assert_int_equal(cfg_set(&cfg, "lr", "0.25", &err), 0);
	assert_int_equal(cfg_set(&cfg, "epochs", "7", &err), 0);
	session_ui_set(&s, SESSION_UI_SEARCH, NULL);          /* cleared: its line goes */
	session_ui_set(&s, SESSION_UI_THEME, "light");        /* new: after layout */
	session_set_string(&s.split_ratios, "80/10/10");      /* new top-level key */
	s.split_seed = 3;
	session_add_change(&s, 12, "lr", "0.5", "0.25");
	assert_int_equal(session_save_edit(&s, &cfg, p, &err), 0);
	text = read_text(p);
	assert_string_equal(text,
		"# my help desk: hand-written\n"
		"name: desk   # shown in the title\n"
		"data: d.jsonl\n"
		"labels: [a, b]\n"
		"options:\n"
		"  # a small model\n"
		"  dim: 50\n"
		"  lr: 0.25   # quoted on purpose\n"
		"  epochs: 7\n"
		"split: {ratios: 80/10/10, seed: 3}\n"
		"history:\n"
		"  - {step: 12, key: lr, old: 0.5, new: 0.25}\n"
		"ui:\n"
		"  layout: data\n"
		"  theme: light\n"
		"# the end\n");
	free(text);
	session_fini(&s);
	cfg_fini(&cfg);

	/* It loads back with the new values. */
	cfg_init(&cfg);
	assert_int_equal(session_load(&s, p, &cfg, &err), 0);
	assert_string_equal(cfg_get_str(&cfg, "lr"), "0.25");
	assert_string_equal(s.split_ratios, "80/10/10");
	assert_int_equal(s.nhistory, 1);
	assert_null(s.ui[SESSION_UI_SEARCH]);
	assert_string_equal(s.ui[SESSION_UI_THEME], "light");
	session_fini(&s);
	cfg_fini(&cfg);
	free(p);
	free(d);
}

/* Nothing changed: not one byte moves (the quoted '0.5' stays quoted). */
static void test_unchanged_is_identical(void **state)
{
	char *p = path_in("same.yaml"), *d = path_in("d.jsonl"), *text;
	struct session s;
	struct cfg cfg;
	struct tt_err err;

	(void)state;
	write_text(d, "{\"text\": \"x\", \"label\": \"a\"}\n");
	write_text(p, person);
	cfg_init(&cfg);
	assert_int_equal(session_load(&s, p, &cfg, &err), 0);
	assert_int_equal(session_save_edit(&s, &cfg, p, &err), 0);
	text = read_text(p);
	assert_string_equal(text, person);
	free(text);
	session_fini(&s);
	cfg_fini(&cfg);
	free(p);
	free(d);
}

/* A value YAML would read differently plain is quoted. */
static void test_values_are_quoted(void **state)
{
	char *p = path_in("q.yaml"), *text;
	struct session s;
	struct cfg cfg;
	struct tt_err err;

	(void)state;
	write_text(p, "name: x\n");
	cfg_init(&cfg);
	assert_int_equal(session_load(&s, p, &cfg, &err), 0);
	session_set_string(&s.name, "a: b # c\x1b");
	session_ui_set(&s, SESSION_UI_DATA_FILTER, "label=billing wrong");
	assert_int_equal(session_save_edit(&s, &cfg, p, &err), 0);
	text = read_text(p);
	assert_string_equal(text, "name: \"a: b # c\\x1b\"\nui:\n  data_filter: label=billing wrong\n");
	free(text);
	session_fini(&s);
	assert_int_equal(session_load(&s, p, &cfg, &err), 0);
	assert_string_equal(s.name, "a: b # c\x1b");
	session_fini(&s);
	cfg_fini(&cfg);
	free(p);
}

static void expect_load_error(const char *text, const char *msg, unsigned line, unsigned col)
{
	char *p = path_in("bad.yaml");
	struct session s;
	struct cfg cfg;
	struct tt_err err;

	write_text(p, text);
	cfg_init(&cfg);
	tt_err_clear(&err);
	assert_int_equal(session_load(&s, p, &cfg, &err), -1);
	assert_non_null(strstr(err.msg, msg));
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	cfg_fini(&cfg);
	free(p);
}

static void test_duplicate_and_empty(void **state)
{
	(void)state;
	expect_load_error("name: a\ndata: x.jsonl\nname: b\n", "duplicate key 'name' (first given at line 1)",
			  3, 1);
	expect_load_error("name: a\noptions:\n  dim: 5\n  dim: 6\n", "duplicate key 'dim'", 4, 3);
	expect_load_error("ui: {layout: data, layout: overview}\n", "duplicate key 'layout'", 1, 20);
	expect_load_error("", "the session file is empty", 1, 1);
	expect_load_error("# only a comment\n", "the session file is empty", 1, 1);
}

static void test_names(void **state)
{
	char *n;

	(void)state;
	n = session_path_for_data("d/small.csv");
	assert_string_equal(n, "d/small.csv.session.yaml");
	free(n);
	n = session_legacy_path("d/small.csv");
	assert_string_equal(n, "d/small.session.yaml");
	free(n);
	n = session_state_path("d/demo.yaml");
	assert_string_equal(n, "d/demo.state.yaml");
	free(n);
	n = session_state_path("d/small.csv.session.yaml");
	assert_string_equal(n, "d/small.csv.state.yaml");
	free(n);
	n = session_runs_dir("demo.yaml");
	assert_string_equal(n, "demo.runs");
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_change_comments_stay),
		cmocka_unit_test(test_unchanged_is_identical),
		cmocka_unit_test(test_values_are_quoted),
		cmocka_unit_test(test_duplicate_and_empty),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
