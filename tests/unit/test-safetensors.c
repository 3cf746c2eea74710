/*
 * test-safetensors.c - the safetensors reader and writer: round trips, the
 * exact bytes of a tiny file, every bad input with its message and column,
 * every truncation of a valid file, the reference fixtures written by
 * tests/data/safetensors/make-reference.py, and inputs the fuzzer found.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/safetensors.h"

#define DATA_DIR "tests/data/safetensors/"

static const char bad_name[] = "bad.safetensors";

/* A file: u64 length of header, header, datalen bytes 0..datalen-1. */
static void make_file(struct tt_buf *b, const char *header, size_t datalen)
{
	uint64_t n = strlen(header);
	unsigned char len[8];

	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(n >> (8 * i));
	tt_buf_init(b);
	tt_buf_add(b, len, 8);
	tt_buf_add(b, header, n);
	for (size_t i = 0; i < datalen; i++)
		tt_buf_addc(b, (char)i);
}

static void expect_fail_bytes(const void *data, size_t len, uint32_t col, const char *msg)
{
	struct st_file f;
	struct tt_err err;

	tt_err_clear(&err);
	if (st_open_buffer(&f, bad_name, data, len, &err) == 0)
		fail_msg("opened, expected \"%s\"", msg);
	if (strcmp(err.msg, msg) != 0 || err.col != col || err.line != 1 ||
	    strcmp(err.file, bad_name) != 0)
		fail_msg("got %s:%u:%u: %s\nwant %s:1:%u: %s", err.file, err.line, err.col,
			 err.msg, bad_name, col, msg);
	assert_int_equal(st_count(&f), 0);
	assert_null(f.mem);
	st_close(&f);
}

static void expect_fail(const char *header, size_t datalen, uint32_t col, const char *msg)
{
	struct tt_buf b;

	make_file(&b, header, datalen);
	expect_fail_bytes(b.data, b.len, col, msg);
	tt_buf_fini(&b);
}

static void open_ok(struct st_file *f, const void *data, size_t len)
{
	struct tt_err err;

	tt_err_clear(&err);
	if (st_open_buffer(f, "ok.safetensors", data, len, &err) != 0)
		fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
}

static void assert_shape(const struct st_tensor *t, enum st_dtype dtype, int ndim,
			 const uint64_t *shape)
{
	assert_non_null(t);
	assert_int_equal(t->dtype, dtype);
	assert_int_equal(t->ndim, ndim);
	for (int i = 0; i < ndim; i++)
		assert_int_equal(t->shape[i], shape[i]);
	assert_int_equal(t->nbytes, st_numel(t) * st_dtype_size(dtype));
}

/* ---- dtypes ---- */

static void test_dtypes(void **state)
{
	enum st_dtype d;

	(void)state;
	for (int i = 0; i < ST_DTYPE_COUNT; i++) {
		assert_int_equal(st_dtype_parse(st_dtype_name((enum st_dtype)i), &d), 0);
		assert_int_equal(d, i);
		assert_true(st_dtype_size(d) > 0);
	}
	assert_int_equal(st_dtype_size(ST_F32), 4);
	assert_int_equal(st_dtype_size(ST_BF16), 2);
	assert_int_equal(st_dtype_size(ST_I64), 8);
	assert_int_equal(st_dtype_size(ST_U8), 1);
	assert_string_equal(st_dtype_name(ST_BF16), "BF16");
	assert_string_equal(st_dtype_name(ST_DTYPE_COUNT), "?");
	assert_int_equal(st_dtype_size(ST_DTYPE_COUNT), 0);
	assert_int_equal(st_dtype_parse("f32", &d), -1);
	assert_int_equal(st_dtype_parse("", &d), -1);
}

/* ---- writing and reading back ---- */

