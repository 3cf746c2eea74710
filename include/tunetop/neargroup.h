/*
 * neargroup.h - near-duplicate groups for the labeling queue's diversity:
 * a small MinHash with LSH over word 2-grams. Each record gets a group
 * number (the index of the first record of its group), so a queue can keep
 * the records of one group apart (label_queue_spread).
 *
 * A stopgap until the check's near-duplicate module (MinHash/LSH with its
 * own defaults) is on main; then the queue should take its groups.
 */
#ifndef TUNETOP_NEARGROUP_H
#define TUNETOP_NEARGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"

struct neargroup_opts {
	int bands;		/* LSH bands (default 16) */
	int rows;		/* MinHash values per band (default 4): bands * rows <= 128 */
	double threshold;	/* estimated Jaccard of word 2-gram sets to join (default 0.5) */
};

/* The defaults above. */
void neargroup_opts_default(struct neargroup_opts *o);

/*
 * group[i] for every record i of ds (room for ds->n): the smallest record
 * index of its group. Records join when they share an LSH bucket in some
 * band and their MinHash signatures agree on at least threshold of the
 * values (then transitively). Texts are cut into words (runs of letters
 * and digits, ASCII case folded; bytes >= 0x80 count as letters) and
 * shingled as word 2-grams (a one-word text: its word). An empty text is
 * a group of its own. Deterministic. O(n * (words + bands log n)).
 */
void neargroup_compute(const struct dataset *ds, const struct neargroup_opts *o,
		       uint32_t *group);

#endif
