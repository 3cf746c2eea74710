/*
 * test-format-fasttext.c - the fastText reader and writer.
 *
 * Round trips (byte for byte, blank lines and CRLF included), what the
 * reader makes of labels and text, malformed lines with exact line:column,
 * skip_bad, edits, and conversion to and from other formats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

#define DATA_DIR "tests/data/fasttext/"

/* ---- helpers ---- */

static int load_opts(struct dataset *ds, const char *data, size_t len, enum ds_format_id fmt,
		     const struct ds_options *base, struct tt_err *err)
{
	struct ds_options o = *base;

	o.format = fmt;
	tt_err_clear(err);
	return dataset_load_buffer(ds, "t.ft", data, len, &o, err);
}

static int load(struct dataset *ds, const char *data, size_t len, bool skip_bad,
		struct tt_err *err)
{
	struct ds_options o;

	ds_options_default(&o);
	o.skip_bad = skip_bad;
	return load_opts(ds, data, len, DS_FMT_FASTTEXT, &o, err);
}

static void load_ok_fmt(struct dataset *ds, const char *data, enum ds_format_id fmt)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	if (load_opts(ds, data, strlen(data), fmt, &o, &err) != 0)
		fail_msg("load failed: %u:%u: %s", err.line, err.col, err.msg);
}

static void load_ok(struct dataset *ds, const char *data)
{
	load_ok_fmt(ds, data, DS_FMT_FASTTEXT);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

static void assert_writes(const struct dataset *ds, enum ds_format_id fmt, const char *want)
{
	struct tt_buf out;
	struct tt_err err;

	tt_buf_init(&out);
	tt_err_clear(&err);
	if (dataset_write(ds, fmt, &out, &err) != 0)
		fail_msg("write failed: %s", err.msg);
	if (out.len != strlen(want) || memcmp(out.data, want, out.len) != 0)
		fail_msg("wrote:\n[%s]\nwanted:\n[%s]", out.data, want);
	tt_buf_fini(&out);
}

static void assert_roundtrip(const char *data, size_t len)
{
	struct dataset ds;
	struct tt_buf out;
	struct tt_err err;

	if (load(&ds, data, len, false, &err) != 0)
		fail_msg("load failed: %u:%u: %s\n[%.*s]", err.line, err.col, err.msg, (int)len,
			 data);
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	if (out.len != len || memcmp(out.data, data, len) != 0)
		fail_msg("round trip differs:\n[%.*s]\n[%s]", (int)len, data, out.data);
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

static uint32_t label_id(struct dataset *ds, const char *name)
{
	return ds_label_intern(ds, name, strlen(name));
}

static void assert_text(const struct ds_record *r, const char *want)
{
	if (r->text_len != strlen(want) || memcmp(r->text, want, r->text_len) != 0)
		fail_msg("text [%.*s], wanted [%s]", (int)r->text_len, r->text, want);
}

/* The record's labels joined with ' ', for comparisons. */
static void assert_labels(const struct dataset *ds, const struct ds_record *r, const char *want)
{
	char got[256] = "";
	uint32_t i;

	for (i = 0; i < ds_record_nlabels(r); i++) {
		if (i > 0)
			strcat(got, " ");
		strcat(got, ds->labels.names[ds_record_label_at(r, i)]);
	}
	if (strcmp(got, want) != 0)
		fail_msg("labels [%s], wanted [%s]", got, want);
}

/* ---- round trips ---- */

static const char *roundtrips[] = {
	"__label__a hello world\n__label__b bye\n",
	"__label__a __label__b multi label\n",
	"just text, no label\n",
	"\n\n__label__a x\n\n  \n__label__b y\n\n\t\n",
	"__label__a crlf\r\n\r\n__label__b two\r\n",
	"__label__a no final newline",
	"__label__a\ttabs\tinside\t\n",
	"  __label__a leading space\n",
	"__label__a text __label__b stays text\n",
	"__label__ünï naïve 日本語 🙂\n",
	"\xef\xbb\xbf__label__a bom\n",
	"__label__a a\n__label__a __label__a same label twice\n",
	"__label__a bare \r cr inside\n",
};

static void test_roundtrip_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roundtrips / sizeof roundtrips[0]; i++)
		assert_roundtrip(roundtrips[i], strlen(roundtrips[i]));
}

