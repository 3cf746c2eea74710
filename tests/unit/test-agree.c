/*
 * test-agree.c - annotator agreement against hand-computed and published
 * values: Cohen's kappa of the textbook 2x2 table (0.4), Krippendorff's
 * alpha of the worked examples in Krippendorff (2011), "Computing
 * Krippendorff's alpha-reliability": two observers, binary, 10 units
 * (alpha 0.095) and four observers, nominal, 12 units with missing values
 * (alpha 0.743); per-label kappa by hand; the answers read from a journal
 * with two annotators, an undone answer, an adjudication that settles a
 * record and the provenance it keeps; a malformed "adjudicates" is an
 * error with line:column.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "tunetop/agree.h"

static void test_kappa_textbook(void **state)
{
	/* 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o 0.7, p_e 0.5 */
	const uint64_t t[4] = { 20, 5, 10, 15 };
	const uint64_t same[4] = { 7, 0, 0, 0 }, none[4] = { 0, 0, 0, 0 };

	(void)state;
	assert_float_equal(agree_kappa(t, 2), 0.4, 1e-12);
	assert_true(isnan(agree_kappa(same, 2)));	/* one category: undefined */
	assert_true(isnan(agree_kappa(none, 2)));
}

static void test_alpha_binary_two(void **state)
{
	/* Krippendorff 2011, section A: observers A and B, 10 units */
	static const int a[10] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const int b[10] = { 1, 1, 1, 0, 0, 1, 0, 0, 0, 0 };
	int32_t v[20];
	uint64_t t[4] = { 0, 0, 0, 0 };
	size_t i, n;

	(void)state;
	for (i = 0; i < 10; i++) {
		v[2 * i] = a[i];
		v[2 * i + 1] = b[i];
		t[a[i] * 2 + b[i]]++;
	}
	/* 1 - (20 - 1) * 8 / (2 * 14 * 6) = 0.0952 */
	assert_float_equal(agree_alpha(v, 10, 2, 2, &n), 1.0 - 19.0 * 8.0 / 168.0, 1e-12);
	assert_int_equal(n, 20);
	assert_float_equal(agree_alpha(v, 10, 2, 2, NULL), 0.095, 5e-4);
	/* kappa by hand: p_o 0.6, p_e 0.2*0.4 + 0.8*0.6 = 0.56 -> 0.04 / 0.44 */
	assert_float_equal(agree_kappa(t, 2), 0.04 / 0.44, 1e-12);
}

static void test_alpha_nominal_missing(void **state)
{
	/* Krippendorff 2011, section C: 4 observers, 12 units, values 1..5, 0 missing */
	static const int d[4][12] = {
		{ 1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0 },
		{ 1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3 },
		{ 0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0 },
		{ 1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0 },
	};
	int32_t v[12 * 4];
	size_t u, n;
	int c;

	(void)state;
	for (u = 0; u < 12; u++)
		for (c = 0; c < 4; c++)
			v[u * 4 + c] = d[c][u] - 1;
	/* the paper: n = 40 pairable values, alpha = 0.743 */
	assert_float_equal(agree_alpha(v, 12, 4, 5, &n), 0.743, 5e-4);
	assert_int_equal(n, 40);
}

/* A table by hand: two coders, three labels, per-label kappa. */
static void test_report_per_label(void **state)
{
	/* units: (a,a) (a,a) (b,b) (b,c) (c,c) (a,b) (c,-) */
	static const char *const x[7] = { "a", "a", "b", "b", "c", "a", "c" };
	static const char *const y[7] = { "a", "a", "b", "c", "c", "b", NULL };
	struct agree_table t;
	struct agree_report r;
	uint32_t ana, bob;
	size_t u;

	(void)state;
	agree_table_init(&t, 7);
	ana = agree_coder(&t, "ana");
	bob = agree_coder(&t, "bob");
	for (u = 0; u < 7; u++) {
		char cat[16];

		snprintf(cat, sizeof cat, "[\"%s\"]", x[u]);
		agree_set(&t, u, ana, (int32_t)agree_cat(&t, cat));
		if (y[u] != NULL) {
			snprintf(cat, sizeof cat, "[\"%s\"]", y[u]);
			agree_set(&t, u, bob, (int32_t)agree_cat(&t, cat));
		}
	}
	agree_report(&t, &r);
	assert_int_equal(r.answered, 7);
	assert_int_equal(r.both, 6);
	assert_int_equal(r.pairable, 6);
	assert_int_equal(r.disagree, 2);
	/*
	 * Overall over 6 pairs: agree 4 -> p_o 2/3; ana a3 b2 c1, bob a2 b2 c2:
	 * p_e = (3*2 + 2*2 + 1*2) / 36 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5.
	 */
	assert_float_equal(r.kappa, 0.5, 1e-12);
	/*
	 * Label a (cat 0) vs the rest: pairs (1,1) x2, (0,0) x3, (1,0) x1:
	 * p_o 5/6, ana 3/6, bob 2/6: p_e = 0.5*(1/3) + 0.5*(2/3) = 0.5 -> kappa 2/3.
	 * Label c (cat 2): (0,0) x4, (0,1) x1, (1,1) x1: p_o 5/6, ana 1/6, bob 2/6:
	 * p_e = 1/18 + 20/36 = 22/36 -> kappa (30/36 - 22/36) / (14/36) = 4/7.
	 */
	assert_float_equal(r.label[0].kappa, 2.0 / 3.0, 1e-12);
	assert_float_equal(r.label[2].kappa, 4.0 / 7.0, 1e-12);
	assert_int_equal(r.label[0].count[ana], 3);
	assert_int_equal(r.label[2].count[bob], 2);
	assert_true(agree_disagrees(&t, 3));
	assert_false(agree_disagrees(&t, 6));	/* one answer */
	agree_report_fini(&r);
	agree_table_fini(&t);
}

