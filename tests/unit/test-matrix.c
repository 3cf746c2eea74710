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
#include <string.h>

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
		3, counts3, labels3, prec3, rec3, f13, 0.84, 0.85, 0.846, 0.85
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
	struct matrix_data d = { 6, counts6, labels6, prf6, prf6, prf6, 0.65, 0.65, 0.65, 0.7 };

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
	/* Column labels are cut to the cell width, row labels fit whole. */
	assert_grid(&g,
		    "true\\pred positi negati neutra │    P    R   F1\n"
		    "positive      50      3      2 │ 0.91 0.91 0.91\n"
		    "negative       4     40      6 │ 0.83 0.80 0.82\n"
		    "neutral        1      5     30 │ 0.79 0.83 0.81\n"
		    "macro     acc 0.85             │ 0.84 0.85 0.85\n");
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
		    "true\\pred positi negati neutra │    P    R   F1\n"
		    "positive      91      5      4 │ 0.91 0.91 0.91\n"
		    "negative       8     80     12 │ 0.83 0.80 0.82\n"
		    "neutral        3     14     83 │ 0.79 0.83 0.81\n"
		    "macro     acc 0.85             │ 0.84 0.85 0.85\n");
	grid_fini(&g);
}

static void
test_roles(void **state)
{
	static const uint64_t c[4] = { 5, 0, 1, 9 };
	static const char *const l[2] = { "a", "b" };
	struct matrix_data d = { 2, c, l, NULL, NULL, NULL, NAN, NAN, NAN, NAN };
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
	grid_init(&g, 40, 6);
	matrix_opts_init(&o);
	matrix_draw(&g, 0, 0, 40, 6, &d, &o, &v);
	assert_grid(&g,
		    "t\\p      alp bra cha │    P    R   F1\n"
		    "alpha     20   1   2 │ 0.90 0.90 0.90\n"
		    "bravo      2  27   · │ 0.80 0.80 0.80\n"
		    "charlie    ·   1  34 │ 0.70 0.70 0.70\n"
		    "delta      2   3   · │ 0.60 0.60 0.60\n"
		    "macro    acc 0.70    │ 0.65 0.65 0.65\n");
	assert_int_equal(v.max_rows, 4);
	assert_int_equal(v.max_cols, 3);
	/* Move the cursor to (foxtrot, echo): the view scrolls just enough. */
	o.cursor = 1;
	o.cr = 5;
	o.cc = 4;
	matrix_scroll_to_cursor(&o, &d, &v);
	assert_int_equal(o.row0, 2);
	assert_int_equal(o.col0, 2);
	matrix_draw(&g, 0, 0, 40, 6, &d, &o, &v);
	assert_grid(&g,
		    "t\\p      cha del ech │    P    R   F1\n"
		    "charlie   34   3   · │ 0.70 0.70 0.70\n"
		    "delta      ·  41   2 │ 0.60 0.60 0.60\n"
		    "echo       2   3  48 │ 0.50 0.50 0.50\n"
		    "foxtrot    ·   1   2 │ 0.40 0.40 0.40\n"
		    "macro    acc 0.70    │ 0.65 0.65 0.65\n");
	assert_int_equal(matrix_cell_at(&v, v.cells_x + 1, v.cells_y, &r, &c), 0);
	assert_int_equal(r, 2);
	assert_int_equal(c, 2);
	/* Back to the corner; an out-of-range cursor is clamped. */
	o.cr = 0;
	o.cc = 99;
	matrix_scroll_to_cursor(&o, &d, &v);
	assert_int_equal(o.row0, 0);
	assert_int_equal(o.cc, 5);
	assert_int_equal(o.col0, 3);
	/* A scroll offset past the end is clamped when drawing. */
	o.row0 = 50;
	matrix_draw(&g, 0, 0, 40, 6, &d, &o, &v);
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
		    "macro    acc 0.85  F1 0.\n");
	grid_fini(&g);
}

static void
test_empty_and_unlabeled(void **state)
{
	static const uint64_t c[4] = { 1, 2, 3, 4 };
	struct matrix_data d = { 0, NULL, NULL, NULL, NULL, NULL, NAN, NAN, NAN, NAN };
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
