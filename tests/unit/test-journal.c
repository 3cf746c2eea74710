/*
 * test-journal.c - the edit journal on real files: append and replay,
 * undo and redo across restarts, bulk steps, compaction on save (with the
 * undo history kept), saves that drop deleted records, recovery from a
 * crash between the data save and the compaction, a torn last line, an
 * incomplete bulk step, malformed lines with line:column, a changed data
 * file, the lock, pending counts and provenance export.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "tunetop/app.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/journal.h"

static const char base_data[] =
	"{\"id\":\"a\",\"text\":\"card charged twice\",\"label\":\"billing\",\"extra\":1}\n"
	"{\"id\":\"b\",\"text\":\"cannot log in\",\"label\":\"access\"}\n"
	"{\"text\":\"no id, record 3\",\"label\":null}\n"
	"{\"text\":\"no id, record 4\",\"label\":\"billing\"}\n"
	"{\"id\":\"e\",\"text\":\"late fee\",\"label\":\"billing\"}\n";

struct fx {
	char dir[64];
	char data[128];
	char jpath[160];
	struct dataset ds;
	struct journal *j;
};

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void write_text(const char *path, const char *text)
{
	write_file(path, text, strlen(text));
}

static char *read_all(const char *path, size_t *len)
{
	char *data;
	size_t n;
	struct tt_err err;

	if (tt_read_file(path, &data, &n, &err) != 0)
		return NULL;
	if (len != NULL)
		*len = n;
	return data;
}

static void append_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load the data and its journal; returns the journal_open status. */
static int fx_open(struct fx *fx, struct tt_err *err)
{
	struct ds_options o;

	ds_options_default(&o);
	tt_err_clear(err);
	assert_int_equal(dataset_load(&fx->ds, fx->data, &o, err), 0);
	return journal_open(&fx->j, &fx->ds, "tester", 0, err);
}

static void fx_open_ok(struct fx *fx)
{
	struct tt_err err;

	if (fx_open(fx, &err) != 0)
		fail_msg("journal_open: %u:%u: %s", err.line, err.col, err.msg);
}

static void fx_close(struct fx *fx)
{
	journal_close(fx->j);
	fx->j = NULL;
	dataset_fini(&fx->ds);
}

static void fx_restart(struct fx *fx)
{
	fx_close(fx);
	fx_open_ok(fx);
}

