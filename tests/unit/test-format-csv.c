/*
 * test-format-csv.c - the CSV/TSV reader and writer.
 *
 * Tables of inputs: well-formed files that must round-trip byte for byte,
 * and malformed ones with the exact line:column and words of the error.
 * Then the writer: edits that touch one field, appended columns, new rows,
 * conversion from a dataset built in memory.
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

#define DATA_DIR "tests/data/csv/"

/* ---- helpers ---- */

static int load_opts(struct dataset *ds, const char *data, size_t len, enum ds_format_id fmt,
		     const struct ds_options *base, struct tt_err *err)
{
	struct ds_options o = *base;

	o.format = fmt;
	tt_err_clear(err);
	return dataset_load_buffer(ds, "t.csv", data, len, &o, err);
}

static int load(struct dataset *ds, const char *data, size_t len, enum ds_format_id fmt,
		bool skip_bad, struct tt_err *err)
{
	struct ds_options o;

	ds_options_default(&o);
	o.skip_bad = skip_bad;
	return load_opts(ds, data, len, fmt, &o, err);
}

static void load_ok(struct dataset *ds, const char *data, enum ds_format_id fmt)
{
	struct tt_err err;

	if (load(ds, data, strlen(data), fmt, false, &err) != 0)
		fail_msg("load failed: %u:%u: %s", err.line, err.col, err.msg);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* Write ds in fmt and compare with want (NUL-terminated). */
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

static void assert_roundtrip(const char *data, size_t len, enum ds_format_id fmt)
{
	struct dataset ds;
	struct tt_buf out;
	struct tt_err err;

	if (load(&ds, data, len, fmt, false, &err) != 0)
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

static const char *label_name(const struct dataset *ds, const struct ds_record *r)
{
	return r->label == DS_NO_LABEL ? "" : ds->labels.names[r->label];
}

/* ---- round trips ---- */

static const struct {
	const char *data;
	enum ds_format_id fmt;
} roundtrips[] = {
	{ "text,label\nhello,a\nworld,b\n", DS_FMT_CSV },
	{ "text,label\nno final newline,a", DS_FMT_CSV },
	{ "text,label\n", DS_FMT_CSV },
	{ "text,label", DS_FMT_CSV },
	{ "text\n\"\"\nx\n", DS_FMT_CSV },
	{ "id,text,label\n1,\"he said \"\"hi\"\"\",a\n2,\"line1\nline2\",b\n", DS_FMT_CSV },
	{ "text,label\r\n\"a\r\nb\",x\r\nc,y\r\n", DS_FMT_CSV },
	{ "text,label\r\nmixed,a\nends,b\r\n", DS_FMT_CSV },
	{ "a,text,b,label,c\n1,hi,,x,\"q,\"\"r\"\"\"\n", DS_FMT_CSV },
	{ "text,label\n\"unneeded quotes\",\"a\"\n", DS_FMT_CSV },
	{ "text,label\nx,a\n\n\ny,b\n\n", DS_FMT_CSV },
	{ "text,label\n\nx,a\r\n\r\n", DS_FMT_CSV },
	{ "text,label\nnaïve café 日本語 ✓ 🙂,ünï\n", DS_FMT_CSV },
	{ "text,label\n\"cr \r inside quotes\",a\n", DS_FMT_CSV },
	{ "text,label\n,\n\"\",\"\"\n", DS_FMT_CSV },
	{ "\xef\xbb\xbftext,label\nbom,a\n", DS_FMT_CSV },
	{ "text,label,split\nx,a,train\ny,b,VALID\nz,,\nw,a,dev\n", DS_FMT_CSV },
	{ "text\tlabel\nhello, world\ta\n\"tab\there\"\tb\n", DS_FMT_TSV },
	{ "id\ttext\tlabel\r\n1\t\"q \"\"x\"\"\"\t\r\n", DS_FMT_TSV },
	{ "text\tlabel\n\"multi\nline\"\tc\n", DS_FMT_TSV },
};

static void test_roundtrip_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roundtrips / sizeof roundtrips[0]; i++)
		assert_roundtrip(roundtrips[i].data, strlen(roundtrips[i].data), roundtrips[i].fmt);
}

