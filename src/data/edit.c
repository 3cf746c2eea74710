/*
 * edit.c - applying edits to records, the record id index, and filters
 * for bulk edits. See edit.h for the values each field takes.
 */
#include "tunetop/edit.h"

#include "tunetop/findings.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum edit_field field;
} edit_ops[EDIT_NOPS] = {
	[EDIT_LABEL] = { "label", EDIT_F_LABELS },
	[EDIT_UNLABEL] = { "unlabel", EDIT_F_LABELS },
	[EDIT_FLAG] = { "flag", EDIT_F_FLAGGED },
	[EDIT_UNFLAG] = { "unflag", EDIT_F_FLAGGED },
	[EDIT_UNSURE] = { "unsure", EDIT_F_UNSURE },
	[EDIT_SURE] = { "sure", EDIT_F_UNSURE },
	[EDIT_NOTE] = { "note", EDIT_F_NOTE },
	[EDIT_TEXT] = { "text", EDIT_F_TEXT },
	[EDIT_DELETE] = { "delete", EDIT_F_DELETED },
	[EDIT_UNDELETE] = { "undelete", EDIT_F_DELETED },
	[EDIT_MOVE] = { "move", EDIT_F_SPLIT },
};

static const char *edit_field_names[EDIT_NFIELDS] = {
	"labels", "flagged", "unsure", "note", "text", "deleted", "split",
};

const char *edit_op_name(enum edit_op op)
{
	return (unsigned)op < EDIT_NOPS ? edit_ops[op].name : "?";
}

int edit_op_parse(const char *name, enum edit_op *out)
{
	int i;

	for (i = 0; i < EDIT_NOPS; i++) {
		if (strcmp(name, edit_ops[i].name) == 0) {
			*out = (enum edit_op)i;
			return 0;
		}
	}
	return -1;
}

enum edit_field edit_op_field(enum edit_op op)
{
	return edit_ops[op].field;
}

const char *edit_field_name(enum edit_field f)
{
	return (unsigned)f < EDIT_NFIELDS ? edit_field_names[f] : "?";
}

/* ---- values ---- */

static unsigned edit_flag_bit(enum edit_field f)
{
	switch (f) {
	case EDIT_F_FLAGGED: return DS_FLAG_FLAGGED;
	case EDIT_F_UNSURE: return DS_FLAG_UNSURE;
	case EDIT_F_DELETED: return DS_FLAG_DELETED;
	default: return 0;
	}
}

json_t *edit_get(const struct dataset *ds, size_t index, enum edit_field f)
{
	const struct ds_record *r = &ds->recs[index];
	uint32_t i, n;
	json_t *arr;

	switch (f) {
	case EDIT_F_LABELS:
		arr = json_array();
		n = ds_record_nlabels(r);
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_string_nocheck(
				ds->labels.names[ds_record_label_at(r, i)]));
		return arr;
	case EDIT_F_NOTE:
		return r->note != NULL ? json_string_nocheck(r->note) : json_null();
	case EDIT_F_TEXT:
		return json_stringn_nocheck(r->text != NULL ? r->text : "", r->text_len);
	case EDIT_F_SPLIT:
		return json_string(ds_split_name((enum ds_split)r->split));
	default:
		return json_boolean((r->flags & edit_flag_bit(f)) != 0);
	}
}

const char *edit_value_check(enum edit_field f, const json_t *v)
{
	size_t i;

	switch (f) {
	case EDIT_F_LABELS:
		if (!json_is_array(v) || json_array_size(v) > 64)
			return "an array of up to 64 label names";
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *e = json_array_get(v, i);

			if (!json_is_string(e) || json_string_length(e) == 0)
				return "an array of non-empty label names";
			if (strlen(json_string_value(e)) != json_string_length(e))
				return "label names without NUL characters";
		}
		return NULL;
	case EDIT_F_SPLIT: {
		enum ds_split sp;

		if (!json_is_string(v) ||
		    ds_split_parse(json_string_value(v), json_string_length(v), &sp) != 0)
			return "\"train\", \"valid\", \"test\" or \"none\"";
		return NULL;
	}
	case EDIT_F_NOTE:
		if (json_is_null(v))
			return NULL;
		/* fall through */
	case EDIT_F_TEXT:
		if (!json_is_string(v))
			return f == EDIT_F_NOTE ? "a string or null" : "a string";
		if (strlen(json_string_value(v)) != json_string_length(v))
			return "a string without NUL characters";
		return NULL;
	default:
		return json_is_boolean(v) ? NULL : "true or false";
	}
}

