/*
 * test-theme.c - theme files: the shipped themes define every role, a good
 * file parses to the expected colors, every error has file:line:column,
 * and colors render for 256, 16, 8 and no colors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tunetop/theme.h"
#include "tunetop/util.h"

#define DATA_DIR "tests/data/themes/"

static const char *const shipped[] = { "dark", "light", "high-contrast", "mono" };

static void
load_ok(struct theme *t, const char *path)
{
	struct tt_err err;
	char msg[1200];

	tt_err_clear(&err);
	if (theme_load(t, path, &err) < 0) {
		tt_err_format(&err, msg, sizeof msg);
		print_error("%s\n", msg);
		fail();
	}
}

static void
test_shipped_themes_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		struct theme t;
		char path[256];

		snprintf(path, sizeof path, "themes/%s.yaml", shipped[i]);
		load_ok(&t, path);
		assert_string_equal(t.name, shipped[i]);
		for (int r = 0; r < GRID_ROLE_COUNT; r++) {
			if (!t.style[r].defined)
				print_error("%s: role %s is not defined\n", path, grid_role_name(r));
			assert_true(t.style[r].defined);
		}
		assert_int_equal(theme_missing(&t), 0);
	}
}

static void
test_mono_file_matches_builtin(void **state)
{
	const struct theme *m = theme_mono();
	struct theme t;

	(void)state;
	load_ok(&t, "themes/mono.yaml");
	assert_int_equal(theme_missing(m), 0);
	for (int r = 0; r < GRID_ROLE_COUNT; r++) {
		assert_int_equal(t.style[r].attr, m->style[r].attr);
		assert_int_equal(t.style[r].fg.kind, THEME_COLOR_DEFAULT);
		assert_int_equal(t.style[r].bg.kind, THEME_COLOR_DEFAULT);
	}
}

static void
test_good_file(void **state)
{
	struct theme t;
	const struct theme_style *s;

	(void)state;
	load_ok(&t, DATA_DIR "good.yaml");
	assert_string_equal(t.name, "good");
	s = &t.style[GRID_ROLE_CHART_TRAIN];
	assert_int_equal(s->fg.kind, THEME_COLOR_RGB);
	assert_int_equal(s->fg.r, 0x5f);
	assert_int_equal(s->fg.g, 0xaf);
	assert_int_equal(s->fg.b, 0xff);
	assert_int_equal(s->bg.kind, THEME_COLOR_DEFAULT);
	s = &t.style[GRID_ROLE_CHART_VALID];
	assert_int_equal(s->fg.kind, THEME_COLOR_INDEX);
	assert_int_equal(s->fg.index, 214);
	s = &t.style[GRID_ROLE_ERROR];
	assert_int_equal(s->fg.kind, THEME_COLOR_INDEX);
	assert_int_equal(s->fg.index, 1);
	s = &t.style[GRID_ROLE_STATUS];
	assert_int_equal(s->fg.index, 0);
	assert_int_equal(s->bg.kind, THEME_COLOR_RGB);
	assert_int_equal(s->attr, GRID_ATTR_BOLD);
	assert_int_equal(t.style[GRID_ROLE_SELECTION].attr, GRID_ATTR_REVERSE);
	assert_int_equal(t.style[GRID_ROLE_TITLE].attr, GRID_ATTR_BOLD | GRID_ATTR_UNDERLINE);
	assert_int_equal(theme_missing(&t), GRID_ROLE_COUNT - 7);
	assert_false(t.style[GRID_ROLE_DIM].defined);
	/* Without a name key, the name comes from the file. */
	load_ok(&t, DATA_DIR "no-name.yaml");
	assert_string_equal(t.name, "no-name");
}

/* Each bad input, and where and what the error is. */
static const struct {
	const char *text;
	uint32_t line, col;
	const char *msg;	/* a part of the message */
} bad_cases[] = {
	{ "name: x\ncolors:\n  chart.trian: red\n", 3, 3, "unknown role 'chart.trian'" },
	{ "colors:\n  error: crimson\n", 2, 10, "unknown color 'crimson'" },
	{ "colors:\n  error: \"#12345\"\n", 2, 10, "unknown color '#12345'" },
	{ "colors:\n  error: \"#12345g\"\n", 2, 10, "unknown color" },
	{ "colors:\n  error: \"256\"\n", 2, 10, "unknown color '256'" },
	{ "colors:\n  error: #ff0000\n", 2, 9, "quote #rrggbb" },
	{ "colors:\n  error: {fg: red, attrs: [bold, blink]}\n", 2, 34,
	  "unknown attribute 'blink'" },
	{ "colors:\n  error: {attrs: {bold: 1}}\n", 2, 18, "expected an attribute" },
	{ "colors:\n  error: {fg: red, colour: blue}\n", 2, 20, "unknown key 'colour'" },
	{ "colors:\n  error: {fg: red, fg: blue}\n", 2, 20, "'fg' given twice" },
	{ "colors:\n  error: {fg: [red]}\n", 2, 15, "expected a color, found a list" },
	{ "colors:\n  error: red\n  ok: green\n  error: blue\n", 4, 3,
	  "role 'error' defined twice (first at line 2)" },
	{ "name: x\ntheme: y\n", 2, 1, "unknown key 'theme'" },
	{ "name: x\nname: y\n", 2, 1, "'name' given twice" },
	{ "name: [x]\n", 1, 7, "expected a theme name" },
	{ "colors: red\n", 1, 9, "expected a mapping of roles" },
	{ "colors:\n  - error\n", 2, 3, "expected a mapping of roles" },
	{ "colors:\n  error: [red]\n", 2, 10, "expected a color or {fg, bg, attrs}" },
	{ "- a\n- b\n", 1, 1, "expected a mapping with name and colors" },
	{ "", 1, 1, "empty theme file" },
	{ "colors:\n  error: {fg: red\n", 3, 1, "YAML syntax error" },
	{ "colors:\n  error: *x\n", 2, 10, "aliases are not supported" },
	{ "name: a\n---\nname: b\n", 2, 1, "only one document" },
	{ "colors:\n  error: \xff\n", 2, 10, "YAML syntax error" },
};

