/*
 * normtext.c - NFKC + case folding + collapsed whitespace (normtext.h).
 * utf8proc does NFKC and folding in one call (UTF8PROC_COMPAT | COMPOSE |
 * CASEFOLD); ASCII-only text skips it, since NFKC leaves ASCII alone and
 * folding ASCII is tolower.
 */
#include "tunetop/normtext.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static int normtext_is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	}
	return 1;
}

static int normtext_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

#ifdef __SSE2__
/*
 * Sixteen ASCII bytes at o, folded, when they need no collapsing: no tab
 * or line break, no two spaces in a row, no space right after one already
 * written (or at the start). Returns 0 (nothing written) otherwise.
 */
static int normtext_block(const char *s, char *o, const char *start)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)s);
	const __m128i ctl = _mm_sub_epi8(v, _mm_set1_epi8(9));      /* \t..\r: 0..4 */
	unsigned other = (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_min_epu8(ctl, _mm_set1_epi8(4)), ctl));
	unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
	__m128i up;

	if (other != 0 || (sp & (sp >> 1)) != 0 ||
	    ((sp & 1u) && (o == start || o[-1] == ' ')))
		return 0;
	/* 'A'..'Z' + 32: signed compares are right for ASCII bytes */
	up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
			   _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
	_mm_storeu_si128((__m128i *)o, _mm_add_epi8(v, _mm_and_si128(up, _mm_set1_epi8(32))));
	return 1;
}
#endif

/*
 * Append s[0..n) folded (ASCII lowercase) with whitespace runs as one
 * space. Folding and collapsing never lengthen the text, so the output is
 * written in place after one reserve. A space is written when the next
 * word starts (pending), or by a whole block of normtext_block, after
 * which one at the very end is taken back.
 */
static void normtext_collapse(const char *s, size_t n, int ascii, struct tt_buf *out)
{
	size_t i = 0;
	int pending = 0;
	char *o, *start;

	tt_buf_reserve(out, n + 16 + 1);
	start = o = out->data + out->len;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

#ifdef __SSE2__
		if (ascii && !pending && i + 16 <= n && normtext_block(s + i, o, start)) {
			o += 16;
			i += 16;
			continue;
		}
#endif
		if (c < 0x80 || ascii) {
			if (normtext_ascii_space(c)) {
				pending = 1;
			} else {
				if (pending && o > start && o[-1] != ' ')
					*o++ = ' ';
				pending = 0;
				*o++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			k = 1;
			cp = -1;
		}
		if (cp >= 0 && utf8proc_category(cp) >= UTF8PROC_CATEGORY_ZS &&
		    utf8proc_category(cp) <= UTF8PROC_CATEGORY_ZP) {
			pending = 1;
		} else {
			/* a space replaces at least one byte of a run: never longer than s */
			if (pending && o > start && o[-1] != ' ')
				*o++ = ' ';
			pending = 0;
			memcpy(o, s + i, (size_t)k);
			o += k;
		}
		i += (size_t)k;
	}
	if (o > start && o[-1] == ' ')
		o--;    /* a block ended the text with a space */
	*o = '\0';
	out->len = (size_t)(o - out->data);
}

/*
 * Append one whitespace-free chunk mapped by utf8proc (NFKC + case
 * folding); invalid UTF-8 is kept as bytes (collapse lowercases them).
 */
static void normtext_map_chunk(const char *s, size_t n, struct tt_buf *mid)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t m;

	m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
			 UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (m < 0) {
		tt_buf_add(mid, s, n);
		return;
	}
	tt_buf_add(mid, mapped, (size_t)m);
	free(mapped);
}

/*
 * Text with some non-ASCII bytes: utf8proc maps only the chunks between
 * ASCII whitespace that hold them, since NFKC never joins characters
 * across a space (a combining mark after a space has nothing to compose
 * with), so mapping chunk by chunk gives the same result as the whole
 * text at a fraction of the cost when most words are ASCII.
 */
void normtext(const char *s, size_t n, struct tt_buf *out)
{
	struct tt_buf mid;
	size_t i = 0, start;
	int wide;

	tt_buf_clear(out);
	if (n == 0 || normtext_is_ascii(s, n)) {
		normtext_collapse(s, n, 1, out);
		return;
	}
	tt_buf_init(&mid);
	while (i < n) {
		if (normtext_ascii_space((unsigned char)s[i])) {
			tt_buf_addc(&mid, s[i++]);
			continue;
		}
		start = i;
		wide = 0;
		while (i < n && !normtext_ascii_space((unsigned char)s[i]))
			wide |= (unsigned char)s[i++] >= 0x80;
		if (wide)
			normtext_map_chunk(s + start, i - start, &mid);
		else
			tt_buf_add(&mid, s + start, i - start);
	}
	normtext_collapse(mid.data, mid.len, 0, out);
	tt_buf_fini(&mid);
}

uint64_t normtext_hash(const char *s, size_t n, struct tt_buf *scratch)
{
	normtext(s, n, scratch);
	return XXH3_64bits(scratch->data != NULL ? scratch->data : "", scratch->len);
}
