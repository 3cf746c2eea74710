/*
 * journal-replay.c - replaying parsed journal lines over the dataset:
 * rebuilding the done and redo stacks, rolling back a bulk step torn at
 * the end of the file, checking which base the journal applies to (and
 * renumbering at the save marker that matches it), and the load that
 * parses, replays and repairs. The design is at the top of journal.c.
 */
#include "journal-impl.h"

#include <stdlib.h>
#include <string.h>

/* ---- replay ---- */

struct journal_replay {
	struct journal_step *open;   /* the step being read */
	size_t open_seen;            /* its events so far (dropped ones too) */
	uint64_t last_seq;
	uint64_t last_step;
};

/* The open step is complete: a new step clears the redo stack. */
static int journal_close_open(struct journal_load *ld, struct journal_replay *rp,
			      const struct journal_line *l)
{
	if (rp->open == NULL)
		return 0;
	if (rp->open_seen < rp->open->count)
		return journal_fail(ld, l, NULL, "step %llu announced %zu events but has %zu",
				    (unsigned long long)rp->open->id, rp->open->count, rp->open_seen);
	journal_stack_clear(&ld->j->redo);
	rp->open = NULL;
	return 0;
}

static int journal_fail_ref(struct journal_load *ld, const struct journal_line *l)
{
	struct tt_buf id;
	int rc;

	tt_buf_init(&id);
	edit_ref_format(&l->ev.ref, &id);
	rc = journal_fail(ld, l, l->ev.ref.id != NULL ? "id" : "rec", "no record %s%s in %s "
			  "(%zu records)", l->ev.ref.id != NULL ? "" : "number ", id.data,
			  ld->ds->path, ld->ds->n);
	tt_buf_fini(&id);
	return rc;
}

static int journal_replay_edit(struct journal_load *ld, struct journal_replay *rp,
			       struct journal_line *l)
{
	struct journal *j = ld->j;

	if (l->count > 0) {
		if (journal_close_open(ld, rp, l) != 0)
			return -1;
		if (l->step <= rp->last_step)
			return journal_fail(ld, l, "step", "step %llu is not after step %llu",
					    (unsigned long long)l->step, (unsigned long long)rp->last_step);
		rp->open = journal_step_new(l->step, l->count);
		rp->open_seen = 0;
		rp->last_step = l->step;
		journal_push(&j->done, rp->open);
	} else if (rp->open == NULL || rp->open->id != l->step) {
		return journal_fail(ld, l, "step", "event continues step %llu, which is not the "
				    "step being read", (unsigned long long)l->step);
	}
	rp->open_seen++;
	if (!l->dropped) {
		if (journal_apply(j, ld->ds, &l->ev, 1) != 0)
			return journal_fail_ref(ld, l);
		if (j->prov != NULL)
			journal_prov_line(j, &l->ev, edit_op_name(l->ev.op), l->seq, l->ev.time,
					  l->ev.annotator, 0);
		journal_step_add(rp->open, &l->ev);
	}
	if (rp->open_seen == rp->open->count)
		return journal_close_open(ld, rp, l);
	return 0;
}

static int journal_replay_undo(struct journal_load *ld, struct journal_replay *rp,
			       struct journal_line *l)
{
	struct journal *j = ld->j;
	int undo = l->kind == JL_UNDO;
	struct journal_stack *from = undo ? &j->done : &j->redo, *to = undo ? &j->redo : &j->done;
	struct journal_step *s;

	if (journal_close_open(ld, rp, l) != 0)
		return -1;
	s = journal_top(from);
	if (s == NULL || s->id != l->step)
		return journal_fail(ld, l, "step", "%s of step %llu, but the %s step is %s",
				    undo ? "undo" : "redo", (unsigned long long)l->step,
				    undo ? "last" : "last undone", s == NULL ? "none" : "another");
	journal_apply_step(j, ld->ds, s, !undo);
	journal_prov_step(j, s, undo ? "undo" : "redo", l->seq, l->time, l->annotator, undo);
	from->n--;
	journal_push(to, s);
	if (undo) {
		free(s->undo_time);
		s->undo_time = l->time;
		l->time = NULL;
		s->undo_seq = l->seq;
		s->undo_annotator = l->annotator;
	}
	return 0;
}