static int edit_set_labels(struct dataset *ds, struct ds_record *r, const json_t *v,
			   uint32_t *new_labels)
{
	uint32_t ids[64], n = 0, i, id;
	size_t k;

	for (k = 0; k < json_array_size(v) && k < 64; k++) {
		const char *name = json_string_value(json_array_get(v, k));
		size_t len = strlen(name);

		if (ds_label_find(ds, name, len, &id) != 0) {
			id = ds_label_intern(ds, name, len);
			if (new_labels != NULL)
				(*new_labels)++;
		}
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i == n)
			ids[n++] = id;
	}
	if (n == ds_record_nlabels(r)) {
		for (i = 0; i < n && ds_record_label_at(r, i) == ids[i]; i++)
			;
		if (i == n)
			return 0;
	}
	ds_record_set_labels(r, ids, n);
	if (n > 1)
		ds->multilabel = true;
	return 1;
}

static int edit_set_text(struct dataset *ds, struct ds_record *r, const json_t *v)
{
	size_t len = json_string_length(v);

	if (r->text != NULL && r->text_len == len && memcmp(r->text, json_string_value(v), len) == 0)
		return 0;
	if (ds->text_reader_stop != NULL)
		ds->text_reader_stop(ds->text_reader_opaque);	/* it may read this text */
	if (r->own & DS_OWN_TEXT)
		free((char *)r->text);
	r->text = tt_xstrndup(json_string_value(v), len);
	r->text_len = (uint32_t)len;
	r->own |= DS_OWN_TEXT;
	return 1;
}

static int edit_set_note(struct ds_record *r, const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	if ((s == NULL && r->note == NULL) || (s != NULL && r->note != NULL && strcmp(s, r->note) == 0))
		return 0;
	free(r->note);
	r->note = s != NULL ? tt_xstrdup(s) : NULL;
	return 1;
}

int edit_set(struct dataset *ds, size_t index, enum edit_field f, const json_t *v,
	     uint32_t *new_labels)
{
	struct ds_record *r = &ds->recs[index];
	unsigned bit = edit_flag_bit(f);
	int changed;

	if (f == EDIT_F_LABELS) {
		changed = edit_set_labels(ds, r, v, new_labels);
	} else if (f == EDIT_F_TEXT) {
		changed = edit_set_text(ds, r, v);
		ds->text_edits += (uint64_t)changed;
	} else if (f == EDIT_F_NOTE) {
		changed = edit_set_note(r, v);
	} else if (f == EDIT_F_SPLIT) {
		enum ds_split sp = DS_SPLIT_NONE;

		ds_split_parse(json_string_value(v), json_string_length(v), &sp);
		changed = r->split != sp;
		r->split = (uint8_t)sp;
		if (changed)
			r->flags &= (uint8_t)~DS_FLAG_SPLIT;    /* an edit of the record now */
	} else {
		unsigned want = json_is_true(v) ? bit : 0;

		changed = (r->flags & bit) != want;
		r->flags = (uint8_t)((r->flags & ~bit) | want);
	}
	if (changed)
		r->flags |= DS_FLAG_DIRTY;
	return changed;
}

/* ---- record references ---- */

void edit_ref_fini(struct edit_ref *r)
{
	free(r->id);
	r->id = NULL;
	r->rec = 0;
}

void edit_ref_format(const struct edit_ref *r, struct tt_buf *out)
{
	if (r->id != NULL)
		tt_buf_adds(out, r->id);
	else
		tt_buf_printf(out, "%llu", (unsigned long long)r->rec);
}