static int setup(void **state)
{
	struct fx *fx = tt_xcalloc(1, sizeof *fx);

	strcpy(fx->dir, "/tmp/tunetop-journal.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->data, sizeof fx->data, "%s/d.jsonl", fx->dir);
	snprintf(fx->jpath, sizeof fx->jpath, "%s.journal", fx->data);
	write_file(fx->data, base_data, sizeof base_data - 1);
	fx_open_ok(fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[128];

	fx_close(fx);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static size_t rec(struct fx *fx, const char *id)
{
	size_t i;
	struct tt_err err;

	assert_int_equal(edit_find(journal_index(fx->j), &fx->ds, id, &i, &err), 0);
	return i;
}

static void edit1(struct fx *fx, const char *id, enum edit_op op, const char *json)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	struct journal_change c = { rec(fx, id), op, v };
	struct tt_err err;

	tt_err_clear(&err);
	if (journal_edit(fx->j, &fx->ds, &c, 1, NULL, NULL, NULL, &err) != 0)
		fail_msg("journal_edit: %s", err.msg);
	json_decref(v);
}

static void assert_field(struct fx *fx, const char *id, enum edit_field f, const char *want)
{
	json_t *v = edit_get(&fx->ds, rec(fx, id), f);
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (strcmp(s, want) != 0)
		fail_msg("record %s %s is %s, want %s", id, edit_field_name(f), s, want);
	free(s);
	json_decref(v);
}

static void undo(struct fx *fx)
{
	uint64_t seq;
	struct tt_err err;

	if (journal_undo(fx->j, &fx->ds, &seq, NULL, &err) != 0)
		fail_msg("undo: %s", err.msg);
}

static void redo(struct fx *fx)
{
	uint64_t seq;
	struct tt_err err;

	if (journal_redo(fx->j, &fx->ds, &seq, NULL, &err) != 0)
		fail_msg("redo: %s", err.msg);
}

static size_t count_lines(const char *path)
{
	char *d = read_all(path, NULL);
	size_t n = 0;
	const char *p;

	if (d == NULL)
		return 0;
	for (p = d; *p != '\0'; p++)
		n += *p == '\n';
	free(d);
	return n;
}

static void test_append_replay(void **state)
{
	struct fx *fx = *state;
	char *j;

	assert_int_equal(access(fx->jpath, F_OK), -1);      /* created on the first edit */
	edit1(fx, "a", EDIT_LABEL, "[\"refund\"]");
	edit1(fx, "3", EDIT_LABEL, "[\"access\",\"billing\"]");
	edit1(fx, "b", EDIT_FLAG, "true");
	edit1(fx, "e", EDIT_NOTE, "\"check the fee\"");
	edit1(fx, "4", EDIT_TEXT, "\"record four, edited\"");
	assert_int_equal(count_lines(fx->jpath), 6);        /* header + 5 */
	j = read_all(fx->jpath, NULL);
	assert_non_null(strstr(j, "\"tunetop_journal\":1"));
	assert_non_null(strstr(j, "\"seq\":1,\"time\":\""));
	assert_non_null(strstr(j, "\"annotator\":\"tester\",\"id\":\"a\",\"op\":\"label\","
				  "\"before\":[\"billing\"],\"after\":[\"refund\"]"));
	assert_non_null(strstr(j, "\"rec\":3,\"op\":\"label\",\"before\":[]"));
	free(j);
	assert_int_equal(journal_pending(fx->j), 5);

	fx_restart(fx);                                     /* killed before a save */
	assert_field(fx, "a", EDIT_F_LABELS, "[\"refund\"]");
	assert_field(fx, "3", EDIT_F_LABELS, "[\"access\",\"billing\"]");
	assert_field(fx, "b", EDIT_F_FLAGGED, "true");
	assert_field(fx, "e", EDIT_F_NOTE, "\"check the fee\"");
	assert_field(fx, "4", EDIT_F_TEXT, "\"record four, edited\"");
	assert_true(fx->ds.recs[0].flags & DS_FLAG_DIRTY);
	assert_int_equal(journal_undo_depth(fx->j), 5);
	assert_string_equal(journal_warnings(fx->j), "");
	edit1(fx, "a", EDIT_UNLABEL, "[]");                 /* seqs go on */
	j = read_all(fx->jpath, NULL);
	assert_non_null(strstr(j, "{\"seq\":6,"));
	free(j);
}

static void test_meta(void **state)
{
	struct fx *fx = *state;
	json_t *v = json_loads("[\"billing\"]", 0, NULL);
	struct journal_change c = { rec(fx, "b"), EDIT_LABEL, v };
	struct journal_meta m = { "billing", 0.875, NULL };
	const struct journal_step *s;
	struct tt_err err;
	char *j;

	assert_int_equal(journal_edit(fx->j, &fx->ds, &c, 1, &m, &s, NULL, &err), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->ev[0].suggestion, "billing");
	assert_true(fabs(s->ev[0].confidence - 0.875) < 1e-9);
	j = read_all(fx->jpath, NULL);
	assert_non_null(strstr(j, "\"suggestion\":\"billing\",\"confidence\":0.875}"));
	free(j);
	json_decref(v);
	fx_restart(fx);
	assert_field(fx, "b", EDIT_F_LABELS, "[\"billing\"]");
}

static void test_undo_redo_restart(void **state)
{
	struct fx *fx = *state;
	struct tt_err err;
	uint64_t seq;

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "a", EDIT_LABEL, "[\"y\"]");
	edit1(fx, "b", EDIT_DELETE, "true");
	undo(fx);
	undo(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
	assert_field(fx, "b", EDIT_F_DELETED, "false");
	fx_restart(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
	assert_field(fx, "b", EDIT_F_DELETED, "false");
	assert_int_equal(journal_undo_depth(fx->j), 1);
	assert_int_equal(journal_redo_depth(fx->j), 2);
	redo(fx);
	fx_restart(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"y\"]");
	assert_int_equal(journal_redo_depth(fx->j), 1);
	/* A new edit after undo clears the redo stack, also after a restart. */
	edit1(fx, "e", EDIT_FLAG, "true");
	assert_int_equal(journal_redo_depth(fx->j), 0);
	fx_restart(fx);
	assert_int_equal(journal_redo_depth(fx->j), 0);
	assert_int_equal(journal_redo(fx->j, &fx->ds, &seq, NULL, &err), -1);
	assert_string_equal(err.msg, "nothing to redo");
	undo(fx);
	undo(fx);
	undo(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"billing\"]");
	assert_int_equal(journal_undo(fx->j, &fx->ds, &seq, NULL, &err), -1);
	assert_string_equal(err.msg, "nothing to undo");
}

static void test_bulk_one_step(void **state)
{
	struct fx *fx = *state;
	json_t *v = json_loads("[\"refund\"]", 0, NULL);
	struct journal_change c[3] = {
		{ rec(fx, "a"), EDIT_LABEL, v }, { rec(fx, "b"), EDIT_LABEL, v },
		{ rec(fx, "3"), EDIT_LABEL, v },
	};
	const struct journal_step *s;
	struct tt_err err;
	uint32_t nl = 0;
	char *j;

	edit1(fx, "e", EDIT_FLAG, "true");
	assert_int_equal(journal_edit(fx->j, &fx->ds, c, 3, NULL, &s, &nl, &err), 0);
	assert_int_equal(nl, 1);
	assert_int_equal(s->id, 2);
	j = read_all(fx->jpath, NULL);
	assert_non_null(strstr(j, "\"step\":2,\"count\":3}"));
	assert_non_null(strstr(j, "{\"seq\":4,"));
	free(j);
	fx_restart(fx);
	assert_field(fx, "3", EDIT_F_LABELS, "[\"refund\"]");
	assert_int_equal(journal_undo_depth(fx->j), 2);
	undo(fx);                                           /* the whole bulk edit */
	assert_field(fx, "a", EDIT_F_LABELS, "[\"billing\"]");
	assert_field(fx, "b", EDIT_F_LABELS, "[\"access\"]");
	assert_field(fx, "3", EDIT_F_LABELS, "[]");
	assert_field(fx, "e", EDIT_F_FLAGGED, "true");
	fx_restart(fx);
	assert_field(fx, "b", EDIT_F_LABELS, "[\"access\"]");
	redo(fx);
	assert_field(fx, "b", EDIT_F_LABELS, "[\"refund\"]");
	json_decref(v);
}

static void save(struct fx *fx, size_t want_removed)
{
	struct tt_err err;
	size_t removed;
	int rc;

	tt_err_clear(&err);
	rc = journal_save(fx->j, &fx->ds, DS_FMT_AUTO, &removed, &err);
	if (rc != 0)
		fail_msg("journal_save: %d %s", rc, err.msg);
	assert_int_equal(removed, want_removed);
}

static void test_save_compacts_keeps_undo(void **state)
{
	struct fx *fx = *state;
	char *d, *j;

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "b", EDIT_LABEL, "[\"y\"]");
	undo(fx);
	redo(fx);
	edit1(fx, "e", EDIT_FLAG, "true");
	undo(fx);                                           /* e's flag is on the redo stack */
	edit1(fx, "3", EDIT_NOTE, "\"n\"");                 /* ...and gone */
	undo(fx);
	assert_int_equal(count_lines(fx->jpath), 9);
	save(fx, 0);
	d = read_all(fx->data, NULL);
	assert_non_null(strstr(d, "{\"id\":\"a\",\"text\":\"card charged twice\",\"label\":\"x\",\"extra\":1}\n"));
	assert_non_null(strstr(d, "\"label\":\"y\""));
	free(d);
	/* header, 3 events (a, b; note on 3 undone), 1 undo marker */
	assert_int_equal(count_lines(fx->jpath), 5);
	j = read_all(fx->jpath, NULL);
	assert_null(strstr(j, "\"op\":\"redo\""));
	assert_null(strstr(j, "\"op\":\"save\""));
	assert_null(strstr(j, "\"op\":\"flag\""));
	assert_non_null(strstr(j, "\"next_seq\":10"));
	free(j);
	fx_restart(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
	assert_field(fx, "3", EDIT_F_NOTE, "null");
	assert_int_equal(journal_undo_depth(fx->j), 2);
	assert_int_equal(journal_redo_depth(fx->j), 1);
	undo(fx);                                           /* undo survives the save */
	undo(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"billing\"]");
	assert_field(fx, "b", EDIT_F_LABELS, "[\"access\"]");
	fx_restart(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"billing\"]");
	save(fx, 0);
	d = read_all(fx->data, NULL);
	assert_string_equal(d, base_data);                  /* back byte for byte */
	free(d);
	edit1(fx, "a", EDIT_LABEL, "[\"z\"]");
	j = read_all(fx->jpath, NULL);
	assert_non_null(strstr(j, "{\"seq\":13,"));         /* no seq is reused */
	free(j);
}

static void test_flags_survive_save(void **state)
{
	struct fx *fx = *state;

	/* The JSONL reader does not read flags and notes back: the journal does. */
	edit1(fx, "b", EDIT_FLAG, "true");
	edit1(fx, "b", EDIT_NOTE, "\"why\"");
	edit1(fx, "e", EDIT_UNSURE, "true");
	save(fx, 0);
	fx_restart(fx);
	assert_field(fx, "b", EDIT_F_FLAGGED, "true");
	assert_field(fx, "b", EDIT_F_NOTE, "\"why\"");
	assert_field(fx, "e", EDIT_F_UNSURE, "true");
	save(fx, 0);
	fx_restart(fx);
	assert_field(fx, "b", EDIT_F_FLAGGED, "true");
}

static void test_save_removes_deleted(void **state)
{
	struct fx *fx = *state;
	char *d;

	edit1(fx, "3", EDIT_DELETE, "true");                /* record 3 has no id */
	edit1(fx, "4", EDIT_LABEL, "[\"x\"]");              /* record 4 becomes record 3 */
	edit1(fx, "b", EDIT_DELETE, "true");
	edit1(fx, "e", EDIT_LABEL, "[\"y\"]");
	save(fx, 2);
	d = read_all(fx->data, NULL);
	assert_null(strstr(d, "record 3"));
	assert_null(strstr(d, "cannot log in"));
	free(d);
	fx_restart(fx);
	assert_int_equal(fx->ds.n, 3);
	assert_field(fx, "2", EDIT_F_TEXT, "\"no id, record 4\"");
	assert_field(fx, "2", EDIT_F_LABELS, "[\"x\"]");
	/* The deletions are final; the other edits can still be undone. */
	assert_int_equal(journal_undo_depth(fx->j), 2);
	undo(fx);
	assert_field(fx, "e", EDIT_F_LABELS, "[\"billing\"]");
	undo(fx);
	assert_field(fx, "2", EDIT_F_LABELS, "[\"billing\"]");
	fx_restart(fx);
	assert_field(fx, "2", EDIT_F_LABELS, "[\"billing\"]");
	assert_field(fx, "e", EDIT_F_LABELS, "[\"billing\"]");
}

/* Killed after the data file was replaced, before the journal was compacted. */
static void test_recover_save_marker(void **state)
{
	struct fx *fx = *state;
	char *before, *data, marker[512];
	size_t blen = 0, dlen = 0;

	edit1(fx, "3", EDIT_DELETE, "true");
	edit1(fx, "4", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "a", EDIT_FLAG, "true");
	before = read_all(fx->jpath, &blen);
	save(fx, 1);
	data = read_all(fx->data, &dlen);
	snprintf(marker, sizeof marker, "{\"seq\":4,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"save\","
		 "\"size\":%zu,\"xxh3\":\"%016llx\",\"removed_pos\":[3],\"removed_id\":[]}\n", dlen,
		 (unsigned long long)XXH3_64bits(data, dlen));
	write_file(fx->jpath, before, blen);
	append_file(fx->jpath, marker);
	fx_restart(fx);
	assert_int_equal(fx->ds.n, 4);
	assert_field(fx, "3", EDIT_F_TEXT, "\"no id, record 4\"");
	assert_field(fx, "3", EDIT_F_LABELS, "[\"x\"]");
	assert_field(fx, "a", EDIT_F_FLAGGED, "true");
	assert_int_equal(journal_undo_depth(fx->j), 2);
	free(before);
	before = read_all(fx->jpath, NULL);                 /* rewritten for the new base */
	assert_null(strstr(before, "\"op\":\"save\""));
	assert_null(strstr(before, "\"op\":\"delete\""));
	assert_non_null(strstr(before, "\"rec\":3,\"op\":\"label\""));
	free(before);
	free(data);
	undo(fx);
	undo(fx);
	assert_field(fx, "3", EDIT_F_LABELS, "[\"billing\"]");
}

/* A save whose data write failed leaves a marker that is ignored. */
static void test_failed_save_marker_ignored(void **state)
{
	struct fx *fx = *state;

	edit1(fx, "3", EDIT_DELETE, "true");
	append_file(fx->jpath, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"save\","
		    "\"size\":5,\"xxh3\":\"00000000000000aa\",\"removed_pos\":[3],\"removed_id\":[]}\n");
	fx_restart(fx);
	assert_int_equal(fx->ds.n, 5);
	assert_field(fx, "3", EDIT_F_DELETED, "true");
	edit1(fx, "4", EDIT_LABEL, "[\"x\"]");
	fx_restart(fx);
	assert_field(fx, "4", EDIT_F_LABELS, "[\"x\"]");
}

static void test_torn_tail(void **state)
{
	struct fx *fx = *state;
	char *j;

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "b", EDIT_LABEL, "[\"y\"]");
	append_file(fx->jpath, "{\"seq\":3,\"time\":\"2026-01-0");
	fx_restart(fx);
	assert_non_null(strstr(journal_warnings(fx->j), "d.jsonl.journal:4: warning: ignored an "
					    "incomplete last line"));
	assert_field(fx, "b", EDIT_F_LABELS, "[\"y\"]");
	j = read_all(fx->jpath, NULL);
	assert_null(strstr(j, "{\"seq\":3,\"time\":\"2026-01-0"));
	assert_int_equal(j[strlen(j) - 1], '\n');           /* repaired: whole lines only */
	free(j);
	edit1(fx, "e", EDIT_LABEL, "[\"z\"]");              /* appends after it work */
	fx_restart(fx);
	assert_string_equal(journal_warnings(fx->j), "");
	assert_field(fx, "e", EDIT_F_LABELS, "[\"z\"]");
	assert_int_equal(journal_undo_depth(fx->j), 3);
}

static void test_torn_header(void **state)
{
	struct fx *fx = *state;

	write_text(fx->jpath, "{\"tunetop_jour");
	fx_restart(fx);
	assert_non_null(strstr(journal_warnings(fx->j), "incomplete last line"));
	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	fx_restart(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
}

static void test_incomplete_bulk(void **state)
{
	struct fx *fx = *state;

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	undo(fx);
	append_file(fx->jpath,
		    "{\"seq\":3,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"b\",\"op\":\"label\","
		    "\"before\":[\"access\"],\"after\":[\"z\"],\"step\":3,\"count\":3}\n"
		    "{\"seq\":4,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"e\",\"op\":\"label\","
		    "\"before\":[\"billing\"],\"after\":[\"z\"],\"step\":3}\n"
		    "{\"seq\":5,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"lab");
	fx_restart(fx);
	assert_non_null(strstr(journal_warnings(fx->j), "dropped an incomplete bulk edit (step 3, "
					    "2 of 3 records"));
	assert_field(fx, "b", EDIT_F_LABELS, "[\"access\"]");
	assert_field(fx, "e", EDIT_F_LABELS, "[\"billing\"]");
	assert_int_equal(journal_redo_depth(fx->j), 1);     /* the redo stack is intact */
	redo(fx);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
}

/* A journal for this data file: the header, one edit of "a", then line. */
static void assert_bad_line(struct fx *fx, const char *line, uint32_t want_line, uint32_t want_col,
			    const char *want)
{
	struct tt_err err;
	struct tt_buf j;
	size_t dn = 0;
	char *d = read_all(fx->data, &dn);

	fx_close(fx);
	tt_buf_init(&j);
	tt_buf_printf(&j, "{\"tunetop_journal\":1,\"data\":\"d.jsonl\",\"size\":%zu,\"xxh3\":"
		      "\"%016llx\",\"next_seq\":1,\"created\":\"t\"}\n", dn,
		      (unsigned long long)XXH3_64bits(d, dn));
	tt_buf_adds(&j, "{\"seq\":1,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"label\","
		    "\"before\":[\"billing\"],\"after\":[\"x\"]}\n");
	tt_buf_adds(&j, line);
	write_file(fx->jpath, j.data, j.len);
	tt_buf_fini(&j);
	free(d);
	assert_int_equal(fx_open(fx, &err), -1);
	if (err.line != want_line || err.col != want_col || strstr(err.msg, want) == NULL ||
	    strstr(err.file, "d.jsonl.journal") == NULL)
		fail_msg("%s:%u:%u: %s; want line %u col %u '%s'", err.file, err.line, err.col,
			 err.msg, want_line, want_col, want);
	assert_null(fx->j);
	dataset_fini(&fx->ds);
	unlink(fx->jpath);
	fx_open_ok(fx);
}

static void test_malformed_lines(void **state)
{
	struct fx *fx = *state;

	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",,}\n", 3, 21, "malformed JSON");
	assert_bad_line(fx, "[1,2]\n", 3, 1, "expected a JSON object");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"labl\","
			"\"before\":[],\"after\":[]}\n", 3, 46, "unknown op 'labl'");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"flag\","
			"\"before\":false,\"after\":\"yes\"}\n", 3, 73, "\"after\" of a flag event is not true or false");
	assert_bad_line(fx, "{\"seq\":1,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"flag\","
			"\"before\":false,\"after\":true}\n", 3, 2, "seq 1 is not above the previous 1");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"zz\",\"op\":\"flag\","
			"\"before\":false,\"after\":true}\n", 3, 37, "no record zz");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"rec\":9,\"op\":\"flag\","
			"\"before\":false,\"after\":true}\n", 3, 37, "no record number 9");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"undo\",\"step\":7}\n",
			3, 49, "undo of step 7");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"redo\",\"step\":1}\n",
			3, 49, "redo of step 1");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"flag\","
			"\"before\":false,\"after\":true,\"step\":1}\n", 3, 86, "continues step 1");
	assert_bad_line(fx, "{\"seq\":2,\"op\":\"flag\"}\n", 3, 1, "missing \"time\"");
	assert_bad_line(fx, "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"flag\","
			"\"before\":false,\"after\":true,\"step\":2,\"count\":2}\n"
			"{\"seq\":3,\"time\":\"t\",\"annotator\":\"u\",\"op\":\"undo\",\"step\":2}\n",
			4, 1, "step 2 announced 2 events but has 1");
}

