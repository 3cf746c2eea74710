/*
 * tokenize.c - normalization, vocabulary and feature ids for the n-gram model.
 *
 * Normalization runs in two passes. Pass one maps each maximal valid UTF-8
 * run with utf8proc_map (NFKC and/or case folding); bytes that are not valid
 * UTF-8 are copied through unchanged, so bad input degrades to bytes instead
 * of failing. Pass two splits on separators (Unicode whitespace, control
 * characters, optionally punctuation) and writes the words joined by single
 * spaces. tok_encode then only has to split on ' '.
 *
 * Hash seeds are fixed constants: changing them changes every saved model's
 * features, so they are part of the file format (TTVOCAB1).
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#define XXH_INLINE_ALL      /* short keys: inlining the hash pays */
#include <xxhash.h>

#include "tunetop/tokenize.h"

static const uint64_t tok_seed_word = 0x74756e65746f7001ULL;   /* word hash */
static const uint64_t tok_seed_char = 0x74756e65746f7002ULL;   /* char n-gram */
static const uint64_t tok_ngram_mult = 116049371ULL;           /* fastText's */

static const char tok_magic[8] = { 'T', 'T', 'V', 'O', 'C', 'A', 'B', '1' };
static const uint32_t tok_version = 2;     /* 2 adds eos; 1 still loads */

/* fastText's end-of-line token, appended to every text when cfg.eos is on. */
static const char tok_eos_word[] = "</s>";

/* ---- config ------------------------------------------------------------ */

void
tok_config_default(struct tok_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->normalize = 1;
	cfg->casefold = 1;
	cfg->strip_punct = 0;
	cfg->min_count = 1;
	cfg->word_ngrams = 1;
	cfg->char_ngrams_min = 0;
	cfg->char_ngrams_max = 0;
	cfg->buckets = 2000000;
	cfg->eos = 1;
}

int
tok_config_uses_buckets(const struct tok_config *cfg)
{
	return cfg->word_ngrams > 1 || cfg->char_ngrams_max > 0;
}

int
tok_config_check(const struct tok_config *cfg, struct tt_err *err)
{
	if (cfg->min_count < 1) {
		tt_err_set(err, NULL, 0, 0, "min_count must be at least 1, not %d",
			   cfg->min_count);
		return -1;
	}
	if (cfg->word_ngrams < 1 || cfg->word_ngrams > TOK_MAX_WORD_NGRAMS) {
		tt_err_set(err, NULL, 0, 0, "word_ngrams must be in 1..%d, not %d",
			   TOK_MAX_WORD_NGRAMS, cfg->word_ngrams);
		return -1;
	}
	if (cfg->char_ngrams_min < 0 || cfg->char_ngrams_max < 0 ||
	    cfg->char_ngrams_max > TOK_MAX_CHAR_NGRAM ||
	    (cfg->char_ngrams_max > 0 &&
	     (cfg->char_ngrams_min < 1 || cfg->char_ngrams_min > cfg->char_ngrams_max)) ||
	    (cfg->char_ngrams_max == 0 && cfg->char_ngrams_min != 0)) {
		tt_err_set(err, NULL, 0, 0,
			   "char n-gram lengths must be 0..0 (off) or 1 <= min <= max <= %d, not %d..%d",
			   TOK_MAX_CHAR_NGRAM, cfg->char_ngrams_min, cfg->char_ngrams_max);
		return -1;
	}
	if (tok_config_uses_buckets(cfg) && cfg->buckets == 0) {
		tt_err_set(err, NULL, 0, 0, "buckets must be at least 1 when n-grams are on");
		return -1;
	}
	return 0;
}

/* ---- normalization ----------------------------------------------------- */

static int
tok_map_options(const struct tok_config *cfg)
{
	int opt = 0;

	if (cfg->normalize)
		opt |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
	if (cfg->casefold)
		opt |= UTF8PROC_CASEFOLD;
	return opt;
}

