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
#include <jansson.h>

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
	/* Ids naming several records (not from quality_compute: see quality_set_dup_ids). */
	size_t dup_ids;                /* such ids */
	size_t dup_id_records;         /* records beyond the first of each */
	char *dup_id_example;          /* "\"a\" (records 1, 3)", or NULL */
};

void quality_compute(const struct dataset *ds, struct quality_report *q);
void quality_fini(struct quality_report *q);
/*
 * Duplicate ids, which the edit index finds as it is built (edit.h), so
 * the report costs nothing more: ids, records and one example.
 */
void quality_set_dup_ids(struct quality_report *q, size_t ids, size_t records,
			 const char *example);

/* Human-readable report. */
void quality_format_text(const struct dataset *ds, const struct quality_report *q,
			 struct tt_buf *out);
/* One JSON object (stable keys; see tunetop.1); extra (stolen, may be NULL) as "findings". */
void quality_format_json(const struct dataset *ds, const struct quality_report *q,
			 json_t *extra, struct tt_buf *out);

#endif
