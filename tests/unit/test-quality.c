/*
 * test-quality.c - the health report's figures on datasets big enough for
 * the threaded duplicate pass (>= 10,000 records) and for both ways of
 * finding the median and p95 (a histogram for small lengths, a sort when
 * one text is huge), against figures computed here the slow way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/quality.h"

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * n records "w w w ..." of 1 + i % 37 words; every 10th repeats record
 * i - 5's text, with another label every 20th (a conflict); one huge text
 * of huge words when huge > 0.
 */
static void check_report(size_t n, size_t huge)
{
	struct ds_options o;
	struct dataset ds;
	struct tt_err err;
	struct quality_report q;
	struct tt_buf in;
	size_t *words = calloc(n + 1, sizeof *words), i, dups = 0, conflicts = 0, sum = 0;

	tt_buf_init(&in);
	for (i = 0; i < n; i++) {
		size_t src = i % 10 == 9 ? i - 5 : i, k, nw = 1 + src % 37;

		if (i == 3 && huge > 0)
			nw = huge;
		tt_buf_printf(&in, "{\"text\": \"t%zu", src);
		for (k = 1; k < nw; k++)
			tt_buf_adds(&in, " w");
		tt_buf_printf(&in, "\", \"label\": \"%s\"}\n", i % 20 == 19 ? "b" : "a");
		words[i] = nw;
		sum += nw;
		dups += src != i;
		conflicts += src != i && i % 20 == 19;
	}
	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	assert_int_equal(dataset_load_buffer(&ds, "q.jsonl", in.data, in.len, &o, &err), 0);
	quality_compute(&ds, &q);
	assert_int_equal(q.records, n);
	assert_int_equal(q.dup_records, dups);
	assert_int_equal(q.dup_groups, dups);
	assert_int_equal(q.conflicts, conflicts);
	qsort(words, n, sizeof *words, size_cmp);
	assert_int_equal(q.words.min, words[0]);
	assert_int_equal(q.words.max, words[n - 1]);
	assert_int_equal(q.words.median, words[n / 2]);
	assert_int_equal(q.words.p95, words[(size_t)((double)(n - 1) * 0.95)]);
	assert_true(q.words.mean > (double)sum / (double)n - 1e-9 &&
		    q.words.mean < (double)sum / (double)n + 1e-9);
	quality_fini(&q);
	dataset_fini(&ds);
	tt_buf_fini(&in);
	free(words);
}

static void test_small(void **state)
{
	(void)state;
	check_report(40, 0);          /* one thread */
}

static void test_threaded_histogram(void **state)
{
	(void)state;
	check_report(30000, 0);
}

static void test_threaded_sorted(void **state)
{
	(void)state;
	check_report(20000, 200000);  /* max length far above 4n: sorted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_threaded_histogram),
		cmocka_unit_test(test_threaded_sorted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
