/*
 * optim.c - SGD and AdamW over a model's trainable views. See optim.h for
 * the update rules, the state views and their names.
 *
 * The optimizer keeps, per trainable F32 parameter view (by view index),
 * its AdamW moments m and v with the view's shape. Views are queried
 * through model_view at every step, since a row-sparse gradient's row list
 * moves as it grows. Updates are plain loops over contiguous rows: the
 * compiler vectorizes them; a transformer's views are long dense arrays,
 * the n-gram model's input gradient a few hundred rows of dim floats.
 */
#include "tunetop/optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct optim_slot {
	size_t view;            /* model view index */
	float *m, *v;           /* [numel] AdamW moments, NULL for SGD */
	size_t bytes;           /* of each */
	char *mname, *vname;
};

/* Sizes from which moments are mapped with transparent huge pages. */
static const size_t OPTIM_HUGE = (size_t)2 << 20;

/*
 * A zeroed array. Large ones are anonymous mappings (zero pages, resident
 * only once written) asked to use transparent huge pages: a row-sparse
 * view's rows are updated all over the matrix, and with 4 KB pages nearly
 * every row would cost a TLB miss. NULL if out of memory.
 */
static float *optim_alloc(size_t bytes)
{
	void *p;

	if (bytes < OPTIM_HUGE)
		return calloc(1, bytes ? bytes : 1);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void optim_free(float *p, size_t bytes)
{
	if (p == NULL)
		return;
	if (bytes < OPTIM_HUGE)
		free(p);
	else
		munmap(p, bytes);
}

struct optim {
	struct model *model;
	enum optim_kind kind;
	struct optim_slot *slots;
	size_t nslots;
	int64_t t;              /* AdamW steps taken */
};

/* The per-step constants of an update. */
struct optim_rule {
	float lr, decay, b1, b2, eps, bc1, bc2, gscale;
};

int optim_parse(const char *name, enum optim_kind *out)
{
	if (strcmp(name, "sgd") == 0)
		*out = OPTIM_SGD;
	else if (strcmp(name, "adamw") == 0)
		*out = OPTIM_ADAMW;
	else
		return -1;
	return 0;
}

const char *optim_kind_name(enum optim_kind kind)
{
	return kind == OPTIM_ADAMW ? "adamw" : "sgd";
}

static void optim_free_slots(struct optim *o)
{
	for (size_t i = 0; i < o->nslots; i++) {
		optim_free(o->slots[i].m, o->slots[i].bytes);
		optim_free(o->slots[i].v, o->slots[i].bytes);
		free(o->slots[i].mname);
		free(o->slots[i].vname);
	}
	free(o->slots);
	o->slots = NULL;
	o->nslots = 0;
}

/* One slot per trainable F32 parameter view; AdamW moments for each. */
static int optim_make_slots(struct optim *o, struct tt_err *err)
{
	size_t nv = model_nviews(o->model);

	o->slots = tt_xcalloc(nv + 1, sizeof *o->slots);
	for (size_t i = 0; i < nv; i++) {
		struct model_view v;
		struct optim_slot *s;
		uint64_t n;

		model_view(o->model, i, &v);
		if (v.data == NULL || !(v.flags & MODEL_VIEW_PARAM) || !v.trainable ||
		    v.dtype != MODEL_F32)
			continue;
		s = &o->slots[o->nslots++];
		s->view = i;
		if (o->kind != OPTIM_ADAMW)
			continue;
		n = model_view_numel(&v);
		s->bytes = n * sizeof *s->m;
		s->m = optim_alloc(s->bytes);
		s->v = optim_alloc(s->bytes);
		s->mname = tt_xprintf("optim.adamw.%s.m", v.name);
		s->vname = tt_xprintf("optim.adamw.%s.v", v.name);
		if (s->m == NULL || s->v == NULL) {
			tt_err_set(err, NULL, 0, 0, "AdamW state of %s: cannot allocate %llu MB",
				   v.name, (unsigned long long)((2 * n * sizeof(float)) >> 20));
			return -1;
		}
	}
	return 0;
}

struct optim *optim_create(struct model *m, enum optim_kind kind, struct tt_err *err)
{
	struct optim *o = tt_xcalloc(1, sizeof *o);

	o->model = m;
	o->kind = kind;
	if (model_grad_alloc(m, err) != 0 || optim_make_slots(o, err) != 0) {
		optim_destroy(o);
		return NULL;
	}
	model_zero_grad(m);
	return o;
}

void optim_destroy(struct optim *o)
{
	if (o == NULL)
		return;
	optim_free_slots(o);
	free(o);
}

enum optim_kind optim_kind(const struct optim *o)
{
	return o->kind;
}

/* ---- the update -------------------------------------------------------- */

static double optim_sumsq(const float *x, size_t n)
{
	float s[4] = { 0 };
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s[0] += x[i] * x[i];
		s[1] += x[i + 1] * x[i + 1];
		s[2] += x[i + 2] * x[i + 2];
		s[3] += x[i + 3] * x[i + 3];
	}
	for (; i < n; i++)
		s[0] += x[i] * x[i];
	return (double)((s[0] + s[2]) + (s[1] + s[3]));
}

