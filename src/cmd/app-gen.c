/*
 * app-gen.c - a generation on its own thread (app-gen.h), so the
 * workbench streams tokens into the REPL as they come and stays
 * responsive (Ctrl-C or generate-stop cancels it).
 *
 * The thread only reads the model (gpt_generate keeps its own key/value
 * cache), writes text into the job under the job's lock and pokes a wake
 * pipe at most every 30 ms; the UI thread takes the text. Nothing else is
 * shared.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app-gen.h"
#include "tunetop/bpe.h"
#include "tunetop/chan.h"
#include "tunetop/gpt-stream.h"
#include "tunetop/gpt.h"

struct gen_job {
	pthread_t thread;
	pthread_mutex_t lock;
	struct chan wake;           /* only its pipe */
	atomic_bool cancel;
	/* the thread's, fixed before it starts */
	struct gpt *g;
	struct bpe *b;              /* always the job's */
	bool own;                   /* g is the job's */
	int32_t *prompt;
	uint32_t n;
	struct gpt_gen_opts o;
	char what[160];
	struct gpt_stream s;
	double last_wake;
	/* guarded by lock */
	struct tt_buf text;         /* produced, not taken yet */
	bool done;
	char summary[512];
};

static int gen_job_token(void *opaque, int32_t tok)
{
	struct gen_job *j = opaque;
	double now = tt_now();

	if (tok == j->o.stop_token)
		return 0;
	pthread_mutex_lock(&j->lock);
	gpt_stream_push(&j->s, (uint32_t)tok, &j->text);
	pthread_mutex_unlock(&j->lock);
	if (now - j->last_wake >= 0.03) {
		j->last_wake = now;
		chan_notify(&j->wake);
	}
	return 0;
}

static void *gen_job_main(void *arg)
{
	struct gen_job *j = arg;
	struct gpt_gen_result res;
	struct tt_err err;
	int rc;

	tt_err_clear(&err);
	rc = gpt_generate(j->g, j->prompt, j->n, &j->o, gen_job_token, j, &j->cancel, NULL, &res,
			  &err);
	pthread_mutex_lock(&j->lock);
	gpt_stream_finish(&j->s, &j->text);
	if (rc != 0)
		snprintf(j->summary, sizeof j->summary, "generate: %.400s", err.msg);
	else
		snprintf(j->summary, sizeof j->summary, "(%u tokens, %.1f tokens/s, stopped: %s; %s)",
			 res.produced, res.decode_s > 0 ? res.produced / res.decode_s : 0.0,
			 gpt_gen_stop_name(res.stop), j->what);
	j->done = true;
	pthread_mutex_unlock(&j->lock);
	chan_notify(&j->wake);
	return NULL;
}

static void gen_job_free(struct gen_job *j, bool has_wake)
{
	if (j->own)
		gpt_destroy(j->g);
	bpe_destroy(j->b);
	gpt_stream_fini(&j->s);
	tt_buf_fini(&j->text);
	if (has_wake)
		chan_fini(&j->wake);
	pthread_mutex_destroy(&j->lock);
	free(j->prompt);
	free(j);
}

struct gen_job *gen_job_start(struct gpt *g, bool own_g, struct bpe *b, const int32_t *prompt,
			      uint32_t n, const struct gpt_gen_opts *o, const char *what,
			      struct tt_err *err)
{
	struct gen_job *j = tt_xcalloc(1, sizeof *j);

	j->g = g;
	j->b = b;
	j->own = own_g;
	j->prompt = tt_xmalloc((n + 1) * sizeof *prompt);
	memcpy(j->prompt, prompt, n * sizeof *prompt);
	j->n = n;
	j->o = *o;
	snprintf(j->what, sizeof j->what, "%s", what);
	atomic_init(&j->cancel, false);
	pthread_mutex_init(&j->lock, NULL);
	tt_buf_init(&j->text);
	gpt_stream_init(&j->s, b, TT_ESC_KEEP_NL);
	if (chan_init(&j->wake, 1) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot create the generation's wake pipe");
		gen_job_free(j, false);
		return NULL;
	}
	if (pthread_create(&j->thread, NULL, gen_job_main, j) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot start the generation's thread");
		gen_job_free(j, true);
		return NULL;
	}
	return j;
}

int gen_job_wake_fd(const struct gen_job *j)
{
	return chan_wake_fd(&j->wake);
}

int gen_job_take(struct gen_job *j, struct tt_buf *out, char *summary, size_t n)
{
	int done;

	chan_drain_wake(&j->wake);
	pthread_mutex_lock(&j->lock);
	tt_buf_add(out, j->text.data, j->text.len);
	tt_buf_clear(&j->text);
	done = j->done;
	if (done)
		snprintf(summary, n, "%s", j->summary);
	pthread_mutex_unlock(&j->lock);
	return done;
}

void gen_job_cancel(struct gen_job *j)
{
	atomic_store(&j->cancel, true);
}

void gen_job_destroy(struct gen_job *j)
{
	if (j == NULL)
		return;
	gen_job_cancel(j);
	pthread_join(j->thread, NULL);
	gen_job_free(j, true);
}
