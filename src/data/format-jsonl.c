/*
 * format-jsonl.c - JSON Lines reader and writer.
 *
 * jansson validates and decodes each line (errors carry its column). A small
 * scanner (jsonl_find) locates the raw bytes of a top-level member's value:
 * the reader uses it to point a record's text into the file buffer when the
 * string needs no decoding (most do not: no copy, half the memory), and the
 * writer uses it to splice edited fields into the original line so every
 * other byte - unknown fields, key order, escapes, spacing - survives.
 * The scanner only ever runs on lines jansson has already accepted.
 */
#include <jansson.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/dataset.h"
#include "tunetop/jsonl-scan.h"

struct jsonl_span {
	size_t value_start;   /* first byte of the value */
	size_t value_end;     /* one past its last byte */
};

static size_t jsonl_skip_ws(const char *p, size_t i, size_t n)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

/* i is at the opening quote; returns the index after the closing quote. */
static size_t jsonl_skip_string(const char *p, size_t i, size_t n)
{
	for (i++; i < n; i++) {
		if (p[i] == '\\')
			i++;
		else if (p[i] == '"')
			return i + 1;
	}
	return n;
}

static size_t jsonl_skip_value(const char *p, size_t i, size_t n)
{
	int depth = 0;

	if (i < n && p[i] == '"')
		return jsonl_skip_string(p, i, n);
	while (i < n) {
		char c = p[i];

		if (c == '"') {
			i = jsonl_skip_string(p, i, n);
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			depth--;
			if (depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
			return i;
		}
		i++;
	}
	return n;
}

/*
 * Find top-level member key in a valid JSON object p[0..n). Keys are
 * compared byte for byte (a key written with escapes does not match).
 */
static int jsonl_find(const char *p, size_t n, const char *key, struct jsonl_span *out)
{
	size_t klen = strlen(key), i = jsonl_skip_ws(p, 0, n);

	if (i >= n || p[i] != '{')
		return 0;
	i++;
	for (;;) {
		size_t ks, ke;
		int match;

		i = jsonl_skip_ws(p, i, n);
		if (i >= n || p[i] != '"')
			return 0;
		ks = i + 1;
		i = jsonl_skip_string(p, i, n);
		ke = i - 1;
		match = ke - ks == klen && memcmp(p + ks, key, klen) == 0;
		i = jsonl_skip_ws(p, i, n);
		if (i >= n || p[i] != ':')
			return 0;
		i = jsonl_skip_ws(p, i + 1, n);
		out->value_start = i;
		i = jsonl_skip_value(p, i, n);
		out->value_end = i;
		if (match)
			return 1;
		i = jsonl_skip_ws(p, i, n);
		if (i >= n || p[i] != ',')
			return 0;
		i++;
	}
}

static const char *jsonl_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "a number";
	case JSON_REAL: return "a number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* 1-based column of the value of key in line s, or 1 if not found. */
static uint32_t jsonl_value_col(const char *s, size_t len, const char *key)
{
	struct jsonl_span sp;

	if (jsonl_find(s, len, key, &sp))
		return tt_utf8_column(s, sp.value_start);
	return 1;
}

/*
 * Line outcomes. ds_reject returns -1 (stop the load) or 0 (skip the line),
 * which are JSONL_STOP and JSONL_SKIP, so a rejection is returned as is.
 */
enum {
	JSONL_STOP = -1,
	JSONL_SKIP = 0,
	JSONL_OK = 1,
};

/* Everything one line yields before it becomes a record (labels last: not cleared). */
struct jsonl_fields {
	const char *text;
	size_t text_len;
	int text_owned;
	const char *id;
	size_t id_len;
	int id_owned;
	uint32_t nlabels;
	int had_label;
	int label_array;      /* the label was a JSON array: a multi-label dataset */
	enum ds_split split;
	uint8_t flags;        /* DS_FLAG_FLAGGED / DS_FLAG_UNSURE from "flags" */
	char *note;           /* copy of "note", or NULL */
	const char *labels[64];
	size_t label_lens[64];
};

/*
 * Point at a string member's raw bytes when they need no decoding, else
 * copy jansson's decoded value.
 */
static void jsonl_string_ref(const char *s, size_t len, const char *key, json_t *v,
			     const char **out, size_t *out_len, int *owned)
{
	struct jsonl_span sp;

	if (jsonl_find(s, len, key, &sp) && sp.value_end - sp.value_start >= 2 &&
	    memchr(s + sp.value_start, '\\', sp.value_end - sp.value_start) == NULL) {
		*out = s + sp.value_start + 1;
		*out_len = sp.value_end - sp.value_start - 2;
		*owned = 0;
		return;
	}
	*out_len = json_string_length(v);
	*out = tt_xstrndup(json_string_value(v), *out_len);
	*owned = 1;
}

static int jsonl_get_labels(struct dataset *ds, const struct ds_options *o, struct tt_err *err,
			    const char *s, size_t len, uint32_t line, json_t *root,
			    struct jsonl_fields *f)
{
	json_t *v = json_object_get(root, ds->label_field);
	size_t i;

	f->had_label = v != NULL;
	if (v == NULL || json_is_null(v))
		return JSONL_OK;
	if (json_is_string(v)) {
		if (json_string_length(v) > 0) {
			f->labels[0] = json_string_value(v);
			f->label_lens[0] = json_string_length(v);
			f->nlabels = 1;
		}
		return JSONL_OK;
	}
	if (json_is_array(v) && json_array_size(v) <= 64) {
		f->label_array = 1;
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);

			if (!json_is_string(e) || json_string_length(e) == 0)
				return ds_reject(ds, o, err, line, jsonl_value_col(s, len, ds->label_field),
						 "label %zu of field \"%s\" is %s (expected a non-empty string)",
						 i + 1, ds->label_field, jsonl_type_name(e));
			f->labels[f->nlabels] = json_string_value(e);
			f->label_lens[f->nlabels++] = json_string_length(e);
		}
		return JSONL_OK;
	}
	return ds_reject(ds, o, err, line, jsonl_value_col(s, len, ds->label_field),
			 "field \"%s\" is %s (expected a string, an array of up to 64 strings, or null)",
			 ds->label_field, jsonl_type_name(v));
}

