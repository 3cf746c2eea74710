/*
 * format-csv.c - CSV and TSV (RFC 4180) reader and writer.
 *
 * One reader serves both; only the separator differs (',' or '\t'). TSV
 * uses the same quoting rules as CSV, as Python's csv module does with
 * delimiter='\t'.
 *
 * Reading. The first record is the header: it names the columns and must
 * contain the text column. Fields may be quoted; inside quotes a doubled
 * quote ("") stands for one quote, and separators, CR and LF are data. Line
 * ends are LF or CRLF; a CR alone outside quotes is an error (old Mac line
 * ends are not supported). Empty lines (nothing but a line end) are not
 * records: they are kept in the raw bytes of the record before them (or in
 * the preamble), so a round trip keeps them. Every accepted record has
 * exactly as many fields as the header.
 *
 * A label field holds the record's labels separated by the option
 * label_sep ("|" by default: "a|b" is the two labels a and b); with an
 * empty label_sep a field is one label, never split. An empty part ("a||b",
 * "a|") is an error. The writer joins a multi-label record's labels with
 * the same separator, and refuses what would not read back the same: a
 * label name holding the separator, or several labels with no separator.
 * An empty label field means unlabeled.
 *
 * Text is decoded only when the field contains a doubled quote; otherwise
 * r->text points into ds->buf (inside the quotes for a quoted field).
 *
 * Writing. For a dataset read from the same format, an unedited record is
 * copied verbatim. An edited record (DS_FLAG_DIRTY) is re-split into its
 * fields: the text, label and split fields are re-encoded only if their
 * value changed, every other field keeps its bytes, and the record keeps
 * its line end. If a record has a label but the header has no label column
 * (or a split but no split column), the writer appends that column to the
 * header and an extra field to every row (empty where there is no value);
 * then unedited rows get the extra field too, and the rest of their bytes
 * is kept. When converting from another format, the writer emits a header
 * of id (only if some record has an explicit id), text, label, and split
 * (only if some record has a split), with LF line ends.
 *
 * Fields are quoted only when needed: when they contain the separator, a
 * quote, CR or LF, start or end with a space or tab, or are the only field
 * of a row and empty (an empty line would not be read back as a record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

enum csv_status {
	CSV_OK = 0,
	CSV_UNTERMINATED,      /* err_off: the opening quote */
	CSV_QUOTE_IN_FIELD,    /* err_off: the stray quote */
	CSV_AFTER_QUOTE,       /* err_off: the byte after a closing quote */
	CSV_BARE_CR,           /* err_off: the CR */
};

/* One field of a scanned record, as byte offsets into the scanned bytes. */
struct csv_field {
	size_t start;          /* first byte (the opening quote if quoted) */
	size_t end;            /* one past the last byte (past the closing quote) */
	bool quoted;
	bool escaped;          /* has "" pairs: the value must be decoded */
};

/* A scanned record: its fields and where it ends. The field array is reused. */
struct csv_scan {
	struct csv_field *fields;
	size_t nfields;
	size_t cap;
	size_t body_end;       /* end of the record, before its line end */
	size_t next;           /* after its line end */
	size_t err_off;
	enum csv_status status;
};

static const unsigned char csv_bom[3] = { 0xEF, 0xBB, 0xBF };

static size_t csv_bom_len(const char *p, size_t len)
{
	return len >= 3 && memcmp(p, csv_bom, 3) == 0 ? 3 : 0;
}

static void csv_scan_fini(struct csv_scan *s)
{
	free(s->fields);
	memset(s, 0, sizeof *s);
}

static struct csv_field *csv_scan_push(struct csv_scan *s, size_t start)
{
	struct csv_field *f;

	if (s->nfields == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->fields = tt_xrealloc(s->fields, s->cap * sizeof *s->fields);
	}
	f = &s->fields[s->nfields++];
	f->start = start;
	f->end = start;
	f->quoted = false;
	f->escaped = false;
	return f;
}

/* Length of the line end at off: 2 for CRLF, 1 for LF, 0 for none. */
static size_t csv_eol_len(const char *p, size_t len, size_t off)
{
	if (off < len && p[off] == '\n')
		return 1;
	if (off + 1 < len && p[off] == '\r' && p[off + 1] == '\n')
		return 2;
	return 0;
}

/* Record ends at off (line end or end of input): set body_end and next. */
static void csv_scan_end(struct csv_scan *s, const char *p, size_t len, size_t off)
{
	s->body_end = off;
	s->next = off + csv_eol_len(p, len, off);
}

static enum csv_status csv_scan_fail(struct csv_scan *s, enum csv_status st, size_t off)
{
	s->status = st;
	s->err_off = off;
	return st;
}

/*
 * A quoted field starting at the quote at *off. On success *off is just
 * past the closing quote.
 */
