/*
 * findings.h - what `check` finds record by record, so each finding can be
 * listed with record ids (check --json) and opened as a filter term (dup,
 * near-dup, leak, outlier, outlier=KIND; edit.h):
 *
 *   duplicates   records whose text is the same after normalization
 *                (normtext.h: NFKC, case folding, whitespace collapsed);
 *   near dups    groups of neardup.h (opt-in: check --near-dups);
 *   leaks        a duplicate or near-duplicate group with records in train
 *                and in valid or test;
 *   outliers     empty text; very short (fewer than check_min_words
 *                words, or a modified z-score of the length in code points
 *                below -z); very long (above z; median and MAD, 0.6745
 *                (x - median) / MAD, z = check_outlier_z = 3.5 by default);
 *                control characters (other than tab and line breaks);
 *                encoding (U+FFFD, or UTF-8 read as Latin-1/CP1252 such
 *                as "Ã©" or "â€™": mixed encodings); mostly non-letter
 *                (under half of the non-space characters are letters,
 *                4 or more of them); unknown (opt-in: given the rates
 *                of unkrate.h under a model's vocabulary, a share of
 *                unknown words above check_max_unknown, 0.5 by default).
 *
 * Groups are listed most urgent first: labels that disagree, then leaks,
 * then larger groups, then file order.
 */
#ifndef TUNETOP_FINDINGS_H
#define TUNETOP_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/minhash.h"
#include "tunetop/quality.h"

enum findings_flag {
	FINDINGS_DUP = 1u << 0,
	FINDINGS_NEAR = 1u << 1,
	FINDINGS_LEAK = 1u << 2,
	FINDINGS_OUTLIER = 1u << 3,
	/*
	 * Not computed here: flagged by the last label-error ranking
	 * (labelerr.h). The filter term likely-error asks for it beside
	 * the others through one provider (edit.h's struct edit_findings).
	 */
	FINDINGS_LIKELY_ERROR = 1u << 4,
};

enum findings_outlier {
	FINDINGS_O_EMPTY = 1u << 0,
	FINDINGS_O_SHORT = 1u << 1,
	FINDINGS_O_LONG = 1u << 2,
	FINDINGS_O_CONTROL = 1u << 3,
	FINDINGS_O_ENCODING = 1u << 4,
	FINDINGS_O_NONLETTER = 1u << 5,
	FINDINGS_O_UNKNOWN = 1u << 6,
	FINDINGS_O_NKINDS = 7,
};

#define FINDINGS_NONE 0xffffffffu

struct findings_options {
	bool near;                    /* also near duplicates (costly) */
	struct minhash_params mh;
	int min_words;                /* fewer words: short */
	double z;                     /* modified z-score bound on length */
	long min_class;               /* warn: a class under this in a split */
	int threads;                  /* 0: as many as cores, at most 4 */
	/* [records] unknown-word rate under a model (NaN: none), or NULL: not checked */
	const float *unknown;
	const char *unknown_model;    /* the model those rates are under, for reports */
	double max_unknown;           /* a higher rate: outlier kind unknown */
};

/* Options from the config (check_* and neardup_*); -1 + err if inconsistent. */
int findings_options_from_cfg(const struct cfg *c, struct findings_options *o,
			      struct tt_err *err);

struct findings_group {
	uint32_t *members;            /* record indexes, file order */
	uint32_t n;
	bool disagree;                /* labeled members with different labels */
	bool leak;                    /* members in train and in valid or test */
};

struct findings_groups {
	struct findings_group *g;     /* most urgent first */
	uint32_t n;
	uint32_t *of;                 /* [records]: position in g, or FINDINGS_NONE */
	size_t records;               /* records in some group */
	size_t disagree, leak;        /* groups */
};

struct findings {
	size_t n;                     /* ds->n when computed */
	bool has_near;
	struct findings_options opt;
	uint8_t *flags;               /* [n] enum findings_flag */
	uint8_t *outlier;             /* [n] enum findings_outlier */
	struct findings_groups dups, nears;
	size_t outliers;              /* records with some outlier kind */
	size_t per_kind[FINDINGS_O_NKINDS];
	size_t median_chars;
	double mad_chars;             /* 0: every length within the MAD test */
	size_t leak_records;
	size_t near_compared;         /* candidate pairs estimated (neardup.h) */
	float *unknown;               /* [n] a copy of opt.unknown, or NULL: not checked */
	char *unknown_model;          /* a copy of opt.unknown_model, or NULL */
	double near_seconds;
};

void findings_compute(const struct dataset *ds, const struct findings_options *o,
		      struct findings *f);
void findings_fini(struct findings *f);

/* "empty", "short", ... for an outlier bit (one bit set); NULL if none. */
const char *findings_outlier_name(unsigned bit);
/* The bit of a kind name, 0 if unknown. */
unsigned findings_outlier_parse(const char *name);

/* The score: 0.6745 (chars - median) / MAD (0 when MAD is 0). */
double findings_length_z(const struct findings *f, size_t chars);

/* ---- output (findings-format.c) ---- */

/*
 * The text sections after the health report: duplicate and near-duplicate
 * groups (up to max_groups of each shown), leaks, outliers, class balance
 * per split, and the filter terms that open them.
 */
void findings_format_text(const struct dataset *ds, const struct quality_report *q,
			  const struct findings *f, int max_groups, struct tt_buf *out);
/* The "findings" object of check --json (a new reference). */
json_t *findings_json(const struct dataset *ds, const struct quality_report *q,
		      const struct findings *f);
/* A record as JSON names it: its id, or its 1-based number when it has none. */
json_t *findings_record_id(const struct dataset *ds, size_t index);

#endif
