/*
 * optim.h - optimizers over a model's trainable views: SGD and AdamW.
 *
 * An optimizer is created for one model and updates every parameter view
 * that is trainable and has a gradient (model.h), from view.grad, once per
 * step:
 *
 *   model_zero_grad(m); model_forward(...); model_backward(m, ws);
 *   (gradients all-reduced across processes here, later)
 *   norm = optim_step(o, &hp);
 *
 * The step's hyperparameters come in hp (model_hparams): lr is the step's
 * rate (the trainer's schedule multiplies the base lr before the call),
 * weight decay is decoupled (w -= lr * wd * w, not added to the gradient)
 * and applies to 2-D views only (matrices; biases and layer norms are not
 * decayed, as in nanoGPT and Hugging Face's fine-tuning recipes),
 * and clip > 0 scales the whole update when the global gradient norm (over
 * every trainable view) exceeds it. optim_step returns that norm, before
 * clipping.
 *
 *   SGD    w = (1 - lr wd) w - lr s g                (s: the clip scale)
 *   AdamW  m = b1 m + (1 - b1) s g,  v = b2 v + (1 - b2) (s g)^2,
 *          w = (1 - lr wd) w - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * Row-sparse gradients (view.grad_rows) are applied lazily: only those rows
 * are updated, decayed and have their moments advanced (TensorFlow's
 * LazyAdam, PyTorch's SparseAdam); bias correction uses the global step t.
 * The rows updated are marked in view.touched.
 *
 * AdamW moments are allocated only for trainable views (zeroed; large ones
 * mapped with transparent huge pages, resident as rows are written). They are exposed as views flagged MODEL_VIEW_OPTIM, so a
 * checkpoint saves and restores them exactly:
 *   optim.adamw.<param>.m, optim.adamw.<param>.v   F32, the param's shape
 *                                                   (row-sparse like it)
 *   optim.adamw.step                                I64 [1], t
 * (Files written before optim.c called the n-gram moments
 * optim.adamw.input.m/.v and optim.adamw.output.m/.v; bundle.c reads those.)
 * SGD has no state.
 */
#ifndef TUNETOP_OPTIM_H
#define TUNETOP_OPTIM_H

#include "tunetop/model.h"

enum optim_kind {
	OPTIM_SGD,
	OPTIM_ADAMW,
};

struct optim;

/* "sgd" or "adamw" into *out; -1 if neither. */
int optim_parse(const char *name, enum optim_kind *out);
const char *optim_kind_name(enum optim_kind kind);

/*
 * Optimizer of kind for m: allocates the model's gradient memory
 * (model_grad_alloc) and the state of the views trainable now. NULL + err
 * when out of memory. The model must outlive it.
 */
struct optim *optim_create(struct model *m, enum optim_kind kind, struct tt_err *err);
void optim_destroy(struct optim *o);
enum optim_kind optim_kind(const struct optim *o);

/* Global L2 norm of the trainable gradients (sparse views: their rows). */
float optim_grad_norm(struct optim *o);
/* One update of every trainable view from its gradient; returns the norm before clipping. */
float optim_step(struct optim *o, const struct model_hparams *hp);

/* State views (MODEL_VIEW_OPTIM), as model_view; zero for SGD. */
size_t optim_nviews(const struct optim *o);
void optim_view(struct optim *o, size_t i, struct model_view *out);
int optim_find_view(struct optim *o, const char *name, struct model_view *out);

#endif
