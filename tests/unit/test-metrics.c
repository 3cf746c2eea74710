/*
 * test-metrics.c - evaluation metrics against hand-computed cases.
 *
 * Every expected number below was worked out by hand from the counts (the
 * fractions are written next to them) and checked with exact rational
 * arithmetic (Python's fractions module). Probabilities are chosen to be
 * exact in binary floating point so that 1e-9 tolerances are meaningful.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "tunetop/metrics.h"
#include "tunetop/util.h"

#define TOL 1e-9

#define assert_near(a, b) assert_near_at((a), (b), #a, __FILE__, __LINE__)

static void
assert_near_at(double got, double want, const char *what, const char *file, int line)
{
	if (fabs(got - want) <= TOL)
		return;
	print_error("%s:%d: %s = %.17g, want %.17g\n", file, line, what, got, want);
	fail();
}

/* Fill a confusion matrix from a k x k table of counts, row = true. */
static void
confusion_from(struct metrics_confusion *cm, uint32_t k, const uint64_t *table)
{
	metrics_confusion_init(cm, k);
	for (uint32_t t = 0; t < k; t++)
		for (uint32_t p = 0; p < k; p++)
			for (uint64_t i = 0; i < table[t * k + p]; i++)
				assert_int_equal(metrics_confusion_add(cm, t, p), 0);
}

static void
report_from(struct metrics_report *r, uint32_t k, const uint64_t *table)
{
	struct metrics_confusion cm;

	confusion_from(&cm, k, table);
	metrics_report_from_confusion(r, &cm);
	metrics_confusion_fini(&cm);
}

static void
assert_class(const struct metrics_class *c, double p, double r, double f1, uint64_t support)
{
	assert_near(c->precision, p);
	assert_near(c->recall, r);
	assert_near(c->f1, f1);
	assert_int_equal(c->support, support);
}

static void
test_confusion_basics(void **state)
{
	struct metrics_confusion cm, copy;

	(void)state;
	metrics_confusion_init(&cm, 3);
	assert_int_equal(metrics_confusion_add(&cm, 0, 2), 0);
	assert_int_equal(metrics_confusion_add(&cm, 0, 2), 0);
	assert_int_equal(metrics_confusion_add(&cm, 2, 1), 0);
	assert_int_equal(metrics_confusion_add(&cm, 3, 0), -1);
	assert_int_equal(metrics_confusion_add(&cm, 0, 3), -1);
	assert_int_equal(metrics_confusion_get(&cm, 0, 2), 2);
	assert_int_equal(metrics_confusion_get(&cm, 2, 1), 1);
	assert_int_equal(metrics_confusion_get(&cm, 1, 1), 0);
	assert_int_equal(metrics_confusion_get(&cm, 5, 1), 0);

	metrics_confusion_copy(&copy, &cm);
	metrics_confusion_reset(&cm);
	assert_int_equal(metrics_confusion_get(&cm, 0, 2), 0);
	assert_int_equal(metrics_confusion_get(&copy, 0, 2), 2);
	metrics_confusion_fini(&copy);
	metrics_confusion_fini(&cm);
	assert_null(cm.counts);

	metrics_confusion_init(&cm, 0);
	assert_int_equal(metrics_confusion_add(&cm, 0, 0), -1);
	metrics_confusion_fini(&cm);
}

/*
 * true\pred  0  1  2   support
 *     0      5  1  0   6
 *     1      2  3  1   6
 *     2      0  1  2   3
 * class 0: tp 5 fp 2 fn 1 -> P 5/7, R 5/6, F1 10/13
 * class 1: tp 3 fp 2 fn 3 -> P 3/5, R 1/2, F1 6/11
 * class 2: tp 2 fp 1 fn 1 -> P 2/3, R 2/3, F1 2/3
 */
