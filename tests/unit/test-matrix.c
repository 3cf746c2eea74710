/*
 * test-matrix.c - the confusion matrix rendered to text: counts and
 * row-normalized views, heat roles, the diagonal, the cursor, scrolling
 * with the labels kept, and mapping grid positions back to cells.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/layout.h"
#include "tunetop/matrix.h"
#include "tunetop/util.h"

/* Three classes, row = true: 55, 50 and 36 examples. */
static const uint64_t counts3[9] = { 50, 3, 2, 4, 40, 6, 1, 5, 30 };
static const char *const labels3[3] = { "positive", "negative", "neutral" };
static const double prec3[3] = { 0.91, 0.83, 0.79 };
static const double rec3[3] = { 0.91, 0.80, 0.83 };
static const double f13[3] = { 0.91, 0.82, 0.81 };

static struct matrix_data
data3(void)
{
	struct matrix_data d = {
		3, counts3, labels3, prec3, rec3, f13, 0.84, 0.85, 0.846, 0.85, NULL
	};

	return d;
}

/* Six classes: a strong diagonal, small confusions, some zeros. */
static uint64_t counts6[36];
static const char *const labels6[6] = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot" };
static const double prf6[6] = { 0.9, 0.8, 0.7, 0.6, 0.5, 0.4 };

static struct matrix_data
data6(void)
{
	struct matrix_data d = { 6, counts6, labels6, prf6, prf6, prf6, 0.65, 0.65, 0.65, 0.7, NULL };

	for (int i = 0; i < 36; i++)
		counts6[i] = i / 6 == i % 6 ? (uint64_t)(20 + i) : (uint64_t)(i % 4);
	return d;
}

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
test_counts(void **state)
{
	struct matrix_data d = data3();
	struct matrix_opts o;
	struct matrix_view v;
	struct grid g;

	(void)state;
	grid_init(&g, 50, 5);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 50, 5, &d, &o, &v);
	/* Column labels are cut to the cell width, row labels fit whole; n = support. */
	assert_grid(&g,
		    "true\\pred pos neg neu │    P    R   F1   n\n"
		    "positive   50   3   2 │ 0.91 0.91 0.91  55\n"
		    "negative    4  40   6 │ 0.83 0.80 0.82  50\n"
		    "neutral     1   5  30 │ 0.79 0.83 0.81  36\n"
		    "macro     acc 0.85    │ 0.84 0.85 0.85 141\n");
	assert_int_equal(v.nrows, 3);
	assert_int_equal(v.ncols, 3);
	assert_int_equal(v.macro_y, 4);
	grid_fini(&g);
}

static void
test_normalized(void **state)
{
	struct matrix_data d = data3();
	struct matrix_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 50, 5);
	matrix_opts_init(&o);
	o.normalized = 1;
	matrix_draw(&g, 0, 0, 50, 5, &d, &o, NULL);
	/* 50/55 = 91%, 3/55 = 5%, 2/55 = 4%; 4/50 = 8% ... 30/36 = 83%. */
	assert_grid(&g,
		    "true\\pred pos neg neu │    P    R   F1   n\n"
		    "positive   91   5   4 │ 0.91 0.91 0.91  55\n"
		    "negative    8  80  12 │ 0.83 0.80 0.82  50\n"
		    "neutral     3  14  83 │ 0.79 0.83 0.81  36\n"
		    "macro     acc 0.85    │ 0.84 0.85 0.85 141\n");
	grid_fini(&g);
}