static int jsonl_get_id_split(struct dataset *ds, const struct ds_options *o, struct tt_err *err,
			      const char *s, size_t len, uint32_t line, json_t *root,
			      struct jsonl_fields *f)
{
	json_t *v = json_object_get(root, ds->id_field);
	struct jsonl_span sp;

	if (v != NULL && json_is_string(v)) {
		jsonl_string_ref(s, len, ds->id_field, v, &f->id, &f->id_len, &f->id_owned);
	} else if (v != NULL && json_is_integer(v) && jsonl_find(s, len, ds->id_field, &sp)) {
		f->id = s + sp.value_start;
		f->id_len = sp.value_end - sp.value_start;
	} else if (v != NULL && !json_is_null(v)) {
		return ds_reject(ds, o, err, line, jsonl_value_col(s, len, ds->id_field),
				 "field \"%s\" is %s (expected a string or an integer)",
				 ds->id_field, jsonl_type_name(v));
	}
	v = json_object_get(root, ds->split_field);
	if (v == NULL || json_is_null(v))
		return JSONL_OK;
	if (!json_is_string(v) ||
	    ds_split_parse(json_string_value(v), json_string_length(v), &f->split) != 0) {
		if (f->id_owned)
			free((char *)f->id);
		return ds_reject(ds, o, err, line, jsonl_value_col(s, len, ds->split_field),
				 "field \"%s\" is not a split (expected \"train\", \"valid\" or \"test\")",
				 ds->split_field);
	}
	return JSONL_OK;
}

/*
 * What tunetop itself writes into edited records: "flags" (an array of
 * "flagged" / "unsure") and "note". Other shapes are left alone: they are
 * the user's fields, kept verbatim, not ours.
 */
