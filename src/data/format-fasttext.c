/*
 * format-fasttext.c - the fastText supervised format, one record a line:
 *
 *     __label__billing __label__urgent my card was charged twice
 *
 * Reading. Leading tokens that start with "__label__" are the record's
 * labels (more than one makes the dataset multi-label); the text is the
 * rest of the line after the whitespace that follows the last label, and it
 * points into the file's buffer. A line without a label token is an
 * unlabeled record whose text is the whole line. Only leading tokens count
 * as labels: "__label__x" later in a line is text (fastText itself would
 * take it as a label; the workbench keeps what the person wrote). Lines of
 * nothing but whitespace are not records; they stay in the raw bytes of the
 * record before them (or in the preamble), so a round trip keeps them.
 * Line ends are LF or CRLF. Whitespace is what fastText splits on: space,
 * tab, CR, vertical tab and form feed; between tokens a byte order mark
 * (U+FEFF) counts as whitespace too, so files joined with cat still read.
 *
 * Writing. Unedited records of a fastText dataset are copied verbatim.
 * Other records become "__label__a __label__b text" (no label tokens when
 * unlabeled). fastText is line based and splits on whitespace, so CR, LF,
 * tab, vertical tab, form feed and NUL in the text become spaces, and
 * whitespace in a label name becomes '_'. A record that cannot be read back
 * as itself - empty text, text starting with "__label__", an empty label
 * name - is an error rather than a silently different file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

static const char ft_prefix[] = "__label__";
enum { FT_PREFIX_LEN = sizeof ft_prefix - 1 };

/* More labels than this on one line do not fit ds_record.nmore. */
enum { FT_MAX_LABELS = 65536 };

static bool ft_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Bytes of separator at p[0..n): one for an ASCII space character, three
 * for U+FEFF (a byte order mark, which files joined with cat carry at the
 * start of a line), else 0. Used between tokens and for blank lines only.
 */
static size_t ft_space_len(const char *p, size_t n)
{
	if (n > 0 && ft_is_space(p[0]))
		return 1;
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		return 3;
	return 0;
}

static size_t ft_skip_space(const char *p, size_t i, size_t end)
{
	size_t k;

	while ((k = ft_space_len(p + i, end - i)) > 0)
		i += k;
	return i;
}

static bool ft_has_prefix(const char *p, size_t n)
{
	return n >= FT_PREFIX_LEN && memcmp(p, ft_prefix, FT_PREFIX_LEN) == 0;
}

