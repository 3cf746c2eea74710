/*
 * test-edit.c - edits to records (values in and out, dirty marks, new
 * labels), record lookup by id and number, and the filters of bulk edits:
 * every term, AND, regexes with spaces, and errors that name the term;
 * the prediction terms (pred=, conf, correct, wrong) over a fake model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/edit.h"
#include "tunetop/findings.h"

static const char edit_data[] =
	"{\"id\":\"a\",\"text\":\"My card was charged twice\",\"label\":\"billing\",\"split\":\"train\"}\n"
	"{\"id\":\"b\",\"text\":\"cannot log in\",\"label\":\"access\",\"split\":\"valid\"}\n"
	"{\"text\":\"no id here, refund please\",\"label\":null}\n"
	"{\"id\":\"7\",\"text\":\"late fee on the invoice\",\"label\":\"billing\"}\n"
	"{\"text\":\"passwort vergessen\"}\n";

static void load(struct dataset *ds, struct edit_index *x)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(ds, "e.jsonl", edit_data, sizeof edit_data - 1, &o,
					     &err), 0);
	edit_index_build(x, ds);
}

static void unload(struct dataset *ds, struct edit_index *x)
{
	edit_index_fini(x);
	dataset_fini(ds);
}

static char *get(const struct dataset *ds, size_t i, enum edit_field f)
{
	json_t *v = edit_get(ds, i, f);
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	json_decref(v);
	return s;
}

static void assert_get(const struct dataset *ds, size_t i, enum edit_field f, const char *want)
{
	char *s = get(ds, i, f);

	assert_string_equal(s, want);
	free(s);
}

static void set(struct dataset *ds, size_t i, enum edit_field f, const char *json, int changed,
		uint32_t *new_labels)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);

	assert_non_null(v);
	assert_null(edit_value_check(f, v));
	assert_int_equal(edit_set(ds, i, f, v, new_labels), changed);
	json_decref(v);
}

static void test_ops(void **state)
{
	enum edit_op op;
	int i;

	(void)state;
	for (i = 0; i < EDIT_NOPS; i++) {
		assert_int_equal(edit_op_parse(edit_op_name((enum edit_op)i), &op), 0);
		assert_int_equal(op, i);
	}
	assert_int_equal(edit_op_parse("labl", &op), -1);
	assert_int_equal(edit_op_field(EDIT_SURE), EDIT_F_UNSURE);
	assert_int_equal(edit_op_field(EDIT_UNDELETE), EDIT_F_DELETED);
	assert_string_equal(edit_field_name(EDIT_F_NOTE), "note");
}

static void test_get_set(void **state)
{
	struct dataset ds;
	struct edit_index x;
	uint32_t nl = 0;

	(void)state;
	load(&ds, &x);
	assert_get(&ds, 0, EDIT_F_LABELS, "[\"billing\"]");
	assert_get(&ds, 2, EDIT_F_LABELS, "[]");
	assert_get(&ds, 0, EDIT_F_FLAGGED, "false");
	assert_get(&ds, 0, EDIT_F_NOTE, "null");
	assert_get(&ds, 1, EDIT_F_TEXT, "\"cannot log in\"");
	assert_false(ds.recs[0].flags & DS_FLAG_DIRTY);

	set(&ds, 0, EDIT_F_LABELS, "[\"billing\"]", 0, &nl);      /* same: not dirty */
	assert_false(ds.recs[0].flags & DS_FLAG_DIRTY);
	set(&ds, 0, EDIT_F_LABELS, "[\"refund\",\"billing\",\"refund\"]", 1, &nl);
	assert_int_equal(nl, 1);                                   /* refund is new */
	assert_true(ds.recs[0].flags & DS_FLAG_DIRTY);
	assert_true(ds.multilabel);
	assert_get(&ds, 0, EDIT_F_LABELS, "[\"refund\",\"billing\"]");   /* duplicates dropped */
	set(&ds, 0, EDIT_F_LABELS, "[]", 1, &nl);
	assert_int_equal(ds_record_nlabels(&ds.recs[0]), 0);

	set(&ds, 1, EDIT_F_FLAGGED, "true", 1, NULL);
	set(&ds, 1, EDIT_F_FLAGGED, "true", 0, NULL);
	assert_true(ds.recs[1].flags & DS_FLAG_FLAGGED);
	set(&ds, 1, EDIT_F_UNSURE, "true", 1, NULL);
	set(&ds, 1, EDIT_F_FLAGGED, "false", 1, NULL);
	assert_true(ds.recs[1].flags & DS_FLAG_UNSURE);
	assert_false(ds.recs[1].flags & DS_FLAG_FLAGGED);
	set(&ds, 1, EDIT_F_DELETED, "true", 1, NULL);
	assert_true(ds.recs[1].flags & DS_FLAG_DELETED);

	set(&ds, 2, EDIT_F_NOTE, "\"check \\u00e9\"", 1, NULL);
	assert_string_equal(ds.recs[2].note, "check \xc3\xa9");
	set(&ds, 2, EDIT_F_NOTE, "\"check \\u00e9\"", 0, NULL);
	set(&ds, 2, EDIT_F_NOTE, "null", 1, NULL);
	assert_null(ds.recs[2].note);

	set(&ds, 3, EDIT_F_TEXT, "\"a new\\ntext\"", 1, NULL);
	assert_int_equal(ds.recs[3].text_len, 10);
	assert_memory_equal(ds.recs[3].text, "a new\ntext", 10);
	set(&ds, 3, EDIT_F_TEXT, "\"a new\\ntext\"", 0, NULL);
	unload(&ds, &x);
}