/*
 * An id the journal can name a record by: present and not empty. A record
 * whose id field is "" is named by its number, like one without an id
 * (the journal refuses an empty "id", so an edit by it could not replay).
 */
static bool edit_has_id(const struct ds_record *r)
{
	return r->id != NULL && r->id_len > 0;
}

void edit_index_build(struct edit_index *x, const struct dataset *ds)
{
	size_t i;
	uint32_t v;

	strmap_init(&x->ids);
	strmap_init(&x->dups);
	x->dup_ids = 0;
	x->dup_records = 0;
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (!edit_has_id(r))
			continue;
		if (!strmap_get(&x->ids, r->id, r->id_len, &v)) {
			strmap_put(&x->ids, r->id, r->id_len, (uint32_t)i);
			continue;
		}
		/* A duplicate id: the first record keeps it for the journal. */
		if (!strmap_get(&x->dups, r->id, r->id_len, &v)) {
			v = 1;
			x->dup_ids++;
			if (x->dup_ids == 1)
				x->dup_first = (uint32_t)i;
		}
		strmap_put(&x->dups, r->id, r->id_len, v + 1);
		x->dup_records++;
	}
}

void edit_index_fini(struct edit_index *x)
{
	strmap_fini(&x->ids);
	strmap_fini(&x->dups);
}

size_t edit_index_records_of(const struct dataset *ds, const char *id, size_t len,
			     size_t *out, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (edit_has_id(r) && r->id_len == len && memcmp(r->id, id, len) == 0) {
			if (n < max)
				out[n] = i;
			n++;
		}
	}
	return n;
}

void edit_ref_of(const struct edit_index *x, const struct dataset *ds, size_t index,
		 struct edit_ref *out)
{
	const struct ds_record *r = &ds->recs[index];
	uint32_t v;

	out->id = NULL;
	out->rec = index + 1;
	if (edit_has_id(r) && memchr(r->id, '\0', r->id_len) == NULL &&
	    strmap_get(&x->ids, r->id, r->id_len, &v) && v == index)
		out->id = tt_xstrndup(r->id, r->id_len);
}

int edit_ref_find(const struct edit_index *x, const struct dataset *ds, const struct edit_ref *r,
		  size_t *index)
{
	uint32_t v;

	if (r->id != NULL) {
		if (!strmap_get(&x->ids, r->id, strlen(r->id), &v))
			return -1;
		*index = v;
		return 0;
	}
	if (r->rec < 1 || r->rec > ds->n)
		return -1;
	*index = (size_t)(r->rec - 1);
	return 0;
}

/* A decimal number 1..max, or 0. */
static uint64_t edit_parse_number(const char *s, uint64_t max)
{
	uint64_t v = 0;

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s) || v > max / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v <= max ? v : 0;
}

/* An id that names several records: refuse, and name them as @N. */
static int edit_find_ambiguous(const struct dataset *ds, const char *word, uint32_t count,
			       struct tt_err *err)
{
	size_t at[8], n, i;
	struct tt_buf b;

	n = edit_index_records_of(ds, word, strlen(word), at, 8);
	tt_buf_init(&b);
	tt_buf_adds(&b, "");
	for (i = 0; i < n && i < 8; i++)
		tt_buf_printf(&b, "%s@%zu", i > 0 ? ", " : "", at[i] + 1);
	if (n > 8)
		tt_buf_printf(&b, " and %zu more", n - 8);
	tt_err_set(err, NULL, 0, 0, "id '%s' names %u records (%s): address one as @N",
		   word, count, b.data);
	tt_buf_fini(&b);
	return -1;
}