static size_t ft_bom_len(const char *p, size_t len)
{
	return len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* ---- reading ---------------------------------------------------------- */

/* A label token's name, as offsets into the buffer. */
struct ft_name {
	size_t off;
	size_t len;
};

struct ft_reader {
	struct dataset *ds;
	const struct ds_options *o;
	struct tt_err *err;
	size_t max_bytes;
	struct ft_name *names;   /* label tokens of the current line */
	size_t nnames;
	size_t cap;
	uint32_t *ids;           /* their interned ids */
};

/* One physical line: [start, body_end) is the record, next is after its line end. */
struct ft_line {
	size_t start;
	size_t body_end;
	size_t next;
};

static void ft_line_at(const struct dataset *ds, size_t off, struct ft_line *ln)
{
	const char *lf = memchr(ds->buf + off, '\n', ds->buf_len - off);

	ln->start = off;
	if (lf == NULL) {
		ln->body_end = ln->next = ds->buf_len;
		return;
	}
	ln->next = (size_t)(lf - ds->buf) + 1;
	ln->body_end = ln->next - 1;
	if (ln->body_end > off && ds->buf[ln->body_end - 1] == '\r')
		ln->body_end--;
}

static bool ft_line_blank(const struct dataset *ds, const struct ft_line *ln)
{
	return ft_skip_space(ds->buf, ln->start, ln->body_end) == ln->body_end;
}

/* Offset after any blank lines at off. */
static size_t ft_skip_blank(const struct dataset *ds, size_t off)
{
	struct ft_line ln;

	while (off < ds->buf_len) {
		ft_line_at(ds, off, &ln);
		if (!ft_line_blank(ds, &ln))
			break;
		off = ln.next;
	}
	return off;
}

static uint32_t ft_col(const struct dataset *ds, const struct ft_line *ln, size_t off)
{
	return tt_utf8_column(ds->buf + ln->start, off - ln->start);
}

static void ft_push_name(struct ft_reader *rd, size_t off, size_t len)
{
	if (rd->nnames == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 8;
		rd->names = tt_xrealloc(rd->names, rd->cap * sizeof *rd->names);
	}
	rd->names[rd->nnames].off = off;
	rd->names[rd->nnames].len = len;
	rd->nnames++;
}

/*
 * Collect the leading label tokens of the line; *text is where the text
 * starts. Returns 0, 1 if the line was rejected under skip_bad, -1 to stop.
 */
static int ft_scan_labels(struct ft_reader *rd, const struct ft_line *ln, uint32_t line,
			  size_t *text)
{
	const char *b = rd->ds->buf;
	size_t i = ln->start;

	rd->nnames = 0;
	i = ft_skip_space(b, i, ln->body_end);
	while (i < ln->body_end && ft_has_prefix(b + i, ln->body_end - i)) {
		size_t tok = i, name = i + FT_PREFIX_LEN;

		i = name;
		while (i < ln->body_end && !ft_is_space(b[i]))
			i++;
		if (i == name)
			return ds_reject(rd->ds, rd->o, rd->err, line, ft_col(rd->ds, ln, tok),
					 "empty label name after \"__label__\": expected "
					 "__label__NAME") != 0 ? -1 : 1;
		if (rd->nnames == FT_MAX_LABELS)
			return ds_reject(rd->ds, rd->o, rd->err, line, ft_col(rd->ds, ln, tok),
					 "too many labels on one line: expected at most %d",
					 FT_MAX_LABELS) != 0 ? -1 : 1;
		ft_push_name(rd, name, i - name);
		i = ft_skip_space(b, i, ln->body_end);
	}
	if (rd->nnames > 0 && i == ln->body_end)
		return ds_reject(rd->ds, rd->o, rd->err, line, ft_col(rd->ds, ln, i),
				 "expected text after the labels") != 0 ? -1 : 1;
	*text = rd->nnames > 0 ? i : ln->start;
	return 0;
}

/* Checks that need no tokens: encoding and length. Same return as ft_scan_labels. */
static int ft_check_line(struct ft_reader *rd, const struct ft_line *ln, uint32_t line)
{
	const struct dataset *ds = rd->ds;
	const char *what;
	long bad = tt_utf8_check(ds->buf + ln->start, ln->body_end - ln->start, &what);

	if (bad >= 0)
		return ds_reject(rd->ds, rd->o, rd->err, line,
				 ft_col(ds, ln, ln->start + (size_t)bad),
				 "%s (byte 0x%02X): expected UTF-8 text", what,
				 (unsigned char)ds->buf[ln->start + (size_t)bad]) != 0 ? -1 : 1;
	if (rd->max_bytes > 0 && ln->body_end - ln->start > rd->max_bytes)
		return ds_reject(rd->ds, rd->o, rd->err, line, 1,
				 "line is %zu bytes long: expected at most %zu (raise max_record_mb)",
				 ln->body_end - ln->start, rd->max_bytes) != 0 ? -1 : 1;
	return 0;
}

/* Intern the collected labels (duplicates on a line count once) and set them. */
static void ft_set_labels(struct ft_reader *rd, struct ds_record *r)
{
	uint32_t n = 0;
	size_t i, j;

	if (rd->nnames == 0)
		return;
	rd->ids = tt_xrealloc(rd->ids, rd->nnames * sizeof *rd->ids);
	for (i = 0; i < rd->nnames; i++) {
		uint32_t id = ds_label_intern(rd->ds, rd->ds->buf + rd->names[i].off,
					      rd->names[i].len);

		for (j = 0; j < n && rd->ids[j] != id; j++)
			;
		if (j == n)
			rd->ids[n++] = id;
	}
	ds_record_set_labels(r, rd->ids, n);
	r->had_label_field = 1;
	if (n > 1)
		rd->ds->multilabel = true;
}

/* Read the record on ln. Returns 0 (added or skipped) or -1 to stop. */
static int ft_read_line(struct ft_reader *rd, const struct ft_line *ln, size_t raw_end,
			uint32_t line)
{
	struct ds_record *r;
	size_t text;
	int rc;

	rc = ft_check_line(rd, ln, line);
	if (rc == 0)
		rc = ft_scan_labels(rd, ln, line, &text);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	r = ds_record_append(rd->ds);
	r->raw = rd->ds->buf + ln->start;
	r->raw_len = (uint32_t)(raw_end - ln->start);
	r->body_len = (uint32_t)(ln->body_end - ln->start);
	r->text = rd->ds->buf + text;
	r->text_len = (uint32_t)(ln->body_end - text);
	r->line = line;
	ft_set_labels(rd, r);
	return 0;
}

int format_fasttext_read(struct dataset *ds, const struct ds_options *o, struct tt_err *err)
{
	struct ft_reader rd;
	size_t off;
	uint32_t line;
	int rc = 0;

	memset(&rd, 0, sizeof rd);
	rd.ds = ds;
	rd.o = o;
	rd.err = err;
	rd.max_bytes = o->max_record_bytes;
	if (rd.max_bytes == 0 || rd.max_bytes > UINT32_MAX / 2)
		rd.max_bytes = UINT32_MAX / 2;   /* raw_len is 32-bit */
	off = ft_skip_blank(ds, ft_bom_len(ds->buf, ds->buf_len));
	ds->preamble = ds->buf;
	ds->preamble_len = (uint32_t)off;
	line = 1 + tt_count_newlines(ds->buf, off);
	while (off < ds->buf_len && rc == 0) {
		struct ft_line ln;
		size_t end;

		ft_line_at(ds, off, &ln);
		end = ft_skip_blank(ds, ln.next);
		rc = ft_read_line(&rd, &ln, end, line);
		line += tt_count_newlines(ds->buf + off, end - off);
		off = end;
	}
	free(rd.names);
	free(rd.ids);
	if (rc != 0)
		return -1;
	if (ds->n == 0 && ds->nbad == 0) {
		tt_err_set(err, ds->path, 1, 1,
			   "empty file: expected lines like \"__label__NAME some text\"");
		return -1;
	}
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

struct ft_writer {
	const struct dataset *ds;
	struct tt_buf *out;
	struct tt_err *err;
	bool need_eol;          /* the last record written had no line end */
};

static void ft_put_mapped(struct tt_buf *out, const char *s, size_t n, char space)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (ft_is_space(s[i]) || s[i] == '\n' || s[i] == '\0') {
			tt_buf_add(out, s + from, i - from);
			tt_buf_addc(out, space);
			from = i + 1;
		}
	}
	tt_buf_add(out, s + from, n - from);
}