static void test_value_check(void **state)
{
	static const struct {
		enum edit_field f;
		const char *json;
		int ok;
	} cases[] = {
		{ EDIT_F_LABELS, "[]", 1 }, { EDIT_F_LABELS, "[\"a\",\"b\"]", 1 },
		{ EDIT_F_LABELS, "\"a\"", 0 }, { EDIT_F_LABELS, "[\"\"]", 0 },
		{ EDIT_F_LABELS, "[1]", 0 }, { EDIT_F_LABELS, "[\"a\\u0000b\"]", 0 },
		{ EDIT_F_FLAGGED, "true", 1 }, { EDIT_F_FLAGGED, "1", 0 },
		{ EDIT_F_DELETED, "null", 0 }, { EDIT_F_NOTE, "null", 1 },
		{ EDIT_F_NOTE, "\"x\"", 1 }, { EDIT_F_NOTE, "3", 0 },
		{ EDIT_F_TEXT, "\"\"", 1 }, { EDIT_F_TEXT, "null", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_t *v = json_loads(cases[i].json, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

		assert_non_null(v);
		if (cases[i].ok)
			assert_null(edit_value_check(cases[i].f, v));
		else
			assert_non_null(edit_value_check(cases[i].f, v));
		json_decref(v);
	}
}

static void test_find(void **state)
{
	struct dataset ds;
	struct edit_index x;
	struct tt_err err;
	struct edit_ref r;
	struct tt_buf b;
	size_t i;

	(void)state;
	load(&ds, &x);
	assert_int_equal(edit_find(&x, &ds, "b", &i, &err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(edit_find(&x, &ds, "3", &i, &err), 0);     /* no id: its number */
	assert_int_equal(i, 2);
	assert_int_equal(edit_find(&x, &ds, "7", &i, &err), 0);     /* an id that looks like a number */
	assert_int_equal(i, 3);
	assert_int_equal(edit_find(&x, &ds, "1", &i, &err), -1);    /* record 1 has the id "a" */
	assert_non_null(strstr(err.msg, "no record '1'"));
	assert_int_equal(edit_find(&x, &ds, "@1", &i, &err), 0);
	assert_int_equal(i, 0);
	assert_int_equal(edit_find(&x, &ds, "@6", &i, &err), -1);
	assert_int_equal(edit_find(&x, &ds, "zz", &i, &err), -1);
	assert_int_equal(edit_find(&x, &ds, "", &i, &err), -1);

	edit_ref_of(&x, &ds, 1, &r);
	assert_string_equal(r.id, "b");
	assert_int_equal(edit_ref_find(&x, &ds, &r, &i), 0);
	assert_int_equal(i, 1);
	edit_ref_fini(&r);
	edit_ref_of(&x, &ds, 4, &r);
	assert_null(r.id);
	assert_int_equal(r.rec, 5);
	tt_buf_init(&b);
	edit_ref_format(&r, &b);
	assert_string_equal(b.data, "5");
	tt_buf_fini(&b);
	r.rec = 6;
	assert_int_equal(edit_ref_find(&x, &ds, &r, &i), -1);
	unload(&ds, &x);
}

/*
 * A fake model's predictions for the 5 records: record 4 has none, and
 * record 5's 0.6f is not exactly 0.6 (conf<=0.6 must still hold).
 */
static const char *fake_label[] = { "billing", "billing", "access", NULL, "access" };
static const float fake_conf[] = { 0.95f, 0.55f, 0.30f, 0.0f, 0.6f };
static int fake_calls;

static int fake_get(void *opaque, size_t index, const char **label, float *conf)
{
	(void)opaque;
	fake_calls++;
	if (index >= 5 || fake_label[index] == NULL)
		return -1;
	*label = fake_label[index];
	*conf = fake_conf[index];
	return 0;
}

/* Claims a prediction but gives no label: must count as none. */
static int fake_get_null(void *opaque, size_t index, const char **label, float *conf)
{
	(void)opaque;
	(void)index;
	*label = NULL;
	*conf = 0.5f;
	return 0;
}

static const struct edit_preds fake_preds = { fake_get, NULL };

/*
 * Which records (1-based, as a string like "134") a filter matches with
 * preds and findings; *need (may be NULL) gets edit_filter_findings.
 */
static void assert_filter_with(const char *text, const struct edit_preds *preds,
			       const struct edit_findings *findings, unsigned *need,
			       const char *want)
{
	struct dataset ds;
	struct edit_index x;
	struct edit_filter f;
	struct tt_err err;
	char got[16] = "";
	size_t i, n = 0;

	load(&ds, &x);
	ds.recs[1].flags |= DS_FLAG_FLAGGED;
	ds.recs[4].flags |= DS_FLAG_UNSURE;
	ds.recs[4].note = tt_xstrdup("ask Ana");
	tt_err_clear(&err);
	if (edit_filter_parse(&f, &ds, &x, text, &err) != 0)
		fail_msg("filter '%s': %s", text, err.msg);
	assert_null(f.preds);
	assert_null(f.findings);
	f.preds = preds;
	f.findings = findings;
	if (need != NULL)
		*need = edit_filter_findings(&f);
	for (i = 0; i < ds.n; i++) {
		if (edit_filter_match(&f, &ds, i))
			got[n++] = (char)('1' + i);
	}
	if (strcmp(got, want) != 0)
		fail_msg("filter '%s' matched '%s', want '%s'", text, got, want);
	edit_filter_fini(&f);
	unload(&ds, &x);
}

static void assert_filter_preds(const char *text, const struct edit_preds *preds,
				const char *want)
{
	assert_filter_with(text, preds, NULL, NULL, want);
}

static void assert_filter(const char *text, const char *want)
{
	assert_filter_preds(text, NULL, want);
}

/* Duplicate ids are refused by name (and listed); an empty id is no id. */
static void test_find_dup_and_empty_ids(void **state)
{
	static const char data[] =
		"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"\",\"text\":\"two\"}\n"
		"{\"id\":\"a\",\"text\":\"three\"}\n{\"id\":\"a\",\"text\":\"four\"}\n";
	struct dataset ds;
	struct edit_index x;
	struct ds_options o;
	struct tt_err err;
	struct edit_ref r;
	struct tt_buf b;
	size_t i;

	(void)state;
	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(&ds, "d.jsonl", data, sizeof data - 1, &o, &err), 0);
	edit_index_build(&x, &ds);
	assert_int_equal(x.dup_ids, 1);
	assert_int_equal(x.dup_records, 2);
	assert_int_equal(x.dup_first, 2);
	tt_err_clear(&err);
	assert_int_equal(edit_find(&x, &ds, "a", &i, &err), -1);
	assert_string_equal(err.msg, "id 'a' names 3 records (@1, @3, @4): address one as @N");
	assert_int_equal(edit_find(&x, &ds, "@3", &i, &err), 0);
	assert_int_equal(i, 2);
	/* The journal names the first by its id, the others by number. */
	edit_ref_of(&x, &ds, 0, &r);
	assert_string_equal(r.id, "a");
	edit_ref_fini(&r);
	edit_ref_of(&x, &ds, 2, &r);
	assert_null(r.id);
	assert_int_equal(r.rec, 3);
	edit_ref_fini(&r);
	/* An empty id: named by number, found by number, shown as the number. */
	edit_ref_of(&x, &ds, 1, &r);
	assert_null(r.id);
	assert_int_equal(r.rec, 2);
	edit_ref_fini(&r);
	assert_int_equal(edit_find(&x, &ds, "2", &i, &err), 0);
	assert_int_equal(i, 1);
	assert_int_equal(edit_find(&x, &ds, "", &i, &err), -1);
	tt_buf_init(&b);
	ds_record_id(&ds, 1, &b);
	assert_string_equal(b.data, "2");
	tt_buf_fini(&b);
	edit_index_fini(&x);
	dataset_fini(&ds);
}

static void test_filters(void **state)
{
	(void)state;
	assert_filter("all", "12345");
	assert_filter("label=billing", "14");
	assert_filter("label!=billing", "235");
	assert_filter("unlabeled", "35");
	assert_filter("labeled", "124");
	assert_filter("split=train", "1");
	assert_filter("split=none", "345");
	assert_filter("flag=flagged", "2");
	assert_filter("flagged", "2");
	assert_filter("unsure", "5");
	assert_filter("flag=none", "134");
	assert_filter("text~/charged/", "1");
	assert_filter("text~/CHARGED/", "");
	assert_filter("text~/CHARGED/i", "1");
	assert_filter("text~/late fee/", "4");          /* a space inside the regex */
	assert_filter("text~/^(my|no) /i", "13");
	assert_filter("text!~/o/", "1");
	assert_filter("note~/ana/i", "5");
	assert_filter("id=b", "2");
	assert_filter("id=@3", "3");
	assert_filter("  label=billing   text~/invoice/  ", "4");   /* AND */
	assert_filter("unlabeled text~/refund/", "3");
}

static void assert_filter_error(const char *text, const char *want)
{
	struct dataset ds;
	struct edit_index x;
	struct edit_filter f;
	struct tt_err err;

	load(&ds, &x);
	tt_err_clear(&err);
	assert_int_equal(edit_filter_parse(&f, &ds, &x, text, &err), -1);
	if (strstr(err.msg, want) == NULL)
		fail_msg("filter '%s': '%s' lacks '%s'", text, err.msg, want);
	unload(&ds, &x);
}

static void test_filter_errors(void **state)
{
	(void)state;
	assert_filter_error("", "empty filter");
	assert_filter_error("label=billing colour=red", "unknown filter term 'colour=red'");
	assert_filter_error("label=biling", "filter term 'label=biling': no label 'biling'");
	assert_filter_error("split=later", "filter term 'split=later': expected split=train");
	assert_filter_error("flag=red", "filter term 'flag=red'");
	assert_filter_error("text~/(/", "filter term 'text~/(/': bad regular expression");
	assert_filter_error("text~refund", "expected a regular expression between slashes");
	assert_filter_error("id=zz", "filter term 'id=zz': no record 'zz'");
}

static void test_filter_preds(void **state)
{
	(void)state;
	assert_filter_preds("pred=billing", &fake_preds, "12");
	assert_filter_preds("pred=access", &fake_preds, "35");
	assert_filter_preds("pred!=billing", &fake_preds, "35");   /* 4: no prediction */
	assert_filter_preds("pred!=access", &fake_preds, "12");
	assert_filter_preds("conf=..0.6", &fake_preds, "235");     /* 0.6f counts as 0.6 */
	assert_filter_preds("conf=0.9..", &fake_preds, "1");
	assert_filter_preds("conf=0.3..0.55", &fake_preds, "23");  /* both ends included */
	assert_filter_preds("conf=0.6..0.6", &fake_preds, "5");
	assert_filter_preds("conf=0..1", &fake_preds, "1235");
	assert_filter_preds("conf=.5..", &fake_preds, "125");
	assert_filter_preds("conf<0.6", &fake_preds, "23");
	assert_filter_preds("conf<=0.6", &fake_preds, "235");
	assert_filter_preds("conf>0.6", &fake_preds, "1");
	assert_filter_preds("conf>=0.55", &fake_preds, "125");
	assert_filter_preds("conf>=0", &fake_preds, "1235");
	assert_filter_preds("correct", &fake_preds, "1");
	assert_filter_preds("wrong", &fake_preds, "2");          /* 3 and 5: no label */

	/* With the record terms. */
	assert_filter_preds("label=access pred=billing conf=..0.5", &fake_preds, "");
	assert_filter_preds("label=access pred=billing conf=..0.6", &fake_preds, "2");
	assert_filter_preds("label=billing pred=billing conf=0.9..", &fake_preds, "1");
	assert_filter_preds("label=billing pred!=billing", &fake_preds, "");
	assert_filter_preds("label=billing", &fake_preds, "14");
	assert_filter_preds("unlabeled pred=access conf<0.5", &fake_preds, "3");
	assert_filter_preds("unsure conf=0.2..0.6", &fake_preds, "5");
	assert_filter_preds("text~/late fee/ conf>=0", &fake_preds, "");
	assert_filter_preds("flagged\twrong", &fake_preds, "2");
	assert_filter_preds("labeled wrong text~/log in/", &fake_preds, "2");
}

static void test_filter_no_preds(void **state)
{
	static const struct edit_preds none = { NULL, NULL };
	static const struct edit_preds null_label = { fake_get_null, NULL };
	static const char *const terms[] = {
		"pred=billing", "pred!=billing", "conf=0..1", "conf>=0", "conf<=1", "correct",
		"wrong", "label=billing pred!=access",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		assert_filter_preds(terms[i], NULL, "");
		assert_filter_preds(terms[i], &none, "");
		assert_filter_preds(terms[i], &null_label, "");
	}
	/* The record terms do not need predictions. */
	assert_filter_preds("label=billing", NULL, "14");
	assert_filter_preds("text~/late fee/", &none, "4");
	assert_filter_preds("unlabeled", &null_label, "35");
}

static void test_filter_uses_preds(void **state)
{
	struct dataset ds;
	struct edit_index x;
	struct edit_filter f;
	struct tt_err err;

	(void)state;
	load(&ds, &x);
	assert_int_equal(edit_filter_parse(&f, &ds, &x, "label=billing text~/a b/", &err), 0);
	assert_false(edit_filter_uses_preds(&f));
	edit_filter_fini(&f);
	/* conf=LO..HI is one term, and a tab separates terms too. */
	assert_int_equal(edit_filter_parse(&f, &ds, &x, "label=billing\tconf=0.2..0.5 ", &err), 0);
	assert_int_equal(f.n, 2);
	assert_true(edit_filter_uses_preds(&f));
	edit_filter_fini(&f);
	assert_int_equal(edit_filter_parse(&f, &ds, &x, "unlabeled correct", &err), 0);
	assert_true(edit_filter_uses_preds(&f));

	/* Several prediction terms ask for a record's prediction once. */
	edit_filter_fini(&f);
	assert_int_equal(edit_filter_parse(&f, &ds, &x, "pred=billing conf<=1 correct", &err), 0);
	f.preds = &fake_preds;
	fake_calls = 0;
	assert_true(edit_filter_match(&f, &ds, 0));
	assert_int_equal(fake_calls, 1);
	edit_filter_fini(&f);
	unload(&ds, &x);
}

static void test_filter_pred_errors(void **state)
{
	(void)state;
	assert_filter_error("pred=", "filter term 'pred=': expected a label name after '=', "
			    "e.g. pred=billing");
	assert_filter_error("pred!=", "filter term 'pred!=': expected a label name");
	assert_filter_error("pred=biling", "filter term 'pred=biling': no label 'biling'");
	assert_filter_error("label=billing pred!=nope", "filter term 'pred!=nope': no label 'nope'");
	assert_filter_error("conf=abc", "filter term 'conf=abc': expected conf=LO..HI with LO "
			    "and HI from 0 to 1 (either may be left out: conf=..0.6, conf=0.9..)");
	assert_filter_error("conf=2", "filter term 'conf=2': expected conf=LO..HI");
	assert_filter_error("conf=", "filter term 'conf=': expected conf=LO..HI");
	assert_filter_error("conf=..", "filter term 'conf=..': expected a bound on at least one side");
	assert_filter_error("conf=0..2", "filter term 'conf=0..2': 2 is out of range (expected a "
			    "probability from 0 to 1, e.g. conf=0.2..0.5)");
	assert_filter_error("conf=1.01..", "filter term 'conf=1.01..': 1.01 is out of range");
	assert_filter_error("conf=-0.1..0.5", "'conf=-0.1..0.5': -0.1 is out of range");
	assert_filter_error("conf=abc..0.5", "filter term 'conf=abc..0.5': 'abc' is not a number "
			    "(expected a probability from 0 to 1");
	assert_filter_error("conf=nan..", "'nan' is not a number");
	assert_filter_error("conf=..inf", "'inf' is not a number");
	assert_filter_error("conf=0.1.2..", "'0.1.2' is not a number");
	assert_filter_error("conf=0.2..0.5..0.7", "'0.5..0.7' is not a number");
	assert_filter_error("conf=...", "'.' is not a number");
	assert_filter_error("conf=0.8..0.2", "filter term 'conf=0.8..0.2': the range is empty "
			    "(expected conf=LO..HI with LO <= HI");
	assert_filter_error("conf<", "filter term 'conf<': a number is missing (expected a "
			    "probability from 0 to 1, e.g. conf<0.5)");
	assert_filter_error("conf>=", "filter term 'conf>=': a number is missing");
	assert_filter_error("conf<=x", "filter term 'conf<=x': 'x' is not a number");
	assert_filter_error("conf>1.5", "filter term 'conf>1.5': 1.5 is out of range");
	assert_filter_error("conf<1e-1", "'1e-1' is not a number");
	assert_filter_error("conf", "unknown filter term 'conf'");
	assert_filter_error("conf!=0.5", "unknown filter term 'conf!=0.5'");
	assert_filter_error("pred", "unknown filter term 'pred'");
	assert_filter_error("right", "pred=NAME, pred!=NAME, conf=LO..HI");   /* the help lists them */
}

/*
 * One provider answers every finding term (dup, near-dup, leak, outlier,
 * outlier=KIND, likely-error), asked only for the flags the term needs.
 * Records 1-5: 1 dup, 2 near-dup + leak, 3 outlier short, 4 outlier long +
 * likely-error, 5 likely-error.
 */
static unsigned fake_need_seen;

static unsigned fake_findings_get(void *opaque, size_t index, unsigned need, unsigned *outlier)
{
	static const unsigned flags[] = {
		FINDINGS_DUP, FINDINGS_NEAR | FINDINGS_LEAK, FINDINGS_OUTLIER,
		FINDINGS_OUTLIER | FINDINGS_LIKELY_ERROR, FINDINGS_LIKELY_ERROR,
	};
	static const unsigned kinds[] = { 0, 0, FINDINGS_O_SHORT, FINDINGS_O_LONG, 0 };

	(void)opaque;
	fake_need_seen |= need;
	*outlier = index < 5 ? kinds[index] : 0;
	return index < 5 ? flags[index] : 0;
}

static const struct edit_findings fake_findings = { fake_findings_get, NULL };

static void assert_filter_findings(const char *text, const struct edit_findings *fi,
				   unsigned need, const char *want)
{
	unsigned got;

	fake_need_seen = 0;
	assert_filter_with(text, NULL, fi, &got, want);
	assert_int_equal(got, need);
	if (fi != NULL && fake_need_seen != need)
		fail_msg("filter '%s' asked for flags %#x, want %#x", text, fake_need_seen, need);
}

static void test_filter_findings(void **state)
{
	(void)state;
	assert_filter_findings("dup", &fake_findings, FINDINGS_DUP, "1");
	assert_filter_findings("near-dup", &fake_findings, FINDINGS_NEAR, "2");
	assert_filter_findings("leak", &fake_findings, FINDINGS_LEAK, "2");
	assert_filter_findings("outlier", &fake_findings, FINDINGS_OUTLIER, "34");
	assert_filter_findings("outlier=long", &fake_findings, FINDINGS_OUTLIER, "4");
	assert_filter_findings("outlier=empty", &fake_findings, FINDINGS_OUTLIER, "");
	/* likely-error asks for the ranking's flag alone: no check is computed for it */
	assert_filter_findings("likely-error", &fake_findings, FINDINGS_LIKELY_ERROR, "45");
	assert_filter_findings("likely-error outlier", &fake_findings,
			       FINDINGS_LIKELY_ERROR | FINDINGS_OUTLIER, "4");
	assert_filter_findings("label=billing", &fake_findings, 0, "14");
	/* without a provider, finding terms match nothing */
	assert_filter_findings("dup", NULL, FINDINGS_DUP, "");
	assert_filter_findings("likely-error", NULL, FINDINGS_LIKELY_ERROR, "");
	assert_filter_error("outlier=tall", "filter term 'outlier=tall': expected outlier=empty, "
			    "short, long, control, encoding, nonletter or unknown");
}

static void test_deleted_never_match(void **state)
{
	struct dataset ds;
	struct edit_index x;
	struct edit_filter f;
	struct tt_err err;

	(void)state;
	load(&ds, &x);
	ds.recs[0].flags |= DS_FLAG_DELETED;
	assert_int_equal(edit_filter_parse(&f, &ds, &x, "all", &err), 0);
	assert_false(edit_filter_match(&f, &ds, 0));
	assert_true(edit_filter_match(&f, &ds, 1));
	edit_filter_fini(&f);
	unload(&ds, &x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_get_set),
		cmocka_unit_test(test_value_check),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_find_dup_and_empty_ids),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_filter_errors),
		cmocka_unit_test(test_filter_preds),
		cmocka_unit_test(test_filter_no_preds),
		cmocka_unit_test(test_filter_uses_preds),
		cmocka_unit_test(test_filter_pred_errors),
		cmocka_unit_test(test_filter_findings),
		cmocka_unit_test(test_deleted_never_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
