/*
 * bpe-pretok.c - GPT-2's pre-tokenizer without a regex engine.
 *
 * GPT-2 splits text with the `regex` module's pattern
 *
 *   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *
 * found left to right (findall): at each position the first alternative
 * that matches wins, and its + are greedy. Written out by the class of the
 * character c at the position (L letter, N number, S white space, O other)
 * and what follows:
 *
 *   1. c is ' and the next characters are s, t, m, d, re, ve or ll (lower
 *      case only): those 2 or 3 characters.
 *   2-4. c, or the character after c when c is U+0020 (the only space the
 *      " ?" takes), is L (or N, or O): it and the run of its class after it.
 *      An O run takes ' too, so "'S" is "'" then "S".
 *   5. c is S: the run of S characters. If text follows (a character that is
 *      not S), the run gives up its last character, which then leads the next
 *      piece (" word", or "\t" alone); a run of one is the piece itself (6).
 *
 * \s is Unicode's White_Space property, which is what the regex module
 * matches (checked over every code point: not U+001C..U+001F, which
 * Python's str.isspace() takes, nor U+FEFF). \p{L} is the categories
 * Lu Ll Lt Lm Lo, \p{N} is Nd Nl No, both from utf8proc (Unicode 15 in
 * Debian 12, as the regex module of Debian 12). Unassigned code points
 * are O.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "bpe-impl.h"

/* Unicode's White_Space, as the regex module's \s (Unicode 15). */
static int bpe_is_space(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20;
	switch (cp) {
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	default:
		return cp >= 0x2000 && cp <= 0x200a;
	}
}

enum bpe_class bpe_char_class(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
			return BPE_LETTER;
		if (cp >= '0' && cp <= '9')
			return BPE_NUMBER;
		return bpe_is_space(cp) ? BPE_SPACE : BPE_OTHER;
	}
	if (bpe_is_space(cp))
		return BPE_SPACE;
	if (cp > 0x10ffff)
		return BPE_OTHER;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
		return BPE_LETTER;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return BPE_NUMBER;
	default:
		return BPE_OTHER;
	}
}

/*
 * One character of strict UTF-8 at s[i] (no overlong forms, no surrogates,
 * at most U+10FFFF): its end, or 0 when the bytes there are not UTF-8.
 */
size_t bpe_utf8_next(const char *text, size_t len, size_t i, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned c = s[i];
	size_t n, k;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return i + 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; v = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; v = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len - i < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return i + n;
}

long bpe_utf8_check(const char *text, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		size_t j = bpe_utf8_next(text, len, i, &cp);

		if (j == 0)
			return (long)i;
		i = j;
	}
	return -1;
}

/* The class of the character at i (i < len), and its end in *next. */
static enum bpe_class bpe_class_at(const char *text, size_t len, size_t i, size_t *next)
{
	uint32_t cp;

	*next = bpe_utf8_next(text, len, i, &cp);
	return bpe_char_class(cp);
}

/* The end of the run of class cl that starts at i. */
static size_t bpe_run_end(const char *text, size_t len, size_t i, enum bpe_class cl)
{
	size_t next;

	while (i < len && bpe_class_at(text, len, i, &next) == cl)
		i = next;
	return i;
}

/* Alternative 1: the length of a contraction at i, or 0. */
static size_t bpe_contraction(const char *s, size_t len, size_t i)
{
	if (s[i] != '\'' || i + 1 >= len)
		return 0;
	switch (s[i + 1]) {
	case 's': case 't': case 'm': case 'd':
		return 2;
	case 'r': case 'v':
		return i + 2 < len && s[i + 2] == 'e' ? 3 : 0;
	case 'l':
		return i + 2 < len && s[i + 2] == 'l' ? 3 : 0;
	default:
		return 0;
	}
}

/* Alternative 5/6: the end of the white-space piece that starts at i. */
static size_t bpe_space_end(const char *text, size_t len, size_t i)
{
	size_t end = i, last = i, next;

	while (end < len && bpe_class_at(text, len, end, &next) == BPE_SPACE) {
		last = end;
		end = next;
	}
	/* Text follows: give its leading character back, unless it is the only one. */
	if (end < len && last > i)
		return last;
	return end;
}

/* The end of the pre-token that starts at i (text valid UTF-8, i < len). */
size_t bpe_pretok_end(const char *text, size_t len, size_t i)
{
	size_t k, next, c;
	enum bpe_class cl;

	if ((c = bpe_contraction(text, len, i)) > 0)
		return i + c;
	cl = bpe_class_at(text, len, i, &next);
	k = i;
	if (text[i] == ' ' && next < len) {
		enum bpe_class after = bpe_class_at(text, len, next, &c);

		if (after != BPE_SPACE) {
			k = next;
			cl = after;
		}
	}
	if (cl != BPE_SPACE)
		return bpe_run_end(text, len, k, cl);
	return bpe_space_end(text, len, i);
}

void bpe_spans_init(struct bpe_spans *s)
{
	memset(s, 0, sizeof *s);
}

void bpe_spans_fini(struct bpe_spans *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

static void bpe_spans_push(struct bpe_spans *s, size_t off, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = tt_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n].off = off;
	s->v[s->n].len = len;
	s->n++;
}

int bpe_pretokenize(const char *text, size_t len, struct bpe_spans *out, size_t *bad)
{
	long b = bpe_utf8_check(text, len);
	size_t i = 0;

	if (b >= 0) {
		*bad = (size_t)b;
		return -1;
	}
	while (i < len) {
		size_t end = bpe_pretok_end(text, len, i);

		bpe_spans_push(out, i, end - i);
		i = end;
	}
	return 0;
}
