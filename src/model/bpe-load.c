/*
 * bpe-load.c - the tokenizer's files (vocab.json + merges.txt, or GPT-2's
 * encoder.json + vocab.bpe) and its binary blob for model bundles.
 *
 * vocab.json is parsed by jansson (duplicate keys rejected). jansson knows
 * where a syntax error is but not where a member is, so for an error in a
 * member (an id that is not a number, out of range, or taken twice) the
 * member's place is found again by walking the already valid text to the
 * k-th member: members come back from jansson in file order.
 *
 * The merges file is strict: "LEFT RIGHT" with one space, every line; an
 * optional first line "#version..."; CRLF line ends are taken. Each side
 * must be a token and so must their concatenation (encoder.py would fail
 * with a KeyError on such a merge while encoding).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bpe-impl.h"

static const char bpe_magic[8] = { 'T', 'T', 'B', 'P', 'E', '0', '0', '1' };
static const uint32_t bpe_blob_version = 1;

/* ---- places in text -------------------------------------------------------- */

/* 1-based line and column (in characters) of byte offset off. */
static void bpe_place(const char *text, size_t off, uint32_t *line, uint32_t *col)
{
	size_t start = 0;

	*line = 1 + tt_count_newlines(text, off);
	for (size_t i = off; i > 0; i--) {
		if (text[i - 1] == '\n') {
			start = i;
			break;
		}
	}
	*col = tt_utf8_column(text + start, off - start);
}

/* Past the JSON string that starts at s[i] ('"'). */
static size_t bpe_json_skip_string(const char *s, size_t len, size_t i)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i + 1;
}

static size_t bpe_json_skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Past the JSON value at s[i] (valid JSON). */
static size_t bpe_json_skip_value(const char *s, size_t len, size_t i)
{
	int depth = 0;

	while (i < len) {
		char c = s[i];

		if (c == '"') {
			i = bpe_json_skip_string(s, len, i);
			if (depth == 0)
				return i;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' ||
					  c == '\r')) {
			return i;
		}
		i++;
	}
	return i;
}

/* Byte offset of the value of the k-th member (0-based) of the top-level object. */
static size_t bpe_json_member(const char *s, size_t len, size_t k)
{
	size_t i = bpe_json_skip_ws(s, len, 0) + 1;   /* past '{' */

	for (size_t m = 0; i < len; m++) {
		i = bpe_json_skip_ws(s, len, i);
		i = bpe_json_skip_string(s, len, i);              /* the key */
		i = bpe_json_skip_ws(s, len, i) + 1;              /* past ':' */
		i = bpe_json_skip_ws(s, len, i);
		if (m == k)
			return i;
		i = bpe_json_skip_value(s, len, i);
		i = bpe_json_skip_ws(s, len, i) + 1;              /* past ',' */
	}
	return len;
}

static void bpe_member_err(struct tt_err *err, const char *name, const char *text, size_t len,
			   size_t k, const char *msg)
{
	uint32_t line, col;

	bpe_place(text, bpe_json_member(text, len, k), &line, &col);
	tt_err_set(err, name, line, col, "%s", msg);
}

/* ---- vocab.json -------------------------------------------------------------- */

static int bpe_vocab_member(struct bpe *b, const char *name, const char *text, size_t len,
			    size_t k, const char *key, size_t keylen, json_t *v, struct tt_err *err)
{
	const char *why;
	char shown[80], msg[300];
	json_int_t id;

	snprintf(shown, sizeof shown, "%.*s%s", (int)(keylen > 60 ? 60 : keylen), key,
		 keylen > 60 ? "..." : "");
	if (!json_is_integer(v)) {
		snprintf(msg, sizeof msg, "token \"%s\": expected an integer id", shown);
	} else if ((id = json_integer_value(v)) < 0 || (unsigned long long)id >= b->n) {
		snprintf(msg, sizeof msg, "token \"%s\": id %lld out of range (expected 0..%u: "
			 "one id per token)", shown, (long long)id, b->n - 1);
	} else if (bpe_set_token(b, (uint32_t)id, key, keylen, &why) != 0) {
		snprintf(msg, sizeof msg, "token \"%s\": id %lld: %s (expected each id once)",
			 shown, (long long)id, why);
	} else {
		return 0;
	}
	bpe_member_err(err, name, text, len, k, msg);
	return -1;
}