/*
 * A bulk step cut short: by a crash at the end of the file (warn: it is
 * dropped, and the file repaired), or by a line that cannot be replayed
 * (the journal is held; a step is all or nothing). Take it back.
 */
static void journal_rollback_open(struct journal_load *ld, struct journal_replay *rp, bool warn)
{
	struct journal *j = ld->j;
	struct journal_step *s = rp->open;

	journal_apply_step(j, ld->ds, s, 0);
	j->done.n--;
	if (warn)
		tt_buf_printf(&j->warnings, "%s: warning: dropped an incomplete bulk edit (step %llu, "
			      "%zu of %zu records written before tunetop stopped)\n", j->name,
			      (unsigned long long)s->id, rp->open_seen, s->count);
	journal_step_free(s);
	rp->open = NULL;
	ld->repair = ld->repair || warn;
}

/*
 * Replay the first n lines. torn: they end where the file was cut (a step
 * still open there was torn by a crash), not at a line that failed to parse.
 */
static int journal_replay(struct journal_load *ld, size_t n, bool torn, size_t effective_save)
{
	struct journal_replay rp;
	size_t i;
	int rc = 0;

	memset(&rp, 0, sizeof rp);
	for (i = 0; i < n && rc == 0; i++) {
		struct journal_line *l = &ld->lines[i];

		if (l->seq <= rp.last_seq) {
			rc = journal_fail(ld, l, "seq", "seq %llu is not above the previous %llu",
					  (unsigned long long)l->seq, (unsigned long long)rp.last_seq);
			break;
		}
		rp.last_seq = l->seq;
		if (l->kind == JL_EDIT) {
			rc = journal_replay_edit(ld, &rp, l);
		} else if (l->kind == JL_SAVE) {
			rc = journal_close_open(ld, &rp, l);
			if (rc == 0 && i == effective_save) {
				journal_prune_stack(&ld->j->done);
				journal_prune_stack(&ld->j->redo);
			}
		} else {
			rc = journal_replay_undo(ld, &rp, l);
		}
	}
	if (rp.open != NULL)
		journal_rollback_open(ld, &rp, rc == 0 && torn);
	if (rp.last_seq >= ld->j->next_seq)
		ld->j->next_seq = rp.last_seq + 1;
	return rc;
}

/* ---- the base ---- */

/* The save marker whose file is the base now, or (size_t)-1. */
static size_t journal_find_save(const struct journal_load *ld, uint64_t hash, uint64_t size)
{
	size_t i;

	for (i = ld->nlines; i-- > 0;) {
		const struct journal_line *l = &ld->lines[i];

		if (l->kind == JL_SAVE && l->hash == hash && l->size == size)
			return i;
	}
	return (size_t)-1;
}

static bool journal_has_edits(const struct journal_load *ld)
{
	size_t i;

	for (i = 0; i < ld->nlines; i++) {
		if (ld->lines[i].kind == JL_EDIT)
			return true;
	}
	return false;
}

/*
 * Which base the journal applies to. Returns the index of the save marker
 * to renumber at, (size_t)-1 for none, or -2 + err.
 */
