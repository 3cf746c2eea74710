/*
 * label-queue.h - the orders of the labeling queue as pure functions over
 * the records (and, for the orders that follow the model, a score per
 * record): file, unlabeled first, margin, entropy, seeded random,
 * uncertain (margin, spread over near-duplicate groups) and disagreements
 * (records whose annotators disagree first). The label pane
 * (cmd-ui-label.c) walks them; `tunetop queue` prints them headless.
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
	LABEL_ORDER_UNCERTAIN,		/* margin ascending, spread over near-duplicate groups */
	LABEL_ORDER_DISAGREEMENTS,	/* answers that disagree, not adjudicated, first (agree.h) */
	LABEL_ORDER_LIKELY_ERRORS,	/* label-error score descending; not ranked last */
	LABEL_ORDER_COUNT
};

/*
 * "file", "unlabeled", "margin", "entropy", "random", "uncertain",
 * "disagreements", "likely-errors".
 */
const char *label_order_name(enum label_order o);
/* A name above, or "least-confident" (margin), -> *out; -1 if unknown. */
int label_order_parse(const char *name, enum label_order *out);
/* margin, entropy and uncertain: the orders that follow the live predictions. */
bool label_order_uses_preds(enum label_order o);
/*
 * Sort the candidate records idx[0..k) (in file order) into order o.
 * score[record] (NaN: no prediction; may be NULL) is the margin for
 * LABEL_ORDER_MARGIN and LABEL_ORDER_UNCERTAIN (which label_queue_spread
 * then spreads), the entropy for LABEL_ORDER_ENTROPY, and for
 * LABEL_ORDER_DISAGREEMENTS 0 for a record to adjudicate (NaN: not), and the
 * label-error score (labelerr.h) for LABEL_ORDER_LIKELY_ERRORS. Ties, the
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

/* disagreements: the order that follows the annotators' answers. */
bool label_order_uses_answers(enum label_order o);
/* likely-errors: the order that follows the label-error ranking. */
bool label_order_uses_errors(enum label_order o);
/* Orders whose sorted queue label_queue_spread spreads over groups: uncertain. */
bool label_order_spreads(enum label_order o);

/* The window of label_queue_spread by default: no group twice in 32 records. */
#define LABEL_QUEUE_SPREAD 32

/*
 * Diversity. idx[start..k) is sorted best first; group[record] names each
 * record's near-duplicate group (any number; records of one group share
 * it). Reorder idx[start..k) greedily: the next record is the best one
 * whose group is not among the groups of the last `window` records (those
 * before start count too, so a re-ranked tail continues the head). When
 * every group left was among them, the least recently shown goes next.
 * So two records of one group are never next to each other unless no
 * other group has records left. Within a group the order is kept.
 * O(m log m) for m = k - start.
 */
void label_queue_spread(uint32_t *idx, size_t start, size_t k, const uint32_t *group,
			size_t window);

/*
 * The summary of one probability vector probs[0..n) the orders use:
 * *margin = top-1 minus top-2 probability (1 when n < 2), *entropy in nats.
 */
void label_queue_summarize(const float *probs, uint32_t n, float *margin, float *entropy);

#endif
