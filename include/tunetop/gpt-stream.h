/*
 * gpt-stream.h - generated tokens to text as they come: each token's bytes
 * (bpe.h) appended to an output buffer, escaped for a terminal (util.h,
 * tt_esc_*), without ever cutting a UTF-8 character in two.
 *
 * A byte-level BPE token may end inside a character (GPT-2 spells "é" as
 * two byte tokens sometimes), so the bytes of an incomplete character at
 * the end are held until the next token completes it. A byte that cannot
 * start or continue a character is passed on (the escaper shows it as
 * \xNN). The concatenated output equals tt_esc_buf of all the bytes at
 * once, so streaming changes when text appears, never what appears.
 */
#ifndef TUNETOP_GPT_STREAM_H
#define TUNETOP_GPT_STREAM_H

#include <stdint.h>

#include "tunetop/bpe.h"
#include "tunetop/util.h"

struct gpt_stream {
	const struct bpe *bpe;
	unsigned esc_flags;      /* tt_esc_buf's flags (TT_ESC_KEEP_NL for text) */
	char hold[4];            /* an incomplete character's bytes */
	uint32_t nhold;
	struct tt_buf work;
};

void gpt_stream_init(struct gpt_stream *s, const struct bpe *b, unsigned esc_flags);
void gpt_stream_fini(struct gpt_stream *s);
/* Append the complete characters so far, escaped, to out. 0, or -1 when
 * id is not in the vocabulary (nothing appended then). */
int gpt_stream_push(struct gpt_stream *s, uint32_t id, struct tt_buf *out);
/* Bytes as if they were a token's (for tests and raw callers). */
void gpt_stream_push_bytes(struct gpt_stream *s, const char *bytes, size_t n,
			   struct tt_buf *out);
/* The end: whatever is held, escaped (an incomplete character as \xNN). */
void gpt_stream_finish(struct gpt_stream *s, struct tt_buf *out);

#endif
