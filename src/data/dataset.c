/*
 * dataset.c - records, label set, loading and saving, format detection,
 * stratified splits. The per-format parsing lives in format-*.c.
 */
#include "tunetop/dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ds_options_default(struct ds_options *o)
{
	memset(o, 0, sizeof *o);
	o->format = DS_FMT_AUTO;
	o->text_field = "text";
	o->label_field = "label";
	o->id_field = "id";
	o->split_field = "split";
	o->label_sep = "|";
	o->skip_bad = false;
	o->max_record_bytes = 16u << 20;
}

void dataset_init(struct dataset *ds)
{
	memset(ds, 0, sizeof *ds);
	strmap_init(&ds->labels.map);
	ds->text_col = ds->label_col = ds->id_col = ds->split_col = -1;
}

static void ds_record_fini(struct ds_record *r)
{
	if (r->own & DS_OWN_TEXT)
		free((char *)r->text);
	if (r->own & DS_OWN_RAW)
		free((char *)r->raw);
	if (r->own & DS_OWN_ID)
		free((char *)r->id);
	free(r->more_labels);
	free(r->note);
}

void dataset_fini(struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		ds_record_fini(&ds->recs[i]);
	free(ds->recs);
	for (i = 0; i < ds->labels.n; i++)
		free(ds->labels.names[i]);
	free(ds->labels.names);
	strmap_fini(&ds->labels.map);
	for (i = 0; i < (size_t)ds->ncolumns; i++)
		free(ds->columns[i]);
	free(ds->columns);
	for (i = 0; i < ds->nbad; i++)
		free(ds->bad[i].msg);
	free(ds->bad);
	free(ds->buf);
	free(ds->path);
	free(ds->text_field);
	free(ds->label_field);
	free(ds->label_sep);
	free(ds->id_field);
	free(ds->split_field);
	memset(ds, 0, sizeof *ds);
	ds->text_col = ds->label_col = ds->id_col = ds->split_col = -1;
}

static const char *format_names[] = { "auto", "jsonl", "csv", "tsv", "fasttext" };

const char *ds_format_name(enum ds_format_id f)
{
	if ((unsigned)f < sizeof format_names / sizeof format_names[0])
		return format_names[f];
	return "?";
}

int ds_format_parse(const char *name, enum ds_format_id *out)
{
	size_t i;

	for (i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
		if (strcasecmp(name, format_names[i]) == 0) {
			*out = (enum ds_format_id)i;
			return 0;
		}
	}
	if (strcasecmp(name, "json") == 0 || strcasecmp(name, "ndjson") == 0) {
		*out = DS_FMT_JSONL;
		return 0;
	}
	return -1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Content sniffing on the first non-blank line (after a UTF-8 byte order mark). */
static enum ds_format_id ds_format_sniff(const char *data, size_t len)
{
	size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0, end;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return DS_FMT_JSONL;
	end = i;
	while (end < len && data[end] != '\n')
		end++;
	if (end - i >= 9 && memmem(data + i, end - i, "__label__", 9) != NULL)
		return DS_FMT_FASTTEXT;
	if (memchr(data + i, '\t', end - i) != NULL)
		return DS_FMT_TSV;
	if (memchr(data + i, ',', end - i) != NULL)
		return DS_FMT_CSV;
	return DS_FMT_FASTTEXT;
}

int ds_format_of_ext(const char *path, enum ds_format_id *out)
{
	static const struct {
		const char *ext;
		enum ds_format_id format;
	} exts[] = {
		{ ".jsonl", DS_FMT_JSONL }, { ".ndjson", DS_FMT_JSONL }, { ".json", DS_FMT_JSONL },
		{ ".csv", DS_FMT_CSV }, { ".tsv", DS_FMT_TSV }, { ".tab", DS_FMT_TSV },
		{ ".ft", DS_FMT_FASTTEXT }, { ".fasttext", DS_FMT_FASTTEXT },
	};
	size_t i;

	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		if (ends_with(path, exts[i].ext)) {
			*out = exts[i].format;
			return 0;
		}
	}
	return -1;
}

enum ds_format_id ds_format_detect(const char *path, const char *data, size_t len)
{
	enum ds_format_id f;

	if (path != NULL && ds_format_of_ext(path, &f) == 0)
		return f;
	return ds_format_sniff(data, len);
}

static const char *split_names[] = { "none", "train", "valid", "test" };

