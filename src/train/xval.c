/*
 * xval.c - k-fold out-of-fold predictions on a thread of their own (see
 * xval.h).
 *
 * Design: the job thread runs the folds one after the other, each through
 * the trainer API (trainer_create, TRAINER_START, wait, predictions with
 * every class's probability, trainer_destroy), so the folds train exactly
 * as `tunetop train` does with the user's options, except those that make
 * a fold deterministic and independent: threads 1, its own seed, no
 * validation split (patience and evaluation have nothing to act on). A
 * fold's input is a copy of the whole input with the held-out records'
 * split set to none: the trainer builds its vocabulary from the train
 * split only and predicts every record, so held-out texts never reach the
 * weights or the vocabulary.
 *
 * Shared state (progress, cancel, the result) is under one mutex; the
 * wake pipe of a chan tells a poll() loop that progress moved.
 */
#include "tunetop/xval.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tunetop/chan.h"
#include "tunetop/model.h"

struct xval {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct xval_progress prog;      /* guarded by lock */
	struct chan news;               /* only its wake pipe */
	atomic_int cancel;
	double last_wake;
	pthread_t thread;
	bool joined;
	/* The job's own (the result is read only after done). */
	struct cfg cfg;
	struct trainer_input *in;
	uint32_t folds, repeats;
	uint64_t seed;
	struct xval_result res;
	bool have_result;
};