static enum csv_status csv_scan_quoted(struct csv_scan *s, const char *p, size_t len,
				       struct csv_field *f, size_t *off)
{
	size_t i = *off + 1;

	f->quoted = true;
	for (;;) {
		const char *q = memchr(p + i, '"', len - i);

		if (q == NULL)
			return csv_scan_fail(s, CSV_UNTERMINATED, f->start);
		i = (size_t)(q - p) + 1;
		if (i < len && p[i] == '"') {
			f->escaped = true;
			i++;
			continue;
		}
		*off = i;
		f->end = i;
		return CSV_OK;
	}
}

/*
 * Scan one record of p[0..len) starting at off. Fills s->fields; on
 * success s->body_end and s->next tell where it ends.
 */
static enum csv_status csv_scan_record(struct csv_scan *s, const char *p, size_t len,
				       size_t off, char sep)
{
	s->nfields = 0;
	s->status = CSV_OK;
	for (;;) {
		struct csv_field *f = csv_scan_push(s, off);

		if (off < len && p[off] == '"') {
			if (csv_scan_quoted(s, p, len, f, &off) != CSV_OK)
				return s->status;
			if (off < len && p[off] == sep) {
				off++;
				continue;
			}
			if (off == len || csv_eol_len(p, len, off) > 0) {
				csv_scan_end(s, p, len, off);
				return CSV_OK;
			}
			return csv_scan_fail(s, CSV_AFTER_QUOTE, off);
		}
		while (off < len && p[off] != sep && p[off] != '\n' && p[off] != '\r' &&
		       p[off] != '"')
			off++;
		f->end = off;
		if (off < len && p[off] == '"')
			return csv_scan_fail(s, CSV_QUOTE_IN_FIELD, off);
		if (off < len && p[off] == sep) {
			off++;
			continue;
		}
		if (off < len && csv_eol_len(p, len, off) == 0)
			return csv_scan_fail(s, CSV_BARE_CR, off);
		csv_scan_end(s, p, len, off);
		return CSV_OK;
	}
}

/* Offset after any empty lines at off. */
static size_t csv_skip_blank(const char *p, size_t len, size_t off)
{
	size_t n;

	while ((n = csv_eol_len(p, len, off)) > 0)
		off += n;
	return off;
}

/*
 * The field's value: a pointer into p when no decoding is needed (*owned
 * false), else a NUL-terminated heap copy with "" turned into " (*owned true).
 */
static const char *csv_field_value(const char *p, const struct csv_field *f, size_t *n,
				   bool *owned)
{
	const char *s = p + f->start;
	size_t len = f->end - f->start, i, j;
	char *d;

	*owned = false;
	if (!f->quoted) {
		*n = len;
		return s;
	}
	if (!f->escaped) {
		*n = len - 2;
		return s + 1;
	}
	d = tt_xmalloc(len);
	for (i = 1, j = 0; i + 1 < len; i++) {
		d[j++] = s[i];
		if (s[i] == '"')
			i++;    /* skip the second quote of a pair */
	}
	d[j] = '\0';
	*n = j;
	*owned = true;
	return d;
}

/* Does the field's decoded value equal s[0..n)? */
static bool csv_field_equals(const char *p, const struct csv_field *f, const char *s, size_t n)
{
	size_t len;
	bool owned, eq;
	const char *v = csv_field_value(p, f, &len, &owned);

	eq = len == n && memcmp(v, s, n) == 0;
	if (owned)
		free((char *)v);
	return eq;
}

/* ---- reading ---------------------------------------------------------- */

struct csv_reader {
	struct dataset *ds;
	const struct ds_options *o;
	struct tt_err *err;
	char sep;
	struct csv_scan scan;
	size_t max_bytes;
	const char *text_name;     /* the column names in effect */
	const char *label_name;
	const char *id_name;
	const char *split_name;
};

