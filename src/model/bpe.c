/*
 * bpe.c - GPT-2's byte-level BPE: the byte table, the vocabulary, and
 * encoding by merge rank (OpenAI's encoder.py, bpe()).
 *
 * A pre-token's bytes start as one symbol each (the token of each byte).
 * Then, as in encoder.py: take the adjacent pair of lowest merge rank; if
 * no pair has a rank, stop; else replace every occurrence of that pair,
 * left to right and without overlap ("a a a" -> "aa a"), and repeat.
 * Merging all occurrences of the best pair before looking again is what
 * GPT-2 does; a priority queue over positions (as some ports do) can merge
 * in another order when a new pair outranks the current one.
 *
 * The ranks of the adjacent pairs are kept in an array; after a pass only
 * the pairs next to a merged symbol are looked up again, so a long word
 * costs a scan per merge, not a hash lookup per pair per merge. Results per
 * pre-token are cached (struct bpe_cache, one per thread).
 */
#include <stdlib.h>
#include <string.h>

#include "bpe-impl.h"

enum {
	BPE_CACHE_MAX_ENTRIES = 1 << 18,
	BPE_CACHE_MAX_IDS = 1 << 22,
	BPE_CACHE_MAX_KEY = 256,      /* longer pre-tokens are not cached */
};

static const char bpe_eot_str[] = "<|endoftext|>";

/* ---- growable arrays ---------------------------------------------------- */

void bpe_ids_init(struct bpe_ids *a)
{
	memset(a, 0, sizeof *a);
}

void bpe_ids_fini(struct bpe_ids *a)
{
	free(a->v);
	memset(a, 0, sizeof *a);
}

void bpe_ids_push(struct bpe_ids *a, uint32_t id)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->v = tt_xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = id;
}

void bpe_pieces_init(struct bpe_pieces *p)
{
	memset(p, 0, sizeof *p);
}

void bpe_pieces_fini(struct bpe_pieces *p)
{
	free(p->v);
	memset(p, 0, sizeof *p);
}

static void bpe_pieces_push(struct bpe_pieces *p, size_t off, size_t len, uint32_t id,
			    uint32_t pretok)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = tt_xrealloc(p->v, p->cap * sizeof *p->v);
	}
	p->v[p->n].off = off;
	p->v[p->n].len = len;
	p->v[p->n].id = id;
	p->v[p->n].pretok = pretok;
	p->n++;
}

/* ---- the byte table ------------------------------------------------------ */

/*
 * bytes_to_unicode(): the printable bytes ! .. ~, ¡ .. ¬ and ® .. ÿ stand
 * for themselves; the other 68 (0x00-0x20, 0x7F-0xA0, 0xAD) take the code
 * points 256, 257, ... in byte order.
 */
static int bpe_byte_printable(unsigned b)
{
	return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

uint32_t bpe_byte_to_cp(uint8_t b)
{
	if (bpe_byte_printable(b))
		return b;
	if (b <= 0x20)
		return 256u + b;
	if (b <= 0xa0)
		return 256u + 33 + (b - 0x7fu);
	return 256u + 67;     /* 0xAD, the soft hyphen */
}

int bpe_cp_to_byte(uint32_t cp)
{
	if (cp < 256)
		return bpe_byte_printable(cp) ? (int)cp : -1;
	if (cp < 256 + 33)
		return (int)(cp - 256);
	if (cp < 256 + 67)
		return (int)(0x7f + cp - 256 - 33);
	return cp == 256 + 67 ? 0xad : -1;
}

/* UTF-8 of a code point below U+0800 (all the table needs) into out; its length. */
static size_t bpe_cp_utf8(uint32_t cp, char out[2])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	out[0] = (char)(0xc0 | (cp >> 6));
	out[1] = (char)(0x80 | (cp & 0x3f));
	return 2;
}

/* ---- building ------------------------------------------------------------ */

struct bpe *bpe_alloc(uint32_t n)
{
	struct bpe *b = tt_xcalloc(1, sizeof *b);

	b->n = n;
	tt_buf_init(&b->strs);
	tt_buf_init(&b->raw);
	/* Unset tokens are marked by an offset past the end: SIZE_MAX. */
	b->str_off = tt_xmalloc(((size_t)n + 1) * sizeof *b->str_off);
	for (uint32_t i = 0; i <= n; i++)
		b->str_off[i] = SIZE_MAX;
	b->raw_off = tt_xcalloc((size_t)n + 1, sizeof *b->raw_off);
	strmap_init(&b->ids);
	strmap_init(&b->ranks);
	b->eot = BPE_NONE;
	return b;
}

