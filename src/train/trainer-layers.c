/*
 * trainer-layers.c - how each layer learns, measured at every logged point
 * for the layers view (trainer.h: struct trainer_layers).
 *
 * Layers: the model's parameter views grouped by name. A gpt's views are
 * "transformer.wte/wpe" (embed), "transformer.h.N.*" (block N, LoRA
 * adapters included), "transformer.ln_f.*" (ln_f) and "score.weight"
 * (head); any other model gets one layer per view, named without its
 * model prefix and ".weight" (the n-gram model: input, output).
 *
 * Two figures per layer and point:
 *   grad norm      sqrt(sum of the squared gradients) of the layer's views,
 *                  as the last step left them (before clipping, which the
 *                  optimizer applies as a factor); NAN when no view has a
 *                  gradient (frozen, or the n-gram fast path, whose Hogwild
 *                  SGD fuses the gradient into the update);
 *   update ratio   ||W_now - W_prev|| / (steps * ||W_now||), W_prev being
 *                  the weights at the previous point and steps the optimizer
 *                  steps since: the relative change per step, averaged over
 *                  the interval. It needs no hook in the step (so it works
 *                  for every optimizer, and for Hogwild threads), at the
 *                  price of a copy of the weights between two points. A
 *                  view of more than TRAINER_LSAMPLE elements keeps every
 *                  k-th row only (the same rows each time): GPT-2's 38M
 *                  token embeddings or 2M hashed n-gram buckets would
 *                  otherwise double the model's memory. The ratio on a
 *                  fixed row sample estimates the whole matrix's.
 * Cost: one pass over the gradients and two over the (sampled) weights per
 * logged point, on the trainer thread between rounds - nothing per step -
 * and only once someone asked (trainer_want_layers: the layers view is
 * open) or option layer_stats is on, so a run nobody watches this way pays
 * nothing: the n-gram model logs 50 points an epoch at thousands of steps
 * a second, where even a sampled pass would show.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trainer-impl.h"

/*
 * Views over this many values keep a row sample; a measurement may take at
 * most 1 / TRAINER_LSHARE of the run's time when the layers view asked for
 * it (option layer_stats measures every point; it is skipped at points that
 * come sooner: the ratio is per step since the last measurement, so a
 * skipped point loses nothing but a sparkline column); values summed in
 * blocks of TRAINER_LBLOCK, 8 float lanes each, then in double.
 */
enum { TRAINER_LSAMPLE = 1 << 16, TRAINER_LSHARE = 50, TRAINER_LBLOCK = 4096 };

/* One parameter view: its layer and its sampled copy from the last point. */
struct trainer_lview {
	size_t view;            /* model view index */
	size_t layer;
	uint64_t rows, cols;    /* as a matrix (1-D: one row) */
	uint64_t stride;        /* rows kept: 0, stride, 2 stride ... */
	float *prev;            /* [kept rows * cols] */
};

struct trainer_lstats {
	struct trainer_lview *v;
	size_t nv;
	size_t nlayers;
	bool have_prev;
	uint64_t prev_step;
	double next_time;       /* tt_now() before which a point is skipped */
	double seconds;         /* spent measuring, creation excluded */
	uint64_t count;
	double *g2, *d2, *w2;   /* [nlayers] per-point sums */
	bool *has_grad;
};

/* The layer a view belongs to, by its name (see the top). */
static void trainer_layer_name(const char *view, char *out, size_t n)
{
	const char *s = view, *dot;
	size_t len;

	if (strncmp(s, "transformer.", 12) == 0) {
		s += 12;
		if (strncmp(s, "wte.", 4) == 0 || strncmp(s, "wpe.", 4) == 0)
			snprintf(out, n, "embed");
		else if (strncmp(s, "h.", 2) == 0)
			snprintf(out, n, "block %ld", strtol(s + 2, NULL, 10));
		else if (strncmp(s, "ln_f.", 5) == 0)
			snprintf(out, n, "ln_f");
		else
			snprintf(out, n, "head");
		return;
	}
	if (strncmp(s, "score.", 6) == 0 || strncmp(s, "lm_head.", 8) == 0) {
		snprintf(out, n, "head");
		return;
	}
	dot = strchr(s, '.');
	if (dot != NULL && dot[1] != '\0')
		s = dot + 1;            /* "ngram.input.weight" -> "input.weight" */
	len = strlen(s);
	if (len > 7 && strcmp(s + len - 7, ".weight") == 0)
		len -= 7;
	snprintf(out, n, "%.*s", (int)len, s);
}

static size_t trainer_layer_find(struct trainer_layers *L, const char *name)
{
	size_t i;

	for (i = 0; i < L->n; i++) {
		if (strcmp(L->l[i].name, name) == 0)
			return i;
	}
	L->l = tt_xrealloc(L->l, (L->n + 1) * sizeof *L->l);
	memset(&L->l[L->n], 0, sizeof L->l[L->n]);
	snprintf(L->l[L->n].name, sizeof L->l[L->n].name, "%s", name);
	L->l[L->n].frozen = true;
	return L->n++;
}

