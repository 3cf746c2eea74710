/*
 * neardup.h - near-duplicate groups of a dataset's records: MinHash
 * signatures, LSH candidates, each candidate pair verified on its
 * estimated Jaccard similarity, and union-find to close the groups.
 *
 * neardup_groups() is the API other checks and queues use: one group
 * number per record (NEARDUP_NONE for a record alone, deleted, or empty
 * after normalization). Groups are numbered 0.. in the order of their
 * first record. Membership is transitive (A~B and B~C put A, B, C in one
 * group even when A and C differ more than the threshold).
 */
#ifndef TUNETOP_NEARDUP_H
#define TUNETOP_NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/minhash.h"

#define NEARDUP_NONE 0xffffffffu

struct neardup_result {
	size_t n;               /* ds->n when computed */
	uint32_t *group;        /* [n] group number or NEARDUP_NONE */
	uint32_t ngroups;
	size_t grouped;         /* records in some group */
	size_t compared;        /* candidate pairs whose similarity was estimated */
	size_t joined;          /* pairs at or above the threshold (unions) */
};

/*
 * Group ds's records; threads 0: as many as cores (at most 4). Returns 0;
 * the result is freed with neardup_result_fini.
 */
int neardup_groups(const struct dataset *ds, const struct minhash_params *p, int threads,
		   struct neardup_result *out);
void neardup_result_fini(struct neardup_result *r);

/* The configured parameters (neardup_shingle, _perm, _threshold, _bands); -1 + err if bad. */
int neardup_params_from_cfg(const struct cfg *c, struct minhash_params *p, struct tt_err *err);

/*
 * group[i] for every record i of ds (room for ds->n), for the labeling
 * queue's spread (label_queue_spread): the number of its near-duplicate
 * group from neardup_groups, or a number of its own (ngroups + i) for a
 * record in no group, so two records share a number exactly when they are
 * in one group. Returns the number of groups of two or more.
 */
uint32_t neardup_group_ids(const struct dataset *ds, const struct minhash_params *p, int threads,
			   uint32_t *group);

#endif
