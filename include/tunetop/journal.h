/*
 * journal.h - the append-only edit journal: every edit is on disk (written
 * and fdatasync'ed) before it is reported saved; the journal is replayed
 * over the dataset file on load, so nothing typed is lost if tunetop is
 * killed before a save; undo and redo survive restarts and saves.
 *
 * The file is <data>.journal next to the dataset. Its format and the
 * undo design are described at the top of journal.c.
 */
#ifndef TUNETOP_JOURNAL_H
#define TUNETOP_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/dataset.h"
#include "tunetop/edit.h"
#include "tunetop/util.h"

struct journal;

/* One edit of one record, as journaled. Values are compact JSON text. */
struct journal_event {
	uint64_t seq;
	enum edit_op op;
	struct edit_ref ref;
	char *before;
	char *after;
	char *time;            /* ISO 8601 UTC, e.g. 2026-01-05T10:32:12.123Z */
	uint32_t annotator;    /* index into the journal's annotator names */
	char *suggestion;      /* the model's suggestion shown then, or NULL */
	double confidence;     /* its confidence, or NaN */
	char *adjudicates;     /* an adjudication: the answers it settled (compact JSON), or NULL */
};

/* An undo step: one edit, or every record of a bulk edit. */
struct journal_step {
	uint64_t id;           /* the seq of its first event */
	struct journal_event *ev;
	size_t n;
	size_t cap;
	size_t count;          /* events the step announced (a torn bulk has fewer) */
	uint64_t undo_seq;     /* the undo that put it on the redo stack */
	char *undo_time;
	uint32_t undo_annotator;
};

/* What the model showed when the edit was made (optional). */
struct journal_meta {
	const char *suggestion;  /* NULL: none */
	double confidence;       /* NaN: none */
	/*
	 * An adjudication: the answers the edit settles, compact JSON
	 * [{"annotator":NAME,"label":[LABEL...]}, ...], or NULL (see agree.h).
	 */
	const char *adjudicates;
};

/* One record to change in an edit step: its field := after. */
struct journal_change {
	size_t index;
	enum edit_op op;
	const json_t *after;
};

enum journal_flags {
	/* Replay even when the data file is not the one the journal was written for. */
	JOURNAL_TRUST_BASE = 1u << 0,
	/* Never write (replay only; edits fail). */
	JOURNAL_READ_ONLY = 1u << 1,
	/* Count replayed edits whose before value is not the record's (journal_mismatches). */
	JOURNAL_CHECK_BEFORE = 1u << 2,
	/*
	 * A journal that cannot be replayed whole never fails the open: its
	 * good prefix is replayed, and the journal is held (journal_held).
	 */
	JOURNAL_HOLD_BAD = 1u << 3,
};

/* "<data path>.journal" (heap). */
char *journal_path_for(const char *data_path);

/*
 * Open the journal of ds (loaded from ds->path) and replay it over ds.
 * A missing journal is an empty one (the file is created on the first
 * edit). A torn last line is dropped with a warning; any other bad line is
 * an error with file:line:column - or, under JOURNAL_HOLD_BAD, a warning
 * and a held journal. annotator: NULL for $USER.
 */
int journal_open(struct journal **out, struct dataset *ds, const char *annotator,
		 unsigned flags, struct tt_err *err);
/* The same over journal bytes in memory (tests, fuzzing); never writes. */
int journal_open_buffer(struct journal **out, const char *name, const char *data, size_t len,
			struct dataset *ds, unsigned flags, struct tt_err *err);
void journal_close(struct journal *j);
/*
 * Under JOURNAL_CHECK_BEFORE: replayed edits whose before value differed
 * from the record. 0 for a journal replayed over the file it was written
 * against; a compacted history over a saved file has some, harmlessly.
 */
size_t journal_mismatches(const struct journal *j);

/*
 * A held journal: one with a line that cannot be replayed (or a base that
 * is not the data file, or a file that cannot be read), opened under
 * JOURNAL_HOLD_BAD. ds holds the edits before that line; the file is left
 * exactly as it is, and every edit, undo, redo and journaled save is
 * refused, so nothing is appended after the bad line, where it would be
 * lost to the next replay too. journal_held: why (file:line:col: what), or
 * NULL when the journal is not held.
 */