static void jsonl_get_marks(json_t *root, struct jsonl_fields *f)
{
	json_t *flags = json_object_get(root, "flags"), *note = json_object_get(root, "note");
	size_t i;

	for (i = 0; json_is_array(flags) && i < json_array_size(flags); i++) {
		const char *w = json_string_value(json_array_get(flags, i));

		if (w != NULL && strcmp(w, "flagged") == 0)
			f->flags |= DS_FLAG_FLAGGED;
		else if (w != NULL && strcmp(w, "unsure") == 0)
			f->flags |= DS_FLAG_UNSURE;
	}
	if (json_is_string(note))
		f->note = tt_xstrndup(json_string_value(note), json_string_length(note));
}

/* ---- the fast path (jsonl-scan.c) ---- */

/* A scanned string: its raw bytes when it has no escapes, else a decoded copy. */
static void jsonl_fast_string(const char *s, const struct jsonl_scan_value *v,
			      const char **out, size_t *out_len, int *owned)
{
	char *copy;

	if (!v->escaped) {
		*out = s + v->start + 1;
		*out_len = v->end - v->start - 2;
		*owned = 0;
		return;
	}
	copy = tt_xmalloc(v->end - v->start);
	*out_len = jsonl_scan_decode(s, v, copy);
	*out = copy;
	*owned = 1;
}

/* A plain (unescaped) string value equal to word. */
static int jsonl_fast_is(const char *s, const struct jsonl_scan_value *v, const char *word)
{
	size_t n = strlen(word);

	return v->type == JSONL_SCAN_STRING && !v->escaped && v->end - v->start == n + 2 &&
	       memcmp(s + v->start + 1, word, n) == 0;
}

/* The label member: 1 if it is one the fast path takes (f filled), else 0. */
static int jsonl_fast_labels(const char *s, const struct jsonl_scan_value *v,
			     struct jsonl_fields *f)
{
	struct jsonl_scan_value e;
	uint32_t pos;

	f->had_label = v != NULL;
	if (v == NULL || v->type == JSONL_SCAN_NULL)
		return 1;
	if (v->type == JSONL_SCAN_STRING && !v->escaped) {
		if (v->end - v->start > 2) {
			f->labels[0] = s + v->start + 1;
			f->label_lens[0] = v->end - v->start - 2;
			f->nlabels = 1;
		}
		return 1;
	}
	if (v->type != JSONL_SCAN_ARRAY)
		return 0;
	f->label_array = 1;
	for (pos = v->start; jsonl_scan_next(s, v, &pos, &e);) {
		if (e.type != JSONL_SCAN_STRING || e.escaped || e.end - e.start == 2 ||
		    f->nlabels == 64)
			return 0;
		f->labels[f->nlabels] = s + e.start + 1;
		f->label_lens[f->nlabels++] = e.end - e.start - 2;
	}
	return 1;
}

/* "flags": as jsonl_get_marks, on scanned values (escaped words: not simple). */
static int jsonl_fast_flags(const char *s, const struct jsonl_scan_value *v,
			    struct jsonl_fields *f)
{
	struct jsonl_scan_value e;
	uint32_t pos;

	if (v == NULL || v->type != JSONL_SCAN_ARRAY)
		return 1;
	for (pos = v->start; jsonl_scan_next(s, v, &pos, &e);) {
		if (e.escaped)
			return 0;
		if (jsonl_fast_is(s, &e, "flagged"))
			f->flags |= DS_FLAG_FLAGGED;
		else if (jsonl_fast_is(s, &e, "unsure"))
			f->flags |= DS_FLAG_UNSURE;
	}
	return 1;
}

/*
 * The common line without jansson: 1 and f filled, or 0 (nothing
 * allocated) when the line is not simple or would be rejected; then the
 * jansson path decides, with its exact messages. Every test here mirrors
 * one of jsonl_parse_fields and the functions it calls.
 */
static int jsonl_fast_fields(const struct dataset *ds, const char *s, size_t len,
			     struct jsonl_fields *f)
{
	struct jsonl_scan sc;
	const struct jsonl_scan_value *text, *id, *split, *note;
	const char *what;

