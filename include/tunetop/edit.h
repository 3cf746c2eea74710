/*
 * edit.h - what an annotator changes in a record, and how records are found.
 *
 * An edit sets one field of one record: its labels, the flagged, unsure or
 * deleted marks, its note or its text. Values are JSON, exactly as the
 * journal stores them as before/after:
 *
 *   labels    an array of label names (empty: unlabeled)
 *   flagged   true or false        unsure   true or false
 *   deleted   true or false        note     a string, or null for none
 *   text      a string
 *   split     "train", "valid", "test" or "none" (the move edit)
 *
 * Setting a field is idempotent (field := value), which is what lets the
 * journal be replayed over a file that already holds some of its edits.
 *
 * Records are referred to by their id field, or by their 1-based number
 * when they have none (struct edit_ref). Bulk edits pick records with a
 * filter: space-separated terms, all of which must hold (see filters).
 */
#ifndef TUNETOP_EDIT_H
#define TUNETOP_EDIT_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"
#include "tunetop/strmap.h"
#include "tunetop/util.h"

enum edit_op {
	EDIT_LABEL = 0,
	EDIT_UNLABEL,
	EDIT_FLAG,
	EDIT_UNFLAG,
	EDIT_UNSURE,
	EDIT_SURE,
	EDIT_NOTE,
	EDIT_TEXT,
	EDIT_DELETE,
	EDIT_UNDELETE,
	EDIT_MOVE,          /* to another split */
	EDIT_NOPS,
};

enum edit_field {
	EDIT_F_LABELS = 0,
	EDIT_F_FLAGGED,
	EDIT_F_UNSURE,
	EDIT_F_NOTE,
	EDIT_F_TEXT,
	EDIT_F_DELETED,
	EDIT_F_SPLIT,
	EDIT_NFIELDS,
};

const char *edit_op_name(enum edit_op op);
int edit_op_parse(const char *name, enum edit_op *out);
enum edit_field edit_op_field(enum edit_op op);
const char *edit_field_name(enum edit_field f);

/* The field's current value (a new reference). */
json_t *edit_get(const struct dataset *ds, size_t index, enum edit_field f);
/* NULL when v is a valid value for f, else what was expected. */
const char *edit_value_check(enum edit_field f, const json_t *v);
/*
 * field := v (v already checked). Marks the record dirty when the value
 * changed and returns 1, else 0. Label names not in the label set are
 * added to it; *new_labels (may be NULL) counts them.
 */
int edit_set(struct dataset *ds, size_t index, enum edit_field f, const json_t *v,
	     uint32_t *new_labels);

/* A record as the journal names it: id != NULL, else its 1-based number rec. */
struct edit_ref {
	char *id;
	uint64_t rec;
};
void edit_ref_fini(struct edit_ref *r);
/* The id as shown to people: the id, or the number. */
void edit_ref_format(const struct edit_ref *r, struct tt_buf *out);

/*
 * Explicit record ids to record indexes (the first record with an id wins
 * in the journal, which names the others by number). An empty id counts
 * as none. Ids that name several records are listed in dups (id -> how
 * many records), so an edit by such an id can be refused (edit_find).
 */
struct edit_index {
	struct strmap ids;
	struct strmap dups;
	size_t dup_ids;        /* ids naming more than one record */
	size_t dup_records;    /* records beyond the first of each such id */
	uint32_t dup_first;    /* a record repeating an earlier id (if dup_ids > 0) */
};
void edit_index_build(struct edit_index *x, const struct dataset *ds);
void edit_index_fini(struct edit_index *x);
/* The indexes of the records with this id (up to max in out); returns how many. */
size_t edit_index_records_of(const struct dataset *ds, const char *id, size_t len,
			     size_t *out, size_t max);
/*
 * The reference the journal uses for record index: its id when it has one
 * that names it alone, else its number.
 */
void edit_ref_of(const struct edit_index *x, const struct dataset *ds, size_t index,
		 struct edit_ref *out);
/* Resolve a journal reference; -1 when no such record. */
int edit_ref_find(const struct edit_index *x, const struct dataset *ds, const struct edit_ref *r,
		  size_t *index);
/*
 * Resolve an ID typed by a person: a record id, else the number of a
 * record without one; "@N" is always the N-th record. -1 + err if none,
 * or if the id names several records (the error lists them as @N).
 */
int edit_find(const struct edit_index *x, const struct dataset *ds, const char *word,
	      size_t *index, struct tt_err *err);

/* ---- filters ---- */

/*
 * A filter is space-separated terms, all of which must hold; deleted
 * records never match. The terms:
 *
 *   all                       every record
 *   label=NAME  label!=NAME   has (has not) NAME among its labels
 *   labeled  unlabeled        has some label, has none
 *   split=train|valid|test|none
 *   flag=flagged|unsure|none  flagged, unsure, neither (flagged, unsure alone too)
 *   text~/RE/  text~/RE/i     the text matches the extended regex (i: any case);
 *   text!~/RE/  note~/RE/     a term may hold spaces only inside /.../
 *   id=ID                     the record ID (or @N, the N-th record)
 *   edited                    changed (and not undone) since the data was opened
 *   by=NAME                   changed by annotator NAME (any time; with edited:
 *                             in this session); read from the journal through
 *                             struct edit_edits, so without it they match nothing
 *
 * and, on the live model's predictions (struct edit_preds):
 *
 *   pred=NAME  pred!=NAME     the predicted label is (is not) NAME
 *   conf=LO..HI               the prediction's probability is in [LO, HI];
 *                             a side may be left out: conf=..0.6, conf=0.9..
 *   conf<X conf<=X conf>X conf>=X
 *   correct  wrong            the predicted label is (is not) the record's
 *                             first label; unlabeled records are neither
 *
 * Numbers are probabilities, 0 to 1. A record without a prediction (or a
 * filter without a source, preds NULL) matches no prediction term, not
 * even pred!= or wrong.
 *
 * and, on the findings of `check` and of the label-error ranking (one
 * term kind, EDIT_T_FINDING, over a set of findings.h flags; through
 * struct edit_findings, so without one they match nothing):
 *
 *   dup                       its text repeats after normalization
 *   near-dup                  in a near-duplicate group (exact ones too)
 *   leak                      in a duplicate or near-duplicate group that
 *                             spans train and valid/test
 *   outlier  outlier=KIND     some outlier kind, or KIND: empty, short,
 *                             long, control, encoding, nonletter, unknown
 *   likely-error              flagged by the last label-error ranking
 *                             (confident learning, `label-errors`)
 */

