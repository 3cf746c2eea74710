/*
 * model.h - the model interface the trainer drives, shaped like llm.c.
 *
 * A model is a struct model (the common header) embedded at the start of an
 * implementation's own struct, plus a table of operations (struct
 * model_ops). The trainer thread owns the model; per-thread scratch lives in
 * a struct model_ws (one per worker thread), so the per-example paths do not
 * allocate. Hyperparameters that may change live are passed on every call
 * (struct model_hparams), never stored in the model.
 *
 * One training step, for every model (optim.h does the update):
 *
 *   model_zero_grad(m);
 *   loss = model_forward(m, ws, batch, n, &hp, &rng);  keeps what backward needs in ws
 *   model_backward(m, ws);                             grad += d loss / d params
 *   (all-reduce the gradients here, later: MPI)
 *   optim_step(opt, &hp);                              params -= update(grad)
 *
 * forward returns the batch's mean loss; backward accumulates the gradient
 * of that mean into the gradient views (so several forward/backward pairs
 * between two zero_grads accumulate, for gradient accumulation).
 *
 * Parameters and gradients are named tensor views (struct model_view) in a
 * fixed order: the checkpoint writer saves the data as safetensors, the
 * loader copies into them by name, the optimizer updates view.data from
 * view.grad. Each parameter view has a `trainable` flag; a frozen view
 * (model_set_trainable) has grad == NULL and costs no gradient memory, and
 * the optimizer skips it. Gradient memory is allocated by model_grad_alloc
 * (the optimizer calls it), so a model trained by the fast path below never
 * pays for it. A gradient may be row-sparse (grad_rows, like a sparse COO
 * tensor of rows: indices plus their values): it then holds only the rows
 * written since the last zero_grad, and optimizers update only those rows
 * (lazy updates, as TensorFlow's LazyAdam / PyTorch's SparseAdam).
 *
 * Fast path: a model may offer sgd_fast, one fused SGD step on one example
 * applied in place, which several threads may call at once (Hogwild). The
 * trainer uses it when the model has it and the optimizer is SGD.
 *
 * Examples. An example is a token sequence plus a target:
 *   classification  tokens = the text's ids (n-gram features, BPE ids),
 *                   targets = its label indices (softmax: usually one; k > 1
 *                   is a uniform target over them; OVA: the positive labels;
 *                   soft: a teacher's probabilities, for distillation);
 *   language model  from a sequence s[0..T] (T+1 tokens): tokens = s,
 *                   ntokens = T, targets = s + 1, ntargets = T, i.e.
 *                   targets[i] = tokens[i + 1]; MODEL_IGNORE masks a target.
 * Sequence lengths vary per example; a transformer pads or packs them.
 *
 * Implementations: "ngram" (model-ngram.c, fastText's supervised model),
 * "gpt" (model-gpt.c, the GPT-2 transformer of gpt.h; uses n_layer/n_head/n_ctx).
 */
#ifndef TUNETOP_MODEL_H
#define TUNETOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

/* ---- random numbers (splitmix64; the state is one word, easy to save) -- */

struct model_rng {
	uint64_t state;
};

void model_rng_seed(struct model_rng *r, uint64_t seed);
uint64_t model_rng_next(struct model_rng *r);
/* Uniform in [0, 1) with 24 random bits. */
float model_rng_uniform(struct model_rng *r);

/* ---- configuration, examples, hyperparameters ------------------------- */

enum model_loss {
	MODEL_LOSS_SOFTMAX,     /* single-label: softmax cross-entropy */
	MODEL_LOSS_OVA,         /* multi-label: one-vs-all sigmoids, binary CE */
};

struct model_config {
	const char *type;       /* "ngram" */
	uint32_t ninputs;       /* input rows / vocabulary: nwords + buckets */
	uint32_t nlabels;       /* output classes */
	uint32_t dim;           /* embedding width */
	enum model_loss loss;
	uint64_t seed;          /* weight initialization */
	uint32_t n_layer;       /* transformers only; 0 for ngram */
	uint32_t n_head;
	uint32_t n_ctx;
	/* transformers (gpt): what the examples are and how a text is cut */
	bool lm;                /* language model: nlabels == ninputs, next-token targets */
	bool pool_mean;         /* classification pooling: mean (else the last token) */
	bool truncate_last;     /* a text longer than n_ctx keeps its last tokens */
};

