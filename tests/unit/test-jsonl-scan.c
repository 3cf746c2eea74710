/*
 * test-jsonl-scan.c - the JSONL fast path (jsonl-scan.c): what the scanner
 * accepts and refuses, and, for a table of tricky lines, that loading
 * through it gives exactly what loading through jansson alone gives
 * (records, errors and their columns), strictly and with skip_bad.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl-diff.h"

static int scans(const char *line)
{
	struct jsonl_scan sc;

	return jsonl_scan_line(line, strlen(line), &sc);
}

static void test_scanner_accepts(void **state)
{
	static const char *ok[] = {
		"{}",
		" {\"text\": \"a\"} ",
		"{\"text\":\"a\",\"label\":null,\"n\":-0,\"r\":1.25,\"t\":true,\"f\":false}",
		"{\"text\": \"caf\\u00e9 \\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}",
		"{\"text\": \"x\", \"meta\": {\"a\": [1, {\"a\": 2}], \"b\": []}}",
		"{\"text\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
		"{\"\": 1, \"text\": \"\"}",
		"{\"id\": 123456789012345}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (!scans(ok[i]))
			fail_msg("not scanned: %s", ok[i]);
	}
}

/* Lines the scanner leaves to jansson: errors, and what it does not decide. */
static void test_scanner_refuses(void **state)
{
	static const char *no[] = {
		"", "[]", "\"text\"", "{", "{\"text\": \"a\"", "{\"text\": \"a\"}x", "{\"text\": \"a\",}",
		"{\"text\": \"a\" \"b\": 1}", "{text: 1}", "{\"a\": 01}", "{\"a\": 1.}", "{\"a\": -}",
		"{\"a\": .5}", "{\"a\": 1e5}", "{\"a\": 1234567890123456}", "{\"a\": tru}",
		"{\"a\": truex}", "{\"a\": nul}", "{\"a\": \"\\x\"}", "{\"a\": \"\\u12\"}",
		"{\"a\": \"\\u0000\"}", "{\"a\": \"\\ud800\"}", "{\"a\": \"\\udc00\"}",
		"{\"a\": \"\\ud800\\u0041\"}", "{\"a\": \"tab\there\"}", "{\"a\": 1, \"a\": 2}",
		"{\"o\": {\"k\": 1, \"k\": 2}}", "{\"t\\u0065xt\": \"a\"}", "{\"a\": [1,]}",
		"{\"a\": [1 2]}", "{\"a\": \"x\"}\x01",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (scans(no[i]))
			fail_msg("scanned: %s", no[i]);
	}
}

