/*
 * journal-undo.c - undo steps and the done/redo stacks, applying events
 * to the dataset, and the operations that make and move steps:
 * journal_edit, journal_undo and journal_redo. The undo design is at the
 * top of journal.c.
 */
#include "journal-impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- steps and stacks ---- */

void journal_event_fini(struct journal_event *e)
{
	edit_ref_fini(&e->ref);
	free(e->before);
	free(e->after);
	free(e->time);
	free(e->suggestion);
	free(e->adjudicates);
	memset(e, 0, sizeof *e);
}

struct journal_step *journal_step_new(uint64_t id, size_t count)
{
	struct journal_step *s = tt_xcalloc(1, sizeof *s);

	s->id = id;
	s->count = count;
	return s;
}

void journal_step_free(struct journal_step *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		journal_event_fini(&s->ev[i]);
	free(s->ev);
	free(s->undo_time);
	free(s);
}

/* Moves *e into the step. */
void journal_step_add(struct journal_step *s, struct journal_event *e)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->ev = tt_xrealloc(s->ev, s->cap * sizeof *s->ev);
	}
	s->ev[s->n++] = *e;
	memset(e, 0, sizeof *e);
}

void journal_push(struct journal_stack *st, struct journal_step *s)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->s = tt_xrealloc(st->s, st->cap * sizeof *st->s);
	}
	st->s[st->n++] = s;
}

struct journal_step *journal_top(const struct journal_stack *st)
{
	return st->n > 0 ? st->s[st->n - 1] : NULL;
}

void journal_stack_clear(struct journal_stack *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		journal_step_free(st->s[i]);
	st->n = 0;
}

void journal_stack_fini(struct journal_stack *st)
{
	journal_stack_clear(st);
	free(st->s);
	memset(st, 0, sizeof *st);
}

/* ---- applying events to the dataset ---- */

static void journal_check_before(struct journal *j, const struct dataset *ds, size_t index,
				 const struct journal_event *e)
{
	json_t *cur = edit_get(ds, index, edit_op_field(e->op));
	json_t *before = json_loads(e->before, JSON_DECODE_ANY, NULL);

	if (!json_equal(cur, before))
		j->mismatches++;
	json_decref(cur);
	json_decref(before);
}

/* field := the event's before (use_after 0) or after value. -1 if no such record. */
int journal_apply(struct journal *j, struct dataset *ds, const struct journal_event *e,
		  int use_after)
{
	size_t index;
	json_t *v;

	if (ds == NULL)
		return 0;
	if (edit_ref_find(&j->index, ds, &e->ref, &index) != 0)
		return -1;
	if (use_after && (j->flags & JOURNAL_CHECK_BEFORE))
		journal_check_before(j, ds, index, e);
	v = json_loads(use_after ? e->after : e->before, JSON_DECODE_ANY, NULL);
	if (v == NULL)
		tt_fatal("journal: a stored value does not parse");
	edit_set(ds, index, edit_op_field(e->op), v, NULL);
	json_decref(v);
	return 0;
}

void journal_apply_step(struct journal *j, struct dataset *ds, const struct journal_step *s,
			int use_after)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		journal_apply(j, ds, &s->ev[use_after ? i : s->n - 1 - i], use_after);
}

/* ---- edits, undo, redo ---- */

static int journal_check_changes(const struct dataset *ds, const struct journal_change *ch,
				 size_t n, const struct journal_meta *meta, struct tt_err *err)
{
	const char *why, *what;
	size_t i;

	if (n == 0) {
		tt_err_set(err, NULL, 0, 0, "nothing to change");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (ch[i].index >= ds->n || (unsigned)ch[i].op >= EDIT_NOPS) {
			tt_err_set(err, NULL, 0, 0, "no record %zu", ch[i].index + 1);
			return -1;
		}
		why = edit_value_check(edit_op_field(ch[i].op), ch[i].after);
		if (why != NULL) {
			tt_err_set(err, NULL, 0, 0, "%s: expected %s", edit_op_name(ch[i].op), why);
			return -1;
		}
	}
	if (meta != NULL && meta->suggestion != NULL &&
	    tt_utf8_check(meta->suggestion, strlen(meta->suggestion), &what) >= 0) {
		tt_err_set(err, NULL, 0, 0, "suggestion: %s (expected UTF-8 text)", what);
		return -1;
	}
	if (meta != NULL && meta->adjudicates != NULL &&
	    (why = journal_answers_check(meta->adjudicates)) != NULL) {
		tt_err_set(err, NULL, 0, 0, "adjudicates: %s", why);
		return -1;
	}
	return 0;
}

