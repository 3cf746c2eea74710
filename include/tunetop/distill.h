/*
 * distill.h - knowledge distillation into the n-gram model: a trained
 * classifier (the teacher, any bundle: usually a fine-tuned transformer)
 * labels the train split's records, labeled and unlabeled, with its
 * probabilities; the n-gram student learns from them (model.h's soft
 * targets, mixed with the hard labels by distill_alpha, softened by
 * distill_temperature) at the n-gram model's prediction speed.
 *
 * The teacher pass (distill_soft_compute) runs on the trainer thread when a
 * run with distill_teacher starts, with progress through a callback. Its
 * probabilities are cached on disk, keyed by the teacher file's hash and
 * each record's text hash, so a re-run (another alpha, the baseline, a
 * restart) or a grown dataset computes only what it has not seen:
 *   $XDG_CACHE_HOME/tunetop/distill/HASH.probs  (else ~/.cache/...),
 * HASH the XXH3-64 of the teacher file's bytes in hex; the file is a header
 * line "tunetop-distill-probs 1 K\n" then records of (u64 text hash,
 * float[K] the teacher's own label order), little-endian as written. A
 * damaged cache is ignored (computed again), never an error.
 */
#ifndef TUNETOP_DISTILL_H
#define TUNETOP_DISTILL_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/bundle.h"
#include "tunetop/trainer.h"

/* The teacher's probabilities for the records of one trainer input. */
struct distill_soft {
	size_t n;               /* records of the input */
	uint32_t nlabels;       /* the input's labels: the row stride of probs */
	float *probs;           /* [n, nlabels] in the input's label order */
	uint8_t *has;           /* [n] 1 where probs holds a row (train split) */
	size_t nsoft;           /* rows computed or cached */
	size_t ncached;         /* of those, from the cache */
	size_t nunlabeled;      /* of those, records without a label */
	double seconds;         /* the pass, wall time */
	int interrupted;        /* the progress callback stopped the pass */
	char cache_path[1024];  /* "" when there is no cache directory */
};

/*
 * done of total records, called after every record (on the calling
 * thread). Nonzero stops the pass: what it computed goes to the cache and
 * distill_soft_compute fails with "interrupted".
 */
typedef int (*distill_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * Check that a loaded teacher can teach a student with these labels: a
 * classifier (not a language model), single-label, with the same label
 * names (any order). -1 + err naming path and what was expected.
 */
int distill_check_teacher(const struct bundle *b, const char *path, char *const *labels,
			  uint32_t nlabels, bool multilabel, struct tt_err *err);

/*
 * Load the teacher at path and fill ds with its probabilities for every
 * train-split record of in (never a validation or test record), from the
 * cache where it has them. -1 + err (the teacher unreadable or unfit).
 */
int distill_soft_compute(struct distill_soft *ds, const char *path,
			 const struct trainer_input *in, distill_progress_fn progress, void *ctx,
			 struct tt_err *err);
void distill_soft_fini(struct distill_soft *ds);

/* The cache file for a teacher file (hashing its bytes); -1 + err if unreadable. */
int distill_cache_path(const char *teacher, char *out, size_t n, struct tt_err *err);

#endif
