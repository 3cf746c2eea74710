/*
 * test-tokenize.c - normalization, vocabulary, feature ids, serialization.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "tunetop/tokenize.h"

static struct tok_config
cfg_plain(void)
{
	struct tok_config c;

	tok_config_default(&c);
	c.buckets = 1000;
	c.eos = 0;      /* the word-level tests count words; eos has its own */
	return c;
}

static void
check_norm(const struct tok_config *c, const char *in, size_t inlen, const char *want,
	   size_t want_words)
{
	struct tt_buf out;
	size_t n;

	tt_buf_init(&out);
	n = tok_normalize(c, in, inlen, &out);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	assert_int_equal(n, want_words);
	tt_buf_fini(&out);
}

/* ---- normalization ----------------------------------------------------- */

struct norm_case {
	int normalize, casefold, strip_punct;
	const char *in;
	const char *want;
	size_t nwords;
};

static const struct norm_case norm_cases[] = {
	{ 1, 1, 0, "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 Stra\xc3\x9f" "e", "abc strasse", 2 },
	{ 1, 0, 0, "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3 Stra\xc3\x9f" "e", "ABC Stra\xc3\x9f" "e", 2 },
	{ 0, 1, 0, "Stra\xc3\x9f" "e ABC", "strasse abc", 2 },
	{ 0, 0, 0, "\xef\xbc\xa1 B", "\xef\xbc\xa1 B", 2 },
	/* fi ligature (compatibility) and e + combining acute -> precomposed */
	{ 1, 1, 0, "\xef\xac\x81ne cafe\xcc\x81", "fine caf\xc3\xa9", 2 },
	/* whitespace: tabs, newlines, ideographic space, NBSP collapse; trimmed */
	{ 1, 1, 0, "  a\t\nb\xe3\x80\x80" "c\xc2\xa0" "d  ", "a b c d", 4 },
	{ 1, 1, 0, "Hello, world!", "hello, world!", 2 },
	{ 1, 1, 1, "Hello, world! (yes)\xe2\x80\x94no", "hello world yes no", 4 },
	{ 1, 1, 1, "...", "", 0 },
	{ 1, 1, 0, "", "", 0 },
	{ 1, 1, 0, "a\x01" "b", "a b", 2 },
};

static void
test_normalize_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof norm_cases / sizeof norm_cases[0]; i++) {
		const struct norm_case *t = &norm_cases[i];
		struct tok_config c = cfg_plain();

		c.normalize = t->normalize;
		c.casefold = t->casefold;
		c.strip_punct = t->strip_punct;
		check_norm(&c, t->in, strlen(t->in), t->want, t->nwords);
	}
}

static void
test_normalize_invalid_utf8(void **state)
{
	struct tok_config c = cfg_plain();
	/* Latin-1 e-acute, a stray continuation byte, a truncated sequence */
	const char in[] = "Caf\xe9 BAR\x80 \xc3 \xef\xbc\xa1";

	(void)state;
	check_norm(&c, in, sizeof in - 1, "caf\xe9 bar\x80 \xc3 a", 4);
	/* every byte value alone, and a NUL in the middle */
	for (int b = 0; b < 256; b++) {
		char one[3] = { 'x', (char)b, 'y' };
		struct tt_buf out;
		tt_buf_init(&out);
		tok_normalize(&c, one, 3, &out);
		assert_true(out.len >= 2);
		tt_buf_fini(&out);
	}
}

/* ---- vocabulary -------------------------------------------------------- */

static void
build(struct tok_vocab *v, const struct tok_config *c, const char *const *texts, size_t n)
{
	tok_vocab_init(v, c);
	for (size_t i = 0; i < n; i++)
		tok_vocab_add_text(v, texts[i], strlen(texts[i]));
	tok_vocab_finish(v);
}

