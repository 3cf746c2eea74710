/*
 * jsonl-scan.c - the fast path for ordinary JSONL lines (see jsonl-scan.h).
 *
 * Design note. jansson builds a tree of heap nodes for every line, hashes
 * every key and copies every string; for a 200-byte line that is most of a
 * load. This scanner walks the line once and only records where the
 * top-level values are. The rules are jansson's, narrowed: whatever this
 * file accepts, jansson accepts with the same meaning, and everything in
 * doubt (any error, an escaped key, a number jansson might call too big,
 * a nesting deeper than JSONL_SCAN_MAX_DEPTH) is refused, so the caller's
 * jansson path decides and reports it with its exact position.
 *
 *   - whitespace: space, tab, CR, LF (as jansson)
 *   - strings: no raw byte below 0x20; escapes \" \\ \/ \b \f \n \r \t
 *     and \uXXXX; no \u0000; a high surrogate only followed by a low one,
 *     never a low one alone (jansson's rules); raw bytes >= 0x80 are
 *     flagged, and the caller runs the same UTF-8 check as the slow path
 *   - numbers: -?(0|[1-9][0-9]*)(.[0-9]+)? with at most 15 digits, so
 *     neither strtoll nor strtod can overflow; exponents are left to jansson
 *   - duplicate keys (jansson is run with JSON_REJECT_DUPLICATES) are
 *     refused at every level, keys compared byte for byte: a key with an
 *     escape is refused, so byte equality is equality of decoded keys.
 */
#include "tunetop/jsonl-scan.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct jscan {
	const unsigned char *s;
	size_t n;
	size_t i;
	unsigned high;       /* OR of the string bytes seen */
};

/* Checked keys of one nested object (the top level keeps its own). */
struct jscan_keys {
	uint32_t key[JSONL_SCAN_MAX_MEMBERS];
	uint32_t len[JSONL_SCAN_MAX_MEMBERS];
	int n;
};

static int jscan_value(struct jscan *z, int depth, struct jsonl_scan_value *v);

static void jscan_ws(struct jscan *z)
{
	while (z->i < z->n) {
		unsigned char c = z->s[z->i];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		z->i++;
	}
}

static int jscan_hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned char c = p[k];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A \u escape at p (p[0] == '\\', p[1] == 'u'), avail bytes: its length or -1. */
static int jscan_unicode(const unsigned char *p, size_t avail)
{
	unsigned hi, lo;

	if (avail < 6 || jscan_hex4(p + 2, &hi) != 0 || hi == 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return -1;
	if (hi < 0xD800 || hi > 0xDBFF)
		return 6;
	if (avail < 12 || p[6] != '\\' || p[7] != 'u' || jscan_hex4(p + 8, &lo) != 0 ||
	    lo < 0xDC00 || lo > 0xDFFF)
		return -1;
	return 12;
}

/*
 * From i, skip the string bytes that need no attention (all but '"', '\\'
 * and control bytes); ORs 0x80 into *acc if a skipped byte was >= 0x80.
 * With SSE2 (every x86-64) sixteen bytes a step: strings are most of a line.
 */
static size_t jscan_plain(const unsigned char *s, size_t i, size_t n, unsigned *acc)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	unsigned high = 0;

	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		/* Bytes >= 0x80 are negative here, so mask them out of "< 0x20". */
		unsigned neg = (unsigned)_mm_movemask_epi8(v);
		unsigned ctl = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, space)) & ~neg;
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
									  _mm_cmpeq_epi8(v, bslash))) | ctl;

		if (hit != 0) {
			unsigned k = (unsigned)__builtin_ctz(hit);

			high |= neg & ((1u << k) - 1);
			*acc |= high != 0 ? 0x80u : 0u;
			return i + k;
		}
		high |= neg;
		i += 16;
	}
	*acc |= high != 0 ? 0x80u : 0u;
#endif
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\' || c < 0x20)
			break;
		*acc |= c;
		i++;
	}
	return i;
}