static void test_roundtrip_files(void **state)
{
	static const char *files[] = { "roundtrip.ft", "roundtrip-crlf.ft" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[256];
		struct dataset ds;
		struct ds_options o;
		struct tt_err err;
		struct tt_buf out;
		char *data;
		size_t len;

		snprintf(path, sizeof path, DATA_DIR "%s", files[i]);
		assert_int_equal(tt_read_file(path, &data, &len, &err), 0);
		ds_options_default(&o);
		if (dataset_load(&ds, path, &o, &err) != 0)
			fail_msg("%s: %u:%u: %s", path, err.line, err.col, err.msg);
		assert_int_equal(ds.format, DS_FMT_FASTTEXT);
		tt_buf_init(&out);
		assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
		assert_int_equal(out.len, len);
		assert_memory_equal(out.data, data, len);
		tt_buf_fini(&out);
		dataset_fini(&ds);
		free(data);
	}
}

/* ---- what the reader makes of a file ---- */

static void test_read_fields(void **state)
{
	struct dataset ds;
	struct tt_err err;
	char *data;
	size_t len;

	(void)state;
	assert_int_equal(tt_read_file(DATA_DIR "roundtrip.ft", &data, &len, &err), 0);
	load_ok(&ds, data);
	assert_int_equal(ds.n, 5);
	assert_true(ds.multilabel);
	assert_int_equal(ds.preamble_len, 0);

	assert_labels(&ds, &ds.recs[0], "billing");
	assert_text(&ds.recs[0], "my card was charged twice");
	assert_true(ds.recs[0].text > ds.buf && ds.recs[0].text < ds.buf + ds.buf_len);
	assert_int_equal(ds.recs[0].own, 0);
	assert_int_equal(ds.recs[0].line, 1);
	assert_int_equal(ds.recs[0].had_label_field, 1);

	assert_labels(&ds, &ds.recs[1], "billing urgent");
	assert_text(&ds.recs[1], "refund now, please!");
	assert_int_equal(ds.recs[1].raw_len, ds.recs[1].body_len + 2);   /* and the blank line */

	assert_labels(&ds, &ds.recs[2], "greeting");
	assert_text(&ds.recs[2], "hello\tthere  ");
	assert_int_equal(ds.recs[2].line, 4);

	assert_labels(&ds, &ds.recs[3], "");
	assert_int_equal(ds.recs[3].label, DS_NO_LABEL);
	assert_int_equal(ds.recs[3].had_label_field, 0);
	assert_text(&ds.recs[3], "an unlabeled line");
	assert_int_equal(ds.recs[3].raw_len, ds.recs[3].body_len + 4);   /* "\n  \n" */

	assert_labels(&ds, &ds.recs[4], "café");
	assert_text(&ds.recs[4], "naïve 日本語 ✓");
	assert_int_equal(ds.recs[4].line, 7);
	assert_int_equal(ds.labels.n, 4);
	dataset_fini(&ds);
	free(data);

	/* CRLF: the CR is not text; blank lines and a BOM go in the preamble. */
	load_ok(&ds, "\xef\xbb\xbf\n\r\n__label__x  a b\r\n");
	assert_int_equal(ds.preamble_len, 6);
	assert_text(&ds.recs[0], "a b");
	assert_int_equal(ds.recs[0].line, 3);
	assert_int_equal(ds.recs[0].body_len, strlen("__label__x  a b"));
	assert_false(ds.multilabel);
	dataset_fini(&ds);

	/* The same label twice on a line counts once. */
	load_ok(&ds, "__label__a __label__a x\n");
	assert_labels(&ds, &ds.recs[0], "a");
	assert_false(ds.multilabel);
	dataset_fini(&ds);
}

/* ---- malformed input ---- */

static const struct {
	const char *name;
	const char *data;
	size_t len;                 /* 0: strlen(data) */
	size_t max_record_bytes;    /* 0: default */
	uint32_t line, col;
	const char *msg;
} bad_cases[] = {
	{ "empty file", "", 0, 0, 1, 1, "empty file" },
	{ "only blank lines", "\n \v\n\f\n", 0, 0, 1, 1, "empty file" },
	{ "labels without text", "__label__a\n", 0, 0, 1, 11, "expected text after the labels" },
	{ "labels and spaces", "__label__a x\n__label__a __label__b  \r\n", 0, 0, 2, 24,
	  "expected text after the labels" },
	{ "empty label name", "__label__ text\n", 0, 0, 1, 1, "empty label name" },
	{ "empty second label", "__label__a __label__\ttext\n", 0, 0, 1, 12, "__label__NAME" },
	{ "invalid utf-8", "__label__a ok\n__label__b h\xc3\xa9 \xff\n", 0, 0, 2, 15,
	  "invalid UTF-8" },
	{ "invalid utf-8 in label", "__label__\xe6\x97 x\n", 0, 0, 1, 10, "invalid UTF-8" },
	{ "NUL byte", "__label__a x\0y\n", 15, 0, 1, 13, "NUL byte" },
	{ "line too long", "__label__a short\n__label__b this is too long\n", 0, 20, 2, 1,
	  "at most 20 (raise max_record_mb)" },
};