/* A target that contributes nothing (padding, a prompt's tokens in LM). */
#define MODEL_IGNORE UINT32_MAX

/* One example: a token sequence and its target (see the top of this file). */
struct model_example {
	const uint32_t *tokens; /* [ntokens], each < ninputs (others are ignored) */
	uint32_t ntokens;
	const uint32_t *targets; /* [ntargets]: label indices, or next tokens */
	uint32_t ntargets;
	/*
	 * Distillation (n-gram softmax only): a teacher's probabilities
	 * [nlabels], or NULL. Read only when hp->distill_alpha > 0, so code
	 * that leaves it unset with default hparams is never affected.
	 */
	const float *soft;
};

/*
 * One step's hyperparameters: forward reads the loss fields (dropout,
 * label_smoothing, class_weights), the optimizer (and sgd_fast) the update
 * fields (lr, weight_decay, clip, betas, eps).
 */
struct model_hparams {
	float lr;               /* learning rate of this step (after the schedule) */
	float weight_decay;     /* decoupled: w -= lr * wd * w (lazy on sparse rows) */
	float dropout;          /* on the hidden vector, 0 = off */
	float label_smoothing;  /* eps in [0, 1) */
	float clip;             /* max global gradient norm, 0 = off */
	const float *class_weights; /* [nlabels] or NULL (all 1) */
	float beta1, beta2, eps;    /* AdamW */
	/*
	 * Distillation (Hinton et al.) for examples with soft != NULL:
	 *   L = alpha T^2 CE(softmax(z/T), p^(1/T) normalized)
	 *       + (1 - alpha) CE(softmax(z), y)     (y: the hard part above)
	 * alpha 0 (the default) ignores soft targets: the hard loss bit for bit.
	 */
	float distill_alpha;
	float distill_temperature;  /* T > 0, default 1 */
};

/* Sets fastText-like SGD defaults (lr 0.1) and AdamW betas 0.9/0.999/1e-8. */
void model_hparams_default(struct model_hparams *hp);

/* What a fused (fast path) step reports. */
struct model_stat {
	float loss;             /* mean training objective over the examples */
	float grad_norm;        /* global gradient norm before clipping */
};

/* ---- tensor views ------------------------------------------------------ */

enum model_dtype {
	MODEL_F32,
	MODEL_I64,
};

enum {
	MODEL_VIEW_PARAM = 1,   /* a weight: saved in models and checkpoints */
	MODEL_VIEW_OPTIM = 2,   /* optimizer state (optim.h): checkpoints only */
};

#define MODEL_VIEW_MAXDIM 4

struct model_view {
	const char *name;       /* e.g. "ngram.input.weight", "optim.adamw.step" */
	enum model_dtype dtype;
	unsigned flags;
	uint32_t ndim;
	uint64_t shape[MODEL_VIEW_MAXDIM];
	void *data;             /* row-major, product(shape) elements */
	/*
	 * Row-sparse views (2-D): touched[r] != 0 for the rows training may
	 * have changed; every other row still holds what model_create put
	 * there (regenerated from the seed, or zero), so a file need store
	 * only the touched rows. A loader marks the rows it copies; an
	 * optimizer marks the rows it updates. NULL: the view is dense and is
	 * always stored whole.
	 */
	uint8_t *touched;
	/* Parameters only. Frozen views (trainable false) have no gradient. */
	bool trainable;
	/*
	 * d loss / d data (F32): dense, the view's shape; or NULL (frozen, or
	 * no gradient memory yet). Row-sparse (grad_rows != NULL, 2-D views):
	 * [ngrad_rows, shape[1]], row k being the gradient of data row
	 * grad_rows[k] (distinct rows, any order); every other row's is zero.
	 */
	float *grad;
	const uint32_t *grad_rows;
	size_t ngrad_rows;
};

/* ---- the interface ----------------------------------------------------- */

struct model;
struct model_ws;

struct model_ops {
	const char *name;
	/* New model with weights initialized from cfg->seed; NULL + err on failure. */
	struct model *(*create)(const struct model_config *cfg, struct tt_err *err);
	void (*destroy)(struct model *m);