static void
test_roles(void **state)
{
	static const uint64_t c[4] = { 5, 0, 1, 9 };
	static const char *const l[2] = { "a", "b" };
	struct matrix_data d = { 2, c, l, NULL, NULL, NULL, NAN, NAN, NAN, NAN, NULL };
	struct matrix_opts o;
	struct matrix_view v;
	struct grid g;
	const struct grid_cell *cell;

	(void)state;
	grid_init(&g, 20, 3);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 20, 3, &d, &o, &v);
	/* No P/R/F1 arrays and no macro figures: the cells only. */
	assert_grid(&g, "t\\p      a   b\na        5   ·\nb        1   9\n");
	assert_int_equal(v.prf_x, -1);
	assert_int_equal(v.macro_y, -1);
	/* The diagonal: matrix.diag in bold. */
	cell = grid_at(&g, v.cells_x + v.cell_w - 1, v.cells_y);
	assert_int_equal(cell->cp, '5');
	assert_int_equal(cell->role, GRID_ROLE_MATRIX_DIAG);
	assert_int_equal(cell->attr, GRID_ATTR_BOLD);
	/* An empty cell is heat0 (the whole value area, not only the dot). */
	cell = grid_at(&g, v.cells_x + 2 * v.cell_w - 1, v.cells_y);
	assert_int_equal(cell->role, GRID_ROLE_MATRIX_HEAT0);
	cell = grid_at(&g, v.cells_x + v.cell_w + 1, v.cells_y);
	assert_int_equal(cell->role, GRID_ROLE_MATRIX_HEAT0);
	/* 1 of 10: heat1. The separating column stays default. */
	cell = grid_at(&g, v.cells_x + v.cell_w - 1, v.cells_y + 1);
	assert_int_equal(cell->role, GRID_ROLE_MATRIX_HEAT1);
	assert_int_equal(grid_at(&g, v.cells_x, v.cells_y + 1)->role, GRID_ROLE_DEFAULT);
	assert_int_equal(grid_at(&g, 0, 1)->role, GRID_ROLE_LABEL_NAME);
	grid_fini(&g);
}

static void
test_heat_levels(void **state)
{
	(void)state;
	assert_int_equal(matrix_heat_level(0, 10), 0);
	assert_int_equal(matrix_heat_level(5, 0), 0);
	assert_int_equal(matrix_heat_level(1, 100), 1);
	assert_int_equal(matrix_heat_level(19, 100), 1);
	assert_int_equal(matrix_heat_level(20, 100), 2);
	assert_int_equal(matrix_heat_level(59, 100), 3);
	assert_int_equal(matrix_heat_level(79, 100), 4);
	assert_int_equal(matrix_heat_level(80, 100), 5);
	assert_int_equal(matrix_heat_level(100, 100), 5);
}

static void
test_cursor(void **state)
{
	struct matrix_data d = data3();
	struct matrix_opts o;
	struct matrix_view v;
	struct grid g;
	uint32_t r, c;

	(void)state;
	grid_init(&g, 50, 5);
	matrix_opts_init(&o);
	o.cursor = 1;
	o.cr = 1;
	o.cc = 2;
	matrix_draw(&g, 0, 0, 50, 5, &d, &o, &v);
	for (int x = 0; x < 50; x++)
		for (int y = 0; y < 5; y++) {
			const struct grid_cell *cell = grid_at(&g, x, y);
			int on = matrix_cell_at(&v, x, y, &r, &c) == 0 && r == 1 && c == 2;
			/* Exactly the cursor cell's value area is reversed. */
			if (on && x % v.cell_w != v.cells_x % v.cell_w)
				assert_true(cell->attr & GRID_ATTR_REVERSE);
			else if (!on)
				assert_false(cell->attr & GRID_ATTR_REVERSE);
		}
	/* "6" at the end of the negative row's third cell. */
	assert_int_equal(grid_at(&g, v.cells_x + 3 * v.cell_w - 1, 2)->cp, '6');
	assert_true(grid_at(&g, v.cells_x + 3 * v.cell_w - 1, 2)->attr & GRID_ATTR_REVERSE);
	/* The row label and the column header of the cursor stand out. */
	assert_true(grid_at(&g, 0, 2)->attr & GRID_ATTR_BOLD);
	assert_false(grid_at(&g, 0, 1)->attr & GRID_ATTR_BOLD);
	assert_true(grid_at(&g, v.cells_x + 2 * v.cell_w + 1, 0)->attr & GRID_ATTR_BOLD);
	grid_fini(&g);
}