/* Length of the valid UTF-8 prefix of p[0..n). */
static size_t
tok_valid_prefix(const uint8_t *p, size_t n)
{
	size_t i = 0;
	utf8proc_int32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			break;
		i += (size_t)k;
	}
	return i;
}

/* Pass one: map valid runs with utf8proc, copy invalid bytes. */
static void
tok_map(int opt, const char *text, size_t len, struct tt_buf *out)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t i = 0;

	while (i < len) {
		size_t run = tok_valid_prefix(p + i, len - i);
		if (run > 0) {
			utf8proc_uint8_t *mapped = NULL;
			utf8proc_ssize_t m = utf8proc_map(p + i, (utf8proc_ssize_t)run,
							  &mapped, (utf8proc_option_t)opt);
			if (m >= 0)
				tt_buf_add(out, mapped, (size_t)m);
			else
				tt_buf_add(out, p + i, run);
			free(mapped);
			i += run;
		}
		if (i < len) {
			/* the run stopped at an invalid byte: keep it as is */
			tt_buf_addc(out, (char)p[i]);
			i++;
		}
	}
}

static int
tok_is_separator(const struct tok_config *cfg, utf8proc_int32_t cp)
{
	if (cp < 0x80) {
		if (cp <= 0x20 || cp == 0x7f)
			return 1;
		if (cfg->strip_punct)
			return utf8proc_category(cp) >= UTF8PROC_CATEGORY_PC &&
			       utf8proc_category(cp) <= UTF8PROC_CATEGORY_PO;
		return 0;
	}
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
		return 1;
	case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
		return cfg->strip_punct;
	default:
		return 0;
	}
}

/* Pass two: split on separators, join words with single spaces. */
static size_t
tok_split(const struct tok_config *cfg, const char *text, size_t len, struct tt_buf *out)
{
	const uint8_t *p = (const uint8_t *)text;
	size_t i = 0, nwords = 0;
	int inword = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (p[i] < 0x80) {
			cp = p[i];
			k = 1;
		} else {
			k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
			if (k <= 0) {
				cp = -1;        /* invalid byte: part of a word */
				k = 1;
			}
		}
		if (cp >= 0 && tok_is_separator(cfg, cp)) {
			inword = 0;
		} else {
			if (!inword) {
				if (nwords > 0)
					tt_buf_addc(out, ' ');
				nwords++;
				inword = 1;
			}
			tt_buf_add(out, p + i, (size_t)k);
		}
		i += (size_t)k;
	}
	return nwords;
}

size_t
tok_normalize(const struct tok_config *cfg, const char *text, size_t len, struct tt_buf *out)
{
	int opt = tok_map_options(cfg);
	size_t n;

	tt_buf_clear(out);
	if (opt == 0)
		return tok_split(cfg, text, len, out);

	struct tt_buf mapped;
	tt_buf_init(&mapped);
	tok_map(opt, text, len, &mapped);
	n = tok_split(cfg, mapped.data, mapped.len, out);
	tt_buf_fini(&mapped);
	return n;
}

/* ---- vocabulary -------------------------------------------------------- */

void
tok_vocab_init(struct tok_vocab *v, const struct tok_config *cfg)
{
	memset(v, 0, sizeof *v);
	v->cfg = *cfg;
	strmap_init(&v->map);
}

void
tok_vocab_fini(struct tok_vocab *v)
{
	for (uint32_t i = 0; i < v->nwords; i++)
		free(v->words[i]);
	free(v->words);
	free(v->lens);
	free(v->counts);
	strmap_fini(&v->map);
	memset(v, 0, sizeof *v);
}

static void
tok_vocab_grow(struct tok_vocab *v)
{
	if (v->nwords < v->cap)
		return;
	v->cap = v->cap ? v->cap * 2 : 64;
	v->words = tt_xrealloc(v->words, v->cap * sizeof *v->words);
	v->lens = tt_xrealloc(v->lens, v->cap * sizeof *v->lens);
	v->counts = tt_xrealloc(v->counts, v->cap * sizeof *v->counts);
}