/* 1-based line and character column of byte off, given a record starting at start on line. */
static void csv_locate(const struct dataset *ds, size_t start, uint32_t line, size_t off,
		       uint32_t *out_line, uint32_t *out_col)
{
	size_t line_start = start, i;

	for (i = start; i < off; i++) {
		if (ds->buf[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	}
	if (line_start == 0)
		line_start = csv_bom_len(ds->buf, ds->buf_len);
	*out_line = line;
	*out_col = tt_utf8_column(ds->buf + line_start, off - line_start);
}

static const char *csv_sep_name(char sep)
{
	return sep == '\t' ? "a tab" : "','";
}

/* The message for a scanner error at line l, column c. */
static void csv_scan_message(const struct csv_scan *s, char sep, uint32_t l, uint32_t c,
			     char *msg, size_t n)
{
	switch (s->status) {
	case CSV_UNTERMINATED:
		snprintf(msg, n, "unterminated quoted field (opened at line %u, column %u): "
			 "no closing '\"' before the end of the file", l, c);
		break;
	case CSV_QUOTE_IN_FIELD:
		snprintf(msg, n, "'\"' inside an unquoted field: quote the whole field and "
			 "double the quotes inside it (\"\")");
		break;
	case CSV_AFTER_QUOTE:
		snprintf(msg, n, "unexpected character after a closing quote: expected %s or "
			 "the end of the line", csv_sep_name(sep));
		break;
	default:
		snprintf(msg, n, "carriage return without a line feed in an unquoted field: "
			 "expected LF or CRLF line ends, or a quoted field");
		break;
	}
}

/*
 * Report a scanner error for the record at start/line. fatal: stop even
 * under skip_bad (the header). Returns ds_reject's result.
 */
static int csv_reject_scan(struct csv_reader *rd, size_t start, uint32_t line, bool fatal)
{
	char msg[256];
	uint32_t l, c;

	csv_locate(rd->ds, start, line, rd->scan.err_off, &l, &c);
	csv_scan_message(&rd->scan, rd->sep, l, c, msg, sizeof msg);
	if (fatal) {
		tt_err_set(rd->err, rd->ds->path, l, c, "%s", msg);
		return -1;
	}
	return ds_reject(rd->ds, rd->o, rd->err, l, c, "%s", msg);
}

/* UTF-8 and NUL check of buf[start..end). Returns 1 if bad (reported), -1 to stop, 0 if fine. */
static int csv_check_utf8(struct csv_reader *rd, size_t start, size_t end, uint32_t line)
{
	const char *what;
	long bad = tt_utf8_check(rd->ds->buf + start, end - start, &what);
	uint32_t l, c;

	if (bad < 0)
		return 0;
	csv_locate(rd->ds, start, line, start + (size_t)bad, &l, &c);
	if (ds_reject(rd->ds, rd->o, rd->err, l, c, "%s (byte 0x%02X): expected UTF-8 text",
		      what, (unsigned char)rd->ds->buf[start + (size_t)bad]) != 0)
		return -1;
	return 1;
}

/*
 * Header-level problems stop the load even under skip_bad: without a usable
 * header no record can be read.
 */
static int csv_header_fail(struct csv_reader *rd, uint32_t line, uint32_t col,
			   const char *msg)
{
	tt_err_set(rd->err, rd->ds->path, line, col, "%s", msg);
	return -1;
}

/* Column index of name, -1 when absent; -2 (error set) when it appears twice. */
static int csv_find_column(struct csv_reader *rd, const char *name)
{
	struct dataset *ds = rd->ds;
	int i, found = -1;

	if (name == NULL)
		return -1;
	for (i = 0; i < ds->ncolumns; i++) {
		if (strcmp(ds->columns[i], name) != 0)
			continue;
		if (found >= 0) {
			tt_err_set(rd->err, ds->path, 1, 1,
				   "column \"%s\" appears twice in the header (columns %d and %d)",
				   name, found + 1, i + 1);
			return -2;
		}
		found = i;
	}
	return found;
}

static void csv_missing_text(struct csv_reader *rd)
{
	struct dataset *ds = rd->ds;
	struct tt_buf b;
	int i;

	tt_buf_init(&b);
	for (i = 0; i < ds->ncolumns; i++)
		tt_buf_printf(&b, "%s\"%s\"", i ? ", " : "", ds->columns[i]);
	tt_err_set(rd->err, ds->path, 1, 1,
		   "no \"%s\" column in the header: expected a text column named \"%s\" "
		   "(set the text field to use another); columns found: %s",
		   rd->text_name, rd->text_name, b.data);
	tt_buf_fini(&b);
}

static const char *csv_name(const char *name, const char *fallback)
{
	return name != NULL ? name : fallback;
}

/* Parse the header row; sets columns, the used column indexes and the preamble. */
static int csv_read_header(struct csv_reader *rd, size_t *next)
{
	struct dataset *ds = rd->ds;
	struct csv_scan *s = &rd->scan;
	size_t start = csv_bom_len(ds->buf, ds->buf_len), i;
	const char *what;
	long bad;

	if (ds->buf_len == 0)
		return csv_header_fail(rd, 1, 1, "empty file: expected a header row");
	if (csv_scan_record(s, ds->buf, ds->buf_len, start, rd->sep) != CSV_OK)
		return csv_reject_scan(rd, start, 1, true);
	bad = tt_utf8_check(ds->buf + start, s->body_end - start, &what);
	if (bad >= 0) {
		uint32_t l, c;

		csv_locate(ds, start, 1, start + (size_t)bad, &l, &c);
		tt_err_set(rd->err, ds->path, l, c,
			   "%s (byte 0x%02X) in the header: expected UTF-8 text", what,
			   (unsigned char)ds->buf[start + (size_t)bad]);
		return -1;
	}
	ds->ncolumns = (int)s->nfields;
	ds->columns = tt_xcalloc(s->nfields, sizeof *ds->columns);
	for (i = 0; i < s->nfields; i++) {
		size_t n;
		bool owned;
		const char *v = csv_field_value(ds->buf, &s->fields[i], &n, &owned);

		ds->columns[i] = owned ? (char *)v : tt_xstrndup(v, n);
	}
	ds->text_col = csv_find_column(rd, rd->text_name);
	ds->label_col = csv_find_column(rd, rd->label_name);
	ds->id_col = csv_find_column(rd, rd->id_name);
	ds->split_col = csv_find_column(rd, rd->split_name);
	if (ds->text_col == -2 || ds->label_col == -2 || ds->id_col == -2 || ds->split_col == -2)
		return -1;
	if (ds->text_col < 0) {
		csv_missing_text(rd);
		return -1;
	}
	*next = csv_skip_blank(ds->buf, ds->buf_len, s->next);
	ds->preamble = ds->buf;
	ds->preamble_len = (uint32_t)*next;
	return 0;
}

/* The label separator in effect ("|" for a dataset made in memory). */
static const char *csv_label_sep(const struct dataset *ds)
{
	return ds->label_sep != NULL ? ds->label_sep : "|";
}

/* A label field with an empty part ("a||b", "|a", "a|")? */
static bool csv_labels_empty_part(const char *v, size_t n, const char *sep)
{
	size_t sl = strlen(sep);
	const char *p = v, *end = v + n, *q;

	if (sl == 0 || n == 0)
		return false;
	for (;;) {
		q = memmem(p, (size_t)(end - p), sep, sl);
		if ((q != NULL ? q : end) == p)
			return true;
		if (q == NULL)
			return false;
		p = q + sl;
	}
}

/* The record's labels from its label field, split on ds->label_sep (duplicates count once). */
static void csv_set_labels(struct dataset *ds, struct ds_record *r, const char *v, size_t n)
{
	const char *sep = csv_label_sep(ds);
	size_t sl = strlen(sep), k = 0, cap = 0, j;
	const char *p = v, *end = v + n, *q;
	uint32_t *ids = NULL, id;

	if (sl == 0 || memmem(v, n, sep, sl) == NULL) {
		r->label = ds_label_intern(ds, v, n);
		return;
	}
	for (; p <= end; p = q + sl) {
		q = memmem(p, (size_t)(end - p), sep, sl);
		if (q == NULL)
			q = end;
		if (q > p) {
			id = ds_label_intern(ds, p, (size_t)(q - p));
			for (j = 0; j < k && ids[j] != id; j++)
				;
			if (j == k) {
				if (k == cap) {
					cap = cap ? cap * 2 : 4;
					ids = tt_xrealloc(ids, cap * sizeof *ids);
				}
				ids[k++] = id;
			}
		}
		if (q == end)
			break;
	}
	ds_record_set_labels(r, ids, (uint32_t)k);
	if (k > 1)
		ds->multilabel = true;
	free(ids);
}

/* The allowed split words, for messages. */
static const char csv_split_words[] =
	"train, training, valid, validation, val, dev, test, none, or an empty field";

/*
 * Check one scanned record (structure already fine). Returns 0 if good,
 * 1 if rejected under skip_bad, -1 to stop. Sets *split.
 */
static int csv_check_record(struct csv_reader *rd, size_t start, uint32_t line,
			    enum ds_split *split)
{
	struct dataset *ds = rd->ds;
	struct csv_scan *s = &rd->scan;
	uint32_t l, c;
	int rc;

	rc = csv_check_utf8(rd, start, s->body_end, line);
	if (rc != 0)
		return rc;
	if (rd->max_bytes > 0 && s->body_end - start > rd->max_bytes) {
		rc = ds_reject(ds, rd->o, rd->err, line, 1,
			       "record is %zu bytes long: expected at most %zu (raise max_record_mb)",
			       s->body_end - start, rd->max_bytes);
		return rc != 0 ? -1 : 1;
	}
	if (s->nfields != (size_t)ds->ncolumns) {
		/* Point at the first extra field, or at the end of a short record. */
		size_t at = s->nfields > (size_t)ds->ncolumns ?
			    s->fields[ds->ncolumns].start : s->body_end;

		csv_locate(ds, start, line, at, &l, &c);
		rc = ds_reject(ds, rd->o, rd->err, l, c,
			       "expected %d fields (as in the header), found %zu",
			       ds->ncolumns, s->nfields);
		return rc != 0 ? -1 : 1;
	}
	if (ds->label_col >= 0) {
		const struct csv_field *f = &s->fields[ds->label_col];
		size_t n;
		bool owned, empty;
		const char *v = csv_field_value(ds->buf, f, &n, &owned);

		empty = csv_labels_empty_part(v, n, csv_label_sep(ds));
		if (owned)
			free((char *)v);
		if (empty) {
			csv_locate(ds, start, line, f->start, &l, &c);
			rc = ds_reject(ds, rd->o, rd->err, l, c, "empty label in a label field that "
				       "separates labels with \"%s\" (option label_sep)", csv_label_sep(ds));
			return rc != 0 ? -1 : 1;
		}
	}
	*split = DS_SPLIT_NONE;
	if (ds->split_col >= 0) {
		const struct csv_field *f = &s->fields[ds->split_col];
		size_t n;
		bool owned;
		const char *v = csv_field_value(ds->buf, f, &n, &owned);

		if (ds_split_parse(v, n, split) != 0) {
			csv_locate(ds, start, line, f->start, &l, &c);
			rc = ds_reject(ds, rd->o, rd->err, l, c,
				       "unknown split \"%.*s\": expected %s",
				       n > 64 ? 64 : (int)n, v, csv_split_words);
			if (owned)
				free((char *)v);
			return rc != 0 ? -1 : 1;
		}
		if (owned)
			free((char *)v);
	}
	return 0;
}

/* Fill a new record from the scanned fields. */
static void csv_add_record(struct csv_reader *rd, size_t start, size_t raw_end, uint32_t line,
			   enum ds_split split)
{
	struct dataset *ds = rd->ds;
	struct csv_scan *s = &rd->scan;
	struct ds_record *r = ds_record_append(ds);
	size_t n;
	bool owned;
	const char *v;

	r->raw = ds->buf + start;
	r->raw_len = (uint32_t)(raw_end - start);
	r->body_len = (uint32_t)(s->body_end - start);
	r->line = line;
	r->split = (uint8_t)split;
	v = csv_field_value(ds->buf, &s->fields[ds->text_col], &n, &owned);
	r->text = v;
	r->text_len = (uint32_t)n;
	if (owned)
		r->own |= DS_OWN_TEXT;
	if (ds->label_col >= 0) {
		v = csv_field_value(ds->buf, &s->fields[ds->label_col], &n, &owned);
		r->had_label_field = 1;
		if (n > 0)
			csv_set_labels(ds, r, v, n);
		if (owned)
			free((char *)v);
	}
	if (ds->id_col >= 0) {
		v = csv_field_value(ds->buf, &s->fields[ds->id_col], &n, &owned);
		if (n > 0) {
			r->id = v;
			r->id_len = (uint32_t)n;
			if (owned)
				r->own |= DS_OWN_ID;
		} else if (owned) {
			free((char *)v);
		}
	}
}

/*
 * Where to resume after a malformed record: the line after the one holding
 * the error. For an unterminated quote that is the line after the quote, so
 * one bad quote does not swallow the rest of the file under skip_bad.
 */
static size_t csv_resync(const struct dataset *ds, size_t err_off)
{
	const char *q = memchr(ds->buf + err_off, '\n', ds->buf_len - err_off);

	return q == NULL ? ds->buf_len : (size_t)(q - ds->buf) + 1;
}

int format_csv_read(struct dataset *ds, const struct ds_options *o, char sep, struct tt_err *err)
{
	struct csv_reader rd;
	size_t off = 0;
	uint32_t line;
	int rc = 0;

	memset(&rd, 0, sizeof rd);
	rd.ds = ds;
	rd.o = o;
	rd.err = err;
	rd.sep = sep;
	rd.max_bytes = o->max_record_bytes;
	rd.text_name = csv_name(ds->text_field, csv_name(o->text_field, "text"));
	rd.label_name = csv_name(ds->label_field, csv_name(o->label_field, "label"));
	rd.id_name = csv_name(ds->id_field, csv_name(o->id_field, "id"));
	rd.split_name = csv_name(ds->split_field, csv_name(o->split_field, "split"));
	if (rd.max_bytes == 0 || rd.max_bytes > UINT32_MAX / 2)
		rd.max_bytes = UINT32_MAX / 2;   /* raw_len is 32-bit */
	if (csv_read_header(&rd, &off) != 0) {
		csv_scan_fini(&rd.scan);
		return -1;
	}
	line = 1 + tt_count_newlines(ds->buf, off);
	while (off < ds->buf_len && rc >= 0) {
		size_t start = off, end;
		enum ds_split split;

		if (csv_scan_record(&rd.scan, ds->buf, ds->buf_len, start, sep) != CSV_OK) {
			rc = csv_reject_scan(&rd, start, line, false) != 0 ? -1 : 0;
			end = csv_skip_blank(ds->buf, ds->buf_len, csv_resync(ds, rd.scan.err_off));
		} else {
			end = csv_skip_blank(ds->buf, ds->buf_len, rd.scan.next);
			rc = csv_check_record(&rd, start, line, &split);
			if (rc == 0)
				csv_add_record(&rd, start, end, line, split);
		}
		line += tt_count_newlines(ds->buf + start, end - start);
		off = end;
	}
	csv_scan_fini(&rd.scan);
	return rc < 0 ? -1 : 0;
}

/* ---- writing ---------------------------------------------------------- */

struct csv_writer {
	const struct dataset *ds;
	char sep;
	struct tt_buf *out;
	const char *eol;       /* line end for rows the writer makes up */
	bool add_label;        /* append a label column */
	bool add_split;        /* append a split column */
	struct csv_scan scan;
	struct tt_buf tmp;
};

static bool csv_needs_quotes(const char *s, size_t n, char sep, bool alone)
{
	size_t i;

	if (n == 0)
		return alone;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	for (i = 0; i < n; i++) {
		if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	}
	return false;
}

/* Append one field value, quoted only if needed. alone: the row's only field. */
static void csv_put_value(struct csv_writer *w, const char *s, size_t n, bool alone)
{
	size_t i, from = 0;

	if (!csv_needs_quotes(s, n, w->sep, alone)) {
		tt_buf_add(w->out, s, n);
		return;
	}
	tt_buf_addc(w->out, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			tt_buf_add(w->out, s + from, i + 1 - from);
			tt_buf_addc(w->out, '"');
			from = i + 1;
		}
	}
	tt_buf_add(w->out, s + from, n - from);
	tt_buf_addc(w->out, '"');
}

/* The record's labels joined with ds->label_sep, into w->tmp. */
static void csv_join_labels(struct csv_writer *w, const struct ds_record *r)
{
	uint32_t i, n = ds_record_nlabels(r);

	tt_buf_clear(&w->tmp);
	for (i = 0; i < n; i++) {
		uint32_t id = ds_record_label_at(r, i);

		if (i > 0)
			tt_buf_adds(&w->tmp, csv_label_sep(w->ds));
		if (id < w->ds->labels.n)
			tt_buf_adds(&w->tmp, w->ds->labels.names[id]);
	}
}

static const char *csv_split_value(const struct ds_record *r)
{
	return r->split == DS_SPLIT_NONE ? "" : ds_split_name((enum ds_split)r->split);
}

static void csv_put_label(struct csv_writer *w, const struct ds_record *r, bool alone)
{
	csv_join_labels(w, r);
	csv_put_value(w, w->tmp.data, w->tmp.len, alone);
}

static void csv_put_split(struct csv_writer *w, const struct ds_record *r, bool alone)
{
	const char *v = csv_split_value(r);

	csv_put_value(w, v, strlen(v), alone);
}

/* Start rows on a fresh line even if the previous record had no line end. */
static void csv_fresh_line(struct csv_writer *w)
{
	if (w->out->len > 0 && w->out->data[w->out->len - 1] != '\n')
		tt_buf_adds(w->out, w->eol);
}

/* The columns the writer appends to rows of a dataset read from CSV. */
static void csv_put_extras(struct csv_writer *w, const struct ds_record *r)
{
	if (w->add_label) {
		tt_buf_addc(w->out, w->sep);
		csv_put_label(w, r, false);
	}
	if (w->add_split) {
		tt_buf_addc(w->out, w->sep);
		csv_put_split(w, r, false);
	}
}

static bool csv_live(const struct ds_record *r)
{
	return !(r->flags & DS_FLAG_DELETED);
}

static bool csv_any_label(const struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		if (csv_live(&ds->recs[i]) && ds->recs[i].label != DS_NO_LABEL)
			return true;
	}
	return false;
}

