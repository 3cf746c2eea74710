/*
 * test-bpe.c - GPT-2's byte-level BPE: the byte table, the pre-tokenizer's
 * splits (the \s+(?!\S) lookahead, contractions, Unicode classes), known
 * ids with GPT-2's vocabulary, decode(encode(x)) == x on random text, the
 * blob round trip, malformed files with line:column, and training.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/bpe.h"

#define GPT2_VOCAB "tests/data/gpt2/encoder.json"
#define GPT2_MERGES "tests/data/gpt2/vocab.bpe"

static struct bpe *gpt2(void)
{
	struct tt_err err;
	struct bpe *b;

	tt_err_clear(&err);
	b = bpe_load(GPT2_VOCAB, GPT2_MERGES, &err);
	if (b == NULL)
		fail_msg("%s: %s", GPT2_VOCAB, err.msg);
	return b;
}

static void test_byte_table(void **state)
{
	int seen[512] = { 0 };

	(void)state;
	for (int byte = 0; byte < 256; byte++) {
		uint32_t cp = bpe_byte_to_cp((uint8_t)byte);

		assert_true(cp < 512);
		assert_int_equal(seen[cp], 0);
		seen[cp] = 1;
		assert_int_equal(bpe_cp_to_byte(cp), byte);
	}
	assert_int_equal(bpe_byte_to_cp('A'), 'A');
	assert_int_equal(bpe_byte_to_cp(0x00), 0x100);    /* Ā */
	assert_int_equal(bpe_byte_to_cp(' '), 0x120);     /* Ġ */
	assert_int_equal(bpe_byte_to_cp('\n'), 0x10a);    /* Ċ */
	assert_int_equal(bpe_byte_to_cp(0x7f), 0x121);
	assert_int_equal(bpe_byte_to_cp(0xa0), 0x142);
	assert_int_equal(bpe_byte_to_cp(0xad), 0x143);    /* the soft hyphen: Ń */
	assert_int_equal(bpe_byte_to_cp(0xae), 0xae);
	assert_int_equal(bpe_cp_to_byte(0x144), -1);
	assert_int_equal(bpe_cp_to_byte(' '), -1);
	assert_int_equal(bpe_cp_to_byte(0xad), -1);
}

/* The pre-tokens of text, joined by '|'. */
static void splits(const char *text, const char *want)
{
	struct bpe_spans s;
	struct tt_buf got;
	size_t bad = 0;

	bpe_spans_init(&s);
	tt_buf_init(&got);
	assert_int_equal(bpe_pretokenize(text, strlen(text), &s, &bad), 0);
	for (size_t i = 0; i < s.n; i++) {
		if (i > 0)
			tt_buf_addc(&got, '|');
		tt_buf_add(&got, text + s.v[i].off, s.v[i].len);
	}
	if (strcmp(got.data, want) != 0)
		fail_msg("\"%s\": got \"%s\", want \"%s\"", text, got.data, want);
	tt_buf_fini(&got);
	bpe_spans_fini(&s);
}

static void test_pretok_lookahead(void **state)
{
	(void)state;
	/* \s+(?!\S): a run before text gives its last character to the text. */
	splits("a  b", "a| | b");
	splits("a   b", "a|  | b");
	splits("a \tb", "a| |\t|b");
	splits("\t\tx", "\t|\t|x");
	splits("  x", " | x");
	splits("a   ", "a|   ");
	splits("   ", "   ");
	splits(" ", " ");
	splits("x \n\ny", "x| \n|\n|y");
	splits(" \xc2\xa0x", " |\xc2\xa0|x");                     /* NBSP is \s */
	splits("x\xe3\x80\x80\xe3\x80\x80y", "x|\xe3\x80\x80|\xe3\x80\x80|y");   /* U+3000 */
	splits("a  !", "a| | !");
	splits("a  1", "a| | 1");
	splits("x\x1c y", "x|\x1c| y");       /* U+001C is not \s for the regex module */
	splits("x\xef\xbb\xbf y", "x|\xef\xbb\xbf| y");   /* nor is U+FEFF */
	splits("x\xc2\x85y", "x|\xc2\x85|y");             /* U+0085 is */
}

