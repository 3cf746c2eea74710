/*
 * normtext.h - the normalized form duplicate checks compare: Unicode NFKC,
 * case folding (full folding: "Straße" and "STRASSE" agree), and
 * whitespace collapsed (every run of Unicode spaces, tabs and line breaks
 * becomes one ASCII space; none at either end). Punctuation is kept: "no."
 * and "no" differ. Pure ASCII takes a fast path with the same result.
 * Invalid UTF-8 (the loaders refuse it, so only a constructed record has
 * it) is compared as the bytes given, lowercased.
 */
#ifndef TUNETOP_NORMTEXT_H
#define TUNETOP_NORMTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/util.h"

/* out := the normalized form of s[0..n) (cleared first; NUL-terminated). */
void normtext(const char *s, size_t n, struct tt_buf *out);
/* A 64-bit hash of the normalized form (scratch is reused between calls). */
uint64_t normtext_hash(const char *s, size_t n, struct tt_buf *scratch);

#endif
