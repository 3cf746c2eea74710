/*
 * test-neardup.c - normalization, MinHash estimates against exact Jaccard
 * computed here the slow way, near-duplicate groups on planted copies,
 * and the findings (duplicates after normalization, a leak, outliers) on
 * constructed datasets.
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
#include "tunetop/minhash.h"
#include "tunetop/neardup.h"
#include "tunetop/normtext.h"

static void test_normtext(void **state)
{
	struct tt_buf b;

	(void)state;
	tt_buf_init(&b);
	normtext("  Hello\t\tWORLD \n", 16, &b);
	assert_string_equal(b.data, "hello world");
	/* NFKC (the ligature fi, full-width A), full case folding (sharp s), a no-break space */
	normtext("\xef\xac\x81ne \xef\xbc\xa1 Stra\xc3\x9f" "e\xc2\xa0X", 20, &b);
	assert_string_equal(b.data, "fine a strasse x");
	normtext(" \t ", 3, &b);
	assert_int_equal(b.len, 0);
	assert_true(normtext_hash("A  b", 4, &b) == normtext_hash("a b", 3, &b));
	assert_true(normtext_hash("a b.", 4, &b) != normtext_hash("a b", 3, &b));
	tt_buf_fini(&b);
}

/* The reference for ASCII: words split on whitespace, lowercased, joined by one space. */
static void normtext_ref(const char *s, size_t n, struct tt_buf *out)
{
	size_t i;
	int pending = 0;

	tt_buf_clear(out);
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			pending = out->len > 0;
			continue;
		}
		if (pending)
			tt_buf_addc(out, ' ');
		pending = 0;
		tt_buf_addc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
}

/* Random ASCII texts (the 16-byte block path and the byte path agree with the reference). */
static void test_normtext_random(void **state)
{
	static const char alphabet[] = "aZq. \t\n  Mx";
	struct tt_buf got, want;
	char text[100];
	uint64_t r = 12345;
	int t;

	(void)state;
	tt_buf_init(&got);
	tt_buf_init(&want);
	for (t = 0; t < 5000; t++) {
		size_t n, i;

		r = r * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(r >> 33) % sizeof text;
		for (i = 0; i < n; i++) {
			r = r * 6364136223846793005ull + 1442695040888963407ull;
			text[i] = alphabet[(r >> 33) % (sizeof alphabet - 1)];
		}
		normtext(text, n, &got);
		normtext_ref(text, n, &want);
		assert_int_equal(got.len, want.len);
		assert_memory_equal(got.data, want.data, want.len);
		assert_int_equal(got.data[got.len], '\0');
	}
	tt_buf_fini(&got);
	tt_buf_fini(&want);
}

static void test_params(void **state)
{
	struct minhash_params p;
	struct tt_err err;

	(void)state;
	assert_int_equal(minhash_params_init(&p, "char5", 128, 0.5, 0, &err), 0);
	assert_int_equal(p.kind, MINHASH_CHAR);
	assert_int_equal(p.ngram, 5);
	assert_int_equal(p.bands, 42);
	assert_int_equal(p.rows, 3);
	assert_true(minhash_candidate_prob(&p, 0.5) >= 0.99);
	assert_int_equal(minhash_params_init(&p, "word2", 64, 0.8, 16, &err), 0);
	assert_int_equal(p.rows, 4);
	assert_int_equal(minhash_params_init(&p, "char0", 128, 0.5, 0, &err), -1);
	assert_non_null(strstr(err.msg, "1 to 16"));
	assert_int_equal(minhash_params_init(&p, "chars", 128, 0.5, 0, &err), -1);
	assert_int_equal(minhash_params_init(&p, "line5", 128, 0.5, 0, &err), -1);
	assert_non_null(strstr(err.msg, "charN or wordN"));
	assert_int_equal(minhash_params_init(&p, "char5", 12, 0.5, 0, &err), -1);
	assert_non_null(strstr(err.msg, "neardup_perm"));
	assert_int_equal(minhash_params_init(&p, "char5", 100, 0.5, 0, &err), -1);
	assert_int_equal(minhash_params_init(&p, "char5", 128, 0.0, 0, &err), -1);
	assert_int_equal(minhash_params_init(&p, "char5", 128, 0.5, 129, &err), -1);
	assert_non_null(strstr(err.msg, "neardup_bands"));
}