static struct bpe *bpe_parse_vocab(const char *name, const char *text, size_t len,
				   struct tt_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	struct bpe *b;
	const char *key;
	json_t *v;
	size_t k = 0;
	char why[300];

	if (root == NULL) {
		tt_err_set(err, name, je.line > 0 ? (uint32_t)je.line : 0,
			   je.column > 0 ? (uint32_t)je.column : 0,
			   "%s (expected a JSON object {\"token\": id, ...})", je.text);
		return NULL;
	}
	if (!json_is_object(root) || json_object_size(root) == 0 ||
	    json_object_size(root) > UINT32_MAX - 1) {
		uint32_t line, col;

		bpe_place(text, bpe_json_skip_ws(text, len, 0), &line, &col);
		tt_err_set(err, name, line, col, "expected a JSON object {\"token\": id, ...} "
			   "with at least one token");
		json_decref(root);
		return NULL;
	}
	b = bpe_alloc((uint32_t)json_object_size(root));
	json_object_foreach(root, key, v) {
		size_t keylen = json_object_iter_key_len(json_object_key_to_iter(key));

		if (bpe_vocab_member(b, name, text, len, k++, key, keylen, v, err) != 0) {
			json_decref(root);
			bpe_destroy(b);
			return NULL;
		}
	}
	json_decref(root);
	if (bpe_finish_tokens(b, why, sizeof why) != 0) {
		tt_err_set(err, name, 0, 0, "%s", why);
		bpe_destroy(b);
		return NULL;
	}
	return b;
}

/* ---- merges.txt -------------------------------------------------------------- */

/* The id of line[off..off+n) as a token, or an error at that column. */
static int bpe_merge_side(const struct bpe *b, const char *name, uint32_t lineno,
			  const char *line, size_t off, size_t n, uint32_t *id, struct tt_err *err)
{
	*id = bpe_token_id(b, line + off, n);
	if (*id != BPE_NONE)
		return 0;
	tt_err_set(err, name, lineno, tt_utf8_column(line, off),
		   "expected a token of the vocabulary, found \"%.*s\"", (int)(n > 100 ? 100 : n),
		   line + off);
	return -1;
}

static int bpe_merge_line(struct bpe *b, const char *name, uint32_t lineno, const char *line,
			  size_t n, struct tt_err *err)
{
	const char *sp = memchr(line, ' ', n);
	long bad = bpe_utf8_check(line, n);
	size_t ll, rl;
	uint32_t left, right;
	char why[300];

	if (bad >= 0) {
		tt_err_set(err, name, lineno, tt_utf8_column(line, (size_t)bad),
			   "invalid UTF-8 (expected LEFT RIGHT, two tokens)");
		return -1;
	}
	if (sp == NULL || sp == line || (size_t)(sp - line) + 1 == n) {
		tt_err_set(err, name, lineno, sp == NULL ? tt_utf8_column(line, n) : 1,
			   "expected LEFT RIGHT: two tokens separated by one space");
		return -1;
	}
	ll = (size_t)(sp - line);
	rl = n - ll - 1;
	if ((sp = memchr(sp + 1, ' ', rl)) != NULL) {
		tt_err_set(err, name, lineno, tt_utf8_column(line, (size_t)(sp - line)),
			   "expected the end of the line after LEFT RIGHT, found a space");
		return -1;
	}
	if (bpe_merge_side(b, name, lineno, line, 0, ll, &left, err) != 0 ||
	    bpe_merge_side(b, name, lineno, line, ll + 1, rl, &right, err) != 0)
		return -1;
	if (bpe_add_merge(b, left, right, why, sizeof why) != 0) {
		tt_err_set(err, name, lineno, 1, "%s", why);
		return -1;
	}
	return 0;
}

static int bpe_parse_merges(struct bpe *b, const char *name, const char *text, size_t len,
			    struct tt_err *err)
{
	size_t i = 0;
	uint32_t lineno = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl != NULL ? (size_t)(nl - text) : len, n = end - i;