static void test_not_a_journal(void **state)
{
	struct fx *fx = *state;
	struct tt_err err;

	fx_close(fx);
	write_text(fx->jpath, "{\"hello\":1}\n");
	assert_int_equal(fx_open(fx, &err), -1);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "not a tunetop journal"));
	dataset_fini(&fx->ds);
	write_text(fx->jpath, "{\"tunetop_journal\":9,\"size\":0,\"xxh3\":\"0000000000000000\","
		   "\"next_seq\":1}\n");
	assert_int_equal(fx_open(fx, &err), -1);
	assert_non_null(strstr(err.msg, "newer than this tunetop reads"));
	dataset_fini(&fx->ds);
	unlink(fx->jpath);
	fx_open_ok(fx);
}

static void test_data_changed(void **state)
{
	struct fx *fx = *state;
	struct tt_err err;

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	fx_close(fx);
	append_file(fx->data, "{\"text\":\"added elsewhere\"}\n");
	assert_int_equal(fx_open(fx, &err), -1);
	assert_non_null(strstr(err.msg, "changed since this journal was written"));
	assert_non_null(strstr(err.file, "d.jsonl.journal"));
	dataset_fini(&fx->ds);
	/* A journal without edits (a header left by a repair) just starts again. */
	write_text(fx->jpath, "{\"tunetop_journal\":1,\"size\":3,\"xxh3\":\"00000000000000aa\","
		   "\"next_seq\":4}\n");
	fx_open_ok(fx);
	assert_non_null(strstr(journal_warnings(fx->j), "it held no edits and starts afresh"));
	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	fx_restart(fx);
	assert_string_equal(journal_warnings(fx->j), "");
	assert_field(fx, "a", EDIT_F_LABELS, "[\"x\"]");
}