/* Exact Jaccard of the character 5-gram sets (ASCII texts, already normalized). */
static double exact_jaccard(const char *x, const char *y)
{
	size_t nx = strlen(x) - 4, ny = strlen(y) - 4, i, j, inter = 0;

	/* count distinct shingles of x found in y, and distinct in each */
	size_t dx = 0, dy = 0;

	for (i = 0; i < nx; i++) {
		int seen = 0, in_y = 0;

		for (j = 0; j < i && !seen; j++)
			seen = memcmp(x + i, x + j, 5) == 0;
		if (seen)
			continue;
		dx++;
		for (j = 0; j < ny && !in_y; j++)
			in_y = memcmp(x + i, y + j, 5) == 0;
		inter += in_y;
	}
	for (i = 0; i < ny; i++) {
		int seen = 0;

		for (j = 0; j < i && !seen; j++)
			seen = memcmp(y + i, y + j, 5) == 0;
		dy += !seen;
	}
	return (double)inter / (double)(dx + dy - inter);
}

/* A text of nw pseudo-random words (seeded), lowercase. */
static void make_text(struct tt_buf *b, unsigned seed, int nw)
{
	static const char *syl[] = { "ka", "lo", "mi", "tre", "su", "van", "dor", "pel", "qui",
				     "zo", "ber", "nat", "sim", "ro", "fa", "gle" };
	uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
	int w, k;

	tt_buf_clear(b);
	for (w = 0; w < nw; w++) {
		if (w > 0)
			tt_buf_addc(b, ' ');
		for (k = 0; k < 2 + (int)(s % 2); k++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			tt_buf_adds(b, syl[(s >> 33) % 16]);
		}
	}
}

/* Replace word w of text t by "xyzzy" (in a copy). */
static void edit_word(const char *t, int w, struct tt_buf *out)
{
	int at = 0;
	const char *p = t;

	tt_buf_clear(out);
	while (*p != '\0') {
		const char *e = strchr(p, ' ');
		size_t len = e != NULL ? (size_t)(e - p) : strlen(p);

		if (at > 0)
			tt_buf_addc(out, ' ');
		if (at == w)
			tt_buf_adds(out, "xyzzy");
		else
			tt_buf_add(out, p, len);
		at++;
		p += len + (e != NULL);
	}
}

static void test_estimate(void **state)
{
	struct minhash_params p;
	struct minhash mh;
	struct minhash_scratch sc;
	struct tt_buf a, b;
	struct tt_err err;
	uint32_t sa[256], sb[256];
	int edits, t;

	(void)state;
	assert_int_equal(minhash_params_init(&p, "char5", 256, 0.5, 0, &err), 0);
	minhash_init(&mh, &p);
	minhash_scratch_init(&sc);
	tt_buf_init(&a);
	tt_buf_init(&b);
	for (t = 0; t < 6; t++) {
		for (edits = 0; edits <= 3; edits++) {
			double exact, est;
			int e;

			make_text(&a, (unsigned)t + 1, 25);
			tt_buf_clear(&b);
			tt_buf_add(&b, a.data, a.len);
			for (e = 0; e < edits; e++) {
				struct tt_buf tmp;

				tt_buf_init(&tmp);
				edit_word(b.data, 3 + 7 * e, &tmp);
				tt_buf_clear(&b);
				tt_buf_add(&b, tmp.data, tmp.len);
				tt_buf_fini(&tmp);
			}
			assert_true(minhash_sign(&mh, a.data, a.len, sa, &sc) > 0);
			assert_true(minhash_sign(&mh, b.data, b.len, sb, &sc) > 0);
			exact = exact_jaccard(a.data, b.data);
			est = minhash_similarity(sa, sb, p.perm);
			/* 256 permutations: a standard error under 0.032; allow 4 of them */
			assert_true(fabs(est - exact) < 0.13);
			if (edits == 0)
				assert_true(est == 1.0);
		}
	}
	/* unrelated texts: near 0 */
	make_text(&a, 100, 25);
	make_text(&b, 200, 25);
	minhash_sign(&mh, a.data, a.len, sa, &sc);
	minhash_sign(&mh, b.data, b.len, sb, &sc);
	assert_true(minhash_similarity(sa, sb, p.perm) < exact_jaccard(a.data, b.data) + 0.13);
	/* empty after normalization: no shingles */
	assert_int_equal(minhash_sign(&mh, " \t", 2, sa, &sc), 0);
	tt_buf_fini(&a);
	tt_buf_fini(&b);
	minhash_scratch_fini(&sc);
	minhash_fini(&mh);
}