static void
test_cell_at(void **state)
{
	struct matrix_data d = data3();
	struct matrix_opts o;
	struct matrix_view v;
	struct grid g;
	uint32_t r = 99, c = 99;

	(void)state;
	grid_init(&g, 50, 5);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 50, 5, &d, &o, &v);
	for (uint32_t i = 0; i < 3; i++)
		for (uint32_t j = 0; j < 3; j++) {
			int x = v.cells_x + (int)j * v.cell_w + 2;
			assert_int_equal(matrix_cell_at(&v, x, v.cells_y + (int)i, &r, &c), 0);
			assert_int_equal(r, i);
			assert_int_equal(c, j);
		}
	assert_int_equal(matrix_cell_at(&v, 0, 1, &r, &c), -1);		/* a row label */
	assert_int_equal(matrix_cell_at(&v, v.cells_x + 1, 0, &r, &c), -1);	/* header */
	assert_int_equal(matrix_cell_at(&v, v.cells_x + 1, 4, &r, &c), -1);	/* macro */
	assert_int_equal(matrix_cell_at(&v, v.prf_x + 1, 1, &r, &c), -1);	/* P/R/F1 */
	grid_fini(&g);
}

static void
test_scroll_keeps_labels(void **state)
{
	struct matrix_data d = data6();
	struct matrix_opts o;
	struct matrix_view v;
	struct grid g;
	uint32_t r, c;

	(void)state;
	grid_init(&g, 30, 6);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 30, 6, &d, &o, &v);
	/* Hidden columns and rows are counted, never dropped silently. */
	assert_grid(&g,
		    "t\\p      alp bra cha del +2›\n"
		    "alpha     20   1   2   3\n"
		    "bravo      2  27   ·   1\n"
		    "charlie    ·   1  34   3\n"
		    "delta      2   3   ·  41\n"
		    "macro    acc 0.70  F1 0.65 +2↓\n");
	assert_int_equal(v.max_rows, 4);
	assert_int_equal(v.max_cols, 4);
	/* Move the cursor to (foxtrot, echo): the view scrolls just enough. */
	o.cursor = 1;
	o.cr = 5;
	o.cc = 4;
	matrix_scroll_to_cursor(&o, &d, &v);
	assert_int_equal(o.row0, 2);
	assert_int_equal(o.col0, 1);
	matrix_draw(&g, 0, 0, 30, 6, &d, &o, &v);
	assert_grid(&g,
		    "‹+1      bra cha del ech +1›\n"
		    "charlie    1  34   3   ·\n"
		    "delta      3   ·  41   2\n"
		    "echo       1   2   3  48\n"
		    "foxtrot    3   ·   1   2\n"
		    "macro    acc 0.70  F1 0.65 +2↑\n");
	assert_int_equal(matrix_cell_at(&v, v.cells_x + 1, v.cells_y, &r, &c), 0);
	assert_int_equal(r, 2);
	assert_int_equal(c, 1);
	/* Back to the corner; an out-of-range cursor is clamped. */
	o.cr = 0;
	o.cc = 99;
	matrix_scroll_to_cursor(&o, &d, &v);
	assert_int_equal(o.row0, 0);
	assert_int_equal(o.cc, 5);
	assert_int_equal(o.col0, 2);
	/* A scroll offset past the end is clamped when drawing. */
	o.row0 = 50;
	matrix_draw(&g, 0, 0, 30, 6, &d, &o, &v);
	assert_int_equal(v.row0, 2);
	assert_int_equal(v.nrows, 4);
	grid_fini(&g);
}

static void
test_ascii_and_narrow(void **state)
{
	struct matrix_data d = data3();
	struct matrix_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 24, 4);
	g.ascii = 1;
	matrix_opts_init(&o);
	o.normalized = 1;
	o.row0 = 1;
	/* No room for P/R/F1: the macro F1 goes on the macro line. */
	matrix_draw(&g, 0, 0, 24, 4, &d, &o, NULL);
	assert_grid(&g,
		    "t\\p      pos neg neu\n"
		    "negati~    8  80  12\n"
		    "neutral    3  14  83\n"
		    "macro    acc 0.85    +1^\n");
	grid_fini(&g);
}

