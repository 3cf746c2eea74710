/*
 * bundle.h - a model with everything prediction needs, in one safetensors
 * file: the weights (Hugging Face-style tensor names), the tokenizer
 * (tokenizer.h: its saved bytes as a U8 tensor, "tokenizer.vocab" for the
 * n-gram tokenizer, its name in the metadata "tunetop.tokenizer"), the
 * label set and metadata (model config, hyperparameters, step, data hash).
 * A checkpoint is a bundle that also holds the optimizer state (optim.h's
 * views) and the position in the run. The bundle owns the model and the
 * tokenizer, so prediction always tokenizes as training did.
 */
#ifndef TUNETOP_BUNDLE_H
#define TUNETOP_BUNDLE_H

#include <stdbool.h>

#include "tunetop/model.h"
#include "tunetop/optim.h"
#include "tunetop/tokenizer.h"

struct bundle {
	struct model *model;
	struct tokenizer *tok;
	char **labels;
	uint32_t nlabels;
	bool multilabel;
	char **meta_keys;      /* all metadata, for callers that want more */
	char **meta_values;
	size_t nmeta;
	bool has_optimizer;     /* the file holds optimizer state (bundle_load_optim) */
};

/* Extra metadata pairs given to bundle_save. */
struct bundle_meta {
	const char *key;
	const char *value;
};

/*
 * Write model + tokenizer + labels (+ the optimizer's state when opt is not
 * NULL) with the given extra metadata, atomically.
 */
int bundle_save(const char *path, struct model *model, const struct tokenizer *tok,
		struct optim *opt, char *const *labels, uint32_t nlabels, bool multilabel,
		const struct bundle_meta *meta, size_t nmeta, struct tt_err *err);

/* Load a bundle; every inconsistency is an error naming the file. */
int bundle_load(struct bundle *b, const char *path, struct tt_err *err);
/*
 * Copy the optimizer state saved in path into opt (created for the model
 * bundle_load read from the same file). State the file lacks stays as it
 * is (zero); a tensor of the wrong shape is an error naming it.
 */
int bundle_load_optim(const char *path, struct optim *opt, struct tt_err *err);
/*
 * Only the tokenizer of the bundle at path (no model is built): for checks
 * that need the vocabulary, such as the unknown-word rate. NULL + err.
 */
struct tokenizer *bundle_load_tokenizer(const char *path, struct tt_err *err);
void bundle_fini(struct bundle *b);
/* Metadata value or NULL. */
const char *bundle_meta(const struct bundle *b, const char *key);

/*
 * LoRA adapter directories (bundle-adapter.c): PEFT's adapter_model.safetensors
 * and adapter_config.json (naming the base file and its hash) plus
 * tunetop.json (labels, objective, pooling, truncation). bundle_load on such
 * a directory loads its base and puts the adapter on it (hash checked).
 */
int bundle_is_adapter_dir(const char *path);
int bundle_load_adapter(struct bundle *b, const char *dir, struct tt_err *err);
/* The same on base_file (NULL: the one the config names); check: its hash. */
int bundle_load_adapter_on(struct bundle *b, const char *dir, const char *base_file, int check,
			   struct tt_err *err);
/* A tunetop base + adapter directory folded into one tunetop model file at out. */
int bundle_merge_adapter(const char *base_file, const char *dir, const char *out, int check,
			 struct tt_err *err);
/* Write m's adapters (and head) to dir, naming base_path (the run's init file). */
int bundle_save_adapter(const char *dir, struct model *m, const char *base_path,
			char *const *labels, uint32_t nlabels, struct tt_err *err);

/* Probabilities [nlabels] for a text, preprocessed as in training. */
void bundle_predict(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    float *probs);

#endif