/* Sum of squares of one view's gradient (its rows, when row-sparse). */
static double optim_view_sumsq(const struct model_view *v)
{
	uint64_t cols;
	double s = 0;

	if (v->grad == NULL)
		return 0;
	if (v->grad_rows == NULL)
		return optim_sumsq(v->grad, model_view_numel(v));
	cols = v->shape[1];
	for (size_t k = 0; k < v->ngrad_rows; k++)
		s += optim_sumsq(v->grad + k * cols, cols);
	return s;
}

float optim_grad_norm(struct optim *o)
{
	double s = 0;

	for (size_t i = 0; i < o->nslots; i++) {
		struct model_view v;

		model_view(o->model, o->slots[i].view, &v);
		s += optim_view_sumsq(&v);
	}
	return (float)sqrt(s);
}

static void optim_sgd(const struct optim_rule *a, float *restrict w, const float *restrict g,
		      size_t n)
{
	float step = a->lr * a->gscale;

	for (size_t i = 0; i < n; i++)
		w[i] = a->decay * w[i] - step * g[i];
}

static void optim_adamw(const struct optim_rule *a, float *restrict w, float *restrict mo,
			float *restrict v, const float *restrict g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float gi = g[i] * a->gscale;
		mo[i] = a->b1 * mo[i] + (1.0f - a->b1) * gi;
		v[i] = a->b2 * v[i] + (1.0f - a->b2) * gi * gi;
		float mhat = mo[i] / a->bc1;
		float vhat = v[i] / a->bc2;
		w[i] = a->decay * w[i] - a->lr * mhat / (sqrtf(vhat) + a->eps);
	}
}

/* Elements [off, off + n) of one view from the gradient g [n]. */
static void optim_update(const struct optim *o, const struct optim_rule *a,
			 const struct optim_slot *s, const struct model_view *v, uint64_t off,
			 const float *g, size_t n)
{
	float *w = (float *)v->data + off;

	if (o->kind == OPTIM_ADAMW)
		optim_adamw(a, w, s->m + off, s->v + off, g, n);
	else
		optim_sgd(a, w, g, n);
}

static void optim_update_view(const struct optim *o, const struct optim_rule *rule,
			      const struct optim_slot *s, const struct model_view *v)
{
	struct optim_rule r1 = *rule;
	const struct optim_rule *a = &r1;

	if (v->grad == NULL)
		return;
	/* Weight decay on matrices only: biases and layer norms keep theirs (as nanoGPT). */
	if (v->ndim < 2)
		r1.decay = 1.0f;
	if (v->grad_rows == NULL) {
		optim_update(o, a, s, v, 0, v->grad, model_view_numel(v));
		if (v->touched != NULL)
			memset(v->touched, 1, v->shape[0]);
		return;
	}
	for (size_t k = 0; k < v->ngrad_rows; k++) {
		uint32_t r = v->grad_rows[k];
		uint64_t cols = v->shape[1];

		optim_update(o, a, s, v, r * cols, v->grad + k * cols, cols);
		if (v->touched != NULL)
			v->touched[r] = 1;
	}
}

float optim_step(struct optim *o, const struct model_hparams *hp)
{
	struct optim_rule a;
	float norm = optim_grad_norm(o);

	memset(&a, 0, sizeof a);
	a.lr = hp->lr;
	a.decay = 1.0f - hp->lr * hp->weight_decay;
	a.gscale = hp->clip > 0.0f && norm > hp->clip ? hp->clip / norm : 1.0f;
	if (o->kind == OPTIM_ADAMW) {
		o->t++;
		a.b1 = hp->beta1;
		a.b2 = hp->beta2;
		a.eps = hp->eps;
		a.bc1 = (float)(1.0 - pow(hp->beta1, (double)o->t));
		a.bc2 = (float)(1.0 - pow(hp->beta2, (double)o->t));
	}
	for (size_t i = 0; i < o->nslots; i++) {
		struct model_view v;

		model_view(o->model, o->slots[i].view, &v);
		optim_update_view(o, &a, &o->slots[i], &v);
	}
	return norm;
}

/* ---- state views ------------------------------------------------------- */

size_t optim_nviews(const struct optim *o)
{
	return o->kind == OPTIM_ADAMW ? 2 * o->nslots + 1 : 0;
}

void optim_view(struct optim *o, size_t i, struct model_view *out)
{
	struct model_view p;
	const struct optim_slot *s;

	memset(out, 0, sizeof *out);
	if (i >= optim_nviews(o))
		return;
	out->flags = MODEL_VIEW_OPTIM;
	if (i == 2 * o->nslots) {
		out->name = "optim.adamw.step";
		out->dtype = MODEL_I64;
		out->ndim = 1;
		out->shape[0] = 1;
		out->data = &o->t;
		return;
	}
	s = &o->slots[i / 2];
	model_view(o->model, s->view, &p);
	out->name = i % 2 == 0 ? s->mname : s->vname;
	out->dtype = MODEL_F32;
	out->ndim = p.ndim;
	memcpy(out->shape, p.shape, sizeof out->shape);
	out->data = i % 2 == 0 ? s->m : s->v;
	out->touched = p.touched;       /* zero where the param was never updated */
}

int optim_find_view(struct optim *o, const char *name, struct model_view *out)
{
	size_t n = optim_nviews(o);

	for (size_t i = 0; i < n; i++) {
		optim_view(o, i, out);
		if (strcmp(out->name, name) == 0)
			return 0;
	}
	return -1;
}
