/*
 * gpt.h - a GPT-2 transformer (forward, backward, Hugging Face weights),
 * shaped like llm.c's train_gpt2.c, every matrix product through cblas_sgemm.
 *
 * Memory: three arenas, each allocated once.
 *   params  every parameter, one float array; struct gpt_params points into it
 *   grads   the same layout (grads[i] is d loss / d params[i])
 *   acts    the activations backward needs plus scratch, sized by
 *           gpt_reserve(g, B, T) for at most B sequences of T tokens; a
 *           forward may then use any smaller B and T.
 * Each parameter tensor is also a named view (struct gpt_view) with its
 * Hugging Face GPT-2 name (wte.weight, h.0.attn.c_attn.weight, ...) and its
 * gradient, in arena order, so an optimizer or a checkpoint walks the views.
 *
 * Shapes (C = dim, V = vocab, L = layers, K = nlabels):
 *   wte.weight            [V, C]   also the output layer (tied)
 *   wpe.weight            [ctx, C]
 *   h.N.ln_1.weight/bias  [C]
 *   h.N.attn.c_attn.weight [C, 3C] Conv1D layout [in, out]: y = x W + b
 *   h.N.attn.c_attn.bias  [3C]     q, k, v in that order, heads contiguous
 *   h.N.attn.c_proj.weight [C, C], .bias [C]
 *   h.N.ln_2.weight/bias  [C]
 *   h.N.mlp.c_fc.weight   [C, 4C], .bias [4C]
 *   h.N.mlp.c_proj.weight [4C, C], .bias [C]
 *   ln_f.weight/bias      [C]
 *   score.weight          [K, C]   classification head (K > 0 only), no bias
 *
 * Freezing (design): every view has a trainable flag (all true after
 * gpt_create). The grads arena covers the trainable views only: a frozen
 * view has grad == NULL (and the matching pointer in g->g is NULL), so it
 * costs no gradient memory and no optimizer state. gpt_set_trainable only
 * flags; gpt_grad_alloc lays the grads arena out again from the flags
 * (zeroed; gradient pointers change, so an optimizer's state is made after
 * it). gpt_freeze_layers / gpt_freeze_body flag and apply in one call.
 * Backward skips the weight gradients of frozen tensors and stops at the
 * lowest block that has something trainable (the activation gradient
 * still flows down through frozen blocks above it). With everything
 * trainable the grads arena has exactly the params arena's layout.
 *
 * LoRA adapters (gpt-lora.h) are extra views appended after the base views
 * (flag lora, their data in the adapter's own arena, their gradients in the
 * grads arena); gpt_save and gpt_load_into ignore them.
 *
 * Gradient checkpointing (gpt_set_checkpointing): the activations arena
 * keeps every block's output (res3, i.e. the next block's input) but one
 * slot for the rest of a block's activations; backward recomputes each
 * block's forward from its input (same dropout masks: they are a function
 * of the seed) just before that block's backward.
 *
 * Use: gpt_create (or gpt_load), gpt_reserve, then per step gpt_zero_grad,
 * gpt_forward (or gpt_forward_classify), gpt_backward, an optimizer step.
 * gpt_backward accumulates into grads. Not thread-safe: one caller at a time;
 * the matrix products use OpenBLAS's own threads.
 */
#ifndef TUNETOP_GPT_H
#define TUNETOP_GPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

struct gpt_config {
	uint32_t vocab;    /* V */
	uint32_t ctx;      /* maximum positions (rows of wpe) */
	uint32_t dim;      /* C, a multiple of heads */
	uint32_t layers;   /* L */
	uint32_t heads;    /* NH; head size C / NH */
	uint32_t nlabels;  /* K: classification head rows; 0 = none */
	float dropout;     /* attention, residual and embedding dropout, [0, 1) */
};

/* Presets: "gpt-tiny" (~1M parameters), "gpt-small" (vocab 8192, dim 256,
 * 4 layers, 4 heads), "gpt2-124m" (GPT-2 small's shape). 0, or -1. */