static void test_lock(void **state)
{
	struct fx *fx = *state;
	struct dataset ds2;
	struct journal *j2;
	struct ds_options o;
	struct tt_err err;
	json_t *v = json_true();
	struct journal_change c = { 0, EDIT_FLAG, v };

	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	ds_options_default(&o);
	assert_int_equal(dataset_load(&ds2, fx->data, &o, &err), 0);
	assert_int_equal(journal_open(&j2, &ds2, "other", 0, &err), 0);
	assert_int_equal(journal_edit(j2, &ds2, &c, 1, NULL, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "another tunetop is editing this dataset"));
	journal_close(fx->j);                               /* the first one goes away */
	fx->j = NULL;
	assert_int_equal(journal_edit(j2, &ds2, &c, 1, NULL, NULL, NULL, &err), 0);
	journal_close(j2);
	dataset_fini(&ds2);
	dataset_fini(&fx->ds);
	fx_open_ok(fx);
	assert_field(fx, "a", EDIT_F_FLAGGED, "true");
}

static void test_stale_journal(void **state)
{
	struct fx *fx = *state;
	struct dataset ds2;
	struct journal *j2;
	struct ds_options o;
	struct tt_err err;
	json_t *v = json_true();
	struct journal_change c = { 0, EDIT_FLAG, v };

	ds_options_default(&o);
	assert_int_equal(dataset_load(&ds2, fx->data, &o, &err), 0);
	assert_int_equal(journal_open(&j2, &ds2, "other", 0, &err), 0);
	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	journal_close(fx->j);
	fx->j = NULL;
	assert_int_equal(journal_edit(j2, &ds2, &c, 1, NULL, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "the journal changed since it was loaded"));
	journal_close(j2);
	dataset_fini(&ds2);
	dataset_fini(&fx->ds);
	fx_open_ok(fx);
}