const char *journal_held(const struct journal *j);
/*
 * Move a held journal aside, to "<journal>.aside-<UTC time>" (the person
 * keeps it untouched: its later lines can be repaired by hand), and start
 * a new journal holding the history that was replayed, so undo still
 * reaches the good edits. *aside: the new name (heap). -1 + err if the
 * journal is not held or cannot be moved; 1 + err if it was moved but the
 * new journal could not be written yet (retried before the next edit).
 */
int journal_set_aside(struct journal *j, char **aside, struct tt_err *err);

/* Warnings from the load (a torn line dropped...), "" if none. */
const char *journal_warnings(const struct journal *j);
const char *journal_path(const struct journal *j);
const struct edit_index *journal_index(const struct journal *j);
void journal_set_annotator(struct journal *j, const char *name);
const char *journal_annotator_name(const struct journal *j, uint32_t index);
/* How many annotator names the journal knows (its edits' and the current one). */
uint32_t journal_annotator_count(const struct journal *j);

/*
 * Make one undo step of n changes: append it durably, then apply it to ds.
 * On failure nothing changed. *step (may be NULL) is the step made.
 * *new_labels (may be NULL) counts label names added to the label set.
 */
int journal_edit(struct journal *j, struct dataset *ds, const struct journal_change *ch,
		 size_t n, const struct journal_meta *meta, const struct journal_step **step,
		 uint32_t *new_labels, struct tt_err *err);
/* Revert the last step / re-apply the last undone one. *seq: the marker's seq. */
int journal_undo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err);
int journal_redo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err);
size_t journal_undo_depth(const struct journal *j);
/*
 * The record (dataset index) the next undo (redo false) or redo changes
 * first, so a view can show it; -1 when there is none.
 */
long journal_step_record(const struct journal *j, const struct dataset *ds, bool redo);
size_t journal_redo_depth(const struct journal *j);

/* Records changed since the trainer last took the labels (start, reload-labels). */
size_t journal_pending(const struct journal *j);
void journal_pending_reset(struct journal *j);
void journal_pending_add(struct journal *j, size_t n);

/*
 * Save ds to its own file (in format fmt, DS_FMT_AUTO: its own) atomically,
 * then compact the journal. Records deleted in ds are gone from the file
 * afterwards: *removed says how many, and then the caller must reload the
 * dataset (record numbers changed). Returns -1 + err if the data was not
 * saved, 1 if it was saved but the journal could not be compacted (err
 * says why; retried before the next edit), 0 on success.
 */
int journal_save(struct journal *j, struct dataset *ds, enum ds_format_id fmt, size_t *removed,
		 struct tt_err *err);
/* Rewrite the journal in its compact form (atomically). */
int journal_compact(struct journal *j, struct tt_err *err);
/* The compact form: header, then the undo and redo history. */
void journal_serialize(const struct journal *j, struct tt_buf *out);

/* The last n lines of the journal file, one an event, for people. */
int journal_tail(const struct journal *j, size_t n, struct tt_buf *out, struct tt_err *err);

/*
 * Provenance of every edit in a journal (path: the journal, or its dataset)
 * as JSONL: seq, time, annotator, id, op, before, after, suggestion,
 * confidence; undo and redo as op "undo"/"redo" lines per record, naming
 * the seq they revert or repeat. *count: lines written.
 */
int journal_export_provenance(const char *path, const char *out_path, size_t *count,
			      struct tt_err *err);

/* ---- one record's history (journal-history.c) ---- */

/* The seq the next edit will get (edits from now on have seq >= it). */
uint64_t journal_next_seq(const struct journal *j);
/*
 * The edits of the record shown as id (edit_ref_format's form), oldest
 * first, one line each: "#SEQ DATE TIME ANNOTATOR OP BEFORE -> AFTER",
 * "(undone)" for those undone. Returns how many.
 */
size_t journal_record_history(const struct journal *j, const char *id, struct tt_buf *out);
/* Has the record an edit (not undone) with seq >= since_seq, by annotator (NULL: anyone)? */
bool journal_record_edited(const struct journal *j, const char *id, uint64_t since_seq,
			   const char *annotator);
/* fn for every edit not undone, oldest first, with its annotator's name. */
void journal_each_event(const struct journal *j,
			void (*fn)(void *opaque, const struct journal_event *ev, const char *annotator),
			void *opaque);
/* fn for every edit not undone with seq >= since_seq, by annotator (NULL: anyone). */
void journal_each_edit(const struct journal *j, uint64_t since_seq, const char *annotator,
		       void (*fn)(void *opaque, const struct edit_ref *ref), void *opaque);

#endif
