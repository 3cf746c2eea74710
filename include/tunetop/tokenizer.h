/*
 * tokenizer.h - the tokenizer a model bundle owns: text in, token ids out.
 *
 * The trainer, prediction and the bundle see only this interface, so they
 * do not know which tokenizer a model has. A tokenizer is a struct
 * tokenizer (the common header) at the start of an implementation's struct,
 * with a table of operations:
 *
 *   encode      text -> ids, each < vocab_size; thread-safe (const)
 *   vocab_size  the id space: the model's input rows / vocabulary
 *   save        the whole tokenizer (config, vocabulary, preprocessing) as
 *               bytes, which the bundle stores as the U8 tensor ops->tensor
 *   load        the inverse; fails cleanly (NULL, err) on bad bytes
 *
 * A bundle records the tokenizer's name in its metadata
 * ("tunetop.tokenizer"); files without it hold the n-gram tokenizer.
 *
 * Implementations: "ngram" (tokenize.c's hashed word and character n-grams
 * with its normalization, tensor "tokenizer.vocab"); "bpe" (tokenizer-bpe.c:
 * GPT-2's byte-level BPE of bpe.h, tensor "tokenizer.bpe" holding
 * bpe_serialize's bytes).
 */
#ifndef TUNETOP_TOKENIZER_H
#define TUNETOP_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/tokenize.h"
#include "tunetop/util.h"

struct tokenizer;

struct tokenizer_ops {
	const char *name;       /* "ngram", "bpe" */
	const char *tensor;     /* the bundle tensor holding save's bytes */
	/*
	 * Ids of text into ids [cap]; returns how many there are in total
	 * (like snprintf: more than cap means the output was truncated).
	 */
	size_t (*encode)(const struct tokenizer *t, const char *text, size_t len, uint32_t *ids,
			 size_t cap);
	uint32_t (*vocab_size)(const struct tokenizer *t);
	void (*save)(const struct tokenizer *t, struct tt_buf *out);
	struct tokenizer *(*load)(const void *data, size_t len, struct tt_err *err);
	void (*destroy)(struct tokenizer *t);
};

struct tokenizer {
	const struct tokenizer_ops *ops;
};

/* Ops table by name, or NULL. */
const struct tokenizer_ops *tokenizer_find(const char *name);

size_t tokenizer_encode(const struct tokenizer *t, const char *text, size_t len, uint32_t *ids,
			size_t cap);
uint32_t tokenizer_vocab_size(const struct tokenizer *t);
const char *tokenizer_name(const struct tokenizer *t);
void tokenizer_save(const struct tokenizer *t, struct tt_buf *out);
/* Load a tokenizer of the named kind from its saved bytes; NULL + err. */
struct tokenizer *tokenizer_load(const char *name, const void *data, size_t len,
				 struct tt_err *err);
void tokenizer_destroy(struct tokenizer *t);

/* ---- the n-gram tokenizer --------------------------------------------- */

extern const struct tokenizer_ops tokenizer_ngram_ops;

/* A tokenizer over a finished vocabulary, which it takes over (*v is zeroed). */
struct tokenizer *tokenizer_ngram_create(struct tok_vocab *v);
/* Its vocabulary and preprocessing; NULL if t is not an n-gram tokenizer. */
const struct tok_vocab *tokenizer_ngram_vocab(const struct tokenizer *t);
/*
 * encode for text tok_normalize already made with the vocabulary's config
 * (nwords as it returned): the same ids as tokenizer_encode on the raw
 * text, without normalizing again. For a trainer that normalized every
 * text once to build the vocabulary.
 */
size_t tokenizer_ngram_encode_words(const struct tokenizer *t, const char *norm, size_t len,
				    size_t nwords, uint32_t *ids, size_t cap);

/* ---- the byte-level BPE tokenizer (tokenizer-bpe.c) ------------------ */

struct bpe;
extern const struct tokenizer_ops tokenizer_bpe_ops;

/*
 * A tokenizer over b, which it takes over. Text that is not valid UTF-8 is
 * encoded with each bad byte read as U+FFFD (as a decoder with
 * errors="replace" would give it), never dropped.
 */
struct tokenizer *tokenizer_bpe_create(struct bpe *b);
/* Its BPE; NULL if t is not a BPE tokenizer. */
const struct bpe *tokenizer_bpe(const struct tokenizer *t);

#endif