void bpe_destroy(struct bpe *b)
{
	if (b == NULL)
		return;
	tt_buf_fini(&b->strs);
	tt_buf_fini(&b->raw);
	free(b->str_off);
	free(b->raw_off);
	strmap_fini(&b->ids);
	strmap_fini(&b->ranks);
	free(b->merges);
	free(b);
}

/*
 * Strings are appended in the order they are set, so ids may come in any
 * order: str_off[id] is the start and raw_off[id] the length until
 * bpe_finish_tokens lays them out in id order.
 */
int bpe_set_token(struct bpe *b, uint32_t id, const char *s, size_t len, const char **why)
{
	uint32_t other;

	if (id >= b->n) {
		*why = "id out of range";
		return -1;
	}
	if (b->str_off[id] != SIZE_MAX) {
		*why = "id already taken by another token";
		return -1;
	}
	if (len == 0 || len > UINT32_MAX) {
		*why = "a token is a non-empty string";
		return -1;
	}
	if (strmap_get(&b->ids, s, len, &other)) {
		*why = "token already has an id";
		return -1;
	}
	b->str_off[id] = b->strs.len;
	b->raw_off[id] = len;
	tt_buf_add(&b->strs, s, len);
	strmap_put(&b->ids, s, len, id);
	if (len == sizeof bpe_eot_str - 1 && memcmp(s, bpe_eot_str, len) == 0)
		b->eot = id;
	return 0;
}

/* The bytes a token string stands for: each character through the table, or itself. */
static void bpe_add_raw(struct tt_buf *raw, const char *s, size_t len)
{
	size_t start = raw->len, i = 0;
	uint32_t cp;

	while (i < len) {
		size_t j = bpe_utf8_next(s, len, i, &cp);
		int byte = j == 0 ? -1 : bpe_cp_to_byte(cp);

		if (byte < 0) {
			/* Not a byte-level token (an added special token): its own UTF-8. */
			raw->len = start;
			tt_buf_add(raw, s, len);
			return;
		}
		tt_buf_addc(raw, (char)byte);
		i = j;
	}
}

/* Re-lay the strings in id order (they were appended as set) and derive the bytes. */
static void bpe_order_tokens(struct bpe *b)
{
	struct tt_buf strs;
	uint32_t id;

	tt_buf_init(&strs);
	for (id = 0; id < b->n; id++) {
		const char *s = b->strs.data + b->str_off[id];
		size_t len = b->raw_off[id];    /* the length, kept there by bpe_set_token */

		b->str_off[id] = strs.len;
		tt_buf_add(&strs, s, len);
	}
	b->str_off[b->n] = strs.len;
	tt_buf_fini(&b->strs);
	b->strs = strs;
	for (id = 0; id < b->n; id++) {
		b->raw_off[id] = b->raw.len;
		bpe_add_raw(&b->raw, b->strs.data + b->str_off[id], b->str_off[id + 1] - b->str_off[id]);
	}
	b->raw_off[b->n] = b->raw.len;
}

int bpe_finish_tokens(struct bpe *b, char *why, size_t n)
{
	for (uint32_t id = 0; id < b->n; id++) {
		if (b->str_off[id] == SIZE_MAX) {
			snprintf(why, n, "no token has id %u (expected ids 0..%u, each once)", id,
				 b->n - 1);
			return -1;
		}
	}
	bpe_order_tokens(b);
	for (unsigned byte = 0; byte < 256; byte++) {
		char u[2];
		size_t k = bpe_cp_utf8(bpe_byte_to_cp((uint8_t)byte), u);

		if (!strmap_get(&b->ids, u, k, &b->byte_id[byte])) {
			snprintf(why, n, "no token for byte 0x%02x (\"%.*s\"): a byte-level "
				 "vocabulary has all 256", byte, (int)k, u);
			return -1;
		}
	}
	return 0;
}

static void bpe_pair_key(uint32_t left, uint32_t right, char key[8])
{
	memcpy(key, &left, 4);
	memcpy(key + 4, &right, 4);
}

static uint32_t bpe_rank(const struct bpe *b, uint32_t left, uint32_t right)
{
	char key[8];
	uint32_t rank;

	bpe_pair_key(left, right, key);
	return strmap_get(&b->ranks, key, sizeof key, &rank) ? rank : BPE_NONE;
}

