/*
 * journal-parse.c - reading a journal's bytes: splitting them into lines
 * (a torn last line is dropped with a warning), the header, and every
 * event and marker parsed with jansson into a journal_line; anything else
 * that does not parse is an error with file:line:column. The format is
 * described at the top of journal.c.
 */
#include "journal-impl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	JOURNAL_MAX_COUNT = 100000000,
};

/* 1-based column of "key" in a journal line (1 if absent). */
static uint32_t journal_key_col(const char *line, size_t len, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof pat, "\"%s\"", key);
	p = memmem(line, len, pat, strlen(pat));
	return p != NULL ? tt_utf8_column(line, (size_t)(p - line)) : 1;
}

int journal_fail(struct journal_load *ld, const struct journal_line *l, const char *key,
		 const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(ld->err, ld->j->name, l->line,
		   key != NULL ? journal_key_col(l->text, l->len, key) : 1, "%s", msg);
	return -1;
}

/* An integer member >= min, or -1 + error. */
static int journal_get_uint(struct journal_load *ld, const struct journal_line *l, json_t *o,
			    const char *key, uint64_t min, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected an integer)", key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < min)
		return journal_fail(ld, l, key, "\"%s\" is not an integer >= %llu", key,
				    (unsigned long long)min);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int journal_get_str(struct journal_load *ld, const struct journal_line *l, json_t *o,
			   const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected a string)", key);
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return journal_fail(ld, l, key, "\"%s\" is not a string", key);
	*out = json_string_value(v);
	return 0;
}

static int journal_parse_hash(struct journal_load *ld, const struct journal_line *l, json_t *o,
			      uint64_t *out)
{
	const char *s;
	char *end;

	if (journal_get_str(ld, l, o, "xxh3", &s) != 0)
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 16);
	if (strlen(s) != 16 || *end != '\0' || errno != 0)
		return journal_fail(ld, l, "xxh3", "\"xxh3\" is not 16 hex digits");
	return 0;
}

static int journal_parse_header(struct journal_load *ld, struct journal_line *l, json_t *o,
				uint64_t *hash, uint64_t *size)
{
	uint64_t version, next;

	if (!json_is_object(o) || json_object_get(o, "tunetop_journal") == NULL)
		return journal_fail(ld, l, NULL, "not a tunetop journal (expected a header line "
				    "{\"tunetop_journal\":1,...})");
	if (journal_get_uint(ld, l, o, "tunetop_journal", 1, &version) != 0)
		return -1;
	if (version > JOURNAL_VERSION)
		return journal_fail(ld, l, "tunetop_journal", "journal version %llu is newer than "
				    "this tunetop reads (%d)", (unsigned long long)version,
				    JOURNAL_VERSION);
	if (journal_get_uint(ld, l, o, "size", 0, size) != 0 ||
	    journal_parse_hash(ld, l, o, hash) != 0 ||
	    journal_get_uint(ld, l, o, "next_seq", 1, &next) != 0)
		return -1;
	if (next > ld->j->next_seq)
		ld->j->next_seq = next;
	return 0;
}

static int journal_parse_value(struct journal_load *ld, struct journal_line *l, json_t *o,
			       const char *key, char **out)
{
	json_t *v = json_object_get(o, key);
	enum edit_field f = edit_op_field(l->ev.op);
	const char *why;

	if (v == NULL)
		return journal_fail(ld, l, NULL, "missing \"%s\" (expected the %s value)", key,
				    edit_field_name(f));
	why = edit_value_check(f, v);
	if (why != NULL)
		return journal_fail(ld, l, key, "\"%s\" of a %s event is not %s", key,
				    edit_op_name(l->ev.op), why);
	*out = journal_dump(v);
	return 0;
}

