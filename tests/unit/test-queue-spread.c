/*
 * test-queue-spread.c - diversity in the labeling queue: label_queue_spread
 * on constructed groups (best first, never two of one group in a row while
 * another group has records, the order inside a group kept, the window,
 * a re-ranked tail that continues its head), neardup_group_ids (at the
 * configured neardup_* defaults) on texts with planted near duplicates, and the whole uncertain order on a dataset
 * whose near duplicates have equal margins: no two members of one group
 * in a row. Also label_queue_summarize against hand-computed values.
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

#include "tunetop/label-queue.h"
#include "tunetop/neardup.h"
#include "tunetop/util.h"

/* A repeat at i means every record from i on is of that group. */
static void assert_spread(const uint32_t *out, size_t k, const uint32_t *group)
{
	size_t i, j;

	for (i = 0; i + 1 < k; i++) {
		if (group[out[i]] != group[out[i + 1]])
			continue;
		for (j = i; j < k; j++)
			assert_int_equal(group[out[j]], group[out[i]]);
	}
}

static void test_spread_small(void **state)
{
	/* records 0..7 best first; groups 5 5 5 7 7 9 1 1 */
	static const uint32_t group[8] = { 5, 5, 5, 7, 7, 9, 1, 1 };
	static const uint32_t want[8] = { 0, 3, 5, 6, 1, 4, 7, 2 };
	uint32_t idx[8];
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		idx[i] = (uint32_t)i;
	/* window 3: 0(5) 3(7) 5(9) then 6(1) (5, 7 and 9 cool), 1(5), 4(7), 7(1), 2(5) */
	label_queue_spread(idx, 0, 8, group, 3);
	for (i = 0; i < 8; i++)
		assert_int_equal(idx[i], want[i]);
}

static void test_spread_one_group_left(void **state)
{
	static const uint32_t group[6] = { 2, 2, 2, 2, 3, 2 };
	uint32_t idx[6] = { 0, 1, 2, 3, 4, 5 };

	(void)state;
	label_queue_spread(idx, 0, 6, group, 8);
	/* 0 4 then only group 2 is left: 1 2 3 5 in their order */
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 4);
	assert_int_equal(idx[2], 1);
	assert_int_equal(idx[3], 2);
	assert_int_equal(idx[4], 3);
	assert_int_equal(idx[5], 5);
}

/* The head stays; the tail's first pick avoids the groups just shown. */
static void test_spread_tail(void **state)
{
	static const uint32_t group[6] = { 1, 2, 2, 1, 3, 1 };
	uint32_t idx[6] = { 0, 1, 2, 3, 4, 5 };

	(void)state;
	label_queue_spread(idx, 2, 6, group, 2);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 1);
	/*
	 * The last two shown are of groups 1 and 2; tail 2(2) 3(1) 4(3) 5(1):
	 * 4 (group 3 is the only one not shown in the last two); then group 1
	 * was last shown three picks ago, so 3; then 2 (group 2, three ago);
	 * then 5 (group 1 again, the only one left).
	 */
	assert_int_equal(idx[2], 4);
	assert_int_equal(idx[3], 3);
	assert_int_equal(idx[4], 2);
	assert_int_equal(idx[5], 5);
}

/* splitmix64 for the random cases. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void test_spread_random(void **state)
{
	enum { K = 500 };
	uint32_t group[K], idx[K], pos[K];
	uint64_t s = 7;
	size_t i, trial;

	(void)state;
	for (trial = 0; trial < 50; trial++) {
		size_t ngroups = 1 + rnd(&s) % 40, window = 1 + rnd(&s) % 40;
		bool seen[K];

		for (i = 0; i < K; i++) {
			/* skewed: a few big groups */
			group[i] = (uint32_t)(rnd(&s) % ngroups * (rnd(&s) % 3 == 0 ? 1 : 0));
			idx[i] = (uint32_t)i;
		}
		label_queue_spread(idx, 0, K, group, window);
		memset(seen, 0, sizeof seen);
		for (i = 0; i < K; i++) {
			assert_false(seen[idx[i]]);
			seen[idx[i]] = true;
			pos[idx[i]] = (uint32_t)i;
		}
		assert_spread(idx, K, group);
		/* inside a group the order is kept */
		for (i = 0; i + 1 < K; i++) {
			size_t j;

			for (j = i + 1; j < K && group[j] != group[i]; j++)
				;
			if (j < K)
				assert_true(pos[i] < pos[j]);
		}
	}
}

static void test_summarize(void **state)
{
	const float p[3] = { 0.5f, 0.3f, 0.2f }, one[1] = { 1.0f };
	float m, h;

	(void)state;
	label_queue_summarize(p, 3, &m, &h);
	assert_float_equal(m, 0.2f, 1e-6);
	/* -(0.5 ln 0.5 + 0.3 ln 0.3 + 0.2 ln 0.2) = 1.0296530 */
	assert_float_equal(h, 1.0296530f, 1e-5);
	label_queue_summarize(one, 1, &m, &h);
	assert_float_equal(m, 1.0f, 0);
	assert_float_equal(h, 0.0f, 0);
}

