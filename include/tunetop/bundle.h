/*
 * bundle.h - a model with everything prediction needs, in one safetensors
 * file: the weights (Hugging Face-style tensor names), the tokenizer
 * (config + vocabulary, as the U8 tensor "tokenizer.vocab"), the label set
 * and metadata (model config, hyperparameters, step, data hash). A
 * checkpoint is a bundle that also holds the optimizer state and the
 * position in the run.
 */
#ifndef TUNETOP_BUNDLE_H
#define TUNETOP_BUNDLE_H

#include <stdbool.h>

#include "tunetop/model.h"
#include "tunetop/tokenize.h"

struct bundle {
	struct model *model;
	struct tok_vocab vocab;
	char **labels;
	uint32_t nlabels;
	bool multilabel;
	char **meta_keys;      /* all metadata, for callers that want more */
	char **meta_values;
	size_t nmeta;
	bool has_optimizer;
};

/* Extra metadata pairs given to bundle_save. */
struct bundle_meta {
	const char *key;
	const char *value;
};

/*
 * Write model + vocab + labels (+ optimizer state when with_optim) with
 * the given extra metadata, atomically.
 */
int bundle_save(const char *path, struct model *model, const struct tok_vocab *vocab,
		char *const *labels, uint32_t nlabels, bool multilabel, bool with_optim,
		const struct bundle_meta *meta, size_t nmeta, struct tt_err *err);

/* Load a bundle; every inconsistency is an error naming the file. */
int bundle_load(struct bundle *b, const char *path, struct tt_err *err);
void bundle_fini(struct bundle *b);
/* Metadata value or NULL. */
const char *bundle_meta(const struct bundle *b, const char *key);

/* Probabilities [nlabels] for a text, preprocessed as in training. */
void bundle_predict(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    float *probs);

#endif
