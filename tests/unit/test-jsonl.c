/*
 * test-jsonl.c - the JSONL reader and writer: byte-for-byte round trips,
 * every bad-input case with its line and column, skip-bad, edits spliced
 * into the original line.
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

static int load(struct dataset *ds, const char *text, size_t len, int skip_bad, struct tt_err *err)
{
	struct ds_options o;

	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	o.skip_bad = skip_bad;
	o.max_record_bytes = 200;
	tt_err_clear(err);
	return dataset_load_buffer(ds, "t.jsonl", text, len, &o, err);
}

static void assert_round_trip(const char *text)
{
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;

	assert_int_equal(load(&ds, text, strlen(text), 0, &err), 0);
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_int_equal(out.len, strlen(text));
	assert_memory_equal(out.data, text, out.len);
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

static void test_round_trip(void **state)
{
	(void)state;
	assert_round_trip("{\"id\": 7, \"text\": \"caf\\u00e9 \\\"quoted\\\"\\n\", \"label\": \"a\", "
			  "\"meta\": {\"x\": [1, 2.50, null]}, \"z\": true}\n"
			  "{\"text\":\"compact\",\"label\":null,\"extra\":\"\xc3\xa9t\xc3\xa9\"}\r\n"
			  "\n"
			  "   {  \"label\" : [\"a\", \"b\"] , \"text\" : \"spaced\"  }\n"
			  "{\"text\": \"no newline at end\", \"unknown\": 1e5}");
	assert_round_trip("\n\n{\"text\": \"leading blank lines\"}\n\n");
}

static void test_fields(void **state)
{
	const char *in = "{\"id\": \"r1\", \"text\": \"plain\", \"label\": \"pos\", \"split\": \"dev\"}\n"
			 "{\"id\": 42, \"text\": \"esc\\taped\", \"label\": [\"a\", \"b\"]}\n"
			 "{\"text\": \"none\"}\n";
	struct dataset ds;
	struct tt_err err;
	struct tt_buf id;

	(void)state;
	assert_int_equal(load(&ds, in, strlen(in), 0, &err), 0);
	assert_int_equal(ds.n, 3);
	assert_true(ds.multilabel);
	/* Plain text points into the buffer; escaped text is decoded. */
	assert_true(ds.recs[0].text >= ds.buf && ds.recs[0].text < ds.buf + ds.buf_len);
	assert_int_equal(ds.recs[0].text_len, 5);
	assert_memory_equal(ds.recs[1].text, "esc\taped", 8);
	assert_string_equal(ds.labels.names[ds.recs[0].label], "pos");
	assert_int_equal(ds_record_nlabels(&ds.recs[1]), 2);
	assert_string_equal(ds.labels.names[ds_record_label_at(&ds.recs[1], 1)], "b");
	assert_int_equal(ds.recs[2].label, DS_NO_LABEL);
	assert_int_equal(ds.recs[0].split, DS_SPLIT_VALID);
	tt_buf_init(&id);
	ds_record_id(&ds, 1, &id);
	assert_string_equal(id.data, "42");
	tt_buf_clear(&id);
	ds_record_id(&ds, 2, &id);
	assert_string_equal(id.data, "3");     /* implicit: the record number */
	tt_buf_fini(&id);
	dataset_fini(&ds);
}

struct bad_case {
	const char *name;
	const char *input;
	size_t len;          /* 0: strlen */
	uint32_t line;
	uint32_t col;
	const char *msg;     /* a substring of the message */
};

static const struct bad_case bad_cases[] = {
	{ "malformed", "{\"text\": \"a\"}\n{\"text\": }\n", 0, 2, 10, "malformed JSON" },
	{ "trailing garbage", "{\"text\":\"a\"} x\n", 0, 1, 14, "malformed JSON" },
	{ "missing text", "{\"label\": \"a\"}\n", 0, 1, 1, "missing field \"text\"" },
	{ "text not string", "{\"text\": 5}\n", 0, 1, 10, "field \"text\" is a number" },
	{ "text null", "{\"label\": \"x\", \"text\": null}\n", 0, 1, 24, "is null (expected a string)" },
	{ "label number", "{\"text\":\"a\",\"label\":3}\n", 0, 1, 21, "field \"label\" is a number" },
	{ "label object", "{\"text\":\"a\",\"label\":{}}\n", 0, 1, 21, "expected a string, an array" },
	{ "label array of numbers", "{\"text\":\"a\",\"label\":[\"x\", 1]}\n", 0, 1, 21,
	  "label 2 of field \"label\" is a number" },
	{ "invalid utf8", "{\"text\":\"a\xff\"}\n", 0, 1, 11, "invalid UTF-8" },
	{ "invalid utf8 after multibyte", "{\"text\":\"\xc3\xa9\xc3\"}\n", 0, 1, 11, "invalid UTF-8" },
	{ "nul byte", "{\"text\":\"a\0b\"}\n", 15, 1, 11, "NUL byte" },
	{ "escaped nul", "{\"text\":\"a\\u0000b\"}\n", 0, 1, 18, "(NUL) escape" },
	{ "not an object", "[1, 2]\n", 0, 1, 1, "expected a JSON object, found an array" },
	{ "string line", "  \"text\"\n", 0, 1, 3, "expected a JSON object, found a string" },
	{ "duplicate key", "{\"text\":\"a\",\"text\":\"b\"}\n", 0, 1, 18, "duplicate object key" },
	{ "bad split", "{\"text\":\"a\",\"split\":\"later\"}\n", 0, 1, 21, "not a split" },
	{ "bad id", "{\"text\":\"a\",\"id\":[1]}\n", 0, 1, 18, "expected a string or an integer" },
	{ "too long", "{\"text\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"pad\": \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}\n", 0, 1, 1,
	  "expected at most 200;" },
	{ "empty file", "", 0, 1, 1, "empty file" },
	{ "blank file", "\n  \n\t\n", 0, 1, 1, "empty file" },
	{ "third line bad", "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"\n", 0, 3, 11,
	  "malformed JSON" },
};