int bpe_add_merge(struct bpe *b, uint32_t left, uint32_t right, char *why, size_t n)
{
	size_t ll, rl;
	const char *ls = bpe_token_str(b, left, &ll), *rs = bpe_token_str(b, right, &rl);
	char *cat, key[8];
	uint32_t to, rank;

	bpe_pair_key(left, right, key);
	if (strmap_get(&b->ranks, key, sizeof key, &rank)) {
		snprintf(why, n, "duplicate merge (the same pair as merge %u)", rank + 1);
		return -1;
	}
	cat = tt_xmalloc(ll + rl);
	memcpy(cat, ls, ll);
	memcpy(cat + ll, rs, rl);
	if (!strmap_get(&b->ids, cat, ll + rl, &to)) {
		snprintf(why, n, "the merged token \"%.*s\" is not in the vocabulary",
			 (int)(ll + rl > 200 ? 200 : ll + rl), cat);
		free(cat);
		return -1;
	}
	free(cat);
	if (b->nmerges == b->cap_merges) {
		b->cap_merges = b->cap_merges ? 2 * b->cap_merges : 1024;
		b->merges = tt_xrealloc(b->merges, b->cap_merges * sizeof *b->merges);
	}
	b->merges[b->nmerges].left = left;
	b->merges[b->nmerges].right = right;
	b->merges[b->nmerges].to = to;
	strmap_put(&b->ranks, key, sizeof key, b->nmerges);
	b->nmerges++;
	return 0;
}

/* ---- the vocabulary ------------------------------------------------------ */

uint32_t bpe_vocab_size(const struct bpe *b)
{
	return b->n;
}

uint32_t bpe_merge_count(const struct bpe *b)
{
	return b->nmerges;
}

uint32_t bpe_eot(const struct bpe *b)
{
	return b->eot;
}

const char *bpe_token_str(const struct bpe *b, uint32_t id, size_t *len)
{
	*len = b->str_off[id + 1] - b->str_off[id];
	return b->strs.data + b->str_off[id];
}

const char *bpe_token_bytes(const struct bpe *b, uint32_t id, size_t *len)
{
	*len = b->raw_off[id + 1] - b->raw_off[id];
	return b->raw.data + b->raw_off[id];
}

uint32_t bpe_token_id(const struct bpe *b, const char *str, size_t len)
{
	uint32_t id;

	return strmap_get(&b->ids, str, len, &id) ? id : BPE_NONE;
}

/* ---- the cache and scratch space ----------------------------------------- */

struct bpe_cache {
	struct strmap map;       /* pre-token bytes -> offset in pool */
	struct bpe_ids pool;     /* at each offset: count, then the ids */
	size_t nentries;
	/* scratch for one pre-token, cap entries each */
	size_t cap;
	uint32_t *sym;
	uint32_t *rank;          /* rank of (sym[i], sym[i + 1]) */
	size_t *src;             /* where sym[i] was before the last pass */
	unsigned char *merged;   /* sym[i] was made by the last pass */
};

struct bpe_cache *bpe_cache_create(void)
{
	struct bpe_cache *c = tt_xcalloc(1, sizeof *c);

	strmap_init(&c->map);
	bpe_ids_init(&c->pool);
	return c;
}

void bpe_cache_destroy(struct bpe_cache *c)
{
	if (c == NULL)
		return;
	strmap_fini(&c->map);
	bpe_ids_fini(&c->pool);
	free(c->sym);
	free(c->rank);
	free(c->src);
	free(c->merged);
	free(c);
}

static void bpe_cache_reserve(struct bpe_cache *c, size_t n)
{
	if (n <= c->cap)
		return;
	c->cap = n < 64 ? 64 : n;
	c->sym = tt_xrealloc(c->sym, c->cap * sizeof *c->sym);
	c->rank = tt_xrealloc(c->rank, c->cap * sizeof *c->rank);
	c->src = tt_xrealloc(c->src, c->cap * sizeof *c->src);
	c->merged = tt_xrealloc(c->merged, c->cap);
}

/* ---- BPE on one pre-token ------------------------------------------------ */

/* One pass: every (left, right) of rank r replaced, left to right. The new length. */
static size_t bpe_merge_pass(const struct bpe *b, struct bpe_cache *c, size_t m, uint32_t r)
{
	size_t i = 0, j = 0;

	while (i < m) {
		c->src[j] = i;
		if (i + 1 < m && c->rank[i] == r) {
			c->sym[j] = b->merges[r].to;
			c->merged[j] = 1;
			i += 2;
		} else {
			c->sym[j] = c->sym[i];
			c->merged[j] = 0;
			i++;
		}
		j++;
	}
	/* A pair of two untouched symbols keeps its rank (src only grows: in place is safe). */
	for (i = 0; i + 1 < j; i++) {
		if (c->merged[i] || c->merged[i + 1])
			c->rank[i] = bpe_rank(b, c->sym[i], c->sym[i + 1]);
		else
			c->rank[i] = c->rank[c->src[i]];
	}
	return j;
}

