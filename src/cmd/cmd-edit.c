/*
 * cmd-edit.c - edit commands: label, unlabel, flag, unflag, unsure, sure,
 * note, edit-text, delete, undelete, undo, redo, relabel, flag-where,
 * journal; the journaled save; `tunetop export --provenance`.
 *
 * Output: from a script, -e or the config, each edited record prints
 * "ok SEQ ID" (stdout is flushed, so a reader sees it as soon as the edit
 * is durable); from the REPL or a key, one line for people.
 */
#include "tunetop/cmd-edit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/app.h"
#include "tunetop/cfg.h"
#include "tunetop/session.h"

static int cmd_edit_scripted(const struct cmd_ctx *ctx)
{
	return ctx->source == CMD_SRC_HEADLESS || ctx->source == CMD_SRC_SCRIPT ||
	       ctx->source == CMD_SRC_CONFIG;
}

static void cmd_edit_flush(const struct cmd_ctx *ctx)
{
	if (ctx->sink == NULL)
		fflush(stdout);
}

static void cmd_edit_report_err(struct cmd_ctx *ctx, const char *name, const struct tt_err *err)
{
	char msg[1200];

	tt_err_format(err, msg, sizeof msg);
	cmd_error(ctx, "%s: %s", name, msg);
}

/* The journal, crediting edits to the session's annotator as it is now. */
static struct journal *cmd_edit_journal(struct cmd_ctx *ctx, const char *name)
{
	if (ctx->app->journal == NULL)
		cmd_error(ctx, "%s: no journal for this dataset (load it again)", name);
	else
		journal_set_annotator(ctx->app->journal, cmd_edit_annotator(ctx->app));
	return ctx->app->journal;
}

/* A record from an ID a person typed. */
int cmd_edit_find(struct cmd_ctx *ctx, const char *name, const char *word, size_t *index)
{
	struct journal *j = cmd_edit_journal(ctx, name);
	struct tt_err err;

	if (j == NULL)
		return -1;
	tt_err_clear(&err);
	if (edit_find(journal_index(j), &ctx->app->ds, word, index, &err) != 0) {
		cmd_error(ctx, "%s: %s", name, err.msg);
		return -1;
	}
	return 0;
}

/* A stored value for people: labels joined, strings quoted and cut. */
static void cmd_edit_value_text(const char *json, struct tt_buf *out)
{
	json_t *v = json_loads(json, JSON_DECODE_ANY, NULL);
	size_t i;

	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			const char *name = json_string_value(json_array_get(v, i));

			tt_buf_adds(out, i ? "," : "");
			tt_esc_adds(out, name != NULL ? name : "?");
		}
		if (json_array_size(v) == 0)
			tt_buf_adds(out, "(unlabeled)");
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t n = strlen(s), cut = n > 48 ? 45 : n;

		while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
		tt_buf_addc(out, '"');
		tt_esc_buf(out, s, cut, 0);
		tt_buf_adds(out, cut < n ? "...\"" : "\"");
	} else if (json_is_boolean(v)) {
		tt_buf_adds(out, json_is_true(v) ? "yes" : "no");
	} else {
		tt_buf_adds(out, "(none)");
	}
	json_decref(v);
}

/* A record's id for a line of output, escaped: "ok SEQ ID" stays one line. */
static void cmd_edit_ref_text(const struct edit_ref *r, struct tt_buf *out)
{
	struct tt_buf raw;

	tt_buf_init(&raw);
	edit_ref_format(r, &raw);
	tt_esc_adds(out, raw.data);
	tt_buf_fini(&raw);
}

enum {
	DIFF_CONTEXT = 16,	/* bytes shown around a text change */
	DIFF_MIDDLE = 40	/* of the changed part itself, at most */
};

