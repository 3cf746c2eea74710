/*
 * test-layout.c - pane rectangles for every preset at 80x24, 120x40,
 * 160x48 and 200x60: inside the screen, not overlapping, covering it,
 * every pane present with its minimum size; zoom, fallback, focus order,
 * frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "tunetop/layout.h"
#include "tunetop/matrix.h"
#include "tunetop/util.h"

static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 160, 48 }, { 200, 60 } };

static int
rects_overlap(struct layout_rect a, struct layout_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static void
assert_rect(struct layout_rect r, int x, int y, int w, int h)
{
	assert_int_equal(r.x, x);
	assert_int_equal(r.y, y);
	assert_int_equal(r.w, w);
	assert_int_equal(r.h, h);
}

/* Every invariant of a computed layout. */
static void
check_layout(const struct layout *l, int w, int h)
{
	long area = 0;

	assert_false(l->too_small);
	assert_rect(l->rect[PANE_STATUS], 0, h - 1, w, 1);
	for (int i = 0; i < l->norder; i++)
		assert_true(layout_visible(l, l->order[i]));
	for (int i = 0; i < PANE_COUNT; i++) {
		struct layout_rect r = l->rect[i];
		if (!layout_visible(l, i))
			continue;
		area += (long)r.w * r.h;
		assert_true(r.x >= 0 && r.y >= 0 && r.x + r.w <= w && r.y + r.h <= h);
		if (i != PANE_STATUS) {
			assert_true(r.w >= LAYOUT_PANE_MIN_W);
			assert_true(r.h >= LAYOUT_PANE_MIN_H);
		}
		for (int j = i + 1; j < PANE_COUNT; j++)
			if (layout_visible(l, j))
				assert_false(rects_overlap(r, l->rect[j]));
	}
	/* Non-overlapping and covering: the areas add up to the screen. */
	assert_int_equal(area, (long)w * h);
}

static void
test_all_presets_and_sizes(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int p = 0; p < LAYOUT_PRESET_COUNT; p++) {
			struct layout l;
			layout_compute(&l, p, sizes[s][0], sizes[s][1], -1);
			check_layout(&l, sizes[s][0], sizes[s][1]);
		}
}

static void
test_every_size_from_min(void **state)
{
	(void)state;
	for (int w = LAYOUT_MIN_W; w <= 220; w += 7)
		for (int h = LAYOUT_MIN_H; h <= 70; h += 3)
			for (int p = 0; p < LAYOUT_PRESET_COUNT; p++) {
				struct layout l;
				layout_compute(&l, p, w, h, -1);
				check_layout(&l, w, h);
			}
}

static void
test_overview_80x24(void **state)
{
	struct layout l;
	struct layout_rect in;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 24, -1);
	assert_rect(l.rect[PANE_CURVES], 0, 0, 80, 12);
	assert_rect(l.rect[PANE_CONFUSION], 0, 12, 40, 11);
	assert_rect(l.rect[PANE_REPL], 40, 12, 40, 11);
	assert_false(layout_visible(&l, PANE_DATA));
	assert_false(layout_visible(&l, PANE_LABEL));
	in = layout_inner(&l, PANE_CURVES);
	assert_rect(in, 1, 1, 78, 10);
	in = layout_inner(&l, PANE_STATUS);
	assert_rect(in, 0, 23, 80, 1);
}

static void
test_overview_fits_a_matrix(void **state)
{
	/* At 80x24 the confusion pane shows 3 classes with P/R/F1 and macro. */
	static const uint64_t c[9] = { 50, 3, 2, 4, 40, 6, 1, 5, 30 };
	static const char *const names[3] = { "positive", "negative", "neutral" };
	static const double f[3] = { 0.9, 0.8, 0.8 };
	struct matrix_data d = { 3, c, names, f, f, f, 0.8, 0.8, 0.8, 0.85, NULL };
	struct matrix_opts o;
	struct matrix_view v;
	struct layout l;
	struct layout_rect in;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 24, -1);
	in = layout_inner(&l, PANE_CONFUSION);
	matrix_opts_init(&o);
	matrix_measure(in.x, in.y, in.w, in.h, &d, &o, &v);
	assert_int_equal(v.ncols, 3);
	assert_int_equal(v.nrows, 3);
	assert_true(v.prf_x >= 0);
	assert_true(v.macro_y >= 0);
}