void xval_assign_folds(const struct trainer_input *in, uint32_t folds, uint64_t seed,
		       uint32_t *fold)
{
	uint32_t *idx = tt_xmalloc((in->n + 1) * sizeof *idx), l, next = 0;
	struct model_rng rng;
	size_t i, m;

	model_rng_seed(&rng, seed * 2654435761u + 17);
	for (i = 0; i < in->n; i++)
		fold[i] = UINT32_MAX;
	for (l = 0; l < in->nlabels; l++) {
		for (i = 0, m = 0; i < in->n; i++) {
			if (in->label_off[i + 1] - in->label_off[i] == 1 &&
			    in->label_ids[in->label_off[i]] == l)
				idx[m++] = (uint32_t)i;
		}
		for (i = m; i > 1; i--) {
			size_t j = (size_t)(model_rng_next(&rng) % i);
			uint32_t t = idx[i - 1];

			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		/* Round-robin on across labels, so small labels do not all start in fold 0. */
		for (i = 0; i < m; i++) {
			fold[idx[i]] = next;
			next = (next + 1) % folds;
		}
	}
	free(idx);
}

/* A deep copy of in whose records train unless their fold is f (then: none). */
static struct trainer_input *xval_fold_input(const struct trainer_input *in,
					     const uint32_t *fold, uint32_t f)
{
	struct trainer_input *c = tt_xcalloc(1, sizeof *c);
	size_t n = in->n, nl = in->label_off[n], tb = in->text_off[n], i;
	uint32_t l;

	*c = *in;
	c->texts = tt_xmalloc(tb + 1);
	memcpy(c->texts, in->texts, tb);
	c->text_off = tt_xmalloc((n + 1) * sizeof *c->text_off);
	memcpy(c->text_off, in->text_off, (n + 1) * sizeof *c->text_off);
	c->label_off = tt_xmalloc((n + 1) * sizeof *c->label_off);
	memcpy(c->label_off, in->label_off, (n + 1) * sizeof *c->label_off);
	c->label_ids = tt_xmalloc((nl + 1) * sizeof *c->label_ids);
	memcpy(c->label_ids, in->label_ids, nl * sizeof *c->label_ids);
	c->split = tt_xmalloc(n + 1);
	c->src = tt_xmalloc((n + 1) * sizeof *c->src);
	for (i = 0; i < n; i++) {
		c->split[i] = fold[i] == UINT32_MAX || fold[i] == f ? DS_SPLIT_NONE : DS_SPLIT_TRAIN;
		c->src[i] = (uint32_t)i;        /* predictions come back by input position */
	}
	c->label_names = tt_xcalloc(in->nlabels + 1, sizeof *c->label_names);
	for (l = 0; l < in->nlabels; l++)
		c->label_names[l] = tt_xstrdup(in->label_names[l]);
	return c;
}

static void xval_set_progress(struct xval *x, uint32_t run, uint64_t step, uint64_t total,
			      bool force)
{
	double now = tt_now();

	pthread_mutex_lock(&x->lock);
	x->prog.run = run;
	x->prog.step = step;
	x->prog.total_steps = total;
	pthread_mutex_unlock(&x->lock);
	if (force || now - x->last_wake >= 0.1) {
		x->last_wake = now;
		chan_notify(&x->news);
	}
}

/* The options of one training: the user's, made deterministic. */
static void xval_fold_cfg(const struct cfg *from, struct cfg *to, uint64_t seed)
{
	size_t i, n;
	const struct cfg_option *opts = cfg_table(&n);
	char v[32];

	cfg_init(to);
	for (i = 0; i < n; i++)
		cfg_set(to, opts[i].name, cfg_get_str(from, opts[i].name), NULL);
	snprintf(v, sizeof v, "%llu", (unsigned long long)(seed % 2147483647u));
	cfg_set(to, "seed", v, NULL);
	cfg_set(to, "threads", "1", NULL);
	cfg_set(to, "patience", "0", NULL);
	cfg_set(to, "eval_every", "0", NULL);
	cfg_set(to, "objective", "classify", NULL);    /* a gpt language model has no labels to predict */
	/* a teacher trained on every record would leak the held-out fold's labels */
	cfg_set(to, "distill_teacher", "", NULL);
}

/* Train on all folds but f; add the held-out records' probabilities. 0, or -1 + msg. */
static int xval_one_fold(struct xval *x, const uint32_t *fold, uint32_t f, uint64_t seed,
			 uint32_t run, char *msg, size_t msg_len)
{
	struct trainer_setup setup;
	struct trainer_predictions p;
	struct trainer *t;
	struct tt_err err;
	struct cfg cfg;
	enum trainer_state st;
	uint32_t nl = x->in->nlabels;
	size_t i;
	int rc = -1;

	xval_fold_cfg(&x->cfg, &cfg, seed);
	memset(&setup, 0, sizeof setup);
	setup.cfg = &cfg;
	setup.input = xval_fold_input(x->in, fold, f);
	tt_err_clear(&err);
	t = trainer_create(&setup, &err);
	cfg_fini(&cfg);
	if (t == NULL) {
		snprintf(msg, msg_len, "fold %u: %.200s", f + 1, err.msg);
		return -1;
	}
	trainer_want_probs(t);
	if (trainer_wait_handled(t, trainer_send(t, TRAINER_START, NULL, NULL, 0, NULL), msg,
				 msg_len) != 0) {
		trainer_destroy(t);
		return -1;
	}
	while ((st = trainer_wait_stopped(t, 0.1)) == TRAINER_RUNNING) {
		struct trainer_snapshot s;

		if (atomic_load(&x->cancel)) {
			trainer_wait_handled(t, trainer_send(t, TRAINER_STOP, NULL, NULL, 0, NULL),
					     NULL, 0);
			continue;
		}
		trainer_snapshot_get(t, &s);
		xval_set_progress(x, run, s.step, s.total_steps, false);
		trainer_snapshot_fini(&s);
	}
	if (st != TRAINER_DONE) {
		struct trainer_snapshot s;

		trainer_snapshot_get(t, &s);
		snprintf(msg, msg_len, "fold %u: training %s%s%.200s", f + 1, trainer_state_name(st),
			 s.message[0] != '\0' ? ": " : "", s.message);
		trainer_snapshot_fini(&s);
		trainer_destroy(t);
		return -1;
	}
	trainer_predictions_get(t, &p);
	if (p.probs != NULL && p.nprobs == nl) {
		for (i = 0; i < p.n; i++) {
			uint32_t r = p.src[i];

			if (r >= x->in->n || fold[r] != f)
				continue;
			for (uint32_t l = 0; l < nl; l++)
				x->res.probs[(size_t)r * nl + l] += p.probs[i * nl + l] /
								    (float)x->repeats;
			x->res.used[r] = true;
		}
		rc = 0;
	} else {
		snprintf(msg, msg_len, "fold %u: the trainer gave no probabilities", f + 1);
	}
	trainer_predictions_fini(&p);
	trainer_destroy(t);
	return rc;
}

static void xval_finish(struct xval *x, bool failed, const char *msg)
{
	pthread_mutex_lock(&x->lock);
	x->prog.done = true;
	x->prog.failed = failed;
	x->prog.cancelled = atomic_load(&x->cancel) != 0;
	snprintf(x->prog.message, sizeof x->prog.message, "%s", msg);
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
	chan_notify(&x->news);
}

static void *xval_main(void *arg)
{
	struct xval *x = arg;
	uint32_t *fold = tt_xmalloc((x->in->n + 1) * sizeof *fold), q, f, run = 0;
	double t0 = tt_now();
	char msg[256] = "";
	int rc = 0;

	for (q = 0; q < x->repeats && rc == 0; q++) {
		xval_assign_folds(x->in, x->folds, x->seed + 7919u * q, fold);
		for (f = 0; f < x->folds && rc == 0; f++) {
			if (atomic_load(&x->cancel)) {
				snprintf(msg, sizeof msg, "cancelled");
				rc = -1;
				break;
			}
			xval_set_progress(x, run, 0, 0, true);
			rc = xval_one_fold(x, fold, f, x->seed + 1000u * q + f, run, msg, sizeof msg);
			run++;
		}
	}
	free(fold);
	x->res.seconds = tt_now() - t0;
	if (rc == 0)
		xval_set_progress(x, run, 0, 0, true);
	xval_finish(x, rc != 0, atomic_load(&x->cancel) ? "cancelled" : msg);
	return NULL;
}

struct xval *xval_start(const struct xval_setup *setup, struct tt_err *err)
{
	struct xval *x;
	struct trainer_input *in = setup->input;
	uint32_t l;

	if (setup->folds < 2 || setup->repeats < 1) {
		tt_err_set(err, NULL, 0, 0, "cross-validation needs at least 2 folds and 1 repeat");
		trainer_input_free(in);
		return NULL;
	}
	if (in == NULL || in->nlabels == 0) {
		tt_err_set(err, NULL, 0, 0, "no labeled records to cross-validate");
		trainer_input_free(in);
		return NULL;
	}
	x = tt_xcalloc(1, sizeof *x);
	if (chan_init(&x->news, 1) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot create the cross-validation's wake pipe");
		trainer_input_free(in);
		free(x);
		return NULL;
	}
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->cond, NULL);
	xval_fold_cfg(setup->cfg, &x->cfg, setup->seed);
	if (setup->epochs > 0) {
		char v[32];

		snprintf(v, sizeof v, "%u", setup->epochs);
		cfg_set(&x->cfg, "epochs", v, NULL);
	}
	x->in = in;
	x->folds = setup->folds;
	x->repeats = setup->repeats;
	x->seed = setup->seed;
	x->res.n = in->n;
	x->res.nlabels = in->nlabels;
	x->res.probs = tt_xcalloc(in->n * in->nlabels + 1, sizeof *x->res.probs);
	x->res.used = tt_xcalloc(in->n + 1, sizeof *x->res.used);
	x->res.src = tt_xmalloc((in->n + 1) * sizeof *x->res.src);
	x->res.given = tt_xmalloc((in->n + 1) * sizeof *x->res.given);
	for (size_t i = 0; i < in->n; i++)
		x->res.given[i] = in->label_off[i + 1] - in->label_off[i] == 1 ?
				  in->label_ids[in->label_off[i]] : UINT32_MAX;
	memcpy(x->res.src, in->src, in->n * sizeof *x->res.src);
	x->res.label_names = tt_xcalloc(in->nlabels + 1, sizeof *x->res.label_names);
	for (l = 0; l < in->nlabels; l++)
		x->res.label_names[l] = tt_xstrdup(in->label_names[l]);
	x->have_result = true;
	x->prog.runs = x->folds * x->repeats;
	if (pthread_create(&x->thread, NULL, xval_main, x) != 0) {
		tt_err_set(err, NULL, 0, 0, "cannot start the cross-validation thread");
		x->joined = true;
		xval_destroy(x);
		return NULL;
	}
	return x;
}