static void journal_make_event(struct journal *j, const struct dataset *ds,
			       const struct journal_change *c, uint64_t seq, const char *time,
			       const struct journal_meta *meta, struct journal_event *e)
{
	json_t *before = edit_get(ds, c->index, edit_op_field(c->op));

	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->op = c->op;
	edit_ref_of(&j->index, ds, c->index, &e->ref);
	e->before = journal_dump(before);
	json_decref(before);
	e->after = journal_dump(c->after);
	e->time = tt_xstrdup(time);
	e->annotator = j->annotator;
	e->confidence = NAN;
	if (meta != NULL && meta->suggestion != NULL)
		e->suggestion = tt_xstrdup(meta->suggestion);
	if (meta != NULL && isfinite(meta->confidence))
		e->confidence = meta->confidence;
	if (meta != NULL && meta->adjudicates != NULL)
		e->adjudicates = tt_xstrdup(meta->adjudicates);
}

int journal_edit(struct journal *j, struct dataset *ds, const struct journal_change *ch,
		 size_t n, const struct journal_meta *meta, const struct journal_step **stepp,
		 uint32_t *new_labels, struct tt_err *err)
{
	struct journal_step *s;
	struct tt_buf lines;
	char now[64];
	size_t i;

	if (journal_check_changes(ds, ch, n, meta, err) != 0)
		return -1;
	journal_time_now(now, sizeof now);
	s = journal_step_new(j->next_seq, n);
	tt_buf_init(&lines);
	for (i = 0; i < n; i++) {
		struct journal_event e;

		journal_make_event(j, ds, &ch[i], j->next_seq + i, now, meta, &e);
		journal_step_add(s, &e);
	}
	for (i = 0; i < n; i++)
		journal_encode_event(j, &s->ev[i], s, i == 0, &lines);
	if (journal_verify_lines(j, ds, &lines, ch, n, err) != 0 ||
	    journal_append(j, &lines, err) != 0) {
		tt_buf_fini(&lines);
		journal_step_free(s);
		return -1;
	}
	tt_buf_fini(&lines);
	j->next_seq += n;
	for (i = 0; i < n; i++)
		edit_set(ds, ch[i].index, edit_op_field(ch[i].op), ch[i].after, new_labels);
	journal_stack_clear(&j->redo);
	journal_push(&j->done, s);
	j->pending += n;
	if (stepp != NULL)
		*stepp = s;
	return 0;
}

static int journal_undo_redo(struct journal *j, struct dataset *ds, int undo, uint64_t *seq,
			     const struct journal_step **stepp, struct tt_err *err)
{
	struct journal_stack *from = undo ? &j->done : &j->redo, *to = undo ? &j->redo : &j->done;
	struct journal_step *s = journal_top(from);
	struct tt_buf line;
	char now[64];

	if (s == NULL) {
		tt_err_set(err, NULL, 0, 0, "nothing to %s", undo ? "undo" : "redo");
		return -1;
	}
	journal_time_now(now, sizeof now);
	tt_buf_init(&line);
	journal_encode_marker(j, undo ? "undo" : "redo", j->next_seq, now, j->annotator, s->id,
			      &line);
	if (journal_append(j, &line, err) != 0) {
		tt_buf_fini(&line);
		return -1;
	}
	tt_buf_fini(&line);
	*seq = j->next_seq++;
	journal_apply_step(j, ds, s, !undo);
	from->n--;
	journal_push(to, s);
	if (undo) {
		free(s->undo_time);
		s->undo_time = tt_xstrdup(now);
		s->undo_seq = *seq;
		s->undo_annotator = j->annotator;
	}
	j->pending += s->n;
	if (stepp != NULL)
		*stepp = s;
	return 0;
}

int journal_undo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err)
{
	return journal_undo_redo(j, ds, 1, seq, step, err);
}

int journal_redo(struct journal *j, struct dataset *ds, uint64_t *seq,
		 const struct journal_step **step, struct tt_err *err)
{
	return journal_undo_redo(j, ds, 0, seq, step, err);
}

size_t journal_undo_depth(const struct journal *j)
{
	return j->done.n;
}

long journal_step_record(const struct journal *j, const struct dataset *ds, bool redo)
{
	const struct journal_step *s = journal_top(redo ? &j->redo : &j->done);
	size_t index;

	if (s == NULL || s->n == 0 || ds == NULL ||
	    edit_ref_find(&j->index, ds, &s->ev[0].ref, &index) != 0)
		return -1;
	return (long)index;
}

size_t journal_redo_depth(const struct journal *j)
{
	return j->redo.n;
}