/* Appends a new word (no duplicate check); returns its id. */
static uint32_t
tok_vocab_append(struct tok_vocab *v, const char *word, size_t len, uint64_t count)
{
	uint32_t id = v->nwords;

	tok_vocab_grow(v);
	v->words[id] = tt_xstrndup(word, len);
	v->lens[id] = (uint32_t)len;
	v->counts[id] = count;
	v->nwords++;
	strmap_put(&v->map, word, len, id);
	return id;
}

void
tok_vocab_add_word(struct tok_vocab *v, const char *word, size_t len, uint64_t n)
{
	uint32_t id;

	if (v->finished)
		tt_fatal("tok_vocab_add_word after tok_vocab_finish");
	if (len == 0 || len > UINT32_MAX || memchr(word, ' ', len) || memchr(word, '\0', len))
		return;
	v->ntokens += n;
	if (strmap_get(&v->map, word, len, &id))
		v->counts[id] += n;
	else
		tok_vocab_append(v, word, len, n);
}

void
tok_vocab_add_words(struct tok_vocab *v, const char *norm, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *sp = memchr(norm + i, ' ', len - i);
		size_t end = sp ? (size_t)(sp - norm) : len;
		tok_vocab_add_word(v, norm + i, end - i, 1);
		i = end + 1;
	}
	if (v->cfg.eos)
		tok_vocab_add_word(v, tok_eos_word, sizeof tok_eos_word - 1, 1);
}

void
tok_vocab_add_text(struct tok_vocab *v, const char *text, size_t len)
{
	struct tt_buf norm;

	tt_buf_init(&norm);
	tok_normalize(&v->cfg, text, len, &norm);
	tok_vocab_add_words(v, norm.data, norm.len);
	tt_buf_fini(&norm);
}

static const struct tok_vocab *tok_sort_vocab;  /* qsort has no context arg */