static void test_roundtrip_files(void **state)
{
	static const char *files[] = {
		"roundtrip.csv", "roundtrip-crlf.csv", "roundtrip-bom.csv", "roundtrip.tsv",
	};
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
		assert_int_equal(ds.format, strstr(path, ".tsv") ? DS_FMT_TSV : DS_FMT_CSV);
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
	assert_int_equal(tt_read_file(DATA_DIR "roundtrip.csv", &data, &len, &err), 0);
	load_ok(&ds, data, DS_FMT_CSV);
	assert_int_equal(ds.ncolumns, 5);
	assert_string_equal(ds.columns[3], "source");
	assert_int_equal(ds.id_col, 0);
	assert_int_equal(ds.text_col, 1);
	assert_int_equal(ds.label_col, 2);
	assert_int_equal(ds.split_col, 4);
	assert_int_equal(ds.preamble_len, strlen("id,text,label,source,split\n"));
	assert_int_equal(ds.n, 5);

	/* Decoded: "" inside quotes. */
	assert_text(&ds.recs[0], "He said \"hello\", then left");
	assert_true(ds.recs[0].own & DS_OWN_TEXT);
	assert_int_equal(ds.recs[0].line, 2);
	assert_string_equal(label_name(&ds, &ds.recs[0]), "greeting");
	assert_int_equal(ds.recs[0].split, DS_SPLIT_TRAIN);
	assert_int_equal(ds.recs[0].id_len, 1);
	assert_memory_equal(ds.recs[0].id, "1", 1);

	/* Quoted without escapes: points inside the buffer. */
	assert_text(&ds.recs[1], "two\nlines, and a comma");
	assert_false(ds.recs[1].own & DS_OWN_TEXT);
	assert_true(ds.recs[1].text > ds.buf && ds.recs[1].text < ds.buf + ds.buf_len);
	assert_int_equal(ds.recs[1].line, 3);
	assert_int_equal(ds.recs[1].split, DS_SPLIT_VALID);

	/* Empty label field: unlabeled, but the field was there. */
	assert_text(&ds.recs[2], "plain text");
	assert_int_equal(ds.recs[2].label, DS_NO_LABEL);
	assert_int_equal(ds.recs[2].had_label_field, 1);
	assert_int_equal(ds.recs[2].split, DS_SPLIT_NONE);
	assert_int_equal(ds.recs[2].line, 5);
	/* The blank line after it stays in its raw bytes. */
	assert_int_equal(ds.recs[2].raw_len, strlen("3,plain text,,email,\n\n"));
	assert_int_equal(ds.recs[2].body_len, strlen("3,plain text,,email,"));

	assert_text(&ds.recs[3], "  padded  ");
	assert_int_equal(ds.recs[3].line, 7);
	assert_int_equal(ds.recs[3].split, DS_SPLIT_TEST);
	assert_text(&ds.recs[4], "naïve café — 日本語 ✓");
	assert_int_equal(ds.recs[4].raw_len, ds.recs[4].body_len + 1);
	assert_int_equal(ds.labels.n, 2);
	assert_false(ds.multilabel);
	dataset_fini(&ds);
	free(data);
}