static void
test_vocab_order_min_count(void **state)
{
	const char *texts[] = { "b a c a", "B A d", "y x y x z e" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;

	(void)state;
	c.min_count = 2;
	build(&v, &c, texts, 3);
	/* a:3  b:2  x:2  y:2; c, d, z, e pruned; ties by bytes */
	assert_int_equal(v.nwords, 4);
	assert_string_equal(v.words[0], "a");
	assert_string_equal(v.words[1], "b");
	assert_string_equal(v.words[2], "x");
	assert_string_equal(v.words[3], "y");
	assert_int_equal(v.counts[0], 3);
	assert_int_equal(tok_vocab_id(&v, "y", 1), 3);
	assert_int_equal(tok_vocab_id(&v, "c", 1), TOK_NONE);
	assert_int_equal(tok_vocab_id(&v, "z", 1), TOK_NONE);
	assert_int_equal(v.ntokens, 13);
	tok_vocab_fini(&v);

	c.min_count = 1;
	build(&v, &c, texts, 3);
	assert_int_equal(v.nwords, 8);
	/* count 1, bytes ascending: c d e z */
	assert_string_equal(v.words[4], "c");
	assert_string_equal(v.words[7], "z");
	tok_vocab_fini(&v);
}

static void
test_vocab_prefix_order(void **state)
{
	const char *texts[] = { "ab a abc" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;

	(void)state;
	build(&v, &c, texts, 1);
	assert_string_equal(v.words[0], "a");
	assert_string_equal(v.words[1], "ab");
	assert_string_equal(v.words[2], "abc");
	tok_vocab_fini(&v);
}

/* ---- feature ids ------------------------------------------------------- */

static size_t
encode(const struct tok_vocab *v, const char *text, uint32_t *ids, size_t cap,
       struct tok_stats *st)
{
	return tok_encode(v, text, strlen(text), ids, cap, st);
}

static void
test_encode_words_only(void **state)
{
	const char *texts[] = { "the good movie", "the bad movie" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;
	struct tok_stats st;
	uint32_t ids[16];
	size_t n;

	(void)state;
	build(&v, &c, texts, 2);
	assert_int_equal(tok_vocab_nfeatures(&v), v.nwords);
	n = encode(&v, "The GOOD unknown movie", ids, 16, &st);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], tok_vocab_id(&v, "the", 3));
	assert_int_equal(ids[1], tok_vocab_id(&v, "good", 4));
	assert_int_equal(ids[2], tok_vocab_id(&v, "movie", 5));
	assert_int_equal(st.ntokens, 4);
	assert_int_equal(st.noov, 1);
	/* an OOV word alone contributes nothing without char n-grams */
	assert_int_equal(encode(&v, "zebra", ids, 16, NULL), 0);
	tok_vocab_fini(&v);
}

static void
test_encode_ngrams_in_range(void **state)
{
	const char *texts[] = { "a quick brown fox jumps over the lazy dog",
				"the dog sleeps" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;
	uint32_t ids[512], again[512];
	size_t n, n2;

	(void)state;
	c.word_ngrams = 3;
	c.char_ngrams_min = 3;
	c.char_ngrams_max = 5;
	c.buckets = 97;
	build(&v, &c, texts, 2);
	assert_int_equal(tok_vocab_nfeatures(&v), v.nwords + 97);
	n = encode(&v, "the lazy dog sleeps", ids, 512, NULL);
	n2 = encode(&v, "the lazy dog sleeps", again, 512, NULL);
	assert_int_equal(n, n2);
	assert_memory_equal(ids, again, n * sizeof ids[0]);
	for (size_t i = 0; i < n; i++)
		assert_true(ids[i] < tok_vocab_nfeatures(&v));
	/* 4 word ids, then char n-grams, last 3 bigrams + 2 trigrams */
	assert_int_equal(ids[0], tok_vocab_id(&v, "the", 3));
	for (size_t i = n - 5; i < n; i++)
		assert_true(ids[i] >= v.nwords);
	/* truncation reports the full count */
	assert_int_equal(encode(&v, "the lazy dog sleeps", again, 3, NULL), n);
	assert_memory_equal(ids, again, 3 * sizeof ids[0]);
	tok_vocab_fini(&v);
}

static void
test_encode_char_ngram_count(void **state)
{
	const char *texts[] = { "ab" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;
	uint32_t ids[64];

	(void)state;
	/* "<ab>": 3-grams "<ab" "ab>", 4-gram "<ab>"; plus the word id */
	c.char_ngrams_min = 3;
	c.char_ngrams_max = 5;
	build(&v, &c, texts, 1);
	assert_int_equal(encode(&v, "ab", ids, 64, NULL), 4);
	assert_int_equal(ids[0], 0);
	tok_vocab_fini(&v);

	/* 1-grams skip the lone boundaries: "a" "b" */
	c.char_ngrams_min = 1;
	c.char_ngrams_max = 1;
	build(&v, &c, texts, 1);
	assert_int_equal(encode(&v, "ab", ids, 64, NULL), 3);
	tok_vocab_fini(&v);

	/* characters, not bytes: "\xc3\xa9t\xc3\xa9" is 3 chars, "<été>" 5 */
	c.char_ngrams_min = 5;
	c.char_ngrams_max = 5;
	build(&v, &c, texts, 1);
	assert_int_equal(encode(&v, "\xc3\xa9t\xc3\xa9", ids, 64, NULL), 1);
	tok_vocab_fini(&v);
}

static void
test_encode_oov(void **state)
{
	const char *texts[] = { "good movie" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;
	uint32_t ids[64], ids2[64];
	size_t n;

	(void)state;
	c.char_ngrams_min = 2;
	c.char_ngrams_max = 3;
	c.word_ngrams = 2;
	build(&v, &c, texts, 1);
	/* OOV: only char n-grams, all in the bucket range */
	n = encode(&v, "goood", ids, 64, NULL);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++)
		assert_true(ids[i] >= v.nwords && ids[i] < v.nwords + c.buckets);
	/* an OOV word still forms word bigrams with its neighbours */
	c.char_ngrams_min = c.char_ngrams_max = 0;
	tok_vocab_fini(&v);
	build(&v, &c, texts, 1);
	assert_int_equal(encode(&v, "good zzz", ids, 64, NULL), 2);
	assert_int_equal(ids[0], tok_vocab_id(&v, "good", 4));
	assert_true(ids[1] >= v.nwords);
	/* order matters in a bigram, and a different OOV word hashes elsewhere */
	assert_int_equal(encode(&v, "good yyy", ids2, 64, NULL), 2);
	assert_int_not_equal(ids2[1], ids[1]);
	assert_int_equal(encode(&v, "zzz good", ids2, 64, NULL), 2);
	assert_int_equal(ids2[0], ids[0]);
	assert_int_not_equal(ids2[1], ids[1]);
	tok_vocab_fini(&v);
}

static void
test_encode_matches_normalization(void **state)
{
	const char *texts[] = { "Stra\xc3\x9f" "e" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v;
	uint32_t ids[4];

	(void)state;
	build(&v, &c, texts, 1);
	assert_int_equal(v.nwords, 1);
	assert_string_equal(v.words[0], "strasse");
	assert_int_equal(encode(&v, "STRASSE", ids, 4, NULL), 1);
	assert_int_equal(ids[0], 0);
	tok_vocab_fini(&v);
}

/* ---- serialization ----------------------------------------------------- */

static void
test_save_load_round_trip(void **state)
{
	const char *texts[] = { "one two two three three three", "caf\xe9 two" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v, w;
	struct tt_buf blob;
	struct tt_err err;
	uint32_t a[256], b[256];
	size_t na, nb;

	(void)state;
	c.strip_punct = 1;
	c.word_ngrams = 2;
	c.char_ngrams_min = 2;
	c.char_ngrams_max = 4;
	c.buckets = 5000;
	build(&v, &c, texts, 2);
	tt_buf_init(&blob);
	tok_vocab_save(&v, &blob);
	assert_int_equal(tok_vocab_load(&w, blob.data, blob.len, &err), 0);
	assert_memory_equal(&w.cfg, &v.cfg, sizeof v.cfg);
	assert_int_equal(w.nwords, v.nwords);
	for (uint32_t i = 0; i < v.nwords; i++) {
		assert_string_equal(w.words[i], v.words[i]);
		assert_int_equal(w.counts[i], v.counts[i]);
	}
	na = encode(&v, "three one, caf\xe9 four", a, 256, NULL);
	nb = encode(&w, "three one, caf\xe9 four", b, 256, NULL);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof a[0]);
	tok_vocab_fini(&w);
	tok_vocab_fini(&v);
	tt_buf_fini(&blob);
}

static void
test_load_truncated_and_corrupt(void **state)
{
	const char *texts[] = { "alpha beta beta gamma" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v, w;
	struct tt_buf blob;
	struct tt_err err;

	(void)state;
	build(&v, &c, texts, 1);
	tt_buf_init(&blob);
	tok_vocab_save(&v, &blob);
	for (size_t len = 0; len < blob.len; len++) {
		tt_err_clear(&err);
		assert_int_equal(tok_vocab_load(&w, blob.data, len, &err), -1);
		assert_true(err.msg[0] != '\0');
		tok_vocab_fini(&w);
	}
	for (size_t i = 0; i < blob.len; i++) {
		char *bad = malloc(blob.len);
		memcpy(bad, blob.data, blob.len);
		bad[i] ^= 0x5a;
		assert_int_equal(tok_vocab_load(&w, bad, blob.len, &err), -1);
		tok_vocab_fini(&w);
		free(bad);
	}
	/* trailing garbage */
	tt_buf_addc(&blob, 'x');
	assert_int_equal(tok_vocab_load(&w, blob.data, blob.len, &err), -1);
	tok_vocab_fini(&w);
	assert_int_equal(tok_vocab_load(&w, "garbage!garbage!", 16, &err), -1);
	assert_non_null(strstr(err.msg, "magic"));
	tok_vocab_fini(&w);
	tok_vocab_fini(&v);
	tt_buf_fini(&blob);
}

/* fastText's </s>: one per text in the vocabulary, last word of every text. */
static void
test_eos_token(void **state)
{
	const char *texts[] = { "a b", "b c" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v, w;
	struct tt_buf blob;
	struct tt_err err;
	uint32_t ids[16], ids2[16], eos;

	(void)state;
	c.eos = 1;
	c.word_ngrams = 2;
	build(&v, &c, texts, 2);
	eos = tok_vocab_id(&v, "</s>", 4);
	assert_int_not_equal(eos, TOK_NONE);
	assert_int_equal(v.counts[eos], 2);
	/* words a b, then </s>, then bigrams (a b) and (b </s>) */
	assert_int_equal(encode(&v, "a b", ids, 16, NULL), 5);
	assert_int_equal(ids[0], tok_vocab_id(&v, "a", 1));
	assert_int_equal(ids[1], tok_vocab_id(&v, "b", 1));
	assert_int_equal(ids[2], eos);
	assert_true(ids[3] >= v.nwords && ids[4] >= v.nwords);
	/* an empty text still has </s> */
	assert_int_equal(encode(&v, "", ids2, 16, NULL), 1);
	assert_int_equal(ids2[0], eos);
	/* saved and loaded: same config (eos on), same ids */
	tt_buf_init(&blob);
	tok_vocab_save(&v, &blob);
	assert_int_equal(tok_vocab_load(&w, blob.data, blob.len, &err), 0);
	assert_int_equal(w.cfg.eos, 1);
	assert_int_equal(encode(&w, "a b", ids2, 16, NULL), 5);
	assert_memory_equal(ids, ids2, 5 * sizeof ids[0]);
	tok_vocab_fini(&w);
	tok_vocab_fini(&v);
	tt_buf_fini(&blob);
}

/* A version 1 vocabulary (before eos existed) loads with eos off. */
static void
test_load_version1(void **state)
{
	const char *texts[] = { "x y" };
	struct tok_config c = cfg_plain();
	struct tok_vocab v, w;
	struct tt_buf blob;
	struct tt_err err;
	uint8_t *old;
	size_t n;
	uint64_t sum;

	(void)state;
	build(&v, &c, texts, 1);
	tt_buf_init(&blob);
	tok_vocab_save(&v, &blob);
	/* v2 header: magic[8], version, 8 fields, then eos at offset 44: drop it */
	n = blob.len - 4;
	old = malloc(n);
	memcpy(old, blob.data, 44);
	memcpy(old + 44, blob.data + 48, blob.len - 48);
	old[8] = 1;
	sum = XXH3_64bits(old, n - 8);
	for (int i = 0; i < 8; i++)
		old[n - 8 + i] = (uint8_t)(sum >> (8 * i));
	assert_int_equal(tok_vocab_load(&w, old, n, &err), 0);
	assert_int_equal(w.cfg.eos, 0);
	assert_int_equal(w.nwords, 2);
	tok_vocab_fini(&w);
	free(old);
	tok_vocab_fini(&v);
	tt_buf_fini(&blob);
}

static void
test_config_check(void **state)
{
	struct tok_config c = cfg_plain();
	struct tt_err err;

	(void)state;
	assert_int_equal(tok_config_check(&c, &err), 0);
	c.word_ngrams = 0;
	assert_int_equal(tok_config_check(&c, &err), -1);
	c = cfg_plain();
	c.char_ngrams_min = 4;
	c.char_ngrams_max = 3;
	assert_int_equal(tok_config_check(&c, &err), -1);
	c = cfg_plain();
	c.word_ngrams = 2;
	c.buckets = 0;
	assert_int_equal(tok_config_check(&c, &err), -1);
	c = cfg_plain();
	c.min_count = 0;
	assert_int_equal(tok_config_check(&c, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_normalize_invalid_utf8),
		cmocka_unit_test(test_vocab_order_min_count),
		cmocka_unit_test(test_vocab_prefix_order),
		cmocka_unit_test(test_encode_words_only),
		cmocka_unit_test(test_encode_ngrams_in_range),
		cmocka_unit_test(test_encode_char_ngram_count),
		cmocka_unit_test(test_encode_oov),
		cmocka_unit_test(test_encode_matches_normalization),
		cmocka_unit_test(test_eos_token),
		cmocka_unit_test(test_load_version1),
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_load_truncated_and_corrupt),
		cmocka_unit_test(test_config_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