static int journal_parse_ref(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *id = json_object_get(o, "id");
	const char *s;

	if (id != NULL && json_object_get(o, "rec") != NULL)
		return journal_fail(ld, l, "rec", "both \"id\" and \"rec\" (expected one)");
	if (id == NULL)
		return journal_get_uint(ld, l, o, "rec", 1, &l->ev.ref.rec);
	if (journal_get_str(ld, l, o, "id", &s) != 0)
		return -1;
	if (s[0] == '\0')
		return journal_fail(ld, l, "id", "empty \"id\"");
	l->ev.ref.id = tt_xstrdup(s);
	return 0;
}

static int journal_parse_meta(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *s = json_object_get(o, "suggestion"), *c = json_object_get(o, "confidence"),
	       *a = json_object_get(o, "adjudicates");

	l->ev.confidence = NAN;
	if (s != NULL && !json_is_null(s)) {
		if (!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s))
			return journal_fail(ld, l, "suggestion", "\"suggestion\" is not a string");
		l->ev.suggestion = tt_xstrdup(json_string_value(s));
	}
	if (c != NULL && !json_is_null(c)) {
		if (!json_is_number(c) || !isfinite(json_number_value(c)))
			return journal_fail(ld, l, "confidence", "\"confidence\" is not a number");
		l->ev.confidence = json_number_value(c);
	}
	if (a != NULL && !json_is_null(a)) {
		char *enc = journal_dump(a);
		const char *why = journal_answers_check(enc);

		if (why != NULL) {
			free(enc);
			return journal_fail(ld, l, "adjudicates", "%s", why);
		}
		l->ev.adjudicates = enc;
	}
	return 0;
}

const char *journal_answers_check(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
	const char *why = NULL;
	size_t i, k;

	if (!json_is_array(v) || json_array_size(v) == 0)
		why = "expected a non-empty list of {\"annotator\": NAME, \"label\": [LABEL...]}";
	for (i = 0; why == NULL && i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i), *n = json_object_get(e, "annotator"),
		       *lab = json_object_get(e, "label");

		if (!json_is_object(e) || !json_is_string(n) || !json_is_array(lab))
			why = "expected each answer as {\"annotator\": NAME, \"label\": [LABEL...]}";
		for (k = 0; why == NULL && k < json_array_size(lab); k++) {
			if (!json_is_string(json_array_get(lab, k)))
				why = "expected the labels of an answer as strings";
		}
	}
	json_decref(v);
	return why;
}

/* "step" and "count": which step the event belongs to and whether it starts it. */
static int journal_parse_step(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	uint64_t count = 1;

	l->step = l->seq;
	if (json_object_get(o, "step") != NULL &&
	    journal_get_uint(ld, l, o, "step", 1, &l->step) != 0)
		return -1;
	if (l->step > l->seq)
		return journal_fail(ld, l, "step", "\"step\" %llu is after the event's seq %llu",
				    (unsigned long long)l->step, (unsigned long long)l->seq);
	if (json_object_get(o, "count") != NULL) {
		if (journal_get_uint(ld, l, o, "count", 1, &count) != 0)
			return -1;
		if (count > JOURNAL_MAX_COUNT)
			return journal_fail(ld, l, "count", "\"count\" is too large");
	} else if (json_object_get(o, "step") != NULL && l->step != l->seq) {
		count = 0;   /* continues a step */
	}
	l->count = (size_t)count;
	return 0;
}

static int journal_parse_edit(struct journal_load *ld, struct journal_line *l, json_t *o,
			      enum edit_op op)
{
	const char *time, *annotator;

	l->kind = JL_EDIT;
	l->ev.op = op;
	l->ev.seq = l->seq;
	if (journal_get_str(ld, l, o, "time", &time) != 0 ||
	    journal_get_str(ld, l, o, "annotator", &annotator) != 0)
		return -1;
	l->ev.time = tt_xstrdup(time);
	l->ev.annotator = journal_intern_annotator(ld->j, annotator);
	if (journal_parse_ref(ld, l, o) != 0 || journal_parse_value(ld, l, o, "before", &l->ev.before) != 0 ||
	    journal_parse_value(ld, l, o, "after", &l->ev.after) != 0 ||
	    journal_parse_meta(ld, l, o) != 0)
		return -1;
	return journal_parse_step(ld, l, o);
}

