/*
 * test-ensemble.c - combining members' probabilities (ensemble.h) on
 * constructed vectors: mean, weights, vote with ties, label alignment with
 * missing and disjoint labels, the weights parser. Probabilities are exact
 * in binary (multiples of 1/8), so the expected values are exact too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/ensemble.h"
#include "tunetop/util.h"

static void test_mean(void **state)
{
	const float a[3] = { 0.5f, 0.25f, 0.25f }, b[3] = { 0.125f, 0.75f, 0.125f };
	const float *p[2] = { a, b };
	float out[3];
	uint32_t votes[3];

	(void)state;
	assert_int_equal(ensemble_combine(ENSEMBLE_MEAN, 2, p, NULL, NULL, 3, votes, out), 1);
	assert_true(out[0] == 0.3125f);
	assert_true(out[1] == 0.5f);
	assert_true(out[2] == 0.1875f);
}

/* Weights 3:1 turn the winner around: (3*0.5 + 0.125)/4 vs (3*0.25 + 0.75)/4. */
static void test_weights(void **state)
{
	const float a[3] = { 0.5f, 0.25f, 0.25f }, b[3] = { 0.125f, 0.75f, 0.125f };
	const float *p[2] = { a, b };
	const float w[2] = { 3.0f, 1.0f };
	float out[3];
	uint32_t votes[3];

	(void)state;
	assert_int_equal(ensemble_combine(ENSEMBLE_MEAN, 2, p, NULL, w, 3, votes, out), 0);
	assert_true(out[0] == 1.625f / 4);
	assert_true(out[1] == 1.5f / 4);
	assert_true(out[2] == 0.875f / 4);
	/* A zero weight leaves a member out entirely. */
	const float w0[2] = { 0.0f, 2.0f };

	ensemble_combine(ENSEMBLE_MEAN, 2, p, NULL, w0, 3, votes, out);
	assert_memory_equal(out, b, sizeof b);
}

/* One member: its vector, bit for bit, in both modes' argmax. */
static void test_one_member_exact(void **state)
{
	const float a[4] = { 0.1f, 0.2f, 0.3f, 0.4f };
	const float *p[1] = { a };
	const float w[1] = { 0.7f };
	float out[4];
	uint32_t votes[4], top = 3;

	(void)state;
	assert_int_equal(ensemble_combine(ENSEMBLE_MEAN, 1, p, NULL, NULL, 4, votes, out), 3);
	assert_memory_equal(out, a, sizeof a);
	ensemble_combine(ENSEMBLE_MEAN, 1, p, NULL, w, 4, votes, out);
	assert_memory_equal(out, a, sizeof a);
	assert_int_equal(ensemble_combine(ENSEMBLE_VOTE, 1, p, &top, NULL, 4, votes, out), 3);
}

/*
 * Vote: two members for label 0, one (very sure) for label 1. The mean
 * prefers 1, the vote 0. The vector is (votes + mean) / (n + 1).
 */
static void test_vote_majority(void **state)
{
	const float a[2] = { 0.625f, 0.375f }, b[2] = { 0.625f, 0.375f }, c[2] = { 0.0f, 1.0f };
	const float *p[3] = { a, b, c };
	const uint32_t top[3] = { 0, 0, 1 };
	float out[2];
	uint32_t votes[2];

	(void)state;
	assert_int_equal(ensemble_combine(ENSEMBLE_MEAN, 3, p, top, NULL, 2, votes, out), 1);
	assert_int_equal(ensemble_combine(ENSEMBLE_VOTE, 3, p, top, NULL, 2, votes, out), 0);
	assert_int_equal(votes[0], 2);
	assert_int_equal(votes[1], 1);
	assert_true(fabsf(out[0] - (2.0f + 1.25f / 3) / 4) < 1e-7f);
	assert_true(fabsf(out[1] - (1.0f + 1.75f / 3) / 4) < 1e-7f);
	assert_true(fabsf(out[0] + out[1] - 1.0f) < 1e-6f);
	assert_true(out[0] > out[1]);
}

/* A tie of votes goes to the higher mean probability, whatever the index. */
static void test_vote_tie(void **state)
{
	const float a[3] = { 0.5f, 0.375f, 0.125f }, b[3] = { 0.0f, 0.875f, 0.125f };
	const float *p[2] = { a, b };
	const uint32_t top[2] = { 0, 1 };
	float out[3];
	uint32_t votes[3];

	(void)state;
	/* mean: 0.25, 0.625, 0.125 -> label 1 */
	assert_int_equal(ensemble_combine(ENSEMBLE_VOTE, 2, p, top, NULL, 3, votes, out), 1);
	assert_true(out[1] > out[0]);
	/* The other way round: label 0's mean is higher. */
	const float c[3] = { 0.875f, 0.0f, 0.125f }, d[3] = { 0.25f, 0.5f, 0.25f };
	const float *q[2] = { c, d };

	assert_int_equal(ensemble_combine(ENSEMBLE_VOTE, 2, q, top, NULL, 3, votes, out), 0);
	assert_true(out[0] > out[1]);
	/* Equal votes and equal means: the lower index. */
	const float e[2] = { 0.5f, 0.5f };
	const float *r[2] = { e, e };
	const uint32_t top2[2] = { 1, 0 };

	assert_int_equal(ensemble_combine(ENSEMBLE_VOTE, 2, r, top2, NULL, 2, votes, out), 0);
}