		lineno++;
		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		if (!(lineno == 1 && n >= 8 && memcmp(text, "#version", 8) == 0) &&
		    bpe_merge_line(b, name, lineno, text + i, n, err) != 0)
			return -1;
		i = end + 1;
	}
	return 0;
}

struct bpe *bpe_load_buffers(const char *vocab_name, const char *vocab, size_t vocab_len,
			     const char *merges_name, const char *merges, size_t merges_len,
			     struct tt_err *err)
{
	struct bpe *b = bpe_parse_vocab(vocab_name, vocab, vocab_len, err);

	if (b != NULL && bpe_parse_merges(b, merges_name, merges, merges_len, err) != 0) {
		bpe_destroy(b);
		return NULL;
	}
	return b;
}

struct bpe *bpe_load(const char *vocab_path, const char *merges_path, struct tt_err *err)
{
	char *v = NULL, *m = NULL;
	size_t vlen, mlen;
	struct bpe *b = NULL;

	if (tt_read_file(vocab_path, &v, &vlen, err) == 0 &&
	    tt_read_file(merges_path, &m, &mlen, err) == 0)
		b = bpe_load_buffers(vocab_path, v, vlen, merges_path, m, mlen, err);
	free(v);
	free(m);
	return b;
}

/* ---- writing the files -------------------------------------------------------- */

int bpe_save_files(const struct bpe *b, const char *vocab_path, const char *merges_path,
		   struct tt_err *err)
{
	json_t *root = json_object();
	struct tt_buf m;
	char *text;
	size_t n;
	int rc;

	for (uint32_t id = 0; id < b->n; id++) {
		const char *s = bpe_token_str(b, id, &n);

		json_object_setn_new(root, s, n, json_integer(id));
	}
	text = json_dumps(root, JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL) {
		tt_err_set(err, vocab_path, 0, 0, "cannot write the vocabulary as JSON");
		return -1;
	}
	tt_buf_init(&m);
	tt_buf_adds(&m, "#version: 0.2\n");
	for (uint32_t r = 0; r < b->nmerges; r++) {
		const char *l = bpe_token_str(b, b->merges[r].left, &n);
		size_t rn;
		const char *rs = bpe_token_str(b, b->merges[r].right, &rn);

		if (memchr(l, ' ', n) != NULL || memchr(rs, ' ', rn) != NULL ||
		    memchr(l, '\n', n) != NULL || memchr(rs, '\n', rn) != NULL) {
			tt_err_set(err, merges_path, 0, 0, "merge %u has a token with a space or a "
				   "line feed: it cannot be written as a line", r + 1);
			tt_buf_fini(&m);
			free(text);
			return -1;
		}
		tt_buf_add(&m, l, n);
		tt_buf_addc(&m, ' ');
		tt_buf_add(&m, rs, rn);
		tt_buf_addc(&m, '\n');
	}
	rc = tt_write_file_atomic(vocab_path, text, strlen(text), err);
	if (rc == 0)
		rc = tt_write_file_atomic(merges_path, m.data, m.len, err);
	free(text);
	tt_buf_fini(&m);
	return rc;
}

/* ---- the blob ---------------------------------------------------------------- */

static void bpe_put_u32(struct tt_buf *out, uint32_t x)
{
	unsigned char b[4] = { (unsigned char)x, (unsigned char)(x >> 8),
			       (unsigned char)(x >> 16), (unsigned char)(x >> 24) };

	tt_buf_add(out, b, 4);
}

void bpe_serialize(const struct bpe *b, struct tt_buf *out)
{
	size_t start = out->len, n;
	uint64_t sum;

	tt_buf_add(out, bpe_magic, sizeof bpe_magic);
	bpe_put_u32(out, bpe_blob_version);
	bpe_put_u32(out, b->n);
	for (uint32_t id = 0; id < b->n; id++) {
		const char *s = bpe_token_str(b, id, &n);

		bpe_put_u32(out, (uint32_t)n);
		tt_buf_add(out, s, n);
	}
	bpe_put_u32(out, b->nmerges);
	for (uint32_t r = 0; r < b->nmerges; r++) {
		bpe_put_u32(out, b->merges[r].left);
		bpe_put_u32(out, b->merges[r].right);
	}
	sum = XXH3_64bits(out->data + start, out->len - start);
	bpe_put_u32(out, (uint32_t)sum);
	bpe_put_u32(out, (uint32_t)(sum >> 32));
}