static int journal_parse_removed(struct journal_load *ld, struct journal_line *l, json_t *o)
{
	json_t *pos = json_object_get(o, "removed_pos"), *ids = json_object_get(o, "removed_id");
	size_t i;

	if (!json_is_array(pos) || !json_is_array(ids))
		return journal_fail(ld, l, pos == NULL ? "removed_id" : "removed_pos",
				    "expected arrays \"removed_pos\" and \"removed_id\"");
	journal_removal_init(&l->rm);
	l->rm.pos = tt_xcalloc(json_array_size(pos) + 1, sizeof *l->rm.pos);
	for (i = 0; i < json_array_size(pos); i++) {
		json_t *v = json_array_get(pos, i);

		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    (i > 0 && (uint64_t)json_integer_value(v) <= l->rm.pos[i - 1]))
			return journal_fail(ld, l, "removed_pos", "\"removed_pos\" is not an "
					    "increasing list of record numbers");
		l->rm.pos[l->rm.npos++] = (uint64_t)json_integer_value(v);
	}
	for (i = 0; i < json_array_size(ids); i++) {
		json_t *v = json_array_get(ids, i);

		if (!json_is_string(v))
			return journal_fail(ld, l, "removed_id", "\"removed_id\" is not a list of ids");
		strmap_put(&l->rm.ids, json_string_value(v), json_string_length(v), 1);
	}
	return 0;
}

static int journal_parse_marker(struct journal_load *ld, struct journal_line *l, json_t *o,
				const char *op)
{
	const char *time, *annotator;

	if (journal_get_str(ld, l, o, "time", &time) != 0 ||
	    journal_get_str(ld, l, o, "annotator", &annotator) != 0)
		return -1;
	l->time = tt_xstrdup(time);
	l->annotator = journal_intern_annotator(ld->j, annotator);
	if (strcmp(op, "save") == 0) {
		l->kind = JL_SAVE;
		if (journal_get_uint(ld, l, o, "size", 0, &l->size) != 0 ||
		    journal_parse_hash(ld, l, o, &l->hash) != 0)
			return -1;
		return journal_parse_removed(ld, l, o);
	}
	l->kind = strcmp(op, "undo") == 0 ? JL_UNDO : JL_REDO;
	return journal_get_uint(ld, l, o, "step", 1, &l->step);
}

static int journal_parse_line(struct journal_load *ld, struct journal_line *l)
{
	json_error_t je;
	json_t *o = json_loadb(l->text, l->len, JSON_REJECT_DUPLICATES, &je);
	const char *op;
	enum edit_op eop;
	int rc;

	if (o == NULL) {
		tt_err_set(ld->err, ld->j->name, l->line, je.column > 0 ? (uint32_t)je.column : 1,
			   "malformed JSON: %s", je.text);
		return -1;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return journal_fail(ld, l, NULL, "expected a JSON object (one event a line)");
	}
	rc = journal_get_uint(ld, l, o, "seq", 1, &l->seq);
	if (rc == 0)
		rc = journal_get_str(ld, l, o, "op", &op);
	if (rc == 0) {
		if (edit_op_parse(op, &eop) == 0)
			rc = journal_parse_edit(ld, l, o, eop);
		else if (strcmp(op, "undo") == 0 || strcmp(op, "redo") == 0 || strcmp(op, "save") == 0)
			rc = journal_parse_marker(ld, l, o, op);
		else
			rc = journal_fail(ld, l, "op", "unknown op '%s' (expected label, unlabel, flag, "
					  "unflag, unsure, sure, note, text, delete, undelete, undo, "
					  "redo or save)", op);
	}
	json_decref(o);
	return rc;
}

