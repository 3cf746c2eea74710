/*
 * test-grid.c - the cell grid: text, wide characters, clipping, boxes,
 * the role table, and the text dump the other rendering tests rely on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tunetop/grid.h"
#include "tunetop/util.h"

static void
assert_grid(const struct grid *g, const char *want)
{
	struct tt_buf b;

	tt_buf_init(&b);
	grid_to_text(g, &b);
	assert_string_equal(b.data, want);
	tt_buf_fini(&b);
}

static void
test_blank(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 4, 2);
	assert_int_equal(g.w, 4);
	assert_int_equal(g.h, 2);
	assert_grid(&g, "\n\n");
	assert_int_equal(grid_at(&g, 3, 1)->cp, ' ');
	assert_null(grid_at(&g, 4, 0));
	assert_null(grid_at(&g, 0, -1));
	grid_fini(&g);
}

static void
test_put_clips(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 3, 2);
	grid_put(&g, 0, 0, 'a', GRID_ROLE_ERROR, GRID_ATTR_BOLD);
	grid_put(&g, 2, 1, 'z', 0, 0);
	grid_put(&g, 3, 0, 'x', 0, 0);
	grid_put(&g, -1, 0, 'x', 0, 0);
	grid_put(&g, 0, 2, 'x', 0, 0);
	assert_grid(&g, "a\n  z\n");
	assert_int_equal(grid_at(&g, 0, 0)->role, GRID_ROLE_ERROR);
	assert_int_equal(grid_at(&g, 0, 0)->attr, GRID_ATTR_BOLD);
	grid_fini(&g);
}

static void
test_text_ascii(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 10, 3);
	assert_int_equal(grid_text(&g, 1, 0, "hello", -1, GRID_ROLE_TITLE, 0), 5);
	assert_int_equal(grid_text(&g, 0, 1, "truncated", 4, 0, 0), 4);
	assert_int_equal(grid_text(&g, 7, 2, "edge", -1, 0, 0), 3);
	/* Starting left of the grid: the visible part is drawn. */
	assert_int_equal(grid_text(&g, -2, 2, "abcd", -1, 0, 0), 4);
	assert_grid(&g, " hello\ntrun\ncd     edg\n");
	assert_int_equal(grid_at(&g, 1, 0)->role, GRID_ROLE_TITLE);
	grid_fini(&g);
}

static void
test_text_wide(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 6, 3);
	/* 日本 is four columns: code point, continuation, code point, continuation. */
	assert_int_equal(grid_text(&g, 0, 0, "日本x", -1, 0, 0), 5);
	assert_int_equal(grid_at(&g, 0, 0)->cp, 0x65E5);
	assert_int_equal(grid_at(&g, 1, 0)->cp, 0);
	/* A wide char that does not fit is not split. */
	assert_int_equal(grid_text(&g, 0, 1, "ab日本", 5, 0, 0), 4);
	assert_int_equal(grid_text(&g, 5, 2, "日", -1, 0, 0), 0);
	assert_grid(&g, "日本x\nab日\n\n");
	assert_int_equal(grid_text_width("日本x"), 5);
	grid_fini(&g);
}

static void
test_overwrite_half_wide(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 4, 2);
	grid_text(&g, 0, 0, "日本", -1, 0, 0);
	grid_put(&g, 1, 0, 'a', 0, 0);	/* right half of 日: the left half goes */
	grid_put(&g, 2, 0, 'b', 0, 0);	/* left half of 本: the right half goes */
	assert_grid(&g, " ab\n\n");
	grid_text(&g, 0, 1, "日", -1, 0, 0);
	grid_text(&g, 1, 1, "本", -1, 0, 0);	/* overlaps 日's right half */
	assert_grid(&g, " ab\n 本\n");
	grid_fini(&g);
}

static void
test_text_bad_input(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 8, 1);
	/* Invalid byte, a tab, a combining acute accent after e. */
	assert_int_equal(grid_text(&g, 0, 0, "a\xFFz\tre\xCC\x81", -1, 0, 0), 6);
	assert_grid(&g, "a\xEF\xBF\xBDz\xEF\xBF\xBDre\n");
	grid_fini(&g);
}