/* The layers of t's model, published empty (lock held by the caller). */
static struct trainer_lstats *trainer_lstats_create(struct trainer *t)
{
	struct trainer_lstats *s = tt_xcalloc(1, sizeof *s);
	size_t i, nv = model_nviews(t->model);
	struct model_view mv;
	char name[24];

	s->v = tt_xcalloc(nv + 1, sizeof *s->v);
	for (i = 0; i < nv; i++) {
		struct trainer_lview *v;
		uint64_t numel, kept;

		model_view(t->model, i, &mv);
		if (!(mv.flags & MODEL_VIEW_PARAM) || mv.data == NULL || mv.dtype != MODEL_F32)
			continue;
		trainer_layer_name(mv.name, name, sizeof name);
		v = &s->v[s->nv++];
		v->view = i;
		v->layer = trainer_layer_find(&t->layers, name);
		numel = model_view_numel(&mv);
		v->rows = mv.ndim >= 2 ? mv.shape[0] : 1;
		v->cols = v->rows > 0 ? numel / v->rows : 0;
		v->stride = 1;
		if (numel > TRAINER_LSAMPLE && v->cols > 0)
			v->stride = (numel + TRAINER_LSAMPLE - 1) / TRAINER_LSAMPLE;
		kept = (v->rows + v->stride - 1) / v->stride;
		v->prev = tt_xmalloc((kept * v->cols + 1) * sizeof *v->prev);
		t->layers.l[v->layer].nparams += numel;
		if (mv.trainable)
			t->layers.l[v->layer].frozen = false;
	}
	s->nlayers = t->layers.n;
	s->g2 = tt_xcalloc(s->nlayers + 1, sizeof *s->g2);
	s->d2 = tt_xcalloc(s->nlayers + 1, sizeof *s->d2);
	s->w2 = tt_xcalloc(s->nlayers + 1, sizeof *s->w2);
	s->has_grad = tt_xcalloc(s->nlayers + 1, sizeof *s->has_grad);
	return s;
}

/*
 * sum (w - p)^2 into *d2 and sum w^2 into *w2 over n values, then p = w: in
 * blocks of 8 independent float lanes (so the compiler can vectorize; a
 * single double accumulator is bound by the latency of its additions).
 */
static void trainer_sq_copy(const float *w, float *p, size_t n, double *d2, double *w2)
{
	for (size_t b = 0; b < n; b += TRAINER_LBLOCK) {
		size_t e = n - b < TRAINER_LBLOCK ? n : b + TRAINER_LBLOCK, i = b;
		float dd[8] = { 0 }, ww[8] = { 0 };

		for (; i + 8 <= e; i += 8) {
			for (int k = 0; k < 8; k++) {
				float d = w[i + k] - (p != NULL ? p[i + k] : 0.0f);

				dd[k] += d * d;
				ww[k] += w[i + k] * w[i + k];
			}
		}
		for (; i < e; i++) {
			float d = w[i] - (p != NULL ? p[i] : 0.0f);

			dd[0] += d * d;
			ww[0] += w[i] * w[i];
		}
		for (int k = 0; k < 8; k++) {
			*d2 += dd[k];
			*w2 += ww[k];
		}
	}
	if (p != NULL)
		memcpy(p, w, n * sizeof *p);
}

/* Sum of squares of view mv's gradient (dense or row-sparse). */
static double trainer_grad_sq(const struct model_view *mv, uint64_t cols)
{
	size_t n = mv->grad_rows != NULL ? mv->ngrad_rows * cols : model_view_numel(mv);
	double s = 0, unused = 0;

	trainer_sq_copy(mv->grad, NULL, n, &unused, &s);
	return s;
}

/* Weight change and size on the kept rows; the copy refreshed for the next point. */
static void trainer_view_change(struct trainer_lview *v, const float *w, int have_prev,
				double *d2, double *w2)
{
	double d = 0;
	uint64_t r, k = 0;

	if (v->stride == 1) {   /* the whole view: one run */
		trainer_sq_copy(w, v->prev, v->rows * v->cols, &d, w2);
	} else {
		for (r = 0; r < v->rows; r += v->stride, k++)
			trainer_sq_copy(w + r * v->cols, v->prev + k * v->cols, v->cols, &d, w2);
	}
	if (have_prev)
		*d2 += d;
}

