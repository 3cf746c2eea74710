/*
 * labelerr.h - likely label errors: out-of-fold probabilities (xval.h)
 * over the labeled records that are not in the test split, then confident
 * learning (cleanlab.h), as a ranking a person can walk.
 *
 * Which records: not deleted, exactly one label, split train, valid or
 * none (never test: its labels stay unseen until the end). Multi-label
 * data is refused (labelerr_input says why). Labels with fewer records
 * than folds cannot be cross-validated (a fold would train without them):
 * they are reported with their counts, and neither their records are
 * ranked nor are they suggested; the other labels' probabilities are
 * renormalized over the labels that are ranked.
 *
 * Options (cfg): label_errors_folds (k, 5), label_errors_repeats (1),
 * label_errors_epochs (0: the model's epochs),
 * label_errors_rank (self_confidence | normalized_margin), seed, and the
 * training options of the model (epochs, lr, dim, ...), made
 * deterministic per fold as xval.h says.
 */
#ifndef TUNETOP_LABELERR_H
#define TUNETOP_LABELERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/cfg.h"
#include "tunetop/cleanlab.h"
#include "tunetop/dataset.h"
#include "tunetop/util.h"
#include "tunetop/xval.h"

struct labelerr_entry {
	uint32_t rec;           /* dataset record index */
	uint32_t given;         /* label ids of the report's label_names */
	uint32_t suggested;     /* the most probable ranked label */
	float score;            /* higher = more likely mislabeled, 0..1 */
	bool flagged;           /* pruned by confident learning */
};

struct labelerr_report {
	size_t n;                       /* ranked records */
	struct labelerr_entry *e;       /* [n] most likely error first */
	size_t nflagged;
	uint32_t nlabels;
	char **label_names;             /* [nlabels] */
	size_t *label_count;            /* [nlabels] records given the label (candidates) */
	bool *label_ranked;             /* [nlabels] false: fewer than folds records */
	uint32_t folds, repeats;
	enum cleanlab_rank rank;
	double seconds;                 /* the cross-validation's wall time */
	/*
	 * How good the out-of-fold probabilities are on the ranked records,
	 * against their given labels: the share whose most probable label is
	 * the given one, and the mean -log p(given) (p floored at 1e-15).
	 * The ranking is only as good as these probabilities: compare model
	 * options (lr, char_ngrams, epochs ...) by the log loss, lower is
	 * better, without looking at which labels are wrong.
	 */
	double oof_accuracy, oof_log_loss;
	/* By dataset record index (ds_n of them): NaN / false when not ranked. */
	size_t ds_n;
	float *score_of;
	bool *flagged_of;
	uint32_t *pos_of;               /* position in e, or UINT32_MAX */
};

/*
 * The records to cross-validate, copied from ds; NULL + err when the data
 * is multi-label or has no such records.
 */
struct trainer_input *labelerr_input(const struct dataset *ds, struct tt_err *err);

/* The cross-validation for ds with the options of cfg; NULL + err. */
struct xval *labelerr_start(const struct dataset *ds, const struct cfg *cfg, struct tt_err *err);

/* Confident learning over a finished cross-validation (pure). */
void labelerr_compute(const struct xval_result *xr, size_t ds_n, uint32_t folds,
		      uint32_t repeats, enum cleanlab_rank rank, struct labelerr_report *out);
void labelerr_report_fini(struct labelerr_report *r);

/*
 * Run it all and wait (headless): 0, or -1 + err. progress (may be NULL)
 * is called about once a second with the trainings done and in total.
 */
int labelerr_run(const struct dataset *ds, const struct cfg *cfg, struct labelerr_report *out,
		 void (*progress)(void *opaque, const struct xval_progress *p), void *opaque,
		 struct tt_err *err);

/* The JSON array of every ranked record: [{"id","given","suggested","score","flagged"}]. */
char *labelerr_json(const struct dataset *ds, const struct labelerr_report *r);
/* The labels reported, not ranked (fewer records than folds): [{"label","count"}]. */
char *labelerr_json_not_ranked(const struct labelerr_report *r);
/* {"folds","repeats","rank","accuracy","log_loss"}: the run and its probabilities. */
char *labelerr_json_run(const struct labelerr_report *r);
/* A summary and the first limit records as text (escaped). */
void labelerr_format_text(const struct dataset *ds, const struct labelerr_report *r,
			  size_t limit, struct tt_buf *out);

#endif