/* Move i back to the start of a UTF-8 character. */
static size_t cmd_edit_boundary(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

/* One side of a text change: "...context[changed]context..." cut around the change. */
static void cmd_edit_side(const char *s, size_t n, size_t pre, size_t suf, struct tt_buf *out)
{
	size_t from = cmd_edit_boundary(s, pre > DIFF_CONTEXT ? pre - DIFF_CONTEXT : 0);
	size_t mid_end = n - suf, to;

	if (mid_end - pre > DIFF_MIDDLE)
		mid_end = cmd_edit_boundary(s, pre + DIFF_MIDDLE);
	to = n - suf == mid_end && suf > DIFF_CONTEXT ?
	     cmd_edit_boundary(s, mid_end + DIFF_CONTEXT) : n - suf == mid_end ? n : mid_end;
	/* Data never drives the terminal: every piece escaped (tt_esc_buf). */
	tt_buf_adds(out, from > 0 ? "\"..." : "\"");
	tt_esc_buf(out, s + from, pre - from, 0);
	tt_buf_addc(out, '[');
	tt_esc_buf(out, s + pre, mid_end - pre, 0);
	tt_buf_adds(out, mid_end < n - suf ? "...]" : "]");
	if (n - suf == mid_end)
		tt_esc_buf(out, s + mid_end, to - mid_end, 0);
	tt_buf_adds(out, to < n ? "...\"" : "\"");
}

/*
 * Before and after for people. Two texts show the part that changed, in
 * brackets, with a little context each side (a cut from the start would
 * hide an edit at the end of a long text); anything else as a value.
 */
static void cmd_edit_values(const char *before, const char *after, struct tt_buf *b,
			    struct tt_buf *a)
{
	json_t *x = json_loads(before, JSON_DECODE_ANY, NULL);
	json_t *y = json_loads(after, JSON_DECODE_ANY, NULL);

	if (json_is_string(x) && json_is_string(y) &&
	    (json_string_length(x) > 48 || json_string_length(y) > 48)) {
		const char *s = json_string_value(x), *t = json_string_value(y);
		size_t n = json_string_length(x), m = json_string_length(y), pre = 0, suf = 0;

		while (pre < n && pre < m && s[pre] == t[pre])
			pre++;
		pre = cmd_edit_boundary(s, pre);
		while (suf < n - pre && suf < m - pre && s[n - 1 - suf] == t[m - 1 - suf])
			suf++;
		while (suf > 0 && (((unsigned char)s[n - suf] & 0xC0) == 0x80))
			suf--;
		cmd_edit_side(s, n, pre, suf, b);
		cmd_edit_side(t, m, pre, suf, a);
	} else {
		cmd_edit_value_text(before, b);
		cmd_edit_value_text(after, a);
	}
	json_decref(x);
	json_decref(y);
}

/* "ok SEQ ID" per record from scripts; one line for people otherwise. */
static void cmd_edit_report(struct cmd_ctx *ctx, const struct journal_step *s, uint64_t seq,
			    const char *verb)
{
	struct tt_buf id, b, a;
	size_t i;

	tt_buf_init(&id);
	tt_buf_init(&b);
	tt_buf_init(&a);
	for (i = 0; i < s->n && cmd_edit_scripted(ctx); i++) {
		tt_buf_clear(&id);
		cmd_edit_ref_text(&s->ev[i].ref, &id);
		cmd_print(ctx, "ok %llu %s\n",
			  (unsigned long long)(seq != 0 ? seq : s->ev[i].seq), id.data);
	}
	if (!cmd_edit_scripted(ctx) && s->n == 1) {
		cmd_edit_ref_text(&s->ev[0].ref, &id);
		/* an undo goes from the step's after back to its before */
		bool back = strcmp(verb, "undid ") == 0;

		cmd_edit_values(s->ev[0].before, s->ev[0].after, &b, &a);
		cmd_print(ctx, "%s%s %s: %s -> %s (saved, #%llu)\n", verb, edit_op_name(s->ev[0].op),
			  id.data, back ? a.data : b.data, back ? b.data : a.data,
			  (unsigned long long)(seq != 0 ? seq : s->ev[0].seq));
	} else if (!cmd_edit_scripted(ctx)) {
		cmd_print(ctx, "%s%s on %zu records (one undo step, saved, #%llu)\n", verb,
			  edit_op_name(s->ev[0].op), s->n,
			  (unsigned long long)(seq != 0 ? seq : s->id));
	}
	cmd_edit_flush(ctx);
	tt_buf_fini(&id);
	tt_buf_fini(&b);
	tt_buf_fini(&a);
}

static void cmd_edit_new_labels(struct cmd_ctx *ctx, const char *name, uint32_t new_labels)
{
	const struct dataset *ds = &ctx->app->ds;
	uint32_t i;

	for (i = ds->labels.n - new_labels; i < ds->labels.n; i++) {
		char *label = tt_esc_dup(ds->labels.names[i]);

		cmd_print(ctx, "%s: created new label '%s' (%u labels now)\n", name, label,
			  ds->labels.n);
		free(label);
	}
}

enum cmd_rc cmd_edit_many(struct cmd_ctx *ctx, const char *name,
			  const struct journal_change *ch, size_t n, const struct journal_meta *meta)
{
	struct journal *j = cmd_edit_journal(ctx, name);
	const struct journal_step *s;
	uint32_t new_labels = 0;
	struct tt_err err;

	if (j == NULL)
		return CMD_ERROR;
	tt_err_clear(&err);
	if (journal_edit(j, &ctx->app->ds, ch, n, meta, &s, &new_labels, &err) != 0) {
		cmd_edit_report_err(ctx, name, &err);
		cmd_error(ctx, "%s: nothing was changed", name);
		return CMD_ERROR;
	}
	if (new_labels > 0)
		cmd_edit_new_labels(ctx, name, new_labels);
	cmd_edit_report(ctx, s, 0, "");
	return CMD_OK;
}

enum cmd_rc cmd_edit_apply(struct cmd_ctx *ctx, size_t index, enum edit_op op,
			   const json_t *after, const struct journal_meta *meta)
{
	struct journal_change ch;
	struct tt_buf id;

	if (index >= ctx->app->ds.n) {
		cmd_error(ctx, "%s: no record %zu", edit_op_name(op), index + 1);
		return CMD_ERROR;
	}
	if ((ctx->app->ds.recs[index].flags & DS_FLAG_DELETED) && op != EDIT_UNDELETE &&
	    op != EDIT_DELETE) {
		tt_buf_init(&id);
		ds_record_id(&ctx->app->ds, index, &id);
		cmd_error(ctx, "%s: record %s is deleted (undelete it first)", edit_op_name(op), id.data);
		tt_buf_fini(&id);
		return CMD_ERROR;
	}
	ch.index = index;
	ch.op = op;
	ch.after = after;
	return cmd_edit_many(ctx, edit_op_name(op), &ch, 1, meta);
}

/* Commands of the form NAME ID that set one field to a fixed value. */
static enum cmd_rc cmd_edit_simple(struct cmd_ctx *ctx, char **argv, enum edit_op op,
				   json_t *after)
{
	size_t index;
	enum cmd_rc rc = CMD_ERROR;

	if (cmd_edit_find(ctx, argv[0], argv[1], &index) == 0)
		rc = cmd_edit_apply(ctx, index, op, after, NULL);
	json_decref(after);
	return rc;
}

enum cmd_rc cmd_label_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_t *labels = json_array();
	int i;

	for (i = 2; i < argc; i++) {
		json_t *v = argv[i][0] != '\0' ? json_string(argv[i]) : NULL;

		if (v == NULL) {
			cmd_error(ctx, "%s: label %d is %s (expected a non-empty UTF-8 name)", argv[0],
				  i - 1, argv[i][0] == '\0' ? "empty" : "not UTF-8");
			json_decref(labels);
			return CMD_ERROR;
		}
		json_array_append_new(labels, v);
	}
	return cmd_edit_simple(ctx, argv, EDIT_LABEL, labels);
}