static void test_read_crlf_and_names(void **state)
{
	struct dataset ds;
	struct ds_options o;
	struct tt_err err;
	const char *data = "sentence\tcat\r\n\"a\r\nb\"\tx\r\n";

	(void)state;
	ds_options_default(&o);
	o.text_field = "sentence";
	o.label_field = "cat";
	assert_int_equal(load_opts(&ds, data, strlen(data), DS_FMT_TSV, &o, &err), 0);
	assert_int_equal(ds.n, 1);
	assert_text(&ds.recs[0], "a\r\nb");
	assert_int_equal(ds.recs[0].body_len, strlen("\"a\r\nb\"\tx"));
	assert_int_equal(ds.recs[0].raw_len, strlen("\"a\r\nb\"\tx\r\n"));
	assert_string_equal(label_name(&ds, &ds.recs[0]), "x");
	assert_int_equal(ds.id_col, -1);
	assert_int_equal(ds.split_col, -1);
	dataset_fini(&ds);

	/* No label column at all: unlabeled, no label field. */
	load_ok(&ds, "text\nx\n", DS_FMT_CSV);
	assert_int_equal(ds.recs[0].label, DS_NO_LABEL);
	assert_int_equal(ds.recs[0].had_label_field, 0);
	assert_int_equal(ds.label_col, -1);
	dataset_fini(&ds);

	/* '|' (option label_sep) separates labels; duplicates count once. */
	load_ok(&ds, "text,label\nx,a|b|a\ny,a\n", DS_FMT_CSV);
	assert_int_equal(ds_record_nlabels(&ds.recs[0]), 2);
	assert_string_equal(label_name(&ds, &ds.recs[0]), "a");
	assert_string_equal(ds.labels.names[ds_record_label_at(&ds.recs[0], 1)], "b");
	assert_int_equal(ds_record_nlabels(&ds.recs[1]), 1);
	assert_true(ds.multilabel);
	dataset_fini(&ds);

	/* An empty label_sep: one label per field, never split. */
	ds_options_default(&o);
	o.label_sep = "";
	assert_int_equal(load_opts(&ds, "text,label\nx,a|b\n", 16, DS_FMT_CSV, &o, &err), 0);
	assert_string_equal(label_name(&ds, &ds.recs[0]), "a|b");
	assert_int_equal(ds.recs[0].nmore, 0);
	dataset_fini(&ds);
}

/* Multi-label through CSV and TSV: the same labels, byte for byte. */
static void test_multilabel_roundtrip(void **state)
{
	static const char *files[] = { "id,text,label\n1,one,a|b\n2,two,\n3,three,c|a|b\n",
				       "id\ttext\tlabel\n1\tone\ta;b\n2\ttwo\tb\n" };
	struct dataset ds, back;
	struct ds_options o;
	struct tt_buf out, out2;
	struct tt_err err;
	size_t i;

	(void)state;
	ds_options_default(&o);
	o.label_sep = "|";
	assert_int_equal(load_opts(&ds, files[0], strlen(files[0]), DS_FMT_CSV, &o, &err), 0);
	assert_int_equal(ds_record_nlabels(&ds.recs[2]), 3);
	/* To JSONL and back to CSV: the bytes come back. */
	tt_buf_init(&out);
	tt_buf_init(&out2);
	assert_int_equal(dataset_write(&ds, DS_FMT_JSONL, &out, &err), 0);
	assert_non_null(strstr(out.data, "[\"c\", \"a\", \"b\"]"));
	assert_int_equal(dataset_load_buffer(&back, "t.jsonl", out.data, out.len, &o, &err), 0);
	assert_int_equal(dataset_write(&back, DS_FMT_CSV, &out2, &err), 0);
	assert_string_equal(out2.data, files[0]);
	for (i = 0; i < ds.n; i++)
		assert_int_equal(ds_record_nlabels(&ds.recs[i]), ds_record_nlabels(&back.recs[i]));
	dataset_fini(&back);
	dataset_fini(&ds);
	tt_buf_clear(&out);
	tt_buf_clear(&out2);

	/* Another separator, TSV. */
	o.label_sep = ";";
	assert_int_equal(load_opts(&ds, files[1], strlen(files[1]), DS_FMT_TSV, &o, &err), 0);
	assert_int_equal(ds_record_nlabels(&ds.recs[0]), 2);
	assert_int_equal(dataset_write(&ds, DS_FMT_JSONL, &out, &err), 0);
	assert_int_equal(dataset_load_buffer(&back, "t.jsonl", out.data, out.len, &o, &err), 0);
	assert_int_equal(dataset_write(&back, DS_FMT_TSV, &out2, &err), 0);
	assert_string_equal(out2.data, files[1]);
	dataset_fini(&back);
	dataset_fini(&ds);
	tt_buf_fini(&out);
	tt_buf_fini(&out2);
}