int edit_find(const struct edit_index *x, const struct dataset *ds, const char *word,
	      size_t *index, struct tt_err *err)
{
	uint32_t v, count;
	uint64_t n;

	if (word[0] == '@' && (n = edit_parse_number(word + 1, ds->n)) > 0) {
		*index = (size_t)(n - 1);
		return 0;
	}
	if (strmap_get(&x->ids, word, strlen(word), &v)) {
		if (strmap_get(&x->dups, word, strlen(word), &count))
			return edit_find_ambiguous(ds, word, count, err);
		*index = v;
		return 0;
	}
	n = edit_parse_number(word, ds->n);
	if (n > 0 && !edit_has_id(&ds->recs[n - 1])) {
		*index = (size_t)(n - 1);
		return 0;
	}
	tt_err_set(err, NULL, 0, 0,
		   "no record '%s' (expected a record's id, or its number 1-%zu when it has "
		   "no id; @N picks the N-th record)", word, ds->n);
	return -1;
}

/* ---- filters ---- */

#define EDIT_FILTER_HELP \
	"label=NAME, label!=NAME, labeled, unlabeled, split=train|valid|test|none, " \
	"flag=flagged|unsure|none, flagged, unsure, text~/RE/ (text~/RE/i ignores case), " \
	"text!~/RE/, note~/RE/, id=ID, all, pred=NAME, pred!=NAME, conf=LO..HI, " \
	"conf<X, conf<=X, conf>X, conf>=X, correct, wrong, edited, by=NAME, dup, near-dup, " \
	"leak, outlier, outlier=KIND or likely-error"

/* The end of the term starting at p: a space, except inside /.../. */
static const char *edit_term_end(const char *p)
{
	const char *slash = NULL;

	for (; *p != '\0'; p++) {
		if (*p == '~' && p[1] == '/') {
			slash = p + 1;
			break;
		}
		if (*p == ' ' || *p == '\t')
			return p;
	}
	if (slash == NULL)
		return p;
	for (p = slash + 1; *p != '\0' && *p != '/'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
	}
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	return p;
}

static int edit_term_label(struct edit_term *t, const struct dataset *ds, const char *name,
			   const char *term, struct tt_err *err)
{
	if (ds_label_find(ds, name, strlen(name), &t->label) == 0)
		return 0;
	tt_err_set(err, NULL, 0, 0, "filter term '%s': no label '%s' (the dataset has %u labels; "
		   "see 'labels')", term, name, ds->labels.n);
	return -1;
}

/* "/RE/" or "/RE/i" into t->re; "\/" stands for a slash. */
static int edit_term_regex(struct edit_term *t, const char *spec, const char *term,
			   struct tt_err *err)
{
	size_t n = strlen(spec), i;
	int icase = 0, rc;
	struct tt_buf re;
	char msg[200];

	if (n >= 3 && spec[n - 1] == 'i' && spec[n - 2] == '/') {
		icase = 1;
		n--;
	}
	if (n < 2 || spec[0] != '/' || spec[n - 1] != '/') {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected a regular expression "
			   "between slashes, e.g. text~/refund/ or text~/refund/i", term);
		return -1;
	}
	tt_buf_init(&re);
	for (i = 1; i + 1 < n; i++) {
		if (spec[i] == '\\' && spec[i + 1] == '/' && i + 2 < n)
			i++;
		tt_buf_addc(&re, spec[i]);
	}
	rc = regcomp(&t->re, re.data, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
	tt_buf_fini(&re);
	if (rc != 0) {
		regerror(rc, &t->re, msg, sizeof msg);
		regfree(&t->re);
		tt_err_set(err, NULL, 0, 0, "filter term '%s': bad regular expression: %s", term, msg);
		return -1;
	}
	t->has_re = true;
	return 0;
}

static int edit_term_flag(struct edit_term *t, const char *v, const char *term, struct tt_err *err)
{
	if (strcmp(v, "flagged") == 0)
		t->kind = EDIT_T_FLAGGED;
	else if (strcmp(v, "unsure") == 0)
		t->kind = EDIT_T_UNSURE;
	else if (strcmp(v, "none") == 0)
		t->kind = EDIT_T_UNFLAGGED;
	else {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected flag=flagged, flag=unsure "
			   "or flag=none", term);
		return -1;
	}
	return 0;
}

static int edit_term_split(struct edit_term *t, const char *v, const char *term,
			   struct tt_err *err)
{
	enum ds_split s;