static bool csv_any_split(const struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		if (csv_live(&ds->recs[i]) && ds->recs[i].split != DS_SPLIT_NONE)
			return true;
	}
	return false;
}

static bool csv_any_id(const struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		if (csv_live(&ds->recs[i]) && ds->recs[i].id != NULL)
			return true;
	}
	return false;
}

/* A separator and an appended column name. */
static void csv_put_name(struct csv_writer *w, const char *name)
{
	tt_buf_addc(w->out, w->sep);
	csv_put_value(w, name, strlen(name), false);
}

/* Header of a dataset read from this format, plus any appended columns. */
static void csv_write_preamble(struct csv_writer *w)
{
	const struct dataset *ds = w->ds;
	const char *p = ds->preamble;
	size_t len = ds->preamble_len;

	if (!w->add_label && !w->add_split) {
		tt_buf_add(w->out, p, len);
		return;
	}
	/* The preamble was accepted as a header, so it scans. */
	if (csv_scan_record(&w->scan, p, len, csv_bom_len(p, len), w->sep) != CSV_OK) {
		tt_buf_add(w->out, p, len);
		return;
	}
	tt_buf_add(w->out, p, w->scan.body_end);
	if (w->add_label)
		csv_put_name(w, csv_name(ds->label_field, "label"));
	if (w->add_split)
		csv_put_name(w, csv_name(ds->split_field, "split"));
	if (w->scan.body_end == len)
		tt_buf_adds(w->out, w->eol);   /* header-only file without a line end */
	else
		tt_buf_add(w->out, p + w->scan.body_end, len - w->scan.body_end);
}