void xval_progress(struct xval *x, struct xval_progress *out)
{
	pthread_mutex_lock(&x->lock);
	*out = x->prog;
	pthread_mutex_unlock(&x->lock);
}

void xval_cancel(struct xval *x)
{
	atomic_store(&x->cancel, 1);
}

bool xval_wait(struct xval *x, double timeout)
{
	bool done;

	pthread_mutex_lock(&x->lock);
	if (timeout < 0) {
		while (!x->prog.done)
			pthread_cond_wait(&x->cond, &x->lock);
	} else if (!x->prog.done) {
		struct timespec ts;
		double end = tt_now() + timeout;

		/* tt_now is CLOCK_MONOTONIC; the condvar waits on the realtime clock. */
		clock_gettime(CLOCK_REALTIME, &ts);
		end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + (end - tt_now());
		ts.tv_sec = (time_t)end;
		ts.tv_nsec = (long)((end - (double)ts.tv_sec) * 1e9);
		while (!x->prog.done &&
		       pthread_cond_timedwait(&x->cond, &x->lock, &ts) == 0)
			;
	}
	done = x->prog.done;
	pthread_mutex_unlock(&x->lock);
	return done;
}

int xval_wake_fd(const struct xval *x)
{
	return chan_wake_fd(&x->news);
}

void xval_drain_wake(struct xval *x)
{
	chan_drain_wake(&x->news);
}

int xval_take(struct xval *x, struct xval_result *out)
{
	struct xval_progress p;

	xval_progress(x, &p);
	if (!p.done || p.failed || !x->have_result)
		return -1;
	*out = x->res;
	memset(&x->res, 0, sizeof x->res);
	x->have_result = false;
	return 0;
}

void xval_destroy(struct xval *x)
{
	if (x == NULL)
		return;
	if (!x->joined) {
		xval_cancel(x);
		pthread_join(x->thread, NULL);
	}
	xval_result_fini(&x->res);
	trainer_input_free(x->in);
	cfg_fini(&x->cfg);
	chan_fini(&x->news);
	pthread_mutex_destroy(&x->lock);
	pthread_cond_destroy(&x->cond);
	free(x);
}

void xval_result_fini(struct xval_result *r)
{
	uint32_t l;

	for (l = 0; r->label_names != NULL && l < r->nlabels; l++)
		free(r->label_names[l]);
	free(r->label_names);
	free(r->probs);
	free(r->used);
	free(r->given);
	free(r->src);
	memset(r, 0, sizeof *r);
}