static int
tok_word_cmp(const struct tok_vocab *v, uint32_t a, uint32_t b)
{
	if (v->counts[a] != v->counts[b])
		return v->counts[a] > v->counts[b] ? -1 : 1;
	uint32_t la = v->lens[a], lb = v->lens[b];
	int c = memcmp(v->words[a], v->words[b], la < lb ? la : lb);
	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

static int
tok_order_cmp(const void *pa, const void *pb)
{
	return tok_word_cmp(tok_sort_vocab, *(const uint32_t *)pa, *(const uint32_t *)pb);
}

/* Reorders words by the permutation order[0..n), drops the rest, rebuilds map. */
static void
tok_vocab_reorder(struct tok_vocab *v, const uint32_t *order, uint32_t n)
{
	char **words = tt_xmalloc((n ? n : 1) * sizeof *words);
	uint32_t *lens = tt_xmalloc((n ? n : 1) * sizeof *lens);
	uint64_t *counts = tt_xmalloc((n ? n : 1) * sizeof *counts);
	char *keep = tt_xcalloc(v->nwords ? v->nwords : 1, 1);

	for (uint32_t i = 0; i < n; i++) {
		words[i] = v->words[order[i]];
		lens[i] = v->lens[order[i]];
		counts[i] = v->counts[order[i]];
		keep[order[i]] = 1;
	}
	for (uint32_t i = 0; i < v->nwords; i++)
		if (!keep[i])
			free(v->words[i]);
	free(keep);
	free(v->words);
	free(v->lens);
	free(v->counts);
	v->words = words;
	v->lens = lens;
	v->counts = counts;
	v->nwords = n;
	v->cap = n;
	strmap_fini(&v->map);
	strmap_init(&v->map);
	for (uint32_t i = 0; i < n; i++)
		strmap_put(&v->map, words[i], lens[i], i);
}

/*
 * Sorting uses a file-level pointer because qsort has no context argument;
 * building a vocabulary is done by one thread at a time (the trainer).
 */
void
tok_vocab_finish(struct tok_vocab *v)
{
	uint32_t *order, n = 0;

	if (v->finished)
		return;
	order = tt_xmalloc((v->nwords ? v->nwords : 1) * sizeof *order);
	for (uint32_t i = 0; i < v->nwords; i++)
		if (v->counts[i] >= (uint64_t)v->cfg.min_count)
			order[n++] = i;
	tok_sort_vocab = v;
	qsort(order, n, sizeof *order, tok_order_cmp);
	tok_sort_vocab = NULL;
	tok_vocab_reorder(v, order, n);
	free(order);
	v->finished = 1;
}

uint32_t
tok_vocab_id(const struct tok_vocab *v, const char *word, size_t len)
{
	uint32_t id;

	if (strmap_get(&v->map, word, len, &id))
		return id;
	return TOK_NONE;
}

uint32_t
tok_vocab_nfeatures(const struct tok_vocab *v)
{
	if (tok_config_uses_buckets(&v->cfg))
		return v->nwords + v->cfg.buckets;
	return v->nwords;
}

/* ---- feature ids ------------------------------------------------------- */

/* splitmix64's finalizer: spreads the combined n-gram hash over all bits. */
static uint64_t
tok_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

struct tok_out {
	uint32_t *ids;
	size_t cap;
	size_t n;
};

static void
tok_push(struct tok_out *o, uint32_t id)
{
	if (o->n < o->cap)
		o->ids[o->n] = id;
	o->n++;
}

/*
 * Char n-grams of "<word>" (lengths in characters, fastText's rule: single
 * boundary characters "<" and ">" are not n-grams), hashed into buckets.
 */
static void
tok_char_ngrams(const struct tok_vocab *v, const char *word, size_t len,
		struct tt_buf *scratch, struct tok_out *o)
{
	const struct tok_config *c = &v->cfg;
	const uint8_t *w;
	size_t wl;

	tt_buf_clear(scratch);
	tt_buf_addc(scratch, '<');
	tt_buf_add(scratch, word, len);
	tt_buf_addc(scratch, '>');
	w = (const uint8_t *)scratch->data;
	wl = scratch->len;
	for (size_t i = 0; i < wl; i++) {
		if ((w[i] & 0xC0) == 0x80)
			continue;
		size_t j = i;
		for (int n = 1; j < wl && n <= c->char_ngrams_max; n++) {
			j++;
			while (j < wl && (w[j] & 0xC0) == 0x80)
				j++;
			if (n >= c->char_ngrams_min && !(n == 1 && (i == 0 || j == wl))) {
				uint64_t h = XXH3_64bits_withSeed(w + i, j - i, tok_seed_char);
				tok_push(o, v->nwords + (uint32_t)(h % c->buckets));
			}
		}
	}
}

/* Word n-grams n = 2..word_ngrams over the word hashes, fastText's combination. */
static void
tok_word_ngrams(const struct tok_vocab *v, const uint64_t *hashes, size_t n,
		struct tok_out *o)
{
	const struct tok_config *c = &v->cfg;

	for (size_t i = 0; i < n; i++) {
		uint64_t h = hashes[i];
		for (size_t j = i + 1; j < n && j < i + (size_t)c->word_ngrams; j++) {
			h = h * tok_ngram_mult + hashes[j];
			tok_push(o, v->nwords + (uint32_t)(tok_mix64(h) % c->buckets));
		}
	}
}

size_t
tok_encode_words(const struct tok_vocab *v, const char *norm, size_t len, size_t nwords,
		 uint32_t *ids, size_t cap, struct tok_stats *stats)
{
	const struct tok_config *c = &v->cfg;
	struct tok_out o = { ids, cap, 0 };
	struct tt_buf scratch;
	uint64_t *hashes = NULL;
	size_t k = 0, i = 0;
	uint32_t noov = 0;

	tt_buf_init(&scratch);
	if (c->word_ngrams > 1 && nwords + (c->eos != 0) > 1)
		hashes = tt_xmalloc((nwords + 1) * sizeof *hashes);
	while (i < len) {
		const char *w = norm + i;
		const char *sp = memchr(w, ' ', len - i);
		size_t wl = sp ? (size_t)(sp - w) : len - i;
		uint32_t id = tok_vocab_id(v, w, wl);

		if (id != TOK_NONE)
			tok_push(&o, id);
		else
			noov++;
		if (c->char_ngrams_max > 0)
			tok_char_ngrams(v, w, wl, &scratch, &o);
		if (hashes && k < nwords)
			hashes[k++] = XXH3_64bits_withSeed(w, wl, tok_seed_word);
		i += wl + 1;
	}
	if (c->eos) {
		/* </s> is a word like the others (a row learned by every text, a
		 * bias in effect) and ends the last word n-gram; no char n-grams. */
		uint32_t id = tok_vocab_id(v, tok_eos_word, sizeof tok_eos_word - 1);

		if (id != TOK_NONE)
			tok_push(&o, id);
		if (hashes)
			hashes[k++] = XXH3_64bits_withSeed(tok_eos_word, sizeof tok_eos_word - 1,
							   tok_seed_word);
	}
	if (hashes)
		tok_word_ngrams(v, hashes, k, &o);
	free(hashes);
	tt_buf_fini(&scratch);
	if (stats) {
		stats->ntokens = (uint32_t)nwords;
		stats->noov = noov;
	}
	return o.n;
}

size_t
tok_encode(const struct tok_vocab *v, const char *text, size_t len,
	   uint32_t *ids, size_t cap, struct tok_stats *stats)
{
	struct tt_buf norm;
	size_t nwords, n;

	tt_buf_init(&norm);
	nwords = tok_normalize(&v->cfg, text, len, &norm);
	n = tok_encode_words(v, norm.data, norm.len, nwords, ids, cap, stats);
	tt_buf_fini(&norm);
	return n;
}

/* ---- serialization ----------------------------------------------------- */

static void
tok_put_u32(struct tt_buf *b, uint32_t x)
{
	uint8_t p[4];

	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(x >> (8 * i));
	tt_buf_add(b, p, 4);
}

static void
tok_put_u64(struct tt_buf *b, uint64_t x)
{
	uint8_t p[8];

	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(x >> (8 * i));
	tt_buf_add(b, p, 8);
}

/*
 * Layout: magic[8] u32 version, i32 normalize casefold strip_punct min_count
 * word_ngrams char_min char_max, u32 buckets, u32 eos (version 2 only),
 * u32 nwords, then per word
 * u32 len, bytes, u64 count; finally u64 XXH3-64 of everything before it.
 */
void
tok_vocab_save(const struct tok_vocab *v, struct tt_buf *out)
{
	const struct tok_config *c = &v->cfg;
	size_t start = out->len;

	tt_buf_add(out, tok_magic, sizeof tok_magic);
	tok_put_u32(out, tok_version);
	tok_put_u32(out, (uint32_t)c->normalize);
	tok_put_u32(out, (uint32_t)c->casefold);
	tok_put_u32(out, (uint32_t)c->strip_punct);
	tok_put_u32(out, (uint32_t)c->min_count);
	tok_put_u32(out, (uint32_t)c->word_ngrams);
	tok_put_u32(out, (uint32_t)c->char_ngrams_min);
	tok_put_u32(out, (uint32_t)c->char_ngrams_max);
	tok_put_u32(out, c->buckets);
	tok_put_u32(out, (uint32_t)c->eos);
	tok_put_u32(out, v->nwords);
	for (uint32_t i = 0; i < v->nwords; i++) {
		tok_put_u32(out, v->lens[i]);
		tt_buf_add(out, v->words[i], v->lens[i]);
		tok_put_u64(out, v->counts[i]);
	}
	tok_put_u64(out, XXH3_64bits(out->data + start, out->len - start));
}

struct tok_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static int
tok_get_u32(struct tok_reader *r, uint32_t *x)
{
	if (r->len - r->off < 4)
		return -1;
	*x = 0;
	for (int i = 0; i < 4; i++)
		*x |= (uint32_t)r->p[r->off + i] << (8 * i);
	r->off += 4;
	return 0;
}

static int
tok_get_u64(struct tok_reader *r, uint64_t *x)
{
	if (r->len - r->off < 8)
		return -1;
	*x = 0;
	for (int i = 0; i < 8; i++)
		*x |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += 8;
	return 0;
}

static int
tok_load_header(struct tok_reader *r, struct tok_config *c, uint32_t *nwords,
		struct tt_err *err)
{
	uint32_t f[11], nf = 10;

	if (r->len < sizeof tok_magic || memcmp(r->p, tok_magic, sizeof tok_magic) != 0) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: bad magic (expected TTVOCAB1)");
		return -1;
	}
	r->off = sizeof tok_magic;
	for (uint32_t i = 0; i < nf; i++) {
		if (tok_get_u32(r, &f[i]) < 0) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: truncated header");
			return -1;
		}
		if (i == 0 && (f[0] < 1 || f[0] > tok_version)) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: unsupported version %u", f[0]);
			return -1;
		}
		if (i == 0 && f[0] >= 2)
			nf = 11;        /* eos before nwords */
	}
	c->eos = 0;
	if (nf == 11) {
		c->eos = f[9] != 0;
		f[9] = f[10];
	}
	c->normalize = f[1] != 0;
	c->casefold = f[2] != 0;
	c->strip_punct = f[3] != 0;
	c->min_count = (int)f[4];
	c->word_ngrams = (int)f[5];
	c->char_ngrams_min = (int)f[6];
	c->char_ngrams_max = (int)f[7];
	c->buckets = f[8];
	*nwords = f[9];
	if (f[4] > INT32_MAX || f[5] > INT32_MAX || f[6] > INT32_MAX || f[7] > INT32_MAX) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: config value out of range");
		return -1;
	}
	return tok_config_check(c, err);
}