static void test_pretok_classes(void **state)
{
	(void)state;
	splits("it's", "it|'s");
	splits("we'll they're I've I'm he'd don't", "we|'ll| they|'re| I|'ve| I|'m| he|'d| don|'t");
	splits("IT'S", "IT|'|S");
	splits("'''s", "'''|s");
	splits("'sup", "'s|up");
	splits("x'r", "x|'|r");
	splits("Hello world", "Hello| world");
	splits("abc123 456", "abc|123| 456");
	splits(" !!! ?", " !!!| ?");
	splits("<|endoftext|>", "<||endoftext||>");
	splits("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "caf\xc3\xa9| \xe6\x97\xa5\xe6\x9c\xac");
	splits("e\xcc\x81", "e|\xcc\x81");                /* a combining mark is not a letter */
	splits("\xe2\x85\xab\xc2\xbd", "\xe2\x85\xab\xc2\xbd");   /* Nl and No are numbers */
	assert_int_equal(bpe_char_class(0x200d), BPE_OTHER);
	assert_int_equal(bpe_char_class(0x3000), BPE_SPACE);
	assert_int_equal(bpe_char_class(0x1c), BPE_OTHER);
	assert_int_equal(bpe_char_class(0x0661), BPE_NUMBER);
	assert_int_equal(bpe_char_class(0x01c5), BPE_LETTER);   /* Lt */
}

/*
 * Every code point's class against the regex module's, from the table
 * tests/bpe/gen-classes.py wrote with python3-regex.
 */
static void test_classes_all_code_points(void **state)
{
	FILE *f = fopen("tests/data/bpe/classes.txt", "r");
	static unsigned char want[0x110000];    /* 0 other, else the class */
	unsigned first, last, nranges = 0, nbad = 0;
	char line[128], cl;

	(void)state;
	assert_non_null(f);
	memset(want, BPE_OTHER, sizeof want);
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%x %x %c", &first, &last, &cl), 3);
		assert_true(first <= last && last < 0x110000);
		for (unsigned c = first; c <= last; c++)
			want[c] = cl == 'S' ? BPE_SPACE : cl == 'L' ? BPE_LETTER : BPE_NUMBER;
		nranges++;
	}
	fclose(f);
	assert_true(nranges > 500);
	for (uint32_t c = 0; c < 0x110000; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		if (bpe_char_class(c) != want[c] && nbad++ < 5)
			print_error("U+%04X: class %d, the regex module's %d\n", c,
				    bpe_char_class(c), want[c]);
	}
	assert_int_equal(nbad, 0);
}

static void encodes(const struct bpe *b, const char *text, const uint32_t *want, size_t n)
{
	struct bpe_ids ids;
	size_t bad = 0;

	bpe_ids_init(&ids);
	assert_int_equal(bpe_encode(b, NULL, text, strlen(text), &ids, &bad), 0);
	assert_int_equal(ids.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ids.v[i], want[i]);
	bpe_ids_fini(&ids);
}

static void test_known_ids(void **state)
{
	struct bpe *b = gpt2();
	static const uint32_t hello[] = { 15496, 995 };
	static const uint32_t eot[] = { 27, 91, 437, 1659, 5239, 91, 29 };
	static const uint32_t spaces[] = { 64, 220, 275 };
	struct bpe_ids ids;
	size_t bad = 0;

	(void)state;
	assert_int_equal(bpe_vocab_size(b), 50257);
	assert_int_equal(bpe_merge_count(b), 50000);
	assert_int_equal(bpe_eot(b), 50256);
	encodes(b, "Hello world", hello, 2);
	encodes(b, "<|endoftext|>", eot, 7);       /* text, not the special token */
	encodes(b, "a  b", spaces, 3);
	bpe_ids_init(&ids);
	assert_int_equal(bpe_encode(b, NULL, "ok\xff", 3, &ids, &bad), -1);
	assert_int_equal(bad, 2);
	assert_int_equal(ids.n, 0);
	assert_int_equal(bpe_encode(b, NULL, "\xed\xa0\x80", 3, &ids, &bad), -1);   /* a surrogate */
	assert_int_equal(bad, 0);
	assert_int_equal(bpe_encode(b, NULL, "\xc0\xaf", 2, &ids, &bad), -1);       /* overlong */
	bpe_ids_fini(&ids);
	bpe_destroy(b);
}