/* The ids of the pre-token p[0..n) into c->sym; their count. */
static size_t bpe_word(const struct bpe *b, struct bpe_cache *c, const unsigned char *p, size_t n)
{
	size_t m = n, i;

	bpe_cache_reserve(c, n);
	for (i = 0; i < n; i++)
		c->sym[i] = b->byte_id[p[i]];
	for (i = 0; i + 1 < m; i++)
		c->rank[i] = bpe_rank(b, c->sym[i], c->sym[i + 1]);
	while (m > 1) {
		uint32_t best = BPE_NONE;

		for (i = 0; i + 1 < m; i++)
			if (c->rank[i] < best)
				best = c->rank[i];
		if (best == BPE_NONE)
			break;
		m = bpe_merge_pass(b, c, m, best);
	}
	return m;
}

/* Appends the ids of one pre-token to out, through the cache. */
static void bpe_encode_piece(const struct bpe *b, struct bpe_cache *c, const char *p, size_t n,
			     struct bpe_ids *out)
{
	uint32_t off;
	size_t m, i;

	if (n <= BPE_CACHE_MAX_KEY && strmap_get(&c->map, p, n, &off)) {
		for (i = 0; i < c->pool.v[off]; i++)
			bpe_ids_push(out, c->pool.v[off + 1 + i]);
		return;
	}
	m = bpe_word(b, c, (const unsigned char *)p, n);
	for (i = 0; i < m; i++)
		bpe_ids_push(out, c->sym[i]);
	if (n > BPE_CACHE_MAX_KEY)
		return;
	if (c->nentries >= BPE_CACHE_MAX_ENTRIES || c->pool.n + m + 1 > BPE_CACHE_MAX_IDS) {
		strmap_fini(&c->map);
		strmap_init(&c->map);
		c->pool.n = 0;
		c->nentries = 0;
	}
	strmap_put(&c->map, p, n, (uint32_t)c->pool.n);
	bpe_ids_push(&c->pool, (uint32_t)m);
	for (i = 0; i < m; i++)
		bpe_ids_push(&c->pool, c->sym[i]);
	c->nentries++;
}

int bpe_encode(const struct bpe *b, struct bpe_cache *cache, const char *text, size_t len,
	       struct bpe_ids *out, size_t *bad)
{
	struct bpe_cache *c = cache != NULL ? cache : bpe_cache_create();
	long at = bpe_utf8_check(text, len);
	size_t i = 0;

	if (at >= 0) {
		*bad = (size_t)at;
		if (cache == NULL)
			bpe_cache_destroy(c);
		return -1;
	}
	while (i < len) {
		size_t end = bpe_pretok_end(text, len, i);

		bpe_encode_piece(b, c, text + i, end - i, out);
		i = end;
	}
	if (cache == NULL)
		bpe_cache_destroy(c);
	return 0;
}

int bpe_explain(const struct bpe *b, struct bpe_cache *cache, const char *text, size_t len,
		struct bpe_pieces *out, size_t *bad)
{
	struct bpe_cache *c;
	struct bpe_ids ids;
	size_t i = 0;
	uint32_t pretok = 0;
	long at = bpe_utf8_check(text, len);

	out->n = 0;
	if (at >= 0) {
		*bad = (size_t)at;
		return -1;
	}
	c = cache != NULL ? cache : bpe_cache_create();
	bpe_ids_init(&ids);
	while (i < len) {
		size_t end = bpe_pretok_end(text, len, i), off = i;

		ids.n = 0;
		bpe_encode_piece(b, c, text + i, end - i, &ids);
		for (size_t k = 0; k < ids.n; k++) {
			size_t n;

			bpe_token_bytes(b, ids.v[k], &n);
			bpe_pieces_push(out, off, n, ids.v[k], pretok);
			off += n;
		}
		pretok++;
		i = end;
	}
	bpe_ids_fini(&ids);
	if (cache == NULL)
		bpe_cache_destroy(c);
	return 0;
}

int bpe_decode(const struct bpe *b, const uint32_t *ids, size_t n, struct tt_buf *out,
	       size_t *bad)
{
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p;

		if (ids[i] >= b->n) {
			*bad = i;
			return -1;
		}
		p = bpe_token_bytes(b, ids[i], &len);
		tt_buf_add(out, p, len);
	}
	return 0;
}

void bpe_format_pieces(const struct bpe_pieces *p, const char *text, struct tt_buf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct bpe_piece *x = &p->v[i];

		if (i > 0)
			tt_buf_adds(out, x->pretok != p->v[i - 1].pretok ? " | " : " ");
		tt_buf_addc(out, '"');
		tt_esc_buf(out, text + x->off, x->len, 0);
		tt_buf_printf(out, "\"=%u", x->id);
	}
}
