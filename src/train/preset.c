/*
 * preset.c - the shipped presets. See preset.h.
 */
#include "tunetop/preset.h"

#include <string.h>

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

static const struct preset presets[] = {
	{ "ngram-sgd", "fastText's recipe: per-example SGD, lr 0.5 decaying linearly to 0",
	  ngram_sgd },
	{ "ngram-adamw", "AdamW minibatches of 16, lr 0.01, warmup then cosine", ngram_adamw },
	{ "ngram-small", "under ~10,000 examples: 50 dims, 200k buckets, inverse class weights",
	  ngram_small },
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
