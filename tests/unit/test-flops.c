/*
 * test-flops.c - FLOPs per GPT step against a count by hand, MFU and run
 * estimates, and the sgemm-peak cache: round trip, other thread counts
 * kept, every kind of bad content rejected with file:line:column, and
 * flops_peak replacing a bad cache with a measured peak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tunetop/flops.h"

static void test_step_flops(void **state)
{
	/* V 10, ctx 4, C 8, L 1: 80 + 32 + (12*64 + 13*8) + 2*8 = 1000 parameters */
	struct gpt_config c = { 10, 4, 8, 1, 2, 0, 0.0f };

	(void)state;
	assert_int_equal(gpt_config_nparams(&c), 1000);
	/* 6 x 1000 x 32 + 12 x 1 x 4 x 8 x 32 */
	assert_true(fabs(flops_gpt_step(&c, 32) - 204288.0) < 1e-6);
	assert_true(flops_gpt_step(&c, 0) == 0);
	/* gpt-tiny at batch 8 x context 128: about 6 x 0.94M x 1024 + attention */
	assert_int_equal(gpt_config_preset("gpt-tiny", &c), 0);
	double f = flops_gpt_step(&c, 8 * 128);
	double want = (6.0 * (double)gpt_config_nparams(&c) + 12.0 * 2 * 128 * 128) * 1024;
	assert_true(fabs(f - want) < 1.0);
	assert_true(f > 5.5e9 && f < 6.5e9);
}

static void test_mfu_estimate(void **state)
{
	(void)state;
	/* 100 GFLOP in 1 s on a 200 GFLOP/s machine: half */
	assert_true(fabs(flops_mfu(100e9, 1.0, 200.0) - 0.5) < 1e-12);
	assert_true(flops_mfu(100e9, 0.0, 200.0) == 0);
	assert_true(flops_mfu(100e9, 1.0, 0.0) == 0);
	assert_true(flops_mfu(NAN, 1.0, 200.0) == 0);
	/* 1000 steps of 100 GFLOP at 50% of 200 GFLOP/s: 1000 s */
	assert_true(fabs(flops_estimate_seconds(100e9, 1000, 200.0, 0.5) - 1000.0) < 1e-9);
	assert_true(flops_estimate_seconds(100e9, 0, 200.0, 0.5) == 0);
	assert_true(flops_estimate_seconds(100e9, 10, 200.0, 0.0) < 0);
	assert_true(flops_estimate_seconds(100e9, 10, -1.0, 0.5) < 0);
	assert_true(flops_estimate_seconds(100e9, 10, 200.0, INFINITY) < 0);
}

static char *write_text(const char *dir, const char *text, size_t len)
{
	char *p = tt_xprintf("%s/sgemm-peak", dir);
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return p;
}

static void test_cache_round_trip(void **state)
{
	char dir[] = "/tmp/tt-flops-XXXXXX";
	struct tt_err err;
	double g = 0;
	char *p, *sub;

	(void)state;
	tt_err_clear(&err);
	assert_non_null(mkdtemp(dir));
	/* a directory that does not exist yet is created */
	sub = tt_xprintf("%s/a/b/sgemm-peak", dir);
	assert_int_equal(flops_cache_read(sub, 2, &g, &err), 0);
	assert_int_equal(flops_cache_write(sub, 2, 181.5, &err), 0);
	assert_int_equal(flops_cache_read(sub, 2, &g, &err), 1);
	assert_true(fabs(g - 181.5) < 1e-9);
	/* another thread count is added, the first kept; rewriting replaces */
	assert_int_equal(flops_cache_read(sub, 1, &g, &err), 0);
	assert_int_equal(flops_cache_write(sub, 1, 95.25, &err), 0);
	assert_int_equal(flops_cache_write(sub, 2, 170, &err), 0);
	assert_int_equal(flops_cache_read(sub, 1, &g, &err), 1);
	assert_true(fabs(g - 95.25) < 1e-9);
	assert_int_equal(flops_cache_read(sub, 2, &g, &err), 1);
	assert_true(fabs(g - 170) < 1e-9);
	/* nonsense is not cached */
	assert_int_equal(flops_cache_write(sub, 2, NAN, &err), -1);
	assert_int_equal(flops_cache_write(sub, 0, 100, &err), -1);
	unlink(sub);
	free(sub);
	sub = tt_xprintf("%s/a/b", dir);
	rmdir(sub);
	free(sub);
	sub = tt_xprintf("%s/a", dir);
	rmdir(sub);
	free(sub);
	/* an empty file has no line for any thread count */
	p = write_text(dir, "", 0);
	assert_int_equal(flops_cache_read(p, 2, &g, &err), 0);
	unlink(p);
	free(p);
	rmdir(dir);
}

struct bad {
	const char *text;
	size_t len;          /* 0: strlen */
	uint32_t line, col;
	const char *says;
};

