/*
 * gpt-stream.c - streaming detokenization without broken characters
 * (gpt-stream.h).
 *
 * The cut: walk the bytes as the escaper does (one valid character, or one
 * bad byte, at a time); stop before a lead byte whose character would run
 * past the end while every byte after it is a continuation byte, i.e. a
 * character that the next token may complete. Everything before the cut
 * is escaped now; at most 3 bytes wait.
 */
#include <string.h>
#include <utf8proc.h>

#include "tunetop/gpt-stream.h"

void gpt_stream_init(struct gpt_stream *s, const struct bpe *b, unsigned esc_flags)
{
	memset(s, 0, sizeof *s);
	s->bpe = b;
	s->esc_flags = esc_flags;
	tt_buf_init(&s->work);
}

void gpt_stream_fini(struct gpt_stream *s)
{
	tt_buf_fini(&s->work);
}

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Bytes [0, cut) of p[0..n) that hold only complete characters or bad bytes. */
static size_t stream_cut(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = (size_t)utf8proc_utf8class[p[i]];
		utf8proc_int32_t cp;

		if (len == 0) {
			i++;
			continue;
		}
		if (i + len > n) {
			size_t j = i + 1;

			while (j < n && is_cont(p[j]))
				j++;
			if (j == n)
				return i;    /* may still be completed */
			i++;
			continue;
		}
		if (utf8proc_iterate(p + i, (utf8proc_ssize_t)len, &cp) == (utf8proc_ssize_t)len)
			i += len;
		else
			i++;
	}
	return i;
}

void gpt_stream_push_bytes(struct gpt_stream *s, const char *bytes, size_t n,
			   struct tt_buf *out)
{
	size_t cut;

	s->work.len = 0;
	tt_buf_add(&s->work, s->hold, s->nhold);
	tt_buf_add(&s->work, bytes, n);
	cut = stream_cut((const unsigned char *)s->work.data, s->work.len);
	tt_esc_buf(out, s->work.data, cut, s->esc_flags);
	s->nhold = (uint32_t)(s->work.len - cut);
	memcpy(s->hold, s->work.data + cut, s->nhold);
}

int gpt_stream_push(struct gpt_stream *s, uint32_t id, struct tt_buf *out)
{
	const char *bytes;
	size_t n;

	if (id >= bpe_vocab_size(s->bpe))
		return -1;
	bytes = bpe_token_bytes(s->bpe, id, &n);
	gpt_stream_push_bytes(s, bytes, n, out);
	return 0;
}

void gpt_stream_finish(struct gpt_stream *s, struct tt_buf *out)
{
	tt_esc_buf(out, s->hold, s->nhold, s->esc_flags);
	s->nhold = 0;
}
