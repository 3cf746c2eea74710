/*
 * fuzz-jsonl-scan.c - differential libFuzzer target for the JSONL fast
 * path. Any input is loaded twice, through jsonl-scan.c and through
 * jansson alone, strictly and with skip_bad: status, error position and
 * message, and every record field must agree (tests/unit/jsonl-diff.h).
 * Also, line by line: whatever the scanner accepts, jansson accepts, with
 * the same members and the same decoded strings.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/jsonl-diff.h"

/* The scanner's verdict on one line against jansson's. */
static void fuzz_line(const char *s, size_t n)
{
	struct jsonl_scan sc;
	json_error_t je;
	json_t *root;
	const char *what;
	int i;

	if (!jsonl_scan_line(s, n, &sc) || (sc.high && tt_utf8_check(s, n, &what) >= 0))
		return;
	root = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (root == NULL || !json_is_object(root) || json_object_size(root) != (size_t)sc.n) {
		fprintf(stderr, "scanner accepted what jansson refuses: %s\n",
			root == NULL ? je.text : "members differ");
		abort();
	}
	for (i = 0; i < sc.n; i++) {
		const struct jsonl_scan_member *m = &sc.m[i];
		char key[4096], *dec;
		json_t *v;
		size_t len;

		if (m->key_len >= sizeof key)
			continue;
		memcpy(key, s + m->key, m->key_len);
		key[m->key_len] = '\0';
		v = json_object_get(root, key);
		if (v == NULL)
			abort();
		if (m->v.type == JSONL_SCAN_STRING) {
			dec = malloc(m->v.end - m->v.start);
			len = jsonl_scan_decode(s, &m->v, dec);
			if (!json_is_string(v) || json_string_length(v) != len ||
			    memcmp(json_string_value(v), dec, len) != 0)
				abort();
			free(dec);
		} else if ((m->v.type == JSONL_SCAN_INTEGER && !json_is_integer(v)) ||
			   (m->v.type == JSONL_SCAN_REAL && !json_is_real(v)) ||
			   (m->v.type == JSONL_SCAN_ARRAY && !json_is_array(v)) ||
			   (m->v.type == JSONL_SCAN_OBJECT && !json_is_object(v)) ||
			   (m->v.type == JSONL_SCAN_TRUE && !json_is_true(v)) ||
			   (m->v.type == JSONL_SCAN_FALSE && !json_is_false(v)) ||
			   (m->v.type == JSONL_SCAN_NULL && !json_is_null(v))) {
			abort();
		}
	}
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char why[2048];
	int loaded, skip;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		fuzz_line(p, n);
		p += n + 1;
	}
	for (skip = 0; skip <= 1; skip++) {
		if (jsonl_diff((const char *)data, size, skip, &loaded, why, sizeof why) != 0) {
			fprintf(stderr, "fast path and jansson differ: %s\n", why);
			abort();
		}
	}
	return 0;
}