int gpt_config_preset(const char *name, struct gpt_config *out);
/* 0 when usable, else -1 with err->msg saying which field is wrong. */
int gpt_config_check(const struct gpt_config *c, struct tt_err *err);
/* Number of parameters of a configuration (head included). */
size_t gpt_config_nparams(const struct gpt_config *c);

struct gpt_layer {
	float *ln1w, *ln1b;         /* [C] */
	float *qkvw, *qkvb;         /* [C, 3C], [3C] */
	float *attprojw, *attprojb; /* [C, C], [C] */
	float *ln2w, *ln2b;         /* [C] */
	float *fcw, *fcb;           /* [C, 4C], [4C] */
	float *fcprojw, *fcprojb;   /* [4C, C], [C] */
};

struct gpt_params {
	float *wte;             /* [V, C] */
	float *wpe;             /* [ctx, C] */
	struct gpt_layer *h;    /* [L] */
	float *lnfw, *lnfb;     /* [C] */
	float *score;           /* [K, C], NULL when K == 0 */
};

enum { GPT_NAME_MAX = 64 };

struct gpt_view {
	char name[GPT_NAME_MAX];  /* Hugging Face name without "transformer." */
	int ndim;                 /* 1 or 2 */
	uint32_t shape[2];
	size_t numel;
	float *data;              /* into the params arena */
	float *grad;              /* into the grads arena; NULL when frozen */
	bool trainable;           /* false: frozen (see the top of this file) */
	bool lora;                /* a LoRA adapter tensor (gpt-lora.h), not in base files */
};

enum gpt_pool {
	GPT_POOL_LAST,  /* the last token of each sequence (as HF's GPT2ForSequenceClassification) */
	GPT_POOL_MEAN   /* the mean over the sequence's tokens */
};

/* What the activations arena holds; each [L, ...] tensor is per layer. */
struct gpt_acts {
	float *encoded;   /* [B, T, C] embeddings (after dropout) */
	float *ln1;       /* [L, B, T, C] */
	float *ln1_mean;  /* [L, B, T] */
	float *ln1_rstd;  /* [L, B, T] */
	float *qkv;       /* [L, B, T, 3C] */
	float *att;       /* [L, B, NH, T, T] softmax (before dropout) */
	float *atty;      /* [L, B, T, C] attention output before c_proj */
	float *res2;      /* [L, B, T, C] residual after attention */
	float *ln2;       /* [L, B, T, C] */
	float *ln2_mean;  /* [L, B, T] */
	float *ln2_rstd;  /* [L, B, T] */
	float *fch;       /* [L, B, T, 4C] c_fc output (GELU input) */
	float *fch_gelu;  /* [L, B, T, 4C] */
	float *res3;      /* [L, B, T, C] residual after the MLP (block output) */
	float *lnf;       /* [B, T, C] */
	float *lnf_mean;  /* [B, T] */
	float *lnf_rstd;  /* [B, T] */
	float *logits;    /* [B, T, V] LM logits; backward turns them into d logits */
	float *lse;       /* [B, T] log-sum-exp of each logits row */
	float *pooled;    /* [B, C] classification: pooled lnf */
	float *cls_logits; /* [B, K] */
	float *cls_lse;   /* [B] */
	/* scratch for backward (reused by every layer) */
	float *dres;      /* [B, T, C] gradient of the residual stream */
	float *dln;       /* [B, T, C] */
	float *datty;     /* [B, T, C] */
	float *dqkv;      /* [B, T, 3C] */
	float *dfch;      /* [B, T, 4C] */
	float *dfch_gelu; /* [B, T, 4C] */
	float *tmp;       /* [B, T, C] projection output before dropout */
	float *head;      /* [2, T, T] attention scratch */
};

enum gpt_mode { GPT_MODE_NONE, GPT_MODE_LM, GPT_MODE_CLASSIFY };

struct gpt_lora;

