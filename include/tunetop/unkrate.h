/*
 * unkrate.h - the unknown-word rate of each record under a model's
 * vocabulary (issue 14, outliers): the share of a record's words, after
 * the model's own preprocessing (tok_normalize with the vocabulary's
 * config: NFKC, case folding, punctuation as configured), that the n-gram
 * tokenizer's word vocabulary lacks (never seen in training, or under
 * min_count). A record far from the training data's vocabulary is one the
 * model can only judge from its hashed n-grams, if at all.
 *
 * Byte-level BPE has no unknown words (every byte is a token), so only an
 * n-gram tokenizer has a rate.
 */
#ifndef TUNETOP_UNKRATE_H
#define TUNETOP_UNKRATE_H

#include "tunetop/dataset.h"
#include "tunetop/tokenizer.h"

/*
 * rate[i] for every record of ds (room for ds->n): unknown words / words,
 * or NaN for a deleted record or one without words. -1 + err when tok is
 * not an n-gram tokenizer.
 */
int unkrate_compute(const struct tokenizer *tok, const struct dataset *ds, float *rate,
		    struct tt_err *err);

/* The rate of one text (NaN without words); scratch holds its normalized words. */
float unkrate_text(const struct tok_vocab *v, const char *text, size_t len, struct tt_buf *scratch);

#endif