static void
test_data_and_labeling(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, LAYOUT_DATA, 80, 24, -1);
	assert_rect(l.rect[PANE_DATA], 0, 0, 80, 16);
	assert_rect(l.rect[PANE_REPL], 0, 16, 80, 7);
	layout_compute(&l, LAYOUT_LABELING, 80, 24, -1);
	assert_rect(l.rect[PANE_LABEL], 0, 0, 80, 10);
	assert_rect(l.rect[PANE_DATA], 0, 10, 80, 7);
	assert_rect(l.rect[PANE_REPL], 0, 17, 80, 6);
	/* The repl stops growing on big screens. */
	layout_compute(&l, LAYOUT_DATA, 200, 60, -1);
	assert_int_equal(l.rect[PANE_REPL].h, 15);
	assert_int_equal(l.rect[PANE_DATA].h, 44);
}

static void
test_zoom(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 120, 40, PANE_CONFUSION);
	assert_int_equal(l.zoom, PANE_CONFUSION);
	assert_rect(l.rect[PANE_CONFUSION], 0, 0, 120, 39);
	assert_rect(l.rect[PANE_STATUS], 0, 39, 120, 1);
	for (int i = 0; i < PANE_COUNT; i++)
		if (i != PANE_CONFUSION && i != PANE_STATUS)
			assert_false(layout_visible(&l, i));
	/* The focus order is still the preset's. */
	assert_int_equal(l.norder, 3);
	/* The status bar cannot be zoomed; a bad pane means no zoom. */
	layout_compute(&l, LAYOUT_OVERVIEW, 120, 40, PANE_STATUS);
	assert_int_equal(l.zoom, -1);
	check_layout(&l, 120, 40);
	layout_compute(&l, LAYOUT_DATA, 80, 24, 42);
	check_layout(&l, 80, 24);
}

static void
test_too_small(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 30, 10, -1);
	assert_true(l.too_small);
	assert_rect(l.rect[PANE_REPL], 0, 0, 30, 9);
	assert_rect(l.rect[PANE_STATUS], 0, 9, 30, 1);
	assert_false(layout_visible(&l, PANE_CURVES));
	/* Zoomed, the zoomed pane is the one kept. */
	layout_compute(&l, LAYOUT_OVERVIEW, 30, 10, PANE_CURVES);
	assert_rect(l.rect[PANE_CURVES], 0, 0, 30, 9);
	assert_false(layout_visible(&l, PANE_REPL));
	/* Degenerate sizes do not crash. */
	layout_compute(&l, LAYOUT_OVERVIEW, 0, 0, -1);
	assert_false(layout_visible(&l, PANE_STATUS));
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 1, -1);
	assert_true(layout_visible(&l, PANE_STATUS));
	assert_false(layout_visible(&l, PANE_REPL));
}

static void
test_focus_cycle(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 24, -1);
	assert_int_equal(layout_default_focus(LAYOUT_OVERVIEW), PANE_CURVES);
	assert_int_equal(layout_focus_next(&l, PANE_CURVES, 1), PANE_CONFUSION);
	assert_int_equal(layout_focus_next(&l, PANE_CONFUSION, 1), PANE_REPL);
	assert_int_equal(layout_focus_next(&l, PANE_REPL, 1), PANE_CURVES);
	assert_int_equal(layout_focus_next(&l, PANE_CURVES, -1), PANE_REPL);
	/* A pane outside the preset (or the status bar) restarts the cycle. */
	assert_int_equal(layout_focus_next(&l, PANE_DATA, 1), PANE_CURVES);
	assert_int_equal(layout_focus_next(&l, PANE_STATUS, -1), PANE_CURVES);
	layout_compute(&l, LAYOUT_LABELING, 80, 24, -1);
	assert_int_equal(layout_default_focus(LAYOUT_LABELING), PANE_LABEL);
	assert_int_equal(layout_focus_next(&l, PANE_LABEL, 1), PANE_DATA);
	assert_int_equal(layout_focus_next(&l, PANE_DATA, 1), PANE_REPL);
}

