/*
 * resample.h - class balance by resampling the training split, the
 * trainer option `resample` (none | oversample | undersample; class_weights
 * is the other fix and stays independent of it):
 *
 *   oversample   every class grows to the size of the largest: each of its
 *                records repeated floor(max / count) times, plus
 *                max mod count of them drawn without replacement;
 *   undersample  every class shrinks to the size of the smallest: that
 *                many of its records drawn without replacement.
 *
 * A record's class is its first label (multi-label records count once,
 * under their first label). Only the train split is resampled; valid and
 * test are never touched. Deterministic for a given seed. Applied when the
 * trainer builds its training rows (a run's start, reload-labels), not
 * live: an epoch then walks the resampled rows in a seeded shuffle. The
 * cross-validation folds (xval.c) are trainers too: their training parts
 * are resampled, their held-out parts never.
 */
#ifndef TUNETOP_RESAMPLE_H
#define TUNETOP_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

enum resample_mode {
	RESAMPLE_NONE,
	RESAMPLE_OVER,
	RESAMPLE_UNDER,
};

/* "none", "oversample", "undersample"; -1 for another name. */
int resample_parse(const char *name, enum resample_mode *out);

/*
 * The resampled rows of rows[0..n) (record indexes; record r's labels are
 * label_ids[label_off[r] .. label_off[r + 1]), ids under nlabels, at least
 * one). Returns a new array (free) of *out_n rows: for none a copy; for
 * oversample the given rows in their order, then the added copies; for
 * undersample the kept rows sorted by record index.
 */
uint32_t *resample_rows(const uint32_t *rows, size_t n, const uint32_t *label_ids,
			const uint32_t *label_off, uint32_t nlabels, enum resample_mode mode,
			uint64_t seed, size_t *out_n);

struct trainer;
/* The trainer's hook: its train rows resampled by its resample and seed options. */
void resample_trainer_rows(struct trainer *t);

#endif