const char *ds_split_name(enum ds_split s)
{
	if ((unsigned)s < DS_NSPLITS)
		return split_names[s];
	return "?";
}

int ds_split_parse(const char *s, size_t n, enum ds_split *out)
{
	static const struct {
		const char *word;
		enum ds_split split;
	} words[] = {
		{ "train", DS_SPLIT_TRAIN }, { "training", DS_SPLIT_TRAIN },
		{ "valid", DS_SPLIT_VALID }, { "validation", DS_SPLIT_VALID },
		{ "val", DS_SPLIT_VALID }, { "dev", DS_SPLIT_VALID },
		{ "test", DS_SPLIT_TEST }, { "none", DS_SPLIT_NONE },
		{ "", DS_SPLIT_NONE },
	};
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strlen(words[i].word) == n && strncasecmp(s, words[i].word, n) == 0) {
			*out = words[i].split;
			return 0;
		}
	}
	return -1;
}

uint32_t ds_label_intern(struct dataset *ds, const char *name, size_t n)
{
	uint32_t id;

	if (strmap_get(&ds->labels.map, name, n, &id))
		return id;
	if (ds->labels.n == ds->labels.cap) {
		ds->labels.cap = ds->labels.cap ? ds->labels.cap * 2 : 16;
		ds->labels.names = tt_xrealloc(ds->labels.names,
					       ds->labels.cap * sizeof *ds->labels.names);
	}
	id = ds->labels.n++;
	ds->labels.names[id] = tt_xstrndup(name, n);
	strmap_put(&ds->labels.map, name, n, id);
	return id;
}

int ds_label_find(const struct dataset *ds, const char *name, size_t n, uint32_t *out)
{
	return strmap_get(&ds->labels.map, name, n, out) ? 0 : -1;
}

struct ds_record *ds_record_append(struct dataset *ds)
{
	struct ds_record *r;

	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 1024;
		ds->recs = tt_xrealloc(ds->recs, ds->cap * sizeof *ds->recs);
	}
	r = &ds->recs[ds->n++];
	memset(r, 0, sizeof *r);
	r->label = DS_NO_LABEL;
	return r;
}

uint32_t ds_record_nlabels(const struct ds_record *r)
{
	return r->label == DS_NO_LABEL ? 0 : 1u + r->nmore;
}

uint32_t ds_record_label_at(const struct ds_record *r, uint32_t i)
{
	return i == 0 ? r->label : r->more_labels[i - 1];
}

void ds_record_set_labels(struct ds_record *r, const uint32_t *labels, uint32_t n)
{
	free(r->more_labels);
	r->more_labels = NULL;
	r->nmore = 0;
	r->label = n > 0 ? labels[0] : DS_NO_LABEL;
	if (n > 1) {
		r->nmore = (uint16_t)(n - 1);
		r->more_labels = tt_xmalloc((n - 1) * sizeof *labels);
		memcpy(r->more_labels, labels + 1, (n - 1) * sizeof *labels);
	}
}

uint32_t ds_record_tail(const struct ds_record *r)
{
	uint32_t i = r->body_len;

	if (i < r->raw_len && r->raw[i] == '\r')
		i++;
	if (i < r->raw_len && r->raw[i] == '\n')
		i++;
	return i;
}

void ds_record_id(const struct dataset *ds, size_t index, struct tt_buf *out)
{
	const struct ds_record *r = &ds->recs[index];

	if (r->id != NULL && r->id_len > 0)
		tt_buf_add(out, r->id, r->id_len);
	else
		tt_buf_printf(out, "%zu", index + 1);
}

int ds_reject(struct dataset *ds, const struct ds_options *o, struct tt_err *err,
	      uint32_t line, uint32_t col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!o->skip_bad) {
		tt_err_set(err, ds->path, line, col, "%s", msg);
		return -1;
	}
	ds->bad = tt_xrealloc(ds->bad, (ds->nbad + 1) * sizeof *ds->bad);
	ds->bad[ds->nbad].line = line;
	ds->bad[ds->nbad].col = col;
	ds->bad[ds->nbad].msg = tt_xstrdup(msg);
	ds->nbad++;
	return 0;
}