enum cmd_rc cmd_unlabel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_UNLABEL, json_array());
}

enum cmd_rc cmd_flag_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_FLAG, json_true());
}

enum cmd_rc cmd_unflag_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_UNFLAG, json_false());
}

enum cmd_rc cmd_unsure_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_UNSURE, json_true());
}

enum cmd_rc cmd_sure_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_SURE, json_false());
}

enum cmd_rc cmd_delete_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_DELETE, json_true());
}

enum cmd_rc cmd_undelete_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_simple(ctx, argv, EDIT_UNDELETE, json_false());
}

enum cmd_rc cmd_move_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum ds_split sp;

	(void)argc;
	if (ds_split_parse(argv[2], strlen(argv[2]), &sp) != 0) {
		cmd_error(ctx, "move: '%s' is not a split (expected train, valid, test or none)",
			  argv[2]);
		return CMD_ERROR;
	}
	return cmd_edit_simple(ctx, argv, EDIT_MOVE, json_string(ds_split_name(sp)));
}

/* argv[from..] joined by single spaces, as a JSON string (NULL: not UTF-8). */
static json_t *cmd_edit_join(int argc, char **argv, int from)
{
	struct tt_buf b;
	json_t *v;
	int i;

	tt_buf_init(&b);
	tt_buf_adds(&b, "");
	for (i = from; i < argc; i++)
		tt_buf_printf(&b, "%s%s", i > from ? " " : "", argv[i]);
	v = json_string(b.data);
	tt_buf_fini(&b);
	return v;
}

