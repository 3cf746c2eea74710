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

/*
 * Append s[0..n) folded (ASCII lowercase) with whitespace runs as one
 * space. Folding and collapsing never lengthen the text, so the output is
 * written in place after one reserve.
 */
static void normtext_collapse(const char *s, size_t n, int ascii, struct tt_buf *out)
{
	size_t i = 0;
	int pending = 0;
	char *o, *start;

	tt_buf_reserve(out, n + 1);
	start = o = out->data + out->len;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (c < 0x80 || ascii) {
			if (normtext_ascii_space(c)) {
				pending = o > start;
			} else {
				if (pending)
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
			pending = o > start;
		} else {
			/* a space replaces at least one byte of a run: never longer than s */
			if (pending)
				*o++ = ' ';
			pending = 0;
			memcpy(o, s + i, (size_t)k);
			o += k;
		}
		i += (size_t)k;
	}
	*o = '\0';
	out->len = (size_t)(o - out->data);
}

void normtext(const char *s, size_t n, struct tt_buf *out)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t m;

	tt_buf_clear(out);
	if (n == 0 || normtext_is_ascii(s, n)) {
		normtext_collapse(s, n, 1, out);
		return;
	}
	m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
			 UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	if (m < 0) {
		normtext_collapse(s, n, 1, out);    /* invalid UTF-8: bytes, lowercased */
		return;
	}
	normtext_collapse((const char *)mapped, (size_t)m, 0, out);
	free(mapped);
}

uint64_t normtext_hash(const char *s, size_t n, struct tt_buf *scratch)
{
	normtext(s, n, scratch);
	return XXH3_64bits(scratch->data != NULL ? scratch->data : "", scratch->len);
}
