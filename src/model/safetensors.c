/*
 * safetensors.c - the safetensors reader and writer.
 *
 * Design notes:
 * - The header is JSON and goes through jansson both ways (json_loadb with
 *   JSON_REJECT_DUPLICATES to read, json_dumps(JSON_COMPACT) to write);
 *   jansson keeps object insertion order, so tensors come out in the order
 *   given and are read back in file order.
 * - The reader loads the whole file into one heap block and validates it
 *   as the reference implementation does: header length <= 100 MB and
 *   inside the file, header starts with '{', a JSON object, __metadata__ an
 *   object of strings, each tensor {dtype, shape, data_offsets} with nothing
 *   else, end >= begin, end - begin == numel * dtype size (no overflow),
 *   and the ranges, sorted, cover the data section exactly: no overlap, no
 *   gap, no trailing byte. Any file shorter than it claims fails.
 * - The file is placed in its block so that the data section starts 8-byte
 *   aligned even when the header was not padded. A tensor's own alignment
 *   depends on its offset, which the writer does not pad (the format allows
 *   no holes), hence st_copy_f32 / st_copy_i64, which go through memcpy.
 * - Errors: line 1, column = 1-based byte offset in the file (see the
 *   header). Names in messages are quoted, cut to 64 bytes, with control
 *   bytes shown as '?'.
 * - The writer builds header and data in memory, then st_write hands the
 *   bytes to tt_write_file_atomic (temp file, fsync, rename).
 */
#include "tunetop/safetensors.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

static const struct {
	const char *name;
	size_t size;
} st_dtypes[ST_DTYPE_COUNT] = {
	[ST_F32] = { "F32", 4 },
	[ST_F16] = { "F16", 2 },
	[ST_BF16] = { "BF16", 2 },
	[ST_I64] = { "I64", 8 },
	[ST_I32] = { "I32", 4 },
	[ST_U8] = { "U8", 1 },
	[ST_F64] = { "F64", 8 },
	[ST_I16] = { "I16", 2 },
	[ST_I8] = { "I8", 1 },
	[ST_U16] = { "U16", 2 },
	[ST_U32] = { "U32", 4 },
	[ST_U64] = { "U64", 8 },
	[ST_BOOL] = { "BOOL", 1 },
	[ST_F8_E4M3] = { "F8_E4M3", 1 },
	[ST_F8_E5M2] = { "F8_E5M2", 1 },
};

static const char st_dtype_list[] =
	"F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, F8_E4M3, F8_E5M2";

/* ---- dtypes and helpers ---- */

const char *st_dtype_name(enum st_dtype d)
{
	if ((unsigned)d >= ST_DTYPE_COUNT)
		return "?";
	return st_dtypes[d].name;
}

int st_dtype_parse(const char *s, enum st_dtype *out)
{
	for (int i = 0; i < ST_DTYPE_COUNT; i++) {
		if (strcmp(s, st_dtypes[i].name) == 0) {
			*out = (enum st_dtype)i;
			return 0;
		}
	}
	return -1;
}

size_t st_dtype_size(enum st_dtype d)
{
	if ((unsigned)d >= ST_DTYPE_COUNT)
		return 0;
	return st_dtypes[d].size;
}

uint64_t st_numel(const struct st_tensor *t)
{
	uint64_t n = 1;

	for (int i = 0; i < t->ndim && i < ST_MAX_DIMS; i++)
		n *= t->shape[i];
	return n;
}

/* numel * dtype size of a shape; -1 on overflow. */
static int st_byte_size(const uint64_t *shape, int ndim, size_t elsize, uint64_t *out)
{
	uint64_t n = elsize;

	for (int i = 0; i < ndim; i++) {
		if (shape[i] != 0 && n > UINT64_MAX / shape[i])
			return -1;
		n *= shape[i];
	}
	*out = n;
	return 0;
}

/*
 * A name fit for a message: cut after 64 bytes (at a character boundary),
 * control bytes as '?', and every non-ASCII byte as '?' if s is not UTF-8.
 */