static void load(struct dataset *ds, const char *jsonl)
{
	struct ds_options o;
	struct tt_err err;

	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	tt_err_clear(&err);
	assert_int_equal(dataset_load_buffer(ds, "t.jsonl", jsonl, strlen(jsonl), &o, &err), 0);
}

/*
 * 300 distinct texts of 25 words, and after them an edited copy (1 to 3
 * words changed) of every 10th: each copy is grouped with its source and
 * with nothing else.
 */
static void test_groups(void **state)
{
	struct tt_buf in, t, e, tmp;
	struct dataset ds;
	struct minhash_params p;
	struct neardup_result r;
	struct tt_err err;
	int i, k;

	(void)state;
	tt_buf_init(&in);
	tt_buf_init(&t);
	tt_buf_init(&e);
	tt_buf_init(&tmp);
	for (i = 0; i < 330; i++) {
		int src = i < 300 ? i : (i - 300) * 10;

		make_text(&t, (unsigned)src + 7, 25);
		if (i >= 300) {
			edit_word(t.data, 2, &e);
			for (k = 1; k <= i % 3; k++) {
				edit_word(e.data, 2 + 8 * k, &tmp);
				tt_buf_clear(&e);
				tt_buf_add(&e, tmp.data, tmp.len);
			}
		}
		tt_buf_printf(&in, "{\"text\": \"%s\", \"label\": \"a\"}\n", i < 300 ? t.data : e.data);
	}
	load(&ds, in.data);
	assert_int_equal(minhash_params_init(&p, "char5", 128, 0.5, 0, &err), 0);
	assert_int_equal(neardup_groups(&ds, &p, 2, &r), 0);
	assert_int_equal(r.ngroups, 30);
	assert_int_equal(r.grouped, 60);
	for (i = 300; i < 330; i++) {
		assert_int_not_equal(r.group[i], NEARDUP_NONE);
		assert_int_equal(r.group[i], r.group[(i - 300) * 10]);
		/* numbered in order of first record */
		assert_int_equal(r.group[i], (uint32_t)(i - 300));
	}
	for (i = 0; i < 300; i++) {
		if (i % 10 != 0)
			assert_int_equal(r.group[i], NEARDUP_NONE);
	}
	neardup_result_fini(&r);
	dataset_fini(&ds);
	tt_buf_fini(&in);
	tt_buf_fini(&t);
	tt_buf_fini(&e);
	tt_buf_fini(&tmp);
}

static void options(struct findings_options *o, bool near)
{
	struct tt_err err;

	memset(o, 0, sizeof *o);
	o->min_words = 3;
	o->z = 3.5;
	o->min_class = 2;
	o->near = near;
	assert_int_equal(minhash_params_init(&o->mh, "char5", 128, 0.5, 0, &err), 0);
}

