/*
 * pane-text.c - text helpers shared by the panes: measuring and cutting
 * UTF-8 by display columns, one-line previews, word-wrapped paragraphs.
 */
#include "tunetop/pane.h"

#include <stdio.h>
#include <string.h>

/* Bytes in the UTF-8 sequence starting with c (1 for a stray byte). */
static size_t pane_seq_len(unsigned char c)
{
	if (c < 0xc0)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

/* Width of the character at s (n bytes available), and its length. */
static int pane_char_width(const char *s, size_t n, size_t *len)
{
	char one[8];

	*len = pane_seq_len((unsigned char)s[0]);
	if (*len > n)
		*len = n;
	if ((unsigned char)s[0] < 0x80)
		return 1;
	memcpy(one, s, *len);
	one[*len] = '\0';
	return grid_text_width(one);
}

size_t pane_cut(const char *s, size_t len, int maxw, int *width)
{
	size_t at = 0, clen;
	int w = 0, cw;

	while (at < len && s[at] != '\n') {
		cw = pane_char_width(s + at, len - at, &clen);
		if (w + cw > maxw)
			break;
		w += cw;
		at += clen;
	}
	if (width != NULL)
		*width = w;
	return at;
}

void pane_preview(const char *s, size_t len, char *out, size_t n)
{
	size_t i, o = 0;
	int space = 0;

	for (i = 0; i < len && o + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			if (!space)
				out[o++] = ' ';
			space = 1;
			continue;
		}
		space = c == ' ';
		out[o++] = (char)c;
	}
	/* Do not end inside a UTF-8 sequence. */
	while (o > 0 && o == n - 1 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
		o--;
	if (o > 0 && o == n - 1 && (unsigned char)out[o - 1] >= 0xc0)
		o--;
	out[o] = '\0';
}

void pane_text_plain(const char *s, size_t len, struct tt_buf *out)
{
	size_t k;

	for (k = 0; k < len; k++)
		tt_buf_addc(out, s[k] == '\t' || s[k] == '\r' ? ' ' : s[k]);
}

/* Draw s[0..len) on one row at (x, y), at most w columns; the columns used. */
static int pane_put(struct grid *g, int x, int y, const char *s, size_t len, int w, uint8_t role,
		    uint8_t attr)
{
	char buf[1024];

	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return grid_text(g, x, y, buf, w, role, attr);
}

/* The end of the piece of s[pos..len) that is all in or all out of a span. */
static size_t pane_piece(size_t pos, size_t len, size_t base, const size_t *spans, int nspans,
			 bool *in)
{
	size_t at = base + pos;
	int k;

	*in = false;
	for (k = 0; k < nspans; k++) {
		size_t so = spans[2 * k], eo = spans[2 * k + 1];

		if (at < so)
			return so - base < len ? so - base : len;
		if (at < eo) {
			*in = true;
			return eo - base < len ? eo - base : len;
		}
	}
	return len;
}

int pane_text_spans(struct grid *g, int x, int y, const char *s, size_t len, int maxw,
		    uint8_t role, uint8_t attr, size_t base, const size_t *spans, int nspans)
{
	size_t pos = 0, end;
	int used = 0;
	bool in;

	while (pos < len && used < maxw) {
		end = pane_piece(pos, len, base, spans, nspans, &in);
		used += pane_put(g, x + used, y, s + pos, end - pos, maxw - used,
				 in ? GRID_ROLE_SEARCH_MATCH : role, in ? attr | GRID_ATTR_BOLD : attr);
		pos = end;
	}
	return used;
}

/*
 * Wrap s[0..len) into r, drawing the wrapped rows skip .. skip + r.h - row
 * at rows row.. of r. With count_all the whole text is measured (nothing
 * more is drawn); otherwise it stops when r is full. Returns the rows.
 */
static int pane_wrap_rows(struct grid *g, struct layout_rect r, int row, const char *s, size_t len,
			  uint8_t role, uint8_t attr, const size_t *spans, int nspans, int skip,
			  bool count_all)
{
	const char *start = s;
	int used = 0;

	while (len > 0 && (count_all || row + used - skip < r.h)) {
		size_t cut, brk, i;
		int y = row + used - skip;

		if (s[0] == '\n') {	/* a blank line */
			used++;
			s++;
			len--;
			continue;
		}
		cut = pane_cut(s, len, r.w, NULL);
		brk = cut;

		if (cut < len && s[cut] != '\n' && s[cut] != ' ') {
			for (i = cut; i > 0; i--) {
				if (s[i - 1] == ' ') {
					brk = i;
					break;
				}
			}
		}
		if (brk == 0 && cut == 0)
			brk = pane_seq_len((unsigned char)s[0]);
		if (used >= skip && y < r.h)
			pane_text_spans(g, r.x, r.y + y, s, brk, r.w, role, attr,
					(size_t)(s - start), spans, nspans);
		used++;
		s += brk;
		len -= brk;
		if (len > 0 && (s[0] == '\n' || (s[0] == ' ' && brk == cut))) {
			s++;
			len--;
		}
	}
	return used;
}

int pane_wrap_spans(struct grid *g, struct layout_rect r, int row, const char *s, size_t len,
		    uint8_t role, uint8_t attr, const size_t *spans, int nspans)
{
	return pane_wrap_rows(g, r, row, s, len, role, attr, spans, nspans, 0, false);
}

int pane_wrap_window(struct grid *g, struct layout_rect r, const char *s, size_t len,
		     uint8_t role, uint8_t attr, const size_t *spans, int nspans, int top)
{
	if (r.w <= 0)
		return 0;
	return pane_wrap_rows(g, r, 0, s, len, role, attr, spans, nspans, top, true);
}

void pane_text_where(int top, int rows, int total, char *out, size_t n)
{
	int last = top + rows < total ? top + rows : total;

	if (total <= rows)
		snprintf(out, n, "%s", "");
	else
		snprintf(out, n, "lines %d-%d of %d%s", top + 1, last, total,
			 last < total ? " · PgDn" : "");
}

int pane_wrap(struct grid *g, struct layout_rect r, int row, const char *s, size_t len,
	      uint8_t role, uint8_t attr)
{
	return pane_wrap_spans(g, r, row, s, len, role, attr, NULL, 0);
}