static void test_bad_input(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct dataset ds;
		struct tt_err err;
		size_t len = c->len ? c->len : strlen(c->input);
		int rc = load(&ds, c->input, len, 0, &err);

		print_message("case %s: %s:%u:%u: %s\n", c->name, err.file, err.line, err.col, err.msg);
		assert_int_equal(rc, -1);
		assert_string_equal(err.file, "t.jsonl");
		assert_int_equal(err.line, c->line);
		assert_int_equal(err.col, c->col);
		assert_non_null(strstr(err.msg, c->msg));
		assert_int_equal(ds.n, 0);      /* a failed load leaves nothing behind */
		dataset_fini(&ds);
	}
}

static void test_skip_bad(void **state)
{
	const char *in = "{\"text\":\"a\",\"label\":\"x\"}\n"
			 "{\"text\": 1}\n"
			 "{\"text\":\"b\",\"label\":\"y\"}\n"
			 "not json\n"
			 "{\"text\":\"c\"}\n";
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;

	(void)state;
	assert_int_equal(load(&ds, in, strlen(in), 1, &err), 0);
	assert_int_equal(ds.n, 3);
	assert_int_equal(ds.nbad, 2);
	assert_int_equal(ds.bad[0].line, 2);
	assert_int_equal(ds.bad[0].col, 10);
	assert_int_equal(ds.bad[1].line, 4);
	/* The skipped lines are not lost: a save writes them back verbatim. */
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_string_equal(out.data, in);
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

static void test_edit_splices(void **state)
{
	const char *in = "{\"id\": \"a\", \"text\": \"caf\\u00e9\", \"label\": \"x\", \"keep\": [1,  2]}\n"
			 "{\"text\":\"two\",\"label\":null}\n"
			 "{\"text\": \"three\"}\n";
	const char *want = "{\"id\": \"a\", \"text\": \"caf\\u00e9\", \"label\": \"y\", \"keep\": [1,  2], "
			   "\"split\": \"test\"}\n"
			   "{\"text\":\"two\",\"label\":\"x\",\"flags\":[\"flagged\"]}\n"
			   "{\"text\": \"three\"}\n";
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;
	uint32_t y, x;

	(void)state;
	assert_int_equal(load(&ds, in, strlen(in), 0, &err), 0);
	y = ds_label_intern(&ds, "y", 1);
	assert_int_equal(ds_label_find(&ds, "x", 1, &x), 0);
	ds_record_set_labels(&ds.recs[0], &y, 1);
	ds.recs[0].split = DS_SPLIT_TEST;
	ds.recs[0].flags |= DS_FLAG_DIRTY;
	ds_record_set_labels(&ds.recs[1], &x, 1);
	ds.recs[1].flags |= DS_FLAG_DIRTY | DS_FLAG_FLAGGED;
	ds.recs[2].flags |= DS_FLAG_DIRTY;    /* dirty but unchanged: same bytes */
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_string_equal(out.data, want);
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

static void test_delete_and_convert(void **state)
{
	const char *in = "{\"text\":\"a\",\"label\":\"x\"}\n{\"text\":\"b\\nc\",\"label\":\"y\",\"id\":\"k\"}\n";
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;

	(void)state;
	assert_int_equal(load(&ds, in, strlen(in), 0, &err), 0);
	ds.recs[0].flags |= DS_FLAG_DELETED;
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_string_equal(out.data, "{\"text\":\"b\\nc\",\"label\":\"y\",\"id\":\"k\"}\n");
	ds.recs[0].flags &= (uint8_t)~DS_FLAG_DELETED;
	ds.format = DS_FMT_CSV;   /* pretend it came from elsewhere: rebuilt objects */
	tt_buf_clear(&out);
	assert_int_equal(format_jsonl_write(&ds, &out, &err), 0);
	assert_string_equal(out.data, "{\"text\": \"a\", \"label\": \"x\"}\n"
			    "{\"id\": \"k\", \"text\": \"b\\nc\", \"label\": \"y\"}\n");
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

/* What tunetop writes for flags and notes is read back. */
static void test_marks_read_back(void **state)
{
	const char *in = "{\"text\": \"a\", \"label\": \"x\", \"flags\": [\"flagged\", \"unsure\"], "
			 "\"note\": \"check me\"}\n{\"text\": \"b\", \"flags\": 3}\n";
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;

	(void)state;
	assert_int_equal(load(&ds, in, strlen(in), 0, &err), 0);
	assert_int_equal(ds.recs[0].flags & (DS_FLAG_FLAGGED | DS_FLAG_UNSURE),
			 DS_FLAG_FLAGGED | DS_FLAG_UNSURE);
	assert_string_equal(ds.recs[0].note, "check me");
	assert_int_equal(ds.recs[1].flags, 0);        /* the user's own "flags" field */
	ds.recs[0].flags |= DS_FLAG_DIRTY;            /* unchanged: same bytes */
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_string_equal(out.data, in);
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

static void test_missing_file(void **state)
{
	struct dataset ds;
	struct ds_options o;
	struct tt_err err;

	(void)state;
	ds_options_default(&o);
	tt_err_clear(&err);
	assert_int_equal(dataset_load(&ds, "/nonexistent/x.jsonl", &o, &err), -1);
	assert_non_null(strstr(err.msg, "No such file"));
	dataset_fini(&ds);
	assert_int_equal(dataset_load(&ds, "/", &o, &err), -1);
	assert_non_null(strstr(err.msg, "directory"));
	dataset_fini(&ds);
}

static void test_format_detect(void **state)
{
	(void)state;
	assert_int_equal(ds_format_detect("a.jsonl", "", 0), DS_FMT_JSONL);
	assert_int_equal(ds_format_detect("a.CSV", "", 0), DS_FMT_CSV);
	assert_int_equal(ds_format_detect("a.tsv", "", 0), DS_FMT_TSV);
	assert_int_equal(ds_format_detect("a.txt", "{\"text\":1}", 10), DS_FMT_JSONL);
	assert_int_equal(ds_format_detect("a.txt", "__label__x hi", 13), DS_FMT_FASTTEXT);
	assert_int_equal(ds_format_detect("a.dat", "text\tlabel\n", 11), DS_FMT_TSV);
	assert_int_equal(ds_format_detect("a.dat", "text,label\n", 11), DS_FMT_CSV);
}

/* Over 4 MiB the reader splits the file across threads; the result must be
 * the same as one thread's: order, labels, line numbers, bytes. */
static void test_parallel(void **state)
{
	struct tt_buf in, out;
	struct dataset ds;
	struct tt_err err;
	size_t i, lines = 80000, bad_line = 71234;

	(void)state;
	tt_buf_init(&in);
	for (i = 1; i <= lines; i++) {
		if (i % 1000 == 0)
			tt_buf_adds(&in, "\n");   /* blank lines stay with the record before */
		else if (i == bad_line)
			tt_buf_adds(&in, "{\"text\": [\"not a string\"]}\n");
		else
			tt_buf_printf(&in, "{\"text\": \"record number %zu with some padding text\", "
				      "\"label\": \"L%zu\"}\n", i, (i * 7) % 13);
	}
	assert_true(in.len > (5u << 20));
	assert_int_equal(load(&ds, in.data, in.len, 0, &err), -1);
	assert_int_equal(err.line, bad_line);
	assert_int_equal(err.col, 10);
	dataset_fini(&ds);
	assert_int_equal(load(&ds, in.data, in.len, 1, &err), 0);
	assert_int_equal(ds.nbad, 1);
	assert_int_equal(ds.bad[0].line, bad_line);
	assert_int_equal(ds.n, lines - lines / 1000 - 1);
	for (i = 0; i < ds.n; i += 997) {
		char want[64];
		size_t line = ds.recs[i].line;

		snprintf(want, sizeof want, "record number %zu ", line);
		assert_memory_equal(ds.recs[i].text, want, strlen(want));
		snprintf(want, sizeof want, "L%zu", (line * 7) % 13);
		assert_string_equal(ds.labels.names[ds.recs[i].label], want);
	}
	/* Labels numbered in order of first appearance: L7, L1, L8, ... */
	assert_string_equal(ds.labels.names[0], "L7");
	assert_string_equal(ds.labels.names[1], "L1");
	tt_buf_init(&out);
	assert_int_equal(dataset_write(&ds, DS_FMT_AUTO, &out, &err), 0);
	assert_int_equal(out.len, in.len);
	assert_memory_equal(out.data, in.data, in.len);
	tt_buf_fini(&out);
	tt_buf_fini(&in);
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_skip_bad),
		cmocka_unit_test(test_edit_splices),
		cmocka_unit_test(test_delete_and_convert),
		cmocka_unit_test(test_marks_read_back),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_format_detect),
		cmocka_unit_test(test_parallel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
