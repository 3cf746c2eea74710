/*
 * tokenizer.c - the tokenizer interface's front end and registry, and the
 * n-gram tokenizer: tokenize.c's vocabulary and hashing behind the ops
 * table. See tokenizer.h.
 */
#include "tunetop/tokenizer.h"

#include <stdlib.h>
#include <string.h>

/* ---- the n-gram tokenizer --------------------------------------------- */

struct tokenizer_ngram {
	struct tokenizer base;
	struct tok_vocab vocab;
};

static size_t tokenizer_ngram_encode(const struct tokenizer *t, const char *text, size_t len,
				     uint32_t *ids, size_t cap)
{
	const struct tokenizer_ngram *n = (const struct tokenizer_ngram *)t;

	return tok_encode(&n->vocab, text, len, ids, cap, NULL);
}

static uint32_t tokenizer_ngram_vocab_size(const struct tokenizer *t)
{
	return tok_vocab_nfeatures(&((const struct tokenizer_ngram *)t)->vocab);
}

static void tokenizer_ngram_save(const struct tokenizer *t, struct tt_buf *out)
{
	tok_vocab_save(&((const struct tokenizer_ngram *)t)->vocab, out);
}

static struct tokenizer *tokenizer_ngram_load(const void *data, size_t len, struct tt_err *err)
{
	struct tokenizer_ngram *n = tt_xcalloc(1, sizeof *n);

	n->base.ops = &tokenizer_ngram_ops;
	if (tok_vocab_load(&n->vocab, data, len, err) != 0) {
		tok_vocab_fini(&n->vocab);
		free(n);
		return NULL;
	}
	return &n->base;
}

static void tokenizer_ngram_destroy(struct tokenizer *t)
{
	struct tokenizer_ngram *n = (struct tokenizer_ngram *)t;

	tok_vocab_fini(&n->vocab);
	free(n);
}

const struct tokenizer_ops tokenizer_ngram_ops = {
	.name = "ngram",
	.tensor = "tokenizer.vocab",
	.encode = tokenizer_ngram_encode,
	.vocab_size = tokenizer_ngram_vocab_size,
	.save = tokenizer_ngram_save,
	.load = tokenizer_ngram_load,
	.destroy = tokenizer_ngram_destroy,
};

struct tokenizer *tokenizer_ngram_create(struct tok_vocab *v)
{
	struct tokenizer_ngram *n = tt_xcalloc(1, sizeof *n);

	n->base.ops = &tokenizer_ngram_ops;
	n->vocab = *v;
	memset(v, 0, sizeof *v);
	return &n->base;
}

const struct tok_vocab *tokenizer_ngram_vocab(const struct tokenizer *t)
{
	if (t == NULL || t->ops != &tokenizer_ngram_ops)
		return NULL;
	return &((const struct tokenizer_ngram *)t)->vocab;
}

size_t tokenizer_ngram_encode_words(const struct tokenizer *t, const char *norm, size_t len,
				    size_t nwords, uint32_t *ids, size_t cap)
{
	const struct tokenizer_ngram *n = (const struct tokenizer_ngram *)t;

	return tok_encode_words(&n->vocab, norm, len, nwords, ids, cap, NULL);
}

/* ---- front end --------------------------------------------------------- */

static const struct tokenizer_ops *const tokenizer_all[] = {
	&tokenizer_ngram_ops,
	&tokenizer_bpe_ops,
};

const struct tokenizer_ops *tokenizer_find(const char *name)
{
	for (size_t i = 0; i < sizeof tokenizer_all / sizeof tokenizer_all[0]; i++)
		if (strcmp(tokenizer_all[i]->name, name) == 0)
			return tokenizer_all[i];
	return NULL;
}

size_t tokenizer_encode(const struct tokenizer *t, const char *text, size_t len, uint32_t *ids,
			size_t cap)
{
	return t->ops->encode(t, text, len, ids, cap);
}

uint32_t tokenizer_vocab_size(const struct tokenizer *t)
{
	return t->ops->vocab_size(t);
}

const char *tokenizer_name(const struct tokenizer *t)
{
	return t->ops->name;
}

void tokenizer_save(const struct tokenizer *t, struct tt_buf *out)
{
	t->ops->save(t, out);
}

struct tokenizer *tokenizer_load(const char *name, const void *data, size_t len,
				 struct tt_err *err)
{
	const struct tokenizer_ops *ops = tokenizer_find(name);

	if (ops == NULL) {
		char *esc = tt_esc_dup(name);   /* the name came from a file */

		tt_err_set(err, NULL, 0, 0, "unknown tokenizer '%s' (expected ngram or bpe)", esc);
		free(esc);
		return NULL;
	}
	return ops->load(data, len, err);
}

void tokenizer_destroy(struct tokenizer *t)
{
	if (t != NULL)
		t->ops->destroy(t);
}