static void test_scanner_depth_and_width(void **state)
{
	char deep[256], wide[1024];
	size_t i, n = 0;

	(void)state;
	n += (size_t)snprintf(deep, sizeof deep, "{\"a\": ");
	for (i = 0; i < 40; i++)
		deep[n++] = '[';
	for (i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_false(scans(deep));      /* deeper than JSONL_SCAN_MAX_DEPTH: jansson decides */
	n = (size_t)snprintf(wide, sizeof wide, "{");
	for (i = 0; i < 33; i++)
		n += (size_t)snprintf(wide + n, sizeof wide - n, "%s\"k%zu\": 1", i ? ", " : "", i);
	snprintf(wide + n, sizeof wide - n, "}");
	assert_false(scans(wide));      /* more than JSONL_SCAN_MAX_MEMBERS */
}

static void test_decode(void **state)
{
	const char *line = "{\"text\": \"a\\u00e9\\ud83d\\ude00\\n\\\"\\/\\\\z\"}";
	struct jsonl_scan sc;
	const struct jsonl_scan_value *v;
	char out[64];
	size_t n;

	(void)state;
	assert_true(jsonl_scan_line(line, strlen(line), &sc));
	v = jsonl_scan_find(&sc, line, "text", 4);
	assert_non_null(v);
	assert_int_equal(v->escaped, 1);
	n = jsonl_scan_decode(line, v, out);
	assert_int_equal(n, 12);
	assert_memory_equal(out, "a\xc3\xa9\xf0\x9f\x98\x80\n\"/\\z", 12);
}

/* Both paths, strict and skip_bad, on each line of the table and on all of it. */
static void test_same_as_jansson(void **state)
{
	static const char *lines[] = {
		"{\"id\": \"a\", \"text\": \"plain\", \"label\": \"x\", \"source\": \"web\"}",
		"{\"text\": \"esc \\\"q\\\" \\\\ \\n\\t \\u00e9 \\ud83d\\ude00\", \"label\": \"y\"}",
		"{\"text\": \"caf\xc3\xa9\", \"label\": [\"x\", \"y\"], \"id\": 17}",
		"{\"text\": \"labels\", \"label\": [\"\\u0078\"]}",
		"{\"text\": \"empty label\", \"label\": \"\"}",
		"{\"text\": \"null label\", \"label\": null, \"split\": null, \"id\": null}",
		"{\"text\": \"split\", \"split\": \"VALIDATION\", \"flags\": [\"flagged\", \"unsure\", 3]}",
		"{\"text\": \"esc flags\", \"flags\": [\"fl\\u0061gged\"], \"note\": \"n\\u00f6te\"}",
		"{\"text\": \"note\", \"note\": \"plain note\", \"flags\": \"flagged\"}",
		"{\"text\": \"nested\", \"meta\": {\"a\": [1, 2.5, {\"b\": null}], \"c\": {}}}",
		"{\"text\": \"dup nested\", \"meta\": {\"a\": 1, \"a\": 2}}",
		"{\"text\": \"dup\", \"text\": \"again\"}",
		"{\"t\\u0065xt\": \"escaped key\"}",
		"{\"text\": \"escaped id\", \"id\": \"i\\u0064\"}",
		"{\"text\": \"bad split\", \"split\": \"later\"}",
		"{\"text\": \"real id\", \"id\": 1.5}",
		"{\"text\": \"bool id\", \"id\": true}",
		"{\"text\": \"big id\", \"id\": 123456789012345678901}",
		"{\"text\": \"exp\", \"n\": 1e999}",
		"{\"text\": 5}",
		"{\"label\": \"no text\"}",
		"[\"not\", \"an object\"]",
		"{\"text\": \"lone \\ud800 surrogate\"}",
		"{\"text\": \"low \\udc00 first\"}",
		"{\"text\": \"nul \\u0000 escape\"}",
		"{\"text\": \"raw\ttab\"}",
		"{\"text\": \"bad utf8 \xff\"}",
		"{\"text\": \"overlong \xc0\xaf\"}",
		"{\"text\": \"surrogate in utf8 \xed\xa0\x80\"}",
		"{\"text\": \"truncated",
		"  {\"text\": \"spaces around\"}  \r",
		"{\"text\": \"label array of 65\", \"label\": [\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\","
		"\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\","
		"\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\","
		"\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\","
		"\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]}",
		"{\"text\": \"label number\", \"label\": 3}",
		"{\"text\": \"label array with null\", \"label\": [\"a\", null]}",
		"{\"text\": \"label array with empty\", \"label\": [\"a\", \"\"]}",
	};
	struct tt_buf all;
	char why[2048];
	size_t i;
	int loaded, skip;

	(void)state;
	tt_buf_init(&all);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		for (skip = 0; skip <= 1; skip++) {
			if (jsonl_diff(lines[i], strlen(lines[i]), skip, &loaded, why, sizeof why) != 0)
				fail_msg("line %zu (skip_bad %d): %s", i + 1, skip, why);
		}
		tt_buf_adds(&all, lines[i]);
		tt_buf_addc(&all, '\n');
	}
	if (jsonl_diff(all.data, all.len, 1, &loaded, why, sizeof why) != 0)
		fail_msg("all lines, skip_bad: %s", why);
	assert_true(loaded);
	if (jsonl_diff(all.data, all.len, 0, &loaded, why, sizeof why) != 0)
		fail_msg("all lines, strict: %s", why);
	tt_buf_fini(&all);
}

/* The fast path itself is taken: an escaped text is decoded into a copy. */
static void test_fast_path_decodes(void **state)
{
	const char *text = "{\"text\": \"a\\nb\", \"id\": \"x\", \"label\": \"l\"}\n";
	struct ds_options o;
	struct dataset ds;
	struct tt_err err;

	(void)state;
	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	assert_int_equal(dataset_load_buffer(&ds, "t.jsonl", text, strlen(text), &o, &err), 0);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.recs[0].text_len, 3);
	assert_memory_equal(ds.recs[0].text, "a\nb", 3);
	assert_true(ds.recs[0].own & DS_OWN_TEXT);
	assert_memory_equal(ds.recs[0].id, "x", 1);
	assert_false(ds.recs[0].own & DS_OWN_ID);      /* points into the file's bytes */
	dataset_fini(&ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_accepts),
		cmocka_unit_test(test_scanner_refuses),
		cmocka_unit_test(test_scanner_depth_and_width),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_same_as_jansson),
		cmocka_unit_test(test_fast_path_decodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