/* r->len is the end of the word list (the checksum is not part of it). */
static int
tok_load_words(struct tok_vocab *v, struct tok_reader *r, uint32_t nwords, struct tt_err *err)
{
	for (uint32_t i = 0; i < nwords; i++) {
		uint32_t wl, id;
		uint64_t count;

		if (tok_get_u32(r, &wl) < 0 || wl > r->len - r->off) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: truncated at word %u", i);
			return -1;
		}
		const char *w = (const char *)r->p + r->off;
		r->off += wl;
		if (tok_get_u64(r, &count) < 0) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: truncated at word %u", i);
			return -1;
		}
		if (wl == 0 || memchr(w, ' ', wl) || memchr(w, '\0', wl)) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: word %u is empty or has a space", i);
			return -1;
		}
		if (strmap_get(&v->map, w, wl, &id)) {
			tt_err_set(err, NULL, 0, 0, "vocabulary: word %u duplicates word %u", i, id);
			return -1;
		}
		tok_vocab_append(v, w, wl, count);
	}
	if (r->off != r->len) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: %zu bytes of trailing garbage",
			   r->len - r->off);
		return -1;
	}
	return 0;
}

int
tok_vocab_load(struct tok_vocab *v, const void *data, size_t len, struct tt_err *err)
{
	struct tok_reader r = { data, len, 0 };
	struct tok_config c;
	uint32_t nwords;
	uint64_t sum, want = 0;

	tok_config_default(&c);
	tok_vocab_init(v, &c);
	if (tok_load_header(&r, &c, &nwords, err) < 0)
		return -1;
	if (len < r.off + 8) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: truncated (no checksum)");
		return -1;
	}
	/* each word takes at least 4 + 1 + 8 bytes: reject absurd counts early */
	if (nwords > (len - r.off - 8) / 13) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: truncated (%u words announced)", nwords);
		return -1;
	}
	v->cfg = c;
	r.len = len - 8;
	if (tok_load_words(v, &r, nwords, err) < 0)
		return -1;
	sum = XXH3_64bits(data, len - 8);
	r.len = len;
	tok_get_u64(&r, &want);
	if (sum != want) {
		tt_err_set(err, NULL, 0, 0, "vocabulary: checksum mismatch (corrupt data)");
		return -1;
	}
	v->finished = 1;
	return 0;
}