enum cmd_rc cmd_note_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_t *note = cmd_edit_join(argc, argv, 2);

	if (note == NULL) {
		cmd_error(ctx, "%s: the note is not UTF-8 text", argv[0]);
		return CMD_ERROR;
	}
	if (json_string_length(note) == 0) {
		json_decref(note);
		note = json_null();     /* note ID "": remove the note */
	}
	return cmd_edit_simple(ctx, argv, EDIT_NOTE, note);
}

enum cmd_rc cmd_edit_text_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	json_t *text = cmd_edit_join(argc, argv, 2);

	if (text == NULL) {
		cmd_error(ctx, "%s: the text is not UTF-8", argv[0]);
		return CMD_ERROR;
	}
	return cmd_edit_simple(ctx, argv, EDIT_TEXT, text);
}

/* ---- undo, redo ---- */

static enum cmd_rc cmd_edit_undo_redo(struct cmd_ctx *ctx, const char *name, int undo)
{
	struct journal *j = cmd_edit_journal(ctx, name);
	const struct journal_step *s;
	struct tt_err err;
	uint64_t seq;
	int rc;

	if (j == NULL)
		return CMD_ERROR;
	tt_err_clear(&err);
	rc = undo ? journal_undo(j, &ctx->app->ds, &seq, &s, &err) :
	     journal_redo(j, &ctx->app->ds, &seq, &s, &err);
	if (rc != 0) {
		cmd_edit_report_err(ctx, name, &err);
		return CMD_ERROR;
	}
	if (cmd_edit_scripted(ctx))
		cmd_print(ctx, "%s: %s of %zu record%s (step %llu)\n", name, edit_op_name(s->ev[0].op),
			  s->n, s->n == 1 ? "" : "s", (unsigned long long)s->id);
	cmd_edit_report(ctx, s, seq, undo ? "undid " : "redid ");
	return CMD_OK;
}

enum cmd_rc cmd_undo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_undo_redo(ctx, argv[0], 1);
}

enum cmd_rc cmd_redo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_edit_undo_redo(ctx, argv[0], 0);
}

/* ---- bulk edits ---- */

struct cmd_bulk {
	const struct app *app;    /* the app a preview waits in, or NULL */
	const struct journal *journal;
	enum edit_op op;          /* EDIT_LABEL (relabel) or EDIT_FLAG (flag-where) */
	char *filter;
	char *label;
	char question[256];
};

/* The app's one bulk edit waiting for a y/n answer (app->bulk, made on first use). */
static struct cmd_bulk *cmd_bulk_slot(struct app *a)
{
	if (a->bulk == NULL)
		a->bulk = tt_xcalloc(1, sizeof *a->bulk);
	return a->bulk;
}

static void cmd_bulk_clear(struct cmd_bulk *b)
{
	free(b->filter);
	free(b->label);
	memset(b, 0, sizeof *b);
}

static const char *cmd_bulk_name(const struct cmd_bulk *b)
{
	return b->op == EDIT_LABEL ? "relabel" : "flag-where";
}

/* Does the bulk edit change record i? */
static bool cmd_bulk_changes(const struct cmd_bulk *b, const struct dataset *ds, size_t i,
			     uint32_t label, bool label_known)
{
	const struct ds_record *r = &ds->recs[i];

	if (b->op == EDIT_FLAG)
		return !(r->flags & DS_FLAG_FLAGGED);
	return !label_known || ds_record_nlabels(r) != 1 || r->label != label;
}

