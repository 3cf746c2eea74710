/*
 * label-queue.h - the orders of the labeling queue as pure functions over
 * the records (and, for the orders that follow the model, a score per
 * record): file, unlabeled first, margin, entropy, seeded random. The label
 * pane (cmd-ui-label.c) walks them; `tunetop queue` prints them headless.
 */
#ifndef TUNETOP_LABEL_QUEUE_H
#define TUNETOP_LABEL_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"

enum label_order {
	LABEL_ORDER_FILE,
	LABEL_ORDER_UNLABELED,		/* unlabeled first, then file order */
	LABEL_ORDER_MARGIN,		/* margin ascending; no prediction last */
	LABEL_ORDER_ENTROPY,		/* entropy descending; no prediction last */
	LABEL_ORDER_RANDOM,		/* shuffled with a seed */
	LABEL_ORDER_COUNT
};

/* "file", "unlabeled", "margin", "entropy", "random". */
const char *label_order_name(enum label_order o);
/* A name above, or "least-confident" (margin), -> *out; -1 if unknown. */
int label_order_parse(const char *name, enum label_order *out);
/* margin and entropy: the orders that follow the live predictions. */
bool label_order_uses_preds(enum label_order o);
/*
 * Sort the candidate records idx[0..k) (in file order) into order o.
 * score[record] (NaN: no prediction; may be NULL) is the margin for
 * LABEL_ORDER_MARGIN and the entropy for LABEL_ORDER_ENTROPY. Ties, the
 * records without a score and the file and unlabeled orders keep file order.
 */
void label_queue_sort(const struct ds_record *recs, uint32_t *idx, size_t k,
		      enum label_order o, uint64_t seed, const float *score);
/*
 * The queue of all records[0..n) that are not deleted, in order o, into
 * out (room for n). Returns the count.
 */
size_t label_queue_order(const struct ds_record *recs, size_t n, enum label_order o,
			 uint64_t seed, const float *score, uint32_t *out);

#endif