/* The record's id for messages. */
static void ft_record_name(const struct ft_writer *w, size_t index, struct tt_buf *b)
{
	tt_buf_adds(b, "record ");
	ds_record_id(w->ds, index, b);
}

static int ft_fail(struct ft_writer *w, size_t index, const char *why)
{
	struct tt_buf b;

	tt_buf_init(&b);
	ft_record_name(w, index, &b);
	tt_err_set(w->err, w->ds->path, 0, 0, "%s: %s cannot be written in fastText format",
		   b.data, why);
	tt_buf_fini(&b);
	return -1;
}

/*
 * Would the text, once written, read back as no record or as labels?
 * (Leading whitespace after the labels merges with the separator; that
 * loss is accepted.)
 */
static const char *ft_text_problem(const struct ds_record *r)
{
	size_t i = 0;

	for (;;) {
		size_t k = ft_space_len(r->text + i, r->text_len - i);

		if (k == 0 && i < r->text_len && (r->text[i] == '\n' || r->text[i] == '\0'))
			k = 1;
		if (k == 0)
			break;
		i += k;
	}
	if (i == r->text_len)
		return "empty text (each line needs text)";
	if (ft_has_prefix(r->text + i, r->text_len - i))
		return "text starting with \"__label__\" (it would be read as a label)";
	return NULL;
}

/* Write the record as "__label__a ... text". */
static int ft_put_record(struct ft_writer *w, size_t index)
{
	const struct dataset *ds = w->ds;
	const struct ds_record *r = &ds->recs[index];
	uint32_t i, n = ds_record_nlabels(r);
	const char *why = ft_text_problem(r);

	if (why != NULL)
		return ft_fail(w, index, why);
	for (i = 0; i < n; i++) {
		uint32_t id = ds_record_label_at(r, i);
		const char *name = id < ds->labels.n ? ds->labels.names[id] : "";

		if (name[0] == '\0')
			return ft_fail(w, index, "a label with an empty name");
		tt_buf_add(w->out, ft_prefix, FT_PREFIX_LEN);
		ft_put_mapped(w->out, name, strlen(name), '_');
		tt_buf_addc(w->out, ' ');
	}
	ft_put_mapped(w->out, r->text, r->text_len, ' ');
	return 0;
}

/* Is the record copied as it was read? */
static bool ft_verbatim(const struct dataset *ds, const struct ds_record *r)
{
	return ds->format == DS_FMT_FASTTEXT && r->raw != NULL && !(r->flags & DS_FLAG_DIRTY) &&
	       r->body_len <= r->raw_len;
}

static int ft_write_record(struct ft_writer *w, size_t index)
{
	const struct ds_record *r = &w->ds->recs[index];
	bool keep_end = w->ds->format == DS_FMT_FASTTEXT && r->raw != NULL &&
			r->body_len <= r->raw_len;

	if (w->need_eol)
		tt_buf_addc(w->out, '\n');
	if (ft_verbatim(w->ds, r)) {
		tt_buf_add(w->out, r->raw, r->raw_len);
	} else {
		if (ft_put_record(w, index) != 0)
			return -1;
		/* An edited record keeps its line end and the blank lines after it. */
		if (keep_end)
			tt_buf_add(w->out, r->raw + r->body_len, r->raw_len - r->body_len);
		else
			tt_buf_addc(w->out, '\n');
	}
	w->need_eol = w->out->len > 0 && w->out->data[w->out->len - 1] != '\n';
	return 0;
}

int format_fasttext_write(const struct dataset *ds, struct tt_buf *out, struct tt_err *err)
{
	struct ft_writer w;
	size_t start = out->len, i;

	memset(&w, 0, sizeof w);
	w.ds = ds;
	w.out = out;
	w.err = err;
	if (ds->format == DS_FMT_FASTTEXT)
		tt_buf_reserve(out, ds->buf_len);
	if (ds->format == DS_FMT_FASTTEXT && ds->preamble != NULL)
		tt_buf_add(out, ds->preamble, ds->preamble_len);
	for (i = 0; i < ds->n; i++) {
		if (ds->recs[i].flags & DS_FLAG_DELETED)
			continue;
		if (ft_write_record(&w, i) != 0) {
			out->len = start;
			out->data[start] = '\0';
			return -1;
		}
	}
	return 0;
}
