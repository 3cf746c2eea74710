/*
 * util-esc.c - data never drives the terminal (DESIGN.md, principle 7).
 *
 * One rule for every string on its way to a terminal: a control character
 * is written out visibly instead of sent. C0 controls become \n, \t, \r or
 * \xNN, DEL \x7f, the C1 controls (U+0080-U+009F) \u0080-\u009f, the
 * bidirectional controls (embeddings and overrides U+202A-U+202E, isolates
 * U+2066-U+2069, the marks U+200E, U+200F and U+061C) \u202e and so on, and a
 * byte that is not UTF-8 \xNN. Everything else is left alone, backslashes
 * and zero-width characters included, so escaped text escapes to itself and
 * escaping twice (a message quoted in a message) changes nothing.
 *
 * The print boundaries call it: cmd_print (keeping our '\n' line ends),
 * cmd_error and tt_err_set (one line each, so a '\n' from data shows as \n),
 * and the headless writers (tt_esc_printf, tt_esc_fputs). Code that puts a
 * data string into a line of multi-line output (an id after "ok SEQ", a label
 * in a table) escapes it itself with tt_esc_buf or tt_esc_dup, so a newline
 * in the data cannot break the line. JSON for the terminal goes through
 * tt_esc_json: jansson escapes C0 but writes DEL, C1 and bidi controls raw.
 */
#include "tunetop/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Bidirectional formatting characters: they reorder what follows on screen. */
static int esc_is_bidi(utf8proc_int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0x200E || cp == 0x200F || cp == 0x061C;
}

/*
 * The character at p (n > 0 bytes): its length in bytes, and in out the
 * escape to write instead of it, or "" when it is shown as it is.
 */
static size_t esc_one(const unsigned char *p, size_t n, unsigned flags, char out[8])
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	unsigned char c = p[0];

	out[0] = '\0';
	if (c < 0x80) {
		if ((c >= 0x20 && c != 0x7f) || (c == '\n' && (flags & TT_ESC_KEEP_NL)))
			return 1;
		if (flags & TT_ESC_JSON)
			snprintf(out, 8, "\\u%04x", c);
		else if (c == '\n' || c == '\t' || c == '\r')
			snprintf(out, 8, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		else
			snprintf(out, 8, "\\x%02x", c);
		return 1;
	}
	k = utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp);
	if (k <= 0) {
		snprintf(out, 8, (flags & TT_ESC_JSON) ? "\\ufffd" : "\\x%02x", c);
		return 1;
	}
	if (cp <= 0x9F || esc_is_bidi(cp))
		snprintf(out, 8, "\\u%04x", (unsigned)cp);
	return (size_t)k;
}

void tt_esc_buf(struct tt_buf *b, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, plain = 0;

	while (i < n) {
		char out[8];
		size_t k = esc_one(p + i, n - i, flags, out);

		if (out[0] != '\0') {
			tt_buf_add(b, s + plain, i - plain);
			tt_buf_adds(b, out);
			plain = i + k;
		}
		i += k;
	}
	tt_buf_add(b, s + plain, n - plain);
}

void tt_esc_adds(struct tt_buf *b, const char *s)
{
	tt_esc_buf(b, s, strlen(s), 0);
}

char *tt_esc_dup(const char *s)
{
	struct tt_buf b;

	tt_buf_init(&b);
	tt_esc_buf(&b, s, strlen(s), 0);
	return b.data;
}

size_t tt_esc_str(char *out, size_t size, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (size == 0)
		return 0;
	while (i < n) {
		char e[8];
		size_t k = esc_one(p + i, n - i, flags, e);
		size_t w = e[0] != '\0' ? strlen(e) : k;

		if (o + w >= size)
			break;	/* whole characters and whole escapes only */
		memcpy(out + o, e[0] != '\0' ? e : s + i, w);
		o += w;
		i += k;
	}
	out[o] = '\0';
	return o;
}

void tt_esc_fputs(const char *s, FILE *f, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, plain = 0;

	/* Straight to the stream, no allocation: the fatal path uses it. */
	while (i < n) {
		char out[8];
		size_t k = esc_one(p + i, n - i, flags, out);

		if (out[0] != '\0') {
			fwrite(s + plain, 1, i - plain, f);
			fputs(out, f);
			plain = i + k;
		}
		i += k;
	}
	fwrite(s + plain, 1, n - plain, f);
}

void tt_esc_vprintf(FILE *f, const char *fmt, va_list ap)
{
	struct tt_buf b, e;
	size_t len;

	tt_buf_init(&b);
	tt_buf_vprintf(&b, fmt, ap);
	len = b.len;
	/* One message, one line: only the '\n' that ends it stays a newline. */
	while (len > 0 && b.data[len - 1] == '\n')
		len--;
	tt_buf_init(&e);
	tt_esc_buf(&e, b.data, len, 0);
	tt_buf_add(&e, b.data + len, b.len - len);
	fwrite(e.data, 1, e.len, f);
	tt_buf_fini(&e);
	tt_buf_fini(&b);
}

void tt_esc_printf(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tt_esc_vprintf(f, fmt, ap);
	va_end(ap);
}

char *tt_esc_json(const char *json)
{
	struct tt_buf b;

	tt_buf_init(&b);
	/* jansson's output holds these only inside strings, where \uXXXX is valid. */
	tt_esc_buf(&b, json, strlen(json), TT_ESC_JSON | TT_ESC_KEEP_NL);
	return b.data;
}
