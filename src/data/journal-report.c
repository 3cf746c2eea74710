/*
 * journal-report.c - the journal for people: provenance lines (written
 * while an export replays the journal), journal_tail and
 * journal_export_provenance.
 */
#include "journal-impl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- provenance lines ---- */

void journal_prov_line(struct journal *j, const struct journal_event *e, const char *op,
		       uint64_t seq, const char *time, uint32_t annotator, int reverse)
{
	struct tt_buf *b = j->prov, id;

	tt_buf_init(&id);
	edit_ref_format(&e->ref, &id);
	tt_buf_printf(b, "{\"seq\":%llu,\"time\":", (unsigned long long)seq);
	journal_put_str(b, time);
	tt_buf_adds(b, ",\"annotator\":");
	journal_put_str(b, journal_annotator_name(j, annotator));
	tt_buf_adds(b, ",\"id\":");
	journal_put_str(b, id.data);
	tt_buf_adds(b, ",\"op\":");
	journal_put_str(b, op);
	tt_buf_printf(b, ",\"field\":\"%s\",\"before\":%s,\"after\":%s",
		      edit_field_name(edit_op_field(e->op)), reverse ? e->after : e->before,
		      reverse ? e->before : e->after);
	if (strcmp(op, edit_op_name(e->op)) != 0)
		tt_buf_printf(b, ",\"of_seq\":%llu,\"of_op\":\"%s\"", (unsigned long long)e->seq,
			      edit_op_name(e->op));
	tt_buf_adds(b, ",\"suggestion\":");
	if (e->suggestion != NULL)
		journal_put_str(b, e->suggestion);
	else
		tt_buf_adds(b, "null");
	if (isfinite(e->confidence))
		tt_buf_printf(b, ",\"confidence\":%.6g", e->confidence);
	else
		tt_buf_adds(b, ",\"confidence\":null");
	if (e->adjudicates != NULL)
		tt_buf_printf(b, ",\"adjudicates\":%s", e->adjudicates);
	tt_buf_adds(b, "}\n");
	tt_buf_fini(&id);
}

void journal_prov_step(struct journal *j, const struct journal_step *s, const char *op,
		       uint64_t seq, const char *time, uint32_t annotator, int reverse)
{
	size_t i;

	if (j->prov == NULL)
		return;
	for (i = 0; i < s->n; i++)
		journal_prov_line(j, &s->ev[reverse ? s->n - 1 - i : i], op, seq, time, annotator,
				  reverse);
}

/* ---- reading for people ---- */

static const char *journal_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

static void journal_format_change(json_t *o, struct tt_buf *out)
{
	json_t *v;

	if ((v = json_object_get(o, "id")) != NULL && json_is_string(v)) {
		tt_buf_addc(out, ' ');
		tt_esc_adds(out, json_string_value(v));
	}
	else if ((v = json_object_get(o, "rec")) != NULL)
		tt_buf_printf(out, " %lld", (long long)json_integer_value(v));
	if (json_object_get(o, "after") != NULL) {
		char *b = journal_dump(json_object_get(o, "before"));
		char *a = journal_dump(json_object_get(o, "after"));
		char *sb = tt_esc_json(b), *sa = tt_esc_json(a);

		tt_buf_printf(out, "  %.60s -> %.60s", sb, sa);
		free(sb);
		free(sa);
		free(b);
		free(a);
	} else if ((v = json_object_get(o, "step")) != NULL) {
		tt_buf_printf(out, " step %lld", (long long)json_integer_value(v));
	}
	if ((v = json_object_get(o, "removed_pos")) != NULL)
		tt_buf_printf(out, " (%zu deleted records removed)", json_array_size(v));
}

/* One journal line for people: seq, time, annotator, op, id, before -> after. */
static void journal_format_line(const char *text, size_t len, struct tt_buf *out)
{
	json_t *o = json_loadb(text, len, 0, NULL);
	char *time, *who, *op;

	if (o == NULL || !json_is_object(o)) {
		tt_esc_buf(out, text, len, 0);
		tt_buf_addc(out, '\n');
		json_decref(o);
		return;
	}
	/* Strings from the file: escaped, so a line stays one line. */
	time = tt_esc_dup(journal_json_str(o, "time"));
	who = tt_esc_dup(journal_json_str(o, "annotator"));
	op = tt_esc_dup(journal_json_str(o, "op"));
	tt_buf_printf(out, "%6lld  %s  %-10s %-8s", (long long)json_integer_value(json_object_get(o, "seq")),
		      time, who, op);
	free(time);
	free(who);
	free(op);
	journal_format_change(o, out);
	tt_buf_addc(out, '\n');
	json_decref(o);
}

int journal_tail(const struct journal *j, size_t n, struct tt_buf *out, struct tt_err *err)
{
	char *data;
	size_t len, *starts = NULL, nstarts = 0, cap = 0, pos = 0, i;

	if (j->path == NULL || access(j->path, F_OK) != 0) {
		tt_buf_adds(out, "no edits yet\n");
		return 0;
	}
	if (tt_read_file(j->path, &data, &len, err) != 0)
		return -1;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);

		if (nl == NULL)
			break;
		if (nstarts == cap) {
			cap = cap ? cap * 2 : 64;
			starts = tt_xrealloc(starts, cap * sizeof *starts);
		}
		starts[nstarts++] = pos;
		pos = (size_t)(nl - data) + 1;
	}
	if (nstarts <= 1)
		tt_buf_adds(out, "no edits yet\n");
	for (i = nstarts > n + 1 ? nstarts - n : 1; i < nstarts; i++) {
		const char *p = data + starts[i];

		journal_format_line(p, (size_t)((const char *)memchr(p, '\n', len - starts[i]) - p), out);
	}
	free(starts);
	free(data);
	return 0;
}

/* ---- provenance export ---- */

int journal_export_provenance(const char *path, const char *out_path, size_t *count,
			      struct tt_err *err)
{
	size_t n = strlen(path), i;
	char *jpath = n > 8 && strcmp(path + n - 8, ".journal") == 0 ? tt_xstrdup(path) :
		      journal_path_for(path);
	struct journal *j;
	struct tt_buf prov;
	char *data;
	size_t len;
	int rc;

	*count = 0;
	if (tt_read_file(jpath, &data, &len, err) != 0) {
		free(jpath);
		return -1;
	}
	j = journal_new(NULL, jpath, NULL, NULL, JOURNAL_READ_ONLY | JOURNAL_TRUST_BASE);
	free(jpath);
	tt_buf_init(&prov);
	j->prov = &prov;
	rc = journal_load_bytes(j, NULL, data, len, err);
	free(data);
	if (rc == 0)
		rc = tt_write_file_atomic(out_path, prov.data != NULL ? prov.data : "", prov.len, err);
	for (i = 0; rc == 0 && i < prov.len; i++)
		*count += prov.data[i] == '\n';
	if (rc == 0 && j->warnings.len > 0)
		tt_esc_fputs(j->warnings.data, stderr, TT_ESC_KEEP_NL);
	tt_buf_fini(&prov);
	journal_close(j);
	return rc;
}
