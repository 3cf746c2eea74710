/*
 * model-gpt.h - the GPT-2 transformer (gpt.h) behind the model interface
 * (model.h, ops table model_gpt_ops, type "gpt").
 *
 * Configuration (struct model_config): ninputs = the vocabulary, dim,
 * n_layer, n_head, n_ctx; lm selects the objective:
 *   classification  nlabels classes, a score head on ln_f's output pooled
 *                   over the last token (or the mean: pool_mean); a text
 *                   longer than n_ctx keeps its first n_ctx tokens (its
 *                   last: truncate_last). Single-label softmax only.
 *   language model  nlabels == ninputs (predict gives the next token's
 *                   distribution); examples carry their next tokens as
 *                   targets (model.h).
 * A batch is right-padded to its longest example (at most n_ctx tokens).
 * Dropout is hp->dropout, applied when forward gets an rng.
 *
 * Views are gpt.h's in arena order, named as gpt_save names them
 * ("transformer.h.0.attn.c_attn.weight", "score.weight"), so a saved
 * bundle reads like a Hugging Face file. Gradients: set_trainable only
 * flags a view; grad_alloc (which the optimizer calls) lays gpt.h's
 * gradient arena out for the trainable views alone, so a frozen view
 * reports grad == NULL and costs no gradient memory and no optimizer state.
 */
#ifndef TUNETOP_MODEL_GPT_H
#define TUNETOP_MODEL_GPT_H

#include "tunetop/gpt.h"
#include "tunetop/model.h"

/*
 * A model around a loaded or created struct gpt, which it takes over;
 * cfg's lm, pool_mean, truncate_last, seed and loss are used, the shapes
 * come from g (and g->cfg.nlabels must be cfg->nlabels for classification,
 * 0 for a language model). NULL + err (g destroyed) on a mismatch.
 */
struct model *model_gpt_wrap(struct gpt *g, const struct model_config *cfg, struct tt_err *err);

/*
 * A model initialized from a GPT-2 safetensors file (gpt_load: ours or
 * Hugging Face's). For classification (cfg->lm false) with nlabels > 0 the
 * file's score head is used when its shape fits, else a fresh one (seeded
 * from cfg->seed) is added. cfg->type, ninputs, dim, n_layer, n_head and
 * n_ctx are ignored: they come from the file. NULL + err.
 */
struct model *model_gpt_from_file(const char *path, const struct model_config *cfg,
				  struct tt_err *err);

/* The same from a transformer in memory (copied; src is left as it is). */
struct model *model_gpt_from_gpt(const struct gpt *src, const struct model_config *cfg,
				 struct tt_err *err);

/* The transformer inside a "gpt" model, or NULL for another model. */
struct gpt *model_gpt_get(struct model *m);
/* probs = softmax(x[0..n)), computed in double for the sum. */
void model_gpt_softmax(const float *x, uint32_t n, float *probs);

/* backward with the forward's mean loss weighted by w (gradient
 * accumulation: gpt_backward_weighted). */
void model_gpt_backward_weighted(struct model *m, struct model_ws *ws, float w);
/* LoRA adapters on the model's transformer (gpt-lora.h: gpt_lora_add /
 * gpt_lora_load), its views renamed so optimizers and checkpoints see the
 * adapters; call before the optimizer is made. -1 + err. */
struct gpt_lora_config;
int model_gpt_lora_add(struct model *m, const struct gpt_lora_config *c, uint64_t seed,
		       struct tt_err *err);
int model_gpt_lora_load(struct model *m, const char *dir, const char *base_path,
			struct tt_err *err);
/* The views' names again after the transformer's views changed (gpt_lora_remove). */
void model_gpt_refresh(struct model *m);

#endif