	if (!jsonl_scan_line(s, len, &sc) || (sc.high && tt_utf8_check(s, len, &what) >= 0))
		return 0;
	text = jsonl_scan_find(&sc, s, ds->text_field, strlen(ds->text_field));
	id = jsonl_scan_find(&sc, s, ds->id_field, strlen(ds->id_field));
	split = jsonl_scan_find(&sc, s, ds->split_field, strlen(ds->split_field));
	note = jsonl_scan_find(&sc, s, "note", 4);
	if (text == NULL || text->type != JSONL_SCAN_STRING ||
	    !jsonl_fast_labels(s, jsonl_scan_find(&sc, s, ds->label_field, strlen(ds->label_field)), f) ||
	    (id != NULL && id->type != JSONL_SCAN_STRING && id->type != JSONL_SCAN_INTEGER &&
	     id->type != JSONL_SCAN_NULL) ||
	    !jsonl_fast_flags(s, jsonl_scan_find(&sc, s, "flags", 5), f) ||
	    (split != NULL && split->type != JSONL_SCAN_NULL &&
	     (split->type != JSONL_SCAN_STRING || split->escaped ||
	      ds_split_parse(s + split->start + 1, split->end - split->start - 2, &f->split) != 0))) {
		memset(f, 0, offsetof(struct jsonl_fields, labels));   /* jansson starts afresh */
		return 0;
	}
	if (id != NULL && id->type == JSONL_SCAN_STRING) {
		jsonl_fast_string(s, id, &f->id, &f->id_len, &f->id_owned);
	} else if (id != NULL && id->type == JSONL_SCAN_INTEGER) {
		f->id = s + id->start;
		f->id_len = id->end - id->start;
	}
	if (note != NULL && note->type == JSONL_SCAN_STRING) {
		const char *p;
		size_t n;
		int owned;

		jsonl_fast_string(s, note, &p, &n, &owned);
		f->note = owned ? (char *)p : tt_xstrndup(p, n);
	}
	jsonl_fast_string(s, text, &f->text, &f->text_len, &f->text_owned);
	return 1;
}

/* Validate one line and extract its fields: JSONL_OK, _SKIP or _STOP. */
static int jsonl_parse_fields(struct dataset *ds, const struct ds_options *o, struct tt_err *err,
			      const char *s, size_t len, uint32_t line, json_t **rootp,
			      struct jsonl_fields *f)
{
	const char *what;
	long bad;
	json_error_t je;
	json_t *root, *text;
	int rc;

	if (len > o->max_record_bytes)
		return ds_reject(ds, o, err, line, 1,
				 "record is %zu bytes (expected at most %zu; raise max_record_mb)",
				 len, o->max_record_bytes);
	if (!o->jansson_only && jsonl_fast_fields(ds, s, len, f))
		return JSONL_OK;
	bad = tt_utf8_check(s, len, &what);
	if (bad >= 0)
		return ds_reject(ds, o, err, line, tt_utf8_column(s, (size_t)bad),
				 "%s (expected UTF-8 text)", what);
	root = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (root == NULL && strstr(je.text, "\\u0000") != NULL)
		return ds_reject(ds, o, err, line, je.column > 0 ? (uint32_t)je.column : 1,
				 "a \\u0000 (NUL) escape in a string (expected text without NUL)");
	if (root == NULL)
		return ds_reject(ds, o, err, line, je.column > 0 ? (uint32_t)je.column : 1,
				 "malformed JSON: %s", je.text);
	*rootp = root;
	if (!json_is_object(root))
		return ds_reject(ds, o, err, line, tt_utf8_column(s, jsonl_skip_ws(s, 0, len)),
				 "expected a JSON object, found %s", jsonl_type_name(root));
	text = json_object_get(root, ds->text_field);
	if (text == NULL)
		return ds_reject(ds, o, err, line, 1,
				 "missing field \"%s\" (expected the text as a string)", ds->text_field);
	if (!json_is_string(text))
		return ds_reject(ds, o, err, line, jsonl_value_col(s, len, ds->text_field),
				 "field \"%s\" is %s (expected a string)", ds->text_field,
				 jsonl_type_name(text));
	rc = jsonl_get_labels(ds, o, err, s, len, line, root, f);
	if (rc == JSONL_OK)
		rc = jsonl_get_id_split(ds, o, err, s, len, line, root, f);
	if (rc != JSONL_OK)
		return rc;
	jsonl_get_marks(root, f);
	jsonl_string_ref(s, len, ds->text_field, text, &f->text, &f->text_len, &f->text_owned);
	return JSONL_OK;
}

