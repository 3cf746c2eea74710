/*
 * metrics.h - evaluation metrics: confusion matrix, precision/recall/F1,
 * log loss, calibration, perplexity. Pure functions over caller-owned data:
 * no globals, no threads, no I/O (the JSON writer only fills a buffer).
 *
 * Conventions (they follow scikit-learn so numbers can be compared):
 *
 * - A confusion matrix is indexed [true][predicted].
 * - An undefined ratio is reported as 0 (sklearn's zero_division=0) and a
 *   per-class flag says it was undefined: precision of a class that was never
 *   predicted, recall of a class with no support, F1 of a class that is
 *   absent from both the truth and the predictions.
 * - F1 is computed as 2tp / (2tp + fp + fn), which equals the harmonic mean
 *   of precision and recall whenever both are defined.
 * - Single-label macro averages are taken over the labels present in either
 *   the truth or the predictions (sklearn's default `labels=None`); a label
 *   that never occurs on either side is left out. Multi-label macro averages
 *   are taken over every label (sklearn treats each indicator column as a
 *   label). Weighted averages weight each class by its support. Micro
 *   averages pool tp/fp/fn over classes; for single-label data micro
 *   precision = micro recall = micro F1 = accuracy.
 * - With no examples every ratio is 0; log_loss, ece and loss are NaN when
 *   they could not be computed (written as null in JSON).
 */
#ifndef TUNETOP_METRICS_H
#define TUNETOP_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

/* Probabilities are clipped to [METRICS_PROB_EPS, 1] before taking logs. */
#define METRICS_PROB_EPS 1e-15
/* Number of equal-width confidence bins for the expected calibration error. */
#define METRICS_ECE_BINS 15

/* ---- confusion matrix ---- */

struct metrics_confusion {
	uint32_t nclasses;
	uint64_t *counts;	/* nclasses * nclasses; row = true, col = predicted */
};

/* Allocate a zeroed nclasses x nclasses matrix (nclasses may be 0). */
void metrics_confusion_init(struct metrics_confusion *cm, uint32_t nclasses);
void metrics_confusion_fini(struct metrics_confusion *cm);
/* Set every count to zero. */
void metrics_confusion_reset(struct metrics_confusion *cm);
/* Count one example. Returns 0, or -1 (nothing counted) if a label is out of range. */
int metrics_confusion_add(struct metrics_confusion *cm, uint32_t true_label, uint32_t pred);
/* Count at [true_label][pred]; 0 when out of range. */
uint64_t metrics_confusion_get(const struct metrics_confusion *cm, uint32_t true_label,
		uint32_t pred);
/* Deep copy; dst must not be initialized (or must have been finalized). */
void metrics_confusion_copy(struct metrics_confusion *dst, const struct metrics_confusion *src);

/* ---- report ---- */

/* Per-class figures. */
struct metrics_class {
	uint64_t tp, fp, fn;
	uint64_t support;	/* tp + fn: examples whose truth is this class */
	uint64_t predicted;	/* tp + fp: examples predicted as this class */
	double precision, recall, f1;
	bool precision_undefined;	/* never predicted: precision reported as 0 */
	bool recall_undefined;		/* no support: recall reported as 0 */
	bool f1_undefined;		/* tp + fp + fn == 0: F1 reported as 0 */
	bool in_macro;			/* counted in the macro averages */
};

struct metrics_report {
	uint32_t nclasses;
	bool multilabel;
	uint64_t n;		/* examples evaluated */
	double accuracy;	/* multi-label: subset accuracy (exact match) */
	struct metrics_class *per_class;	/* nclasses entries */
	uint32_t nmacro;	/* classes the macro averages were taken over */
	double macro_precision, macro_recall, macro_f1;
	double micro_precision, micro_recall, micro_f1;
	double weighted_precision, weighted_recall, weighted_f1;
	/*
	 * loss: the mean of the values given to metrics_eval_add_loss (the
	 * model's own objective, which may include label smoothing or class
	 * weights); if none were given, it equals log_loss.
	 */
	double loss;
	/*
	 * Single-label: mean -ln p(true), p clipped to [1e-15, 1]. Multi-label:
	 * the one-vs-all objective the model trains (fastText's ova loss): per
	 * example the binary cross-entropy summed over labels, -sum_c [t_c ln p_c
	 * + (1 - t_c) ln(1 - p_c)], p clipped to [1e-15, 1 - 1e-15]; then the
	 * mean over examples. Summed, not averaged over labels, so it sits on
	 * the same scale as the train loss in the curves.
	 */
	double log_loss;
	double ece;		/* expected calibration error, 15 bins; single-label only */
	/* Copy of the confusion matrix (nclasses 0 / counts NULL for multi-label). */
	struct metrics_confusion confusion;
};