static void test_pending(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(journal_pending(fx->j), 0);
	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "b", EDIT_LABEL, "[\"x\"]");
	assert_int_equal(journal_pending(fx->j), 2);
	journal_pending_reset(fx->j);
	assert_int_equal(journal_pending(fx->j), 0);
	undo(fx);
	assert_int_equal(journal_pending(fx->j), 1);
	assert_int_equal(journal_pending(NULL), 0);
	journal_pending_reset(NULL);
}

static void test_provenance(void **state)
{
	struct fx *fx = *state;
	json_t *v = json_loads("[\"billing\"]", 0, NULL);
	struct journal_change c = { rec(fx, "b"), EDIT_LABEL, v };
	struct journal_meta m = { "billing", 0.5, NULL };
	struct tt_err err;
	char out[200], *p;
	size_t n;

	assert_int_equal(journal_edit(fx->j, &fx->ds, &c, 1, &m, NULL, NULL, &err), 0);
	edit1(fx, "3", EDIT_NOTE, "\"n\"");
	undo(fx);
	snprintf(out, sizeof out, "%s/prov.jsonl", fx->dir);
	assert_int_equal(journal_export_provenance(fx->data, out, &n, &err), 0);
	assert_int_equal(n, 3);
	p = read_all(out, NULL);
	assert_non_null(strstr(p, "\"annotator\":\"tester\",\"id\":\"b\",\"op\":\"label\","
				  "\"field\":\"labels\",\"before\":[\"access\"],\"after\":[\"billing\"],"
				  "\"suggestion\":\"billing\",\"confidence\":0.5}"));
	assert_non_null(strstr(p, "\"id\":\"3\",\"op\":\"undo\",\"field\":\"note\",\"before\":\"n\","
				  "\"after\":null,\"of_seq\":2,\"of_op\":\"note\""));
	free(p);
	assert_int_equal(journal_export_provenance(fx->jpath, out, &n, &err), 0);
	assert_int_equal(n, 3);
	json_decref(v);
}

