/*
 * test-labelerr.c - likely label errors end to end on a separable
 * fixture: three labels with words of their own, one record given the
 * wrong label, which must rank first, flagged, with the right suggestion;
 * the same seed gives the same ranking bit for bit; test records are never
 * ranked; a label with fewer records than folds is reported, not ranked;
 * multi-label data is refused; the out-of-fold accuracy and log loss by
 * hand. Small model options keep it fast.
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

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/labelerr.h"
#include "tunetop/util.h"
#include "tunetop/xval.h"

static const char *const words[3][8] = {
	{ "apple", "banana", "cherry", "grape", "mango", "peach", "plum", "melon" },
	{ "hammer", "wrench", "saw", "drill", "chisel", "pliers", "spanner", "file" },
	{ "red", "blue", "green", "yellow", "purple", "orange", "violet", "cyan" },
};
static const char *const names[3] = { "fruit", "tool", "color" };

enum { PER_LABEL = 20, PLANTED = 6 };   /* record 6 (a fruit text: 6 % 3 = 0) is given "tool" */

/*
 * 60 records (20 a label, interleaved), then 2 of label "rare", then 3 in
 * the test split, one of them given a wrong label too.
 */
static void fixture(struct tt_buf *b, bool multilabel)
{
	uint64_t s = 12345;
	int i, w;

	tt_buf_init(b);
	for (i = 0; i < 3 * PER_LABEL + 3; i++) {
		int l = i % 3;
		const char *label = i == PLANTED ? "tool" : names[l];

		tt_buf_printf(b, "{\"id\":\"r%d\",\"text\":\"", i);
		for (w = 0; w < 6; w++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			tt_buf_printf(b, "%s%s", w ? " " : "", words[l][(s >> 33) % 8]);
		}
		if (i >= 3 * PER_LABEL)
			tt_buf_printf(b, "\",\"label\":\"%s\",\"split\":\"test\"}\n",
				      i == 3 * PER_LABEL ? "color" : label);
		else if (multilabel && i == 0)
			tt_buf_printf(b, "\",\"label\":[\"%s\",\"tool\"]}\n", label);
		else
			tt_buf_printf(b, "\",\"label\":\"%s\"}\n", label);
	}
	tt_buf_adds(b, "{\"id\":\"rare1\",\"text\":\"apple hammer red\",\"label\":\"rare\"}\n");
	tt_buf_adds(b, "{\"id\":\"rare2\",\"text\":\"plum saw cyan\",\"label\":\"rare\"}\n");
}

static void small_cfg(struct cfg *c)
{
	cfg_init(c);
	assert_int_equal(cfg_set(c, "buckets", "10000", NULL), 0);
	assert_int_equal(cfg_set(c, "dim", "16", NULL), 0);
	assert_int_equal(cfg_set(c, "epochs", "20", NULL), 0);
	assert_int_equal(cfg_set(c, "threads", "2", NULL), 0);   /* the folds use 1 anyway */
}

static void load(struct dataset *ds, bool multilabel)
{
	struct ds_options o;
	struct tt_err err;
	struct tt_buf b;

	fixture(&b, multilabel);
	ds_options_default(&o);
	tt_err_clear(&err);
	assert_int_equal(dataset_load_buffer(ds, "fixture.jsonl", b.data, b.len, &o, &err), 0);
	tt_buf_fini(&b);
}

static uint32_t label_id(const struct labelerr_report *r, const char *name)
{
	for (uint32_t l = 0; l < r->nlabels; l++)
		if (strcmp(r->label_names[l], name) == 0)
			return l;
	fail_msg("no label %s", name);
	return 0;
}

static void test_planted_error_first(void **state)
{
	struct dataset ds;
	struct labelerr_report r;
	struct tt_err err;
	struct cfg c;
	size_t i;

	(void)state;
	load(&ds, false);
	small_cfg(&c);
	tt_err_clear(&err);
	assert_int_equal(labelerr_run(&ds, &c, &r, NULL, NULL, &err), 0);
	assert_int_equal(r.folds, 5);
	/* 60 records ranked: not the 3 test ones, not the 2 of "rare". */
	assert_int_equal(r.n, 60);
	assert_int_equal(r.e[0].rec, PLANTED);
	assert_true(r.e[0].flagged);
	assert_int_equal(r.e[0].given, label_id(&r, "tool"));
	assert_int_equal(r.e[0].suggested, label_id(&r, "fruit"));
	assert_true(r.e[0].score > 0.5f);
	for (i = 0; i < r.n; i++) {
		assert_true(r.e[i].rec < 3 * PER_LABEL);
		if (i > 0)
			assert_true(r.e[i].score <= r.e[i - 1].score);
	}
	assert_false(r.label_ranked[label_id(&r, "rare")]);
	assert_int_equal(r.label_count[label_id(&r, "rare")], 2);
	assert_true(r.label_ranked[label_id(&r, "fruit")]);
	assert_true(isnan(r.score_of[3 * PER_LABEL + 3]));      /* rare1 */
	assert_true(r.flagged_of[PLANTED]);
	assert_int_equal(r.pos_of[PLANTED], 0);
	labelerr_report_fini(&r);
	cfg_fini(&c);
	dataset_fini(&ds);
}

/*
 * The out-of-fold quality figures by hand: four records, two labels
 * (renormalized over the ranked ones), given a b a b with p(given) 0.9,
 * 0.6, 0.2 and 0 (floored at 1e-15): 2 of 4 right, log loss
 * -(log 0.9 + log 0.6 + log 0.2 + log 1e-15) / 4.
 */