struct bpe_reader {
	const unsigned char *p;
	size_t len;
	size_t off;
};

static int bpe_get_u32(struct bpe_reader *r, uint32_t *x)
{
	if (r->len - r->off < 4)
		return -1;
	*x = (uint32_t)r->p[r->off] | (uint32_t)r->p[r->off + 1] << 8 |
	     (uint32_t)r->p[r->off + 2] << 16 | (uint32_t)r->p[r->off + 3] << 24;
	r->off += 4;
	return 0;
}

static struct bpe *bpe_blob_fail(struct bpe *b, struct tt_err *err, const char *what)
{
	tt_err_set(err, NULL, 0, 0, "tokenizer: %s", what);
	bpe_destroy(b);
	return NULL;
}

static struct bpe *bpe_blob_tokens(struct bpe_reader *r, struct tt_err *err)
{
	uint32_t n, len;
	struct bpe *b;
	const char *why;
	char msg[300];

	if (bpe_get_u32(r, &n) != 0 || n == 0 || n > (r->len - r->off) / 5)
		return bpe_blob_fail(NULL, err, "truncated or bad token count");
	b = bpe_alloc(n);
	for (uint32_t id = 0; id < n; id++) {
		if (bpe_get_u32(r, &len) != 0 || len > r->len - r->off)
			return bpe_blob_fail(b, err, "truncated token");
		if (bpe_set_token(b, id, (const char *)r->p + r->off, len, &why) != 0) {
			snprintf(msg, sizeof msg, "token %u: %s", id, why);
			return bpe_blob_fail(b, err, msg);
		}
		r->off += len;
	}
	if (bpe_finish_tokens(b, msg, sizeof msg) != 0)
		return bpe_blob_fail(b, err, msg);
	return b;
}

struct bpe *bpe_deserialize(const void *data, size_t len, struct tt_err *err)
{
	struct bpe_reader r = { data, len, 0 };
	uint32_t version, nm, left, right, lo, hi;
	struct bpe *b;
	char why[300], msg[340];

	if (len < sizeof bpe_magic + 4 + 4 + 4 + 8 || memcmp(data, bpe_magic, sizeof bpe_magic) != 0)
		return bpe_blob_fail(NULL, err, "not a BPE tokenizer (expected magic TTBPE001)");
	r.off = len - 8;
	bpe_get_u32(&r, &lo);
	bpe_get_u32(&r, &hi);
	if (XXH3_64bits(data, len - 8) != ((uint64_t)hi << 32 | lo))
		return bpe_blob_fail(NULL, err, "checksum mismatch (corrupt data)");
	r.len = len - 8;
	r.off = sizeof bpe_magic;
	bpe_get_u32(&r, &version);
	if (version != bpe_blob_version)
		return bpe_blob_fail(NULL, err, "unknown version (expected 1)");
	if ((b = bpe_blob_tokens(&r, err)) == NULL)
		return NULL;
	if (bpe_get_u32(&r, &nm) != 0 || nm > (r.len - r.off) / 8)
		return bpe_blob_fail(b, err, "truncated merges");
	for (uint32_t i = 0; i < nm; i++) {
		bpe_get_u32(&r, &left);
		bpe_get_u32(&r, &right);
		if (left >= b->n || right >= b->n)
			return bpe_blob_fail(b, err, "a merge names an id out of range");
		if (bpe_add_merge(b, left, right, why, sizeof why) != 0) {
			snprintf(msg, sizeof msg, "merge %u: %s", i + 1, why);
			return bpe_blob_fail(b, err, msg);
		}
	}
	if (r.off != r.len)
		return bpe_blob_fail(b, err, "trailing bytes after the merges");
	return b;
}