/* Zero a report so that metrics_report_fini is safe on it. */
void metrics_report_init(struct metrics_report *r);
void metrics_report_fini(struct metrics_report *r);
/* Deep copy; dst is overwritten (finalize it first if it held a report). */
void metrics_report_copy(struct metrics_report *dst, const struct metrics_report *src);
/*
 * Fill r (overwritten; finalize it first if it held a report) from a
 * confusion matrix alone: everything except log_loss, ece and loss (NaN).
 */
void metrics_report_from_confusion(struct metrics_report *r, const struct metrics_confusion *cm);

/* ---- accumulator ---- */

/*
 * Feed examples one at a time, then finish. An accumulator is either
 * single-label (metrics_eval_add) or multi-label (metrics_eval_add_multi);
 * the first example decides and mixing is refused.
 */
struct metrics_eval {
	uint32_t nclasses;
	int mode;			/* 0 empty, 1 single-label, 2 multi-label */
	uint64_t n;
	struct metrics_confusion cm;	/* single-label */
	double nll_sum;			/* single-label: sum of -ln p(true) */
	uint64_t bin_count[METRICS_ECE_BINS];
	uint64_t bin_correct[METRICS_ECE_BINS];
	double bin_conf[METRICS_ECE_BINS];
	double loss_sum;
	uint64_t loss_count;
	uint64_t *ml_tp, *ml_fp, *ml_fn;	/* multi-label, nclasses each */
	uint64_t ml_exact;			/* multi-label: examples matched exactly */
};

void metrics_eval_init(struct metrics_eval *acc, uint32_t nclasses);
void metrics_eval_fini(struct metrics_eval *acc);
/* Forget every example (keeps nclasses). */
void metrics_eval_reset(struct metrics_eval *acc);
/* Index of the largest probability, ties to the lowest index; NaNs are skipped. */
uint32_t metrics_argmax(const float *probs, uint32_t n);
/*
 * Single-label example: probs has nclasses entries (a distribution); the
 * prediction is metrics_argmax(probs) and its probability the confidence.
 * Returns 0, or -1 (nothing counted) on a bad label, NULL probs or mixing.
 */
int metrics_eval_add(struct metrics_eval *acc, uint32_t true_label, const float *probs);
/*
 * Multi-label example: true_set and probs have nclasses entries; true_set[i]
 * is nonzero when label i applies, and label i is predicted when
 * probs[i] >= threshold. Returns 0, or -1 (nothing counted) on NULL or mixing.
 */
int metrics_eval_add_multi(struct metrics_eval *acc, const uint8_t *true_set,
		const float *probs, float threshold);
/* Add count examples' worth of model loss (their sum) for report.loss. */
void metrics_eval_add_loss(struct metrics_eval *acc, double loss_sum, uint64_t count);
/*
 * Compute the report (r is overwritten; finalize it first if it held one).
 * The accumulator is unchanged and can take more examples.
 */
void metrics_eval_finish(const struct metrics_eval *acc, struct metrics_report *r);

/* ---- output ---- */

struct json_t;
/*
 * The report as a new JSON object (caller owns the reference): accuracy,
 * macro_f1, micro_f1, weighted_f1, macro_precision, macro_recall,
 * micro_precision, micro_recall, weighted_precision, weighted_recall, loss,
 * log_loss, ece, n, per_class (label -> {precision, recall, f1, support}),
 * confusion (array of rows, true by predicted; null for multi-label) and,
 * for multi-label, subset_accuracy. NaN and infinities become null.
 * label_names has nclasses entries or is NULL (then labels are "0", "1"...).
 */
struct json_t *metrics_report_json(const struct metrics_report *r,
		const char *const *label_names);
/* Append the report as compact JSON (6 significant digits) to out. 0 or -1. */
int metrics_report_to_json(const struct metrics_report *r, const char *const *label_names,
		struct tt_buf *out);

/* ---- language models ---- */

/*
 * Perplexity exp(sum_nll / ntokens), sum_nll in nats; NaN when ntokens is 0.
 * It measures how well a language model predicts the next token; it has no
 * fixed relation to accuracy (a perplexity of 100 does not mean 1%).
 */
double metrics_perplexity(double sum_nll, uint64_t ntokens);

#endif