/*
 * Records 1-2: the same text but for case and spaces, train and test (a
 * leak, one label). 3-4: the same with other labels, both train. 5: empty.
 * 6: a control character. 7: mojibake. 8: digits and signs. 9: very long.
 * 10-39: ordinary texts of 6 to 8 words.
 */
static void test_findings(void **state)
{
	struct tt_buf in, t;
	struct dataset ds;
	struct findings f;
	struct findings_options o;
	int i;

	(void)state;
	tt_buf_init(&in);
	tt_buf_init(&t);
	tt_buf_adds(&in,
		"{\"text\": \"Refund  my ORDER please now\", \"label\": \"billing\", \"split\": \"train\"}\n"
		"{\"text\": \"refund my order please now \", \"label\": \"billing\", \"split\": \"test\"}\n"
		"{\"text\": \"the app crashes on start\", \"label\": \"bug\", \"split\": \"train\"}\n"
		"{\"text\": \"The app crashes on start\", \"label\": \"billing\", \"split\": \"train\"}\n"
		"{\"text\": \"   \", \"label\": \"bug\", \"split\": \"train\"}\n"
		"{\"text\": \"bell \\u0007 rings here today ok\", \"label\": \"bug\", \"split\": \"train\"}\n"
		"{\"text\": \"the caf\\u00c3\\u00a9 menu is wrong again\", \"label\": \"bug\", \"split\": \"train\"}\n"
		"{\"text\": \"1234 5678 9999 #### !!!! ????\", \"label\": \"bug\", \"split\": \"train\"}\n");
	tt_buf_adds(&in, "{\"text\": \"");
	for (i = 0; i < 60; i++)
		tt_buf_adds(&in, "very long words here ");
	tt_buf_adds(&in, "\", \"label\": \"bug\", \"split\": \"train\"}\n");
	for (i = 0; i < 30; i++) {
		make_text(&t, (unsigned)i + 1000, 6 + i % 3);
		tt_buf_printf(&in, "{\"text\": \"%s\", \"label\": \"%s\", \"split\": \"%s\"}\n", t.data,
			      i % 2 ? "bug" : "billing", i % 5 == 0 ? "test" : "train");
	}
	load(&ds, in.data);
	options(&o, false);
	findings_compute(&ds, &o, &f);
	assert_false(f.has_near);
	assert_int_equal(f.dups.n, 2);
	assert_int_equal(f.dups.records, 4);
	/* the group whose labels disagree comes first, then the leak */
	assert_true(f.dups.g[0].disagree);
	assert_false(f.dups.g[0].leak);
	assert_int_equal(f.dups.g[0].members[0], 2);
	assert_int_equal(f.dups.g[0].members[1], 3);
	assert_true(f.dups.g[1].leak);
	assert_int_equal(f.dups.g[1].members[0], 0);
	assert_int_equal(f.dups.disagree, 1);
	assert_int_equal(f.dups.leak, 1);
	assert_int_equal(f.leak_records, 2);
	assert_true(f.flags[0] & FINDINGS_LEAK);
	assert_true(f.flags[1] & FINDINGS_LEAK);
	assert_true(f.flags[2] & FINDINGS_DUP);
	assert_false(f.flags[2] & FINDINGS_LEAK);
	assert_int_equal(f.dups.of[3], 0);
	assert_int_equal(f.dups.of[10], FINDINGS_NONE);
	assert_int_equal(f.outlier[4], FINDINGS_O_EMPTY);
	assert_int_equal(f.outlier[5], FINDINGS_O_CONTROL);
	assert_int_equal(f.outlier[6], FINDINGS_O_ENCODING);
	assert_int_equal(f.outlier[7], FINDINGS_O_NONLETTER);
	assert_int_equal(f.outlier[8], FINDINGS_O_LONG);
	assert_true(findings_length_z(&f, 60 * 21) > 3.5);
	for (i = 9; i < 39; i++)
		assert_int_equal(f.outlier[i], 0);
	assert_int_equal(f.outliers, 5);
	assert_int_equal(f.per_kind[0], 1);
	assert_int_equal(findings_outlier_parse("nonletter"), FINDINGS_O_NONLETTER);
	assert_int_equal(findings_outlier_parse("weird"), 0);
	findings_fini(&f);

	/* near duplicates: an edited copy of record 10 (train) in the valid split leaks */
	make_text(&t, 1001, 7);
	tt_buf_printf(&in, "{\"text\": \"%s extra words\", \"label\": \"billing\", \"split\": \"valid\"}\n",
		      t.data);
	dataset_fini(&ds);
	load(&ds, in.data);
	options(&o, true);
	findings_compute(&ds, &o, &f);
	assert_true(f.has_near);
	assert_true(f.flags[39] & FINDINGS_NEAR);
	assert_true(f.flags[39] & FINDINGS_LEAK);
	assert_true(f.flags[10] & FINDINGS_NEAR);
	assert_true(f.flags[10] & FINDINGS_LEAK);
	assert_int_equal(f.nears.of[10], f.nears.of[39]);
	findings_fini(&f);
	dataset_fini(&ds);
	tt_buf_fini(&in);
	tt_buf_fini(&t);
}