void journal_line_fini(struct journal_line *l)
{
	journal_event_fini(&l->ev);
	free(l->time);
	if (l->kind == JL_SAVE)
		journal_removal_fini(&l->rm);
}

static int journal_is_blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	}
	return 1;
}

/* Split into lines, parse the header and every event. */
int journal_parse_all(struct journal_load *ld, uint64_t *hash, uint64_t *size)
{
	size_t pos = 0;
	uint32_t lineno = 0;
	int have_header = 0;

	while (pos < ld->len) {
		const char *nl = memchr(ld->data + pos, '\n', ld->len - pos);
		struct journal_line l;
		json_t *o;
		json_error_t je;

		lineno++;
		if (nl == NULL) {
			tt_buf_printf(&ld->j->warnings, "%s:%u: warning: ignored an incomplete last "
				      "line (tunetop was stopped while writing it)\n", ld->j->name, lineno);
			ld->repair = true;
			break;
		}
		memset(&l, 0, sizeof l);
		l.text = ld->data + pos;
		l.len = (size_t)(nl - l.text);
		l.line = lineno;
		pos = (size_t)(nl - ld->data) + 1;
		if (journal_is_blank(l.text, l.len))
			continue;
		if (!have_header) {
			o = json_loadb(l.text, l.len, JSON_REJECT_DUPLICATES, &je);
			if (o == NULL) {
				tt_err_set(ld->err, ld->j->name, l.line, je.column > 0 ? (uint32_t)je.column : 1,
					   "malformed JSON: %s", je.text);
				return -1;
			}
			have_header = 1;
			if (journal_parse_header(ld, &l, o, hash, size) != 0) {
				json_decref(o);
				return -1;
			}
			json_decref(o);
			continue;
		}
		if (ld->nlines == ld->cap) {
			ld->cap = ld->cap ? ld->cap * 2 : 256;
			ld->lines = tt_xrealloc(ld->lines, ld->cap * sizeof *ld->lines);
		}
		ld->lines[ld->nlines] = l;
		if (journal_parse_line(ld, &ld->lines[ld->nlines]) != 0) {
			ld->nlines++;
			return -1;
		}
		ld->nlines++;
		ld->ngood = ld->nlines;
	}
	if (!have_header) {
		/* Nothing but blank or torn bytes: start the file again. */
		*hash = ld->j->base_hash;
		*size = ld->j->base_size;
		ld->repair = ld->repair || ld->len > 0;
	}
	return 0;
}

int journal_verify_lines(struct journal *j, const struct dataset *ds, const struct tt_buf *lines,
			 const struct journal_change *ch, size_t n, struct tt_err *err)
{
	struct journal_load ld;
	struct journal_line l;
	size_t pos = 0, i, index;
	int rc = 0;

	memset(&ld, 0, sizeof ld);
	ld.j = j;
	ld.err = err;
	for (i = 0; i < n && rc == 0; i++) {
		const char *nl = memchr(lines->data + pos, '\n', lines->len - pos);

		memset(&l, 0, sizeof l);
		l.text = lines->data + pos;
		l.len = nl != NULL ? (size_t)(nl - l.text) : lines->len - pos;
		l.line = (uint32_t)(i + 1);
		pos += l.len + 1;
		rc = journal_parse_line(&ld, &l);
		if (rc == 0 && (l.kind != JL_EDIT || edit_ref_find(&j->index, ds, &l.ev.ref, &index) != 0 ||
				index != ch[i].index))
			rc = journal_fail(&ld, &l, NULL, "the event would replay onto another record");
		journal_line_fini(&l);
	}
	if (rc != 0) {
		char why[600];

		snprintf(why, sizeof why, "%s", err->msg);
		tt_err_set(err, NULL, 0, 0, "refused before writing: the journal could not replay "
			   "this edit (%s)", why);
	}
	return rc;
}
