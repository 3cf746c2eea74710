/*
 * trainer-step.c - optimizer steps, run in rounds by the trainer thread and
 * its workers.
 *
 * Steps. A step is one optimizer update on batch_size examples. Step s of
 * an epoch covers positions [s*B, s*B + B) of that epoch's shuffled order,
 * and its random numbers (dropout) come from a generator seeded with
 * (seed, s) - so a run is a pure function of its seed, and a checkpoint
 * needs only (epoch, position, step) plus the optimizer state to continue
 * exactly as the uninterrupted run would have (with one thread; Hogwild
 * threads race by design). A step takes one of two paths:
 *
 *   general    zero_grad, forward on the batch, backward, the gradient
 *              all-reduce seam (trainer_sync_grads), optim_step: any model,
 *              SGD or AdamW (optim.h), one thread (the model may use BLAS
 *              threads inside);
 *   fast path  the model's fused Hogwild SGD (model_sgd_fast), the
 *              examples of a step applied one by one as fastText does;
 *              taken when the optimizer is SGD and the model has it (the
 *              n-gram model); no gradient memory, no optimizer object.
 *
 * Rounds. The trainer runs steps in rounds that end at the next logged
 * point, evaluation, epoch end or `step N` target - or earlier when a
 * message raises `interrupt`, which workers check before each step. On the
 * fast path with threads > 1, workers claim the round's steps from an
 * atomic counter and update the shared weights without locks (Hogwild).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer-impl.h"

/* A gradient norm above this is an explosion, whatever clip is set to. */
static const double TRAINER_GRAD_EXPLODED = 1e4;

int trainer_fast_path(const struct trainer *t)
{
	return t->hp.optim == OPTIM_SGD && model_has_sgd_fast(t->model);
}

int trainer_make_optim(struct trainer *t, struct tt_err *err)
{
	optim_destroy(t->opt);
	t->opt = NULL;
	if (trainer_fast_path(t))
		return 0;
	t->opt = optim_create(t->model, t->hp.optim, err);
	return t->opt != NULL ? 0 : -1;
}

struct trainer_round {
	struct trainer *t;
	uint64_t step0;
	size_t pos0;
	uint64_t nsteps;
	atomic_ullong next;
};

struct trainer_worker {
	struct trainer_round *r;
	struct model_ws *ws;
	struct model_example *batch;
	double loss_sum;
	uint64_t steps;
	uint64_t tokens;
	int bad;
	uint64_t bad_step;
	double bad_value;
	pthread_t thread;
};

/*
 * The seam where gradients will be all-reduced across processes (MPI):
 * between backward and the update, every rank holding the gradient of its
 * share of the batch. One process today: nothing to do.
 */
static void trainer_sync_grads(struct trainer *t)
{
	(void)t;
}

/* Warm-up steps left out of step_ms_median (caches, page faults, BLAS buffers). */
enum { TRAINER_STEP_WARMUP = 5, TRAINER_STEP_TIMES = 1 << 20 };

/* Record one general-path step's time (one worker: no race). */
static void trainer_time_step(struct trainer *t, double seconds)
{
	if (++t->steps_timed <= TRAINER_STEP_WARMUP || t->nstep_ms >= TRAINER_STEP_TIMES)
		return;
	if (t->nstep_ms == t->step_ms_cap) {
		t->step_ms_cap = t->step_ms_cap * 2 + 256;
		t->step_ms = tt_xrealloc(t->step_ms, t->step_ms_cap * sizeof *t->step_ms);
	}
	t->step_ms[t->nstep_ms++] = (float)(seconds * 1000.0);
}

static int trainer_cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

void trainer_step_median(struct trainer *t)
{
	float *c;
	size_t n = t->nstep_ms;

	if (n == 0) {
		t->step_ms_median = NAN;
		return;
	}
	c = tt_xmalloc(n * sizeof *c);
	memcpy(c, t->step_ms, n * sizeof *c);
	qsort(c, n, sizeof *c, trainer_cmp_float);
	t->step_ms_median = n % 2 ? c[n / 2] : 0.5 * ((double)c[n / 2 - 1] + c[n / 2]);
	free(c);
}

/* One step: returns its mean loss; sets *gn to its largest gradient norm. */
static double trainer_step(struct trainer *t, struct trainer_worker *w, uint64_t step,
			   size_t first, size_t last, double *gn)
{
	struct model_hparams hp = t->hp.model;
	struct model_rng rng;
	struct model_stat st;
	double sum = 0, loss;
	size_t i, n = last - first;

	hp.lr = (float)(t->hp.base_lr * sched_factor(t->hp.schedule, step, trainer_total_steps(t),
						       t->hp.warmup));
	model_rng_seed(&rng, t->hp.seed ^ (step * 0x9E3779B97F4A7C15ull));
	*gn = 0;
	for (i = first; i < last; i++) {
		trainer_example(t, t->data.perm[i], &w->batch[i - first]);
		w->tokens += w->batch[i - first].ntokens;
	}
	if (t->opt != NULL) {
		double t0 = tt_now();

		model_zero_grad(t->model);
		/* forward + backward, in grad_accum micro-batches (trainer-ftmodes.c) */
		loss = trainer_accum_forward_backward(t, w->ws, w->batch, n, &hp, &rng);
		trainer_prune_grads(t);
		trainer_sync_grads(t);
		*gn = optim_step(t->opt, &hp);
		trainer_prune_weights(t);
		trainer_time_step(t, tt_now() - t0);
		return loss;
	}
	/* the fast path: the examples one by one, fused into the weights */
	for (i = 0; i < n; i++) {
		st = model_sgd_fast(t->model, w->ws, &w->batch[i], &hp, &rng);
		sum += st.loss;
		if (!(st.grad_norm <= *gn))
			*gn = st.grad_norm;
		if (!isfinite(st.loss))
			return st.loss;
	}
	return sum / (double)n;
}

