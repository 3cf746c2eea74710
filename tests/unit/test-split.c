/*
 * test-split.c - stratified splits: proportions per label, determinism,
 * seed sensitivity, existing splits kept, bad ratios.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tunetop/dataset.h"

/* 100 "a", 50 "b", 10 unlabeled. */
static void make(struct dataset *ds)
{
	struct tt_buf b;
	struct ds_options o;
	struct tt_err err;
	int i;

	tt_buf_init(&b);
	for (i = 0; i < 160; i++) {
		const char *label = i < 100 ? "\"a\"" : i < 150 ? "\"b\"" : "null";

		tt_buf_printf(&b, "{\"text\": \"t%d\", \"label\": %s}\n", i, label);
	}
	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(ds, "s.jsonl", b.data, b.len, &o, &err), 0);
	tt_buf_fini(&b);
}

static void count(const struct dataset *ds, uint32_t label, size_t *per)
{
	size_t i;

	memset(per, 0, DS_NSPLITS * sizeof *per);
	for (i = 0; i < ds->n; i++) {
		if (ds->recs[i].label == label)
			per[ds->recs[i].split]++;
	}
}

static void test_stratified(void **state)
{
	struct dataset ds;
	struct tt_err err;
	double r[3] = { 80, 10, 10 };
	size_t per[DS_NSPLITS];

	(void)state;
	make(&ds);
	assert_int_equal(dataset_split(&ds, r, 3, 7, false, &err), 0);
	count(&ds, 0, per);
	assert_int_equal(per[DS_SPLIT_TRAIN], 80);
	assert_int_equal(per[DS_SPLIT_VALID], 10);
	assert_int_equal(per[DS_SPLIT_TEST], 10);
	count(&ds, 1, per);
	assert_int_equal(per[DS_SPLIT_TRAIN], 40);
	assert_int_equal(per[DS_SPLIT_VALID], 5);
	assert_int_equal(per[DS_SPLIT_TEST], 5);
	count(&ds, DS_NO_LABEL, per);
	assert_int_equal(per[DS_SPLIT_TRAIN], 8);
	assert_int_equal(per[DS_SPLIT_NONE], 0);
	/* A split the file did not have is the session's, not an edit of the record. */
	assert_true(ds.recs[0].flags & DS_FLAG_SPLIT);
	assert_false(ds.recs[0].flags & DS_FLAG_DIRTY);
	dataset_fini(&ds);
}

static void test_deterministic(void **state)
{
	struct dataset a, b, c;
	struct tt_err err;
	double r[2] = { 0.7, 0.3 };
	size_t i, same_ab = 0, same_ac = 0;

	(void)state;
	make(&a);
	make(&b);
	make(&c);
	assert_int_equal(dataset_split(&a, r, 2, 1, false, &err), 0);
	assert_int_equal(dataset_split(&b, r, 2, 1, false, &err), 0);
	assert_int_equal(dataset_split(&c, r, 2, 2, false, &err), 0);
	for (i = 0; i < a.n; i++) {
		same_ab += a.recs[i].split == b.recs[i].split;
		same_ac += a.recs[i].split == c.recs[i].split;
		assert_true(a.recs[i].split != DS_SPLIT_TEST);   /* 2 ratios: no test */
	}
	assert_int_equal(same_ab, a.n);
	assert_true(same_ac < a.n);
	dataset_fini(&a);
	dataset_fini(&b);
	dataset_fini(&c);
}

static void test_keep_existing(void **state)
{
	struct dataset ds;
	struct tt_err err;
	double r[3] = { 1, 0, 0 };
	size_t i;

	(void)state;
	make(&ds);
	for (i = 0; i < 20; i++)
		ds.recs[i].split = DS_SPLIT_TEST;
	assert_int_equal(dataset_split(&ds, r, 3, 3, true, &err), 0);
	for (i = 0; i < ds.n; i++)
		assert_int_equal(ds.recs[i].split, i < 20 ? DS_SPLIT_TEST : DS_SPLIT_TRAIN);
	assert_int_equal(dataset_split(&ds, r, 3, 3, false, &err), 0);
	assert_int_equal(ds.recs[0].split, DS_SPLIT_TRAIN);
	dataset_fini(&ds);
}

static void test_bad_ratios(void **state)
{
	struct dataset ds;
	struct tt_err err;
	double zero[3] = { 0, 0, 0 }, neg[2] = { 1, -1 };

	(void)state;
	make(&ds);
	assert_int_equal(dataset_split(&ds, zero, 3, 1, false, &err), -1);
	assert_non_null(strstr(err.msg, "all be 0"));
	assert_int_equal(dataset_split(&ds, neg, 2, 1, false, &err), -1);
	assert_int_equal(dataset_split(&ds, neg, 4, 1, false, &err), -1);
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stratified),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_keep_existing),
		cmocka_unit_test(test_bad_ratios),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