/* Append one point's values to the published history (lock held). */
static void trainer_layers_append(struct trainer *t, struct trainer_lstats *s, uint64_t steps)
{
	for (size_t i = 0; i < s->nlayers; i++) {
		struct trainer_layer *l = &t->layers.l[i];
		float gn = s->has_grad[i] ? (float)sqrt(s->g2[i]) : NAN;
		float ur = NAN;

		if (s->have_prev && steps > 0 && s->w2[i] > 0)
			ur = (float)(sqrt(s->d2[i]) / sqrt(s->w2[i]) / (double)steps);
		if (l->n == TRAINER_LAYER_HIST) {
			memmove(l->grad_norm, l->grad_norm + 1, (l->n - 1) * sizeof *l->grad_norm);
			memmove(l->update_ratio, l->update_ratio + 1,
				(l->n - 1) * sizeof *l->update_ratio);
			l->n--;
		}
		l->grad_norm[l->n] = gn;
		l->update_ratio[l->n] = ur;
		l->n++;
	}
	t->layers.step = t->step;
	t->layers.seq++;
	t->snap.layers_seq = t->layers.seq;
}

/*
 * Points measured whatever the budget: every one with option layer_stats,
 * and the last before the run stops (a step target, max_steps, an epoch
 * end, a waiting message such as pause), so a paused run shows its state.
 */
static int trainer_layers_must(struct trainer *t)
{
	return cfg_get_bool(&t->cfg, "layer_stats") || atomic_load(&t->interrupt) ||
	       (t->pause_at != UINT64_MAX && t->step >= t->pause_at) ||
	       (t->hp.max_steps > 0 && t->step >= t->hp.max_steps) ||
	       t->pos >= t->data.nrows[DS_SPLIT_TRAIN];
}

void trainer_layers_point(struct trainer *t)
{
	struct trainer_lstats *s;
	struct model_view mv;
	uint64_t steps;
	double t0 = tt_now();

	if (t->model == NULL ||
	    (!atomic_load(&t->want_layers) && !cfg_get_bool(&t->cfg, "layer_stats")))
		return;
	if (t->lstats != NULL && t0 < t->lstats->next_time && !trainer_layers_must(t))
		return;         /* over the view's budget */
	if (t->lstats == NULL) {
		pthread_mutex_lock(&t->lock);
		t->lstats = trainer_lstats_create(t);
		pthread_mutex_unlock(&t->lock);
	}
	s = t->lstats;
	memset(s->g2, 0, s->nlayers * sizeof *s->g2);
	memset(s->d2, 0, s->nlayers * sizeof *s->d2);
	memset(s->w2, 0, s->nlayers * sizeof *s->w2);
	memset(s->has_grad, 0, s->nlayers * sizeof *s->has_grad);
	for (size_t i = 0; i < s->nv; i++) {
		struct trainer_lview *v = &s->v[i];

		model_view(t->model, v->view, &mv);
		if (mv.grad != NULL) {
			s->g2[v->layer] += trainer_grad_sq(&mv, v->cols);
			s->has_grad[v->layer] = true;
		}
		trainer_view_change(v, mv.data, s->have_prev, &s->d2[v->layer], &s->w2[v->layer]);
	}
	steps = t->step - s->prev_step;
	pthread_mutex_lock(&t->lock);
	trainer_layers_append(t, s, steps);
	pthread_mutex_unlock(&t->lock);
	s->have_prev = true;
	s->prev_step = t->step;
	s->next_time = t0 + (tt_now() - t0) * TRAINER_LSHARE;
	if (s->count++ > 0)     /* the first pays for the allocation: not counted */
		s->seconds += tt_now() - t0;
	pthread_mutex_lock(&t->lock);
	t->snap.layers_ms = s->count > 1 ? 1000.0 * s->seconds / (double)(s->count - 1) : NAN;
	pthread_mutex_unlock(&t->lock);
}

void trainer_layers_free(struct trainer *t)
{
	struct trainer_lstats *s = t->lstats;

	if (s != NULL) {
		for (size_t i = 0; i < s->nv; i++)
			free(s->v[i].prev);
		free(s->v);
		free(s->g2);
		free(s->d2);
		free(s->w2);
		free(s->has_grad);
		free(s);
		t->lstats = NULL;
	}
	pthread_mutex_lock(&t->lock);
	free(t->layers.l);
	t->layers.l = NULL;
	t->layers.n = 0;
	t->layers.seq++;        /* readers see the layers go */
	t->snap.layers_seq = t->layers.seq;
	t->snap.layers_ms = NAN;
	pthread_mutex_unlock(&t->lock);
}

void trainer_want_layers(struct trainer *t)
{
	atomic_store(&t->want_layers, 1);
}

void trainer_layers_get(struct trainer *t, struct trainer_layers *out)
{
	pthread_mutex_lock(&t->lock);
	*out = t->layers;
	out->l = NULL;
	if (out->n > 0) {
		out->l = tt_xmalloc(out->n * sizeof *out->l);
		memcpy(out->l, t->layers.l, out->n * sizeof *out->l);
	}
	pthread_mutex_unlock(&t->lock);
}

void trainer_layers_fini(struct trainer_layers *l)
{
	free(l->l);
	memset(l, 0, sizeof *l);
}
