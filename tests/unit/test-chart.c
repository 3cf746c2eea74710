/*
 * test-chart.c - line charts rendered to text: braille and ASCII plots,
 * ticks (linear and log), labels, EMA smoothing, markers, gaps, empty data.
 *
 * The expected pictures were checked by hand: e.g. in the 20x6 loss chart
 * the first point (x 0, y 2.3) is dot (0, 0) and the second (x 10, y 1.9)
 * is dot (4, 3) of a 36x16 dot plot, so the first cell holds dots (0,0)
 * and (1,1): bits 0x01 | 0x10 = U+2811 "⠑".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tunetop/chart.h"
#include "tunetop/util.h"

/* The descending loss curve most tests draw: x 0, 10, ... 90. */
static const double loss_x[10] = { 0, 10, 20, 30, 40, 50, 60, 70, 80, 90 };
static const double loss_y[10] = { 2.3, 1.9, 1.5, 1.2, 1.0, 0.8, 0.7, 0.6, 0.55, 0.5 };

static struct chart_series
loss_series(void)
{
	struct chart_series s = { loss_x, loss_y, 10, GRID_ROLE_CHART_TRAIN, "train", 0, 0 };

	return s;
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
assert_close(double got, double want)
{
	if (fabs(got - want) > 1e-12) {
		print_error("got %.17g, want %.17g\n", got, want);
		fail();
	}
}

static void
test_braille_descending(void **state)
{
	struct chart_series s = loss_series();
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 20, 6);
	chart_opts_init(&o);
	assert_int_equal(chart_draw(&g, 0, 0, 20, 6, &s, 1, NULL, 0, &o), 0);
	assert_grid(&g,
		    "━ train\n"
		    "2┤⠑⠤⡀\n"
		    " │  ⠈⠢⡀\n"
		    "1┤    ⠈⠑⠢⢄⣀\n"
		    " │         ⠉⠑⠒⠢⠤⢄⣀⣀⣀\n"
		    "  0       50\n");
	/* The first plot cell: dots (0,0) and (1,1); the series' role. */
	assert_int_equal(grid_at(&g, 2, 1)->cp, 0x2811);
	assert_int_equal(grid_at(&g, 2, 1)->role, GRID_ROLE_CHART_TRAIN);
	assert_int_equal(grid_at(&g, 1, 1)->role, GRID_ROLE_CHART_AXIS);
	assert_int_equal(grid_at(&g, 0, 0)->role, GRID_ROLE_CHART_TRAIN);	/* legend */
	grid_fini(&g);
}

static void
test_ascii_mode(void **state)
{
	struct chart_series s = loss_series();
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 20, 6);
	chart_opts_init(&o);
	o.braille = 0;
	chart_draw(&g, 0, 0, 20, 6, &s, 1, NULL, 0, &o);
	assert_grid(&g,
		    "* train\n"
		    "2┤*\n"
		    " │ ****\n"
		    "1┤     *****\n"
		    " │          ********\n"
		    "  0       50\n");
	/* An ASCII grid forces ASCII plots and axes even when braille is asked. */
	g.ascii = 1;
	o.braille = 1;
	chart_draw(&g, 0, 0, 20, 6, &s, 1, NULL, 0, &o);
	assert_grid(&g,
		    "* train\n"
		    "2+*\n"
		    " | ****\n"
		    "1+     *****\n"
		    " |          ********\n"
		    "  0       50\n");
	grid_fini(&g);
}

static void
test_title_legend_and_faint(void **state)
{
	struct chart_series two[2] = {
		{ loss_x, loss_y, 10, GRID_ROLE_CHART_PREV, "prev", 1, 0 },
		{ loss_x, loss_y, 10, GRID_ROLE_CHART_TRAIN, "train", 0, 0 },
	};
	struct chart_opts o;
	struct grid g;
	int seen = 0;

	(void)state;
	grid_init(&g, 30, 6);
	chart_opts_init(&o);
	o.title = "loss";
	chart_draw(&g, 0, 0, 30, 6, two, 2, NULL, 0, &o);
	/* The same curve twice: the later series owns every cell it shares. */
	for (int y = 1; y < 5; y++)
		for (int x = 3; x < 30; x++) {
			const struct grid_cell *c = grid_at(&g, x, y);
			if (c->cp < 0x2800 || c->cp > 0x28FF)
				continue;
			assert_int_equal(c->role, GRID_ROLE_CHART_TRAIN);
			assert_int_equal(c->attr, 0);
			seen++;
		}
	assert_true(seen > 10);
	g.ascii = 1;
	o.title = NULL;
	chart_draw(&g, 0, 0, 30, 6, two, 2, NULL, 0, &o);
	assert_grid(&g,
		    ". prev  o train\n"
		    "2+oo\n"
		    " |  oooooo\n"
		    "1+        ooooooooo\n"
		    " |                 ooooooooooo\n"
		    "  0    20    40    60    80\n");
	assert_int_equal(grid_at(&g, 0, 0)->attr, GRID_ATTR_DIM);
	grid_fini(&g);
}

