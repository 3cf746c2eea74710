/*
 * bpe-impl.h - the inside of struct bpe, shared by bpe.c (encode, decode),
 * bpe-load.c (files, blobs), bpe-pretok.c and bpe-train.c.
 */
#ifndef TUNETOP_BPE_IMPL_H
#define TUNETOP_BPE_IMPL_H

#include "tunetop/bpe.h"
#include "tunetop/strmap.h"

/* Merge number `rank`: the pair (left, right) becomes token id `to`. */
struct bpe_merge {
	uint32_t left;
	uint32_t right;
	uint32_t to;
};

struct bpe {
	uint32_t n;               /* tokens, ids 0..n-1 */
	struct tt_buf strs;       /* the tokens' strings (as in vocab.json), back to back */
	size_t *str_off;          /* [n + 1] token id's string: strs.data[str_off[id]..str_off[id+1]) */
	struct tt_buf raw;        /* the bytes each token decodes to, back to back */
	size_t *raw_off;          /* [n + 1] */
	struct strmap ids;        /* string -> id */
	uint32_t byte_id[256];    /* the one-byte token of each byte */
	uint32_t nmerges;
	uint32_t cap_merges;
	struct bpe_merge *merges; /* [nmerges], by rank (best first) */
	struct strmap ranks;      /* (left, right) as 8 bytes -> rank */
	uint32_t eot;             /* "<|endoftext|>" or BPE_NONE */
};

/* ---- building (bpe.c) --------------------------------------------------- */

/* An empty tokenizer for n tokens, each to be set once with bpe_set_token. */
struct bpe *bpe_alloc(uint32_t n);
/*
 * Token id := s[0..len) (UTF-8). -1 with *why when the id is out of range
 * or taken, or the string is empty or already a token.
 */
int bpe_set_token(struct bpe *b, uint32_t id, const char *s, size_t len, const char **why);
/*
 * After every token is set, in id order: the bytes they decode to and the
 * byte table. -1 and a message in why (size n) when an id has no token or a
 * byte has no one-symbol token.
 */
int bpe_finish_tokens(struct bpe *b, char *why, size_t n);
/*
 * The next merge (rank = the merges so far): left + right, ids of tokens.
 * -1 with a message in why (size n) when their concatenation is no token
 * or the pair is a merge already.
 */
int bpe_add_merge(struct bpe *b, uint32_t left, uint32_t right, char *why, size_t n);

/* ---- the pre-tokenizer (bpe-pretok.c) ----------------------------------- */

/* -1 if text is valid UTF-8, else the offset of the first bad byte. */
long bpe_utf8_check(const char *text, size_t len);
/* The end of one character at i, or 0 when it is not UTF-8; *cp. */
size_t bpe_utf8_next(const char *text, size_t len, size_t i, uint32_t *cp);
/* The end of the pre-token at i (text valid UTF-8, i < len). */
size_t bpe_pretok_end(const char *text, size_t len, size_t i);

#endif
