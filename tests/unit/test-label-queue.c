/*
 * test-label-queue.c - the labeling queue's orders: file order without the
 * deleted records, unlabeled first, least confident first (no prediction
 * last), random with a seed (a permutation, the same for the same seed),
 * and the order names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "tunetop/cmd-ui.h"

#define N 6

static void recs_init(struct ds_record *r)
{
	static const uint32_t labels[N] = { 0, DS_NO_LABEL, 1, DS_NO_LABEL, 2, 0 };
	int i;

	memset(r, 0, N * sizeof *r);
	for (i = 0; i < N; i++)
		r[i].label = labels[i];
	r[5].flags = DS_FLAG_DELETED;
}

static void test_file(void **state)
{
	struct ds_record r[N];
	uint32_t out[N];

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_FILE, 0, NULL, out), 5);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(out[i], i);
}

static void test_unlabeled(void **state)
{
	struct ds_record r[N];
	uint32_t out[N], want[] = { 1, 3, 0, 2, 4 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_UNLABELED, 0, NULL, out), 5);
	assert_memory_equal(out, want, sizeof want);
}

static void test_least_confident(void **state)
{
	struct ds_record r[N];
	float margin[N] = { 0.5f, NAN, 0.1f, 0.5f, NAN, 0.0f };
	uint32_t out[N], want[] = { 2, 0, 3, 1, 4 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_LEAST_CONFIDENT, 0, margin, out), 5);
	assert_memory_equal(out, want, sizeof want);
}

static void test_random(void **state)
{
	struct ds_record r[N];
	uint32_t a[N], b[N], c[N];
	int seen[N] = { 0 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_RANDOM, 7, NULL, a), 5);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 7, NULL, b);
	assert_memory_equal(a, b, 5 * sizeof *a);
	for (int i = 0; i < 5; i++) {
		assert_true(a[i] < 5);
		seen[a[i]]++;
	}
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], 1);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 8, NULL, c);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 9, NULL, b);
	assert_true(memcmp(a, c, 5 * sizeof *a) != 0 || memcmp(a, b, 5 * sizeof *a) != 0);
}

static void test_names(void **state)
{
	enum label_order o;

	(void)state;
	assert_int_equal(label_order_parse("least-confident", &o), 0);
	assert_int_equal(o, LABEL_ORDER_LEAST_CONFIDENT);
	assert_string_equal(label_order_name(LABEL_ORDER_RANDOM), "random");
	assert_int_equal(label_order_parse("confident", &o), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_unlabeled),
		cmocka_unit_test(test_least_confident),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