static void
test_title_row(void **state)
{
	struct chart_series s = loss_series();
	struct chart_opts o;
	struct grid g;
	struct tt_buf b;

	(void)state;
	grid_init(&g, 30, 6);
	chart_opts_init(&o);
	o.title = "loss";
	chart_draw(&g, 0, 0, 30, 6, &s, 1, NULL, 0, &o);
	tt_buf_init(&b);
	grid_rect_to_text(&g, 0, 0, 30, 1, &b);
	assert_string_equal(b.data, "loss  ━ train\n");
	assert_int_equal(grid_at(&g, 0, 0)->role, GRID_ROLE_TITLE);
	assert_int_equal(grid_at(&g, 0, 0)->attr, GRID_ATTR_BOLD);
	tt_buf_fini(&b);
	grid_fini(&g);
}

static void
test_ticks_linear(void **state)
{
	double t[32];
	double lo, hi;

	(void)state;
	lo = 0.4, hi = 2.3;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 2, t), 2);
	assert_close(t[0], 1);
	assert_close(t[1], 2);
	assert_close(lo, 0.4);	/* linear ranges are not widened */
	lo = 0.4, hi = 2.3;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 4, t), 4);
	assert_close(t[0], 0.5);
	assert_close(t[3], 2);
	lo = 0, hi = 100;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 6, t), 6);
	assert_close(t[5], 100);
	lo = 0, hi = 1;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 5, t), 3);
	assert_close(t[1], 0.5);
	lo = -3, hi = 3;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 4, t), 3);
	assert_close(t[0], -2);
	assert_close(t[1], 0);
	assert_false(signbit(t[1]));
	lo = 1e-4, hi = 5e-4;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 5, t), 5);
	assert_close(t[0], 1e-4);
	lo = 1, hi = 1;
	assert_int_equal(chart_ticks(&lo, &hi, 0, 5, t), 0);
}

static void
test_ticks_log(void **state)
{
	double t[32];
	double lo, hi;

	(void)state;
	/* Powers of ten; five decades with at most four ticks: every other one. */
	lo = 0.01, hi = 1000;
	assert_int_equal(chart_ticks(&lo, &hi, 1, 4, t), 3);
	assert_close(t[0], 0.01);
	assert_close(t[1], 1);
	assert_close(t[2], 100);
	lo = 0.01, hi = 1000;
	assert_int_equal(chart_ticks(&lo, &hi, 1, 8, t), 6);
	/* Fewer than two powers of ten: 1, 2, 5 steps. */
	lo = 0.3, hi = 2.5;
	assert_int_equal(chart_ticks(&lo, &hi, 1, 5, t), 3);
	assert_close(t[0], 0.5);
	assert_close(t[1], 1);
	assert_close(t[2], 2);
	/* Not even that: the range widens to whole decades. */
	lo = 0.3, hi = 0.45;
	assert_int_equal(chart_ticks(&lo, &hi, 1, 5, t), 2);
	assert_close(lo, 0.1);
	assert_close(hi, 1);
	lo = -1, hi = 10;
	assert_int_equal(chart_ticks(&lo, &hi, 1, 5, t), 0);
}