static void
test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		struct theme t;
		struct tt_err err;
		const char *text = bad_cases[i].text;

		theme_init(&t, "untouched");
		tt_err_clear(&err);
		assert_int_equal(theme_parse(&t, "t.yaml", text, strlen(text), &err), -1);
		if (strstr(err.msg, bad_cases[i].msg) == NULL || err.line != bad_cases[i].line ||
		    err.col != bad_cases[i].col) {
			print_error("case %zu: got %u:%u: %s; want %u:%u: ...%s...\n", i, err.line,
				    err.col, err.msg, bad_cases[i].line, bad_cases[i].col,
				    bad_cases[i].msg);
			fail();
		}
		assert_string_equal(err.file, "t.yaml");
		/* A failed load leaves the theme as it was. */
		assert_string_equal(t.name, "untouched");
	}
}

static void
test_error_from_file(void **state)
{
	struct theme t;
	struct tt_err err;
	char msg[1200];

	(void)state;
	theme_init(&t, "before");
	tt_err_clear(&err);
	assert_int_equal(theme_load(&t, DATA_DIR "bad-role.yaml", &err), -1);
	tt_err_format(&err, msg, sizeof msg);
	assert_string_equal(msg, DATA_DIR "bad-role.yaml:4:3: unknown role 'chart.trian'");
	assert_string_equal(t.name, "before");
	tt_err_clear(&err);
	assert_int_equal(theme_load(&t, DATA_DIR "missing.yaml", &err), -1);
	assert_non_null(strstr(err.msg, "cannot open"));
}

static void
test_parse_color(void **state)
{
	struct theme_color c;

	(void)state;
	assert_int_equal(theme_parse_color("#00FF80", &c), 0);
	assert_int_equal(c.kind, THEME_COLOR_RGB);
	assert_int_equal(c.g, 255);
	assert_int_equal(c.b, 0x80);
	assert_int_equal(theme_parse_color("0", &c), 0);
	assert_int_equal(c.kind, THEME_COLOR_INDEX);
	assert_int_equal(c.index, 0);
	assert_int_equal(theme_parse_color("255", &c), 0);
	assert_int_equal(c.index, 255);
	assert_int_equal(theme_parse_color("magenta", &c), 0);
	assert_int_equal(c.index, 5);
	assert_int_equal(theme_parse_color("default", &c), 0);
	assert_int_equal(c.kind, THEME_COLOR_DEFAULT);
	assert_int_equal(theme_parse_color("-1", &c), -1);
	assert_int_equal(theme_parse_color("12a", &c), -1);
	assert_int_equal(theme_parse_color("0255", &c), -1);
	assert_int_equal(theme_parse_color("Red", &c), -1);
	assert_int_equal(theme_parse_color("#fff", &c), -1);
	assert_int_equal(theme_parse_attr("underline"), GRID_ATTR_UNDERLINE);
	assert_int_equal(theme_parse_attr("blink"), 0);
}

static void
test_palette(void **state)
{
	uint8_t r, g, b;

	(void)state;
	theme_index_rgb(196, &r, &g, &b);
	assert_true(r == 255 && g == 0 && b == 0);
	theme_index_rgb(75, &r, &g, &b);
	assert_true(r == 0x5f && g == 0xaf && b == 0xff);
	theme_index_rgb(244, &r, &g, &b);
	assert_true(r == 128 && g == 128 && b == 128);
	theme_index_rgb(4, &r, &g, &b);
	assert_true(r == 0 && g == 0 && b == 0xee);
	/* RGB to the nearest of the 240 cube and gray entries. */
	assert_int_equal(theme_rgb_to_256(0xff, 0x00, 0x00), 196);
	assert_int_equal(theme_rgb_to_256(0x5f, 0xaf, 0xff), 75);
	assert_int_equal(theme_rgb_to_256(0x80, 0x80, 0x80), 244);
	assert_int_equal(theme_rgb_to_256(0x00, 0x00, 0x00), 16);
	assert_int_equal(theme_rgb_to_256(0x87, 0xaf, 0x87), 108);
	assert_int_equal(theme_rgb_to_256(0xee, 0xee, 0xee), 255);
	/* Every cube entry maps to itself. */
	for (int i = 16; i < 232; i++) {
		theme_index_rgb(i, &r, &g, &b);
		assert_int_equal(theme_rgb_to_256(r, g, b), i);
	}
}