/* A string at z->i (the opening quote). */
static int jscan_string(struct jscan *z, uint8_t *escaped)
{
	const unsigned char *s = z->s;
	size_t i = z->i + 1, n = z->n;
	unsigned acc = 0;

	*escaped = 0;
	for (;;) {
		unsigned char c;

		i = jscan_plain(s, i, n, &acc);
		c = i < n ? s[i] : 0;
		if (i >= n || c < 0x20)
			return -1;
		if (c == '"')
			break;
		/* A backslash. */
		*escaped = 1;
		if (i + 1 >= n)
			return -1;
		c = s[i + 1];
		if (c == 'u') {
			int k = jscan_unicode(s + i, n - i);

			if (k < 0)
				return -1;
			i += (size_t)k;
		} else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' ||
			   c == 'n' || c == 'r' || c == 't') {
			i += 2;
		} else {
			return -1;
		}
	}
	z->high |= acc;
	z->i = i + 1;
	return 0;
}

static int jscan_digit(const struct jscan *z, size_t i)
{
	return i < z->n && z->s[i] >= '0' && z->s[i] <= '9';
}

static int jscan_number(struct jscan *z, uint8_t *type)
{
	size_t i = z->i, digits = 0;

	if (z->s[i] == '-')
		i++;
	if (!jscan_digit(z, i))
		return -1;
	if (z->s[i] == '0') {
		i++;
		digits++;
	} else {
		while (jscan_digit(z, i)) {
			i++;
			digits++;
		}
	}
	*type = JSONL_SCAN_INTEGER;
	if (i < z->n && z->s[i] == '.') {
		i++;
		if (!jscan_digit(z, i))
			return -1;
		while (jscan_digit(z, i)) {
			i++;
			digits++;
		}
		*type = JSONL_SCAN_REAL;
	}
	if (digits > 15 || jscan_digit(z, i) ||
	    (i < z->n && (z->s[i] == 'e' || z->s[i] == 'E')))
		return -1;
	z->i = i;
	return 0;
}

static int jscan_literal(struct jscan *z, const char *word, uint8_t type, uint8_t *out)
{
	size_t len = strlen(word);

	if (z->n - z->i < len || memcmp(z->s + z->i, word, len) != 0)
		return -1;
	z->i += len;
	*out = type;
	return 0;
}

/* After a member or element: 1 at a comma (skipped), 0 at close (skipped), -1 else. */
static int jscan_more(struct jscan *z, unsigned char close)
{
	jscan_ws(z);
	if (z->i < z->n && z->s[z->i] == ',') {
		z->i++;
		jscan_ws(z);
		return 1;
	}
	if (z->i < z->n && z->s[z->i] == close) {
		z->i++;
		return 0;
	}
	return -1;
}

static int jscan_array(struct jscan *z, int depth)
{
	struct jsonl_scan_value v;
	int more;

	z->i++;
	jscan_ws(z);
	if (z->i < z->n && z->s[z->i] == ']') {
		z->i++;
		return 0;
	}
	do {
		if (jscan_value(z, depth, &v) != 0)
			return -1;
	} while ((more = jscan_more(z, ']')) == 1);
	return more;
}

/*
 * An object at z->i. Its keys go to keys (and, when top is not NULL, the
 * members to top->m); a repeated key refuses the line.
 */
static int jscan_object(struct jscan *z, int depth, struct jscan_keys *keys,
			struct jsonl_scan *top)
{
	int more, j;

	keys->n = 0;
	z->i++;
	jscan_ws(z);
	if (z->i < z->n && z->s[z->i] == '}') {
		z->i++;
		return 0;
	}
	do {
		uint32_t ks = (uint32_t)z->i + 1, klen;
		struct jsonl_scan_value v;
		uint8_t esc;

		if (z->i >= z->n || z->s[z->i] != '"' || keys->n == JSONL_SCAN_MAX_MEMBERS ||
		    jscan_string(z, &esc) != 0 || esc)
			return -1;
		klen = (uint32_t)z->i - 1 - ks;
		for (j = 0; j < keys->n; j++) {
			if (keys->len[j] == klen && memcmp(z->s + keys->key[j], z->s + ks, klen) == 0)
				return -1;
		}
		keys->key[keys->n] = ks;
		keys->len[keys->n] = klen;
		jscan_ws(z);
		if (z->i >= z->n || z->s[z->i] != ':')
			return -1;
		z->i++;
		jscan_ws(z);
		if (jscan_value(z, depth, &v) != 0)
			return -1;
		if (top != NULL) {
			top->m[keys->n].key = ks;
			top->m[keys->n].key_len = klen;
			top->m[keys->n].v = v;
			top->n = keys->n + 1;
		}
		keys->n++;
	} while ((more = jscan_more(z, '}')) == 1);
	return more;
}