/* A row made from the record's values alone (no raw bytes to keep). */
static void csv_write_new_row(struct csv_writer *w, const struct ds_record *r)
{
	const struct dataset *ds = w->ds;
	bool alone = ds->ncolumns == 1 && !w->add_label && !w->add_split;
	int i;

	csv_fresh_line(w);
	for (i = 0; i < ds->ncolumns; i++) {
		if (i > 0)
			tt_buf_addc(w->out, w->sep);
		if (i == ds->text_col)
			csv_put_value(w, r->text, r->text_len, alone);
		else if (i == ds->label_col)
			csv_put_label(w, r, alone);
		else if (i == ds->split_col)
			csv_put_split(w, r, alone);
		else if (i == ds->id_col && r->id != NULL)
			csv_put_value(w, r->id, r->id_len, alone);
	}
	csv_put_extras(w, r);
	tt_buf_adds(w->out, w->eol);
}

/* Keep the field's bytes when its value is unchanged, else re-encode value. */
static void csv_put_field(struct csv_writer *w, const char *raw, const struct csv_field *f,
			  const char *v, size_t n)
{
	if (csv_field_equals(raw, f, v, n))
		tt_buf_add(w->out, raw + f->start, f->end - f->start);
	else
		csv_put_value(w, v, n, w->ds->ncolumns == 1 && !w->add_label && !w->add_split);
}