	if (ds_split_parse(v, strlen(v), &s) != 0 || v[0] == '\0') {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected split=train, valid, test "
			   "or none", term);
		return -1;
	}
	t->kind = EDIT_T_SPLIT;
	t->split = (uint8_t)s;
	return 0;
}

/* pred=NAME, pred!=NAME: NAME must be a label, so a typo fails here, not silently. */
static int edit_term_pred(struct edit_term *t, enum edit_term_kind kind, const struct dataset *ds,
			  const char *name, const char *term, struct tt_err *err)
{
	t->kind = kind;
	if (name[0] == '\0') {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected a label name after '=', "
			   "e.g. pred=billing", term);
		return -1;
	}
	if (edit_term_label(t, ds, name, term, err) != 0)
		return -1;
	t->name = tt_xstrdup(name);
	return 0;
}

/*
 * A probability: a plain decimal number from 0 to 1 (s[0..len), not
 * NUL-terminated). example shows the term written right.
 */
static int edit_conf_number(const char *s, size_t len, float *out, const char *term,
			    const char *example, struct tt_err *err)
{
	char buf[64];
	size_t i = 0, digits = 0, dots = 0;
	double v;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		i++;
	for (; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.')
			dots++;
		else
			break;
	}
	if (len == 0) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': a number is missing (expected a "
			   "probability from 0 to 1, e.g. %s)", term, example);
		return -1;
	}
	if (i < len || digits == 0 || dots > 1 || len >= sizeof buf) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': '%.*s' is not a number (expected a "
			   "probability from 0 to 1, e.g. %s)", term, (int)len, s, example);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, NULL);
	if (!isfinite(v) || v < 0 || v > 1) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': %s is out of range (expected a "
			   "probability from 0 to 1, e.g. %s)", term, buf, example);
		return -1;
	}
	/* Compared with the model's floats, so conf<=0.6 holds for a 0.6f prediction. */
	*out = (float)v;
	return 0;
}

/* conf=LO..HI, either side may be left out (then it is unbounded). */
static int edit_conf_range(struct edit_term *t, const char *v, const char *term,
			   struct tt_err *err)
{
	static const char example[] = "conf=0.2..0.5";
	const char *dots = strstr(v, "..");
	const char *hi = dots != NULL ? dots + 2 : NULL;

	if (dots == NULL) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected conf=LO..HI with LO and HI "
			   "from 0 to 1 (either may be left out: conf=..0.6, conf=0.9..), or conf<X, "
			   "conf<=X, conf>X, conf>=X", term);
		return -1;
	}
	if (dots == v && *hi == '\0') {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected a bound on at least one "
			   "side, e.g. conf=..0.6 or conf=0.9..", term);
		return -1;
	}
	if (dots > v && edit_conf_number(v, (size_t)(dots - v), &t->lo, term, example, err) != 0)
		return -1;
	if (*hi != '\0' && edit_conf_number(hi, strlen(hi), &t->hi, term, example, err) != 0)
		return -1;
	if (t->lo > t->hi) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': the range is empty (expected "
			   "conf=LO..HI with LO <= HI, e.g. %s)", term, example);
		return -1;
	}
	return 0;
}

/* The conf terms; op is what follows "conf". Missing bounds are infinite. */
static int edit_term_conf(struct edit_term *t, const char *op, const char *term,
			  struct tt_err *err)
{
	t->kind = EDIT_T_CONF;
	t->lo = -INFINITY;
	t->hi = INFINITY;
	if (op[0] == '=')
		return edit_conf_range(t, op + 1, term, err);
	if (strncmp(op, "<=", 2) == 0)
		return edit_conf_number(op + 2, strlen(op + 2), &t->hi, term, "conf<=0.5", err);
	if (strncmp(op, ">=", 2) == 0)
		return edit_conf_number(op + 2, strlen(op + 2), &t->lo, term, "conf>=0.9", err);
	if (op[0] == '<') {
		t->hi_open = true;
		return edit_conf_number(op + 1, strlen(op + 1), &t->hi, term, "conf<0.5", err);
	}
	t->lo_open = true;
	return edit_conf_number(op + 1, strlen(op + 1), &t->lo, term, "conf>0.9", err);
}

