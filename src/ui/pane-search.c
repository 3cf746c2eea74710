/*
 * pane-search.c - search in record texts: an extended regular expression
 * (case-insensitive unless the pattern has a capital letter, like less and
 * vim's smartcase), the next and previous matching record in the data
 * pane's list, and the matches highlighted wherever a text is drawn (the
 * list, the record detail, the label pane).
 *
 * A search never changes the list: it moves the cursor. Stepping scans the
 * listed records from the cursor, so the usual case (a match a few rows
 * away) costs a few regexec calls even at a million records.
 */
#include "tunetop/pane.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"

/* At most this many matches are highlighted in one text. */
enum { PANE_SEARCH_SPANS = 64 };

static bool pane_search_has_upper(const char *p)
{
	for (; *p != '\0'; p++) {
		if (isupper((unsigned char)*p))
			return true;
	}
	return false;
}

int pane_search_set(struct ui *ui, const char *pattern, struct tt_err *err)
{
	struct ui_data_view *v = &ui->data;
	int flags = REG_EXTENDED, rc;
	char why[160];
	regex_t re;

	if (pattern[0] != '\0') {
		if (!pane_search_has_upper(pattern))
			flags |= REG_ICASE;
		rc = regcomp(&re, pattern, flags);
		if (rc != 0) {
			regerror(rc, &re, why, sizeof why);
			tt_err_set(err, NULL, 0, 0, "bad regular expression '%s': %s", pattern, why);
			return -1;
		}
	}
	if (v->has_search)
		regfree(&v->search_re);
	v->has_search = pattern[0] != '\0';
	if (v->has_search)
		v->search_re = re;
	snprintf(v->search, sizeof v->search, "%s", pattern);
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL | 1u << PANE_STATUS);
	return 0;
}

static bool pane_search_text(const regex_t *re, const char *s, size_t len)
{
	regmatch_t m[1];

	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	return regexec(re, s, 1, m, REG_STARTEND) == 0;
}

bool pane_search_matches(const struct ui *ui, size_t i)
{
	const struct ds_record *r = &ui->app->ds.recs[i];

	return ui->data.has_search && r->text != NULL &&
	       pane_search_text(&ui->data.search_re, r->text, r->text_len);
}

int pane_search_step(struct ui *ui, int dir, bool from_cursor, bool *wrapped)
{
	struct ui_data_view *v = &ui->data;
	size_t k, step, pos, n;

	pane_data_refresh(ui);
	n = v->n;
	*wrapped = false;
	if (!v->has_search || n == 0)
		return -1;
	for (k = 0; k < n; k++) {
		step = (k + (from_cursor ? 0 : 1)) % n;
		pos = dir > 0 ? (v->cursor + step) % n : (v->cursor + n - step) % n;
		if (!pane_search_matches(ui, v->idx[pos]))
			continue;
		*wrapped = dir > 0 ? v->cursor + step >= n : step > v->cursor;
		v->cursor = pos;
		v->placed = true;
		ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
		return 0;
	}
	return -1;
}

/* The byte length of the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t pane_search_seq(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	return c >= 0xc0 ? 2 : 1;
}

/* The matches in s[0..len) as [start, end) pairs; returns how many. */
static int pane_search_spans(const struct ui *ui, const char *s, size_t len, size_t *spans)
{
	regmatch_t m[1];
	size_t at = 0;
	int n = 0;

	if (!ui->data.has_search)
		return 0;
	while (at < len && n < PANE_SEARCH_SPANS) {
		m[0].rm_so = (regoff_t)at;
		m[0].rm_eo = (regoff_t)len;
		if (regexec(&ui->data.search_re, s, 1, m, at > 0 ? REG_STARTEND | REG_NOTBOL :
			    REG_STARTEND) != 0)
			break;
		if (m[0].rm_eo > m[0].rm_so) {
			spans[2 * n] = (size_t)m[0].rm_so;
			spans[2 * n + 1] = (size_t)m[0].rm_eo;
			n++;
			at = (size_t)m[0].rm_eo;
		} else {	/* an empty match: step over one character */
			at = (size_t)m[0].rm_so + pane_search_seq((unsigned char)s[m[0].rm_so]);
		}
	}
	return n;
}