static void ds_set_fields(struct dataset *ds, const struct ds_options *o)
{
	ds->text_field = tt_xstrdup(o->text_field ? o->text_field : "text");
	ds->label_field = tt_xstrdup(o->label_field ? o->label_field : "label");
	ds->id_field = tt_xstrdup(o->id_field ? o->id_field : "id");
	ds->split_field = tt_xstrdup(o->split_field ? o->split_field : "split");
	ds->label_sep = tt_xstrdup(o->label_sep ? o->label_sep : "|");
}

/* Parse ds->buf with the right reader. */
static int ds_parse(struct dataset *ds, const struct ds_options *o, struct tt_err *err)
{
	size_t i;

	for (i = 0; i < ds->buf_len; i++) {
		char c = ds->buf[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			break;
	}
	if (i == ds->buf_len) {
		tt_err_set(err, ds->path, 1, 1, "empty file: expected at least one %s",
			   ds->format == DS_FMT_CSV || ds->format == DS_FMT_TSV ?
			   "header row" : "record");
		return -1;
	}
	switch (ds->format) {
	case DS_FMT_JSONL:
		return format_jsonl_read(ds, o, err);
	case DS_FMT_CSV:
		return format_csv_read(ds, o, ',', err);
	case DS_FMT_TSV:
		return format_csv_read(ds, o, '\t', err);
	case DS_FMT_FASTTEXT:
		return format_fasttext_read(ds, o, err);
	default:
		tt_err_set(err, ds->path, 0, 0, "unknown format");
		return -1;
	}
}

/* Takes ownership of data (heap, NUL-terminated). */
static int ds_load_owned(struct dataset *ds, const char *name, char *data, size_t len,
			 const struct ds_options *o, struct tt_err *err)
{
	dataset_init(ds);
	ds->path = tt_xstrdup(name);
	ds->buf = data;
	ds->buf_len = len;
	ds_set_fields(ds, o);
	for (int i = 0; i < o->nschema; i++)
		ds_label_intern(ds, o->schema[i], strlen(o->schema[i]));
	ds->format = o->format != DS_FMT_AUTO ? o->format : ds_format_detect(name, data, len);
	if (ds_parse(ds, o, err) != 0) {
		dataset_fini(ds);
		dataset_init(ds);   /* an empty, usable dataset */
		return -1;
	}
	return 0;
}

int dataset_load(struct dataset *ds, const char *path, const struct ds_options *o,
		 struct tt_err *err)
{
	char *data;
	size_t len;

	if (tt_read_file(path, &data, &len, err) != 0) {
		dataset_init(ds);
		return -1;
	}
	return ds_load_owned(ds, path, data, len, o, err);
}

int dataset_load_buffer(struct dataset *ds, const char *name, const char *data, size_t len,
			const struct ds_options *o, struct tt_err *err)
{
	return ds_load_owned(ds, name, tt_xstrndup(data, len), len, o, err);
}

int dataset_write(const struct dataset *ds, enum ds_format_id fmt, struct tt_buf *out,
		  struct tt_err *err)
{
	if (fmt == DS_FMT_AUTO)
		fmt = ds->format;
	switch (fmt) {
	case DS_FMT_JSONL:
		return format_jsonl_write(ds, out, err);
	case DS_FMT_CSV:
		return format_csv_write(ds, ',', out, err);
	case DS_FMT_TSV:
		return format_csv_write(ds, '\t', out, err);
	case DS_FMT_FASTTEXT:
		return format_fasttext_write(ds, out, err);
	default:
		tt_err_set(err, ds->path, 0, 0, "cannot write format '%s'", ds_format_name(fmt));
		return -1;
	}
}

/* The format implied by a path's extension, else the dataset's own. */
static enum ds_format_id ds_format_for_path(const struct dataset *ds, const char *path)
{
	static const char *exts[] = { ".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".tab",
				      ".ft", ".fasttext" };
	size_t i;

	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		if (ends_with(path, exts[i]))
			return ds_format_detect(path, "", 0);
	}
	return ds->format;
}

int dataset_save(const struct dataset *ds, const char *path, enum ds_format_id fmt,
		 struct tt_err *err)
{
	struct tt_buf out;
	int rc;

	if (fmt == DS_FMT_AUTO)
		fmt = ds_format_for_path(ds, path);
	tt_buf_init(&out);
	rc = dataset_write(ds, fmt, &out, err);
	if (rc == 0)
		rc = tt_write_file_atomic(path, out.data, out.len, err);
	tt_buf_fini(&out);
	return rc;
}