static const char data[] =
	"{\"id\": \"r1\", \"text\": \"one\", \"label\": \"a\"}\n"
	"{\"id\": \"r2\", \"text\": \"two\"}\n"
	"{\"id\": \"r3\", \"text\": \"three\"}\n";

#define HEAD "{\"tunetop_journal\":1,\"size\":0,\"xxh3\":\"0000000000000000\",\"next_seq\":1}\n"
#define EV(seq, who, id, after) \
	"{\"seq\":" #seq ",\"time\":\"t\",\"annotator\":\"" who "\",\"id\":\"" id "\"," \
	"\"op\":\"label\",\"before\":[],\"after\":" after "}\n"

static void load(struct dataset *ds)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	tt_err_clear(&err);
	assert_int_equal(dataset_load_buffer(ds, "agree.jsonl", data, sizeof data - 1, &o, &err), 0);
}

static void test_from_journal(void **state)
{
	static const char text[] = HEAD
		EV(1, "ana", "r1", "[\"a\"]")
		EV(2, "bob", "r1", "[\"b\"]")
		EV(3, "ana", "r2", "[\"a\"]")
		EV(4, "bob", "r2", "[\"b\"]")
		EV(5, "bob", "r2", "[\"a\"]")	/* bob changes his mind: his last answer counts */
		EV(6, "ana", "r3", "[\"b\"]")
		EV(7, "bob", "r3", "[\"a\"]")
		"{\"seq\":8,\"time\":\"t\",\"annotator\":\"bob\",\"op\":\"undo\",\"step\":7}\n"
		"{\"seq\":9,\"time\":\"t\",\"annotator\":\"lead\",\"id\":\"r1\",\"op\":\"label\","
		"\"before\":[\"b\"],\"after\":[\"b\"],\"adjudicates\":[{\"annotator\":\"ana\","
		"\"label\":[\"a\"]},{\"annotator\":\"bob\",\"label\":[\"b\"]}]}\n";
	struct dataset ds;
	struct journal *j;
	struct tt_err err;
	struct agree_table t;
	struct tt_buf b;

	(void)state;
	load(&ds);
	tt_err_clear(&err);
	if (journal_open_buffer(&j, "agree.journal", text, sizeof text - 1, &ds,
				JOURNAL_TRUST_BASE, &err) != 0) {
		char msg[600];

		tt_err_format(&err, msg, sizeof msg);
		fail_msg("%s", msg);
	}
	agree_table_init(&t, ds.n);
	agree_add_journal(&t, j, &ds);
	assert_int_equal(t.ncoders, 2);	/* the adjudicator is not a coder */
	assert_string_equal(t.coders[0], "ana");
	assert_true(agree_disagrees(&t, 0));
	assert_true(agree_settled(&t, 0));
	assert_false(agree_disagrees(&t, 1));
	assert_int_equal(agree_answers(&t, 2), 1);	/* bob's answer was undone */
	tt_buf_init(&b);
	agree_answers_json(&t, 0, &b);
	assert_string_equal(b.data, "[{\"annotator\":\"ana\",\"label\":[\"a\"]},"
				    "{\"annotator\":\"bob\",\"label\":[\"b\"]}]");
	tt_buf_clear(&b);
	agree_answers_line(&t, 0, &b);
	assert_string_equal(b.data, "ana a · bob b");
	tt_buf_fini(&b);
	/* the provenance is kept in memory and written back by compaction */
	{
		struct tt_buf ser;

		tt_buf_init(&ser);
		journal_serialize(j, &ser);
		assert_non_null(strstr(ser.data, "\"adjudicates\":[{\"annotator\":\"ana\",\"label\":[\"a\"]}"));
		tt_buf_fini(&ser);
	}
	agree_table_fini(&t);
	journal_close(j);
	dataset_fini(&ds);
}

static void test_bad_adjudicates(void **state)
{
	static const char text[] = HEAD
		EV(1, "ana", "r1", "[\"a\"]")
		"{\"seq\":2,\"time\":\"t\",\"annotator\":\"lead\",\"id\":\"r1\",\"op\":\"label\","
		"\"before\":[\"a\"],\"after\":[\"b\"],\"adjudicates\":[{\"who\":\"ana\"}]}\n";
	struct dataset ds;
	struct journal *j = NULL;
	struct tt_err err;
	char msg[600];

	(void)state;
	load(&ds);
	tt_err_clear(&err);
	assert_int_equal(journal_open_buffer(&j, "two.journal", text, sizeof text - 1, &ds,
					     JOURNAL_TRUST_BASE, &err), -1);
	tt_err_format(&err, msg, sizeof msg);
	if (strstr(msg, "two.journal:3:") == NULL)
		fail_msg("%s", msg);
	assert_non_null(strstr(msg, "{\"annotator\": NAME, \"label\": [LABEL...]}"));
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kappa_textbook),
		cmocka_unit_test(test_alpha_binary_two),
		cmocka_unit_test(test_alpha_nominal_missing),
		cmocka_unit_test(test_report_per_label),
		cmocka_unit_test(test_from_journal),
		cmocka_unit_test(test_bad_adjudicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
