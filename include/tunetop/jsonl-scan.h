/*
 * jsonl-scan.h - a fast, strict scanner for the common JSONL line: one
 * object whose keys need no unescaping, with strings, short numbers,
 * literals, arrays and objects as values. It validates the whole line (the
 * grammar, escapes and \u surrogate pairs, duplicate keys at every level)
 * and locates the top-level members' raw bytes, without allocating.
 *
 * It is a fast path, not a second parser: when a line is anything else
 * (an error, an escaped key, an exponent, more than 15 digits, very deep
 * nesting, too many members) it answers "not simple" and the caller hands
 * the line to jansson, which decides and words the error. So it must never
 * accept a line jansson rejects; tests/fuzz/fuzz-jsonl-scan.c checks that
 * and that both paths load the same records.
 */
#ifndef TUNETOP_JSONL_SCAN_H
#define TUNETOP_JSONL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

enum jsonl_scan_type {
	JSONL_SCAN_STRING = 1,
	JSONL_SCAN_INTEGER,
	JSONL_SCAN_REAL,
	JSONL_SCAN_TRUE,
	JSONL_SCAN_FALSE,
	JSONL_SCAN_NULL,
	JSONL_SCAN_ARRAY,
	JSONL_SCAN_OBJECT,
};

/* A value's raw bytes, [start, end) in the line (a string with its quotes). */
struct jsonl_scan_value {
	uint32_t start;
	uint32_t end;
	uint8_t type;        /* enum jsonl_scan_type */
	uint8_t escaped;     /* a string holding backslash escapes */
};

struct jsonl_scan_member {
	uint32_t key;        /* the key's bytes, without quotes */
	uint32_t key_len;
	struct jsonl_scan_value v;
};

enum {
	JSONL_SCAN_MAX_MEMBERS = 32,   /* per object; more: not simple */
	JSONL_SCAN_MAX_DEPTH = 32,
};

struct jsonl_scan {
	struct jsonl_scan_member m[JSONL_SCAN_MAX_MEMBERS];
	int n;
	int high;            /* bytes >= 0x80 were seen: the caller checks UTF-8 */
};

/* 1: s[0..n) is a simple object, its members in out; 0: not simple. */
int jsonl_scan_line(const char *s, size_t n, struct jsonl_scan *out);

/* The top-level member named key (compared byte for byte), or NULL. */
const struct jsonl_scan_value *jsonl_scan_find(const struct jsonl_scan *sc, const char *s,
					       const char *key, size_t key_len);

/*
 * The next element of a scanned array: *pos starts at the array's start
 * and moves on. 1 and the element in out, or 0 at the end.
 */
int jsonl_scan_next(const char *s, const struct jsonl_scan_value *array, uint32_t *pos,
		    struct jsonl_scan_value *out);

/*
 * Decode a scanned string value into out, which has room for
 * v->end - v->start bytes (decoding never lengthens a string, and that
 * leaves room for the NUL written after it); returns the decoded length.
 * The scanner validated the escapes, so this cannot fail.
 */
size_t jsonl_scan_decode(const char *s, const struct jsonl_scan_value *v, char *out);

#endif