static void
test_empty_and_unlabeled(void **state)
{
	static const uint64_t c[4] = { 1, 2, 3, 4 };
	struct matrix_data d = { 0, NULL, NULL, NULL, NULL, NULL, NAN, NAN, NAN, NAN, NULL };
	struct matrix_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 20, 3);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 20, 3, &d, &o, NULL);
	assert_grid(&g, "no evaluation yet\n\n\n");
	/* Without names, classes are numbered. */
	d.n = 2;
	d.counts = c;
	matrix_draw(&g, 0, 0, 20, 3, &d, &o, NULL);
	assert_grid(&g, "t\\p      0   1\n0        1   2\n1        3   4\n");
	grid_fini(&g);
}


/* Eight classes in the overview's confusion pane at 80x24: what is hidden is counted. */
static void
test_eight_at_80x24(void **state)
{
	static const char *const names[8] = {
		"bug_report", "account_access", "cancellation", "feature_request",
		"billing", "shipping", "how_to", "security"
	};
	uint64_t c[64];
	double f[8];
	struct matrix_data d = { 8, c, names, f, f, f, 0.8, 0.8, 0.8, 0.85, NULL };
	struct matrix_opts o;
	struct matrix_view v;
	struct layout l;
	struct layout_rect in;
	struct grid g;
	struct tt_buf b;
	char want[64];

	(void)state;
	for (int i = 0; i < 64; i++)
		c[i] = i / 8 == i % 8 ? 10 : (uint64_t)(i % 3);
	for (int i = 0; i < 8; i++)
		f[i] = 0.8;
	layout_compute(&l, LAYOUT_OVERVIEW, 80, 24, -1);
	in = layout_inner(&l, PANE_CONFUSION);
	grid_init(&g, 80, 24);
	matrix_opts_init(&o);
	matrix_draw(&g, in.x, in.y, in.w, in.h, &d, &o, &v);
	assert_true(v.ncols < 8);
	assert_true(v.nrows < 8);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	/* The header counts the hidden columns, the macro row the hidden rows. */
	snprintf(want, sizeof want, "+%u more›", 8 - v.ncols);
	if (strstr(b.data, want) == NULL) {
		snprintf(want, sizeof want, "+%u›", 8 - v.ncols);
		assert_non_null(strstr(b.data, want));
	}
	snprintf(want, sizeof want, "+%u↓", 8 - v.nrows);
	assert_non_null(strstr(b.data, want));
	tt_buf_fini(&b);
	grid_fini(&g);
}

/* Rows and columns in another order: the same permutation, the diagonal kept. */
static void
test_order(void **state)
{
	struct matrix_data d = data3();
	uint32_t order[3];
	struct matrix_opts o;
	struct grid g;

	(void)state;
	/* errors: positive 5, negative 10, neutral 6 */
	matrix_order(&d, MATRIX_SORT_ERRORS, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 0);
	matrix_order(&d, MATRIX_SORT_F1, order);	/* lowest F1 first */
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 0);
	matrix_order(&d, MATRIX_SORT_SUPPORT, order);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[2], 2);
	matrix_order(&d, MATRIX_SORT_ERRORS, order);
	d.order = order;
	assert_int_equal(matrix_class(&d, 0), 1);
	assert_int_equal(matrix_position(&d, 0), 2);
	grid_init(&g, 50, 5);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 50, 5, &d, &o, NULL);
	assert_grid(&g,
		    "true\\pred neg neu pos │    P    R   F1   n\n"
		    "negative   40   6   4 │ 0.83 0.80 0.82  50\n"
		    "neutral     5  30   1 │ 0.79 0.83 0.81  36\n"
		    "positive    3   2  50 │ 0.91 0.91 0.91  55\n"
		    "macro     acc 0.85    │ 0.84 0.85 0.85 141\n");
	assert_int_equal(matrix_sort_lookup("f1"), MATRIX_SORT_F1);
	assert_int_equal(matrix_sort_lookup("nope"), -1);
	grid_fini(&g);
}

