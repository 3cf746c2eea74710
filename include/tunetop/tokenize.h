/*
 * tokenize.h - preprocessing, word vocabulary and feature ids for the fast
 * n-gram classifier (fastText's supervised model).
 *
 * The whole pipeline is described by struct tok_config, which is stored with
 * the vocabulary (tok_vocab_save) and therefore with the model, so
 * prediction always preprocesses exactly like training did.
 *
 *   text --tok_normalize--> "word word word"   (NFKC, casefold, punctuation,
 *                                                whitespace collapsed to ' ')
 *        --tok_encode-----> feature ids        (word ids, hashed n-grams)
 *
 * Feature id space (the rows of the model's input matrix):
 *
 *   [0, nwords)                   in-vocabulary words
 *   [nwords, nwords + buckets)    hashed word n-grams (n = 2..word_ngrams)
 *                                 and character n-grams, sharing buckets
 *
 * With eos (the default) every text ends with fastText's end-of-line word
 * "</s>": a row every example trains (a bias, in effect) and the last word
 * of the last word n-gram. Hashes are XXH3 with fixed seeds and do
 * not depend on the platform's byte order for words and char n-grams; word
 * n-grams combine the word hashes as fastText does (h = h * 116049371 + h_j)
 * and finish with a 64-bit mix before taking the bucket.
 */
#ifndef TUNETOP_TOKENIZE_H
#define TUNETOP_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/strmap.h"
#include "tunetop/util.h"

#define TOK_NONE UINT32_MAX          /* "no such word" */
#define TOK_MAX_WORD_NGRAMS 8
#define TOK_MAX_CHAR_NGRAM 16

struct tok_config {
	int normalize;          /* Unicode NFKC (utf8proc COMPOSE|COMPAT) */
	int casefold;           /* Unicode case folding ("Straße" -> "strasse") */
	int strip_punct;        /* punctuation (categories P*) separates words */
	int min_count;          /* words seen fewer times are out of vocabulary */
	int word_ngrams;        /* 1 = words only; 2 = also bigrams; ... */
	int char_ngrams_min;    /* char n-grams of "<word>", lengths min..max; */
	int char_ngrams_max;    /* 0 and 0 = off */
	uint32_t buckets;       /* hash buckets for word and char n-grams */
	int eos;                /* append "</s>" to every text (fastText) */
};

/* fastText's supervised defaults, with NFKC and case folding on. */
void tok_config_default(struct tok_config *cfg);
/* Range checks; -1 and err->msg naming the bad field. */
int tok_config_check(const struct tok_config *cfg, struct tt_err *err);
/* 1 if n-gram features are produced (the bucket rows are in use). */
int tok_config_uses_buckets(const struct tok_config *cfg);

/*
 * Normalize text into out (contents replaced): NFKC and/or case folding as
 * configured, then words separated by single ASCII spaces, no leading or
 * trailing space. Word separators: Unicode whitespace (Z*), control
 * characters (Cc) and, with strip_punct, punctuation (P*). Invalid UTF-8
 * never fails: the valid runs are mapped, invalid bytes are kept as bytes.
 * Returns the number of words.
 */
size_t tok_normalize(const struct tok_config *cfg, const char *text, size_t len,
		     struct tt_buf *out);

/*
 * Vocabulary. Build: tok_vocab_init, tok_vocab_add_text for every training
 * text, tok_vocab_finish (prunes words under min_count and assigns ids by
 * count descending, then bytes ascending). Or tok_vocab_load a saved one.
 */
struct tok_vocab {
	struct tok_config cfg;
	uint32_t nwords;
	char **words;           /* [nwords], NUL-terminated copies */
	uint32_t *lens;         /* [nwords] byte lengths */
	uint64_t *counts;       /* [nwords] training counts */
	struct strmap map;      /* word -> id */
	size_t cap;
	int finished;
	uint64_t ntokens;       /* tokens seen while building */
};

void tok_vocab_init(struct tok_vocab *v, const struct tok_config *cfg);
void tok_vocab_fini(struct tok_vocab *v);
/* Normalizes text with v->cfg and counts its words. Only before finish. */
void tok_vocab_add_text(struct tok_vocab *v, const char *text, size_t len);
/* The same for text tok_normalize already made (words joined by spaces). */
void tok_vocab_add_words(struct tok_vocab *v, const char *norm, size_t len);
/* Counts one already-normalized word n times. Only before finish. */
void tok_vocab_add_word(struct tok_vocab *v, const char *word, size_t len, uint64_t n);
void tok_vocab_finish(struct tok_vocab *v);

/* Id of a normalized word, or TOK_NONE. */
uint32_t tok_vocab_id(const struct tok_vocab *v, const char *word, size_t len);
/* Rows of the input matrix: nwords, plus buckets if n-grams are on. */
uint32_t tok_vocab_nfeatures(const struct tok_vocab *v);

struct tok_stats {
	uint32_t ntokens;       /* words in the normalized text */
	uint32_t noov;          /* of which out of vocabulary */
};

/*
 * Feature ids of text (normalized with v->cfg): for each word its id if in
 * the vocabulary, then its char n-grams (if on); after all words, the word
 * n-grams (n = 2..word_ngrams, over all words including OOV ones).
 * Writes at most cap ids and returns how many there are in total (like
 * snprintf: a return value > cap means the output was truncated).
 * stats may be NULL.
 */
size_t tok_encode(const struct tok_vocab *v, const char *text, size_t len,
		  uint32_t *ids, size_t cap, struct tok_stats *stats);
/* The same for text tok_normalize already made, with the nwords it returned. */
size_t tok_encode_words(const struct tok_vocab *v, const char *norm, size_t len, size_t nwords,
			uint32_t *ids, size_t cap, struct tok_stats *stats);

/*
 * Serialization of config + vocabulary to a binary blob (little-endian,
 * magic "TTVOCAB1", XXH3-64 checksum at the end). Binary: base64 it for
 * safetensors metadata. Load fails cleanly (-1, err) on truncated, corrupt
 * or inconsistent input; v is initialized either way and must be finied.
 */
void tok_vocab_save(const struct tok_vocab *v, struct tt_buf *out);
int tok_vocab_load(struct tok_vocab *v, const void *data, size_t len, struct tt_err *err);

#endif