static void test_tail(void **state)
{
	struct fx *fx = *state;
	struct tt_buf b;
	struct tt_err err;

	tt_buf_init(&b);
	assert_int_equal(journal_tail(fx->j, 5, &b, &err), 0);
	assert_string_equal(b.data, "no edits yet\n");
	tt_buf_clear(&b);
	edit1(fx, "a", EDIT_LABEL, "[\"x\"]");
	edit1(fx, "b", EDIT_FLAG, "true");
	undo(fx);
	assert_int_equal(journal_tail(fx->j, 2, &b, &err), 0);
	assert_null(strstr(b.data, "label"));
	assert_non_null(strstr(b.data, "flag     b  false -> true\n"));
	assert_non_null(strstr(b.data, "undo     step 2\n"));
	tt_buf_fini(&b);
}

/*
 * A journal that does not replay in full: the data opens with the events
 * before the bad line (a bulk step cut by it is taken back whole), the
 * file is untouched, every write is refused until it is set aside, and
 * then a new journal holds the replayed history.
 */
static void test_held_journal(void **state)
{
	struct fx *fx = *state;
	struct tt_err err;
	json_t *v = json_true();
	struct journal_change c = { 0, EDIT_FLAG, v };
	char *before, *after, *aside;
	size_t n1, n2;
	uint64_t seq;

	edit1(fx, "a", EDIT_LABEL, "[\"refund\"]");
	fx_close(fx);
	/* A bulk step of 2 whose second event names no record, then a good edit. */
	append_file(fx->jpath,
		    "{\"seq\":2,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"b\",\"op\":\"label\","
		    "\"before\":[\"access\"],\"after\":[\"x\"],\"step\":2,\"count\":2}\n"
		    "{\"seq\":3,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"zz\",\"op\":\"label\","
		    "\"before\":[],\"after\":[\"x\"],\"step\":2}\n"
		    "{\"seq\":4,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"e\",\"op\":\"label\","
		    "\"before\":[\"billing\"],\"after\":[\"late\"]}\n");
	before = read_all(fx->jpath, &n1);
	/* Without JOURNAL_HOLD_BAD: an error at the line. */
	assert_int_equal(fx_open(fx, &err), -1);
	assert_int_equal(err.line, 4);
	dataset_fini(&fx->ds);
	/* With it: open, held. */
	{
		struct ds_options o;

		ds_options_default(&o);
		assert_int_equal(dataset_load(&fx->ds, fx->data, &o, &err), 0);
		assert_int_equal(journal_open(&fx->j, &fx->ds, "tester", JOURNAL_HOLD_BAD, &err), 0);
	}
	assert_non_null(journal_held(fx->j));
	assert_non_null(strstr(journal_held(fx->j), "d.jsonl.journal:4:"));
	assert_non_null(strstr(journal_warnings(fx->j), "journal set-aside"));
	assert_field(fx, "a", EDIT_F_LABELS, "[\"refund\"]");
	assert_field(fx, "b", EDIT_F_LABELS, "[\"access\"]");     /* the cut bulk step, taken back */
	assert_field(fx, "e", EDIT_F_LABELS, "[\"billing\"]");    /* after the bad line: not replayed */
	assert_int_equal(journal_undo_depth(fx->j), 1);
	assert_int_equal(journal_edit(fx->j, &fx->ds, &c, 1, NULL, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "journal set-aside"));
	assert_int_equal(journal_undo(fx->j, &fx->ds, &seq, NULL, &err), -1);
	assert_int_equal(journal_compact(fx->j, &err), -1);
	after = read_all(fx->jpath, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(after);
	/* Set aside: the old file kept as it was, a new journal with the history. */
	assert_int_equal(journal_set_aside(fx->j, &aside, &err), 0);
	assert_null(journal_held(fx->j));
	after = read_all(aside, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(after);
	free(aside);
	free(before);
	assert_int_equal(journal_edit(fx->j, &fx->ds, &c, 1, NULL, NULL, NULL, &err), 0);
	assert_int_equal(journal_set_aside(fx->j, &aside, &err), -1);
	json_decref(v);
	fx_restart(fx);
	assert_null(journal_held(fx->j));
	assert_field(fx, "a", EDIT_F_LABELS, "[\"refund\"]");
	assert_field(fx, "a", EDIT_F_FLAGGED, "true");
	assert_int_equal(journal_undo_depth(fx->j), 2);
}

/* An edit of a record whose id is "": journaled by its number, so it replays. */
static void test_empty_id_replays(void **state)
{
	struct fx *fx = *state;
	static const char data[] = "{\"id\":\"\",\"text\":\"x\",\"label\":\"billing\"}\n"
				   "{\"id\":\"b\",\"text\":\"y\"}\n";
	json_t *v = json_true();
	struct journal_change c = { 0, EDIT_FLAG, v };
	struct tt_err err;
	const struct journal_step *s;

	fx_close(fx);
	remove(fx->jpath);
	write_file(fx->data, data, sizeof data - 1);
	fx_open_ok(fx);
	assert_int_equal(journal_edit(fx->j, &fx->ds, &c, 1, NULL, &s, NULL, &err), 0);
	assert_null(s->ev[0].ref.id);
	assert_int_equal(s->ev[0].ref.rec, 1);
	json_decref(v);
	fx_restart(fx);
	assert_null(journal_held(fx->j));
	assert_true(fx->ds.recs[0].flags & DS_FLAG_FLAGGED);
}

static void test_read_only_buffer(void **state)
{
	struct fx *fx = *state;
	struct journal *j;
	struct tt_err err;
	static const char text[] =
		"{\"tunetop_journal\":1,\"size\":0,\"xxh3\":\"0000000000000000\",\"next_seq\":5}\n"
		"{\"seq\":7,\"time\":\"t\",\"annotator\":\"u\",\"id\":\"a\",\"op\":\"label\","
		"\"before\":[\"billing\"],\"after\":[\"q\"]}\n";
	json_t *v = json_true();
	struct journal_change c = { 0, EDIT_FLAG, v };

	dataset_fini(&fx->ds);
	journal_close(fx->j);
	fx_open_ok(fx);
	assert_int_equal(journal_open_buffer(&j, "mem", text, sizeof text - 1, &fx->ds,
					     JOURNAL_TRUST_BASE, &err), 0);
	assert_field(fx, "a", EDIT_F_LABELS, "[\"q\"]");
	assert_int_equal(journal_edit(j, &fx->ds, &c, 1, NULL, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "read-only"));
	journal_close(j);
}

struct sink {
	struct tt_buf out;
};

static void sink_fn(void *opaque, int is_error, const char *text)
{
	struct sink *s = opaque;

	tt_buf_adds(&s->out, is_error ? "ERR " : "");
	tt_buf_adds(&s->out, text);
	if (is_error)
		tt_buf_addc(&s->out, '\n');
}

/* From the REPL a bulk edit previews, waits for y/n, and is one undo step. */
static void test_repl_bulk(void **state)
{
	struct fx *fx = *state;
	struct app app;
	struct cmd_ctx ctx;
	struct sink sk;
	struct tt_err err;

	fx_close(fx);
	app_init(&app);
	assert_int_equal(app_load_data(&app, fx->data, NULL, &err), 0);
	tt_buf_init(&sk.out);
	memset(&ctx, 0, sizeof ctx);
	ctx.app = &app;
	ctx.source = CMD_SRC_REPL;
	ctx.sink = sink_fn;
	ctx.sink_opaque = &sk;
	assert_false(cmd_edit_bulk_waiting(&app));
	assert_int_equal(cmd_run_line(&ctx, "relabel label=billing refund"), CMD_OK);
	assert_non_null(strstr(sk.out.data, "relabel: 3 of 3 matching records change to 'refund'; "
					    "for example:\n  a "));
	assert_non_null(strstr(sk.out.data, "relabel 3 records to 'refund'? (y/n)"));
	assert_true(cmd_edit_bulk_waiting(&app));
	assert_string_equal(cmd_edit_bulk_question(&app), "relabel 3 records to 'refund'? (y/n)");
	assert_int_equal(journal_undo_depth(app.journal), 0);         /* nothing yet */
	tt_buf_clear(&sk.out);
	assert_int_equal(cmd_edit_bulk_answer(&ctx, false), CMD_OK);
	assert_non_null(strstr(sk.out.data, "cancelled, nothing changed"));
	assert_false(cmd_edit_bulk_waiting(&app));
	assert_int_equal(cmd_run_line(&ctx, "flag-where text~/LOG|FEE/i"), CMD_OK);
	tt_buf_clear(&sk.out);
	assert_int_equal(cmd_edit_bulk_answer(&ctx, true), CMD_OK);
	assert_non_null(strstr(sk.out.data, "flag on 2 records (one undo step, saved, #1)"));
	assert_int_equal(cmd_edit_bulk_answer(&ctx, true), CMD_ERROR);
	tt_buf_clear(&sk.out);
	assert_int_equal(cmd_run_string(&ctx, "label a refund; undo"), CMD_OK);
	assert_non_null(strstr(sk.out.data, "label: created new label 'refund' (3 labels now)\n"
					    "label a: billing -> refund (saved, #3)\n"
					    "undid label a: refund -> billing (saved, #4)\n"));
	assert_int_equal(cmd_run_line(&ctx, "undo"), CMD_OK);         /* the whole flag-where */
	assert_false(app.ds.recs[1].flags & DS_FLAG_FLAGGED);
	assert_false(app.ds.recs[4].flags & DS_FLAG_FLAGGED);
	assert_int_equal(journal_pending(app.journal), 6);
	tt_buf_fini(&sk.out);
	app_fini(&app);
	fx_open_ok(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		cmocka_unit_test_setup_teardown(test_undo_redo_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_one_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_compacts_keeps_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags_survive_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_removes_deleted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recover_save_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_save_marker_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incomplete_bulk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provenance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_id_replays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repl_bulk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
