/*
 * xval.h - out-of-fold predictions by k-fold cross-validation, on a
 * background thread of their own.
 *
 * The records of a trainer_input that have exactly one label are dealt
 * into k folds (stratified by label, seeded). For each fold a trainer
 * (trainer.h, the same code `tunetop train` runs) learns from the other
 * folds and predicts every class's probability for the records of this
 * one, so each record gets a probability vector from a model that never
 * saw it. With repeats > 1 the whole is done again with other folds and
 * seeds and the vectors averaged.
 *
 * Deterministic: the folds are a seeded stratified shuffle; fold f of
 * repeat q trains with seed + 1000 * q + f, one thread (no Hogwild races),
 * no validation split (no early stopping), so the same input, options and
 * seed give the same probabilities, bit for bit.
 *
 * The caller polls progress (xval_progress) or sleeps on the wake fd,
 * cancels (xval_cancel), and takes the result after xval_wait.
 */
#ifndef TUNETOP_XVAL_H
#define TUNETOP_XVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/cfg.h"
#include "tunetop/trainer.h"

struct xval_setup {
	const struct cfg *cfg;          /* the training options (copied) */
	struct trainer_input *input;    /* ownership passes to the job */
	uint32_t folds;                 /* k >= 2 */
	uint32_t repeats;               /* >= 1: runs averaged */
	uint32_t epochs;                /* of each training; 0: the cfg's epochs */
	uint64_t seed;
};

struct xval_progress {
	uint32_t run;                   /* trainings done (folds x repeats) */
	uint32_t runs;
	uint64_t step, total_steps;     /* of the training in progress */
	bool done;                      /* finished, failed or cancelled */
	bool failed;
	bool cancelled;
	char message[256];              /* why it failed */
};

/* What comes out: for the input's record i, probs[i * nlabels ...]. */
struct xval_result {
	size_t n;                       /* = the input's n */
	uint32_t nlabels;
	char **label_names;             /* [nlabels] the input's */
	float *probs;                   /* [n * nlabels]; rows of unused records are 0 */
	bool *used;                     /* [n] got out-of-fold predictions */
	uint32_t *given;                /* [n] the record's label (one-label records only) */
	uint32_t *src;                  /* [n] the input's src (dataset record index) */
	double seconds;                 /* wall time of the whole job */
};

struct xval;

/* Starts the job's thread; NULL + err if the setup is unusable. */
struct xval *xval_start(const struct xval_setup *setup, struct tt_err *err);
void xval_progress(struct xval *x, struct xval_progress *out);
/* Ask the job to stop (the training in progress stops within a step). */
void xval_cancel(struct xval *x);
/* Block until the job is done (timeout < 0: forever); true when done. */
bool xval_wait(struct xval *x, double timeout);
/* Readable when progress moved (at most ~10 times a second); drain it after. */
int xval_wake_fd(const struct xval *x);
void xval_drain_wake(struct xval *x);
/* After it is done and succeeded: move the result out (once). */
int xval_take(struct xval *x, struct xval_result *out);
/* Cancels if needed, joins, frees. */
void xval_destroy(struct xval *x);

void xval_result_fini(struct xval_result *r);

/*
 * The fold of every record (pure, for tests): records with one label are
 * shuffled with the seed within their label and dealt round-robin, so each
 * fold holds about n_label / k of every label; others get UINT32_MAX.
 */
void xval_assign_folds(const struct trainer_input *in, uint32_t folds, uint64_t seed,
		       uint32_t *fold);

#endif