static void test_oof_quality(void **state)
{
	static const float probs[8] = { 0.9f, 0.1f, 0.4f, 0.6f, 0.2f, 0.8f, 1.0f, 0.0f };
	static const uint32_t given[4] = { 0, 1, 0, 1 }, src[4] = { 0, 1, 2, 3 };
	static const bool used[4] = { true, true, true, true };
	char *names[2] = { "a", "b" };
	struct xval_result xr;
	struct labelerr_report r;
	char *js;

	(void)state;
	memset(&xr, 0, sizeof xr);
	xr.n = 4;
	xr.nlabels = 2;
	xr.label_names = names;
	xr.probs = (float *)probs;
	xr.used = (bool *)used;
	xr.given = (uint32_t *)given;
	xr.src = (uint32_t *)src;
	labelerr_compute(&xr, 4, 2, 1, CLEANLAB_SELF_CONFIDENCE, &r);
	assert_int_equal(r.n, 4);
	assert_float_equal(r.oof_accuracy, 0.5, 1e-12);
	assert_float_equal(r.oof_log_loss,
			   -(log((double)0.9f) + log((double)0.6f) + log((double)0.2f) + log(1e-15)) / 4,
			   1e-9);
	js = labelerr_json_run(&r);
	assert_non_null(strstr(js, "\"accuracy\":0.5,"));
	assert_non_null(strstr(js, "\"folds\":2,\"repeats\":1,\"rank\":\"self_confidence\""));
	free(js);
	labelerr_report_fini(&r);
}

/* Bit for bit: records, labels, scores (compared as bytes) and flags. */
static bool same_ranking(const struct labelerr_report *a, const struct labelerr_report *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const struct labelerr_entry *x = &a->e[i], *y = &b->e[i];

		if (x->rec != y->rec || x->given != y->given || x->suggested != y->suggested ||
		    memcmp(&x->score, &y->score, sizeof x->score) != 0 || x->flagged != y->flagged)
			return false;
	}
	return a->n == b->n;
}

static void test_same_seed_same_ranking(void **state)
{
	struct dataset ds;
	struct labelerr_report a, b;
	struct tt_err err;
	struct cfg c;

	(void)state;
	load(&ds, false);
	small_cfg(&c);
	tt_err_clear(&err);
	assert_int_equal(labelerr_run(&ds, &c, &a, NULL, NULL, &err), 0);
	assert_int_equal(labelerr_run(&ds, &c, &b, NULL, NULL, &err), 0);
	assert_int_equal(a.n, b.n);
	assert_true(same_ranking(&a, &b));
	labelerr_report_fini(&b);
	/* Another seed: other folds and weights, so other scores (the planted one still first). */
	assert_int_equal(cfg_set(&c, "seed", "7", NULL), 0);
	assert_int_equal(labelerr_run(&ds, &c, &b, NULL, NULL, &err), 0);
	assert_int_equal(b.e[0].rec, PLANTED);
	assert_false(same_ranking(&a, &b));
	labelerr_report_fini(&a);
	labelerr_report_fini(&b);
	cfg_fini(&c);
	dataset_fini(&ds);
}

/* Folds: every one-label non-test record in one, stratified. */
static void test_folds_stratified(void **state)
{
	struct dataset ds;
	struct tt_err err;
	struct trainer_input *in;
	uint32_t *fold, count[5][8];
	size_t i;

	(void)state;
	load(&ds, false);
	tt_err_clear(&err);
	in = labelerr_input(&ds, &err);
	assert_non_null(in);
	assert_int_equal(in->n, 62);            /* 60 + 2 rare; no test records */
	fold = malloc(in->n * sizeof *fold);
	xval_assign_folds(in, 5, 42, fold);
	memset(count, 0, sizeof count);
	for (i = 0; i < in->n; i++) {
		assert_true(fold[i] < 5);
		count[fold[i]][in->label_ids[in->label_off[i]]]++;
	}
	/* 19 fruit (the planted one is given tool: 21 tool), 20 color: about 4 of each a fold. */
	for (int f = 0; f < 5; f++)
		for (uint32_t l = 0; l < in->nlabels; l++)
			if (strcmp(in->label_names[l], "rare") != 0)
				assert_true(count[f][l] >= 3 && count[f][l] <= 5);
	free(fold);
	trainer_input_free(in);
	dataset_fini(&ds);
}

static void test_multilabel_refused(void **state)
{
	struct dataset ds;
	struct labelerr_report r;
	struct tt_err err;
	struct cfg c;

	(void)state;
	load(&ds, true);
	assert_true(ds.multilabel);
	small_cfg(&c);
	tt_err_clear(&err);
	assert_int_equal(labelerr_run(&ds, &c, &r, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "multi-label"));
	cfg_fini(&c);
	dataset_fini(&ds);
}

/* A cancelled run reports so and gives no result. */
static void test_cancel(void **state)
{
	struct dataset ds;
	struct xval_progress p;
	struct xval_result xr;
	struct tt_err err;
	struct xval *x;
	struct cfg c;

	(void)state;
	load(&ds, false);
	small_cfg(&c);
	tt_err_clear(&err);
	x = labelerr_start(&ds, &c, &err);
	assert_non_null(x);
	xval_cancel(x);
	assert_true(xval_wait(x, -1));
	xval_progress(x, &p);
	assert_true(p.done);
	assert_true(p.cancelled);
	assert_true(p.failed);
	assert_int_equal(xval_take(x, &xr), -1);
	xval_destroy(x);
	cfg_fini(&c);
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planted_error_first),
		cmocka_unit_test(test_oof_quality),
		cmocka_unit_test(test_same_seed_same_ranking),
		cmocka_unit_test(test_folds_stratified),
		cmocka_unit_test(test_multilabel_refused),
		cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