static size_t journal_check_base(struct journal_load *ld, uint64_t hash, uint64_t size)
{
	struct journal *j = ld->j;
	size_t m, i;

	if ((j->flags & JOURNAL_TRUST_BASE) || ld->ds == NULL ||
	    (hash == j->base_hash && size == j->base_size))
		return (size_t)-1;
	m = journal_find_save(ld, j->base_hash, j->base_size);
	if (m != (size_t)-1) {
		for (i = 0; i < m; i++) {
			if (ld->lines[i].kind == JL_EDIT &&
			    !journal_removal_map(&ld->lines[m].rm, &ld->lines[i].ev.ref))
				ld->lines[i].dropped = true;
		}
		ld->repair = true;
		return m;
	}
	if (!journal_has_edits(ld)) {
		tt_buf_printf(&j->warnings, "%s: warning: %s changed since this journal was "
			      "written; it held no edits and starts afresh\n", j->name, ld->ds->path);
		for (i = 0; i < ld->nlines; i++)
			journal_line_fini(&ld->lines[i]);
		ld->nlines = 0;
		ld->repair = true;
		return (size_t)-1;
	}
	tt_err_set(ld->err, j->name, 0, 0, "%s changed since this journal was written (the "
		   "journal's edits could land on the wrong records): restore the file the journal "
		   "belongs to, or set the journal aside", ld->ds->path);
	return (size_t)-2;
}

/* ---- loading ---- */

/* Hold the journal: say which line cannot be replayed, and what happens now. */
void journal_hold(struct journal *j, struct dataset *ds, const struct tt_err *why)
{
	char msg[1200];

	tt_err_format(why, msg, sizeof msg);
	free(j->held);
	j->held = tt_xstrdup(msg);
	tt_buf_printf(&j->warnings, "%s\n%s: warning: the journal cannot be replayed %s: %s is "
		      "open with the edits before it (%zu undo steps), and the journal file is left "
		      "untouched. Edits are refused until it is set aside with 'journal set-aside' "
		      "(or fix the file by hand and load again)\n", msg, j->name,
		      why->line > 0 ? "past that line" : "at all",
		      ds != NULL && ds->path != NULL ? ds->path : "the data", j->done.n);
}

int journal_load_bytes(struct journal *j, struct dataset *ds, const char *data, size_t len,
		       struct tt_err *err)
{
	struct journal_load ld;
	struct tt_err bad;
	uint64_t hash = j->base_hash, size = j->base_size;
	size_t m = (size_t)-1, i;
	bool hold = (j->flags & JOURNAL_HOLD_BAD) != 0, parsed;
	int rc;

	memset(&ld, 0, sizeof ld);
	ld.j = j;
	ld.ds = ds;
	ld.data = data;
	ld.len = len;
	ld.err = err;
	rc = journal_parse_all(&ld, &hash, &size);
	parsed = rc == 0;
	bad = *err;
	if (!parsed && hold) {
		/* Held: the lines before the bad one are replayed, and nothing after. */
		for (i = ld.ngood; i < ld.nlines; i++)
			journal_line_fini(&ld.lines[i]);
		ld.nlines = ld.ngood;
		tt_err_clear(err);
		rc = 0;
	}
	if (rc == 0) {
		m = journal_check_base(&ld, hash, size);
		if (m == (size_t)-2) {
			/* Not this file's journal: its edits could land on the wrong records. */
			parsed = false;
			bad = *err;
			for (i = 0; i < ld.nlines; i++)
				journal_line_fini(&ld.lines[i]);
			ld.nlines = 0;
			m = (size_t)-1;
			rc = hold ? 0 : -1;
		}
	}
	if (rc == 0) {
		rc = journal_replay(&ld, ld.nlines, parsed, m);
		if (rc == 0 && !parsed) {
			*err = bad;
			rc = -1;
		}
	}
	for (i = 0; i < ld.nlines; i++)
		journal_line_fini(&ld.lines[i]);
	free(ld.lines);
	if (rc != 0 && !hold)
		return -1;
	j->file_len = len;
	if (rc != 0) {
		journal_hold(j, ds, err);
		tt_err_clear(err);
		return 0;
	}
	if (ld.repair && j->path != NULL && !(j->flags & JOURNAL_READ_ONLY) &&
	    journal_compact(j, err) != 0) {
		char msg[1200];

		tt_err_format(err, msg, sizeof msg);
		tt_buf_printf(&j->warnings, "%s: warning: could not repair the journal (%s); "
			      "edits are refused until it can be rewritten\n", j->name, msg);
		tt_err_clear(err);
	}
	return 0;
}