/* What would not read back the same is refused: an empty part, a name holding the separator. */
static void test_multilabel_refused(void **state)
{
	struct dataset ds;
	struct ds_options o;
	struct tt_buf out;
	struct tt_err err;
	static const char pipe[] = "{\"text\":\"x\",\"label\":[\"a|b\",\"c\"]}\n";

	(void)state;
	ds_options_default(&o);
	assert_int_equal(load_opts(&ds, "text,label\nok,a\nx,a||b\n", 22, DS_FMT_CSV, &o, &err), -1);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 3);
	assert_contains(err.msg, "empty label");
	dataset_fini(&ds);
	assert_int_equal(load_opts(&ds, "text,label\nx,a|\n", 16, DS_FMT_CSV, &o, &err), -1);
	dataset_fini(&ds);

	tt_buf_init(&out);
	assert_int_equal(dataset_load_buffer(&ds, "p.jsonl", pipe, sizeof pipe - 1, &o, &err), 0);
	tt_err_clear(&err);
	assert_int_equal(dataset_write(&ds, DS_FMT_CSV, &out, &err), -1);
	assert_contains(err.msg, "holds the label separator");
	dataset_fini(&ds);
	/* Several labels and no separator. */
	o.label_sep = "";
	assert_int_equal(dataset_load_buffer(&ds, "p.jsonl", pipe, sizeof pipe - 1, &o, &err), 0);
	tt_err_clear(&err);
	assert_int_equal(dataset_write(&ds, DS_FMT_TSV, &out, &err), -1);
	assert_contains(err.msg, "has 2 labels");
	dataset_fini(&ds);
	tt_buf_fini(&out);
}

/* ---- malformed input ---- */