static void
test_fmt(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "0" }, { 0.5, "0.5" }, { 1, "1" }, { 2.25, "2.25" }, { 10.25, "10.25" },
		{ 120, "120" }, { 999, "999" }, { 1000, "1k" }, { 1200, "1.2k" },
		{ 1250, "1.25k" }, { 15000, "15k" }, { 999999, "1M" }, { 1234567, "1.23M" },
		{ 3e9, "3G" }, { 0.001, "0.001" }, { 3e-4, "3e-4" }, { 2.5e-5, "2.5e-5" },
		{ 9.96e-4, "1e-3" }, { -0.5, "-0.5" }, { -2000, "-2k" }, { NAN, "nan" },
		{ 0.1 + 0.2, "0.3" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		chart_fmt(cases[i].v, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_log_scale(void **state)
{
	/* 0 and -1 cannot be drawn on a log scale: they leave a gap. */
	static const double y[6] = { 1000, 100, 0, -1, 1, 0.01 };
	struct chart_series s = { NULL, y, 6, GRID_ROLE_CHART_TRAIN, NULL, 0, 0 };
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 24, 10);
	chart_opts_init(&o);
	o.logy = 1;
	o.title = "log";
	chart_draw(&g, 0, 0, 24, 10, &s, 1, NULL, 0, &o);
	assert_grid(&g,
		    "log\n"
		    "    │⠑⢄⡀\n"
		    " 100┤  ⠈⠢\n"
		    "    │\n"
		    "    │\n"
		    "   1┤               ⡀\n"
		    "    │               ⠘⡄\n"
		    "    │                ⠈⢆\n"
		    "0.01┤                 ⠈⢆\n"
		    "     0  1   2   3   4  5\n");
	grid_fini(&g);
}

static void
test_ema(void **state)
{
	static const double y[3] = { 1, 2, 3 };
	static const double gap[3] = { 1, NAN, 3 };
	double out[3];

	(void)state;
	/* weight 0.5: last = 0.5, 1.25, 2.125; debiased by 0.5, 0.75, 0.875. */
	chart_ema(y, 3, 0.5, out);
	assert_close(out[0], 1.0);
	assert_close(out[1], 1.25 / 0.75);
	assert_close(out[2], 2.125 / 0.875);
	/* A NaN passes through and does not count. */
	chart_ema(gap, 3, 0.5, out);
	assert_close(out[0], 1.0);
	assert_true(isnan(out[1]));
	assert_close(out[2], 1.75 / 0.75);
	/* Weight 0 is the identity; in place works. */
	memcpy(out, y, sizeof out);
	chart_ema(out, 3, 0.0, out);
	assert_close(out[2], 3.0);
}

static void
test_ema_in_chart(void **state)
{
	/*
	 * A constant after smoothing stays constant (up to rounding): a flat
	 * line in the middle of a range padded by 10% either side.
	 */
	static const double y[4] = { 2, 2, 2, 2 };
	static const double zig[4] = { 0, 4, 0, 4 };
	struct chart_series s = { NULL, y, 4, GRID_ROLE_CHART_TRAIN, NULL, 0, 0 };
	struct chart_opts o;
	struct grid g;
	struct tt_buf b;

	(void)state;
	grid_init(&g, 12, 5);
	chart_opts_init(&o);
	o.braille = 0;
	o.ema = 0.9;
	chart_draw(&g, 0, 0, 12, 5, &s, 1, NULL, 0, &o);
	tt_buf_init(&b);
	grid_rect_to_text(&g, 0, 1, 12, 3, &b);
	assert_string_equal(b.data, "2.2┤\n  2┤********\n1.8┤\n");
	/* Smoothing shrinks the zigzag's range: the top tick goes from 4 to 2. */
	s.y = zig;
	o.ema = 0.0;
	chart_draw(&g, 0, 0, 12, 5, &s, 1, NULL, 0, &o);
	assert_int_equal(grid_at(&g, 0, 1)->cp, '4');
	o.ema = 0.6;
	chart_draw(&g, 0, 0, 12, 5, &s, 1, NULL, 0, &o);
	assert_int_equal(grid_at(&g, 0, 1)->cp, '2');
	tt_buf_fini(&b);
	grid_fini(&g);
}

static void
test_markers(void **state)
{
	struct chart_series s = loss_series();
	struct chart_marker m[3] = {
		{ 40, 'h', "lr 0.5" },
		{ 60, 'c', NULL },
		{ 500, 'b', NULL },	/* outside the x range: not drawn */
	};
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 30, 8);
	chart_opts_init(&o);
	chart_draw(&g, 0, 0, 30, 8, &s, 1, m, 3, &o);
	/* The second label would overlap the first on the top row: one down. */
	assert_grid(&g,
		    "━ train\n"
		    " │⠑⢄⡀         ┊lr 0.5\n"
		    "2┤  ⠈⠢⡀       ┊     ┊ckpt\n"
		    " │    ⠈⠑⢄⡀    ┊     ┊\n"
		    " │       ⠈⠒⢄⡀ ┊     ┊\n"
		    "1┤          ⠈⠑⠒⠤⠤⣀⣀ ┊\n"
		    " │            ┊    ⠉⠉⠑⠒⠤⠤⠤⠤⠤⣀⣀\n"
		    "  0    20    40    60    80\n");
	assert_int_equal(grid_at(&g, 14, 3)->role, GRID_ROLE_CHART_MARKER);
	assert_int_equal(grid_at(&g, 15, 1)->role, GRID_ROLE_CHART_MARKER);
	/* The curve crossing the marker column keeps its cell. */
	assert_int_equal(grid_at(&g, 14, 5)->role, GRID_ROLE_CHART_TRAIN);
	grid_fini(&g);
}

