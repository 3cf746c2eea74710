/*
 * test-unkrate.c - the unknown-word rate under a model's vocabulary
 * (unkrate.h) and the outlier kind unknown (findings.h) on a constructed
 * case: a vocabulary of known words (one under min_count), records with
 * 0, 1/4, 3/5 and all of their words unknown, one without words; the
 * rates exact, the kind set above check_max_unknown only, the filter name,
 * the rate in the JSON findings, and no kind when no rates are given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/findings.h"
#include "tunetop/quality.h"
#include "tunetop/tokenize.h"
#include "tunetop/tokenizer.h"
#include "tunetop/unkrate.h"

static struct tokenizer *make_tok(void)
{
	struct tok_config c;
	struct tok_vocab v;
	static const char *train[] = {
		"the invoice was charged twice", "my password reset link is broken",
		"The INVOICE, the login!", "rare",
	};
	size_t i;

	tok_config_default(&c);
	c.min_count = 2;	/* words seen once are out of the vocabulary */
	tok_vocab_init(&v, &c);
	for (i = 0; i < 4; i++) {
		tok_vocab_add_text(&v, train[i], strlen(train[i]));
		if (i < 3)	/* every word of the first three twice: in the vocabulary */
			tok_vocab_add_text(&v, train[i], strlen(train[i]));
	}
	tok_vocab_finish(&v);
	return tokenizer_ngram_create(&v);
}

static void load(struct dataset *ds, const char *jsonl)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	tt_err_clear(&err);
	assert_int_equal(dataset_load_buffer(ds, "u.jsonl", jsonl, strlen(jsonl), &o, &err), 0);
}

static const char data[] =
	"{\"id\": \"a\", \"text\": \"The invoice was charged twice\", \"label\": \"x\"}\n"
	"{\"id\": \"b\", \"text\": \"my password zorblat broken\", \"label\": \"x\"}\n"
	"{\"id\": \"c\", \"text\": \"zorblat quinx rare the invoice\", \"label\": \"y\"}\n"
	"{\"id\": \"d\", \"text\": \"Zorblat QUINX frobnicate\", \"label\": \"y\"}\n"
	"{\"id\": \"e\", \"text\": \"   \", \"label\": \"y\"}\n";

static void test_rates(void **state)
{
	struct tokenizer *tok = make_tok();
	struct dataset ds;
	struct tt_err err;
	float rate[5];

	(void)state;
	load(&ds, data);
	tt_err_clear(&err);
	assert_int_equal(unkrate_compute(tok, &ds, rate, &err), 0);
	assert_float_equal(rate[0], 0.0f, 1e-6);	/* case folded: all known */
	assert_float_equal(rate[1], 0.25f, 1e-6);
	assert_float_equal(rate[2], 0.6f, 1e-6);	/* "rare" is under min_count */
	assert_float_equal(rate[3], 1.0f, 1e-6);
	assert_true(isnan(rate[4]));
	dataset_fini(&ds);
	tokenizer_destroy(tok);
}

static void test_findings_kind(void **state)
{
	struct tokenizer *tok = make_tok();
	struct dataset ds;
	struct tt_err err;
	struct findings_options o;
	struct findings f;
	struct quality_report q;
	struct cfg c;
	float rate[5];
	json_t *j, *list;
	size_t i;

	(void)state;
	load(&ds, data);
	cfg_init(&c);
	tt_err_clear(&err);
	assert_int_equal(findings_options_from_cfg(&c, &o, &err), 0);
	assert_float_equal(o.max_unknown, 0.5, 1e-9);	/* check_max_unknown's default */
	assert_int_equal(unkrate_compute(tok, &ds, rate, &err), 0);

	/* no rates: no unknown kind, whatever the texts */
	findings_compute(&ds, &o, &f);
	assert_null(f.unknown);
	for (i = 0; i < 5; i++)
		assert_false(f.outlier[i] & FINDINGS_O_UNKNOWN);
	findings_fini(&f);

	o.unknown = rate;
	o.unknown_model = "m.safetensors";
	findings_compute(&ds, &o, &f);
	rate[2] = 0;	/* the findings keep their own copy */
	assert_false(f.outlier[0] & FINDINGS_O_UNKNOWN);
	assert_false(f.outlier[1] & FINDINGS_O_UNKNOWN);
	assert_true(f.outlier[2] & FINDINGS_O_UNKNOWN);	/* 0.6 > 0.5 */
	assert_true(f.outlier[3] & FINDINGS_O_UNKNOWN);
	assert_false(f.outlier[4] & FINDINGS_O_UNKNOWN);	/* no words: empty, not unknown */
	assert_true(f.outlier[4] & FINDINGS_O_EMPTY);
	assert_int_equal(f.per_kind[6], 2);
	assert_true(f.flags[2] & FINDINGS_OUTLIER);
	assert_int_equal(findings_outlier_parse("unknown"), FINDINGS_O_UNKNOWN);
	assert_string_equal(findings_outlier_name(FINDINGS_O_UNKNOWN), "unknown");

	quality_compute(&ds, &q);
	j = findings_json(&ds, &q, &f);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(j,
		"outliers"), "unknown"), "model")), "m.safetensors");
	list = json_object_get(json_object_get(j, "outliers"), "list");
	assert_int_equal(json_array_size(list), 3);	/* c, d, e */
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")), "c");
	assert_float_equal(json_real_value(json_object_get(json_array_get(list, 0), "unknown_rate")),
			   0.6, 1e-6);
	assert_float_equal(json_real_value(json_object_get(json_array_get(list, 1), "unknown_rate")),
			   1.0, 1e-6);
	assert_null(json_object_get(json_array_get(list, 2), "unknown_rate"));
	json_decref(j);
	quality_fini(&q);
	findings_fini(&f);

	/* a stricter bound flags b too */
	rate[2] = 0.6f;
	o.max_unknown = 0.2;
	findings_compute(&ds, &o, &f);
	assert_true(f.outlier[1] & FINDINGS_O_UNKNOWN);
	assert_int_equal(f.per_kind[6], 3);
	findings_fini(&f);
	cfg_fini(&c);
	dataset_fini(&ds);
	tokenizer_destroy(tok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_findings_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