static const struct {
	const char *name;
	const char *data;
	size_t len;                 /* 0: strlen(data) */
	enum ds_format_id fmt;
	size_t max_record_bytes;    /* 0: default */
	uint32_t line, col;
	const char *msg;
	const char *msg2;           /* a second part of the message, or NULL */
} bad_cases[] = {
	{ "empty file", "", 0, DS_FMT_CSV, 0, 1, 1, "empty file", "header row" },
	{ "only newlines", "\n\r\n", 0, DS_FMT_CSV, 0, 1, 1, "empty file", NULL },
	{ "no text column", "body,label\nx,a\n", 0, DS_FMT_CSV, 0, 1, 1,
	  "no \"text\" column", "columns found: \"body\", \"label\"" },
	{ "duplicate text column", "text,label,text\nx,a,y\n", 0, DS_FMT_CSV, 0, 1, 1,
	  "column \"text\" appears twice", "columns 1 and 3" },
	{ "unterminated header", "\"text,label\nx,a\n", 0, DS_FMT_CSV, 0, 1, 1,
	  "unterminated quoted field (opened at line 1, column 1)", NULL },
	{ "unterminated quote", "text,label\nok,a\n\"abc,b\nmore\n", 0, DS_FMT_CSV, 0, 3, 1,
	  "unterminated quoted field (opened at line 3, column 1)", NULL },
	{ "unterminated second field", "text,label\nx,\"ab\ncd\n", 0, DS_FMT_CSV, 0, 2, 3,
	  "unterminated quoted field (opened at line 2, column 3)", NULL },
	{ "unterminated after unicode", "text,label\néé,\"ab\n", 0, DS_FMT_CSV, 0, 2, 4,
	  "(opened at line 2, column 4)", NULL },
	{ "quote in unquoted field", "text,label\nab\"c,a\n", 0, DS_FMT_CSV, 0, 2, 3,
	  "'\"' inside an unquoted field", NULL },
	{ "space before quote", "text,label\nx, \"a\"\n", 0, DS_FMT_CSV, 0, 2, 4,
	  "inside an unquoted field", NULL },
	{ "garbage after quote", "text,label\n\"abc\"x,a\n", 0, DS_FMT_CSV, 0, 2, 6,
	  "after a closing quote", "expected ','" },
	{ "garbage after quote tsv", "text\tlabel\n\"abc\" \ta\n", 0, DS_FMT_TSV, 0, 2, 6,
	  "after a closing quote", "expected a tab" },
	{ "too many fields", "text,label\na,b,c\n", 0, DS_FMT_CSV, 0, 2, 5,
	  "expected 2 fields (as in the header), found 3", NULL },
	{ "too few fields", "text,label\nabc\n", 0, DS_FMT_CSV, 0, 2, 4,
	  "expected 2 fields (as in the header), found 1", NULL },
	{ "too few fields crlf", "text,label\r\nx,y\r\nabc\r\n", 0, DS_FMT_CSV, 0, 3, 4,
	  "expected 2 fields (as in the header), found 1", NULL },
	{ "extra field after multi-line", "text,label\n\"a\nb\",x,y\n", 0, DS_FMT_CSV, 0, 3, 6,
	  "expected 2 fields (as in the header), found 3", NULL },
	{ "error after multi-line record", "text,label\n\"a\nb\",x\nq\"x,y\n", 0, DS_FMT_CSV, 0,
	  4, 2, "inside an unquoted field", NULL },
	{ "tsv with commas only", "text\tlabel\nx,a\n", 0, DS_FMT_TSV, 0, 2, 4,
	  "expected 2 fields (as in the header), found 1", NULL },
	{ "invalid utf-8", "text,label\nh\xc3\xa9llo \xff,a\n", 0, DS_FMT_CSV, 0, 2, 7,
	  "invalid UTF-8", "0xFF" },
	{ "truncated utf-8", "text,label\nab\xe6\x97,a\n", 0, DS_FMT_CSV, 0, 2, 3,
	  "invalid UTF-8", NULL },
	{ "invalid utf-8 in quoted line 2", "text,label\n\"x\ny\xc0\",a\n", 0, DS_FMT_CSV, 0,
	  3, 2, "invalid UTF-8", NULL },
	{ "invalid utf-8 in header", "te\xfext,label\nx,a\n", 0, DS_FMT_CSV, 0, 1, 3,
	  "invalid UTF-8", "header" },
	{ "NUL byte", "text,label\nab\0c,a\n", 18, DS_FMT_CSV, 0, 2, 3, "NUL byte", NULL },
	{ "bare CR", "text,label\nab\rc,a\n", 0, DS_FMT_CSV, 0, 2, 3, "carriage return",
	  "CRLF" },
	{ "bad split", "text,label,split\nx,a,trian\n", 0, DS_FMT_CSV, 0, 2, 5,
	  "unknown split \"trian\"", "train, training, valid" },
	{ "record too long", "text,label\nshort,a\nthis line is long,b\n", 0, DS_FMT_CSV, 10,
	  3, 1, "record is 19 bytes long", "at most 10 (raise max_record_mb)" },
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
		if (load_opts(&ds, bad_cases[i].data, len, bad_cases[i].fmt, &o, &err) == 0)
			fail_msg("%s: loaded", bad_cases[i].name);
		if (err.line != bad_cases[i].line || err.col != bad_cases[i].col)
			fail_msg("%s: at %u:%u, wanted %u:%u (%s)", bad_cases[i].name, err.line,
				 err.col, bad_cases[i].line, bad_cases[i].col, err.msg);
		assert_string_equal(err.file, "t.csv");
		assert_contains(err.msg, bad_cases[i].msg);
		if (bad_cases[i].msg2 != NULL)
			assert_contains(err.msg, bad_cases[i].msg2);
		assert_int_equal(ds.n, 0);   /* a failed load leaves ds empty */
		dataset_fini(&ds);
	}
}

/* The default limit: a single 20 MB line. */
static void test_huge_line(void **state)
{
	size_t n = 20u << 20, hl = strlen("text,label\n");
	char *data = malloc(n + 1);
	struct dataset ds;
	struct tt_err err;

	(void)state;
	memcpy(data, "text,label\n", hl);
	memset(data + hl, 'x', n - hl - 3);
	memcpy(data + n - 3, ",a\n", 3);
	data[n] = '\0';
	assert_int_equal(load(&ds, data, n, DS_FMT_CSV, false, &err), -1);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 1);
	assert_contains(err.msg, "(raise max_record_mb)");
	dataset_fini(&ds);
	free(data);
}