static void jsonl_make_record(struct dataset *ds, const struct jsonl_fields *f, uint32_t line)
{
	struct ds_record *r = ds_record_append(ds);
	uint32_t ids[64], i;

	r->text = f->text;
	r->text_len = (uint32_t)f->text_len;
	r->id = f->id;
	r->id_len = (uint32_t)f->id_len;
	r->own = (uint8_t)((f->text_owned ? DS_OWN_TEXT : 0) | (f->id_owned ? DS_OWN_ID : 0));
	r->had_label_field = (uint8_t)f->had_label;
	r->split = (uint8_t)f->split;
	r->flags = f->flags;
	r->note = f->note;
	r->line = line;
	for (i = 0; i < f->nlabels; i++)
		ids[i] = ds_label_intern(ds, f->labels[i], f->label_lens[i]);
	ds_record_set_labels(r, ids, f->nlabels);
	if (f->nlabels > 1 || f->label_array)
		ds->multilabel = true;
}

static int jsonl_is_blank(const char *s, size_t n)
{
	return jsonl_skip_ws(s, 0, n) == n;
}

/* Bytes that are not a record (blank or skipped lines) stay with the previous one. */
static void jsonl_attach(struct dataset *ds, size_t nbytes)
{
	if (ds->n > 0)
		ds->recs[ds->n - 1].raw_len += (uint32_t)nbytes;
	else
		ds->preamble_len += (uint32_t)nbytes;
}

/*
 * Parse the lines in p[0..n) into part. Line numbers are relative to the
 * chunk (the caller adds the chunk's first line). Returns -1 on a stop.
 */
static int jsonl_read_chunk(struct dataset *part, const struct ds_options *o, struct tt_err *err,
			    const char *p, size_t n, size_t *nlines)
{
	size_t pos = 0;
	uint32_t line = 0;

	while (pos < n) {
		const char *nl = memchr(p + pos, '\n', n - pos);
		size_t end = nl != NULL ? (size_t)(nl - p) : n;
		size_t next = nl != NULL ? end + 1 : n;
		size_t body_end = end > pos && p[end - 1] == '\r' ? end - 1 : end;
		struct jsonl_fields f;
		json_t *root = NULL;
		int rc;

		line++;
		if (jsonl_is_blank(p + pos, body_end - pos)) {
			jsonl_attach(part, next - pos);
			pos = next;
			continue;
		}
		memset(&f, 0, offsetof(struct jsonl_fields, labels));
		rc = jsonl_parse_fields(part, o, err, p + pos, body_end - pos, line, &root, &f);
		if (rc == JSONL_OK) {
			struct ds_record *r;

			jsonl_make_record(part, &f, line);
			r = &part->recs[part->n - 1];
			r->raw = p + pos;
			r->raw_len = (uint32_t)(next - pos);
			r->body_len = (uint32_t)(body_end - pos);
		} else {
			jsonl_attach(part, next - pos);   /* skipped: kept verbatim on save */
		}
		json_decref(root);
		*nlines = line;
		if (rc == JSONL_STOP)
			return -1;
		pos = next;
	}
	*nlines = line;
	return 0;
}

/*
 * Large files are parsed by several threads, each on a run of whole lines
 * into its own part (its own record array, grown as it goes, and its own
 * label table; lines are counted while parsing, not in a pass before it);
 * the parts are then stitched together in order: the first part's array
 * grown to hold all records, labels renumbered, line numbers offset, and
 * bytes before a part's first record attached to the record before it.
 */
struct jsonl_part {
	struct dataset ds;       /* borrows path and field names from the whole */
	const char *p;
	size_t n;
	size_t first_line;       /* 0-based line number of p[0] (known after the parse) */
	size_t nlines;           /* lines parsed */
	const struct ds_options *o;
	struct tt_err err;
	int rc;
	int thread_started;
	pthread_t thread;
};

static void *jsonl_part_main(void *arg)
{
	struct jsonl_part *pt = arg;

	pt->rc = jsonl_read_chunk(&pt->ds, pt->o, &pt->err, pt->p, pt->n, &pt->nlines);
	return NULL;
}