static void
test_truncate(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(grid_truncate("short", 8, 0, out, sizeof out), 5);
	assert_string_equal(out, "short");
	assert_int_equal(grid_truncate("positive", 5, 0, out, sizeof out), 5);
	assert_string_equal(out, "posi…");
	assert_int_equal(grid_truncate("positive", 5, 1, out, sizeof out), 5);
	assert_string_equal(out, "posi~");
	/* A wide char that would straddle the ellipsis is dropped. */
	assert_int_equal(grid_truncate("ab日本", 4, 0, out, sizeof out), 3);
	assert_string_equal(out, "ab…");
	assert_int_equal(grid_truncate("abc", 0, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
}

static void
test_fill_and_lines(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 5, 4);
	grid_fill(&g, 1, 1, 3, 2, '#', GRID_ROLE_SELECTION, 0);
	grid_hline(&g, 0, 0, 5, 0, 0);
	grid_vline(&g, 4, 1, 9, 0, 0);
	assert_grid(&g, "─────\n ###│\n ###│\n    │\n");
	assert_int_equal(grid_at(&g, 2, 2)->role, GRID_ROLE_SELECTION);
	grid_fini(&g);
}

static void
test_box_unicode_and_ascii(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 6, 3);
	grid_box(&g, 0, 0, 4, 3, GRID_ROLE_BORDER, 0);
	assert_grid(&g, "┌──┐\n│  │\n└──┘\n");
	grid_clear(&g);
	g.ascii = 1;
	grid_box(&g, 1, 0, 5, 3, GRID_ROLE_BORDER, 0);
	assert_grid(&g, " +---+\n |   |\n +---+\n");
	/* Too small for a box: nothing. */
	grid_clear(&g);
	grid_box(&g, 0, 0, 1, 3, 0, 0);
	assert_grid(&g, "\n\n\n");
	grid_fini(&g);
}

static void
test_resize_clears(void **state)
{
	struct grid g;

	(void)state;
	grid_init(&g, 2, 1);
	g.ascii = 1;
	grid_text(&g, 0, 0, "ab", -1, 0, 0);
	grid_resize(&g, 3, 2);
	assert_int_equal(g.w, 3);
	assert_int_equal(g.ascii, 1);
	assert_grid(&g, "\n\n");
	grid_resize(&g, 0, 0);
	assert_grid(&g, "");
	grid_fini(&g);
}

static void
test_rect_to_text(void **state)
{
	struct grid g;
	struct tt_buf b;

	(void)state;
	grid_init(&g, 6, 3);
	grid_text(&g, 0, 0, "abcdef", -1, 0, 0);
	grid_text(&g, 0, 1, "ghijkl", -1, 0, 0);
	tt_buf_init(&b);
	grid_rect_to_text(&g, 2, 0, 3, 2, &b);
	assert_string_equal(b.data, "cde\nijk\n");
	tt_buf_fini(&b);
	grid_fini(&g);
}

static void
test_role_names(void **state)
{
	(void)state;
	for (int i = 0; i < GRID_ROLE_COUNT; i++) {
		assert_non_null(grid_role_names[i]);
		assert_int_equal(grid_role_lookup(grid_role_names[i]), i);
	}
	assert_string_equal(grid_role_name(GRID_ROLE_CHART_TRAIN), "chart.train");
	assert_string_equal(grid_role_name(GRID_ROLE_MATRIX_HEAT5), "matrix.heat5");
	assert_string_equal(grid_role_name(GRID_ROLE_COUNT), "?");
	assert_int_equal(grid_role_lookup("chart.nope"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_put_clips),
		cmocka_unit_test(test_text_ascii),
		cmocka_unit_test(test_text_wide),
		cmocka_unit_test(test_overwrite_half_wide),
		cmocka_unit_test(test_text_bad_input),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_fill_and_lines),
		cmocka_unit_test(test_box_unicode_and_ascii),
		cmocka_unit_test(test_resize_clears),
		cmocka_unit_test(test_rect_to_text),
		cmocka_unit_test(test_role_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
