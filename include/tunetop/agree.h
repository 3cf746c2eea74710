/*
 * agree.h - agreement between annotators: who answered what (from one or
 * more journals), Cohen's kappa for two annotators, Krippendorff's alpha
 * (nominal) for any number and for partial overlap, and the records where
 * the answers disagree, to adjudicate.
 *
 * An answer is an annotator's last label (or unlabel: no answer) of a
 * record in a journal, undone edits left out; the labels the data file
 * came with are nobody's answer. A record's value is its whole label set
 * (one label in single-label data; a multi-label set counts as one
 * category). An adjudication (an edit carrying "adjudicates", journal.h)
 * is no answer: it settles the record when it comes after the record's
 * last answer in that journal.
 */
#ifndef TUNETOP_AGREE_H
#define TUNETOP_AGREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"
#include "tunetop/journal.h"
#include "tunetop/strmap.h"
#include "tunetop/util.h"

/* Answers: units (records) x coders (annotators); value -1: no answer. */
struct agree_table {
	size_t nunits;
	uint32_t ncoders;
	char **coders;		/* [ncoders] names */
	uint32_t ncats;
	char **cats;		/* [ncats] label sets as compact JSON, ["billing"] */
	int32_t *value;		/* [nunits * ncoders] category, or -1 */
	uint64_t *last_answer;	/* [nunits] seq of the last answer (in its journal) */
	uint64_t *adjudicated;	/* [nunits] seq of the last adjudication + 1, or 0 */
	struct strmap coder_map, cat_map;
};

void agree_table_init(struct agree_table *t, size_t nunits);
void agree_table_fini(struct agree_table *t);
/* The index of coder name / category text (added when new). */
uint32_t agree_coder(struct agree_table *t, const char *name);
uint32_t agree_cat(struct agree_table *t, const char *label_set_json);
static inline int32_t agree_value(const struct agree_table *t, size_t unit, uint32_t coder)
{
	return t->value[unit * t->ncoders + coder];
}
/* Set one answer (cat -1: none). Coders added later start with none. */
void agree_set(struct agree_table *t, size_t unit, uint32_t coder, int32_t cat);
/* Add the answers and adjudications journaled in j (replayed over ds). */
void agree_add_journal(struct agree_table *t, const struct journal *j, const struct dataset *ds);

/* Answers on unit: how many, and do at least two differ? */
size_t agree_answers(const struct agree_table *t, size_t unit);
bool agree_disagrees(const struct agree_table *t, size_t unit);
/* An adjudication came after the unit's last answer. */
bool agree_settled(const struct agree_table *t, size_t unit);
/* The unit's answers as "adjudicates" JSON: [{"annotator":..,"label":[..]},...]. */
void agree_answers_json(const struct agree_table *t, size_t unit, struct tt_buf *out);
/* "ana billing · bob refund" for people (names and labels as they are: escape to print). */
void agree_answers_line(const struct agree_table *t, size_t unit, struct tt_buf *out);

/*
 * Cohen's kappa of an ncats x ncats table of counts (rows: coder A,
 * columns: coder B): (p_o - p_e) / (1 - p_e). NaN when there is no pair
 * or p_e is 1 (every answer one category: kappa is undefined).
 */
double agree_kappa(const uint64_t *table, uint32_t ncats);
/*
 * Krippendorff's alpha for nominal data over value[nunits * ncoders] (-1:
 * missing), categories 0..ncats-1: 1 - (n - 1) * sum_{c!=k} o_ck /
 * sum_{c!=k} n_c n_k from the coincidence matrix of the units with two or
 * more values. NaN when fewer than two pairable values or one category.
 * *pairable (may be NULL): the values in pairable units (n).
 */
double agree_alpha(const int32_t *value, size_t nunits, uint32_t ncoders, uint32_t ncats,
		   size_t *pairable);

/* The figures of a table, whole and per category. */
struct agree_label {
	double kappa;		/* two coders: category vs the rest; else NaN */
	double alpha;		/* category vs the rest, all coders */
	uint64_t *count;	/* [ncoders] answers with this category */
};

struct agree_report {
	uint32_t ncoders, ncats;
	size_t answered;	/* units with an answer */
	size_t pairable;	/* units with two or more answers */
	size_t both;		/* two coders: units both answered */
	size_t disagree;	/* pairable units whose answers differ */
	size_t settled;		/* of those, adjudicated */
	double kappa;		/* two coders; else NaN */
	double alpha;
	struct agree_label *label;	/* [ncats] */
};

void agree_report(const struct agree_table *t, struct agree_report *r);
void agree_report_fini(struct agree_report *r);

#endif