static void
test_pane_at(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 24, -1);
	assert_int_equal(layout_pane_at(&l, 0, 0), PANE_CURVES);
	assert_int_equal(layout_pane_at(&l, 39, 12), PANE_CONFUSION);
	assert_int_equal(layout_pane_at(&l, 40, 12), PANE_REPL);
	assert_int_equal(layout_pane_at(&l, 79, 23), PANE_STATUS);
	assert_int_equal(layout_pane_at(&l, 80, 0), -1);
}

static void
test_frames(void **state)
{
	struct layout l;
	struct grid g;
	struct tt_buf b;

	(void)state;
	layout_compute(&l, LAYOUT_OVERVIEW, 44, 13, -1);
	grid_init(&g, 44, 13);
	layout_draw_frames(&g, &l, PANE_REPL);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_string_equal(b.data,
			    "┌─ curves ─────────────────────────────────┐\n"
			    "│                                          │\n"
			    "│                                          │\n"
			    "│                                          │\n"
			    "│                                          │\n"
			    "└──────────────────────────────────────────┘\n"
			    "┌─ confusion ────────┐┌─ repl ─────────────┐\n"
			    "│                    ││                    │\n"
			    "│                    ││                    │\n"
			    "│                    ││                    │\n"
			    "│                    ││                    │\n"
			    "└────────────────────┘└────────────────────┘\n"
			    "\n");
	/* Focus: border.focus and a bold title; others: border and title. */
	assert_int_equal(grid_at(&g, 21, 6)->role, GRID_ROLE_BORDER);
	assert_int_equal(grid_at(&g, 22, 6)->role, GRID_ROLE_BORDER_FOCUS);
	assert_int_equal(grid_at(&g, 22 + 3, 6)->role, GRID_ROLE_BORDER_FOCUS);
	assert_int_equal(grid_at(&g, 22 + 3, 6)->attr, GRID_ATTR_BOLD);
	assert_int_equal(grid_at(&g, 3, 0)->role, GRID_ROLE_TITLE);
	grid_fini(&g);

	/* ASCII, and a long title cut with the corner kept. */
	grid_init(&g, 12, 3);
	g.ascii = 1;
	tt_buf_clear(&b);
	layout_draw_frame(&g, (struct layout_rect){ 0, 0, 12, 3 }, "confusion matrix", 0);
	grid_to_text(&g, &b);
	assert_string_equal(b.data, "+- confus~ +\n|          |\n+----------+\n");
	tt_buf_fini(&b);
	grid_fini(&g);
}

static void
test_data_split(void **state)
{
	struct layout_rect list, detail;

	(void)state;
	layout_data_split((struct layout_rect){ 1, 1, 78, 14 }, &list, &detail);
	assert_rect(list, 1, 1, 78, 10);
	assert_rect(detail, 1, 11, 78, 4);
	layout_data_split((struct layout_rect){ 1, 1, 198, 42 }, &list, &detail);
	assert_rect(list, 1, 1, 118, 42);
	assert_rect(detail, 120, 1, 79, 42);
	assert_false(rects_overlap(list, detail));
	/* Too short for a detail below: the list only. */
	layout_data_split((struct layout_rect){ 1, 1, 78, 5 }, &list, &detail);
	assert_rect(list, 1, 1, 78, 5);
	assert_int_equal(detail.h, 0);
}

static void
test_names(void **state)
{
	(void)state;
	for (int i = 0; i < PANE_COUNT; i++)
		assert_int_equal(layout_pane_lookup(layout_pane_name(i)), i);
	for (int i = 0; i < LAYOUT_PRESET_COUNT; i++)
		assert_int_equal(layout_preset_lookup(layout_preset_name(i)), i);
	assert_string_equal(layout_preset_name(LAYOUT_LABELING), "labeling");
	assert_int_equal(layout_pane_lookup("nope"), -1);
	assert_string_equal(layout_pane_name(-1), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_presets_and_sizes),
		cmocka_unit_test(test_every_size_from_min),
		cmocka_unit_test(test_overview_80x24),
		cmocka_unit_test(test_overview_fits_a_matrix),
		cmocka_unit_test(test_data_and_labeling),
		cmocka_unit_test(test_zoom),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_focus_cycle),
		cmocka_unit_test(test_pane_at),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_data_split),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