/*
 * Where pred= and conf= terms find the live model's predictions: get()
 * gives record index's predicted label name and its probability (0), or
 * -1 when the record has no prediction (then pred/conf terms do not hold).
 * The workbench provides it while a trainer publishes (app->preds).
 */
struct edit_preds {
	int (*get)(void *opaque, size_t index, const char **label, float *conf);
	void *opaque;
};

/*
 * Where `edited` and `by=` terms ask the journal: edited() says whether
 * record index has an edit not undone, since the data was opened
 * (session) or ever, by annotator (NULL: anyone). app.c provides it.
 */
struct edit_edits {
	bool (*edited)(void *opaque, size_t index, bool session, const char *annotator);
	void *opaque;
};

/*
 * Where finding terms look: get() gives record index's findings.h flags
 * (FINDINGS_DUP ... FINDINGS_LIKELY_ERROR) and its outlier kinds in
 * *outlier. need is the flags the term asks about: the provider computes
 * only those (near duplicates for FINDINGS_NEAR and FINDINGS_LEAK, the
 * cheap checks for the others, nothing for likely-error, which reads the
 * last ranking). app-checks.c provides it (app->findings).
 */
struct edit_findings {
	unsigned (*get)(void *opaque, size_t index, unsigned need, unsigned *outlier);
	void *opaque;
};

enum edit_term_kind {
	EDIT_T_ALL,
	EDIT_T_LABEL,        /* label=NAME (any of a record's labels) */
	EDIT_T_NOT_LABEL,    /* label!=NAME */
	EDIT_T_UNLABELED,
	EDIT_T_LABELED,
	EDIT_T_SPLIT,        /* split=train|valid|test|none */
	EDIT_T_FLAGGED,      /* flag=flagged, flagged */
	EDIT_T_UNSURE,       /* flag=unsure, unsure */
	EDIT_T_UNFLAGGED,    /* flag=none: neither flagged nor unsure */
	EDIT_T_TEXT_RE,      /* text~/RE/ or text~/RE/i */
	EDIT_T_TEXT_NOT_RE,  /* text!~/RE/ */
	EDIT_T_NOTE_RE,      /* note~/RE/ */
	EDIT_T_ID,           /* id=ID */
	EDIT_T_PRED,         /* pred=NAME */
	EDIT_T_NOT_PRED,     /* pred!=NAME */
	EDIT_T_CONF,         /* conf=LO..HI, conf<X, conf<=X, conf>X, conf>=X */
	EDIT_T_CORRECT,      /* correct: predicted label == first label */
	EDIT_T_WRONG,        /* wrong: predicted label != first label */
	EDIT_T_EDITED,       /* edited: changed since the data was opened */
	EDIT_T_BY,           /* by=NAME: changed by annotator NAME */
	EDIT_T_FINDING,      /* dup, near-dup, leak, outlier, outlier=KIND, likely-error */
};

struct edit_term {
	enum edit_term_kind kind;
	uint32_t label;
	uint8_t split;
	size_t index;        /* EDIT_T_ID */
	regex_t re;
	bool has_re;
	char *name;          /* EDIT_T_PRED, EDIT_T_NOT_PRED: the label name */
	float lo, hi;        /* EDIT_T_CONF: the bounds... */
	bool lo_open, hi_open;   /* ...and whether they are excluded (conf>X, conf<X) */
	bool session;        /* EDIT_T_BY beside `edited`: in this session only */
	unsigned finding;    /* EDIT_T_FINDING: a findings.h flag... */
	unsigned outlier;    /* ...and, for outlier=KIND, the kinds */
};

struct edit_filter {
	struct edit_term *terms;
	size_t n;
	char *text;          /* the filter as given */
	/* The predictions prediction terms read; NULL after parse, set by the caller. */
	const struct edit_preds *preds;
	/* Who edited what, for edited and by=; NULL after parse, set by the caller. */
	const struct edit_edits *edits;
	/* The findings finding terms read; NULL after parse, set by the caller. */
	const struct edit_findings *findings;
};

/*
 * Parse "label=billing split=train text~/refund/i" (terms ANDed; a term
 * may itself contain spaces inside /.../). Errors name the bad term and
 * say what was expected.
 */
int edit_filter_parse(struct edit_filter *f, const struct dataset *ds,
		      const struct edit_index *x, const char *text, struct tt_err *err);
/* Deleted records never match. */
bool edit_filter_match(const struct edit_filter *f, const struct dataset *ds, size_t index);
/* Has f a pred=, pred!=, conf, correct or wrong term (does it need f->preds)? */
bool edit_filter_uses_preds(const struct edit_filter *f);
/* The findings.h flags f's finding terms ask about (0: none; f->findings unused). */
unsigned edit_filter_findings(const struct edit_filter *f);
void edit_filter_fini(struct edit_filter *f);

#endif