static int jsonl_nthreads(size_t len)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (len < (4u << 20) || cpus < 2)
		return 1;
	return cpus > 8 ? 8 : (int)cpus;
}

/* Cut the buffer into nt runs of whole lines and set up each part. */
static void jsonl_parts_init(struct dataset *ds, const struct ds_options *o,
			     struct jsonl_part *parts, int nt, size_t start)
{
	int k;

	for (k = 0; k < nt; k++) {
		struct jsonl_part *pt = &parts[k];
		size_t end = k == nt - 1 ? ds->buf_len : ds->buf_len / (size_t)nt * (size_t)(k + 1);
		const char *nl;

		if (end < start)
			end = start;
		nl = end < ds->buf_len ? memchr(ds->buf + end, '\n', ds->buf_len - end) : NULL;
		if (k < nt - 1)
			end = nl != NULL ? (size_t)(nl - ds->buf) + 1 : ds->buf_len;
		memset(pt, 0, sizeof *pt);
		pt->p = ds->buf + start;
		pt->n = end - start;
		pt->o = o;
		strmap_init(&pt->ds.labels.map);
		pt->ds.path = ds->path;
		pt->ds.text_field = ds->text_field;
		pt->ds.label_field = ds->label_field;
		pt->ds.id_field = ds->id_field;
		pt->ds.split_field = ds->split_field;
		start = end;
	}
}

static void jsonl_relabel(struct ds_record *r, const uint32_t *map)
{
	uint16_t i;

	if (r->label != DS_NO_LABEL)
		r->label = map[r->label];
	for (i = 0; i < r->nmore; i++)
		r->more_labels[i] = map[r->more_labels[i]];
}

/* Move one part's results into ds; frees what the part owned. */
static void jsonl_part_merge(struct dataset *ds, struct jsonl_part *pt)
{
	uint32_t *map = tt_xmalloc((pt->ds.labels.n + 1) * sizeof *map);
	size_t i;

	for (i = 0; i < pt->ds.labels.n; i++) {
		map[i] = ds_label_intern(ds, pt->ds.labels.names[i], strlen(pt->ds.labels.names[i]));
		free(pt->ds.labels.names[i]);
	}
	free(pt->ds.labels.names);
	strmap_fini(&pt->ds.labels.map);
	/* Bytes before the part's first record belong to the record before. */
	if (pt->ds.preamble_len > 0)
		jsonl_attach(ds, pt->ds.preamble_len);
	if (pt->ds.recs != ds->recs) {
		if (pt->ds.n > 0)	/* an empty part may have no array at all */
			memcpy(ds->recs + ds->n, pt->ds.recs, pt->ds.n * sizeof *ds->recs);
		free(pt->ds.recs);
	}
	for (i = 0; i < pt->ds.n; i++) {
		struct ds_record *r = &ds->recs[ds->n + i];

		jsonl_relabel(r, map);
		r->line += (uint32_t)pt->first_line;
	}
	ds->n += pt->ds.n;
	ds->multilabel = ds->multilabel || pt->ds.multilabel;
	if (pt->ds.nbad > 0) {
		ds->bad = tt_xrealloc(ds->bad, (ds->nbad + pt->ds.nbad) * sizeof *ds->bad);
		for (i = 0; i < pt->ds.nbad; i++) {
			ds->bad[ds->nbad] = pt->ds.bad[i];
			ds->bad[ds->nbad++].line += (uint32_t)pt->first_line;
		}
		free(pt->ds.bad);
	}
	free(map);
}

