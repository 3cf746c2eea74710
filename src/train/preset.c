/*
 * preset.c - the shipped presets. See preset.h.
 */
#include "tunetop/preset.h"

#include <string.h>

#include "tunetop/util.h"

static const struct preset_value ngram_sgd[] = {
	{ "model", "ngram" }, { "optimizer", "sgd" }, { "lr", "0.5" }, { "batch_size", "1" },
	{ "schedule", "linear" }, { "warmup", "0" }, { "epochs", "25" }, { "dim", "100" },
	{ "word_ngrams", "2" }, { "dropout", "0" }, { "weight_decay", "0" }, { NULL, NULL },
};

static const struct preset_value ngram_adamw[] = {
	{ "model", "ngram" }, { "optimizer", "adamw" }, { "lr", "0.01" }, { "batch_size", "16" },
	{ "schedule", "cosine" }, { "warmup", "100" }, { "epochs", "30" }, { "dim", "100" },
	{ "word_ngrams", "2" }, { "dropout", "0.1" }, { "weight_decay", "0.0001" }, { NULL, NULL },
};

static const struct preset_value ngram_small[] = {
	{ "model", "ngram" }, { "optimizer", "sgd" }, { "lr", "0.5" }, { "batch_size", "1" },
	{ "schedule", "linear" }, { "epochs", "30" }, { "dim", "50" }, { "buckets", "200000" },
	{ "word_ngrams", "2" }, { "class_weights", "inverse" }, { NULL, NULL },
};

/*
 * Transformers (model gpt): AdamW with warmup then cosine decay, weight
 * decay 0.1 (optim.c decays only 2-D weights, as nanoGPT does), clipping
 * at 1. Pre-training from scratch takes lr 3e-4 (GPT-2 small's 6e-4 is for
 * batches of 0.5M tokens); fine-tuning from an init file a tenth of it.
 */
static const struct preset_value gpt_tiny[] = {
	{ "model", "gpt" }, { "optimizer", "adamw" }, { "lr", "0.0003" }, { "batch_size", "8" },
	{ "schedule", "cosine" }, { "warmup", "100" }, { "epochs", "10" }, { "dim", "128" },
	{ "layers", "2" }, { "heads", "4" }, { "context", "128" }, { "vocab_size", "4096" },
	{ "dropout", "0.1" }, { "weight_decay", "0.1" }, { "clip", "1" }, { NULL, NULL },
};

static const struct preset_value gpt_small[] = {
	{ "model", "gpt" }, { "optimizer", "adamw" }, { "lr", "0.0003" }, { "batch_size", "8" },
	{ "schedule", "cosine" }, { "warmup", "200" }, { "epochs", "10" }, { "dim", "256" },
	{ "layers", "4" }, { "heads", "4" }, { "context", "128" }, { "vocab_size", "8192" },
	{ "dropout", "0.1" }, { "weight_decay", "0.1" }, { "clip", "1" }, { NULL, NULL },
};

static const struct preset_value gpt2_124m[] = {
	{ "model", "gpt" }, { "optimizer", "adamw" }, { "lr", "0.0003" }, { "batch_size", "4" },
	{ "schedule", "cosine" }, { "warmup", "500" }, { "epochs", "1" }, { "dim", "768" },
	{ "layers", "12" }, { "heads", "12" }, { "context", "1024" }, { "vocab_size", "50257" },
	{ "dropout", "0.1" }, { "weight_decay", "0.1" }, { "clip", "1" }, { NULL, NULL },
};

static const struct preset_value gpt_finetune[] = {
	{ "model", "gpt" }, { "optimizer", "adamw" }, { "lr", "0.00003" }, { "batch_size", "8" },
	{ "schedule", "cosine" }, { "warmup", "50" }, { "epochs", "3" }, { "dropout", "0.1" },
	{ "weight_decay", "0.01" }, { "clip", "1" }, { NULL, NULL },
};

static const struct preset presets[] = {
	{ "ngram-sgd", "fastText's recipe: per-example SGD, lr 0.5 decaying linearly to 0",
	  ngram_sgd },
	{ "ngram-adamw", "AdamW minibatches of 16, lr 0.01, warmup then cosine", ngram_adamw },
	{ "ngram-small", "under ~10,000 examples: 50 dims, 200k buckets, inverse class weights",
	  ngram_small },
	{ "gpt-tiny", "GPT-2 of ~1M parameters (dim 128, 2 layers); AdamW 3e-4, warmup, cosine",
	  gpt_tiny },
	{ "gpt-small", "GPT-2 with vocab 8192, dim 256, 4 layers, 4 heads; AdamW 3e-4", gpt_small },
	{ "gpt2-124m", "GPT-2 small's shape (124M parameters); AdamW 3e-4, batch 4", gpt2_124m },
	{ "gpt-finetune", "fine-tuning a gpt from init: AdamW 3e-5, 3 epochs (shape from the file)",
	  gpt_finetune },
};

const struct preset *preset_table(size_t *count)
{
	*count = sizeof presets / sizeof presets[0];
	return presets;
}

const struct preset *preset_find(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	}
	return NULL;
}

int preset_apply(struct cfg *c, const struct preset *p, struct tt_err *err)
{
	const struct preset_value *v;

	/* Check every value first, so a bad table entry changes nothing. */
	for (v = p->values; v->key != NULL; v++) {
		if (cfg_find(v->key) == NULL) {
			tt_err_set(err, NULL, 0, 0, "preset %s: unknown option %s", p->name, v->key);
			return -1;
		}
	}
	for (v = p->values; v->key != NULL; v++) {
		if (cfg_set(c, v->key, v->value, err) != 0)
			return -1;
	}
	return 0;
}

int preset_fill_defaults(struct cfg *c, const struct preset *p, struct tt_buf *taken,
			 struct tt_err *err)
{
	const struct preset_value *v;
	int n = 0;

	for (v = p->values; v->key != NULL; v++) {
		const struct cfg_option *o = cfg_find(v->key);

		if (o == NULL || strcmp(cfg_get_str(c, v->key), o->def) != 0 ||
		    strcmp(o->def, v->value) == 0)
			continue;
		if (cfg_set(c, v->key, v->value, err) != 0)
			return -1;
		tt_buf_printf(taken, "%s%s %s", n > 0 ? ", " : "", v->key, v->value);
		n++;
	}
	return n;
}
