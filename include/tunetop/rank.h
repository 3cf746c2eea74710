/*
 * rank.h - the order of many byte strings as one number per string, for
 * sorting by a text column in constant time per comparison afterwards.
 * Pure and thread-safe: the workbench ranks on a worker thread.
 */
#ifndef TUNETOP_RANK_H
#define TUNETOP_RANK_H

#include <stddef.h>
#include <stdint.h>

/*
 * rank[i] for strings s[0..n) (lengths len; a NULL string is empty):
 * where s[i] comes in byte order, shorter first on a common prefix. Equal
 * strings share a rank. malloc'd, n entries (at least one). The strings
 * must hold no NUL byte.
 */
uint32_t *rank_strings(const char *const *s, const uint32_t *len, size_t n);

#endif