struct gpt {
	struct gpt_config cfg;
	float *params;            /* arena, nparams floats */
	float *grads;             /* arena, same layout */
	size_t nparams;
	struct gpt_params p;      /* views into params */
	struct gpt_params g;      /* the same views into grads */
	struct gpt_view *views;
	size_t nviews;
	/* activations: reserved for Bmax x Tmax, last forward used B x T */
	float *acts_mem;
	size_t nacts;
	struct gpt_acts a;
	uint32_t Bmax, Tmax, B, T;
	/* the last forward, for backward */
	enum gpt_mode mode;
	int32_t *tokens;          /* [Bmax, Tmax] */
	int32_t *targets;         /* [Bmax, Tmax] (LM) or [Bmax] labels */
	uint32_t *lengths;        /* [Bmax] (classification) */
	enum gpt_pool pool;
	uint32_t count;           /* targets that were not -1 */
	/* dropout: active when training is set and cfg.dropout > 0 */
	bool training;
	uint64_t seed;            /* dropout masks of this step derive from it */
	/* added for freezing, LoRA and checkpointing (see the top of this file) */
	size_t ngrads;            /* floats in the grads arena (trainable views) */
	size_t nbase_views;       /* views[0, nbase_views) are the base model's */
	struct gpt_lora *lora;    /* NULL: no adapters (gpt-lora.h) */
	bool checkpoint;          /* gradient checkpointing on */
	uint32_t ckpt_slot;       /* the block whose activations the slot holds */
	float loss_weight;        /* backward scales the loss gradient by it (1) */
};

/*
 * A model with initialized weights (GPT-2's: normal(0, 0.02), c_proj
 * weights normal(0, 0.02 / sqrt(2 L)), layer norms 1 and 0, biases 0),
 * deterministic for a seed. NULL with err on a bad configuration.
 */
struct gpt *gpt_create(const struct gpt_config *c, uint64_t seed, struct tt_err *err);
/*
 * The same for inference only (generation, evaluation): every view frozen,
 * so the grads arena is empty and nothing of its size is ever touched
 * (the peak memory of a generation is the weights, the cache and the
 * scratch). gpt_set_trainable + gpt_grad_alloc make it trainable later.
 */
struct gpt *gpt_create_frozen(const struct gpt_config *c, uint64_t seed, struct tt_err *err);
/* Either, with every weight 0 instead of initialized: for a loader that
 * fills every base view (gpt_load), so it does not pay the random draws. */
struct gpt *gpt_create_empty(const struct gpt_config *c, bool trainable, struct tt_err *err);
void gpt_destroy(struct gpt *g);
/* The view of that name, or NULL. */
const struct gpt_view *gpt_find_view(const struct gpt *g, const char *name);

/* Allocate the activations for at most B sequences of T tokens (T <= ctx).
 * Replaces a smaller reservation. 0, or -1 with err. */
int gpt_reserve(struct gpt *g, uint32_t B, uint32_t T, struct tt_err *err);

/* Dropout on (with masks derived from seed; change the seed every step)
 * or off (evaluation; the default). */
void gpt_set_training(struct gpt *g, bool training, uint64_t seed);

/*
 * Language model forward: tokens [B*T] (row b is one sequence), targets
 * [B*T] or NULL (-1 = ignored). Returns the mean cross-entropy over the
 * targets that are not -1 (0 when none or targets is NULL); logits are in
 * g->a.logits [B, T, V]. Token and target ids must be < vocab (checked:
 * -1 and err otherwise, as for B > Bmax or T > Tmax).
 */
int gpt_forward(struct gpt *g, const int32_t *tokens, const int32_t *targets, uint32_t B,
		uint32_t T, float *loss, struct tt_err *err);
/*
 * Classification forward: tokens [B*T], right-padded (any valid id; since
 * attention is causal, padding after a row's tokens cannot reach them, so
 * no attention mask is needed); lengths[b] in [1, T] tokens of row b count; labels [B] (< nlabels, or -1 = ignored) or
 * NULL. Pools ln_f's output (last token or mean), then logits [B, K] =
 * pooled score^T in g->a.cls_logits; *loss the mean cross-entropy.
 */