/* An edited record: splice the changed fields into its raw bytes. */
static void csv_write_edited(struct csv_writer *w, const struct ds_record *r)
{
	const struct dataset *ds = w->ds;
	struct csv_scan *s = &w->scan;
	size_t i;

	if (csv_scan_record(s, r->raw, r->body_len, 0, w->sep) != CSV_OK ||
	    s->nfields != (size_t)ds->ncolumns || s->body_end != r->body_len) {
		csv_write_new_row(w, r);
		return;
	}
	for (i = 0; i < s->nfields; i++) {
		const struct csv_field *f = &s->fields[i];
		const char *v;

		if (i > 0)
			tt_buf_addc(w->out, w->sep);
		if ((int)i == ds->text_col) {
			csv_put_field(w, r->raw, f, r->text, r->text_len);
		} else if ((int)i == ds->label_col) {
			csv_join_labels(w, r);
			csv_put_field(w, r->raw, f, w->tmp.data, w->tmp.len);
		} else if ((int)i == ds->split_col) {
			enum ds_split old;
			size_t n;
			bool owned;

			v = csv_field_value(r->raw, f, &n, &owned);
			if (ds_split_parse(v, n, &old) == 0 && old == r->split)
				tt_buf_add(w->out, r->raw + f->start, f->end - f->start);
			else
				csv_put_split(w, r, false);
			if (owned)
				free((char *)v);
		} else {
			tt_buf_add(w->out, r->raw + f->start, f->end - f->start);
		}
	}
	csv_put_extras(w, r);
	tt_buf_add(w->out, r->raw + r->body_len, r->raw_len - r->body_len);
}