/* A random valid UTF-8 text of up to 60 characters, any code point (NUL too). */
static size_t random_text(unsigned *seed, char *out)
{
	size_t n = 0, k = (size_t)(rand_r(seed) % 60);

	for (size_t i = 0; i < k; i++) {
		uint32_t cp;

		switch (rand_r(seed) % 4) {
		case 0: cp = (uint32_t)(rand_r(seed) % 0x80); break;
		case 1: cp = " \t\n'"[rand_r(seed) % 4]; break;
		case 2: cp = (uint32_t)(rand_r(seed) % 0x800); break;
		default: cp = (uint32_t)(rand_r(seed) % 0x110000); break;
		}
		if (cp >= 0xd800 && cp <= 0xdfff)
			cp = 'x';
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return n;
}

static void test_round_trip(void **state)
{
	struct bpe *b = gpt2();
	struct bpe_cache *cache = bpe_cache_create();
	struct bpe_ids ids, again;
	struct bpe_pieces p;
	struct tt_buf out;
	unsigned seed = 7;
	char text[256];
	size_t bad = 0;

	(void)state;
	bpe_ids_init(&ids);
	bpe_ids_init(&again);
	bpe_pieces_init(&p);
	tt_buf_init(&out);
	for (int i = 0; i < 3000; i++) {
		size_t n = random_text(&seed, text), off = 0;

		ids.n = again.n = 0;
		tt_buf_clear(&out);
		assert_int_equal(bpe_encode(b, cache, text, n, &ids, &bad), 0);
		assert_int_equal(bpe_encode(b, NULL, text, n, &again, &bad), 0);
		assert_int_equal(ids.n, again.n);
		assert_memory_equal(ids.v, again.v, ids.n * sizeof *ids.v);
		assert_int_equal(bpe_decode(b, ids.v, ids.n, &out, &bad), 0);
		assert_int_equal(out.len, n);
		assert_memory_equal(out.data, text, n);
		/* The pieces cover the text in order and carry the same ids. */
		assert_int_equal(bpe_explain(b, cache, text, n, &p, &bad), 0);
		assert_int_equal(p.n, ids.n);
		for (size_t k = 0; k < p.n; k++) {
			assert_int_equal(p.v[k].off, off);
			assert_int_equal(p.v[k].id, ids.v[k]);
			off += p.v[k].len;
		}
		assert_int_equal(off, n);
	}
	uint32_t wrong = 50257;
	assert_int_equal(bpe_decode(b, &wrong, 1, &out, &bad), -1);
	assert_int_equal(bad, 0);
	tt_buf_fini(&out);
	bpe_pieces_fini(&p);
	bpe_ids_fini(&ids);
	bpe_ids_fini(&again);
	bpe_cache_destroy(cache);
	bpe_destroy(b);
}

static void test_blob(void **state)
{
	struct bpe *b = gpt2(), *c;
	struct tt_buf blob, again;
	struct tt_err err;
	static const uint32_t hello[] = { 15496, 995 };

	(void)state;
	tt_buf_init(&blob);
	tt_buf_init(&again);
	bpe_serialize(b, &blob);
	c = bpe_deserialize(blob.data, blob.len, &err);
	if (c == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(bpe_vocab_size(c), 50257);
	assert_int_equal(bpe_merge_count(c), 50000);
	assert_int_equal(bpe_eot(c), 50256);
	encodes(c, "Hello world", hello, 2);
	bpe_serialize(c, &again);
	assert_int_equal(again.len, blob.len);
	assert_memory_equal(again.data, blob.data, blob.len);
	bpe_destroy(c);
	blob.data[1000] ^= 1;
	assert_null(bpe_deserialize(blob.data, blob.len, &err));
	assert_non_null(strstr(err.msg, "checksum"));
	blob.data[1000] ^= 1;
	assert_null(bpe_deserialize(blob.data, blob.len / 2, &err));
	assert_null(bpe_deserialize("TTBPE001", 8, &err));
	tt_buf_fini(&blob);
	tt_buf_fini(&again);
	bpe_destroy(b);
}

/* A vocabulary of the 256 byte tokens (GPT-2's order) and extra, as JSON. */
static void byte_vocab(struct tt_buf *j, const char *const *extra, size_t nextra)
{
	uint32_t id = 0;

	tt_buf_adds(j, "{");
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned c = 0; c < 256; c++) {
			uint32_t cp = bpe_byte_to_cp((uint8_t)c);

			if ((cp == c) != (pass == 0))
				continue;
			tt_buf_printf(j, "%s\"\\u%04x\": %u", id ? ",\n" : "\n", cp, id);
			id++;
		}
	}
	for (size_t i = 0; i < nextra; i++)
		tt_buf_printf(j, ",\n\"%s\": %u", extra[i], id++);
	tt_buf_adds(j, "\n}\n");
}

/* Loading vocab/merges fails with "name:line:col: ..." containing want. */
static void load_fails(const char *vocab, const char *merges, const char *want)
{
	struct tt_err err;
	char msg[1200];
	struct bpe *b;

	tt_err_clear(&err);
	b = bpe_load_buffers("v.json", vocab, strlen(vocab), "m.txt", merges, strlen(merges), &err);
	assert_null(b);
	tt_err_format(&err, msg, sizeof msg);
	if (strstr(msg, want) == NULL)
		fail_msg("got \"%s\", want \"%s\"", msg, want);
}