static void test_skip_bad(void **state)
{
	struct dataset ds;
	struct ds_options o;
	struct tt_err err;
	struct tt_buf out;

	(void)state;
	ds_options_default(&o);
	o.skip_bad = true;
	if (dataset_load(&ds, DATA_DIR "skip-bad.csv", &o, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ds.nbad, 3);
	assert_int_equal(ds.bad[0].line, 3);
	assert_int_equal(ds.bad[0].col, 4);
	assert_contains(ds.bad[0].msg, "inside an unquoted field");
	assert_int_equal(ds.bad[1].line, 5);
	assert_contains(ds.bad[1].msg, "found 3");
	assert_int_equal(ds.bad[2].line, 6);
	assert_int_equal(ds.bad[2].col, 1);
	assert_contains(ds.bad[2].msg, "unterminated quoted field");

	assert_int_equal(ds.n, 3);
	assert_text(&ds.recs[0], "fine");
	assert_text(&ds.recs[1], "also fine");
	assert_int_equal(ds.recs[1].line, 4);
	assert_text(&ds.recs[2], "after the bad quote");
	assert_int_equal(ds.recs[2].line, 7);

	/* Saving drops the bad rows and keeps the rest as they were. */
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_string_equal(out.data, "text,label\nfine,a\nalso fine,b\nafter the bad quote,c\n");
	tt_buf_fini(&out);
	dataset_fini(&ds);

	/* Strict: the first bad row stops the load. */
	o.skip_bad = false;
	assert_int_equal(dataset_load(&ds, DATA_DIR "skip-bad.csv", &o, &err), -1);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 4);
	dataset_fini(&ds);
}

/* Header problems stop the load even with skip_bad. */
static void test_skip_bad_header(void **state)
{
	struct dataset ds;
	struct tt_err err;

	(void)state;
	assert_int_equal(load(&ds, "body\nx\n", 7, DS_FMT_CSV, true, &err), -1);
	assert_contains(err.msg, "no \"text\" column");
	dataset_fini(&ds);
}

/* ---- writing edits ---- */

static void set_label(struct dataset *ds, size_t i, const char *name)
{
	uint32_t id = label_id(ds, name);

	ds_record_set_labels(&ds->recs[i], &id, 1);
	ds->recs[i].flags |= DS_FLAG_DIRTY;
}

static void test_edit_label(void **state)
{
	struct dataset ds;

	(void)state;
	load_ok(&ds, "id,text,label,extra\r\n"
		"1,\"hello, world\",a,\"x \"\"y\"\"\"\r\n"
		"2,\"b\",\"b\",z\r\n\r\n"
		"3,c,c,\r\n", DS_FMT_CSV);
	set_label(&ds, 0, "new, label");
	set_label(&ds, 1, "b");   /* dirty but unchanged: bytes kept */
	assert_writes(&ds, DS_FMT_AUTO, "id,text,label,extra\r\n"
		      "1,\"hello, world\",\"new, label\",\"x \"\"y\"\"\"\r\n"
		      "2,\"b\",\"b\",z\r\n\r\n"
		      "3,c,c,\r\n");

	/* Unlabel, and a multi-label record joined with '|'. */
	ds_record_set_labels(&ds.recs[0], NULL, 0);
	{
		uint32_t two[2] = { label_id(&ds, "x"), label_id(&ds, "y") };

		ds_record_set_labels(&ds.recs[2], two, 2);
		ds.recs[2].flags |= DS_FLAG_DIRTY;
	}
	assert_writes(&ds, DS_FMT_AUTO, "id,text,label,extra\r\n"
		      "1,\"hello, world\",,\"x \"\"y\"\"\"\r\n"
		      "2,\"b\",\"b\",z\r\n\r\n"
		      "3,c,x|y,\r\n");
	dataset_fini(&ds);
}