/*
 * The finding terms dup, near-dup, leak, outlier, outlier=KIND and
 * likely-error: 0 parsed, -1 + err bad, 1 not one.
 */
static int edit_term_finding(struct edit_term *t, const char *term, struct tt_err *err)
{
	static const struct {
		const char *word;
		unsigned flag;
	} words[] = {
		{ "dup", FINDINGS_DUP }, { "near-dup", FINDINGS_NEAR },
		{ "leak", FINDINGS_LEAK }, { "outlier", FINDINGS_OUTLIER },
		{ "likely-error", FINDINGS_LIKELY_ERROR },
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(term, words[i].word) == 0) {
			t->kind = EDIT_T_FINDING;
			t->finding = words[i].flag;
			return 0;
		}
	}
	if (strncmp(term, "outlier=", 8) != 0)
		return 1;
	t->kind = EDIT_T_FINDING;
	t->finding = FINDINGS_OUTLIER;
	t->outlier = findings_outlier_parse(term + 8);
	if (t->outlier == 0) {
		tt_err_set(err, NULL, 0, 0, "filter term '%s': expected outlier=empty, short, "
			   "long, control, encoding, nonletter or unknown", term);
		return -1;
	}
	return 0;
}

static int edit_term_parse(struct edit_term *t, const struct dataset *ds,
			   const struct edit_index *x, const char *term, struct tt_err *err)
{
	static const struct {
		const char *word;
		enum edit_term_kind kind;
	} bare[] = {
		{ "all", EDIT_T_ALL }, { "unlabeled", EDIT_T_UNLABELED },
		{ "labeled", EDIT_T_LABELED }, { "flagged", EDIT_T_FLAGGED },
		{ "unsure", EDIT_T_UNSURE }, { "correct", EDIT_T_CORRECT },
		{ "wrong", EDIT_T_WRONG }, { "edited", EDIT_T_EDITED },
	};
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < sizeof bare / sizeof bare[0]; i++) {
		if (strcmp(term, bare[i].word) == 0) {
			t->kind = bare[i].kind;
			return 0;
		}
	}
	if (strncmp(term, "label=", 6) == 0) {
		t->kind = EDIT_T_LABEL;
		return edit_term_label(t, ds, term + 6, term, err);
	}
	if (strncmp(term, "label!=", 7) == 0) {
		t->kind = EDIT_T_NOT_LABEL;
		return edit_term_label(t, ds, term + 7, term, err);
	}
	if (strncmp(term, "split=", 6) == 0)
		return edit_term_split(t, term + 6, term, err);
	if (strncmp(term, "flag=", 5) == 0)
		return edit_term_flag(t, term + 5, term, err);
	if (strncmp(term, "text~", 5) == 0) {
		t->kind = EDIT_T_TEXT_RE;
		return edit_term_regex(t, term + 5, term, err);
	}
	if (strncmp(term, "text!~", 6) == 0) {
		t->kind = EDIT_T_TEXT_NOT_RE;
		return edit_term_regex(t, term + 6, term, err);
	}
	if (strncmp(term, "note~", 5) == 0) {
		t->kind = EDIT_T_NOTE_RE;
		return edit_term_regex(t, term + 5, term, err);
	}
	if (strncmp(term, "id=", 3) == 0) {
		struct tt_err e2;

		t->kind = EDIT_T_ID;
		if (edit_find(x, ds, term + 3, &t->index, &e2) == 0)
			return 0;
		tt_err_set(err, NULL, 0, 0, "filter term '%s': %s", term, e2.msg);
		return -1;
	}
	if (strncmp(term, "by=", 3) == 0) {
		if (term[3] == '\0') {
			tt_err_set(err, NULL, 0, 0, "filter term '%s': expected an annotator name "
				   "(by=alice)", term);
			return -1;
		}
		t->kind = EDIT_T_BY;
		t->name = tt_xstrdup(term + 3);
		return 0;
	}
	switch (edit_term_finding(t, term, err)) {
	case 0: return 0;
	case -1: return -1;
	default: break;
	}
	if (strncmp(term, "pred=", 5) == 0)
		return edit_term_pred(t, EDIT_T_PRED, ds, term + 5, term, err);
	if (strncmp(term, "pred!=", 6) == 0)
		return edit_term_pred(t, EDIT_T_NOT_PRED, ds, term + 6, term, err);
	if (strncmp(term, "conf", 4) == 0 && term[4] != '\0' && strchr("=<>", term[4]) != NULL)
		return edit_term_conf(t, term + 4, term, err);
	tt_err_set(err, NULL, 0, 0, "unknown filter term '%s' (expected " EDIT_FILTER_HELP ")", term);
	return -1;
}

