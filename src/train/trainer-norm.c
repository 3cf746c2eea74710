/*
 * trainer-norm.c - every text of the trainer's input normalized once
 * (tok_normalize: NFKC, case folding, punctuation), for both the
 * vocabulary and the feature ids, which used to normalize each training
 * text twice. The work is split in two halves of about the same number of
 * bytes, normalized on two threads: before training starts the trainer's
 * thread would otherwise do it alone while the other core waits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trainer-impl.h"

struct trainer_norm_part {
	const struct trainer_input *in;
	const struct tok_config *cfg;
	struct trainer_norm *nm;
	size_t from, to;
	struct tt_buf *buf;
};

static void *trainer_norm_part(void *arg)
{
	struct trainer_norm_part *p = arg;
	struct trainer_norm *nm = p->nm;
	struct tt_buf one;
	size_t i;

	tt_buf_init(&one);
	for (i = p->from; i < p->to; i++) {
		const char *text = p->in->texts + p->in->text_off[i];
		size_t len = p->in->text_off[i + 1] - p->in->text_off[i];

		nm->nwords[i] = tok_normalize(p->cfg, text, len, &one);
		nm->off[i] = p->buf->len;
		nm->len[i] = one.len;
		tt_buf_add(p->buf, one.data != NULL ? one.data : "", one.len);
	}
	tt_buf_fini(&one);
	return NULL;
}

/* The record where the first half of the text bytes ends. */
size_t trainer_norm_middle(const struct trainer_input *in)
{
	uint64_t half = in->text_off[in->n] / 2;
	size_t lo = 0, hi = in->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->text_off[mid] < half)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void trainer_norm_build(struct trainer_norm *nm, const struct trainer_input *in,
			const struct tok_config *cfg)
{
	struct trainer_norm_part part[2];
	pthread_t th;
	bool threaded;
	size_t mid = trainer_norm_middle(in), i;
	int k;

	memset(nm, 0, sizeof *nm);
	nm->n = in->n;
	nm->off = tt_xmalloc((in->n + 1) * sizeof *nm->off);
	nm->len = tt_xmalloc((in->n + 1) * sizeof *nm->len);
	nm->nwords = tt_xmalloc((in->n + 1) * sizeof *nm->nwords);
	nm->text = tt_xmalloc((in->n + 1) * sizeof *nm->text);
	for (k = 0; k < 2; k++) {
		tt_buf_init(&nm->buf[k]);
		part[k].in = in;
		part[k].cfg = cfg;
		part[k].nm = nm;
		part[k].from = k == 0 ? 0 : mid;
		part[k].to = k == 0 ? mid : in->n;
		part[k].buf = &nm->buf[k];
	}
	/* Without a second thread, the first half is done here too. */
	threaded = pthread_create(&th, NULL, trainer_norm_part, &part[1]) == 0;
	trainer_norm_part(&part[0]);
	if (threaded)
		pthread_join(th, NULL);
	else
		trainer_norm_part(&part[1]);
	for (i = 0; i < in->n; i++)
		nm->text[i] = (nm->buf[i < mid ? 0 : 1].data != NULL ?
			       nm->buf[i < mid ? 0 : 1].data : "") + nm->off[i];
}

void trainer_norm_fini(struct trainer_norm *nm)
{
	tt_buf_fini(&nm->buf[0]);
	tt_buf_fini(&nm->buf[1]);
	free(nm->off);
	free(nm->len);
	free(nm->nwords);
	free(nm->text);
	memset(nm, 0, sizeof *nm);
}