static const float rt_matrix[2][3] = { { 1.5f, -2.0f, 0.0f }, { 3.25f, 1e-7f, -1e30f } };
static const int64_t rt_step = -1234567890123LL;
static const int64_t rt_ids[4] = { 0, 1, INT64_MAX, INT64_MIN };
static const uint8_t rt_bytes[5] = { 0, 1, 127, 128, 255 };

static void rt_tensors(struct st_tensor t[5])
{
	memset(t, 0, 5 * sizeof *t);
	t[0] = (struct st_tensor){ "model.w", ST_F32, 2, { 2, 3 }, rt_matrix, sizeof rt_matrix, NULL };
	t[1] = (struct st_tensor){ "step", ST_I64, 0, { 0 }, &rt_step, 8, NULL };
	t[2] = (struct st_tensor){ "ids", ST_I64, 1, { 4 }, rt_ids, sizeof rt_ids, NULL };
	t[3] = (struct st_tensor){ "bytes", ST_U8, 1, { 5 }, rt_bytes, 5, NULL };
	t[4] = (struct st_tensor){ "empty \xc3\xa9", ST_F32, 3, { 2, 0, 7 }, NULL, 0, NULL };
}

static void check_rt(const struct st_file *f)
{
	static const uint64_t s23[] = { 2, 3 }, s4[] = { 4 }, s5[] = { 5 }, s207[] = { 2, 0, 7 };
	const struct st_tensor *t;
	float m[6];
	int64_t v[5];
	struct tt_err err;

	assert_int_equal(st_count(f), 5);
	assert_string_equal(f->tensors[0].name, "model.w");
	assert_string_equal(f->tensors[4].name, "empty \xc3\xa9");
	assert_int_equal((uintptr_t)f->data % 8, 0);

	t = st_find(f, "model.w");
	assert_shape(t, ST_F32, 2, s23);
	assert_int_equal(st_copy_f32(t, m, 6, &err), 0);
	assert_memory_equal(m, rt_matrix, sizeof m);
	assert_ptr_equal(t->data, f->data);

	t = st_find(f, "step");
	assert_shape(t, ST_I64, 0, NULL);
	assert_int_equal(st_numel(t), 1);
	assert_int_equal(st_copy_i64(t, v, 1, &err), 0);
	assert_true(v[0] == rt_step);

	t = st_find(f, "ids");
	assert_shape(t, ST_I64, 1, s4);
	assert_int_equal(st_copy_i64(t, v, 4, &err), 0);
	assert_memory_equal(v, rt_ids, sizeof rt_ids);

	t = st_find(f, "bytes");
	assert_shape(t, ST_U8, 1, s5);
	assert_memory_equal(t->data, rt_bytes, 5);
	assert_int_equal(st_copy_i64(t, v, 5, &err), 0);
	assert_true(v[3] == 128 && v[4] == 255);

	t = st_find(f, "empty \xc3\xa9");
	assert_shape(t, ST_F32, 3, s207);
	assert_int_equal(t->nbytes, 0);
	assert_int_equal(st_copy_f32(t, m, 0, &err), 0);

	assert_null(st_find(f, "missing"));
	assert_null(st_find(f, "__metadata__"));
	assert_string_equal(st_meta(f, "step"), "42");
	assert_string_equal(st_meta(f, "labels"), "[\"ham\", \"spam\"]");
	assert_string_equal(st_meta(f, "empty"), "");
	assert_null(st_meta(f, "nope"));
	assert_int_equal(f->nmeta, 3);
	assert_string_equal(f->meta_keys[0], "step");
}

