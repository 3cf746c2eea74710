/*
 * test-cleanlab.c - confident learning on a hand-made probability matrix.
 *
 * Ten records, three classes, probabilities in eighths (exact in binary):
 *
 *   rec given   p0     p1     p2          confident class (p_j >= t_j)
 *   r0    0    6/8    1/8    1/8          0
 *   r1    0    4/8    2/8    2/8          0
 *   r2    0    1/8    6/8    1/8          1   <- looks like a 1
 *   r3    1    2/8    5/8    1/8          none (5/8 < t1 = 6/8)
 *   r4    1    1/8    6/8    1/8          1
 *   r5    1    1/8    7/8    0            1
 *   r6    2    1/8    1/8    6/8          2
 *   r7    2    2/8    0      6/8          2
 *   r8    2    6/8    1/8    1/8          0   <- looks like a 0
 *   r9    2    0      2/8    6/8          2
 *
 * By hand: t0 = (6+4+1)/24 = 11/24, t1 = (5+6+7)/24 = 18/24 = 3/4,
 * t2 = (6+6+1+6)/32 = 19/32. The confident joint (rows given, columns
 * guessed) is [[2,1,0],[0,2,0],[1,0,3]]; calibrated (row i scaled to the
 * n_i = 3, 3, 4 records given i) it is [[2,1,0],[0,3,0],[1,0,3]]. Pruning
 * by noise rate takes the 1 record given 0 with the largest p1 - p0 (r2:
 * 5/8) and the 1 record given 2 with the largest p0 - p2 (r8: 5/8).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "tunetop/cleanlab.h"

#define E(x) ((float)(x) / 8.0f)

static const float probs[10 * 3] = {
	E(6), E(1), E(1),
	E(4), E(2), E(2),
	E(1), E(6), E(1),
	E(2), E(5), E(1),
	E(1), E(6), E(1),
	E(1), E(7), E(0),
	E(1), E(1), E(6),
	E(2), E(0), E(6),
	E(6), E(1), E(1),
	E(0), E(2), E(6),
};
static const uint32_t given[10] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 2 };

static void test_thresholds(void **state)
{
	double t[3];

	(void)state;
	cleanlab_thresholds(probs, given, 10, 3, t);
	assert_true(fabs(t[0] - 11.0 / 24.0) < 1e-9);
	assert_true(fabs(t[1] - 0.75) < 1e-9);
	assert_true(fabs(t[2] - 19.0 / 32.0) < 1e-9);
}

static void test_threshold_of_unused_class(void **state)
{
	const uint32_t g[2] = { 0, 0 };
	const float p[2 * 2] = { 0.75f, 0.25f, 0.5f, 0.5f };
	double t[2];

	(void)state;
	cleanlab_thresholds(p, g, 2, 2, t);
	assert_true(fabs(t[0] - 0.625) < 1e-9);
	assert_true(isinf(t[1]));   /* nothing is ever confidently in it */
}

static void test_confident_joint(void **state)
{
	const double want[9] = { 2, 1, 0, 0, 2, 0, 1, 0, 3 };
	double t[3], cj[9];

	(void)state;
	cleanlab_thresholds(probs, given, 10, 3, t);
	cleanlab_confident_joint(probs, given, 10, 3, t, cj);
	for (int i = 0; i < 9; i++)
		assert_true(cj[i] == want[i]);
}

static void test_calibrated_joint(void **state)
{
	const double want[9] = { 2, 1, 0, 0, 3, 0, 1, 0, 3 };
	const size_t counts[3] = { 3, 3, 4 };
	double t[3], cj[9];

	(void)state;
	cleanlab_thresholds(probs, given, 10, 3, t);
	cleanlab_confident_joint(probs, given, 10, 3, t, cj);
	cleanlab_calibrate(cj, counts, 3);
	for (int i = 0; i < 9; i++)
		assert_true(cj[i] == want[i]);
}

/* The diagonal is raised to 1 when no record of a class is confidently in it. */
static void test_joint_diagonal_at_least_one(void **state)
{
	const float p[2 * 2] = { 0.25f, 0.75f, 0.25f, 0.75f };
	const uint32_t g[2] = { 0, 1 };
	double t[2], cj[4];

	(void)state;
	cleanlab_thresholds(p, g, 2, 2, t);     /* t0 = 1/4, t1 = 3/4 */
	cleanlab_confident_joint(p, g, 2, 2, t, cj);
	/* r0: both pass (1/4 >= 1/4, 3/4 >= 3/4), the larger is 1; r1 likewise. */
	assert_true(cj[0] == 1 && cj[1] == 1 && cj[2] == 0 && cj[3] == 1);
}

/* Row i of the calibrated joint sums to n_i: [[3,1],[1,1]] with n = 2, 6. */
static void test_calibrate_rows(void **state)
{
	double cj[4] = { 3, 1, 1, 1 };
	const size_t counts[2] = { 2, 6 };

	(void)state;
	cleanlab_calibrate(cj, counts, 2);
	/* Row 0: [1.5, 0.5] rounds to [2, 1] (sum 3), one unit back from entry 0: [1, 1]. */
	assert_true(cj[0] == 1 && cj[1] == 1);
	assert_true(cj[2] == 3 && cj[3] == 3);
}