static void csv_write_native(struct csv_writer *w)
{
	const struct dataset *ds = w->ds;
	size_t i;

	w->add_label = ds->label_col < 0 && csv_any_label(ds);
	w->add_split = ds->split_col < 0 && csv_any_split(ds);
	csv_write_preamble(w);
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (!csv_live(r))
			continue;
		if (r->raw == NULL || r->body_len > r->raw_len) {
			csv_write_new_row(w, r);
			continue;
		}
		csv_fresh_line(w);
		if (r->flags & DS_FLAG_DIRTY) {
			csv_write_edited(w, r);
		} else if (w->add_label || w->add_split) {
			tt_buf_add(w->out, r->raw, r->body_len);
			csv_put_extras(w, r);
			tt_buf_add(w->out, r->raw + r->body_len, r->raw_len - r->body_len);
		} else {
			tt_buf_add(w->out, r->raw, r->raw_len);
		}
	}
}

/* Writing a dataset that came from another format (or was built in memory). */
static void csv_write_converted(struct csv_writer *w)
{
	const struct dataset *ds = w->ds;
	bool with_id = csv_any_id(ds), with_split = csv_any_split(ds);
	const char *names[4];
	int n = 0, k;
	size_t i;

	if (with_id)
		names[n++] = csv_name(ds->id_field, "id");
	names[n++] = csv_name(ds->text_field, "text");
	names[n++] = csv_name(ds->label_field, "label");
	if (with_split)
		names[n++] = csv_name(ds->split_field, "split");
	for (k = 0; k < n; k++) {
		if (k > 0)
			tt_buf_addc(w->out, w->sep);
		csv_put_value(w, names[k], strlen(names[k]), false);
	}
	tt_buf_adds(w->out, w->eol);
	for (i = 0; i < ds->n; i++) {
		const struct ds_record *r = &ds->recs[i];

		if (!csv_live(r))
			continue;
		if (with_id) {
			if (r->id != NULL)
				csv_put_value(w, r->id, r->id_len, false);
			tt_buf_addc(w->out, w->sep);
		}
		csv_put_value(w, r->text, r->text_len, false);
		tt_buf_addc(w->out, w->sep);
		csv_put_label(w, r, false);
		if (with_split) {
			tt_buf_addc(w->out, w->sep);
			csv_put_split(w, r, false);
		}
		tt_buf_adds(w->out, w->eol);
	}
}

