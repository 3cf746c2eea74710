/*
 * journal-history.c - one record's edits, for people: the record detail
 * lists them, and the filter terms `edited` and `by=NAME` ask who changed
 * what. Read from the history in memory (the undo stack, oldest first,
 * then what was undone), so it is there without reading the file again.
 */
#include "journal-impl.h"

#include <stdio.h>
#include <string.h>

uint64_t journal_next_seq(const struct journal *j)
{
	return j->next_seq;
}

/* Does event e concern the record shown as id? */
static bool journal_event_is(const struct journal_event *e, const char *id, struct tt_buf *tmp)
{
	tt_buf_clear(tmp);
	edit_ref_format(&e->ref, tmp);
	return strcmp(tmp->data, id) == 0;
}

/* A value for one line: labels joined, text quoted and cut, else as stored. */
static void journal_value_brief(const char *json, struct tt_buf *out)
{
	json_t *v = json_loads(json != NULL ? json : "null", JSON_DECODE_ANY, NULL);

	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			tt_buf_printf(out, "%s%s", i ? "," : "",
				      json_string_value(json_array_get(v, i)) != NULL ?
				      json_string_value(json_array_get(v, i)) : "?");
		if (json_array_size(v) == 0)
			tt_buf_adds(out, "(none)");
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s), cut = n > 24 ? 21 : n;

		while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		tt_buf_printf(out, "\"%.*s%s\"", (int)cut, s, cut < n ? "..." : "");
	} else if (json_is_true(v)) {
		tt_buf_adds(out, "yes");
	} else if (json_is_false(v)) {
		tt_buf_adds(out, "no");
	} else {
		tt_buf_adds(out, "(none)");
	}
	json_decref(v);
}

static void journal_history_line(const struct journal *j, const struct journal_event *e,
				 bool undone, struct tt_buf *out)
{
	/* "2026-01-05T10:32:12.123Z" -> "2026-01-05 10:32" */
	tt_buf_printf(out, "#%llu %.10s %.5s %s %s ", (unsigned long long)e->seq,
		      e->time != NULL ? e->time : "", e->time != NULL && strlen(e->time) > 11 ?
		      e->time + 11 : "", journal_annotator_name(j, e->annotator),
		      edit_op_name(e->op));
	journal_value_brief(e->before, out);
	tt_buf_adds(out, " -> ");
	journal_value_brief(e->after, out);
	if (undone)
		tt_buf_adds(out, " (undone)");
	tt_buf_addc(out, '\n');
}

size_t journal_record_history(const struct journal *j, const char *id, struct tt_buf *out)
{
	const struct journal_stack *st[2] = { &j->done, &j->redo };
	struct tt_buf tmp;
	size_t n = 0;

	tt_buf_init(&tmp);
	for (int k = 0; k < 2; k++)
		for (size_t s = 0; s < st[k]->n; s++) {
			/* The redo stack's top (last) is the most recent undo: oldest edit first. */
			const struct journal_step *step = st[k]->s[k == 0 ? s : st[k]->n - 1 - s];

			for (size_t e = 0; e < step->n; e++)
				if (journal_event_is(&step->ev[e], id, &tmp)) {
					journal_history_line(j, &step->ev[e], k == 1, out);
					n++;
				}
		}
	tt_buf_fini(&tmp);
	return n;
}

bool journal_record_edited(const struct journal *j, const char *id, uint64_t since_seq,
			   const char *annotator)
{
	struct tt_buf tmp;
	bool found = false;

	tt_buf_init(&tmp);
	for (size_t s = 0; s < j->done.n && !found; s++) {
		const struct journal_step *step = j->done.s[s];

		for (size_t e = 0; e < step->n && !found; e++) {
			const struct journal_event *ev = &step->ev[e];

			found = ev->seq >= since_seq &&
				(annotator == NULL ||
				 strcmp(journal_annotator_name(j, ev->annotator), annotator) == 0) &&
				journal_event_is(ev, id, &tmp);
		}
	}
	tt_buf_fini(&tmp);
	return found;
}

void journal_each_event(const struct journal *j,
			void (*fn)(void *opaque, const struct journal_event *ev, const char *annotator),
			void *opaque)
{
	for (size_t s = 0; s < j->done.n; s++) {
		const struct journal_step *step = j->done.s[s];

		for (size_t e = 0; e < step->n; e++)
			fn(opaque, &step->ev[e], journal_annotator_name(j, step->ev[e].annotator));
	}
}

void journal_each_edit(const struct journal *j, uint64_t since_seq, const char *annotator,
		       void (*fn)(void *opaque, const struct edit_ref *ref), void *opaque)
{
	for (size_t s = 0; s < j->done.n; s++) {
		const struct journal_step *step = j->done.s[s];

		for (size_t e = 0; e < step->n; e++) {
			const struct journal_event *ev = &step->ev[e];

			if (ev->seq >= since_seq &&
			    (annotator == NULL ||
			     strcmp(journal_annotator_name(j, ev->annotator), annotator) == 0))
				fn(opaque, &ev->ref);
		}
	}
}