static void
test_nan_gaps(void **state)
{
	static const double y[8] = { 3, 2.5, NAN, NAN, 2, 1.5, NAN, 1 };
	struct chart_series s = { NULL, y, 8, GRID_ROLE_CHART_VALID, "valid", 0, 0 };
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 17, 7);
	chart_opts_init(&o);
	o.braille = 0;
	chart_draw(&g, 0, 0, 17, 7, &s, 1, NULL, 0, &o);
	/* x 2 and 3 (columns 6..9) stay empty; x 7 alone is a single dot. */
	assert_grid(&g,
		    "* valid\n"
		    "3┤*\n"
		    " │ **\n"
		    "2┤        *\n"
		    " │         **\n"
		    "1┤              *\n"
		    "  0   2   4   6\n");
	grid_fini(&g);
}

static void
test_last_n(void **state)
{
	double x[101], y[101];
	struct chart_series s = { x, y, 101, GRID_ROLE_CHART_TRAIN, "t", 0, 0 };
	struct chart_opts o;
	struct grid g;

	(void)state;
	for (int i = 0; i <= 100; i++) {
		x[i] = i;
		y[i] = 100 - i;
	}
	grid_init(&g, 30, 6);
	chart_opts_init(&o);
	o.last_n = 20;
	chart_draw(&g, 0, 0, 30, 6, &s, 1, NULL, 0, &o);
	/* Steps 80..100 only, and the y range follows what is shown. */
	assert_grid(&g,
		    "━ t\n"
		    "20┤⠉⠒⠒⠢⠤⣀\n"
		    "  │      ⠉⠉⠉⠒⠤⢄⣀⣀\n"
		    "  │              ⠉⠑⠢⠤⠤⢄⡀\n"
		    " 0┤                    ⠈⠉⠒⠒⠢⠤⣀\n"
		    "  80    85     90     95   100\n");
	/* An explicit range: nothing of the data inside it. */
	o.last_n = 0;
	o.xmin = 200;
	o.xmax = 300;
	chart_draw(&g, 0, 0, 30, 6, &s, 1, NULL, 0, &o);
	assert_grid(&g, "━ t\n\n\n       no data in range\n\n\n");
	grid_fini(&g);
}

static void
test_no_data(void **state)
{
	static const double nan3[3] = { NAN, NAN, NAN };
	struct chart_series s = { NULL, NULL, 0, GRID_ROLE_CHART_TRAIN, "train", 0, 0 };
	struct chart_opts o;
	struct grid g;

	(void)state;
	grid_init(&g, 20, 5);
	chart_opts_init(&o);
	o.title = "loss";
	assert_int_equal(chart_draw(&g, 0, 0, 20, 5, &s, 1, NULL, 0, &o), 0);
	assert_grid(&g, "loss  ━ train\n\n    no data yet\n\n\n");
	/* All NaN is no data either, and so is no series at all. */
	s.y = nan3;
	s.n = 3;
	chart_draw(&g, 0, 0, 20, 5, &s, 1, NULL, 0, &o);
	assert_grid(&g, "loss  ━ train\n\n    no data yet\n\n\n");
	chart_draw(&g, 0, 0, 20, 5, NULL, 0, NULL, 0, &o);
	assert_grid(&g, "loss\n\n    no data yet\n\n\n");
	grid_fini(&g);
}