static void test_round_trip(void **state)
{
	static const char *const keys[] = { "step", "labels", "empty" };
	static const char *const values[] = { "42", "[\"ham\", \"spam\"]", "" };
	struct st_tensor t[5];
	struct st_file f;
	struct tt_buf b;
	struct tt_err err;
	char path[] = "/tmp/test-safetensors-XXXXXX";
	char *disk;
	size_t disk_len;
	int fd;

	(void)state;
	rt_tensors(t);
	tt_buf_init(&b);
	assert_int_equal(st_write_buffer(&b, t, 5, keys, values, 3, &err), 0);
	assert_int_equal((b.data[0] | b.data[1] << 8) % 8, 0);
	open_ok(&f, b.data, b.len);
	check_rt(&f);
	st_close(&f);
	st_close(&f);

	/* Through a file: same bytes, same tensors. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(st_write(path, t, 5, keys, values, 3, &err), 0);
	assert_int_equal(tt_read_file(path, &disk, &disk_len, &err), 0);
	assert_int_equal(disk_len, b.len);
	assert_memory_equal(disk, b.data, b.len);
	free(disk);
	if (st_open(&f, path, &err) != 0)
		fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
	check_rt(&f);
	st_close(&f);
	unlink(path);
	tt_buf_fini(&b);
}

/* The exact bytes of a tiny file, written out by hand. */
static void test_exact_bytes(void **state)
{
	static const char expect[] =
		"\x88\0\0\0\0\0\0\0"
		"{\"__metadata__\":{\"step\":\"3\"},"
		"\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
		"\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}}"
		" "
		"\x00\x00\x80\x3f\x00\x00\x00\xc0"
		"\x05\x00\x00\x00\x00\x00\x00\x00";
	static const float w[2] = { 1.0f, -2.0f };
	static const int64_t n = 5;
	static const char *const keys[] = { "step" };
	static const char *const values[] = { "3" };
	struct st_tensor t[2] = {
		{ "w", ST_F32, 1, { 2 }, w, 8, NULL },
		{ "n", ST_I64, 0, { 0 }, &n, 8, NULL },
	};
	struct tt_buf b;
	struct tt_err err;

	(void)state;
	tt_buf_init(&b);
	assert_int_equal(st_write_buffer(&b, t, 2, keys, values, 1, &err), 0);
	assert_int_equal(b.len, sizeof expect - 1);
	assert_memory_equal(b.data, expect, b.len);

	/* No tensors, no metadata: "{}" padded to 8. */
	tt_buf_clear(&b);
	assert_int_equal(st_write_buffer(&b, NULL, 0, NULL, NULL, 0, &err), 0);
	assert_int_equal(b.len, 16);
	assert_memory_equal(b.data, "\x08\0\0\0\0\0\0\0{}      ", 16);
	tt_buf_fini(&b);
}

static void expect_write_fail(const struct st_tensor *t, size_t n, const char *const *keys,
			      const char *const *values, size_t nmeta, const char *msg)
{
	struct tt_buf b;
	struct tt_err err;

	tt_buf_init(&b);
	tt_buf_adds(&b, "keep");
	tt_err_clear(&err);
	if (st_write_buffer(&b, t, n, keys, values, nmeta, &err) != -1)
		fail_msg("wrote, expected \"%s\"", msg);
	assert_string_equal(err.msg, msg);
	assert_int_equal(b.len, 4);
	tt_buf_fini(&b);
}

static void test_write_errors(void **state)
{
	static const float x[4] = { 0 };
	static const char *const k2[] = { "a", "a" }, *const v2[] = { "1", "2" };
	static const char *const kbad[] = { "a" }, *const vbad[] = { "\xff" };
	static const char *const knull[] = { NULL }, *const v1[] = { "1" };
	struct st_tensor t[2] = {
		{ "x", ST_F32, 1, { 4 }, x, 16, NULL },
		{ "y", ST_F32, 2, { 2, 2 }, x, 16, NULL },
	};
	struct st_tensor u;
	struct tt_err err;

	(void)state;
	u = t[0];
	u.nbytes = 12;
	expect_write_fail(&u, 1, NULL, NULL, 0,
			  "tensor \"x\": nbytes 12, expected 16 (4 elements of F32)");
	u = t[0];
	u.dtype = ST_DTYPE_COUNT;
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor \"x\": invalid dtype 15");
	u = t[0];
	u.ndim = 9;
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor \"x\": ndim 9, expected 0 to 8");
	u = t[0];
	u.name = "__metadata__";
	expect_write_fail(&u, 1, NULL, NULL, 0,
			  "tensor 0: the name \"__metadata__\" is reserved");
	u = t[0];
	u.name = "bad\xff";
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor name \"bad?\" is not valid UTF-8");
	u = t[0];
	u.name = NULL;
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor 0 has no name");
	u = t[0];
	u.data = NULL;
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor \"x\": data is NULL");
	u = t[0];
	u.shape[0] = UINT64_MAX;
	expect_write_fail(&u, 1, NULL, NULL, 0, "tensor \"x\": shape[0] is too large");
	u = t[1];
	u.shape[0] = u.shape[1] = 1ULL << 32;
	expect_write_fail(&u, 1, NULL, NULL, 0,
			  "tensor \"y\": shape too large (byte size overflows)");
	t[1].name = "x";
	expect_write_fail(t, 2, NULL, NULL, 0, "tensor name \"x\" given twice");
	expect_write_fail(t, 1, k2, v2, 2, "metadata key \"a\" given twice");
	expect_write_fail(t, 1, kbad, vbad, 1, "metadata value of \"a\" is not valid UTF-8");
	expect_write_fail(t, 1, vbad, kbad, 1, "metadata key \"?\" is not valid UTF-8");
	expect_write_fail(t, 1, knull, v1, 1, "metadata pair 0 has a NULL key or value");

	/* st_write names the path and leaves no file behind. */
	tt_err_clear(&err);
	assert_int_equal(st_write("/tmp/test-st-never.safetensors", t, 2, NULL, NULL, 0, &err), -1);
	assert_string_equal(err.file, "/tmp/test-st-never.safetensors");
	assert_int_equal(access("/tmp/test-st-never.safetensors", F_OK), -1);
}