/* The records that match and change. -1 + message on a bad filter. */
static int cmd_bulk_select(struct cmd_ctx *ctx, const struct cmd_bulk *b, size_t **out,
			   size_t *nout, size_t *nmatch)
{
	const struct dataset *ds = &ctx->app->ds;
	struct journal *j = cmd_edit_journal(ctx, cmd_bulk_name(b));
	struct edit_filter f;
	struct tt_err err;
	uint32_t label = 0;
	bool known = b->label != NULL && ds_label_find(ds, b->label, strlen(b->label), &label) == 0;
	size_t i;

	if (j == NULL)
		return -1;
	tt_err_clear(&err);
	if (edit_filter_parse(&f, ds, journal_index(j), b->filter, &err) != 0) {
		cmd_error(ctx, "%s: %s", cmd_bulk_name(b), err.msg);
		return -1;
	}
	f.preds = &ctx->app->preds;
	f.edits = &ctx->app->edits;
	f.findings = &ctx->app->findings;
	if ((edit_filter_findings(&f) & FINDINGS_LIKELY_ERROR) && ctx->app->label_errors == NULL) {
		cmd_error(ctx, "%s: likely-error needs a label-error ranking (label-errors run)",
			  cmd_bulk_name(b));
		edit_filter_fini(&f);
		return -1;
	}
	if (edit_filter_uses_preds(&f) && ctx->app->preds.get == NULL) {
		/* Else every prediction term would quietly match nothing. */
		cmd_error(ctx, "%s: pred=, conf=, correct and wrong need a model's predictions "
			  "(train first, in the workbench)", cmd_bulk_name(b));
		edit_filter_fini(&f);
		return -1;
	}
	*out = NULL;
	*nout = *nmatch = 0;
	for (i = 0; i < ds->n; i++) {
		if (!edit_filter_match(&f, ds, i))
			continue;
		(*nmatch)++;
		if (!cmd_bulk_changes(b, ds, i, label, known))
			continue;
		*out = tt_xrealloc(*out, (*nout + 1) * sizeof **out);
		(*out)[(*nout)++] = i;
	}
	edit_filter_fini(&f);
	return 0;
}

static void cmd_bulk_sample(struct cmd_ctx *ctx, const struct cmd_bulk *b, const size_t *sel,
			    size_t n)
{
	const struct dataset *ds = &ctx->app->ds;
	char *label = tt_esc_dup(b->label != NULL ? b->label : "");
	size_t k;

	for (k = 0; k < n && k < 3; k++) {
		struct tt_buf raw, id, before, text;
		json_t *v = edit_get(ds, sel[k], b->op == EDIT_FLAG ? EDIT_F_FLAGGED : EDIT_F_LABELS);
		char *enc = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		tt_buf_init(&raw);
		tt_buf_init(&id);
		tt_buf_init(&before);
		tt_buf_init(&text);
		ds_record_id(ds, sel[k], &raw);
		tt_esc_adds(&id, raw.data);
		cmd_edit_value_text(enc, &before);
		json_decref(v);
		v = json_stringn_nocheck(ds->recs[sel[k]].text, ds->recs[sel[k]].text_len);
		free(enc);
		enc = json_dumps(v, JSON_ENCODE_ANY);
		json_decref(v);
		cmd_edit_value_text(enc, &text);
		cmd_print(ctx, "  %-10s %s -> %s  %s\n", id.data, before.data,
			  b->op == EDIT_FLAG ? "flagged" : label, text.data);
		free(enc);
		tt_buf_fini(&raw);
		tt_buf_fini(&id);
		tt_buf_fini(&before);
		tt_buf_fini(&text);
	}
	free(label);
}

static enum cmd_rc cmd_bulk_apply(struct cmd_ctx *ctx, const struct cmd_bulk *b,
				  const size_t *sel, size_t n)
{
	struct journal_change *ch = tt_xcalloc(n, sizeof *ch);
	json_t *after = b->op == EDIT_FLAG ? json_true() : json_array();
	enum cmd_rc rc;
	size_t k;

	if (b->op == EDIT_LABEL)
		json_array_append_new(after, json_string(b->label));
	for (k = 0; k < n; k++) {
		ch[k].index = sel[k];
		ch[k].op = b->op;
		ch[k].after = after;
	}
	rc = cmd_edit_many(ctx, cmd_bulk_name(b), ch, n, NULL);
	if (rc == CMD_OK && !cmd_edit_scripted(ctx))
		cmd_print(ctx, "%s: changed %zu records; 'undo' reverts them all\n", cmd_bulk_name(b), n);
	json_decref(after);
	free(ch);
	return rc;
}