static void
test_downsample(void **state)
{
	struct theme t;
	struct theme_render rd;

	(void)state;
	load_ok(&t, DATA_DIR "good.yaml");
	/* 256 colors: RGB to the nearest index, indexes as they are. */
	rd = theme_color_for(&t, GRID_ROLE_CHART_TRAIN, 256);
	assert_int_equal(rd.fg, 75);
	rd = theme_color_for(&t, GRID_ROLE_CHART_VALID, 256);
	assert_int_equal(rd.fg, 214);
	/* An undefined role is drawn like default; default colors come from it. */
	rd = theme_color_for(&t, GRID_ROLE_DIM, 256);
	assert_int_equal(rd.fg, 252);
	assert_int_equal(rd.bg, 0);
	rd = theme_color_for(&t, GRID_ROLE_CHART_TRAIN, 256);
	assert_int_equal(rd.bg, 0);
	/* 8 colors: #5fafff -> cyan, 214 (#ffaf00) -> yellow, 252 -> white. */
	rd = theme_color_for(&t, GRID_ROLE_CHART_TRAIN, 8);
	assert_int_equal(rd.fg, 6);
	rd = theme_color_for(&t, GRID_ROLE_CHART_VALID, 8);
	assert_int_equal(rd.fg, 3);
	rd = theme_color_for(&t, GRID_ROLE_DEFAULT, 8);
	assert_int_equal(rd.fg, 7);
	assert_int_equal(rd.bg, 0);
	/* Status: black on #87af87 (a light gray-green) -> black on white. */
	rd = theme_color_for(&t, GRID_ROLE_STATUS, 8);
	assert_int_equal(rd.fg, 0);
	assert_int_equal(rd.bg, 7);
	assert_int_equal(rd.attr, GRID_ATTR_BOLD);
	/* Bright red (9) keeps its hue on 8 colors and itself on 16. */
	load_ok(&t, DATA_DIR "no-name.yaml");
	assert_int_equal(theme_color_for(&t, GRID_ROLE_ERROR, 8).fg, 1);
	assert_int_equal(theme_color_for(&t, GRID_ROLE_ERROR, 16).fg, 9);
	assert_int_equal(theme_color_for(&t, GRID_ROLE_ERROR, 256).fg, 9);
	assert_int_equal(theme_color_for(&t, GRID_ROLE_ERROR, 256).bg, -1);
}

static void
test_never_invisible(void **state)
{
	static const char text[] = "colors:\n  status: {fg: \"16\", bg: \"#1c1c1c\"}\n";
	struct theme t;
	struct tt_err err;
	struct theme_render rd;

	(void)state;
	assert_int_equal(theme_parse(&t, "t.yaml", text, strlen(text), &err), 0);
	/* Both near black: distinct on 256 colors, merged on 8, then fixed. */
	rd = theme_color_for(&t, GRID_ROLE_STATUS, 256);
	assert_int_equal(rd.fg, 16);
	assert_int_equal(rd.bg, 234);
	rd = theme_color_for(&t, GRID_ROLE_STATUS, 8);
	assert_int_equal(rd.bg, 0);
	assert_int_equal(rd.fg, 7);
}

static void
test_monochrome(void **state)
{
	struct theme t;
	struct theme_render rd;

	(void)state;
	load_ok(&t, "themes/dark.yaml");
	rd = theme_color_for(&t, GRID_ROLE_ERROR, 0);
	assert_int_equal(rd.fg, -1);
	assert_int_equal(rd.bg, -1);
	assert_true(rd.attr & GRID_ATTR_BOLD);
	rd = theme_color_for(&t, GRID_ROLE_SELECTION, 0);
	assert_int_equal(rd.attr, GRID_ATTR_REVERSE);
	rd = theme_color_for(&t, GRID_ROLE_DIM, 0);
	assert_int_equal(rd.attr, GRID_ATTR_DIM);
	rd = theme_color_for(theme_mono(), GRID_ROLE_STATUS, 256);
	assert_int_equal(rd.fg, -1);
	assert_int_equal(rd.attr, GRID_ATTR_REVERSE);
	/* Out-of-range roles are drawn as default. */
	rd = theme_color_for(&t, 200, 256);
	assert_int_equal(rd.fg, -1);
	/* The themes give the roles distinct looks even with no color. */
	assert_int_not_equal(theme_color_for(&t, GRID_ROLE_MATRIX_HEAT5, 0).attr,
			     theme_color_for(&t, GRID_ROLE_MATRIX_HEAT1, 0).attr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_complete),
		cmocka_unit_test(test_mono_file_matches_builtin),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_from_file),
		cmocka_unit_test(test_parse_color),
		cmocka_unit_test(test_palette),
		cmocka_unit_test(test_downsample),
		cmocka_unit_test(test_never_invisible),
		cmocka_unit_test(test_monochrome),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
