/*
 * bpe-train.c - learning a byte-level BPE from texts (tunetop tokenize train).
 *
 * Texts are cut by GPT-2's pre-tokenizer and the distinct pre-tokens
 * counted ("words"). Each word starts as its bytes; the adjacent pair that
 * occurs most often, counting each word as often as it occurs, becomes the
 * next merge and is replaced in every word, left to right without overlap
 * (as the encoder will do). Ties go to the pair of lower ids, so the result
 * depends only on the counts.
 *
 * Counting is incremental: every pair knows the words it occurs in (a list
 * that may hold stale entries), a merge rewrites only those words, takes
 * their old pairs' counts away and adds their new ones; a max-heap holds
 * (count, pair) entries, and an entry whose count is no longer the pair's
 * is dropped when it comes up (every changed count is pushed anew).
 *
 * Ids: 0..255 the bytes in GPT-2's order (the printable ones first), then
 * one per new token string, then "<|endoftext|>". Two merges can make the
 * same string ("ab"+"c", "a"+"bc"): they share its id, as in GPT-2's files.
 */
#include <stdlib.h>
#include <string.h>

#include "bpe-impl.h"

struct bpe_tw {              /* a distinct pre-token */
	size_t off;              /* its symbols: t->syms[off..off+len) */
	uint32_t len;
	uint64_t count;
	uint32_t stamp;          /* the merge that last rewrote it, + 1 */
};

struct bpe_tpair {
	uint32_t a, b;
	int64_t count;
	int64_t before;          /* count when first touched by this merge */
	uint32_t stamp;
	uint32_t *where;         /* words it may occur in */
	uint32_t nwhere, capwhere;
};

struct bpe_theap {
	int64_t count;
	uint32_t pair;
};

struct bpe_trainer {
	struct strmap index;     /* pre-token bytes -> word number */
	struct tt_buf text;      /* the pre-tokens' bytes, back to back */
	size_t *text_off;        /* [nwords + 1] during counting */
	uint64_t *counts;
	size_t nwords, capwords;
	/* while learning */
	struct bpe_tw *w;
	uint32_t *syms;
	struct strmap pair_index;    /* (a, b) -> pair number */
	struct bpe_tpair *pairs;
	size_t npairs, cappairs;
	struct bpe_theap *heap;
	size_t nheap, capheap;
	uint32_t *touched;
	size_t ntouched, captouched;
	struct tt_buf strs;          /* token strings (vocab.json form) */
	size_t *str_off;             /* [ntok + 1] */
	size_t ntok, captok;
	struct strmap tok_index;     /* string -> id */
	struct bpe_merge *merges;
	size_t nmerges, capmerges;
};

struct bpe_trainer *bpe_trainer_create(void)
{
	struct bpe_trainer *t = tt_xcalloc(1, sizeof *t);

	strmap_init(&t->index);
	tt_buf_init(&t->text);
	t->text_off = tt_xcalloc(1, sizeof *t->text_off);
	return t;
}

void bpe_trainer_destroy(struct bpe_trainer *t)
{
	if (t == NULL)
		return;
	strmap_fini(&t->index);
	tt_buf_fini(&t->text);
	free(t->text_off);
	free(t->counts);
	free(t->w);
	free(t->syms);
	if (t->pairs != NULL)
		strmap_fini(&t->pair_index);
	for (size_t i = 0; i < t->npairs; i++)
		free(t->pairs[i].where);
	free(t->pairs);
	free(t->heap);
	free(t->touched);
	tt_buf_fini(&t->strs);
	if (t->str_off != NULL)
		strmap_fini(&t->tok_index);
	free(t->str_off);
	free(t->merges);
	free(t);
}

static void bpe_trainer_count(struct bpe_trainer *t, const char *p, size_t n)
{
	uint32_t i;

	if (strmap_get(&t->index, p, n, &i)) {
		t->counts[i]++;
		return;
	}
	if (t->nwords == t->capwords) {
		t->capwords = t->capwords ? 2 * t->capwords : 4096;
		t->counts = tt_xrealloc(t->counts, t->capwords * sizeof *t->counts);
		t->text_off = tt_xrealloc(t->text_off, (t->capwords + 1) * sizeof *t->text_off);
	}
	strmap_put(&t->index, p, n, (uint32_t)t->nwords);
	tt_buf_add(&t->text, p, n);
	t->counts[t->nwords] = 1;
	t->text_off[++t->nwords] = t->text.len;
}