static void test_labels_align(void **state)
{
	char *m1[] = { "billing", "bug", "other" };
	char *m2[] = { "bug", "feature", "billing" };
	char *const *names[2] = { m1, m2 };
	const uint32_t counts[2] = { 3, 3 };
	const char *of[2] = { "a.st", "b.st" };
	struct ensemble_labels L;
	struct tt_err err;

	(void)state;
	tt_err_clear(&err);
	assert_int_equal(ensemble_labels_build(&L, names, counts, 2, of, &err), 0);
	assert_int_equal(L.n, 4);
	assert_string_equal(L.names[0], "billing");
	assert_string_equal(L.names[1], "bug");
	assert_string_equal(L.names[2], "other");
	assert_string_equal(L.names[3], "feature");
	assert_int_equal(L.map[1][0], 1);
	assert_int_equal(L.map[1][1], 3);
	assert_int_equal(L.map[1][2], 0);
	assert_int_equal(ensemble_labels_known_by(&L, counts, 0), 2);
	assert_int_equal(ensemble_labels_known_by(&L, counts, 2), 1);
	assert_int_equal(ensemble_labels_known_by(&L, counts, 3), 1);

	/*
	 * Member 2 lacks "other" (0 there) and member 1 lacks "feature": a
	 * label only one member knows gets half its probability from the mean.
	 */
	const float p1[3] = { 0.5f, 0.25f, 0.25f }, p2[3] = { 0.25f, 0.5f, 0.25f };
	float a1[4] = { 0 }, a2[4] = { 0 }, out[4];
	const float *rows[2] = { a1, a2 };
	uint32_t votes[4];

	for (uint32_t j = 0; j < 3; j++) {
		a1[L.map[0][j]] = p1[j];
		a2[L.map[1][j]] = p2[j];
	}
	assert_int_equal(ensemble_combine(ENSEMBLE_MEAN, 2, rows, NULL, NULL, 4, votes, out), 0);
	assert_true(out[0] == 0.375f);     /* billing (0.5 + 0.25) / 2: member 2 has it last */
	assert_true(out[1] == 0.25f);      /* bug (0.25 + 0.25) / 2 */
	assert_true(out[2] == 0.125f);     /* other: 0.25 from member 1 only */
	assert_true(out[3] == 0.25f);      /* feature: 0.5 from member 2 only */
	ensemble_labels_fini(&L);
}

static void test_labels_disjoint(void **state)
{
	char *m1[] = { "a", "b" }, *m2[] = { "a", "c" }, *m3[] = { "x", "y" };
	char *const *names[3] = { m1, m2, m3 };
	const uint32_t counts[3] = { 2, 2, 2 };
	const char *of[3] = { "one.st", "two.st", "three.st" };
	struct ensemble_labels L;
	struct tt_err err;
	char msg[600];

	(void)state;
	tt_err_clear(&err);
	assert_int_equal(ensemble_labels_build(&L, names, counts, 3, of, &err), -1);
	tt_err_format(&err, msg, sizeof msg);
	assert_non_null(strstr(msg, "three.st"));
	assert_non_null(strstr(msg, "share none"));
	assert_null(L.names);
	/* Overlapping only through a label the first member lacks: refused too. */
	char *n2[] = { "c", "d" }, *n3[] = { "d", "a" };
	char *const *names2[3] = { m1, n2, n3 };

	assert_int_equal(ensemble_labels_build(&L, names2, counts, 3, of, &err), -1);
	assert_non_null(strstr(err.msg, "share none"));
}

static void test_weights_parse(void **state)
{
	struct tt_err err;
	float *w;

	(void)state;
	tt_err_clear(&err);
	assert_int_equal(ensemble_parse_weights("1,2.5,0", 3, &w, &err), 0);
	assert_true(w[0] == 1.0f && w[1] == 2.5f && w[2] == 0.0f);
	free(w);
	assert_int_equal(ensemble_parse_weights("1,2", 3, &w, &err), -1);
	assert_non_null(strstr(err.msg, "2 weights for 3 models"));
	assert_int_equal(ensemble_parse_weights("1,x,2", 3, &w, &err), -1);
	assert_int_equal(err.col, 3);
	assert_int_equal(ensemble_parse_weights("1,-1,2", 3, &w, &err), -1);
	assert_int_equal(ensemble_parse_weights("0,0", 2, &w, &err), -1);
	assert_non_null(strstr(err.msg, "all zero"));
	assert_int_equal(ensemble_parse_weights("1,1,1,1", 3, &w, &err), -1);
	assert_int_equal(ensemble_parse_weights("nan,1", 2, &w, &err), -1);
	assert_null(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mean),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_one_member_exact),
		cmocka_unit_test(test_vote_majority),
		cmocka_unit_test(test_vote_tie),
		cmocka_unit_test(test_labels_align),
		cmocka_unit_test(test_labels_disjoint),
		cmocka_unit_test(test_weights_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
