/*
 * app-edited.c - which records were edited, and by whom, for the filter
 * terms `edited` and `by=NAME` (edit.h's struct edit_edits). The answer
 * for one question (this session or ever, which annotator) is a map over
 * the records, built once from the journal's history and rebuilt when the
 * journal moves on or the question changes, so a filter over a million
 * records asks the journal once.
 */
#include "tunetop/app.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/journal.h"

static void app_edited_mark(void *opaque, const struct edit_ref *ref)
{
	struct app *a = opaque;
	size_t i;

	if (edit_ref_find(journal_index(a->journal), &a->ds, ref, &i) == 0 && i < a->edited.n)
		a->edited.map[i] = 1;
}

static void app_edited_build(struct app *a, bool session, const char *by)
{
	struct app_edited *c = &a->edited;

	free(c->map);
	free(c->by);
	c->n = a->ds.n;
	c->map = tt_xcalloc(c->n + 1, 1);
	c->seq = journal_next_seq(a->journal);
	c->undo = journal_undo_depth(a->journal);
	c->session = session;
	c->by = by != NULL ? tt_xstrdup(by) : NULL;
	c->valid = true;
	journal_each_edit(a->journal, session ? a->session_seq : 0, by, app_edited_mark, a);
}

static bool app_edited_get(void *opaque, size_t index, bool session, const char *by)
{
	struct app *a = opaque;
	struct app_edited *c = &a->edited;

	if (a->journal == NULL)
		return false;
	if (!c->valid || c->n != a->ds.n || c->seq != journal_next_seq(a->journal) ||
	    c->undo != journal_undo_depth(a->journal) || c->session != session ||
	    (c->by == NULL) != (by == NULL) || (by != NULL && strcmp(c->by, by) != 0))
		app_edited_build(a, session, by);
	return index < c->n && c->map[index] != 0;
}

void app_edited_attach(struct app *a)
{
	a->edits.edited = app_edited_get;
	a->edits.opaque = a;
}

void app_edited_reset(struct app *a)
{
	free(a->edited.map);
	free(a->edited.by);
	memset(&a->edited, 0, sizeof a->edited);
	a->session_seq = a->journal != NULL ? journal_next_seq(a->journal) : 0;
}