/* Twenty-word texts: base b, and copies with one word changed. */
static const char *const base_texts[4] = {
	"the quarterly invoice for the hosting plan arrived late again and the finance team asked "
	"support to check the billing address today",
	"my parcel was marked as delivered yesterday evening but nothing was at the door and the "
	"neighbours did not see any courier",
	"please reset the password of the shared mailbox because the old one expired during the "
	"holidays and nobody can read it now",
	"win a free cruise now click the link below to claim your prize before midnight offer "
	"valid for new members only hurry",
};

/* The groups of ds at the default neardup_* settings, as the queue takes them. */
static void default_groups(const struct dataset *ds, uint32_t *group)
{
	struct cfg c;
	struct minhash_params p;
	struct tt_err err;

	cfg_init(&c);
	tt_err_clear(&err);
	assert_int_equal(neardup_params_from_cfg(&c, &p, &err), 0);
	cfg_fini(&c);
	neardup_group_ids(ds, &p, 1, group);
}

/* JSONL of n records: text i%4 with word 3+3*((i/4)%5) replaced, every fifth unrelated (random words). */
static void make_data(struct dataset *ds, size_t n)
{
	struct tt_buf b;
	struct ds_options o;
	struct tt_err err;
	size_t i;

	tt_buf_init(&b);
	for (i = 0; i < n; i++) {
		const char *t = base_texts[i % 4], *w = t, *rest;
		size_t at = 0, change = 3 + 3 * ((i / 4) % 5);

		if (i % 5 == 4) {
			/* twelve pseudo-random words: unlike every other text, even by character 5-grams */
			uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1);

			tt_buf_adds(&b, "{\"text\":\"");
			for (size_t wd = 0; wd < 12; wd++) {
				for (size_t c = 0; c < 4 + wd % 4; c++) {
					x ^= x << 13, x ^= x >> 7, x ^= x << 17;
					tt_buf_printf(&b, "%c", (char)('a' + x % 26));
				}
				tt_buf_adds(&b, wd < 11 ? " " : "\"}\n");
			}
			continue;
		}
		for (; *w != '\0' && at < change; w++)
			at += *w == ' ';
		rest = strchr(w, ' ');
		tt_buf_printf(&b, "{\"text\":\"%.*schanged%zu%s\"}\n", (int)(w - t), t, i, rest);
	}
	ds_options_default(&o);
	tt_err_clear(&err);
	assert_int_equal(dataset_load_buffer(ds, "near.jsonl", b.data, b.len, &o, &err), 0);
	tt_buf_fini(&b);
}

static void test_neardup_groups(void **state)
{
	struct dataset ds;
	uint32_t group[40];
	size_t i, j;

	(void)state;
	make_data(&ds, 40);
	assert_int_equal(ds.n, 40);
	default_groups(&ds, group);
	for (i = 0; i < 40; i++) {
		for (j = 0; j < 40; j++) {
			bool planted = i % 5 != 4 && j % 5 != 4 && i % 4 == j % 4;

			if (i % 5 == 4 || j % 5 == 4)
				planted = i == j;
			assert_int_equal(group[i] == group[j], planted);
		}
	}
	dataset_fini(&ds);
}

/* The uncertain order with equal margins inside each planted group. */
static void test_uncertain_no_group_in_a_row(void **state)
{
	enum { N = 200 };
	struct dataset ds;
	uint32_t group[N], idx[N];
	float score[N];
	size_t i, k;

	(void)state;
	make_data(&ds, N);
	default_groups(&ds, group);
	for (i = 0; i < N; i++)	/* one margin per planted text: a plain sort puts them in a row */
		score[i] = i % 5 == 4 ? 0.9f : 0.1f * (float)(i % 4);
	k = label_queue_order(ds.recs, N, LABEL_ORDER_MARGIN, 0, score, idx);
	assert_int_equal(k, N);
	assert_int_equal(group[idx[0]], group[idx[1]]);	/* without the spread: in a row */
	label_queue_spread(idx, 0, k, group, LABEL_QUEUE_SPREAD);
	for (i = 0; i + 1 < k; i++) {
		/* the planted groups (40 records each) outlast the others: in a row only at the end */
		if (group[idx[i]] == group[idx[i + 1]]) {
			size_t j;

			for (j = i; j < k; j++)
				assert_int_equal(group[idx[j]], group[idx[i]]);
		}
	}
	assert_spread(idx, k, group);
	assert_true(label_order_spreads(LABEL_ORDER_UNCERTAIN));
	assert_true(label_order_uses_preds(LABEL_ORDER_UNCERTAIN));
	assert_false(label_order_spreads(LABEL_ORDER_MARGIN));
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_small),
		cmocka_unit_test(test_spread_one_group_left),
		cmocka_unit_test(test_spread_tail),
		cmocka_unit_test(test_spread_random),
		cmocka_unit_test(test_summarize),
		cmocka_unit_test(test_neardup_groups),
		cmocka_unit_test(test_uncertain_no_group_in_a_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