int edit_filter_parse(struct edit_filter *f, const struct dataset *ds,
		      const struct edit_index *x, const char *text, struct tt_err *err)
{
	const char *p = text;

	memset(f, 0, sizeof *f);
	f->text = tt_xstrdup(text);
	for (;;) {
		const char *end;
		char *term;
		int rc;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		end = edit_term_end(p);
		term = tt_xstrndup(p, (size_t)(end - p));
		f->terms = tt_xrealloc(f->terms, (f->n + 1) * sizeof *f->terms);
		rc = edit_term_parse(&f->terms[f->n], ds, x, term, err);
		free(term);
		if (rc != 0) {
			edit_filter_fini(f);
			return -1;
		}
		f->n++;
		p = end;
	}
	for (size_t i = 0; i < f->n; i++)	/* "edited by=NAME": NAME's edits this session */
		for (size_t k = 0; k < f->n; k++)
			if (f->terms[i].kind == EDIT_T_BY && f->terms[k].kind == EDIT_T_EDITED)
				f->terms[i].session = true;
	if (f->n == 0) {
		edit_filter_fini(f);
		tt_err_set(err, NULL, 0, 0, "empty filter (expected terms such as " EDIT_FILTER_HELP ")");
		return -1;
	}
	return 0;
}

static bool edit_has_label(const struct ds_record *r, uint32_t label)
{
	uint32_t i, n = ds_record_nlabels(r);

	for (i = 0; i < n; i++) {
		if (ds_record_label_at(r, i) == label)
			return true;
	}
	return false;
}

static bool edit_regex_match(const regex_t *re, const char *s, size_t len)
{
	regmatch_t m[1];

	if (s == NULL)
		return false;
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	return regexec(re, s, 1, m, REG_STARTEND) == 0;
}

/*
 * A record's prediction, asked for at most once per record and only when
 * a term needs it (pred= conf=..0.5 asks once).
 */
struct edit_pred_lookup {
	const struct edit_preds *preds;
	int state;           /* 0: not asked yet, 1: there is one, -1: there is none */
	const char *label;
	float conf;
	const struct edit_edits *edits;   /* for edited and by= */
	const struct edit_findings *findings;   /* for the finding terms */
};

static bool edit_pred_have(struct edit_pred_lookup *p, size_t index)
{
	const struct edit_preds *src = p->preds;

	if (p->state == 0) {
		p->state = -1;
		if (src != NULL && src->get != NULL &&
		    src->get(src->opaque, index, &p->label, &p->conf) == 0 && p->label != NULL)
			p->state = 1;
	}
	return p->state == 1;
}

static bool edit_conf_in(const struct edit_term *t, float c)
{
	bool above = t->lo_open ? c > t->lo : c >= t->lo;
	bool below = t->hi_open ? c < t->hi : c <= t->hi;

	return above && below;
}

/* The prediction terms; none holds for a record without a prediction. */
static bool edit_pred_term_match(const struct edit_term *t, const struct dataset *ds,
				 size_t index, struct edit_pred_lookup *p)
{
	const struct ds_record *r = &ds->recs[index];
	const char *first;

	if (!edit_pred_have(p, index))
		return false;
	switch (t->kind) {
	case EDIT_T_PRED: return strcmp(p->label, t->name) == 0;
	case EDIT_T_NOT_PRED: return strcmp(p->label, t->name) != 0;
	case EDIT_T_CONF: return edit_conf_in(t, p->conf);
	case EDIT_T_CORRECT:
	case EDIT_T_WRONG:
		if (ds_record_nlabels(r) == 0)
			return false;
		first = ds->labels.names[ds_record_label_at(r, 0)];
		return (strcmp(p->label, first) == 0) == (t->kind == EDIT_T_CORRECT);
	default: return false;
	}
}