/*
 * Random ASCII texts (letters, digits, spaces, tabs, newlines, \v and a
 * bell): the outlier kinds of findings_compute, whose 16-byte blocks and
 * byte loop must agree, against counts made here byte by byte.
 */
static void test_outliers_random(void **state)
{
	static const char alphabet[] = "ab Z9 \t\n#x\v\aq  ..7";
	struct tt_buf in, t;
	struct dataset ds;
	struct findings f;
	struct findings_options o;
	unsigned want[300];
	uint64_t r = 99;
	int i;

	(void)state;
	tt_buf_init(&in);
	tt_buf_init(&t);
	for (i = 0; i < 300; i++) {
		size_t n, k, words = 0, letters = 0, visible = 0;
		bool inword = false, control = false;

		r = r * 6364136223846793005ull + 1442695040888963407ull;
		n = (size_t)(r >> 33) % 70;
		tt_buf_clear(&t);
		for (k = 0; k < n; k++) {
			char c;

			r = r * 6364136223846793005ull + 1442695040888963407ull;
			c = alphabet[(r >> 33) % (sizeof alphabet - 1)];
			tt_buf_addc(&t, c);
			if (c == ' ' || (c >= '\t' && c <= '\r')) {
				inword = false;
				control |= c == '\v';
				continue;
			}
			control |= c == '\a';
			words += !inword;
			inword = true;
			visible++;
			letters += (c | 32) >= 'a' && (c | 32) <= 'z';
		}
		want[i] = (words == 0 ? FINDINGS_O_EMPTY : words < 3 ? FINDINGS_O_SHORT : 0u) |
			  (control ? FINDINGS_O_CONTROL : 0u) |
			  (visible >= 4 && letters * 2 < visible ? FINDINGS_O_NONLETTER : 0u);
		tt_buf_adds(&in, "{\"text\": \"");
		for (k = 0; k < t.len; k++) {
			unsigned char c = (unsigned char)t.data[k];

			if (c < 0x20)
				tt_buf_printf(&in, "\\u%04x", c);
			else
				tt_buf_addc(&in, (char)c);
		}
		tt_buf_adds(&in, "\"}\n");
	}
	load(&ds, in.data);
	options(&o, false);
	o.z = 1000;    /* no length outliers: only the kinds counted here */
	findings_compute(&ds, &o, &f);
	for (i = 0; i < 300; i++)
		assert_int_equal(f.outlier[i], want[i]);
	findings_fini(&f);
	dataset_fini(&ds);
	tt_buf_fini(&in);
	tt_buf_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normtext),
		cmocka_unit_test(test_normtext_random),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_outliers_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