static void test_bad_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		struct dataset ds;
		struct ds_options o;
		struct tt_err err;
		size_t len = bad_cases[i].len ? bad_cases[i].len : strlen(bad_cases[i].data);

		ds_options_default(&o);
		if (bad_cases[i].max_record_bytes)
			o.max_record_bytes = bad_cases[i].max_record_bytes;
		if (load_opts(&ds, bad_cases[i].data, len, DS_FMT_FASTTEXT, &o, &err) == 0)
			fail_msg("%s: loaded", bad_cases[i].name);
		if (err.line != bad_cases[i].line || err.col != bad_cases[i].col)
			fail_msg("%s: at %u:%u, wanted %u:%u (%s)", bad_cases[i].name, err.line,
				 err.col, bad_cases[i].line, bad_cases[i].col, err.msg);
		assert_string_equal(err.file, "t.ft");
		assert_contains(err.msg, bad_cases[i].msg);
		assert_int_equal(ds.n, 0);
		dataset_fini(&ds);
	}
}

static void test_skip_bad(void **state)
{
	struct dataset ds;
	struct ds_options o;
	struct tt_err err;

	(void)state;
	ds_options_default(&o);
	o.skip_bad = true;
	if (dataset_load(&ds, DATA_DIR "skip-bad.ft", &o, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ds.nbad, 3);
	assert_int_equal(ds.bad[0].line, 2);
	assert_contains(ds.bad[0].msg, "expected text after the labels");
	assert_int_equal(ds.bad[1].line, 3);
	assert_contains(ds.bad[1].msg, "empty label name");
	assert_int_equal(ds.bad[2].line, 4);
	assert_int_equal(ds.bad[2].col, 16);
	assert_contains(ds.bad[2].msg, "invalid UTF-8");
	assert_int_equal(ds.n, 2);
	assert_text(&ds.recs[0], "fine");
	assert_text(&ds.recs[1], "also fine");
	assert_int_equal(ds.recs[1].line, 5);
	assert_writes(&ds, DS_FMT_AUTO, "__label__a fine\n__label__d also fine\n");
	dataset_fini(&ds);

	/* Only bad lines: an empty dataset, not an error, under skip_bad. */
	assert_int_equal(load(&ds, "__label__a\n", 11, true, &err), 0);
	assert_int_equal(ds.n, 0);
	assert_int_equal(ds.nbad, 1);
	dataset_fini(&ds);
}

/* Files joined with cat: a byte order mark at the start of a later line. */
static void test_bom_inside(void **state)
{
	struct dataset ds;

	(void)state;
	load_ok(&ds, "__label__a one\n\xef\xbb\xbf__label__b two\n\xef\xbb\xbf\n");
	assert_int_equal(ds.n, 2);
	assert_labels(&ds, &ds.recs[1], "b");
	assert_text(&ds.recs[1], "two");
	/* The line holding only a BOM is blank: kept in the raw bytes. */
	assert_int_equal(ds.recs[1].raw_len, ds.recs[1].body_len + 5);
	dataset_fini(&ds);
}

/*
 * Inputs the fuzzer found (tests/data/fasttext/fuzz-*), replayed with the
 * fuzz target's checks: a strict load round-trips; what a skip_bad load
 * writes loads strictly with the same number of records.
 */
static void test_fuzz_fixtures(void **state)
{
	static const char *files[] = { "fuzz-bom-line-skip-bad.ft" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[256];
		struct dataset ds, again;
		struct tt_err err;
		struct tt_buf out;
		char *data;
		size_t len;

		snprintf(path, sizeof path, DATA_DIR "%s", files[i]);
		assert_int_equal(tt_read_file(path, &data, &len, &err), 0);
		if (load(&ds, data, len, false, &err) == 0)
			assert_roundtrip(data, len);
		dataset_fini(&ds);
		assert_int_equal(load(&ds, data, len, true, &err), 0);
		tt_buf_init(&out);
		assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
		if (ds.n > 0) {
			if (load(&again, out.data, out.len, false, &err) != 0)
				fail_msg("%s: reload: %u:%u: %s", path, err.line, err.col, err.msg);
			assert_int_equal(again.n, ds.n);
			dataset_fini(&again);
		}
		tt_buf_fini(&out);
		dataset_fini(&ds);
		free(data);
	}
}

/* ---- writing ---- */

static void test_edit(void **state)
{
	struct dataset ds;
	uint32_t ids[2];

	(void)state;
	load_ok(&ds, "__label__a  one\r\n\r\n__label__b two\n__label__c three");
	ids[0] = label_id(&ds, "new label");
	ids[1] = label_id(&ds, "b");
	ds_record_set_labels(&ds.recs[0], ids, 2);
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	ds_record_set_labels(&ds.recs[2], NULL, 0);
	ds.recs[2].flags |= DS_FLAG_DIRTY;
	assert_writes(&ds, DS_FMT_AUTO,
		      "__label__new_label __label__b one\r\n\r\n__label__b two\nthree");

	ds.recs[1].text = "line\none\ttab";
	ds.recs[1].text_len = 12;
	ds.recs[1].flags |= DS_FLAG_DIRTY;
	ds.recs[0].flags |= DS_FLAG_DELETED;
	assert_writes(&ds, DS_FMT_AUTO, "__label__b line one tab\nthree");

	/* A record added in memory after a last line without a line end. */
	{
		struct ds_record *r = ds_record_append(&ds);

		r->text = "added";
		r->text_len = 5;
		r->label = label_id(&ds, "z");
	}
	assert_writes(&ds, DS_FMT_AUTO, "__label__b line one tab\nthree\n__label__z added\n");
	dataset_fini(&ds);
}

static void test_write_errors(void **state)
{
	static const struct {
		const char *text;
		const char *label;
		const char *msg;
	} cases[] = {
		{ "", "a", "empty text" },
		{ " \t\n", NULL, "empty text" },
		{ "__label__x looks like a label", NULL, "would be read as a label" },
		{ "  __label__x", "a", "would be read as a label" },
		{ "fine", "", "empty name" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct dataset ds;
		struct ds_record *r;
		struct tt_buf out;
		struct tt_err err;

		dataset_init(&ds);
		ds.format = DS_FMT_JSONL;
		r = ds_record_append(&ds);
		r->text = "ok";
		r->text_len = 2;
		r = ds_record_append(&ds);
		r->text = cases[i].text;
		r->text_len = (uint32_t)strlen(cases[i].text);
		r->id = "rec-7";
		r->id_len = 5;
		if (cases[i].label != NULL)
			r->label = label_id(&ds, cases[i].label);
		tt_buf_init(&out);
		tt_buf_adds(&out, "kept");
		tt_err_clear(&err);
		assert_int_equal(dataset_write(&ds, DS_FMT_FASTTEXT, &out, &err), -1);
		assert_contains(err.msg, "record rec-7");
		assert_contains(err.msg, cases[i].msg);
		assert_string_equal(out.data, "kept");   /* nothing half-written */
		tt_buf_fini(&out);
		dataset_fini(&ds);
	}
}

static void test_convert_from_memory(void **state)
{
	struct dataset ds;
	struct ds_record *r;
	uint32_t two[2];

	(void)state;
	dataset_init(&ds);
	ds.format = DS_FMT_JSONL;
	r = ds_record_append(&ds);
	r->text = "multi\nline\r\ntext\twith\vtabs";
	r->text_len = (uint32_t)strlen(r->text);
	r->label = label_id(&ds, "two words");
	r = ds_record_append(&ds);
	r->text = "unlabeled";
	r->text_len = 9;
	r = ds_record_append(&ds);
	r->text = "gone";
	r->text_len = 4;
	r->flags = DS_FLAG_DELETED;
	r = ds_record_append(&ds);
	r->text = "both";
	r->text_len = 4;
	two[0] = label_id(&ds, "a\tb");
	two[1] = label_id(&ds, "c");
	ds_record_set_labels(r, two, 2);
	assert_writes(&ds, DS_FMT_FASTTEXT, "__label__two_words multi line  text with tabs\n"
		      "unlabeled\n"
		      "__label__a_b __label__c both\n");
	dataset_fini(&ds);
}

/* CSV to fastText and back to CSV. */
static void test_convert_csv(void **state)
{
	struct dataset csv, ft;
	struct tt_buf out;
	struct tt_err err;

	(void)state;
	load_ok_fmt(&csv, "text,label\n\"a, b\",x\nno label,\n", DS_FMT_CSV);
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&csv, DS_FMT_FASTTEXT, &out, &err), 0);
	assert_string_equal(out.data, "__label__x a, b\nno label\n");
	load_ok(&ft, out.data);
	assert_labels(&ft, &ft.recs[0], "x");
	assert_text(&ft.recs[0], "a, b");
	assert_writes(&ft, DS_FMT_CSV, "text,label\n\"a, b\",x\nno label,\n");
	tt_buf_fini(&out);
	dataset_fini(&ft);
	dataset_fini(&csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_table),
		cmocka_unit_test(test_roundtrip_files),
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_bom_inside),
		cmocka_unit_test(test_fuzz_fixtures),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_convert_from_memory),
		cmocka_unit_test(test_convert_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
