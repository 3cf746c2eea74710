/*
 * journal-impl.h - the journal's insides, shared by journal.c (the file,
 * the API), journal-parse.c (reading lines), journal-replay.c (replay and
 * load), journal-undo.c (steps, edit, undo, redo), journal-compact.c
 * (compaction, save) and journal-report.c (tail, provenance). Not for
 * other modules: use journal.h. The design is at the top of journal.c.
 */
#ifndef TUNETOP_JOURNAL_IMPL_H
#define TUNETOP_JOURNAL_IMPL_H

#include "tunetop/journal.h"
#include "tunetop/strmap.h"

enum {
	JOURNAL_VERSION = 1,
};

struct journal_stack {
	struct journal_step **s;
	size_t n;
	size_t cap;
};

/* Records a save removes: 1-based numbers (sorted) and the ids among them. */
struct journal_removal {
	uint64_t *pos;
	size_t npos;
	struct strmap ids;
};

struct journal {
	char *path;            /* NULL: in memory only */
	char *name;            /* for messages */
	char *data_name;       /* the dataset's file name, for the header */
	unsigned flags;
	int fd;                /* -1 until the first append */
	bool dir_synced;
	uint64_t file_len;     /* bytes of whole lines in the file */
	uint64_t base_hash;
	uint64_t base_size;
	uint64_t next_seq;
	struct journal_stack done;
	struct journal_stack redo;
	char **annotators;
	uint32_t nannotators;
	struct strmap annot_map;
	uint32_t annotator;
	struct edit_index index;
	size_t pending;
	size_t mismatches;     /* JOURNAL_CHECK_BEFORE */
	bool needs_compact;
	char *broken;          /* why appending is impossible, or NULL */
	char *held;            /* JOURNAL_HOLD_BAD: why the file is held, or NULL */
	struct tt_buf warnings;
	struct tt_buf *prov;   /* provenance output during an export replay */
};

/* ---- a load: the lines of a journal file, parsed ---- */

enum journal_line_kind {
	JL_EDIT,
	JL_UNDO,
	JL_REDO,
	JL_SAVE,
};

struct journal_line {
	enum journal_line_kind kind;
	const char *text;      /* in the loaded bytes, for error columns */
	size_t len;
	uint32_t line;
	uint64_t seq;
	uint64_t step;
	size_t count;          /* JL_EDIT: > 0 when it starts a step */
	struct journal_event ev;
	char *time;            /* markers */
	uint32_t annotator;
	uint64_t hash;         /* JL_SAVE */
	uint64_t size;
	struct journal_removal rm;
	bool dropped;
};

/* What a load works with. */
struct journal_load {
	struct journal *j;
	struct dataset *ds;
	const char *data;
	size_t len;
	struct journal_line *lines;
	size_t nlines;
	size_t cap;
	struct tt_err *err;
	bool repair;           /* rewrite the file when done */
	size_t ngood;          /* lines before the first that does not parse */
};

/* ---- journal.c: helpers, encoding, the file, open ---- */

void journal_time_now(char *out, size_t n);
/* s JSON-encoded (s must be valid UTF-8). */
void journal_put_str(struct tt_buf *b, const char *s);
char *journal_dump(const json_t *v);
uint32_t journal_intern_annotator(struct journal *j, const char *name);
void journal_encode_event(const struct journal *j, const struct journal_event *e,
			  const struct journal_step *s, int first, struct tt_buf *b);
void journal_encode_marker(const struct journal *j, const char *op, uint64_t seq,
			   const char *time, uint32_t annotator, uint64_t step,
			   struct tt_buf *b);
void journal_encode_header(const struct journal *j, struct tt_buf *b);
/* -1 + err when the journal is held (nothing may be written to it). */
int journal_refuse_held(const struct journal *j, struct tt_err *err);
/* Append whole lines durably (the header first into an empty file). */
int journal_append(struct journal *j, const struct tt_buf *lines, struct tt_err *err);
struct journal *journal_new(const char *path, const char *name, struct dataset *ds,
			    const char *annotator, unsigned flags);

/* ---- journal-parse.c ---- */

/* Why text is not a valid "adjudicates" value (a list of answers), or NULL. */
const char *journal_answers_check(const char *text);

/* An error at line l (at the column of "key", if not NULL). Returns -1. */
int journal_fail(struct journal_load *ld, const struct journal_line *l, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void journal_line_fini(struct journal_line *l);
/*
 * Split into lines, parse the header and every event. On a bad line: -1 +
 * err, with ld->ngood the lines parsed before it (ld->nlines may count the
 * bad one, for freeing).
 */
int journal_parse_all(struct journal_load *ld, uint64_t *hash, uint64_t *size);
/*
 * Parse the lines an edit is about to append, as a load would, and check
 * that event i names record ch[i].index: what is acknowledged must replay.
 */
int journal_verify_lines(struct journal *j, const struct dataset *ds, const struct tt_buf *lines,
			 const struct journal_change *ch, size_t n, struct tt_err *err);

/* ---- journal-replay.c ---- */

/* Hold j (JOURNAL_HOLD_BAD): why says what cannot be replayed; a warning tells people. */
void journal_hold(struct journal *j, struct dataset *ds, const struct tt_err *why);
/* Parse and replay journal bytes over ds (NULL: none); repair the file if needed. */
int journal_load_bytes(struct journal *j, struct dataset *ds, const char *data, size_t len,
		       struct tt_err *err);

/* ---- journal-undo.c: steps, stacks, applying events ---- */

void journal_event_fini(struct journal_event *e);
struct journal_step *journal_step_new(uint64_t id, size_t count);
void journal_step_free(struct journal_step *s);
/* Moves *e into the step. */
void journal_step_add(struct journal_step *s, struct journal_event *e);
void journal_push(struct journal_stack *st, struct journal_step *s);
struct journal_step *journal_top(const struct journal_stack *st);
void journal_stack_clear(struct journal_stack *st);
void journal_stack_fini(struct journal_stack *st);
/* field := the event's before (use_after 0) or after value. -1 if no such record. */
int journal_apply(struct journal *j, struct dataset *ds, const struct journal_event *e,
		  int use_after);
void journal_apply_step(struct journal *j, struct dataset *ds, const struct journal_step *s,
			int use_after);

/* ---- journal-compact.c: removal ---- */

void journal_removal_init(struct journal_removal *rm);
void journal_removal_fini(struct journal_removal *rm);
/* Maps ref to its number after the removal; 0 if its record was removed. */
int journal_removal_map(const struct journal_removal *rm, struct edit_ref *ref);
/* Drops the steps left without events. */
void journal_prune_stack(struct journal_stack *st);

/* ---- journal-report.c: provenance lines (during an export replay) ---- */

void journal_prov_line(struct journal *j, const struct journal_event *e, const char *op,
		       uint64_t seq, const char *time, uint32_t annotator, int reverse);
void journal_prov_step(struct journal *j, const struct journal_step *s, const char *op,
		       uint64_t seq, const char *time, uint32_t annotator, int reverse);

#endif