static void test_edit_text_and_delete(void **state)
{
	struct dataset ds;
	static const char edited[] = "new \"text\"\nwith a line";

	(void)state;
	load_ok(&ds, "text\tlabel\nold\ta\nkeep\tb\ngone\tc\nlast\td", DS_FMT_TSV);
	ds.recs[0].text = edited;
	ds.recs[0].text_len = (uint32_t)strlen(edited);
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	ds.recs[1].text = " padded";
	ds.recs[1].text_len = 7;
	ds.recs[1].flags |= DS_FLAG_DIRTY;
	ds.recs[2].flags |= DS_FLAG_DELETED;
	ds.recs[3].text = "has\ttab";
	ds.recs[3].text_len = 7;
	ds.recs[3].flags |= DS_FLAG_DIRTY;
	assert_writes(&ds, DS_FMT_AUTO, "text\tlabel\n"
		      "\"new \"\"text\"\"\nwith a line\"\ta\n"
		      "\" padded\"\tb\n"
		      "\"has\ttab\"\td");
	dataset_fini(&ds);
}

static void test_edit_split(void **state)
{
	struct dataset ds;

	(void)state;
	/* A split column exists: only its field changes; "Train" stays as written. */
	load_ok(&ds, "text,split,label\nx,Train,a\ny,,b\n", DS_FMT_CSV);
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	ds.recs[1].split = DS_SPLIT_TEST;
	ds.recs[1].flags |= DS_FLAG_DIRTY;
	assert_writes(&ds, DS_FMT_AUTO, "text,split,label\nx,Train,a\ny,test,b\n");
	dataset_fini(&ds);

	/* No split column: the header and every row get one, at the end. */
	load_ok(&ds, "text,label\r\nx,a\r\n\"y\",b\r\nz,c\r\n", DS_FMT_CSV);
	ds.recs[0].split = DS_SPLIT_TRAIN;
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	ds.recs[2].split = DS_SPLIT_VALID;
	assert_writes(&ds, DS_FMT_AUTO,
		      "text,label,split\r\nx,a,train\r\n\"y\",b,\r\nz,c,valid\r\n");
	dataset_fini(&ds);

	/* What was written reads back with the splits. */
	load_ok(&ds, "text,label,split\r\nx,a,train\r\n\"y\",b,\r\nz,c,valid\r\n", DS_FMT_CSV);
	assert_int_equal(ds.recs[0].split, DS_SPLIT_TRAIN);
	assert_int_equal(ds.recs[1].split, DS_SPLIT_NONE);
	assert_int_equal(ds.recs[2].split, DS_SPLIT_VALID);
	dataset_fini(&ds);
}

static void test_add_label_column(void **state)
{
	struct dataset ds;

	(void)state;
	/* One column: an empty text must be quoted, or it would be a blank line. */
	load_ok(&ds, "\xef\xbb\xbftext\nx\ny\nz", DS_FMT_CSV);
	set_label(&ds, 1, "pos");
	ds.recs[2].text_len = 0;
	ds.recs[2].flags |= DS_FLAG_DIRTY;
	assert_writes(&ds, DS_FMT_AUTO, "\xef\xbb\xbftext,label\nx,\ny,pos\n,");
	dataset_fini(&ds);

	load_ok(&ds, "text\nx\ny\n", DS_FMT_CSV);
	ds.recs[0].text_len = 0;
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	assert_writes(&ds, DS_FMT_AUTO, "text\n\"\"\ny\n");
	dataset_fini(&ds);
}

/* Records added in memory to a loaded file get a made-up row. */
static void test_new_rows(void **state)
{
	struct dataset ds;
	struct ds_record *r;

	(void)state;
	load_ok(&ds, "id,text,other,label\r\n1,a,o,x", DS_FMT_CSV);
	r = ds_record_append(&ds);
	r->text = "b, new";
	r->text_len = 6;
	r->id = "2";
	r->id_len = 1;
	r->label = label_id(&ds, "y");
	assert_writes(&ds, DS_FMT_AUTO, "id,text,other,label\r\n1,a,o,x\r\n2,\"b, new\",,y\r\n");
	dataset_fini(&ds);
}

