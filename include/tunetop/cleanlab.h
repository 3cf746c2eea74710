/*
 * cleanlab.h - confident learning (Northcutt, Jiang and Chuang, "Confident
 * Learning: Estimating Uncertainty in Dataset Labels", JAIR 2021), as pure
 * functions over out-of-sample predicted probabilities: which records are
 * likely mislabeled, and a score to rank them by.
 *
 * Single-label data: record r has one given label given[r] < k and a
 * probability vector probs[r * k .. r * k + k) from a model that did not
 * train on r (k-fold cross-validation, see xval.h). Matrices are k x k,
 * row-major, rows = given label i, columns = the (estimated) true label j.
 */
#ifndef TUNETOP_CLEANLAB_H
#define TUNETOP_CLEANLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cleanlab_rank {
	CLEANLAB_SELF_CONFIDENCE,   /* score = 1 - p[given] */
	CLEANLAB_NORMALIZED_MARGIN, /* score = (1 - p[given] + max_{j != given} p[j]) / 2 */
};

/* "self_confidence" or "normalized_margin" (-1 if neither). */
int cleanlab_rank_parse(const char *name, enum cleanlab_rank *out);

/*
 * Per-class thresholds t[j]: the mean of p[j] over the records given j
 * (the model's average self-confidence on class j). A class no record is
 * given gets +inf: nothing is ever confidently in it.
 */
void cleanlab_thresholds(const float *probs, const uint32_t *given, size_t n, uint32_t k,
			 double *t);

/*
 * The confident joint C [k * k] (counts): record r counts in C[given][j]
 * when j is, among the classes whose probability reaches their threshold
 * (p[j] >= t[j] - 1e-6), the one with the largest probability; records
 * confident in no class are not counted. The diagonal is then raised to at
 * least 1 (as cleanlab does), so every given class keeps a correct example.
 */
void cleanlab_confident_joint(const float *probs, const uint32_t *given, size_t n, uint32_t k,
			      const double *t, double *cj);

/*
 * Calibrate C in place: each row i scaled to sum to the number of records
 * given i, the whole to n, then rounded to whole counts keeping each row's
 * total (largest remainders). Rows with no counts stay zero.
 */
void cleanlab_calibrate(double *cj, const size_t *given_counts, uint32_t k);

/*
 * Round v[0..m) to whole numbers whose sum is the rounded sum of v:
 * round each, then move the difference one unit at a time onto the entries
 * rounded furthest the other way.
 */
void cleanlab_round_preserving_sum(double *v, uint32_t m);

/*
 * Prune by noise rate (cleanlab's prune_by_noise_rate): with the calibrated
 * joint, every given class i keeps at least one record on its diagonal
 * (off-diagonal counts lowered evenly to pay for it), then for each j != i
 * the round(C[i][j]) records given i with the largest p[j] - p[i] are
 * flagged. Records whose most probable class is their given label are
 * never flagged. flagged [n] is overwritten.
 */
void cleanlab_prune_by_noise_rate(const float *probs, const uint32_t *given, size_t n,
				  uint32_t k, const double *cj, bool *flagged);

/* The error score of one record (higher = more likely mislabeled), in [0, 1]. */
double cleanlab_score(const float *p, uint32_t k, uint32_t given, enum cleanlab_rank rank);

/* The whole method: thresholds, joint, calibration, pruning, scores. */
struct cleanlab_result {
	double *thresholds;     /* [k] */
	double *joint;          /* [k * k] calibrated, whole counts */
	bool *flagged;          /* [n] pruned as likely mislabeled */
	double *score;          /* [n] higher = more likely mislabeled */
	uint32_t *suggested;    /* [n] the most probable class */
	uint32_t *order;        /* [n] records, most likely error first */
};

void cleanlab_run(const float *probs, const uint32_t *given, size_t n, uint32_t k,
		  enum cleanlab_rank rank, struct cleanlab_result *out);
void cleanlab_result_fini(struct cleanlab_result *r);

#endif