/* Preview, then apply (--yes), wait for an answer (REPL), or fail (scripts). */
static enum cmd_rc cmd_bulk_run(struct cmd_ctx *ctx, struct cmd_bulk *b, bool yes)
{
	size_t *sel, n, nmatch;
	enum cmd_rc rc = CMD_OK;
	const char *name = cmd_bulk_name(b);
	char *filter, *label;

	if (cmd_bulk_select(ctx, b, &sel, &n, &nmatch) != 0)
		return CMD_ERROR;
	/* The filter and the label as typed, escaped: each message one line. */
	filter = tt_esc_dup(b->filter);
	label = tt_esc_dup(b->label != NULL ? b->label : "");
	if (n == 0) {
		cmd_print(ctx, "%s: %zu records match '%s'; none would change\n", name, nmatch, filter);
		free(filter);
		free(label);
		free(sel);
		return CMD_OK;
	}
	cmd_print(ctx, "%s: %zu of %zu matching records change%s%s%s; for example:\n", name, n,
		  nmatch, b->op == EDIT_LABEL ? " to '" : " to flagged",
		  b->op == EDIT_LABEL ? label : "", b->op == EDIT_LABEL ? "'" : "");
	cmd_bulk_sample(ctx, b, sel, n);
	if (yes) {
		rc = cmd_bulk_apply(ctx, b, sel, n);
	} else if (cmd_edit_scripted(ctx)) {
		cmd_error(ctx, "%s: not applied: a bulk edit in a script needs --yes at the end "
			  "(e.g. %s %s%s%s --yes)", name, name, b->filter, b->label ? " " : "",
			  b->label ? b->label : "");
		rc = CMD_ERROR;
	} else {
		struct cmd_bulk *w = cmd_bulk_slot(ctx->app);

		cmd_bulk_clear(w);
		*w = *b;
		w->app = ctx->app;
		w->journal = ctx->app->journal;
		snprintf(w->question, sizeof w->question,
			 "%s %zu records%s%s%s? (y/n)", b->op == EDIT_LABEL ? "relabel" : "flag", n,
			 b->op == EDIT_LABEL ? " to '" : "", b->op == EDIT_LABEL ? label : "",
			 b->op == EDIT_LABEL ? "'" : "");
		cmd_print(ctx, "%s\n", w->question);
		memset(b, 0, sizeof *b);   /* now owned by the waiting slot */
	}
	free(filter);
	free(label);
	free(sel);
	return rc;
}

/* The filter words (argv[1..last)), joined; a trailing --yes is taken off. */
static char *cmd_bulk_filter(int argc, char **argv, int nfixed, bool *yes)
{
	struct tt_buf b;
	int i, end = argc;

	*yes = end > 1 && strcmp(argv[end - 1], "--yes") == 0;
	if (*yes)
		end--;
	end -= nfixed;
	tt_buf_init(&b);
	tt_buf_adds(&b, "");
	for (i = 1; i < end; i++)
		tt_buf_printf(&b, "%s%s", i > 1 ? " " : "", argv[i]);
	return b.data;
}

enum cmd_rc cmd_relabel_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_bulk b;
	bool yes;
	int end;
	enum cmd_rc rc;
	const char *what;

	memset(&b, 0, sizeof b);
	b.op = EDIT_LABEL;
	b.filter = cmd_bulk_filter(argc, argv, 1, &yes);
	end = yes ? argc - 1 : argc;
	if (end < 3 || argv[end - 1][0] == '\0' ||
	    tt_utf8_check(argv[end - 1], strlen(argv[end - 1]), &what) >= 0) {
		cmd_error(ctx, "%s: expected a filter and a label (usage: relabel FILTER LABEL [--yes])",
			  argv[0]);
		cmd_bulk_clear(&b);
		return CMD_ERROR;
	}
	b.label = tt_xstrdup(argv[end - 1]);
	rc = cmd_bulk_run(ctx, &b, yes);
	cmd_bulk_clear(&b);
	return rc;
}