/* ---- bad inputs ---- */

static const char dtypes_expected[] =
	"F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, F8_E4M3, F8_E5M2";

static void test_bad_lengths(void **state)
{
	struct tt_buf b;

	(void)state;
	expect_fail_bytes("", 0, 1, "file is 0 bytes, expected at least 8 (the header length)");
	expect_fail_bytes("\x02\0\0\0\0\0\0", 7, 1,
			  "file is 7 bytes, expected at least 8 (the header length)");
	expect_fail_bytes("\x01\xe1\xf5\x05\0\0\0\0{}", 10, 1,
			  "header length 100000001 is over the 100000000-byte limit");
	expect_fail_bytes("\xff\xff\xff\xff\xff\xff\xff\xff{}", 10, 1,
			  "header length 18446744073709551615 is over the 100000000-byte limit");
	expect_fail_bytes("\x14\0\0\0\0\0\0\0{\"a\":1}   ", 18, 1,
			  "header length 20 runs past the end of the file (10 bytes follow the "
			  "length field; file truncated?)");
	make_file(&b, "", 0);
	expect_fail_bytes(b.data, b.len, 9, "header must be a JSON object starting with '{'");
	tt_buf_fini(&b);
}

static void test_bad_json(void **state)
{
	(void)state;
	expect_fail("[1]     ", 0, 9, "header must be a JSON object starting with '{'");
	expect_fail(" {}     ", 0, 9, "header must be a JSON object starting with '{'");
	expect_fail("{\"a\":x}", 0, 14, "header is not valid JSON: invalid token near 'x'");
	expect_fail("{}  x   ", 0, 13, "header is not valid JSON: end of file expected near 'x'");
	expect_fail("{\"a\":", 0, 13, "header is not valid JSON: unexpected token near end of file");
	expect_fail("{\"\xff\":1}", 0, 10,
		    "header is not valid JSON: unable to decode byte 0xff near '\"'");
	expect_fail_bytes("\x08\0\0\0\0\0\0\0{\"\0\":1}", 16, 10,
			  "header is not valid JSON: control character 0x0 near '\"'");
	expect_fail("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]},"
		    "\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0, 64,
		    "header is not valid JSON: duplicate object key near '\"a\"'");
	expect_fail("{\"a\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,"
		    "18446744073709551616]}}", 0, 77,
		    "header is not valid JSON: too big integer near '18446744073709551616'");
}

