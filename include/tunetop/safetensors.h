/*
 * safetensors.h - read and write Hugging Face safetensors files.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * ({"__metadata__": {string: string}, "name": {"dtype", "shape",
 * "data_offsets": [begin, end]}, ...}, padded with spaces), then the data
 * section, which the tensors cover exactly (no holes, no overlaps).
 *
 * Errors: err->file is the path (or the name given to st_open_buffer),
 * err->line is 1 and err->col is the 1-based byte offset in the file of the
 * fault: 1 for the header length field; for bad JSON, where jansson
 * stopped (at or just past the offending token); 9 (the header start) for a
 * bad entry or metadata; for a bad range, the first data byte at fault.
 * Writer errors carry the path only (line and col 0).
 *
 * Data is little-endian; tunetop assumes a little-endian host.
 */
#ifndef TUNETOP_SAFETENSORS_H
#define TUNETOP_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

enum {
	ST_MAX_DIMS = 8,
	ST_MAX_HEADER = 100000000 /* bytes, as in the reference implementation */
};

enum st_dtype {
	ST_F32,
	ST_F16,
	ST_BF16,
	ST_I64,
	ST_I32,
	ST_U8,
	ST_F64,
	ST_I16,
	ST_I8,
	ST_U16,
	ST_U32,
	ST_U64,
	ST_BOOL,
	ST_F8_E4M3,
	ST_F8_E5M2,
	ST_DTYPE_COUNT
};

/* "F32", ...; "?" for a value out of range. */
const char *st_dtype_name(enum st_dtype d);
/* 0 and *out on a known name (exact, upper case), else -1. */
int st_dtype_parse(const char *s, enum st_dtype *out);
/* Bytes per element; 0 for a value out of range. */
size_t st_dtype_size(enum st_dtype d);

/*
 * One tensor. ndim 0 is a scalar (one element). For a tensor read from a
 * file, data points into the file's buffer and is only as aligned as its
 * offset allows (the data section itself starts 8-byte aligned): read it
 * through st_copy_f32 / st_copy_i64 or memcpy unless you know the layout.
 */
struct st_tensor {
	const char *name;
	enum st_dtype dtype;
	int ndim;
	uint64_t shape[ST_MAX_DIMS];
	const void *data;
	uint64_t nbytes;
	/*
	 * Writers only (NULL when read): a gathered tensor. Row i of the
	 * tensor (shape[0] rows of nbytes / shape[0] bytes) is row gather[i]
	 * of the matrix at data, so a few rows of a large matrix are written
	 * without copying them first.
	 */
	const uint32_t *gather;
};

/* Number of elements (product of the shape; 1 for a scalar). */
uint64_t st_numel(const struct st_tensor *t);

/*
 * Write tensors (in the given order, data packed in that order) and the
 * metadata pairs (omitted from the header when nmeta is 0). Checks every
 * name (UTF-8, unique, not "__metadata__"), dtype, ndim and that
 * nbytes == numel * dtype size. st_write replaces path atomically and
 * streams the data from where it lives (only the header is built in memory).
 */
int st_write(const char *path, const struct st_tensor *tensors, size_t n,
	     const char *const *meta_keys, const char *const *meta_values, size_t nmeta,
	     struct tt_err *err);
/* The same bytes appended to out (out is left unchanged on error). */
int st_write_buffer(struct tt_buf *out, const struct st_tensor *tensors, size_t n,
		    const char *const *meta_keys, const char *const *meta_values, size_t nmeta,
		    struct tt_err *err);

/* A loaded file: tensors in header order, metadata pairs in header order. */
struct st_file {
	char *buf;            /* the file's bytes (inside mem) */
	size_t len;
	char *mem;            /* allocation holding buf, shifted to align data */
	uint64_t header_len;  /* N */
	const char *data;     /* data section: buf + 8 + N, 8-byte aligned */
	uint64_t data_len;
	struct st_tensor *tensors;
	size_t ntensors;
	char **meta_keys;
	char **meta_values;
	size_t nmeta;
};

/* Load and validate. On failure f is left empty (st_close is still safe). */
int st_open(struct st_file *f, const char *path, struct tt_err *err);
/* The same from memory (the bytes are copied); name is used in errors. */
int st_open_buffer(struct st_file *f, const char *name, const void *data, size_t len,
		   struct tt_err *err);
size_t st_count(const struct st_file *f);
/* NULL when absent. */
const struct st_tensor *st_find(const struct st_file *f, const char *name);
const char *st_meta(const struct st_file *f, const char *key);
void st_close(struct st_file *f);

/*
 * Copy a tensor's elements into dst, converting: st_copy_f32 takes F32, F16
 * and BF16; st_copy_i64 takes every integer dtype and BOOL (U64 values above
 * INT64_MAX fail). count must equal st_numel(t). 0, or -1 with err set.
 */
int st_copy_f32(const struct st_tensor *t, float *dst, size_t count, struct tt_err *err);
int st_copy_i64(const struct st_tensor *t, int64_t *dst, size_t count, struct tt_err *err);

#endif
