/*
 * quality.h - the dataset health report behind `tunetop check` and `stats`:
 * counts per label and split, unlabeled and empty records, exact
 * duplicates, conflicting labels on identical texts, length statistics,
 * and warnings a practitioner should see.
 */
#ifndef TUNETOP_QUALITY_H
#define TUNETOP_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"
#include "tunetop/util.h"

struct quality_lengths {
	size_t min, max, median, p95;
	double mean;
};

struct quality_report {
	size_t records;          /* not deleted */
	size_t deleted;
	size_t labeled;
	size_t unlabeled;
	size_t empty;            /* text blank after trimming whitespace */
	size_t multi_labeled;    /* records with more than one label */
	size_t dup_records;      /* records whose exact text appeared earlier */
	size_t dup_groups;       /* distinct texts that appear more than once */
	size_t conflicts;        /* texts that appear with different labels */
	size_t per_split[DS_NSPLITS];
	size_t *per_label;             /* [nlabels] */
	size_t *per_label_split;       /* [nlabels * DS_NSPLITS] */
	uint32_t nlabels;
	struct quality_lengths chars;  /* in Unicode code points */
	struct quality_lengths words;  /* whitespace-separated */
	size_t bad;                    /* records skipped as bad at load */
};

void quality_compute(const struct dataset *ds, struct quality_report *q);
void quality_fini(struct quality_report *q);

/* Human-readable report. */
void quality_format_text(const struct dataset *ds, const struct quality_report *q,
			 struct tt_buf *out);
/* One JSON object (stable keys; see tunetop.1). */
void quality_format_json(const struct dataset *ds, const struct quality_report *q,
			 struct tt_buf *out);

#endif