static const char *st_quote(const char *s, char *buf, size_t size)
{
	const char *what;
	int utf8 = tt_utf8_check(s, strlen(s), &what) < 0;
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i >= 64 && (ch & 0xc0) != 0x80)
			break;
		buf[n++] = ch < 0x20 || ch == 0x7f || (ch >= 0x80 && !utf8) ? '?' : (char)ch;
	}
	if (s[i] != '\0') {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static const char *st_json_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a real number";
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "?";
}

static uint64_t st_get_u64le(const char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static void st_put_u64le(char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (char)(v >> (8 * i) & 0xff);
}

/* ---- reader ---- */

struct st_ctx {
	struct st_file *f;
	const char *file;
	struct tt_err *err;
};

struct st_range {
	uint64_t begin;
	uint64_t end;
	size_t idx;
};

/* Error at byte offset off of the file (column off + 1). */
static int st_fail(const struct st_ctx *c, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int st_fail(const struct st_ctx *c, uint64_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	uint32_t col = off >= UINT32_MAX ? UINT32_MAX : (uint32_t)(off + 1);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(c->err, c->file, 1, col, "%s", msg);
	return -1;
}

/* Byte offset of the header start, for errors in its content. */
static const uint64_t st_header_off = 8;

static int st_check_lengths(const struct st_ctx *c)
{
	const struct st_file *f = c->f;
	uint64_t n;

	if (f->len < 8)
		return st_fail(c, 0, "file is %zu bytes, expected at least 8 (the header length)",
			       f->len);
	n = st_get_u64le(f->buf);
	if (n > ST_MAX_HEADER)
		return st_fail(c, 0, "header length %llu is over the %d-byte limit",
			       (unsigned long long)n, ST_MAX_HEADER);
	if (n > f->len - 8)
		return st_fail(c, 0, "header length %llu runs past the end of the file "
			       "(%zu bytes follow the length field; file truncated?)",
			       (unsigned long long)n, f->len - 8);
	return 0;
}

static json_t *st_parse_json(const struct st_ctx *c)
{
	const struct st_file *f = c->f;
	json_error_t jerr;
	json_t *root;

	if (f->header_len == 0 || f->buf[8] != '{') {
		st_fail(c, st_header_off, "header must be a JSON object starting with '{'");
		return NULL;
	}
	root = json_loadb(f->buf + 8, f->header_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		uint64_t pos = jerr.position > 0 ? (uint64_t)jerr.position - 1 : 0;

		st_fail(c, st_header_off + pos, "header is not valid JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		st_fail(c, st_header_off, "header must be a JSON object, found %s",
			st_json_type(root));
		json_decref(root);
		return NULL;
	}
	return root;
}

static int st_load_meta(const struct st_ctx *c, json_t *meta)
{
	struct st_file *f = c->f;
	const char *key;
	json_t *v;
	char q[80];

	if (!json_is_object(meta))
		return st_fail(c, st_header_off,
			       "\"__metadata__\" must be an object of strings, found %s",
			       st_json_type(meta));
	json_object_foreach(meta, key, v) {
		if (!json_is_string(v))
			return st_fail(c, st_header_off,
				       "\"__metadata__\" value of \"%s\" must be a string, found %s",
				       st_quote(key, q, sizeof q), st_json_type(v));
	}
	f->nmeta = json_object_size(meta);
	f->meta_keys = tt_xcalloc(f->nmeta + 1, sizeof *f->meta_keys);
	f->meta_values = tt_xcalloc(f->nmeta + 1, sizeof *f->meta_values);
	size_t i = 0;
	json_object_foreach(meta, key, v) {
		f->meta_keys[i] = tt_xstrdup(key);
		f->meta_values[i] = tt_xstrdup(json_string_value(v));
		i++;
	}
	return 0;
}

/* field of an entry, which must exist. */
static json_t *st_field(const struct st_ctx *c, json_t *entry, const char *qname,
			const char *field)
{
	json_t *v = json_object_get(entry, field);

	if (v == NULL)
		st_fail(c, st_header_off, "tensor \"%s\": missing \"%s\"", qname, field);
	return v;
}

static int st_load_dtype(const struct st_ctx *c, json_t *entry, const char *qname,
			 struct st_tensor *t)
{
	json_t *v = st_field(c, entry, qname, "dtype");
	char q[80];

	if (v == NULL)
		return -1;
	if (!json_is_string(v))
		return st_fail(c, st_header_off, "tensor \"%s\": \"dtype\" must be a string, found %s",
			       qname, st_json_type(v));
	if (st_dtype_parse(json_string_value(v), &t->dtype) != 0)
		return st_fail(c, st_header_off, "tensor \"%s\": unknown dtype \"%s\" (expected one of %s)",
			       qname, st_quote(json_string_value(v), q, sizeof q), st_dtype_list);
	return 0;
}

/* A non-negative JSON integer. */
static int st_json_u64(const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int st_load_shape(const struct st_ctx *c, json_t *entry, const char *qname,
			 struct st_tensor *t)
{
	json_t *v = st_field(c, entry, qname, "shape");
	size_t i;

	if (v == NULL)
		return -1;
	if (!json_is_array(v))
		return st_fail(c, st_header_off,
			       "tensor \"%s\": \"shape\" must be an array of non-negative integers, found %s",
			       qname, st_json_type(v));
	if (json_array_size(v) > ST_MAX_DIMS)
		return st_fail(c, st_header_off, "tensor \"%s\": %zu dimensions, at most %d supported",
			       qname, json_array_size(v), ST_MAX_DIMS);
	t->ndim = (int)json_array_size(v);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *d = json_array_get(v, i);

		if (st_json_u64(d, &t->shape[i]) != 0)
			return st_fail(c, st_header_off,
				       "tensor \"%s\": shape[%zu] must be a non-negative integer, found %s",
				       qname, i, st_json_type(d));
	}
	return 0;
}

static int st_load_offsets(const struct st_ctx *c, json_t *entry, const char *qname,
			   struct st_range *r)
{
	json_t *v = st_field(c, entry, qname, "data_offsets");

	if (v == NULL)
		return -1;
	if (!json_is_array(v) || json_array_size(v) != 2 ||
	    st_json_u64(json_array_get(v, 0), &r->begin) != 0 ||
	    st_json_u64(json_array_get(v, 1), &r->end) != 0)
		return st_fail(c, st_header_off,
			       "tensor \"%s\": \"data_offsets\" must be [begin, end], two non-negative integers",
			       qname);
	return 0;
}

static int st_check_fields(const struct st_ctx *c, json_t *entry, const char *qname)
{
	const char *key;
	json_t *v;
	char q[80];

	if (!json_is_object(entry))
		return st_fail(c, st_header_off,
			       "tensor \"%s\": expected an object with dtype, shape and data_offsets, found %s",
			       qname, st_json_type(entry));
	json_object_foreach(entry, key, v) {
		if (strcmp(key, "dtype") != 0 && strcmp(key, "shape") != 0 &&
		    strcmp(key, "data_offsets") != 0)
			return st_fail(c, st_header_off,
				       "tensor \"%s\": unknown field \"%s\" (expected dtype, shape, data_offsets)",
				       qname, st_quote(key, q, sizeof q));
	}
	return 0;
}

/* The range against the shape and the data section. */
static int st_check_range(const struct st_ctx *c, const char *qname, const struct st_tensor *t,
			  const struct st_range *r)
{
	uint64_t data_off = 8 + c->f->header_len;
	uint64_t want;

	if (r->end < r->begin)
		return st_fail(c, st_header_off,
			       "tensor \"%s\": data_offsets end %llu is before begin %llu", qname,
			       (unsigned long long)r->end, (unsigned long long)r->begin);
	if (st_byte_size(t->shape, t->ndim, st_dtype_size(t->dtype), &want) != 0)
		return st_fail(c, st_header_off, "tensor \"%s\": shape too large (byte size overflows)",
			       qname);
	if (r->end - r->begin != want)
		return st_fail(c, st_header_off,
			       "tensor \"%s\": data_offsets [%llu, %llu] span %llu bytes, expected %llu "
			       "(%llu elements of %s)", qname, (unsigned long long)r->begin,
			       (unsigned long long)r->end, (unsigned long long)(r->end - r->begin),
			       (unsigned long long)want, (unsigned long long)st_numel(t),
			       st_dtype_name(t->dtype));
	if (r->end > c->f->data_len)
		return st_fail(c, data_off + (r->begin < c->f->data_len ? r->begin : c->f->data_len),
			       "tensor \"%s\": data_offsets [%llu, %llu] run past the end of the data "
			       "section (%llu bytes; file truncated?)", qname,
			       (unsigned long long)r->begin, (unsigned long long)r->end,
			       (unsigned long long)c->f->data_len);
	return 0;
}

static int st_load_tensor(const struct st_ctx *c, const char *name, json_t *entry,
			  struct st_tensor *t, struct st_range *r)
{
	char qname[80];

	st_quote(name, qname, sizeof qname);
	if (st_check_fields(c, entry, qname) != 0 || st_load_dtype(c, entry, qname, t) != 0 ||
	    st_load_shape(c, entry, qname, t) != 0 || st_load_offsets(c, entry, qname, r) != 0 ||
	    st_check_range(c, qname, t, r) != 0)
		return -1;
	t->name = tt_xstrdup(name);
	t->data = c->f->data + r->begin;
	t->nbytes = r->end - r->begin;
	return 0;
}

static int st_range_cmp(const void *a, const void *b)
{
	const struct st_range *x = a, *y = b;

	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Sorted ranges must tile [0, data_len). */
static int st_check_cover(const struct st_ctx *c, struct st_range *r, size_t n)
{
	const struct st_file *f = c->f;
	uint64_t data_off = 8 + f->header_len, at = 0;
	char qa[80], qb[80];

	qsort(r, n, sizeof *r, st_range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (r[i].begin < at)
			return st_fail(c, data_off + r[i].begin,
				       "tensor \"%s\" [%llu, %llu] overlaps tensor \"%s\" (which ends at %llu)",
				       st_quote(f->tensors[r[i].idx].name, qa, sizeof qa),
				       (unsigned long long)r[i].begin, (unsigned long long)r[i].end,
				       st_quote(f->tensors[r[i - 1].idx].name, qb, sizeof qb),
				       (unsigned long long)at);
		if (r[i].begin > at)
			return st_fail(c, data_off + at,
				       "data bytes [%llu, %llu) belong to no tensor (the data section "
				       "must be covered with no gap)", (unsigned long long)at,
				       (unsigned long long)r[i].begin);
		at = r[i].end;
	}
	if (at != f->data_len)
		return st_fail(c, data_off + at,
			       "data bytes [%llu, %llu) at the end belong to no tensor (the data "
			       "section must be covered with no gap)", (unsigned long long)at,
			       (unsigned long long)f->data_len);
	return 0;
}

static int st_load_tensors(const struct st_ctx *c, json_t *root)
{
	struct st_file *f = c->f;
	struct st_range *ranges;
	const char *key;
	json_t *v;
	size_t n = 0;
	int rc = 0;

	ranges = tt_xcalloc(json_object_size(root) + 1, sizeof *ranges);
	f->tensors = tt_xcalloc(json_object_size(root) + 1, sizeof *f->tensors);
	json_object_foreach(root, key, v) {
		if (strcmp(key, "__metadata__") == 0)
			continue;
		if (st_load_tensor(c, key, v, &f->tensors[n], &ranges[n]) != 0) {
			rc = -1;
			break;
		}
		ranges[n].idx = n;
		n++;
		f->ntensors = n;
	}
	if (rc == 0)
		rc = st_check_cover(c, ranges, n);
	free(ranges);
	return rc;
}

static int st_parse(const struct st_ctx *c)
{
	struct st_file *f = c->f;
	json_t *root, *meta;
	int rc = 0;

	if (st_check_lengths(c) != 0)
		return -1;
	f->header_len = st_get_u64le(f->buf);
	f->data = f->buf + 8 + f->header_len;
	f->data_len = f->len - 8 - f->header_len;
	root = st_parse_json(c);
	if (root == NULL)
		return -1;
	meta = json_object_get(root, "__metadata__");
	if (meta != NULL)
		rc = st_load_meta(c, meta);
	if (rc == 0)
		rc = st_load_tensors(c, root);
	json_decref(root);
	return rc;
}

/* Bytes to put before the file so that its data section is 8-byte aligned. */
static size_t st_shift(const void *data, size_t len)
{
	if (len < 8)
		return 0;
	return (8 - st_get_u64le(data) % 8) % 8;
}

static int st_finish_open(struct st_file *f, const char *name, struct tt_err *err)
{
	struct st_ctx c = { f, name, err };

	if (st_parse(&c) != 0) {
		st_close(f);
		return -1;
	}
	return 0;
}

int st_open_buffer(struct st_file *f, const char *name, const void *data, size_t len,
		   struct tt_err *err)
{
	size_t shift = st_shift(data, len);

	memset(f, 0, sizeof *f);
	f->mem = tt_xmalloc(len + shift + 1);
	f->buf = f->mem + shift;
	if (len > 0)
		memcpy(f->buf, data, len);
	f->buf[len] = '\0';
	f->len = len;
	return st_finish_open(f, name, err);
}

int st_open(struct st_file *f, const char *path, struct tt_err *err)
{
	size_t shift;

	memset(f, 0, sizeof *f);
	if (tt_read_file(path, &f->mem, &f->len, err) != 0)
		return -1;
	shift = st_shift(f->mem, f->len);
	if (shift > 0) {
		f->mem = tt_xrealloc(f->mem, f->len + shift + 1);
		memmove(f->mem + shift, f->mem, f->len + 1);
	}
	f->buf = f->mem + shift;
	return st_finish_open(f, path, err);
}

size_t st_count(const struct st_file *f)
{
	return f->ntensors;
}

const struct st_tensor *st_find(const struct st_file *f, const char *name)
{
	for (size_t i = 0; i < f->ntensors; i++)
		if (strcmp(f->tensors[i].name, name) == 0)
			return &f->tensors[i];
	return NULL;
}

const char *st_meta(const struct st_file *f, const char *key)
{
	for (size_t i = 0; i < f->nmeta; i++)
		if (strcmp(f->meta_keys[i], key) == 0)
			return f->meta_values[i];
	return NULL;
}

void st_close(struct st_file *f)
{
	for (size_t i = 0; i < f->ntensors; i++)
		free((char *)f->tensors[i].name);
	for (size_t i = 0; i < f->nmeta; i++) {
		free(f->meta_keys[i]);
		free(f->meta_values[i]);
	}
	free(f->tensors);
	free(f->meta_keys);
	free(f->meta_values);
	free(f->mem);
	memset(f, 0, sizeof *f);
}

/* ---- element copies ---- */

static float st_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, exp = h >> 10 & 0x1f, man = h & 0x3ff;
	uint32_t bits;
	float f;

	if (exp == 0x1f) {
		bits = sign | 0x7f800000u | man << 13;
	} else if (exp != 0) {
		bits = sign | (exp + 112) << 23 | man << 13;
	} else if (man == 0) {
		bits = sign;
	} else {
		/* Subnormal: normalize. */
		exp = 113;
		while ((man & 0x400) == 0) {
			man <<= 1;
			exp--;
		}
		bits = sign | exp << 23 | (man & 0x3ff) << 13;
	}
	memcpy(&f, &bits, sizeof f);
	return f;
}

static int st_check_count(const struct st_tensor *t, size_t count, struct tt_err *err)
{
	if (st_numel(t) != count || t->nbytes != count * st_dtype_size(t->dtype)) {
		tt_err_set(err, "", 0, 0, "tensor \"%s\": %llu elements, expected %zu", t->name,
			   (unsigned long long)st_numel(t), count);
		return -1;
	}
	return 0;
}

int st_copy_f32(const struct st_tensor *t, float *dst, size_t count, struct tt_err *err)
{
	const unsigned char *p = t->data;

	if (t->dtype != ST_F32 && t->dtype != ST_F16 && t->dtype != ST_BF16) {
		tt_err_set(err, "", 0, 0, "tensor \"%s\": dtype %s, expected F32, F16 or BF16",
			   t->name, st_dtype_name(t->dtype));
		return -1;
	}
	if (st_check_count(t, count, err) != 0)
		return -1;
	if (t->dtype == ST_F32) {
		if (count > 0)
			memcpy(dst, p, count * sizeof *dst);
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		uint16_t h = (uint16_t)(p[2 * i] | p[2 * i + 1] << 8);
		uint32_t bits = (uint32_t)h << 16;

		if (t->dtype == ST_F16)
			dst[i] = st_f16_to_f32(h);
		else
			memcpy(&dst[i], &bits, sizeof bits);
	}
	return 0;
}

/* Element i of an integer tensor; -1 for a U64 value over INT64_MAX. */
static int st_int_at(const struct st_tensor *t, size_t i, int64_t *out)
{
	const unsigned char *p = (const unsigned char *)t->data + i * st_dtype_size(t->dtype);
	int8_t i8;
	int16_t i16;
	int32_t i32;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (t->dtype) {
	case ST_U8:
	case ST_BOOL:
		*out = p[0];
		return 0;
	case ST_I8:
		memcpy(&i8, p, 1);
		*out = i8;
		return 0;
	case ST_I16:
		memcpy(&i16, p, 2);
		*out = i16;
		return 0;
	case ST_U16:
		memcpy(&u16, p, 2);
		*out = u16;
		return 0;
	case ST_I32:
		memcpy(&i32, p, 4);
		*out = i32;
		return 0;
	case ST_U32:
		memcpy(&u32, p, 4);
		*out = u32;
		return 0;
	case ST_I64:
		memcpy(out, p, 8);
		return 0;
	case ST_U64:
		memcpy(&u64, p, 8);
		if (u64 > INT64_MAX)
			return -1;
		*out = (int64_t)u64;
		return 0;
	default:
		return -1;
	}
}

int st_copy_i64(const struct st_tensor *t, int64_t *dst, size_t count, struct tt_err *err)
{
	switch (t->dtype) {
	case ST_U8:
	case ST_BOOL:
	case ST_I8:
	case ST_I16:
	case ST_U16:
	case ST_I32:
	case ST_U32:
	case ST_I64:
	case ST_U64:
		break;
	default:
		tt_err_set(err, "", 0, 0, "tensor \"%s\": dtype %s, expected an integer dtype",
			   t->name, st_dtype_name(t->dtype));
		return -1;
	}
	if (st_check_count(t, count, err) != 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (st_int_at(t, i, &dst[i]) != 0) {
			tt_err_set(err, "", 0, 0, "tensor \"%s\": element %zu is over INT64_MAX",
				   t->name, i);
			return -1;
		}
	}
	return 0;
}

/* ---- writer ---- */

static int st_wfail(struct tt_err *err, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int st_wfail(struct tt_err *err, const char *file, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	tt_err_set(err, file, 0, 0, "%s", msg);
	return -1;
}

static int st_add_meta(json_t *root, const char *const *keys, const char *const *values,
		       size_t nmeta, const char *file, struct tt_err *err)
{
	json_t *meta = json_object();
	char q[80];

	json_object_set_new(root, "__metadata__", meta);
	for (size_t i = 0; i < nmeta; i++) {
		json_t *v;

		if (keys[i] == NULL || values[i] == NULL)
			return st_wfail(err, file, "metadata pair %zu has a NULL key or value", i);
		if (json_object_get(meta, keys[i]) != NULL)
			return st_wfail(err, file, "metadata key \"%s\" given twice",
					st_quote(keys[i], q, sizeof q));
		v = json_string(values[i]);
		if (v == NULL)
			return st_wfail(err, file, "metadata value of \"%s\" is not valid UTF-8",
					st_quote(keys[i], q, sizeof q));
		if (json_object_set_new(meta, keys[i], v) != 0)
			return st_wfail(err, file, "metadata key \"%s\" is not valid UTF-8",
					st_quote(keys[i], q, sizeof q));
	}
	return 0;
}

static int st_check_tensor(const struct st_tensor *t, size_t i, const char *file,
			   struct tt_err *err)
{
	char q[80];
	uint64_t want;

	if (t->name == NULL)
		return st_wfail(err, file, "tensor %zu has no name", i);
	st_quote(t->name, q, sizeof q);
	if (strcmp(t->name, "__metadata__") == 0)
		return st_wfail(err, file, "tensor %zu: the name \"__metadata__\" is reserved", i);
	if (st_dtype_size(t->dtype) == 0)
		return st_wfail(err, file, "tensor \"%s\": invalid dtype %d", q, (int)t->dtype);
	if (t->ndim < 0 || t->ndim > ST_MAX_DIMS)
		return st_wfail(err, file, "tensor \"%s\": ndim %d, expected 0 to %d", q, t->ndim,
				ST_MAX_DIMS);
	for (int d = 0; d < t->ndim; d++)
		if (t->shape[d] > INT64_MAX)
			return st_wfail(err, file, "tensor \"%s\": shape[%d] is too large", q, d);
	if (st_byte_size(t->shape, t->ndim, st_dtype_size(t->dtype), &want) != 0)
		return st_wfail(err, file, "tensor \"%s\": shape too large (byte size overflows)", q);
	if (t->nbytes != want)
		return st_wfail(err, file, "tensor \"%s\": nbytes %llu, expected %llu (%llu elements of %s)",
				q, (unsigned long long)t->nbytes, (unsigned long long)want,
				(unsigned long long)st_numel(t), st_dtype_name(t->dtype));
	if (t->nbytes > 0 && t->data == NULL)
		return st_wfail(err, file, "tensor \"%s\": data is NULL", q);
	return 0;
}

static json_t *st_entry(const struct st_tensor *t, uint64_t begin)
{
	json_t *e = json_object(), *shape = json_array(), *offs = json_array();

	for (int d = 0; d < t->ndim; d++)
		json_array_append_new(shape, json_integer((json_int_t)t->shape[d]));
	json_array_append_new(offs, json_integer((json_int_t)begin));
	json_array_append_new(offs, json_integer((json_int_t)(begin + t->nbytes)));
	json_object_set_new(e, "dtype", json_string(st_dtype_name(t->dtype)));
	json_object_set_new(e, "shape", shape);
	json_object_set_new(e, "data_offsets", offs);
	return e;
}

static int st_add_tensors(json_t *root, const struct st_tensor *tensors, size_t n,
			  const char *file, struct tt_err *err)
{
	uint64_t at = 0;
	char q[80];

	for (size_t i = 0; i < n; i++) {
		const struct st_tensor *t = &tensors[i];

		if (st_check_tensor(t, i, file, err) != 0)
			return -1;
		if (json_object_get(root, t->name) != NULL)
			return st_wfail(err, file, "tensor name \"%s\" given twice",
					st_quote(t->name, q, sizeof q));
		if (at + t->nbytes > INT64_MAX)
			return st_wfail(err, file, "data section over INT64_MAX bytes");
		if (json_object_set_new(root, t->name, st_entry(t, at)) != 0)
			return st_wfail(err, file, "tensor name \"%s\" is not valid UTF-8",
					st_quote(t->name, q, sizeof q));
		at += t->nbytes;
	}
	return 0;
}

static char *st_header_text(const struct st_tensor *tensors, size_t n,
			    const char *const *meta_keys, const char *const *meta_values,
			    size_t nmeta, const char *file, struct tt_err *err)
{
	json_t *root = json_object();
	char *text = NULL;

	if ((nmeta == 0 || st_add_meta(root, meta_keys, meta_values, nmeta, file, err) == 0) &&
	    st_add_tensors(root, tensors, n, file, err) == 0) {
		text = json_dumps(root, JSON_COMPACT);
		if (text == NULL)
			tt_fatal("out of memory writing a safetensors header");
	}
	json_decref(root);
	return text;
}

/* Bytes of one row of a gathered tensor. */
static uint64_t st_row_bytes(const struct st_tensor *t)
{
	return t->ndim > 0 && t->shape[0] > 0 ? t->nbytes / t->shape[0] : 0;
}

/* The length field and the padded header text, appended to out. */
static int st_build_header(struct tt_buf *out, const struct st_tensor *tensors, size_t n,
			   const char *const *meta_keys, const char *const *meta_values,
			   size_t nmeta, const char *file, struct tt_err *err)
{
	char *text = st_header_text(tensors, n, meta_keys, meta_values, nmeta, file, err);
	size_t hlen, pad;
	char lenbuf[8];

	if (text == NULL)
		return -1;
	hlen = strlen(text);
	pad = (8 - hlen % 8) % 8;
	if (hlen + pad > ST_MAX_HEADER) {
		free(text);
		return st_wfail(err, file, "header of %zu bytes is over the %d-byte limit",
				hlen + pad, ST_MAX_HEADER);
	}
	st_put_u64le(lenbuf, hlen + pad);
	tt_buf_add(out, lenbuf, 8);
	tt_buf_add(out, text, hlen);
	tt_buf_add(out, "        ", pad);
	free(text);
	return 0;
}

static int st_build(struct tt_buf *out, const struct st_tensor *tensors, size_t n,
		    const char *const *meta_keys, const char *const *meta_values, size_t nmeta,
		    const char *file, struct tt_err *err)
{
	if (st_build_header(out, tensors, n, meta_keys, meta_values, nmeta, file, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct st_tensor *t = &tensors[i];
		uint64_t rb = st_row_bytes(t);

		if (t->nbytes == 0)
			continue;
		if (t->gather == NULL) {
			tt_buf_add(out, t->data, t->nbytes);
			continue;
		}
		for (uint64_t r = 0; r < t->shape[0]; r++)
			tt_buf_add(out, (const char *)t->data + t->gather[r] * rb, rb);
	}
	return 0;
}

int st_write_buffer(struct tt_buf *out, const struct st_tensor *tensors, size_t n,
		    const char *const *meta_keys, const char *const *meta_values, size_t nmeta,
		    struct tt_err *err)
{
	size_t len = out->len;
	int rc = st_build(out, tensors, n, meta_keys, meta_values, nmeta, "", err);

	if (rc != 0)
		out->len = len;
	return rc;
}

/* One part per plain tensor, one per row of a gathered one (merging neighbours). */
static struct iovec *st_parts(const struct tt_buf *head, const struct st_tensor *tensors,
			      size_t n, size_t *count)
{
	size_t cap = 1, k = 0;
	struct iovec *iov;

	for (size_t i = 0; i < n; i++)
		cap += tensors[i].gather != NULL ? tensors[i].shape[0] : 1;
	iov = tt_xmalloc(cap * sizeof *iov);
	iov[k].iov_base = head->data;
	iov[k++].iov_len = head->len;
	for (size_t i = 0; i < n; i++) {
		const struct st_tensor *t = &tensors[i];
		uint64_t rb = st_row_bytes(t);

		if (t->nbytes == 0)
			continue;
		if (t->gather == NULL) {
			iov[k].iov_base = (void *)t->data;
			iov[k++].iov_len = t->nbytes;
			continue;
		}
		for (uint64_t r = 0; r < t->shape[0]; r++) {
			char *p = (char *)t->data + t->gather[r] * rb;

			if ((char *)iov[k - 1].iov_base + iov[k - 1].iov_len == p) {
				iov[k - 1].iov_len += rb;
				continue;
			}
			iov[k].iov_base = p;
			iov[k++].iov_len = rb;
		}
	}
	*count = k;
	return iov;
}

/*
 * Design note: the file is written from the tensors where they live, with
 * writev; only the header is built in memory. Building the whole file first
 * used to double peak memory when a 400 MB model was saved during training.
 */
int st_write(const char *path, const struct st_tensor *tensors, size_t n,
	     const char *const *meta_keys, const char *const *meta_values, size_t nmeta,
	     struct tt_err *err)
{
	struct tt_buf head;
	struct iovec *iov;
	size_t count;
	int rc;

	tt_buf_init(&head);
	rc = st_build_header(&head, tensors, n, meta_keys, meta_values, nmeta, path, err);
	if (rc == 0) {
		iov = st_parts(&head, tensors, n, &count);
		rc = tt_write_file_atomic_iov(path, iov, count, err);
		free(iov);
	}
	tt_buf_fini(&head);
	return rc;
}