static size_t jsonl_bom_len(const char *p, size_t n)
{
	return n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int format_jsonl_read(struct dataset *ds, const struct ds_options *o, struct tt_err *err)
{
	int nt = jsonl_nthreads(ds->buf_len), k, failed = -1;
	struct jsonl_part *parts = tt_xcalloc((size_t)nt, sizeof *parts);
	size_t bom = jsonl_bom_len(ds->buf, ds->buf_len), total = 0, line = 0;

	/* A UTF-8 byte order mark starts the preamble: skipped, and kept on save. */
	ds->preamble = ds->buf;
	ds->preamble_len = (uint32_t)bom;
	jsonl_parts_init(ds, o, parts, nt, bom);
	for (k = 1; k < nt; k++) {
		if (pthread_create(&parts[k].thread, NULL, jsonl_part_main, &parts[k]) != 0)
			jsonl_part_main(&parts[k]);   /* no thread: do it here */
		else
			parts[k].thread_started = 1;
	}
	jsonl_part_main(&parts[0]);
	for (k = 0; k < nt; k++) {
		if (parts[k].thread_started)
			pthread_join(parts[k].thread, NULL);
		parts[k].first_line = line;
		line += parts[k].nlines;
		total += parts[k].ds.n;
	}
	/* The first part's records stay where they are; the others follow them. */
	ds->recs = tt_xrealloc(parts[0].ds.recs, (total + 1) * sizeof *ds->recs);
	ds->cap = total + 1;
	parts[0].ds.recs = ds->recs;
	for (k = 0; k < nt; k++) {
		/* Merge everything, even after a failure, so ds owns all memory. */
		jsonl_part_merge(ds, &parts[k]);
		if (parts[k].rc != 0 && failed < 0)
			failed = k;
	}
	if (failed >= 0) {
		*err = parts[failed].err;
		err->line += (uint32_t)parts[failed].first_line;
	}
	free(parts);
	if (failed >= 0)
		return -1;
	if (ds->n == 0 && ds->nbad == 0) {
		tt_err_set(err, ds->path, 1, 1, "no records (expected one JSON object per line)");
		return -1;
	}
	return 0;
}

/* ---- writing ---- */

/* The record's labels as JSON: a string, an array (multi-label) or null. */
static json_t *jsonl_labels_value(const struct dataset *ds, const struct ds_record *r)
{
	uint32_t i, n = ds_record_nlabels(r);
	json_t *arr;

	if (n == 0)
		return json_null();
	if (!ds->multilabel)
		return json_string(ds->labels.names[r->label]);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, json_string(ds->labels.names[ds_record_label_at(r, i)]));
	return arr;
}

static json_t *jsonl_flags_value(const struct ds_record *r)
{
	json_t *arr = json_array();

	if (r->flags & DS_FLAG_FLAGGED)
		json_array_append_new(arr, json_string("flagged"));
	if (r->flags & DS_FLAG_UNSURE)
		json_array_append_new(arr, json_string("unsure"));
	return arr;
}

/* Append ("key": value) before the closing brace of the object in cur. */
static void jsonl_append_member(struct tt_buf *cur, const char *key, const char *enc)
{
	size_t close = cur->len, open;
	int spaced = strstr(cur->data, "\": ") != NULL;
	struct tt_buf tail;

	while (close > 0 && cur->data[close - 1] != '}')
		close--;
	if (close == 0)
		return;      /* not an object: cannot happen for an accepted line */
	close--;
	open = jsonl_skip_ws(cur->data, 1, close);
	tt_buf_init(&tail);
	tt_buf_add(&tail, cur->data + close, cur->len - close);
	cur->len = close;
	if (open < close)
		tt_buf_adds(cur, spaced ? ", " : ",");
	tt_buf_printf(cur, spaced ? "\"%s\": %s" : "\"%s\":%s", key, enc);
	tt_buf_add(cur, tail.data, tail.len);
	tt_buf_fini(&tail);
}

/*
 * Make member key of the object in cur equal to want (NULL: leave as is).
 * Unchanged values keep their original bytes.
 */
static void jsonl_put(struct tt_buf *cur, json_t *orig_root, const char *key, json_t *want)
{
	json_t *orig = json_object_get(orig_root, key);
	struct jsonl_span sp;
	char *enc;

	if (want == NULL)
		return;
	if (orig != NULL && json_equal(orig, want)) {
		json_decref(want);
		return;
	}
	enc = json_dumps(want, JSON_ENCODE_ANY);
	json_decref(want);
	if (enc == NULL)
		tt_fatal("jsonl: cannot encode field %s", key);
	if (orig != NULL && jsonl_find(cur->data, cur->len, key, &sp)) {
		struct tt_buf next;

		tt_buf_init(&next);
		tt_buf_add(&next, cur->data, sp.value_start);
		tt_buf_adds(&next, enc);
		tt_buf_add(&next, cur->data + sp.value_end, cur->len - sp.value_end);
		tt_buf_fini(cur);
		*cur = next;
	} else {
		jsonl_append_member(cur, key, enc);
	}
	free(enc);
}