static void test_bad_entries(void **state)
{
	char msg[256];

	(void)state;
	expect_fail("{\"a\":[1]}", 0, 9,
		    "tensor \"a\": expected an object with dtype, shape and data_offsets, found an array");
	expect_fail("{\"a\\u0001b\":null}", 0, 9,
		    "tensor \"a?b\": expected an object with dtype, shape and data_offsets, found null");
	expect_fail("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": missing \"dtype\"");
	expect_fail("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": \"dtype\" must be a string, found an integer");
	snprintf(msg, sizeof msg, "tensor \"a\": unknown dtype \"F33\" (expected one of %s)",
		 dtypes_expected);
	expect_fail("{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, 9, msg);
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": missing \"shape\"");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": \"shape\" must be an array of non-negative integers, found an integer");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,-1],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": shape[1] must be a non-negative integer, found an integer");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": shape[0] must be a non-negative integer, found a real number");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": shape[0] must be a non-negative integer, found a string");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],"
		    "\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": 9 dimensions, at most 8 supported");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, 9,
		    "tensor \"a\": missing \"data_offsets\"");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4, 9,
		    "tensor \"a\": \"data_offsets\" must be [begin, end], two non-negative integers");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,-4]}}", 4, 9,
		    "tensor \"a\": \"data_offsets\" must be [begin, end], two non-negative integers");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.0]}}", 4, 9,
		    "tensor \"a\": \"data_offsets\" must be [begin, end], two non-negative integers");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", 4, 9,
		    "tensor \"a\": \"data_offsets\" must be [begin, end], two non-negative integers");
	expect_fail("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1, 9,
		    "tensor \"a\": unknown field \"x\" (expected dtype, shape, data_offsets)");
	expect_fail("{\"__metadata__\":[]}", 0, 9,
		    "\"__metadata__\" must be an object of strings, found an array");
	expect_fail("{\"__metadata__\":{\"ok\":\"1\",\"k\":1}}", 0, 9,
		    "\"__metadata__\" value of \"k\" must be a string, found an integer");
}

static void test_bad_ranges(void **state)
{
	(void)state;
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, 9,
		    "tensor \"a\": data_offsets end 0 is before begin 4");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": data_offsets [0, 4] span 4 bytes, expected 8 (2 elements of F32)");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
		    "\"data_offsets\":[0,4]}}", 4, 9,
		    "tensor \"a\": shape too large (byte size overflows)");
	/* Header of 56 bytes: the data starts at byte 64, column 65. */
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ", 4, 65,
		    "tensor \"a\": data_offsets [0, 8] run past the end of the data section "
		    "(4 bytes; file truncated?)");
	expect_fail("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[9,11]}}  ", 4, 69,
		    "tensor \"a\": data_offsets [9, 11] run past the end of the data section "
		    "(4 bytes; file truncated?)");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
		    "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, 121,
		    "tensor \"b\" [4, 12] overlaps tensor \"a\" (which ends at 8)");
	expect_fail("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
		    "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12, 121,
		    "data bytes [4, 8) belong to no tensor (the data section must be covered "
		    "with no gap)");
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}   ", 8, 70,
		    "data bytes [4, 8) at the end belong to no tensor (the data section must be "
		    "covered with no gap)");
	expect_fail("{}      ", 1, 17,
		    "data bytes [0, 1) at the end belong to no tensor (the data section must be "
		    "covered with no gap)");
	/* Empty tensors may sit at a boundary but not inside another tensor. */
	expect_fail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
		    "\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,4]}}", 8, 120,
		    "tensor \"e\" [4, 4] overlaps tensor \"a\" (which ends at 8)");
}

