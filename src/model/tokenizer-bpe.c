/*
 * tokenizer-bpe.c - GPT-2's byte-level BPE (bpe.h) behind the tokenizer
 * interface (tokenizer.h), saved in a bundle as bpe_serialize's bytes.
 *
 * encode must be thread-safe on a const tokenizer: it encodes without
 * bpe.h's per-thread cache. Text that is not UTF-8 (a CSV read as bytes)
 * is encoded with every bad byte replaced by U+FFFD, so no record loses
 * its tokens silently.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/bpe.h"
#include "tunetop/tokenizer.h"

struct tokenizer_bpe {
	struct tokenizer base;
	struct bpe *bpe;
};

static const struct bpe *tb(const struct tokenizer *t)
{
	return ((const struct tokenizer_bpe *)t)->bpe;
}

/* text with every byte that is not UTF-8 replaced by U+FFFD, into out. */
static void tokenizer_bpe_repair(const struct bpe *b, const char *text, size_t len,
				 struct tt_buf *out)
{
	struct bpe_ids scratch;
	size_t start = 0, bad;

	bpe_ids_init(&scratch);
	while (start < len) {
		scratch.n = 0;
		if (bpe_encode(b, NULL, text + start, len - start, &scratch, &bad) == 0) {
			tt_buf_add(out, text + start, len - start);
			break;
		}
		tt_buf_add(out, text + start, bad);
		tt_buf_add(out, "\xEF\xBF\xBD", 3);
		start += bad + 1;
	}
	bpe_ids_fini(&scratch);
}

static size_t tokenizer_bpe_encode(const struct tokenizer *t, const char *text, size_t len,
				   uint32_t *ids, size_t cap)
{
	struct bpe_ids out;
	struct tt_buf fixed;
	size_t bad, n;

	bpe_ids_init(&out);
	if (bpe_encode(tb(t), NULL, text, len, &out, &bad) != 0) {
		tt_buf_init(&fixed);
		tokenizer_bpe_repair(tb(t), text, len, &fixed);
		out.n = 0;
		bpe_encode(tb(t), NULL, fixed.data, fixed.len, &out, &bad);
		tt_buf_fini(&fixed);
	}
	n = out.n;
	if (cap > 0)
		memcpy(ids, out.v, (n < cap ? n : cap) * sizeof *ids);
	bpe_ids_fini(&out);
	return n;
}

static uint32_t tokenizer_bpe_vocab_size(const struct tokenizer *t)
{
	return bpe_vocab_size(tb(t));
}

static void tokenizer_bpe_save(const struct tokenizer *t, struct tt_buf *out)
{
	bpe_serialize(tb(t), out);
}

static struct tokenizer *tokenizer_bpe_load(const void *data, size_t len, struct tt_err *err)
{
	struct bpe *b = bpe_deserialize(data, len, err);

	return b != NULL ? tokenizer_bpe_create(b) : NULL;
}

static void tokenizer_bpe_destroy(struct tokenizer *t)
{
	struct tokenizer_bpe *b = (struct tokenizer_bpe *)t;

	bpe_destroy(b->bpe);
	free(b);
}

const struct tokenizer_ops tokenizer_bpe_ops = {
	.name = "bpe",
	.tensor = "tokenizer.bpe",
	.encode = tokenizer_bpe_encode,
	.vocab_size = tokenizer_bpe_vocab_size,
	.save = tokenizer_bpe_save,
	.load = tokenizer_bpe_load,
	.destroy = tokenizer_bpe_destroy,
};

struct tokenizer *tokenizer_bpe_create(struct bpe *b)
{
	struct tokenizer_bpe *t = tt_xcalloc(1, sizeof *t);

	t->base.ops = &tokenizer_bpe_ops;
	t->bpe = b;
	return &t->base;
}

const struct bpe *tokenizer_bpe(const struct tokenizer *t)
{
	if (t == NULL || t->ops != &tokenizer_bpe_ops)
		return NULL;
	return tb(t);
}