/* An edited record: its original line with the changed fields spliced in. */
static int jsonl_write_spliced(const struct dataset *ds, const struct ds_record *r,
			       struct tt_buf *out, struct tt_err *err)
{
	json_error_t je;
	json_t *orig = json_loadb(r->raw, r->body_len, 0, &je);
	struct tt_buf cur;
	int has_flags;

	if (orig == NULL) {
		tt_err_set(err, ds->path, r->line, 1, "cannot re-read record: %s", je.text);
		return -1;
	}
	tt_buf_init(&cur);
	tt_buf_add(&cur, r->raw, r->body_len);
	jsonl_put(&cur, orig, ds->text_field, json_stringn(r->text, r->text_len));
	if (ds_record_nlabels(r) > 0 || r->had_label_field)
		jsonl_put(&cur, orig, ds->label_field, jsonl_labels_value(ds, r));
	if (r->split != DS_SPLIT_NONE)
		jsonl_put(&cur, orig, ds->split_field, json_string(ds_split_name(r->split)));
	else if (json_object_get(orig, ds->split_field) != NULL)
		jsonl_put(&cur, orig, ds->split_field, json_null());
	has_flags = (r->flags & (DS_FLAG_FLAGGED | DS_FLAG_UNSURE)) != 0;
	if (has_flags || json_object_get(orig, "flags") != NULL)
		jsonl_put(&cur, orig, "flags", jsonl_flags_value(r));
	if (r->note != NULL)
		jsonl_put(&cur, orig, "note", json_string(r->note));
	json_decref(orig);
	tt_buf_add(out, cur.data, cur.len);
	tt_buf_add(out, r->raw + r->body_len, r->raw_len - r->body_len);
	tt_buf_fini(&cur);
	return 0;
}

/* A record from another format: a fresh object of the core fields. */
static int jsonl_write_built(const struct dataset *ds, size_t index, struct tt_buf *out)
{
	const struct ds_record *r = &ds->recs[index];
	json_t *o = json_object();
	char *enc;

	if (r->id != NULL)
		json_object_set_new(o, ds->id_field, json_stringn(r->id, r->id_len));
	json_object_set_new(o, ds->text_field, json_stringn(r->text, r->text_len));
	json_object_set_new(o, ds->label_field, jsonl_labels_value(ds, r));
	if (r->split != DS_SPLIT_NONE)
		json_object_set_new(o, ds->split_field, json_string(ds_split_name(r->split)));
	if (r->flags & (DS_FLAG_FLAGGED | DS_FLAG_UNSURE))
		json_object_set_new(o, "flags", jsonl_flags_value(r));
	if (r->note != NULL)
		json_object_set_new(o, "note", json_string(r->note));
	enc = json_dumps(o, 0);
	json_decref(o);
	if (enc == NULL)
		tt_fatal("jsonl: cannot encode record %zu", index + 1);
	tt_buf_adds(out, enc);
	tt_buf_addc(out, '\n');
	free(enc);
	return 0;
}

int format_jsonl_write(const struct dataset *ds, struct tt_buf *out, struct tt_err *err)
{
	int same = ds->format == DS_FMT_JSONL;
	size_t i;

	if (same)
		tt_buf_add(out, ds->preamble, ds->preamble_len);
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (r->flags & DS_FLAG_DELETED) {
			/* Keep any blank or skipped lines that followed it. */
			if (same)
				tt_buf_add(out, r->raw + ds_record_tail(r), r->raw_len - ds_record_tail(r));
			continue;
		}
		if (same && !(r->flags & DS_FLAG_DIRTY)) {
			tt_buf_add(out, r->raw, r->raw_len);
		} else if (same) {
			if (jsonl_write_spliced(ds, r, out, err) != 0)
				return -1;
		} else {
			jsonl_write_built(ds, i, out);
		}
	}
	return 0;
}