int gpt_forward_classify(struct gpt *g, const int32_t *tokens, const uint32_t *lengths,
			 const int32_t *labels, uint32_t B, uint32_t T, enum gpt_pool pool,
			 float *loss, struct tt_err *err);
/* Backward of the last forward (which had targets or labels): adds
 * d loss / d params into g->grads. Overwrites the logits. */
void gpt_backward(struct gpt *g);
void gpt_zero_grad(struct gpt *g);
/* Backward of the last forward with its mean loss weighted by w (for
 * gradient accumulation: w = this micro-batch's targets / all targets).
 * gpt_backward is w = 1. The weight applies to that one call only. */
void gpt_backward_weighted(struct gpt *g, float w);

/* ---- freezing (see the top of this file) ---- */

/* Flag the view called name trainable or frozen; applied by gpt_grad_alloc.
 * -1 with err when there is no such view. */
int gpt_set_trainable(struct gpt *g, const char *name, bool on, struct tt_err *err);
/* Lay the grads arena out for the trainable views (zeroed). */
void gpt_grad_alloc(struct gpt *g);
/* Freeze the embeddings (wte, wpe) and blocks 0..k-1 (k <= layers), every
 * other base view trainable; applied. k = 0 unfreezes everything. -1 + err. */
int gpt_freeze_layers(struct gpt *g, uint32_t k, struct tt_err *err);
/* Freeze everything but the classification head score.weight (feature
 * extraction); applied. -1 + err when the model has no head. */
int gpt_freeze_body(struct gpt *g, struct tt_err *err);
/* Parameters in trainable views (numel, adapters included), and in all. */
size_t gpt_trainable_params(const struct gpt *g);
size_t gpt_total_params(const struct gpt *g);

/* Gradient checkpointing on or off; re-lays the activations out for the
 * current reservation. */
void gpt_set_checkpointing(struct gpt *g, bool on);
/* Bytes of activation memory reserved (the arena plus adapters' buffers). */
size_t gpt_act_bytes(const struct gpt *g);

/*
 * A minimal AdamW over the trainable views (torch.optim.AdamW's update with
 * bias correction; weight decay on every trainable parameter), for tests
 * and the benchmark until the shared optimizer (optim.c) takes the views.
 * Its moments are parallel to the grads arena: init after gpt_grad_alloc.
 */
struct gpt_adamw {
	float *m, *v;   /* [ngrads] */
	size_t n;
	uint64_t t;     /* steps taken */
};
void gpt_adamw_init(struct gpt_adamw *o, const struct gpt *g);
void gpt_adamw_free(struct gpt_adamw *o);
void gpt_adamw_step(struct gpt_adamw *o, struct gpt *g, float lr, float beta1, float beta2,
		    float eps, float weight_decay);

/*
 * Hugging Face safetensors. gpt_load reads a GPT-2 model (names with or
 * without "transformer.", attn.bias / attn.masked_bias / lm_head.weight
 * ignored, F32, F16 or BF16 converted to float). The configuration comes
 * from the shapes; heads from the file's "n_head" metadata, else from
 * heads_hint, else dim / 64 (GPT-2's head size). score.weight, when
 * present, sets nlabels. Dropout is 0: set g->cfg.dropout to train with it.
 * Errors name the file and the tensor.
 */
struct gpt *gpt_load(const char *path, uint32_t heads_hint, struct tt_err *err);
/* gpt_load for inference: the model of gpt_create_frozen (no gradient memory). */
struct gpt *gpt_load_frozen(const char *path, uint32_t heads_hint, struct tt_err *err);
/* Copy a file's tensors into an existing model: every tensor must be there
 * with the model's shape (score.weight only when nlabels > 0). */
int gpt_load_into(struct gpt *g, const char *path, struct tt_err *err);
/* Write every view as F32 with the "transformer." prefix (score.weight
 * without), n_head / n_ctx metadata, atomically. */
int gpt_save(const struct gpt *g, const char *path, struct tt_err *err);

#endif
