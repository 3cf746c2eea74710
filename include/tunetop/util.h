/*
 * util.h - checked allocation, growable buffers, error records, the fatal path.
 *
 * Every allocation in tunetop goes through tt_xmalloc and friends: on
 * out-of-memory they call tt_fatal, which runs the registered cleanup hook
 * (the UI restores the terminal there) and then aborts. Nothing else exits.
 */
#ifndef TUNETOP_UTIL_H
#define TUNETOP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * TT_SIMD on a hot loop's definition: compiled twice, for baseline x86-64
 * and for x86-64-v3 (AVX2, FMA), and the dynamic loader picks one for the
 * CPU (GCC's function multiversioning through an ifunc). One version on
 * other targets, with clang (14 names the dispatcher "f.ifunc", which other
 * files calling f do not see), and under ThreadSanitizer, whose runtime is
 * not ready when the loader runs ifunc resolvers (every test crashed).
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_THREAD__)
#define TT_SIMD __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define TT_SIMD
#endif

void *tt_xmalloc(size_t n);
void *tt_xcalloc(size_t count, size_t size);
void *tt_xrealloc(void *p, size_t n);
char *tt_xstrdup(const char *s);
char *tt_xstrndup(const char *s, size_t n);
char *tt_xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The one fatal path: runs the hook (if any), prints, aborts. */
typedef void (*tt_fatal_hook)(void);
void tt_set_fatal_hook(tt_fatal_hook hook);
_Noreturn void tt_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable byte buffer, always NUL-terminated. */
struct tt_buf {
	char *data;
	size_t len;
	size_t cap;
};
void tt_buf_init(struct tt_buf *b);
void tt_buf_fini(struct tt_buf *b);
void tt_buf_clear(struct tt_buf *b);
void tt_buf_reserve(struct tt_buf *b, size_t extra);
void tt_buf_add(struct tt_buf *b, const void *p, size_t n);
void tt_buf_addc(struct tt_buf *b, char c);
void tt_buf_adds(struct tt_buf *b, const char *s);
void tt_buf_printf(struct tt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tt_buf_vprintf(struct tt_buf *b, const char *fmt, va_list ap);

/*
 * An error with a place: "file:line:column: message". line/col are 1-based;
 * 0 means unknown (then they are not printed).
 */
struct tt_err {
	char file[512];
	uint32_t line;
	uint32_t col;
	char msg[512];
};
void tt_err_clear(struct tt_err *e);
void tt_err_set(struct tt_err *e, const char *file, uint32_t line, uint32_t col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Formats "file:line:col: msg" into out (size n). */
void tt_err_format(const struct tt_err *e, char *out, size_t n);

/* Read a whole file into a NUL-terminated heap buffer. -1 + err on failure. */
int tt_read_file(const char *path, char **data, size_t *len, struct tt_err *err);

/*
 * Replace path atomically with the given bytes: write to path.tmp.PID.XXXXXX
 * in the same directory (tempfile.h), fsync, rename, fsync the directory.
 */
int tt_write_file_atomic(const char *path, const void *data, size_t len, struct tt_err *err);
/*
 * The same from n parts written in order (writev, no copy): large files are
 * streamed from where their pieces live. iov is consumed (modified).
 */
struct iovec;
int tt_write_file_atomic_iov(const char *path, struct iovec *iov, size_t n, struct tt_err *err);

/*
 * Terminal safety (util-esc.c): control characters written out visibly.
 * C0 as \n, \t, \r or \xNN, DEL as \x7f, C1 (U+0080-U+009F) and the bidi
 * controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) as \uXXXX,
 * a byte that is not UTF-8 as \xNN; the rest as it is (escaping is
 * idempotent). Every string from a file, a session, the config or the
 * command line goes through it before a terminal sees it.
 */
enum tt_esc_flag {
	TT_ESC_KEEP_NL = 1u << 0,   /* leave '\n' alone: our own line ends */
	TT_ESC_JSON = 1u << 1,      /* every escape as \uXXXX (valid in a JSON string) */
};
/* Append s[0..n) escaped to b. */
void tt_esc_buf(struct tt_buf *b, const char *s, size_t n, unsigned flags);
/* Append s escaped, '\n' too: a data string inside one line of output. */
void tt_esc_adds(struct tt_buf *b, const char *s);
/* s escaped, '\n' too (one line), as a new heap string. */
char *tt_esc_dup(const char *s);
/*
 * s[0..n) escaped into out (size bytes, NUL-terminated), cut before the
 * first character or escape that does not fit. Returns the length written.
 */
size_t tt_esc_str(char *out, size_t size, const char *s, size_t n, unsigned flags);
/* Write s escaped to f, without allocating (the fatal path uses it). */
void tt_esc_fputs(const char *s, FILE *f, unsigned flags);
/*
 * printf one message to f, escaped: every control character in it, '\n'
 * too, except the newlines that end it. For messages to stdout and stderr.
 */
void tt_esc_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tt_esc_vprintf(FILE *f, const char *fmt, va_list ap);
/* JSON text (from json_dumps) with DEL, C1 and bidi controls as \uXXXX; heap. */
char *tt_esc_json(const char *json);

/* 1-based character column of byte offset off within a UTF-8 line. */
uint32_t tt_utf8_column(const char *line, size_t off);
/*
 * Check UTF-8 validity and absence of NUL bytes. Returns -1 if valid, else the
 * byte offset of the first bad byte; *what says what was wrong.
 */
long tt_utf8_check(const char *p, size_t n, const char **what);

/* Number of '\n' bytes in p[0..n). */
uint32_t tt_count_newlines(const char *p, size_t n);

/* Monotonic clock in seconds. */
double tt_now(void);

/* The first position of v in a[0..n), or -1. */
long tt_u32_find(const uint32_t *a, size_t n, uint32_t v);

#endif