static int jscan_value(struct jscan *z, int depth, struct jsonl_scan_value *v)
{
	int rc;

	if (z->i >= z->n || depth >= JSONL_SCAN_MAX_DEPTH)
		return -1;
	v->start = (uint32_t)z->i;
	v->escaped = 0;
	switch (z->s[z->i]) {
	case '"':
		v->type = JSONL_SCAN_STRING;
		rc = jscan_string(z, &v->escaped);
		break;
	case '[':
		v->type = JSONL_SCAN_ARRAY;
		rc = jscan_array(z, depth + 1);
		break;
	case '{': {
		struct jscan_keys keys;

		v->type = JSONL_SCAN_OBJECT;
		rc = jscan_object(z, depth + 1, &keys, NULL);
		break;
	}
	case 't':
		rc = jscan_literal(z, "true", JSONL_SCAN_TRUE, &v->type);
		break;
	case 'f':
		rc = jscan_literal(z, "false", JSONL_SCAN_FALSE, &v->type);
		break;
	case 'n':
		rc = jscan_literal(z, "null", JSONL_SCAN_NULL, &v->type);
		break;
	default:
		rc = jscan_number(z, &v->type);
		break;
	}
	v->end = (uint32_t)z->i;
	return rc;
}

int jsonl_scan_line(const char *s, size_t n, struct jsonl_scan *out)
{
	struct jscan z = { (const unsigned char *)s, n, 0, 0 };
	struct jscan_keys keys;

	out->n = 0;
	out->high = 0;
	if (n >= UINT32_MAX)
		return 0;
	jscan_ws(&z);
	if (z.i >= n || z.s[z.i] != '{' || jscan_object(&z, 0, &keys, out) != 0)
		return 0;
	jscan_ws(&z);
	if (z.i != n)
		return 0;
	out->high = (z.high & 0x80) != 0;
	return 1;
}

const struct jsonl_scan_value *jsonl_scan_find(const struct jsonl_scan *sc, const char *s,
					       const char *key, size_t key_len)
{
	int i;

	for (i = 0; i < sc->n; i++) {
		const struct jsonl_scan_member *m = &sc->m[i];

		if (m->key_len == key_len && (key_len == 0 || s[m->key] == key[0]) &&
		    memcmp(s + m->key, key, key_len) == 0)
			return &m->v;
	}
	return NULL;
}

int jsonl_scan_next(const char *s, const struct jsonl_scan_value *array, uint32_t *pos,
		    struct jsonl_scan_value *out)
{
	struct jscan z = { (const unsigned char *)s, array->end, *pos, 0 };

	if (z.i == array->start)
		z.i++;                  /* past '[' */
	jscan_ws(&z);
	if (z.i >= array->end || z.s[z.i] == ']')
		return 0;
	if (jscan_value(&z, 0, out) != 0)
		return 0;               /* cannot happen on a scanned array */
	if (jscan_more(&z, ']') < 0)
		return 0;
	*pos = (uint32_t)z.i;
	return 1;
}

static size_t jscan_put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t jsonl_scan_decode(const char *s, const struct jsonl_scan_value *v, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = v->start + 1, end = v->end - 1, n = 0;

	while (i < end) {
		const unsigned char *bs = memchr(p + i, '\\', end - i);
		size_t run = bs != NULL ? (size_t)(bs - p) - i : end - i;
		unsigned cp, lo;

		memcpy(out + n, p + i, run);
		n += run;
		i += run;
		if (i >= end)
			break;
		switch (p[i + 1]) {
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u':
			jscan_hex4(p + i + 2, &cp);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				jscan_hex4(p + i + 8, &lo);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			n += jscan_put_utf8(out + n, cp);
			i += 4;
			break;
		default: out[n++] = (char)p[i + 1]; break;   /* \" \\ \/ */
		}
		i += 2;
	}
	out[n] = '\0';
	return n;
}