/* Zero-size tensors at boundaries, repeated, and a file of only them. */
static void test_empty_tensors(void **state)
{
	struct tt_buf b;
	struct st_file f;

	(void)state;
	make_file(&b, "{\"e1\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
		  "\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
		  "\"e2\":{\"dtype\":\"I64\",\"shape\":[3,0],\"data_offsets\":[2,2]},"
		  "\"e3\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[2,2]}}", 2);
	open_ok(&f, b.data, b.len);
	assert_int_equal(st_count(&f), 4);
	assert_int_equal(st_find(&f, "e2")->nbytes, 0);
	assert_int_equal(st_find(&f, "a")->nbytes, 2);
	st_close(&f);
	tt_buf_fini(&b);
}

/* Every prefix of a valid file fails cleanly; a byte more fails too. */
static void test_truncated(void **state)
{
	static const char *const keys[] = { "k" }, *const values[] = { "v" };
	struct st_tensor t[5];
	struct st_file f;
	struct tt_buf b;
	struct tt_err err;

	(void)state;
	rt_tensors(t);
	tt_buf_init(&b);
	assert_int_equal(st_write_buffer(&b, t, 5, keys, values, 1, &err), 0);
	for (size_t n = 0; n < b.len; n++) {
		tt_err_clear(&err);
		if (st_open_buffer(&f, "cut.safetensors", b.data, n, &err) == 0)
			fail_msg("prefix of %zu bytes opened", n);
		assert_true(err.msg[0] != '\0');
		assert_true(err.col >= 1 && err.col <= n + 1);
		st_close(&f);
	}
	open_ok(&f, b.data, b.len);
	st_close(&f);
	tt_buf_addc(&b, 0);
	assert_int_equal(st_open_buffer(&f, "long.safetensors", b.data, b.len, &err), -1);
	tt_buf_fini(&b);
}

/* ---- the reference fixtures (make-reference.py) ---- */

static void check_reference(const char *path)
{
	static const uint64_t s43[] = { 4, 3 }, s4[] = { 4 }, s22[] = { 2, 2 }, s5[] = { 5 },
			      s23[] = { 2, 3 }, s2[] = { 2 }, s03[] = { 0, 3 };
	const struct st_tensor *t;
	struct st_file f;
	struct tt_err err;
	float x[12];
	int64_t v[6];

	if (st_open(&f, path, &err) != 0)
		fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
	assert_int_equal(st_count(&f), 8);
	assert_int_equal((uintptr_t)f.data % 8, 0);
	assert_string_equal(st_meta(&f, "format"), "pt");
	assert_string_equal(st_meta(&f, "model"), "gpt2-tiny");
	assert_string_equal(st_meta(&f, "labels"), "[\"ham\",\"spam\"]");
	assert_string_equal(st_meta(&f, "note"), "caf\xc3\xa9");

	t = st_find(&f, "transformer.wte.weight");
	assert_shape(t, ST_F32, 2, s43);
	assert_int_equal(st_copy_f32(t, x, 12, &err), 0);
	for (int i = 0; i < 12; i++)
		assert_true(x[i] == i * 0.5f - 1.0f);

	t = st_find(&f, "transformer.h.0.ln_1.bias");
	assert_shape(t, ST_F16, 1, s4);
	assert_int_equal(st_copy_f32(t, x, 4, &err), 0);
	assert_true(x[0] == 1.0f && x[1] == -2.5f && x[2] == 65504.0f);
	assert_true(x[3] == ldexpf(1.0f, -20));

	t = st_find(&f, "lm_head.weight");
	assert_shape(t, ST_BF16, 2, s22);
	assert_int_equal(st_copy_f32(t, x, 4, &err), 0);
	assert_true(x[0] == 1.0f && x[1] == -0.5f && x[2] == 3.140625f && x[3] == 100.0f);

	t = st_find(&f, "step");
	assert_shape(t, ST_I64, 0, NULL);
	assert_int_equal(st_copy_i64(t, v, 1, &err), 0);
	assert_true(v[0] == 12345678901LL);

	t = st_find(&f, "input_ids");
	assert_shape(t, ST_I32, 1, s5);
	assert_int_equal(st_copy_i64(t, v, 5, &err), 0);
	assert_true(v[0] == 50256 && v[1] == 0 && v[2] == -1 && v[3] == 7 && v[4] == 42);

	t = st_find(&f, "mask");
	assert_shape(t, ST_U8, 2, s23);
	assert_memory_equal(t->data, "\x01\x02\x03\xfa\x00\xff", 6);

	t = st_find(&f, "flags");
	assert_shape(t, ST_BOOL, 1, s2);
	assert_int_equal(st_copy_i64(t, v, 2, &err), 0);
	assert_true(v[0] == 1 && v[1] == 0);

	assert_shape(st_find(&f, "empty"), ST_F32, 2, s03);
	st_close(&f);
}

