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