static void test_cache_bad(void **state)
{
	static const struct bad bad[] = {
		{ "garbage\n", 0, 1, 1, "expected 'threads N gflops G'" },
		{ "threads 2 gflops 180\nthreads x gflops 1\n", 0, 2, 9, "thread count" },
		{ "threads 0 gflops 180\n", 0, 1, 9, "thread count" },
		{ "threads 2 gflops -5\n", 0, 1, 18, "GFLOP/s" },
		{ "threads 2 gflops nan\n", 0, 1, 18, "GFLOP/s" },
		{ "threads 2 gflops 1e300\n", 0, 1, 18, "GFLOP/s" },
		{ "threads 2 gflops 180 extra\n", 0, 1, 18, "GFLOP/s" },
		{ "threads 2 gflops 180", 0, 1, 21, "truncated" },
		{ "threads 2 gflops 1\0" "80\n", 21, 1, 1, "NUL" },
		{ "threads 99999999999999999999 gflops 1\n", 0, 1, 9, "thread count" },
	};
	char dir[] = "/tmp/tt-flops-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tt_err err;
		double g = -1;
		char *p = write_text(dir, bad[i].text,
				     bad[i].len != 0 ? bad[i].len : strlen(bad[i].text));

		tt_err_clear(&err);
		assert_int_equal(flops_cache_read(p, 2, &g, &err), -1);
		if (strstr(err.msg, bad[i].says) == NULL || err.line != bad[i].line ||
		    err.col != bad[i].col || strcmp(err.file, p) != 0)
			fail_msg("case %zu: %s:%u:%u: %s", i, err.file, err.line, err.col, err.msg);
		assert_true(g == -1);
		/* writing over a bad file replaces it whole with a good one */
		assert_int_equal(flops_cache_write(p, 2, 150, &err), 0);
		assert_int_equal(flops_cache_read(p, 2, &g, &err), 1);
		assert_true(fabs(g - 150) < 1e-9);
		assert_int_equal(flops_cache_read(p, 1, &g, &err), 0);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

/* make_old: date path two days back; is_old: whether it is over a day old. */
static void make_old(const char *path)
{
	struct timeval tv[2] = {{time(NULL) - 2 * 86400, 0}, {time(NULL) - 2 * 86400, 0}};

	assert_int_equal(utimes(path, tv), 0);
}

static bool is_old(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return time(NULL) - st.st_mtime > 86400;
}

static void test_peak_cached(void **state)
{
	char dir[] = "/tmp/tt-flops-XXXXXX";
	char note[600];
	char *p, *p2;
	struct tt_err err;
	double g, g2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	openblas_set_num_threads(1);
	p = flops_cache_path();
	assert_non_null(p);
	assert_true(strstr(p, dir) == p && strstr(p, "/tunetop/sgemm-peak") != NULL);
	/* a hand-planted value is used as it is: no measurement */
	tt_err_clear(&err);
	assert_int_equal(flops_cache_write(p, 1, 12.5, &err), 0);
	g = flops_peak(note, sizeof note);
	assert_true(fabs(g - 12.5) < 1e-9);
	assert_string_equal(note, "");
	/* a bad cache: measured (a real positive figure), replaced, and said so */
	p2 = tt_xprintf("%s/tunetop", dir);
	free(write_text(p2, "threads 1 gflops oops\n", 22));
	free(p2);
	g = flops_peak(note, sizeof note);
	assert_true(g > 0.01 && g < 1e6);
	assert_non_null(strstr(note, "sgemm-peak:1:18"));
	assert_int_equal(flops_cache_read(p, 1, &g2, &err), 1);
	assert_true(fabs(g2 - g) < 1e-3);
	unlink(p);
	free(p);
	p = tt_xprintf("%s/tunetop", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	/* neither variable: no cache, still a peak */
	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	assert_null(flops_cache_path());
	assert_true(flops_peak(note, sizeof note) > 0.01);
}

/* An old cache is measured again and the larger figure kept. */
static void test_peak_refresh(void **state)
{
	char dir[] = "/tmp/tt-flops-XXXXXX";
	char note[600], *p, *d;
	struct tt_err err;
	double g, g2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	openblas_set_num_threads(1);
	p = flops_cache_path();
	tt_err_clear(&err);
	/* a high figure stays (load never makes a measurement too high) */
	assert_int_equal(flops_cache_write(p, 1, 1e5, &err), 0);
	make_old(p);
	assert_true(fabs(flops_peak(note, sizeof note) - 1e5) < 1e-6);
	assert_false(is_old(p));        /* renewed: not measured at every start */
	/* a low one (measured under load) gives way to the new measurement */
	assert_int_equal(flops_cache_write(p, 1, 0.02, &err), 0);
	make_old(p);
	g = flops_peak(note, sizeof note);
	assert_true(g > 0.02 && g < 1e6);
	assert_int_equal(flops_cache_read(p, 1, &g2, &err), 1);
	assert_true(fabs(g2 - g) < 1e-3);
	/* a run beat the peak: measured again, the larger kept and cached */
	assert_true(fabs(flops_peak_remeasure(1e5) - 1e5) < 1e-6);
	assert_int_equal(flops_cache_read(p, 1, &g2, &err), 1);
	assert_true(fabs(g2 - 1e5) < 1e-6);
	g = flops_peak_remeasure(0.02);
	assert_true(g > 0.02 && g < 1e6);
	assert_int_equal(flops_cache_read(p, 1, &g2, &err), 1);
	assert_true(fabs(g2 - g) < 1e-3);
	unlink(p);
	free(p);
	d = tt_xprintf("%s/tunetop", dir);
	rmdir(d);
	free(d);
	rmdir(dir);
	unsetenv("XDG_CACHE_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_flops),
		cmocka_unit_test(test_mfu_estimate),
		cmocka_unit_test(test_cache_round_trip),
		cmocka_unit_test(test_cache_bad),
		cmocka_unit_test(test_peak_refresh),
		cmocka_unit_test(test_peak_cached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