int bpe_trainer_add(struct bpe_trainer *t, const char *text, size_t len, size_t *bad)
{
	long at = bpe_utf8_check(text, len);
	size_t i = 0;

	if (at >= 0) {
		*bad = (size_t)at;
		return -1;
	}
	while (i < len) {
		size_t end = bpe_pretok_end(text, len, i);

		if (t->nwords >= UINT32_MAX - 1)
			return 0;     /* four billion distinct pre-tokens: enough */
		bpe_trainer_count(t, text + i, end - i);
		i = end;
	}
	return 0;
}

/* ---- token strings ---------------------------------------------------------- */

static uint32_t bpe_trainer_token(struct bpe_trainer *t, const char *s, size_t n)
{
	uint32_t id;

	if (strmap_get(&t->tok_index, s, n, &id))
		return id;
	if (t->ntok == t->captok) {
		t->captok = t->captok ? 2 * t->captok : 1024;
		t->str_off = tt_xrealloc(t->str_off, (t->captok + 1) * sizeof *t->str_off);
	}
	id = (uint32_t)t->ntok;
	strmap_put(&t->tok_index, s, n, id);
	t->str_off[t->ntok] = t->strs.len;
	tt_buf_add(&t->strs, s, n);
	t->str_off[++t->ntok] = t->strs.len;
	return id;
}

/* The token of one byte: the UTF-8 of its code point (below U+0800). */
static uint32_t bpe_trainer_byte(struct bpe_trainer *t, unsigned byte)
{
	uint32_t cp = bpe_byte_to_cp((uint8_t)byte);
	char u[2] = { (char)(0xc0 | (cp >> 6)), (char)(0x80 | (cp & 0x3f)) };

	if (cp < 0x80) {
		u[0] = (char)cp;
		return bpe_trainer_token(t, u, 1);
	}
	return bpe_trainer_token(t, u, 2);
}

/* Ids 0..255: the bytes in the order of GPT-2's bytes_to_unicode (printable first). */
static void bpe_trainer_bytes(struct bpe_trainer *t, uint32_t byte_id[256])
{
	tt_buf_init(&t->strs);
	strmap_init(&t->tok_index);
	t->str_off = tt_xcalloc(1, sizeof *t->str_off);
	for (unsigned c = 0; c < 256; c++)
		if (bpe_byte_to_cp((uint8_t)c) == c)
			byte_id[c] = bpe_trainer_byte(t, c);
	for (unsigned c = 0; c < 256; c++)
		if (bpe_byte_to_cp((uint8_t)c) != c)
			byte_id[c] = bpe_trainer_byte(t, c);
}

/* ---- pairs and the heap ------------------------------------------------------ */

static int bpe_heap_above(const struct bpe_trainer *t, const struct bpe_theap *x,
			  const struct bpe_theap *y)
{
	const struct bpe_tpair *p = &t->pairs[x->pair], *q = &t->pairs[y->pair];

	if (x->count != y->count)
		return x->count > y->count;
	if (p->a != q->a)
		return p->a < q->a;
	return p->b < q->b;
}

static void bpe_heap_push(struct bpe_trainer *t, uint32_t pair)
{
	size_t i;

	if (t->nheap == t->capheap) {
		t->capheap = t->capheap ? 2 * t->capheap : 4096;
		t->heap = tt_xrealloc(t->heap, t->capheap * sizeof *t->heap);
	}
	i = t->nheap++;
	t->heap[i].count = t->pairs[pair].count;
	t->heap[i].pair = pair;
	while (i > 0 && bpe_heap_above(t, &t->heap[i], &t->heap[(i - 1) / 2])) {
		struct bpe_theap x = t->heap[i];

		t->heap[i] = t->heap[(i - 1) / 2];
		t->heap[(i - 1) / 2] = x;
		i = (i - 1) / 2;
	}
}

static struct bpe_theap bpe_heap_pop(struct bpe_trainer *t)
{
	struct bpe_theap top = t->heap[0];
	size_t i = 0;

	t->heap[0] = t->heap[--t->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < t->nheap && bpe_heap_above(t, &t->heap[l], &t->heap[m]))
			m = l;
		if (r < t->nheap && bpe_heap_above(t, &t->heap[r], &t->heap[m]))
			m = r;
		if (m == i)
			break;
		struct bpe_theap x = t->heap[i];

		t->heap[i] = t->heap[m];
		t->heap[m] = x;
		i = m;
	}
	return top;
}