enum cmd_rc cmd_flag_where_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct cmd_bulk b;
	bool yes;
	enum cmd_rc rc;

	memset(&b, 0, sizeof b);
	b.op = EDIT_FLAG;
	b.filter = cmd_bulk_filter(argc, argv, 0, &yes);
	if (b.filter[0] == '\0') {
		cmd_error(ctx, "%s: expected a filter (usage: flag-where FILTER [--yes])", argv[0]);
		cmd_bulk_clear(&b);
		return CMD_ERROR;
	}
	rc = cmd_bulk_run(ctx, &b, yes);
	cmd_bulk_clear(&b);
	return rc;
}

bool cmd_edit_bulk_waiting(const struct app *a)
{
	return a->bulk != NULL && a->bulk->app == a && a->bulk->journal == a->journal;
}

const char *cmd_edit_bulk_question(const struct app *a)
{
	return cmd_edit_bulk_waiting(a) ? a->bulk->question : NULL;
}

void cmd_edit_bulk_fini(struct app *a)
{
	if (a->bulk != NULL)
		cmd_bulk_clear(a->bulk);
	free(a->bulk);
	a->bulk = NULL;
}

enum cmd_rc cmd_edit_bulk_answer(struct cmd_ctx *ctx, bool yes)
{
	struct cmd_bulk b;
	size_t *sel, n, nmatch;
	enum cmd_rc rc = CMD_OK;

	if (!cmd_edit_bulk_waiting(ctx->app)) {
		cmd_edit_bulk_fini(ctx->app);
		cmd_error(ctx, "no bulk edit is waiting for an answer");
		return CMD_ERROR;
	}
	b = *ctx->app->bulk;
	memset(ctx->app->bulk, 0, sizeof *ctx->app->bulk);
	if (!yes) {
		cmd_print(ctx, "%s: cancelled, nothing changed\n", cmd_bulk_name(&b));
	} else if (cmd_bulk_select(ctx, &b, &sel, &n, &nmatch) != 0) {
		rc = CMD_ERROR;
	} else {
		if (n > 0)
			rc = cmd_bulk_apply(ctx, &b, sel, n);
		else
			cmd_print(ctx, "%s: none of the records would change now\n", cmd_bulk_name(&b));
		free(sel);
	}
	cmd_bulk_clear(&b);
	return rc;
}

void cmd_edit_bulk_cancel(struct cmd_ctx *ctx, const char *why)
{
	if (cmd_edit_bulk_waiting(ctx->app))
		cmd_print(ctx, "%s: not applied (%s); nothing changed\n",
			  cmd_bulk_name(ctx->app->bulk), why);
	cmd_edit_bulk_fini(ctx->app);
}

enum cmd_rc cmd_yes_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_edit_bulk_answer(ctx, true);
}

enum cmd_rc cmd_no_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cmd_edit_bulk_answer(ctx, false);
}

/* ---- journal ---- */

/*
 * `journal set-aside`: a held journal (one that does not replay in full)
 * is renamed, untouched, and a new one starts from what is open.
 */
static enum cmd_rc cmd_journal_set_aside(struct cmd_ctx *ctx, struct journal *j, const char *name)
{
	struct tt_err err;
	char *aside, *shown;
	int rc;

	tt_err_clear(&err);
	rc = journal_set_aside(j, &aside, &err);
	if (rc < 0) {
		cmd_edit_report_err(ctx, name, &err);
		return CMD_ERROR;
	}
	if (rc > 0)
		cmd_edit_report_err(ctx, "journal: the new journal is not written yet (retried "
				    "before the next edit)", &err);
	shown = tt_esc_dup(aside);
	cmd_print(ctx, "journal: moved the old journal to %s (kept as it was); a new journal "
		  "starts with the %zu undo steps replayed from it, and edits are accepted again\n",
		  shown, journal_undo_depth(j));
	free(shown);
	free(aside);
	return CMD_OK;
}