/* 39 classes: the top confusions, most first, with how many there are. */
static void
test_top_confusions(void **state)
{
	enum { N = 39 };
	static uint64_t c[N * N];
	static char names[N][24];
	const char *np[N];
	struct matrix_data d = { N, c, np, NULL, NULL, NULL, NAN, NAN, NAN, 0.5, NULL };
	struct matrix_pair *pairs;
	size_t n, first = 0;
	struct grid g;
	struct tt_buf b;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "lang_%02d", i);
		np[i] = names[i];
		c[i * N + i] = 20;
	}
	c[3 * N + 30] = 9;	/* lang_03 taken for lang_30, nine times */
	c[30 * N + 3] = 4;
	c[12 * N + 13] = 4;
	c[38 * N + 0] = 1;
	n = matrix_pairs(&d, &pairs);
	assert_int_equal(n, 4);
	assert_int_equal(pairs[0].t, 3);
	assert_int_equal(pairs[0].p, 30);
	assert_int_equal(pairs[0].count, 9);
	assert_int_equal(pairs[1].t, 12);	/* ties: true class order */
	assert_int_equal(pairs[2].t, 30);
	grid_init(&g, 44, 5);
	matrix_pairs_draw(&g, 0, 0, 44, 5, &d, pairs, n, 3, 1, &first);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_string_equal(b.data,
			    "errors  true → predicted             of true\n"
			    "     4  lang_12 → lang_13                17%\n"
			    "     4  lang_30 → lang_03                17%\n"
			    "     1  lang_38 → lang_00                 5%\n"
			    "2-4 of 4 pairs · 18 errors in 798\n");
	/* The selected pair is highlighted, the view scrolled to it. */
	assert_int_equal(first, 1);
	assert_true(grid_at(&g, 3, 3)->attr & GRID_ATTR_REVERSE);
	assert_false(grid_at(&g, 3, 2)->attr & GRID_ATTR_REVERSE);
	/* Wider: the first pair on top, and the accuracy. */
	grid_fini(&g);
	grid_init(&g, 60, 5);
	first = 0;
	matrix_pairs_draw(&g, 0, 0, 60, 5, &d, pairs, n, 0, 1, &first);
	tt_buf_fini(&b);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_non_null(strstr(b.data, "     9  lang_03 → lang_30"));
	assert_non_null(strstr(b.data, "1-3 of 4 pairs · 18 errors in 798 · acc 0.50\n"));
	tt_buf_fini(&b);
	free(pairs);
	grid_fini(&g);
}

/* The per-label table (multi-label data has no matrix). */
static void
test_table(void **state)
{
	static const char *const l[3] = { "sports", "politics", "tech" };
	static const double p[3] = { 1.0, 0.5, 0.75 }, r[3] = { 0.9, 1.0, 0.6 };
	static const double f[3] = { 0.947, 0.667, 0.667 };
	static const uint64_t n[3] = { 10, 4, 25 };
	struct matrix_data d = { 3, NULL, l, p, r, f, 0.75, 0.83, 0.76, 0.5, NULL };
	uint32_t order[3], row0 = 0;
	struct grid g;
	struct tt_buf b;

	(void)state;
	grid_init(&g, 36, 4);
	matrix_table_draw(&g, 0, 0, 36, 4, &d, n, 0, 0, &row0);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_string_equal(b.data,
			    "label         P     R    F1   n\n"
			    "sports     1.00  0.90  0.95  10\n"
			    "politics   0.50  1.00  0.67   4\n"
			    "macro      0.75  0.83  0.76  39 +1↓\n");
	tt_buf_fini(&b);
	/* In F1 order, scrolled to the last row. */
	matrix_order(&d, MATRIX_SORT_F1, order);
	d.order = order;
	matrix_table_draw(&g, 0, 0, 36, 4, &d, n, 2, 1, &row0);
	assert_int_equal(row0, 1);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_non_null(strstr(b.data, "tech       0.75  0.60  0.67  25\n"));
	assert_non_null(strstr(b.data, "sports"));
	assert_non_null(strstr(b.data, "+1↑"));
	tt_buf_fini(&b);
	grid_fini(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_normalized),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_heat_levels),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_cell_at),
		cmocka_unit_test(test_scroll_keeps_labels),
		cmocka_unit_test(test_ascii_and_narrow),
		cmocka_unit_test(test_empty_and_unlabeled),
		cmocka_unit_test(test_eight_at_80x24),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_top_confusions),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