static void *trainer_worker_main(void *arg)
{
	struct trainer_worker *w = arg;
	struct trainer_round *r = w->r;
	struct trainer *t = r->t;
	size_t ntrain = t->data.nrows[DS_SPLIT_TRAIN];

	while (!atomic_load(&t->interrupt)) {
		uint64_t k = atomic_fetch_add(&r->next, 1);
		size_t first = r->pos0 + (size_t)k * t->hp.batch, last;
		double loss, gn;

		if (k >= r->nsteps)
			break;
		last = first + t->hp.batch < ntrain ? first + t->hp.batch : ntrain;
		loss = trainer_step(t, w, r->step0 + k, first, last, &gn);
		w->loss_sum += loss;
		w->steps++;
		if (!isfinite(loss) || !isfinite(gn) || gn > TRAINER_GRAD_EXPLODED) {
			w->bad = 1;
			w->bad_step = r->step0 + k + 1;
			w->bad_value = isfinite(loss) ? gn : loss;
			atomic_store(&t->interrupt, 1);
			break;
		}
	}
	return NULL;
}

/* Steps until the next stop: point, eval, epoch end, step target. */
static uint64_t trainer_round_steps(const struct trainer *t)
{
	size_t ntrain = t->data.nrows[DS_SPLIT_TRAIN];
	uint64_t n = (ntrain - t->pos + t->hp.batch - 1) / t->hp.batch;

	if (t->next_point > t->step && t->next_point - t->step < n)
		n = t->next_point - t->step;
	if (t->next_eval > t->step && t->next_eval - t->step < n)
		n = t->next_eval - t->step;
	if (t->pause_at != UINT64_MAX && t->pause_at - t->step < n)
		n = t->pause_at - t->step;
	if (t->hp.max_steps > 0 && t->hp.max_steps - t->step < n)
		n = t->hp.max_steps > t->step ? t->hp.max_steps - t->step : 0;
	return n;
}

static int trainer_run_workers(struct trainer *t, struct trainer_round *r,
			       struct trainer_worker *w, int nw)
{
	int i, bad = -1;

	for (i = 0; i < nw; i++) {
		w[i].r = r;
		w[i].ws = i == 0 ? t->ws : model_ws_create(t->model);
		w[i].batch = tt_xmalloc(t->hp.batch * sizeof *w[i].batch);
	}
	for (i = 1; i < nw; i++) {
		if (pthread_create(&w[i].thread, NULL, trainer_worker_main, &w[i]) != 0)
			w[i].thread = 0;
	}
	trainer_worker_main(&w[0]);
	for (i = 1; i < nw; i++) {
		if (w[i].thread != 0)
			pthread_join(w[i].thread, NULL);
		else
			trainer_worker_main(&w[i]);
		model_ws_destroy(t->model, w[i].ws);
	}
	for (i = 0; i < nw; i++) {
		free(w[i].batch);
		if (w[i].bad && (bad < 0 || w[i].bad_step < w[bad].bad_step))
			bad = i;
	}
	return bad;
}

static void trainer_diverged(struct trainer *t, const struct trainer_worker *w)
{
	t->diverged = 1;
	t->pause_at = UINT64_MAX;
	trainer_notice(t, 1, "diverged at step %llu: %s %g; paused (lower lr, then resume, "
		       "or load the last checkpoint)", (unsigned long long)w->bad_step,
		       isfinite(w->bad_value) ? "gradient norm" : "loss", w->bad_value);
	trainer_add_event(t, TRAINER_EV_DIVERGED, NULL, NULL, NULL, "diverged");
	t->state = TRAINER_PAUSED;
}

void trainer_run_round(struct trainer *t)
{
	struct trainer_round r;
	struct trainer_worker w[64];
	int nw = t->opt != NULL ? 1 : (int)t->hp.threads, bad, i;
	double t0 = tt_now(), dt;
	uint64_t done;

	if (t->epoch >= t->hp.epochs) {
		trainer_after_round(t);    /* a resumed run that had already finished */
		return;
	}
	if (nw > 64)
		nw = 64;
	memset(&r, 0, sizeof r);
	memset(w, 0, sizeof w);
	r.t = t;
	r.step0 = t->step;
	r.pos0 = t->pos;
	r.nsteps = trainer_round_steps(t);
	atomic_store(&r.next, 0);
	t->lr_now = t->hp.base_lr * sched_factor(t->hp.schedule, t->step, trainer_total_steps(t),
						 t->hp.warmup);
	bad = trainer_run_workers(t, &r, w, nw);
	dt = tt_now() - t0;
	done = atomic_load(&r.next);
	if (done > r.nsteps)
		done = r.nsteps;
	for (i = 0; i < nw; i++) {
		t->loss_sum += w[i].loss_sum;
		t->loss_steps += w[i].steps;
		t->tokens_since += w[i].tokens;
	}
	t->time_since += dt;
	t->run_seconds += dt;
	t->run_steps += done;
	t->step += done;
	/* the lr the round's last step took: what a point or progress line logged now shows */
	if (done > 0)
		t->lr_now = t->hp.base_lr * sched_factor(t->hp.schedule, t->step - 1,
							 trainer_total_steps(t), t->hp.warmup);
	t->pos += (size_t)done * t->hp.batch;
	if (t->pos > t->data.nrows[DS_SPLIT_TRAIN])
		t->pos = t->data.nrows[DS_SPLIT_TRAIN];
	trainer_step_median(t);
	if (bad >= 0) {
		trainer_diverged(t, &w[bad]);
		trainer_publish(t, 1);
		return;
	}
	trainer_after_round(t);
}