	/* Per-thread scratch; one per thread calling the functions below. */
	struct model_ws *(*ws_create)(const struct model *m);
	void (*ws_destroy)(struct model_ws *ws);

	/*
	 * Mean loss of the batch ex[0..n) (dropout drawn from rng if
	 * hp->dropout > 0 and rng != NULL); keeps in ws what backward needs,
	 * including the ex pointer: the examples must outlive backward.
	 */
	float (*forward)(struct model *m, struct model_ws *ws, const struct model_example *ex,
			 size_t n, const struct model_hparams *hp, struct model_rng *rng);
	/* grad += d (forward's loss) / d params for every view with grad != NULL. */
	void (*backward)(struct model *m, struct model_ws *ws);
	/* Every gradient to zero (sparse gradients: their rows, and the row list). */
	void (*zero_grad)(struct model *m);
	/* Gradient memory (zeroed) for the trainable views; idempotent; -1 + err. */
	int (*grad_alloc)(struct model *m, struct tt_err *err);
	/* Freeze (0) or unfreeze view i; only before grad_alloc. -1 + err. */
	int (*set_trainable)(struct model *m, size_t i, bool on, struct tt_err *err);

	/*
	 * Optional fast path (NULL: none): one SGD step on one example with
	 * hp->lr, weight decay and clipping, applied in place. Several threads
	 * may call it at once on the same model, each with its own ws and rng.
	 */
	struct model_stat (*sgd_fast)(struct model *m, struct model_ws *ws,
				      const struct model_example *ex,
				      const struct model_hparams *hp, struct model_rng *rng);

	/*
	 * probs [nlabels]: softmax (sums to 1) or independent sigmoids, the
	 * full vector; a language model gives the next token's distribution.
	 */
	void (*predict)(const struct model *m, struct model_ws *ws,
			const uint32_t *tokens, uint32_t ntokens, float *probs);

	/* Elements in the MODEL_VIEW_PARAM views. */
	size_t (*nparams)(const struct model *m);
	size_t (*nviews)(const struct model *m);
	/* Fills *out for view i < nviews; views with data == NULL are absent. */
	void (*view)(struct model *m, size_t i, struct model_view *out);
};

/* The common header, first member of every implementation's struct. */
struct model {
	const struct model_ops *ops;
	struct model_config cfg;
};

/* ---- front end: dispatch through ops ----------------------------------- */

extern const struct model_ops model_ngram_ops;
extern const struct model_ops model_gpt_ops;     /* model-gpt.c, see model-gpt.h */

/* Ops table by name ("ngram"), or NULL. */
const struct model_ops *model_find(const char *name);

struct model *model_create(const struct model_config *cfg, struct tt_err *err);
void model_destroy(struct model *m);
struct model_ws *model_ws_create(const struct model *m);
void model_ws_destroy(const struct model *m, struct model_ws *ws);

float model_forward(struct model *m, struct model_ws *ws, const struct model_example *ex,
		    size_t n, const struct model_hparams *hp, struct model_rng *rng);
void model_backward(struct model *m, struct model_ws *ws);
void model_zero_grad(struct model *m);
int model_grad_alloc(struct model *m, struct tt_err *err);
/* Freeze or unfreeze the parameter view called name; -1 + err if none. */
int model_set_trainable(struct model *m, const char *name, bool on, struct tt_err *err);
/* 1 if the model has the fused SGD fast path. */
int model_has_sgd_fast(const struct model *m);
struct model_stat model_sgd_fast(struct model *m, struct model_ws *ws,
				 const struct model_example *ex,
				 const struct model_hparams *hp, struct model_rng *rng);
void model_predict(const struct model *m, struct model_ws *ws, const uint32_t *tokens,
		   uint32_t ntokens, float *probs);

size_t model_nparams(const struct model *m);
size_t model_nviews(const struct model *m);
void model_view(struct model *m, size_t i, struct model_view *out);
/* View by name; 0 and *out filled if present (data != NULL), else -1. */
int model_find_view(struct model *m, const char *name, struct model_view *out);
/* Elements in a view: product of its shape. */
uint64_t model_view_numel(const struct model_view *v);

#endif