static void test_reference(void **state)
{
	(void)state;
	check_reference(DATA_DIR "reference.safetensors");
	/* Header length 621 (not a multiple of 8): the data is still aligned. */
	check_reference(DATA_DIR "reference-unpadded.safetensors");
}

/* Reading a reference file and writing it back in the same order gives
 * the same tensors (the header differs only in order and padding). */
static void test_rewrite_reference(void **state)
{
	struct st_file f, g;
	struct tt_buf b;
	struct tt_err err;
	const char **keys, **values;

	(void)state;
	assert_int_equal(st_open(&f, DATA_DIR "reference-unpadded.safetensors", &err), 0);
	keys = (const char **)f.meta_keys;
	values = (const char **)f.meta_values;
	tt_buf_init(&b);
	assert_int_equal(st_write_buffer(&b, f.tensors, f.ntensors, keys, values, f.nmeta, &err), 0);
	open_ok(&g, b.data, b.len);
	assert_int_equal(st_count(&g), st_count(&f));
	for (size_t i = 0; i < st_count(&f); i++) {
		const struct st_tensor *a = &f.tensors[i], *c = &g.tensors[i];

		assert_string_equal(a->name, c->name);
		assert_int_equal(a->dtype, c->dtype);
		assert_int_equal(a->nbytes, c->nbytes);
		assert_memory_equal(a->data, c->data, a->nbytes);
	}
	assert_string_equal(st_meta(&g, "note"), "caf\xc3\xa9");
	st_close(&g);
	st_close(&f);
	tt_buf_fini(&b);
}

/* ---- conversions ---- */

static void test_copy(void **state)
{
	static const uint16_t h[6] = { 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x0001 };
	static const uint64_t big[2] = { 7, 1ULL << 63 };
	struct st_tensor t = { "h", ST_F16, 1, { 6 }, h, 12, NULL };
	struct tt_err err;
	float x[6];
	int64_t v[2];

	(void)state;
	assert_int_equal(st_copy_f32(&t, x, 6, &err), 0);
	assert_true(x[0] == 0.0f && !signbit(x[0]));
	assert_true(x[1] == 0.0f && signbit(x[1]));
	assert_true(isinf(x[2]) && x[2] > 0);
	assert_true(isinf(x[3]) && x[3] < 0);
	assert_true(isnan(x[4]));
	assert_true(x[5] == ldexpf(1.0f, -24));

	assert_int_equal(st_copy_f32(&t, x, 5, &err), -1);
	assert_string_equal(err.msg, "tensor \"h\": 6 elements, expected 5");
	assert_int_equal(st_copy_i64(&t, v, 6, &err), -1);
	assert_string_equal(err.msg, "tensor \"h\": dtype F16, expected an integer dtype");

	t = (struct st_tensor){ "u", ST_U64, 1, { 2 }, big, 16, NULL };
	assert_int_equal(st_copy_f32(&t, x, 2, &err), -1);
	assert_string_equal(err.msg, "tensor \"u\": dtype U64, expected F32, F16 or BF16");
	assert_int_equal(st_copy_i64(&t, v, 2, &err), -1);
	assert_string_equal(err.msg, "tensor \"u\": element 1 is over INT64_MAX");
	t.shape[0] = 1;
	t.nbytes = 8;
	assert_int_equal(st_copy_i64(&t, v, 1, &err), 0);
	assert_true(v[0] == 7);
}

