/*
 * model.h - the model interface the trainer drives.
 *
 * A model is a struct model (the common header) embedded at the start of an
 * implementation's own struct, plus a table of operations (struct
 * model_ops). The trainer thread owns the model; per-thread scratch lives in
 * a struct model_ws (one per worker thread), so the per-example paths do not
 * allocate. Hyperparameters that may change live are passed on every call
 * (struct model_hparams), never stored in the model.
 *
 * Weights are exposed as named tensor views (struct model_view) in a fixed
 * order: the checkpoint writer saves them as safetensors, the loader copies
 * into them by name. Views flagged MODEL_VIEW_OPTIM are optimizer state
 * (saved in checkpoints, not in exported models). A view may be row-sparse
 * (model_view.touched): only its touched rows need saving.
 *
 * Implementations: "ngram" (model-ngram.c, fastText's supervised model).
 * A transformer adds its own ops table and uses n_layer/n_head/n_ctx.
 */
#ifndef TUNETOP_MODEL_H
#define TUNETOP_MODEL_H

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
};

/* One training example: input feature ids and target label indices. */
struct model_example {
	const uint32_t *ids;    /* [nids], each < ninputs (others are ignored) */
	uint32_t nids;
	const uint32_t *labels; /* [nlabels_ex], each < nlabels (others ignored) */
	uint32_t nlabels_ex;    /* softmax: 1 (k > 1: uniform target over them) */
};

struct model_hparams {
	float lr;               /* learning rate of this step (after the schedule) */
	float weight_decay;     /* SGD: L2 on touched rows; AdamW: decoupled */
	float dropout;          /* on the hidden vector, 0 = off */
	float label_smoothing;  /* eps in [0, 1) */
	float clip;             /* max global gradient norm, 0 = off */
	const float *class_weights; /* [nlabels] or NULL (all 1) */
	float beta1, beta2, eps;    /* AdamW */
};

/* Sets fastText-like SGD defaults (lr 0.1) and AdamW betas 0.9/0.999/1e-8. */
void model_hparams_default(struct model_hparams *hp);

/* What a training step reports. */
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
	MODEL_VIEW_OPTIM = 2,   /* optimizer state: checkpoints only */
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
	 * only the touched rows. A loader marks the rows it copies. NULL: the
	 * view is dense and is always stored whole.
	 */
	uint8_t *touched;
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
	 * One SGD step on one example, applied in place (Hogwild: several
	 * threads may call this concurrently on the same model, each with its
	 * own ws and rng).
	 */
	struct model_stat (*sgd_step)(struct model *m, struct model_ws *ws,
				      const struct model_example *ex,
				      const struct model_hparams *hp, struct model_rng *rng);
	/* Allocate (zeroed) AdamW state; idempotent. -1 + err if out of memory. */
	int (*adamw_init)(struct model *m, struct tt_err *err);
	/* One AdamW step on the mean loss of a batch (one thread). */
	struct model_stat (*adamw_step)(struct model *m, struct model_ws *ws,
					const struct model_example *ex, size_t n,
					const struct model_hparams *hp, struct model_rng *rng);

	/* Loss of one example (dropout drawn from rng if hp->dropout > 0). */
	float (*loss)(const struct model *m, struct model_ws *ws,
		      const struct model_example *ex, const struct model_hparams *hp,
		      struct model_rng *rng);
	/*
	 * Loss and its gradient without changing the weights: grad [nparams]
	 * is overwritten, laid out as the MODEL_VIEW_PARAM views in order.
	 * For gradient checks and small models; rng as in loss.
	 */
	float (*grad)(const struct model *m, struct model_ws *ws,
		      const struct model_example *ex, const struct model_hparams *hp,
		      struct model_rng *rng, float *grad);

	/* probs [nlabels]: softmax (sums to 1) or independent sigmoids. */
	void (*predict)(const struct model *m, struct model_ws *ws,
			const uint32_t *ids, uint32_t nids, float *probs);

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

/* Ops table by name ("ngram"), or NULL. */
const struct model_ops *model_find(const char *name);

struct model *model_create(const struct model_config *cfg, struct tt_err *err);
void model_destroy(struct model *m);
struct model_ws *model_ws_create(const struct model *m);
void model_ws_destroy(const struct model *m, struct model_ws *ws);

struct model_stat model_sgd_step(struct model *m, struct model_ws *ws,
				 const struct model_example *ex,
				 const struct model_hparams *hp, struct model_rng *rng);
int model_adamw_init(struct model *m, struct tt_err *err);
struct model_stat model_adamw_step(struct model *m, struct model_ws *ws,
				   const struct model_example *ex, size_t n,
				   const struct model_hparams *hp, struct model_rng *rng);
float model_loss(const struct model *m, struct model_ws *ws, const struct model_example *ex,
		 const struct model_hparams *hp, struct model_rng *rng);
float model_grad(const struct model *m, struct model_ws *ws, const struct model_example *ex,
		 const struct model_hparams *hp, struct model_rng *rng, float *grad);
void model_predict(const struct model *m, struct model_ws *ws, const uint32_t *ids,
		   uint32_t nids, float *probs);

size_t model_nparams(const struct model *m);
size_t model_nviews(const struct model *m);
void model_view(struct model *m, size_t i, struct model_view *out);
/* View by name; 0 and *out filled if present (data != NULL), else -1. */
int model_find_view(struct model *m, const char *name, struct model_view *out);
/* Elements in a view: product of its shape. */
uint64_t model_view_numel(const struct model_view *v);

#endif