static bool edit_term_match(const struct edit_term *t, const struct dataset *ds, size_t index,
			    struct edit_pred_lookup *p)
{
	const struct ds_record *r = &ds->recs[index];

	switch (t->kind) {
	case EDIT_T_ALL: return true;
	case EDIT_T_LABEL: return edit_has_label(r, t->label);
	case EDIT_T_NOT_LABEL: return !edit_has_label(r, t->label);
	case EDIT_T_UNLABELED: return ds_record_nlabels(r) == 0;
	case EDIT_T_LABELED: return ds_record_nlabels(r) > 0;
	case EDIT_T_SPLIT: return r->split == t->split;
	case EDIT_T_FLAGGED: return (r->flags & DS_FLAG_FLAGGED) != 0;
	case EDIT_T_UNSURE: return (r->flags & DS_FLAG_UNSURE) != 0;
	case EDIT_T_UNFLAGGED: return (r->flags & (DS_FLAG_FLAGGED | DS_FLAG_UNSURE)) == 0;
	case EDIT_T_TEXT_RE: return edit_regex_match(&t->re, r->text, r->text_len);
	case EDIT_T_TEXT_NOT_RE: return !edit_regex_match(&t->re, r->text, r->text_len);
	case EDIT_T_NOTE_RE:
		return r->note != NULL && edit_regex_match(&t->re, r->note, strlen(r->note));
	case EDIT_T_ID: return index == t->index;
	case EDIT_T_PRED:
	case EDIT_T_NOT_PRED:
	case EDIT_T_CONF:
	case EDIT_T_CORRECT:
	case EDIT_T_WRONG:
		return edit_pred_term_match(t, ds, index, p);
	case EDIT_T_EDITED:
	case EDIT_T_BY:
		return p->edits != NULL && p->edits->edited != NULL &&
		       p->edits->edited(p->edits->opaque, index,
					t->kind == EDIT_T_EDITED || t->session,
					t->kind == EDIT_T_BY ? t->name : NULL);
	case EDIT_T_FINDING: {
		unsigned kinds = 0, flags;

		if (p->findings == NULL || p->findings->get == NULL)
			return false;
		flags = p->findings->get(p->findings->opaque, index, t->finding, &kinds);
		return t->outlier != 0 ? (kinds & t->outlier) != 0 : (flags & t->finding) != 0;
	}
	}
	return false;
}

bool edit_filter_match(const struct edit_filter *f, const struct dataset *ds, size_t index)
{
	struct edit_pred_lookup p = { f->preds, 0, NULL, 0, f->edits, f->findings };
	size_t i;

	if (ds->recs[index].flags & DS_FLAG_DELETED)
		return false;
	for (i = 0; i < f->n; i++) {
		if (!edit_term_match(&f->terms[i], ds, index, &p))
			return false;
	}
	return true;
}

bool edit_filter_uses_preds(const struct edit_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		switch (f->terms[i].kind) {
		case EDIT_T_PRED:
		case EDIT_T_NOT_PRED:
		case EDIT_T_CONF:
		case EDIT_T_CORRECT:
		case EDIT_T_WRONG:
			return true;
		default:
			break;
		}
	}
	return false;
}

unsigned edit_filter_findings(const struct edit_filter *f)
{
	unsigned need = 0;
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->terms[i].kind == EDIT_T_FINDING)
			need |= f->terms[i].finding;
	}
	return need;
}

void edit_filter_fini(struct edit_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->terms[i].has_re)
			regfree(&f->terms[i].re);
		free(f->terms[i].name);
	}
	free(f->terms);
	free(f->text);
	memset(f, 0, sizeof *f);
}