static void test_open_errors(void **state)
{
	struct st_file f;
	struct tt_err err;

	(void)state;
	tt_err_clear(&err);
	assert_int_equal(st_open(&f, DATA_DIR "no-such-file.safetensors", &err), -1);
	assert_string_equal(err.file, DATA_DIR "no-such-file.safetensors");
	assert_non_null(strstr(err.msg, "cannot open"));
	st_close(&f);
	assert_int_equal(st_open(&f, DATA_DIR "make-reference.py", &err), -1);
	assert_string_equal(err.file, DATA_DIR "make-reference.py");
	assert_int_equal(err.line, 1);
	st_close(&f);
}

/*
 * ---- edge fixtures, which also seed the fuzzer ----
 * Inputs the fuzzer finds go in this table too (none so far), replayed with
 * the fuzz target's checks: every tensor byte is read, and a file that opens
 * gives the expected number of tensors, or the expected error.
 */
static void test_edge_fixtures(void **state)
{
	static const struct {
		const char *file;
		size_t ntensors;
		const char *msg; /* NULL: opens */
	} cases[] = {
		{ "seed-unaligned.safetensors", 2, NULL },
		{ "seed-zero-size.safetensors", 2, NULL },
		{ "seed-no-tensors.safetensors", 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[256];
		struct st_file f;
		struct tt_err err;
		unsigned sum = 0;

		snprintf(path, sizeof path, DATA_DIR "%s", cases[i].file);
		tt_err_clear(&err);
		if (st_open(&f, path, &err) == 0) {
			if (cases[i].msg != NULL)
				fail_msg("%s: opened, expected \"%s\"", path, cases[i].msg);
			assert_int_equal(st_count(&f), cases[i].ntensors);
			for (size_t j = 0; j < st_count(&f); j++)
				for (uint64_t k = 0; k < f.tensors[j].nbytes; k++)
					sum += ((const unsigned char *)f.tensors[j].data)[k];
			(void)sum;
		} else if (cases[i].msg == NULL || strcmp(err.msg, cases[i].msg) != 0) {
			fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
		}
		st_close(&f);
	}
}

/* A U64 at data offset 4 is read through memcpy (UBSan would see a
 * misaligned load otherwise). */
static void test_unaligned(void **state)
{
	const struct st_tensor *t;
	struct st_file f;
	struct tt_err err;
	float x[2];
	int64_t v;

	(void)state;
	assert_int_equal(st_open(&f, DATA_DIR "seed-unaligned.safetensors", &err), 0);
	t = st_find(&f, "b");
	assert_int_equal((const char *)t->data - f.data, 4);
	assert_int_equal(st_copy_i64(t, &v, 1, &err), 0);
	assert_true(v == (1LL << 40) + 3);
	assert_int_equal(st_copy_f32(st_find(&f, "a"), x, 2, &err), 0);
	assert_true(x[0] == 1.0f && isinf(x[1]) && x[1] < 0);
	assert_null(st_meta(&f, "x"));
	st_close(&f);
	assert_int_equal(st_open(&f, DATA_DIR "seed-zero-size.safetensors", &err), 0);
	assert_string_equal(st_meta(&f, "x"), "y");
	assert_int_equal(st_find(&f, "f")->ndim, 3);
	st_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dtypes),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_bad_entries),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_empty_tensors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_rewrite_reference),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_edge_fixtures),
		cmocka_unit_test(test_unaligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