static void test_malformed(void **state)
{
	static const char *const extra[] = { "\\u0120t", "he" };
	static const char merges[] = "#version: 0.2\n\xc4\xa0 t\nh e\n";
	struct tt_buf v, two;
	struct tt_err err;
	struct bpe *b;

	(void)state;
	tt_buf_init(&v);
	tt_buf_init(&two);
	byte_vocab(&v, extra, 2);
	/* Line 1 is "{", then one member a line: byte 0x21 ("!", id 0) is on line 2. */
	b = bpe_load_buffers("v.json", v.data, v.len, "m.txt", merges, strlen(merges), &err);
	if (b == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(bpe_vocab_size(b), 258);
	assert_int_equal(bpe_merge_count(b), 2);
	assert_int_equal(bpe_eot(b), BPE_NONE);
	bpe_destroy(b);

	load_fails("[1, 2]", "", "v.json:1:1: expected a JSON object");
	load_fails("{\"a\": 0,\n \"b\" 1}", "", "v.json:2:6:");
	load_fails("{\"a\": 0,\n  \"b\": 1.5}", "", "v.json:2:8: token \"b\": expected an integer id");
	load_fails("{\"a\": 0,\n  \"b\": 7}", "", "v.json:2:8: token \"b\": id 7 out of range");
	load_fails("{\"a\": 0, \"a\": 1}", "", "v.json:1:");
	load_fails("{\"a\": 0}", "", "v.json: no token for byte 0x00");
	load_fails(v.data, "#version: 0.2\n\xc4\xa0 t\nh e\nt h e\n", "m.txt:4:4: expected the end of the line");
	load_fails(v.data, "\xc4\xa0t\n", "m.txt:1:3: expected LEFT RIGHT");
	load_fails(v.data, "h e\n\n", "m.txt:2:1: expected LEFT RIGHT");
	load_fails(v.data, "h e\nx y\n", "m.txt:2:1: the merged token \"xy\" is not in the vocabulary");
	load_fails(v.data, "h e\nh zz\n", "m.txt:2:3: expected a token of the vocabulary, found \"zz\"");
	load_fails(v.data, "h e\nh \xff\n", "m.txt:2:3: invalid UTF-8");
	load_fails(v.data, "h e\r\nh e\r\n", "m.txt:2:1: duplicate merge");
	/* The member with the bad id is found after members with escapes and nesting-free values. */
	tt_buf_adds(&two, "{\"\\\"\": 0, \"a,b\\\\\": 1,\n\t\"c\":\n  -1}");
	load_fails(two.data, "", "v.json:3:3: token \"c\": id -1 out of range");
	tt_buf_fini(&v);
	tt_buf_fini(&two);
}

static void test_train(void **state)
{
	static const char corpus[] = "ab ab ab abc";
	struct bpe_trainer *t = bpe_trainer_create();
	struct bpe *b;
	struct tt_err err;
	size_t n, bad = 0;
	const char *s;
	char dir[] = "/tmp/tunetop-bpe-XXXXXX", *vp, *mp;
	static const uint32_t one[] = { 257 };

	(void)state;
	assert_int_equal(bpe_trainer_add(t, corpus, strlen(corpus), &bad), 0);
	assert_int_equal(bpe_trainer_add(t, "\x80", 1, &bad), -1);
	assert_null(bpe_trainer_finish(t, 256, &err));
	b = bpe_trainer_finish(t, 259, &err);
	assert_non_null(b);
	/* (a, b) occurs 4 times, then (Ġ, ab) 3 times; <|endoftext|> last. */
	assert_int_equal(bpe_vocab_size(b), 259);
	assert_int_equal(bpe_merge_count(b), 2);
	s = bpe_token_str(b, 0, &n);
	assert_true(n == 1 && s[0] == '!');
	s = bpe_token_str(b, 256, &n);
	assert_true(n == 2 && memcmp(s, "ab", 2) == 0);
	s = bpe_token_str(b, 257, &n);
	assert_true(n == 4 && memcmp(s, "\xc4\xa0" "ab", 4) == 0);
	assert_int_equal(bpe_eot(b), 258);
	encodes(b, " ab", one, 1);
	/* Written and read back: the same tokenizer. */
	assert_non_null(mkdtemp(dir));
	vp = tt_xprintf("%s/vocab.json", dir);
	mp = tt_xprintf("%s/merges.txt", dir);
	assert_int_equal(bpe_save_files(b, vp, mp, &err), 0);
	bpe_destroy(b);
	b = bpe_load(vp, mp, &err);
	if (b == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(bpe_merge_count(b), 2);
	encodes(b, " ab", one, 1);
	bpe_destroy(b);
	unlink(vp);
	unlink(mp);
	rmdir(dir);
	free(vp);
	free(mp);
	bpe_trainer_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_table),
		cmocka_unit_test(test_pretok_lookahead),
		cmocka_unit_test(test_pretok_classes),
		cmocka_unit_test(test_classes_all_code_points),
		cmocka_unit_test(test_known_ids),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_blob),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_train),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