static void
test_three_class(void **state)
{
	static const uint64_t t[] = { 5, 1, 0, 2, 3, 1, 0, 1, 2 };
	struct metrics_report r;

	(void)state;
	report_from(&r, 3, t);
	assert_int_equal(r.n, 15);
	assert_near(r.accuracy, 10.0 / 15);	/* 0.6666666666666666 */
	assert_class(&r.per_class[0], 5.0 / 7, 5.0 / 6, 10.0 / 13, 6);
	assert_class(&r.per_class[1], 3.0 / 5, 1.0 / 2, 6.0 / 11, 6);
	assert_class(&r.per_class[2], 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
	for (int i = 0; i < 3; i++) {
		assert_false(r.per_class[i].precision_undefined);
		assert_false(r.per_class[i].recall_undefined);
		assert_false(r.per_class[i].f1_undefined);
	}
	assert_int_equal(r.nmacro, 3);
	assert_near(r.macro_precision, 0.6603174603174603);	/* (5/7 + 3/5 + 2/3) / 3 */
	assert_near(r.macro_recall, 0.6666666666666666);	/* (5/6 + 1/2 + 2/3) / 3 */
	assert_near(r.macro_f1, 0.6604506604506605);		/* (10/13 + 6/11 + 2/3) / 3 */
	assert_near(r.weighted_precision, 0.659047619047619);	/* (6*5/7 + 6*3/5 + 3*2/3) / 15 */
	assert_near(r.weighted_recall, 0.6666666666666666);	/* = accuracy */
	assert_near(r.weighted_f1, 0.6592074592074592);	/* (6*10/13 + 6*6/11 + 3*2/3) / 15 */
	/* single-label micro averages all equal accuracy */
	assert_near(r.micro_precision, 2.0 / 3);
	assert_near(r.micro_recall, 2.0 / 3);
	assert_near(r.micro_f1, 2.0 / 3);
	assert_true(isnan(r.log_loss));
	assert_true(isnan(r.ece));
	assert_true(isnan(r.loss));
	assert_int_equal(metrics_confusion_get(&r.confusion, 1, 0), 2);
	metrics_report_fini(&r);
}

/*
 * Five classes. Class 3 has no support but is predicted once; class 4 never
 * occurs on either side and is left out of the macro averages (sklearn).
 * true\pred  0  1  2  3  4
 *     0      2  0  0  1  0
 *     1      0  2  0  0  0
 *     2      0  1  1  0  0
 * class 0: P 2/2, R 2/3, F1 4/5     class 1: P 2/3, R 1, F1 4/5
 * class 2: P 1/1, R 1/2, F1 2/3     class 3: P 0/1, R undefined, F1 0/1
 */
static void
test_no_support(void **state)
{
	static const uint64_t t[] = {
		2, 0, 0, 1, 0,
		0, 2, 0, 0, 0,
		0, 1, 1, 0, 0,
		0, 0, 0, 0, 0,
		0, 0, 0, 0, 0,
	};
	struct metrics_report r;

	(void)state;
	report_from(&r, 5, t);
	assert_near(r.accuracy, 5.0 / 7);
	assert_class(&r.per_class[0], 1.0, 2.0 / 3, 0.8, 3);
	assert_class(&r.per_class[1], 2.0 / 3, 1.0, 0.8, 2);
	assert_class(&r.per_class[2], 1.0, 0.5, 2.0 / 3, 2);
	assert_class(&r.per_class[3], 0.0, 0.0, 0.0, 0);
	assert_false(r.per_class[3].precision_undefined);
	assert_true(r.per_class[3].recall_undefined);
	assert_false(r.per_class[3].f1_undefined);
	assert_true(r.per_class[3].in_macro);
	assert_class(&r.per_class[4], 0.0, 0.0, 0.0, 0);
	assert_true(r.per_class[4].precision_undefined);
	assert_true(r.per_class[4].recall_undefined);
	assert_true(r.per_class[4].f1_undefined);
	assert_false(r.per_class[4].in_macro);
	assert_int_equal(r.nmacro, 4);
	assert_near(r.macro_precision, 2.0 / 3);	/* (1 + 2/3 + 1 + 0) / 4 */
	assert_near(r.macro_recall, 0.5416666666666666);	/* (2/3 + 1 + 1/2 + 0) / 4 */
	assert_near(r.macro_f1, 0.5666666666666667);	/* (4/5 + 4/5 + 2/3 + 0) / 4 */
	assert_near(r.weighted_precision, 0.9047619047619048);	/* (3*1 + 2*2/3 + 2*1) / 7 */
	assert_near(r.weighted_recall, 5.0 / 7);
	assert_near(r.weighted_f1, 0.7619047619047619);	/* (3*4/5 + 2*4/5 + 2*2/3) / 7 */
	assert_near(r.micro_f1, 5.0 / 7);
	metrics_report_fini(&r);
}

/*
 * Class 2 has support 2 but is never predicted: precision undefined -> 0.
 * true\pred  0  1  2
 *     0      3  0  0
 *     1      1  2  0
 *     2      1  1  0
 * class 0: P 3/5, R 1, F1 3/4   class 1: P 2/3, R 2/3, F1 2/3   class 2: 0, 0, 0
 */
static void
test_never_predicted(void **state)
{
	static const uint64_t t[] = { 3, 0, 0, 1, 2, 0, 1, 1, 0 };
	struct metrics_report r;

	(void)state;
	report_from(&r, 3, t);
	assert_near(r.accuracy, 5.0 / 8);
	assert_class(&r.per_class[0], 0.6, 1.0, 0.75, 3);
	assert_class(&r.per_class[1], 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
	assert_class(&r.per_class[2], 0.0, 0.0, 0.0, 2);
	assert_true(r.per_class[2].precision_undefined);
	assert_false(r.per_class[2].recall_undefined);
	assert_false(r.per_class[2].f1_undefined);
	assert_true(r.per_class[2].in_macro);
	assert_int_equal(r.per_class[2].predicted, 0);
	assert_int_equal(r.nmacro, 3);
	assert_near(r.macro_precision, 0.4222222222222222);	/* (3/5 + 2/3 + 0) / 3 */
	assert_near(r.macro_recall, 0.5555555555555556);	/* (1 + 2/3 + 0) / 3 */
	assert_near(r.macro_f1, 0.4722222222222222);		/* (3/4 + 2/3 + 0) / 3 */
	assert_near(r.weighted_precision, 0.475);		/* (3*3/5 + 3*2/3) / 8 */
	assert_near(r.weighted_recall, 0.625);
	assert_near(r.weighted_f1, 0.53125);			/* (3*3/4 + 3*2/3) / 8 */
	metrics_report_fini(&r);
}

/*
 * Binary: true\pred  0   1
 *              0    50  10
 *              1     5  35
 * class 1 (positive): P 35/45, R 35/40, F1 70/85
 * class 0: P 50/55, R 50/60, F1 100/115
 */
static void
test_binary(void **state)
{
	static const uint64_t t[] = { 50, 10, 5, 35 };
	struct metrics_report r;

	(void)state;
	report_from(&r, 2, t);
	assert_int_equal(r.n, 100);
	assert_near(r.accuracy, 0.85);
	assert_class(&r.per_class[1], 7.0 / 9, 0.875, 14.0 / 17, 40);
	assert_class(&r.per_class[0], 10.0 / 11, 5.0 / 6, 20.0 / 23, 60);
	assert_near(r.macro_precision, 0.8434343434343434);
	assert_near(r.macro_recall, 0.8541666666666666);
	assert_near(r.macro_f1, 0.8465473145780051);
	assert_near(r.weighted_precision, 0.8565656565656565);
	assert_near(r.weighted_recall, 0.85);
	assert_near(r.weighted_f1, 0.851150895140665);
	assert_near(r.micro_f1, 0.85);
	metrics_report_fini(&r);
}

static void
test_perfect(void **state)
{
	static const float p[3][3] = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
	static const uint32_t y[] = { 0, 1, 2, 2, 1, 0, 0 };
	struct metrics_eval acc;
	struct metrics_report r;

	(void)state;
	metrics_eval_init(&acc, 3);
	for (size_t i = 0; i < sizeof(y) / sizeof(y[0]); i++)
		assert_int_equal(metrics_eval_add(&acc, y[i], p[y[i]]), 0);
	metrics_eval_finish(&acc, &r);
	assert_int_equal(r.n, 7);
	assert_near(r.accuracy, 1.0);
	for (int i = 0; i < 3; i++)
		assert_class(&r.per_class[i], 1.0, 1.0, 1.0, i == 0 ? 3 : 2);
	assert_near(r.macro_f1, 1.0);
	assert_near(r.micro_f1, 1.0);
	assert_near(r.weighted_f1, 1.0);
	assert_near(r.log_loss, 0.0);
	assert_near(r.ece, 0.0);
	assert_near(r.loss, 0.0);
	metrics_report_fini(&r);
	metrics_eval_fini(&acc);
}

/*
 * -ln 0.75 = 0.2876820724517809, -ln 0.25 = 1.3862943611198906,
 * -ln 0.5 = 0.6931471805599453, and p = 0 is clipped to 1e-15:
 * -ln 1e-15 = 34.538776394910684. Mean of the four: 9.226475002260575.
 */
static void
test_log_loss(void **state)
{
	static const float p[4][3] = {
		{ 0.75f, 0.125f, 0.125f },
		{ 0.5f, 0.25f, 0.25f },
		{ 0.25f, 0.25f, 0.5f },
		{ 1.0f, 0.0f, 0.0f },
	};
	static const uint32_t y[] = { 0, 1, 2, 2 };
	struct metrics_eval acc;
	struct metrics_report r;

	(void)state;
	metrics_eval_init(&acc, 3);
	for (int i = 0; i < 4; i++)
		assert_int_equal(metrics_eval_add(&acc, y[i], p[i]), 0);
	metrics_eval_finish(&acc, &r);
	assert_near(r.log_loss, 9.226475002260575);
	/* no model loss given: loss is the log loss */
	assert_near(r.loss, r.log_loss);
	assert_near(r.accuracy, 0.5);
	metrics_report_fini(&r);

	/* the model's own loss, when given, is reported as loss */
	metrics_eval_add_loss(&acc, 3.0, 2);
	metrics_eval_add_loss(&acc, 1.0, 2);
	metrics_eval_finish(&acc, &r);
	assert_near(r.loss, 1.0);
	assert_near(r.log_loss, 9.226475002260575);
	metrics_report_fini(&r);
	metrics_eval_fini(&acc);
}

/*
 * Bins are (i/15, (i+1)/15]. Top-1 confidences and correctness:
 *   0.875   correct   bin 13      0.90625 wrong    bin 13
 *   0.625   correct   bin 9       0.75    correct  bin 11
 *   0.5     wrong     bin 7   (a tie: predicted class 0, truth 1)
 * bin 13: |1 - (0.875 + 0.90625)| = 0.78125; bin 9: |1 - 0.625| = 0.375;
 * bin 11: |1 - 0.75| = 0.25; bin 7: |0 - 0.5| = 0.5.
 * ECE = (0.78125 + 0.375 + 0.25 + 0.5) / 5 = 0.38125.
 */
static void
test_ece(void **state)
{
	static const float p[5][2] = {
		{ 0.875f, 0.125f },
		{ 0.90625f, 0.09375f },
		{ 0.625f, 0.375f },
		{ 0.25f, 0.75f },
		{ 0.5f, 0.5f },
	};
	static const uint32_t y[] = { 0, 1, 0, 1, 1 };
	struct metrics_eval acc;
	struct metrics_report r;

	(void)state;
	metrics_eval_init(&acc, 2);
	for (int i = 0; i < 5; i++)
		assert_int_equal(metrics_eval_add(&acc, y[i], p[i]), 0);
	metrics_eval_finish(&acc, &r);
	assert_near(r.ece, 0.38125);
	assert_near(r.accuracy, 0.6);
	metrics_report_fini(&r);

	/* reset forgets everything */
	metrics_eval_reset(&acc);
	metrics_eval_finish(&acc, &r);
	assert_int_equal(r.n, 0);
	assert_near(r.accuracy, 0.0);
	assert_near(r.macro_f1, 0.0);
	assert_true(isnan(r.ece));
	assert_true(isnan(r.log_loss));
	assert_true(isnan(r.loss));
	metrics_report_fini(&r);
	metrics_eval_fini(&acc);
}

static void
test_argmax_ties(void **state)
{
	static const float a[] = { 0.25f, 0.5f, 0.5f };
	static const float b[] = { 0.25f, 0.25f, 0.25f, 0.25f };
	static const float c[] = { NAN, 0.125f, 0.75f, 0.75f };
	static const float d[] = { 0.5f, 0.5f, 0.0f };
	struct metrics_eval acc;
	struct metrics_report r;

	(void)state;
	assert_int_equal(metrics_argmax(a, 3), 1);
	assert_int_equal(metrics_argmax(b, 4), 0);
	assert_int_equal(metrics_argmax(c, 4), 2);
	assert_int_equal(metrics_argmax(a, 1), 0);

	/* a tie between 0 and 1 predicts 0: right for truth 0, wrong for 1 */
	metrics_eval_init(&acc, 3);
	metrics_eval_add(&acc, 0, d);
	metrics_eval_add(&acc, 1, d);
	metrics_eval_finish(&acc, &r);
	assert_int_equal(metrics_confusion_get(&r.confusion, 0, 0), 1);
	assert_int_equal(metrics_confusion_get(&r.confusion, 1, 0), 1);
	assert_near(r.accuracy, 0.5);
	assert_near(r.log_loss, 0.6931471805599453);	/* -ln 0.5 */
	metrics_report_fini(&r);
	metrics_eval_fini(&acc);
}

/*
 * Four labels, threshold 0.5 (>= counts as predicted):
 *   true {0,1}  probs .875 .625 .125 .0  -> {0,1}  exact
 *   true {0}    probs .75  .5   .25  .0  -> {0,1}  label 1 fp
 *   true {2}    probs .25  .125 .375 .0  -> {}     label 2 fn
 *   true {1,2}  probs .125 .75  .875 .0  -> {1,2}  exact
 * label 0: tp 2 fp 0 fn 0 -> 1, 1, 1
 * label 1: tp 2 fp 1 fn 0 -> 2/3, 1, 4/5
 * label 2: tp 1 fp 0 fn 1 -> 1, 1/2, 2/3
 * label 3: never true nor predicted -> 0 (undefined), still in the macro
 * micro: tp 5 fp 1 fn 1 -> P 5/6, R 5/6, F1 5/6
 * macro F1 = (1 + 4/5 + 2/3 + 0) / 4 = 0.6166666666666667
 * subset accuracy = 2/4
 */
static void
test_multilabel(void **state)
{
	static const uint8_t t[4][4] = {
		{ 1, 1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 1, 0 },
	};
	static const float p[4][4] = {
		{ 0.875f, 0.625f, 0.125f, 0.0f },
		{ 0.75f, 0.5f, 0.25f, 0.0f },
		{ 0.25f, 0.125f, 0.375f, 0.0f },
		{ 0.125f, 0.75f, 0.875f, 0.0f },
	};
	static const float one[4] = { 1, 0, 0, 0 };
	struct metrics_eval acc;
	struct metrics_report r;

	(void)state;
	metrics_eval_init(&acc, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(metrics_eval_add_multi(&acc, t[i], p[i], 0.5f), 0);
	/* mixing single-label examples into a multi-label accumulator is refused */
	assert_int_equal(metrics_eval_add(&acc, 0, one), -1);
	metrics_eval_finish(&acc, &r);
	assert_true(r.multilabel);
	assert_int_equal(r.n, 4);
	assert_near(r.accuracy, 0.5);
	assert_class(&r.per_class[0], 1.0, 1.0, 1.0, 2);
	assert_class(&r.per_class[1], 2.0 / 3, 1.0, 0.8, 2);
	assert_class(&r.per_class[2], 1.0, 0.5, 2.0 / 3, 2);
	assert_class(&r.per_class[3], 0.0, 0.0, 0.0, 0);
	assert_true(r.per_class[3].f1_undefined);
	assert_int_equal(r.nmacro, 4);
	assert_near(r.micro_precision, 5.0 / 6);
	assert_near(r.micro_recall, 5.0 / 6);
	assert_near(r.micro_f1, 5.0 / 6);
	assert_near(r.macro_f1, 0.6166666666666667);
	/* Summed binary cross-entropy, mean over examples; p = 0 is clipped. */
	{
		double want = 0;

		for (int i = 0; i < 4; i++)
			for (int c = 0; c < 4; c++) {
				double q = fmax(p[i][c], 1e-15);

				want -= t[i][c] ? log(q) : log1p(-q);
			}
		assert_near(r.log_loss, want / 4);
		assert_true(isfinite(r.loss));
		assert_near(r.loss, r.log_loss);
	}
	assert_true(isnan(r.ece));
	assert_null(r.confusion.counts);
	metrics_report_fini(&r);

	/* and the other way round */
	metrics_eval_reset(&acc);
	assert_int_equal(metrics_eval_add(&acc, 0, one), 0);
	assert_int_equal(metrics_eval_add_multi(&acc, t[0], p[0], 0.5f), -1);
	assert_int_equal(metrics_eval_add(&acc, 4, one), -1);
	assert_int_equal(metrics_eval_add(&acc, 0, NULL), -1);
	assert_int_equal(acc.n, 1);
	metrics_eval_fini(&acc);
}

static void
test_report_copy(void **state)
{
	static const uint64_t t[] = { 5, 1, 0, 2, 3, 1, 0, 1, 2 };
	struct metrics_report r, c;

	(void)state;
	report_from(&r, 3, t);
	metrics_report_copy(&c, &r);
	metrics_report_fini(&r);
	assert_near(c.macro_f1, 0.6604506604506605);
	assert_near(c.per_class[1].recall, 0.5);
	assert_int_equal(metrics_confusion_get(&c.confusion, 2, 2), 2);
	metrics_report_fini(&c);
}

static double
json_num_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_non_null(v);
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static void
test_json(void **state)
{
	static const uint64_t t[] = { 50, 10, 5, 35 };
	static const char *const names[] = { "ham", "spam" };
	struct metrics_report r;
	struct tt_buf b;
	json_t *o, *pc, *cm;
	json_error_t err;

	(void)state;
	report_from(&r, 2, t);
	tt_buf_init(&b);
	tt_buf_adds(&b, "x");
	assert_int_equal(metrics_report_to_json(&r, names, &b), 0);
	assert_int_equal(b.data[0], 'x');	/* appends */
	o = json_loads(b.data + 1, 0, &err);
	assert_non_null(o);
	/* 6 significant digits */
	assert_non_null(strstr(b.data, "\"macro_f1\":0.846547"));
	assert_true(fabs(json_num_at(o, "accuracy") - 0.85) < 1e-6);
	assert_true(fabs(json_num_at(o, "weighted_f1") - 0.851151) < 1e-6);
	json_num_at(o, "micro_f1");
	json_num_at(o, "macro_precision");
	json_num_at(o, "macro_recall");
	assert_true(json_is_null(json_object_get(o, "loss")));
	assert_true(json_is_null(json_object_get(o, "log_loss")));
	assert_true(json_is_null(json_object_get(o, "ece")));
	pc = json_object_get(o, "per_class");
	assert_true(json_is_object(pc));
	assert_int_equal(json_object_size(pc), 2);
	assert_true(fabs(json_num_at(json_object_get(pc, "spam"), "recall") - 0.875) < 1e-6);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(pc, "ham"),
			"support")), 60);
	cm = json_object_get(o, "confusion");
	assert_int_equal(json_array_size(cm), 2);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(cm, 1), 0)), 5);
	json_decref(o);

	/* without names, labels are their indices */
	tt_buf_clear(&b);
	assert_int_equal(metrics_report_to_json(&r, NULL, &b), 0);
	o = json_loads(b.data, 0, &err);
	assert_non_null(o);
	assert_non_null(json_object_get(json_object_get(o, "per_class"), "1"));
	json_decref(o);
	tt_buf_fini(&b);
	metrics_report_fini(&r);
}

/* exp(10 ln 4 / 10) = 4 */
static void
test_perplexity(void **state)
{
	(void)state;
	assert_near(metrics_perplexity(10 * 1.3862943611198906, 10), 4.0);
	assert_near(metrics_perplexity(0.0, 3), 1.0);
	assert_true(isnan(metrics_perplexity(1.0, 0)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confusion_basics),
		cmocka_unit_test(test_three_class),
		cmocka_unit_test(test_no_support),
		cmocka_unit_test(test_never_predicted),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_perfect),
		cmocka_unit_test(test_log_loss),
		cmocka_unit_test(test_ece),
		cmocka_unit_test(test_argmax_ties),
		cmocka_unit_test(test_multilabel),
		cmocka_unit_test(test_report_copy),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_perplexity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