static uint32_t bpe_pair_get(struct bpe_trainer *t, uint32_t a, uint32_t b)
{
	uint32_t key[2] = { a, b }, i;

	if (strmap_get(&t->pair_index, (const char *)key, sizeof key, &i))
		return i;
	if (t->npairs == t->cappairs) {
		t->cappairs = t->cappairs ? 2 * t->cappairs : 4096;
		t->pairs = tt_xrealloc(t->pairs, t->cappairs * sizeof *t->pairs);
	}
	i = (uint32_t)t->npairs++;
	memset(&t->pairs[i], 0, sizeof t->pairs[i]);
	t->pairs[i].a = a;
	t->pairs[i].b = b;
	strmap_put(&t->pair_index, (const char *)key, sizeof key, i);
	return i;
}

/* Count change of pair (a, b) by word w; stamp: the merge at work + 1. */
static void bpe_pair_add(struct bpe_trainer *t, uint32_t a, uint32_t b, uint32_t w, int64_t d,
			 uint32_t stamp)
{
	uint32_t i = bpe_pair_get(t, a, b);
	struct bpe_tpair *p = &t->pairs[i];

	if (p->stamp != stamp) {
		p->stamp = stamp;
		p->before = p->count;
		if (t->ntouched == t->captouched) {
			t->captouched = t->captouched ? 2 * t->captouched : 4096;
			t->touched = tt_xrealloc(t->touched, t->captouched * sizeof *t->touched);
		}
		t->touched[t->ntouched++] = i;
	}
	p->count += d;
	if (d > 0 && (p->nwhere == 0 || p->where[p->nwhere - 1] != w)) {
		if (p->nwhere == p->capwhere) {
			p->capwhere = p->capwhere ? 2 * p->capwhere : 4;
			p->where = tt_xrealloc(p->where, p->capwhere * sizeof *p->where);
		}
		p->where[p->nwhere++] = w;
	}
}

static void bpe_word_pairs(struct bpe_trainer *t, uint32_t w, int sign, uint32_t stamp)
{
	const struct bpe_tw *x = &t->w[w];
	const uint32_t *s = t->syms + x->off;

	for (uint32_t i = 0; i + 1 < x->len; i++)
		bpe_pair_add(t, s[i], s[i + 1], w, sign * (int64_t)x->count, stamp);
}

/* The words as byte ids and their pairs counted, every pair in the heap. */
static void bpe_trainer_start(struct bpe_trainer *t, const uint32_t byte_id[256])
{
	t->w = tt_xcalloc(t->nwords ? t->nwords : 1, sizeof *t->w);
	t->syms = tt_xmalloc((t->text.len ? t->text.len : 1) * sizeof *t->syms);
	strmap_init(&t->pair_index);
	t->pairs = tt_xmalloc(sizeof *t->pairs);
	t->cappairs = 1;
	for (size_t w = 0; w < t->nwords; w++) {
		size_t off = t->text_off[w], n = t->text_off[w + 1] - off;

		t->w[w].off = off;
		t->w[w].len = (uint32_t)n;
		t->w[w].count = t->counts[w];
		for (size_t i = 0; i < n; i++)
			t->syms[off + i] = byte_id[(unsigned char)t->text.data[off + i]];
		bpe_word_pairs(t, (uint32_t)w, 1, 1);
	}
	for (size_t i = 0; i < t->npairs; i++)
		bpe_heap_push(t, (uint32_t)i);
	t->ntouched = 0;
}

/* ---- merging ------------------------------------------------------------------- */

/* 1 if word w holds the pair (a, b). */
static int bpe_word_has(const struct bpe_trainer *t, uint32_t w, uint32_t a, uint32_t b)
{
	const struct bpe_tw *x = &t->w[w];
	const uint32_t *s = t->syms + x->off;

	for (uint32_t i = 0; i + 1 < x->len; i++)
		if (s[i] == a && s[i + 1] == b)
			return 1;
	return 0;
}

/* Rewrites word w with (a, b) -> c, left to right. */
static void bpe_word_merge(struct bpe_trainer *t, uint32_t w, uint32_t a, uint32_t b, uint32_t c)
{
	struct bpe_tw *x = &t->w[w];
	uint32_t *s = t->syms + x->off, i = 0, j = 0;

	while (i < x->len) {
		if (i + 1 < x->len && s[i] == a && s[i + 1] == b) {
			s[j++] = c;
			i += 2;
		} else {
			s[j++] = s[i++];
		}
	}
	x->len = j;
}