/* ---- conversion ---- */

static void test_convert_from_memory(void **state)
{
	struct dataset ds;
	struct ds_record *r;
	uint32_t two[2];

	(void)state;
	dataset_init(&ds);
	ds.format = DS_FMT_JSONL;
	r = ds_record_append(&ds);
	r->text = "plain";
	r->text_len = 5;
	r->label = label_id(&ds, "a");
	r = ds_record_append(&ds);
	r->text = "with \"quotes\", comma\nand newline";
	r->text_len = (uint32_t)strlen(r->text);
	r->id = "r2";
	r->id_len = 2;
	r->split = DS_SPLIT_TEST;
	r = ds_record_append(&ds);
	r->text = "two labels";
	r->text_len = 10;
	two[0] = label_id(&ds, "a");
	two[1] = label_id(&ds, "b c");
	ds_record_set_labels(r, two, 2);
	r = ds_record_append(&ds);
	r->text = "deleted";
	r->text_len = 7;
	r->flags = DS_FLAG_DELETED;
	assert_writes(&ds, DS_FMT_CSV, "id,text,label,split\n"
		      ",plain,a,\n"
		      "r2,\"with \"\"quotes\"\", comma\nand newline\",,test\n"
		      ",two labels,a|b c,\n");
	assert_writes(&ds, DS_FMT_TSV, "id\ttext\tlabel\tsplit\n"
		      "\tplain\ta\t\n"
		      "r2\t\"with \"\"quotes\"\", comma\nand newline\"\t\ttest\n"
		      "\ttwo labels\ta|b c\t\n");
	dataset_fini(&ds);

	/* Without ids or splits those columns are left out. */
	dataset_init(&ds);
	ds.format = DS_FMT_FASTTEXT;
	r = ds_record_append(&ds);
	r->text = " lead";
	r->text_len = 5;
	assert_writes(&ds, DS_FMT_CSV, "text,label\n\" lead\",\n");
	dataset_fini(&ds);
}

/* CSV to TSV and back keeps the values. */
static void test_convert_csv_tsv(void **state)
{
	struct dataset ds, back;
	struct tt_buf out;
	struct tt_err err;
	size_t i;

	(void)state;
	load_ok(&ds, "id,text,label,split\n7,\"a\tb, \"\"c\"\"\",x,train\n8,d,,\n", DS_FMT_CSV);
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_TSV, &out, &err), 0);
	assert_string_equal(out.data, "id\ttext\tlabel\tsplit\n7\t\"a\tb, \"\"c\"\"\"\tx\ttrain\n"
			    "8\td\t\t\n");
	load_ok(&back, out.data, DS_FMT_TSV);
	assert_int_equal(back.n, ds.n);
	for (i = 0; i < ds.n; i++) {
		assert_int_equal(back.recs[i].text_len, ds.recs[i].text_len);
		assert_memory_equal(back.recs[i].text, ds.recs[i].text, ds.recs[i].text_len);
		assert_int_equal(back.recs[i].split, ds.recs[i].split);
		assert_int_equal(back.recs[i].id_len, ds.recs[i].id_len);
	}
	assert_string_equal(label_name(&back, &back.recs[0]), "x");
	tt_buf_fini(&out);
	dataset_fini(&back);
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_table),
		cmocka_unit_test(test_multilabel_roundtrip),
		cmocka_unit_test(test_multilabel_refused),
		cmocka_unit_test(test_roundtrip_files),
		cmocka_unit_test(test_read_fields),
		cmocka_unit_test(test_read_crlf_and_names),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_skip_bad_header),
		cmocka_unit_test(test_edit_label),
		cmocka_unit_test(test_edit_text_and_delete),
		cmocka_unit_test(test_edit_split),
		cmocka_unit_test(test_add_label_column),
		cmocka_unit_test(test_new_rows),
		cmocka_unit_test(test_convert_from_memory),
		cmocka_unit_test(test_convert_csv_tsv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