enum cmd_rc cmd_journal_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct journal *j = cmd_edit_journal(ctx, argv[0]);
	size_t n = 20;
	struct tt_buf out;
	struct tt_err err;
	char *shown;

	if (j == NULL)
		return CMD_ERROR;
	if (argc > 1 && strcmp(argv[1], "set-aside") == 0)
		return cmd_journal_set_aside(ctx, j, argv[0]);
	if (argc > 1 && strcmp(argv[1], "all") == 0) {
		n = (size_t)-1 / 2;
	} else if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);

		if (*end != '\0' || v < 1) {
			cmd_error(ctx, "%s: expected a number of events or 'all', got '%s'", argv[0], argv[1]);
			return CMD_ERROR;
		}
		n = (size_t)v;
	}
	tt_buf_init(&out);
	tt_err_clear(&err);
	if (journal_tail(j, n, &out, &err) != 0) {
		tt_buf_fini(&out);
		cmd_edit_report_err(ctx, argv[0], &err);
		return CMD_ERROR;
	}
	cmd_print(ctx, "%s", out.data);
	shown = tt_esc_dup(journal_path(j));
	cmd_print(ctx, "%s: %zu undo steps, %zu redo, %zu edits not yet sent to the trainer\n",
		  shown, journal_undo_depth(j), journal_redo_depth(j), journal_pending(j));
	if (journal_held(j) != NULL)
		cmd_print(ctx, "%s: held: %s; edits are refused until 'journal set-aside'\n",
			  shown, journal_held(j));
	free(shown);
	tt_buf_fini(&out);
	return CMD_OK;
}

/* ---- save ---- */

static bool cmd_edit_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Records were dropped from the file: load it again so numbers match. */
static int cmd_edit_reload(struct cmd_ctx *ctx, size_t removed, struct tt_err *err)
{
	struct app *a = ctx->app;
	char *path = tt_xstrdup(a->ds.path);
	char *format = tt_xstrdup(ds_format_name(a->ds.format));
	size_t pending = journal_pending(a->journal);
	int rc = app_load_data(a, path, format, err);

	if (rc == 0) {
		journal_pending_reset(a->journal);
		journal_pending_add(a->journal, pending);
		char *shown = tt_esc_dup(path);

		cmd_print(ctx, "removed %zu deleted record%s from %s\n", removed, removed == 1 ? "" : "s",
			  shown);
		free(shown);
	}
	free(path);
	free(format);
	return rc;
}

int cmd_edit_save(struct cmd_ctx *ctx, const char *path, enum ds_format_id fmt,
		  struct tt_err *err)
{
	struct app *a = ctx->app;
	size_t removed = 0;
	int rc;

	if (a->journal == NULL || a->ds.path == NULL || !cmd_edit_same_file(path, a->ds.path))
		return dataset_save(&a->ds, path, fmt, err);
	rc = journal_save(a->journal, &a->ds, fmt, &removed, err);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		char msg[1200];

		tt_err_format(err, msg, sizeof msg);
		cmd_error(ctx, "save: the data is saved, but the journal could not be compacted (%s); "
			  "it is retried before the next edit", msg);
		tt_err_clear(err);
	}
	if (removed > 0 && cmd_edit_reload(ctx, removed, err) != 0)
		return -1;
	return 0;
}

const char *cmd_edit_annotator(const struct app *a)
{
	const char *s = cfg_get_str(&a->cfg, "annotator");

	/* set annotator NAME (or --set) names who edits from now on, over the session's */
	if (s != NULL && s[0] != '\0')
		return s;
	if (a->session != NULL && a->session->annotator != NULL && a->session->annotator[0] != '\0')
		return a->session->annotator;
	return NULL;
}

/* ---- tunetop export --provenance ---- */

int cli_export(int argc, char **argv)
{
	struct tt_err err;
	size_t n;
	char msg[1200];

	if (argc != 5 || strcmp(argv[2], "--provenance") != 0) {
		fprintf(stderr, "usage: tunetop export --provenance JOURNAL_OR_DATA OUT.jsonl\n"
			"  writes one JSON line per edit: seq, time, annotator, id, op, before, "
			"after, suggestion, confidence\n");
		return 2;
	}
	tt_err_clear(&err);
	if (journal_export_provenance(argv[3], argv[4], &n, &err) != 0) {
		tt_err_format(&err, msg, sizeof msg);
		tt_esc_printf(stderr, "tunetop export: %s\n", msg);
		return 1;
	}
	tt_esc_printf(stderr, "tunetop: wrote %zu provenance lines to %s\n", n, argv[4]);
	return 0;
}