static void test_round_preserving_sum(void **state)
{
	double a[3] = { 1.5, 1.5, 0 }, b[3] = { 0.4, 0.4, 0.4 }, c[4] = { 2.2, 0.3, 0.3, 0.2 };

	(void)state;
	cleanlab_round_preserving_sum(a, 3);    /* 2, 2, 0 = 4 > 3: entry 0 gives one back */
	assert_true(a[0] == 1 && a[1] == 2 && a[2] == 0);
	cleanlab_round_preserving_sum(b, 3);    /* 0, 0, 0 = 0 < 1: entry 0 gets it */
	assert_true(b[0] == 1 && b[1] == 0 && b[2] == 0);
	cleanlab_round_preserving_sum(c, 4);    /* 2, 0, 0, 0 = 2 < 3: the largest rest, 0.3 */
	assert_true(c[0] == 2 && c[1] == 1 && c[2] == 0 && c[3] == 0);
}

static void test_prune_by_noise_rate(void **state)
{
	const size_t counts[3] = { 3, 3, 4 };
	double t[3], cj[9];
	bool flagged[10];

	(void)state;
	cleanlab_thresholds(probs, given, 10, 3, t);
	cleanlab_confident_joint(probs, given, 10, 3, t, cj);
	cleanlab_calibrate(cj, counts, 3);
	cleanlab_prune_by_noise_rate(probs, given, 10, 3, cj, flagged);
	for (int r = 0; r < 10; r++)
		assert_int_equal(flagged[r], r == 2 || r == 8);
}

/*
 * A class with no record on its diagonal keeps one: row [0, 2, 1] of 3
 * records given 0 becomes [1, 1.5, 0.5] -> rounded [1, 1, 1]: one record
 * pruned towards class 1 (largest p1 - p0) and one towards 2.
 */
static void test_prune_keeps_one(void **state)
{
	const float p[3 * 3] = {
		E(2), E(5), E(1),       /* p1 - p0 = 3/8, p2 - p0 = -1/8 */
		E(2), E(2), E(4),       /* 0, 2/8 */
		E(3), E(4), E(1),       /* 1/8, -2/8 */
	};
	const uint32_t g[3] = { 0, 0, 0 };
	const double cj[9] = { 0, 2, 1, 0, 1, 0, 0, 0, 1 };
	bool flagged[3];

	(void)state;
	cleanlab_prune_by_noise_rate(p, g, 3, 3, cj, flagged);
	assert_true(flagged[0]);        /* towards 1 */
	assert_true(flagged[1]);        /* towards 2 */
	assert_false(flagged[2]);
}

/* A record whose most probable class is its given one is never flagged. */
static void test_prune_spares_agreeing(void **state)
{
	const float p[2 * 2] = { 0.5f, 0.5f, 0.75f, 0.25f };
	const uint32_t g[2] = { 0, 0 };
	const double cj[4] = { 1, 1, 0, 1 };
	bool flagged[2];

	(void)state;
	cleanlab_prune_by_noise_rate(p, g, 2, 2, cj, flagged);
	/* r0 has the largest p1 - p0 (0), but its argmax (ties: the first) is 0. */
	assert_false(flagged[0]);
	assert_false(flagged[1]);
}

static void test_scores(void **state)
{
	(void)state;
	/* r3: self-confidence 5/8 -> 3/8; normalized margin (5/8 - 2/8 + 1) / 2 = 11/16 -> 5/16. */
	assert_true(fabs(cleanlab_score(probs + 9, 3, 1, CLEANLAB_SELF_CONFIDENCE) - 0.375) < 1e-9);
	assert_true(fabs(cleanlab_score(probs + 9, 3, 1, CLEANLAB_NORMALIZED_MARGIN) - 0.3125) <
		    1e-9);
	/* r8: (1 - 1/8 + 6/8) / 2 = 13/16. */
	assert_true(fabs(cleanlab_score(probs + 24, 3, 2, CLEANLAB_NORMALIZED_MARGIN) - 0.8125) <
		    1e-9);
}

static void test_run_order(void **state)
{
	/* Scores 1 - p[given]: r2, r8 7/8; r1 4/8; r3 3/8; r0 r4 r6 r7 r9 2/8; r5 1/8. */
	const uint32_t want[10] = { 2, 8, 1, 3, 0, 4, 6, 7, 9, 5 };
	struct cleanlab_result r;

	(void)state;
	cleanlab_run(probs, given, 10, 3, CLEANLAB_SELF_CONFIDENCE, &r);
	for (int i = 0; i < 10; i++)
		assert_int_equal(r.order[i], want[i]);
	assert_int_equal(r.suggested[2], 1);
	assert_int_equal(r.suggested[8], 0);
	assert_int_equal(r.suggested[3], 1);
	assert_true(r.flagged[2] && r.flagged[8] && !r.flagged[3]);
	assert_true(r.joint[4] == 3);
	cleanlab_result_fini(&r);
}

static void test_rank_parse(void **state)
{
	enum cleanlab_rank k;

	(void)state;
	assert_int_equal(cleanlab_rank_parse("self_confidence", &k), 0);
	assert_int_equal(k, CLEANLAB_SELF_CONFIDENCE);
	assert_int_equal(cleanlab_rank_parse("normalized_margin", &k), 0);
	assert_int_equal(k, CLEANLAB_NORMALIZED_MARGIN);
	assert_int_equal(cleanlab_rank_parse("margin", &k), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_threshold_of_unused_class),
		cmocka_unit_test(test_confident_joint),
		cmocka_unit_test(test_calibrated_joint),
		cmocka_unit_test(test_joint_diagonal_at_least_one),
		cmocka_unit_test(test_calibrate_rows),
		cmocka_unit_test(test_round_preserving_sum),
		cmocka_unit_test(test_prune_by_noise_rate),
		cmocka_unit_test(test_prune_keeps_one),
		cmocka_unit_test(test_prune_spares_agreeing),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_run_order),
		cmocka_unit_test(test_rank_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