int pane_text_marked(struct ui *ui, int x, int y, const char *s, int maxw, uint8_t role,
		     uint8_t attr)
{
	size_t spans[2 * PANE_SEARCH_SPANS], len = strlen(s);
	int n = pane_search_spans(ui, s, len, spans);

	return pane_text_spans(&ui->screen, x, y, s, len, maxw, role, attr, 0, spans, n);
}

int pane_wrap_marked(struct ui *ui, struct layout_rect r, int row, const char *s, size_t len,
		     uint8_t role, uint8_t attr)
{
	size_t spans[2 * PANE_SEARCH_SPANS];
	int n = pane_search_spans(ui, s, len, spans);

	return pane_wrap_spans(&ui->screen, r, row, s, len, role, attr, spans, n);
}

int pane_record_text(struct ui *ui, struct layout_rect r, long rec, uint8_t attr, char *where,
		     size_t n)
{
	const struct ds_record *d = &ui->app->ds.recs[rec];
	struct ui_data_view *v = &ui->data;
	size_t spans[2 * PANE_SEARCH_SPANS];
	struct tt_buf body;
	int total, nspans;

	where[0] = '\0';
	if (r.h <= 0 || r.w <= 0)
		return 0;
	if (v->text_rec != rec) {
		v->text_rec = rec;
		v->text_top = 0;
	}
	tt_buf_init(&body);
	pane_text_plain(d->text, d->text_len, &body);
	nspans = pane_search_spans(ui, body.data != NULL ? body.data : "", body.len, spans);
	/* measure first: a top past the end (a resize, a bigger pane) comes back */
	total = pane_wrap_window(&ui->screen, (struct layout_rect){ r.x, r.y, r.w, 0 },
				 body.data, body.len, 0, 0, NULL, 0, 0);
	if (v->text_top > total - r.h)
		v->text_top = total - r.h > 0 ? total - r.h : 0;
	pane_wrap_window(&ui->screen, r, body.data, body.len, GRID_ROLE_DEFAULT,
			 attr, spans, nspans, v->text_top);
	v->text_rows = r.h;
	v->text_total = total;
	pane_text_where(v->text_top, r.h, total, where, n);
	tt_buf_fini(&body);
	return total < r.h ? total : r.h;
}

void pane_record_scroll(struct ui *ui, int rows)
{
	struct ui_data_view *v = &ui->data;
	int page = v->text_rows > 1 ? v->text_rows - 1 : 1;
	int max = v->text_total - v->text_rows;

	if (rows >= PANE_TEXT_PAGE)
		rows = page;
	else if (rows <= -PANE_TEXT_PAGE)
		rows = -page;
	v->text_top += rows;
	if (v->text_top > max)
		v->text_top = max;
	if (v->text_top < 0)
		v->text_top = 0;
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
}

void pane_text_where_draw(struct ui *ui, struct layout_rect r, int y, const char *where)
{
	int w = grid_text_width(where);

	if (where[0] == '\0' || w + 2 > r.w)
		return;
	grid_fill(&ui->screen, r.x + r.w - w - 2, y, w + 2, 1, ' ', GRID_ROLE_DEFAULT, 0);
	grid_text(&ui->screen, r.x + r.w - w, y, where, w, GRID_ROLE_LABEL_KEY, GRID_ATTR_BOLD);
}

int pane_record_rows(struct ui *ui, long rec, int w)
{
	const struct ds_record *d = &ui->app->ds.recs[rec];
	struct tt_buf body;
	int total;

	tt_buf_init(&body);
	pane_text_plain(d->text, d->text_len, &body);
	total = pane_wrap_window(&ui->screen, (struct layout_rect){ 0, 0, w, 0 }, body.data,
				 body.len, 0, 0, NULL, 0, 0);
	tt_buf_fini(&body);
	return total;
}