static void bpe_trainer_merge(struct bpe_trainer *t, uint32_t pair, uint32_t c, uint32_t stamp)
{
	struct bpe_tpair *p = &t->pairs[pair];
	uint32_t a = p->a, b = p->b, n = p->nwhere, *where = p->where;

	/* The list is replaced while its words are rewritten (they add to new pairs only). */
	p->where = NULL;
	p->nwhere = p->capwhere = 0;
	t->ntouched = 0;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t w = where[k];

		if (t->w[w].stamp == stamp || !bpe_word_has(t, w, a, b))
			continue;
		t->w[w].stamp = stamp;
		bpe_word_pairs(t, w, -1, stamp);
		bpe_word_merge(t, w, a, b, c);
		bpe_word_pairs(t, w, 1, stamp);
	}
	free(where);
	for (size_t k = 0; k < t->ntouched; k++) {
		struct bpe_tpair *q = &t->pairs[t->touched[k]];

		if (q->count != q->before && q->count > 0)
			bpe_heap_push(t, t->touched[k]);
	}
}

/* The next merge from the heap, or -1 when no pair is left. */
static long bpe_trainer_best(struct bpe_trainer *t)
{
	while (t->nheap > 0) {
		struct bpe_theap e = bpe_heap_pop(t);

		if (e.count > 0 && e.count == t->pairs[e.pair].count)
			return (long)e.pair;
	}
	return -1;
}

static void bpe_trainer_add_merge(struct bpe_trainer *t, uint32_t a, uint32_t b, uint32_t c)
{
	if (t->nmerges == t->capmerges) {
		t->capmerges = t->capmerges ? 2 * t->capmerges : 1024;
		t->merges = tt_xrealloc(t->merges, t->capmerges * sizeof *t->merges);
	}
	t->merges[t->nmerges].left = a;
	t->merges[t->nmerges].right = b;
	t->merges[t->nmerges].to = c;
	t->nmerges++;
}

/* Learns merges until the vocabulary has `want` tokens or no pair is left. */
static void bpe_trainer_learn(struct bpe_trainer *t, size_t want)
{
	struct tt_buf cat;
	long pair;

	tt_buf_init(&cat);
	while (t->ntok < want && (pair = bpe_trainer_best(t)) >= 0) {
		uint32_t a = t->pairs[pair].a, b = t->pairs[pair].b, c;

		tt_buf_clear(&cat);
		tt_buf_add(&cat, t->strs.data + t->str_off[a], t->str_off[a + 1] - t->str_off[a]);
		tt_buf_add(&cat, t->strs.data + t->str_off[b], t->str_off[b + 1] - t->str_off[b]);
		c = bpe_trainer_token(t, cat.data, cat.len);
		bpe_trainer_add_merge(t, a, b, c);
		bpe_trainer_merge(t, (uint32_t)pair, c, (uint32_t)t->nmerges + 1);
	}
	tt_buf_fini(&cat);
}

static struct bpe *bpe_trainer_build(struct bpe_trainer *t, struct tt_err *err)
{
	static const char eot[] = "<|endoftext|>";
	struct bpe *b;
	const char *why;
	char msg[300];

	bpe_trainer_token(t, eot, sizeof eot - 1);
	b = bpe_alloc((uint32_t)t->ntok);
	for (size_t id = 0; id < t->ntok; id++) {
		if (bpe_set_token(b, (uint32_t)id, t->strs.data + t->str_off[id],
				  t->str_off[id + 1] - t->str_off[id], &why) != 0)
			tt_fatal("bpe_trainer: token %zu: %s", id, why);
	}
	if (bpe_finish_tokens(b, msg, sizeof msg) != 0)
		tt_fatal("bpe_trainer: %s", msg);
	for (size_t r = 0; r < t->nmerges; r++) {
		if (bpe_add_merge(b, t->merges[r].left, t->merges[r].right, msg, sizeof msg) != 0) {
			tt_err_set(err, NULL, 0, 0, "merge %zu: %s", r + 1, msg);
			bpe_destroy(b);
			return NULL;
		}
	}
	return b;
}

struct bpe *bpe_trainer_finish(struct bpe_trainer *t, uint32_t vocab_size, struct tt_err *err)
{
	uint32_t byte_id[256];

	if (vocab_size < 257 || vocab_size > (1u << 24)) {
		tt_err_set(err, NULL, 0, 0, "vocab_size %u out of range (expected 257..%u: 256 bytes, "
			   "the merges and <|endoftext|>)", vocab_size, 1u << 24);
		return NULL;
	}
	if (t->str_off != NULL) {
		tt_err_set(err, NULL, 0, 0, "this trainer has finished already");
		return NULL;
	}
	bpe_trainer_bytes(t, byte_id);
	bpe_trainer_start(t, byte_id);
	bpe_trainer_learn(t, (size_t)vocab_size - 1);
	return bpe_trainer_build(t, err);
}