/* The header's line end, so made-up rows match the file. */
static const char *csv_header_eol(const struct dataset *ds)
{
	const char *lf = memchr(ds->preamble, '\n', ds->preamble_len);

	if (lf != NULL && lf > ds->preamble && lf[-1] == '\r')
		return "\r\n";
	return "\n";
}

/*
 * Labels that would not read back the same: several in a record with no
 * separator, or a name holding the separator. Refused, never written.
 */
static int csv_check_labels(const struct dataset *ds, struct tt_err *err)
{
	const char *sep = csv_label_sep(ds);
	uint8_t *holds = tt_xcalloc(ds->labels.n + 1, 1);
	uint32_t l, k;
	size_t i;
	int rc = 0;

	for (l = 0; sep[0] != '\0' && l < ds->labels.n; l++)
		holds[l] = strstr(ds->labels.names[l], sep) != NULL;
	for (i = 0; i < ds->n && rc == 0; i++) {
		const struct ds_record *r = &ds->recs[i];
		uint32_t n = ds_record_nlabels(r);

		if (r->flags & DS_FLAG_DELETED)
			continue;
		if (n > 1 && sep[0] == '\0') {
			tt_err_set(err, ds->path, r->line, 0, "record %zu has %u labels, and CSV/TSV "
				   "holds one label a field when label_sep is empty: set a separator "
				   "(e.g. --set 'label_sep=|')", i + 1, n);
			rc = -1;
		}
		for (k = 0; k < n && rc == 0; k++) {
			l = ds_record_label_at(r, k);
			if (l < ds->labels.n && holds[l]) {
				tt_err_set(err, ds->path, r->line, 0, "record %zu: a label name holds the "
					   "label separator \"%s\", so CSV/TSV would read it back as "
					   "several labels: choose another separator with --set label_sep=...",
					   i + 1, sep);
				rc = -1;
			}
		}
	}
	free(holds);
	return rc;
}

int format_csv_write(const struct dataset *ds, char sep, struct tt_buf *out, struct tt_err *err)
{
	enum ds_format_id fmt = sep == '\t' ? DS_FMT_TSV : DS_FMT_CSV;
	struct csv_writer w;

	if (csv_check_labels(ds, err) != 0)
		return -1;
	memset(&w, 0, sizeof w);
	w.ds = ds;
	w.sep = sep;
	w.out = out;
	w.eol = "\n";
	tt_buf_init(&w.tmp);
	if (ds->format == fmt && ds->preamble != NULL && ds->columns != NULL &&
	    ds->text_col >= 0 && ds->text_col < ds->ncolumns) {
		w.eol = csv_header_eol(ds);
		tt_buf_reserve(out, ds->buf_len);
		csv_write_native(&w);
	} else {
		csv_write_converted(&w);
	}
	tt_buf_fini(&w.tmp);
	csv_scan_fini(&w.scan);
	return 0;
}

/* ---- one record's columns, for people (the record detail) ---- */

void format_csv_fields(const struct dataset *ds, size_t index, char sep,
		       void (*fn)(void *opaque, const char *name, const char *value, size_t n),
		       void *opaque)
{
	const struct ds_record *r = &ds->recs[index];
	struct csv_scan s;

	memset(&s, 0, sizeof s);
	if (r->raw != NULL && csv_scan_record(&s, r->raw, r->body_len, 0, sep) == CSV_OK) {
		for (size_t i = 0; i < s.nfields && i < (size_t)ds->ncolumns; i++) {
			size_t n;
			bool owned;
			const char *v = csv_field_value(r->raw, &s.fields[i], &n, &owned);

			fn(opaque, ds->columns[i], v, n);
			if (owned)
				free((char *)v);
		}
	}
	csv_scan_fini(&s);
}