static void
test_small_and_offset(void **state)
{
	struct chart_series s = loss_series();
	struct chart_opts o;
	struct grid g;
	struct tt_buf b;

	(void)state;
	grid_init(&g, 30, 10);
	chart_opts_init(&o);
	/* Too small for a plot: -1, and nothing outside the rectangle. */
	assert_int_equal(chart_draw(&g, 0, 0, 30, 2, &s, 1, NULL, 0, &o), -1);
	assert_int_equal(chart_draw(&g, 0, 0, 2, 6, &s, 1, NULL, 0, &o), -1);
	assert_int_equal(chart_draw(&g, 0, 0, 0, 0, &s, 1, NULL, 0, &o), -1);
	/* Drawn at an offset, the chart stays inside its rectangle. */
	grid_clear(&g);
	chart_draw(&g, 5, 3, 20, 6, &s, 1, NULL, 0, &o);
	tt_buf_init(&b);
	grid_rect_to_text(&g, 5, 3, 20, 6, &b);
	assert_string_equal(b.data,
			    "━ train\n"
			    "2┤⠑⠤⡀\n"
			    " │  ⠈⠢⡀\n"
			    "1┤    ⠈⠑⠢⢄⣀\n"
			    " │         ⠉⠑⠒⠢⠤⢄⣀⣀⣀\n"
			    "  0       50\n");
	for (int y = 0; y < 10; y++)
		for (int x = 0; x < 30; x++)
			if (x < 5 || y < 3 || y >= 9)
				assert_int_equal(grid_at(&g, x, y)->cp, ' ');
	tt_buf_fini(&b);
	grid_fini(&g);
}


/*
 * Without color (NO_COLOR, the mono theme) train and valid must differ in
 * shape: valid is dashed with its points marked, and the legend says so.
 */
static void
test_valid_dashed(void **state)
{
	static const double vx[3] = { 0, 45, 90 };
	static const double vy[3] = { 2.3, 2.3, 2.3 };	/* flat: one row of dots */
	struct chart_series two[2] = {
		{ loss_x, loss_y, 10, GRID_ROLE_CHART_TRAIN, "train", 0, 0 },
		{ vx, vy, 3, GRID_ROLE_CHART_VALID, "valid", 0, 1 },
	};
	struct chart_opts o;
	struct grid g;
	struct tt_buf b;
	int row = -1, gaps = 0, set = 0, started = 0;

	(void)state;
	grid_init(&g, 40, 10);
	chart_opts_init(&o);
	o.title = "loss";
	assert_int_equal(chart_draw(&g, 0, 0, 40, 10, two, 2, NULL, 0, &o), 0);
	tt_buf_init(&b);
	grid_to_text(&g, &b);
	assert_non_null(strstr(b.data, "loss  ━ train  ┅ valid"));
	tt_buf_fini(&b);
	/* The row of the flat valid line: cells of the valid role, with gaps between. */
	for (int y = 1; y < 9 && row < 0; y++)
		for (int x = 0; x < 40; x++)
			if (grid_at(&g, x, y)->role == GRID_ROLE_CHART_VALID) {
				row = y;
				break;
			}
	assert_true(row > 0);
	for (int x = 0; x < 40; x++) {
		const struct grid_cell *c = grid_at(&g, x, row);
		int on = c->role == GRID_ROLE_CHART_VALID && c->cp >= 0x2800 && c->cp <= 0x28FF;

		if (on) {
			set++;
			started = 1;
		} else if (started && c->cp == ' ') {
			gaps++;
		}
	}
	assert_true(set >= 6);
	assert_true(gaps >= 3);
	/* Solid, the same line has no gap. */
	two[1].dashed = 0;
	chart_draw(&g, 0, 0, 40, 10, two, 2, NULL, 0, &o);
	gaps = 0;
	started = 0;
	for (int x = 0; x < 40; x++) {
		const struct grid_cell *c = grid_at(&g, x, row);
		int on = c->cp >= 0x2800 && c->cp <= 0x28FF;

		if (on)
			started = 1;
		else if (started && c->cp == ' ' && x < 38)
			gaps++;
	}
	assert_int_equal(gaps, 0);
	grid_fini(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_braille_descending),
		cmocka_unit_test(test_ascii_mode),
		cmocka_unit_test(test_title_legend_and_faint),
		cmocka_unit_test(test_title_row),
		cmocka_unit_test(test_ticks_linear),
		cmocka_unit_test(test_ticks_log),
		cmocka_unit_test(test_fmt),
		cmocka_unit_test(test_log_scale),
		cmocka_unit_test(test_ema),
		cmocka_unit_test(test_ema_in_chart),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_nan_gaps),
		cmocka_unit_test(test_last_n),
		cmocka_unit_test(test_no_data),
		cmocka_unit_test(test_small_and_offset),
		cmocka_unit_test(test_valid_dashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
