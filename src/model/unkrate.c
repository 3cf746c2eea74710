/*
 * unkrate.c - the unknown-word rate per record (unkrate.h).
 */
#include "tunetop/unkrate.h"

#include <math.h>
#include <string.h>

#include "tunetop/tokenize.h"

float unkrate_text(const struct tok_vocab *v, const char *text, size_t len, struct tt_buf *scratch)
{
	size_t words = tok_normalize(&v->cfg, text, len, scratch), unknown = 0, i = 0, s;

	if (words == 0)
		return NAN;
	while (i < scratch->len) {
		s = i;
		while (i < scratch->len && scratch->data[i] != ' ')
			i++;
		if (i > s && tok_vocab_id(v, scratch->data + s, i - s) == TOK_NONE)
			unknown++;
		i++;
	}
	return (float)((double)unknown / (double)words);
}

int unkrate_compute(const struct tokenizer *tok, const struct dataset *ds, float *rate,
		    struct tt_err *err)
{
	const struct tok_vocab *v = tokenizer_ngram_vocab(tok);
	struct tt_buf b;
	size_t i;

	if (v == NULL) {
		tt_err_set(err, NULL, 0, 0, "the model's tokenizer is %s: it has no unknown words "
			   "(the unknown-word rate needs an n-gram model)", tokenizer_name(tok));
		return -1;
	}
	tt_buf_init(&b);
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		rate[i] = r->flags & DS_FLAG_DELETED ? NAN : unkrate_text(v, r->text, r->text_len, &b);
	}
	tt_buf_fini(&b);
	return 0;
}
