/*
 * model.c - the model front end: ops lookup, dispatch, random numbers.
 *
 * The functions here only forward to the ops table of the model; they exist
 * so call sites read model_forward(m, ...) rather than m->ops->forward(m, ...).
 */
#include <string.h>

#include "tunetop/model.h"

/* ---- random numbers ---------------------------------------------------- */

void
model_rng_seed(struct model_rng *r, uint64_t seed)
{
	r->state = seed;
}

/* splitmix64 (Steele, Lea, Flood 2014): passes BigCrush, one word of state. */
uint64_t
model_rng_next(struct model_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

float
model_rng_uniform(struct model_rng *r)
{
	return (float)(model_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

/* ---- hyperparameters --------------------------------------------------- */

void
model_hparams_default(struct model_hparams *hp)
{
	memset(hp, 0, sizeof *hp);
	hp->lr = 0.1f;
	hp->beta1 = 0.9f;
	hp->beta2 = 0.999f;
	hp->eps = 1e-8f;
	hp->distill_temperature = 1.0f;
}

/* ---- dispatch ---------------------------------------------------------- */

static const struct model_ops *const model_all[] = {
	&model_ngram_ops,
	&model_gpt_ops,
};

const struct model_ops *
model_find(const char *name)
{
	for (size_t i = 0; i < sizeof model_all / sizeof model_all[0]; i++)
		if (strcmp(model_all[i]->name, name) == 0)
			return model_all[i];
	return NULL;
}

struct model *
model_create(const struct model_config *cfg, struct tt_err *err)
{
	const char *type = cfg->type ? cfg->type : "ngram";
	const struct model_ops *ops = model_find(type);

	if (ops == NULL) {
		tt_err_set(err, NULL, 0, 0, "unknown model type '%s' (expected ngram or gpt)", type);
		return NULL;
	}
	return ops->create(cfg, err);
}

void
model_destroy(struct model *m)
{
	if (m)
		m->ops->destroy(m);
}

struct model_ws *
model_ws_create(const struct model *m)
{
	return m->ops->ws_create(m);
}

void
model_ws_destroy(const struct model *m, struct model_ws *ws)
{
	if (ws)
		m->ops->ws_destroy(ws);
}

float
model_forward(struct model *m, struct model_ws *ws, const struct model_example *ex, size_t n,
	      const struct model_hparams *hp, struct model_rng *rng)
{
	return m->ops->forward(m, ws, ex, n, hp, rng);
}

void
model_backward(struct model *m, struct model_ws *ws)
{
	m->ops->backward(m, ws);
}

void
model_zero_grad(struct model *m)
{
	m->ops->zero_grad(m);
}

int
model_grad_alloc(struct model *m, struct tt_err *err)
{
	return m->ops->grad_alloc(m, err);
}

int
model_set_trainable(struct model *m, const char *name, bool on, struct tt_err *err)
{
	size_t n = model_nviews(m);
	struct model_view v;

	for (size_t i = 0; i < n; i++) {
		model_view(m, i, &v);
		if (v.data != NULL && (v.flags & MODEL_VIEW_PARAM) && strcmp(v.name, name) == 0)
			return m->ops->set_trainable(m, i, on, err);
	}
	tt_err_set(err, NULL, 0, 0, "model %s has no parameter called '%s'", m->ops->name, name);
	return -1;
}

int
model_has_sgd_fast(const struct model *m)
{
	return m->ops->sgd_fast != NULL;
}

struct model_stat
model_sgd_fast(struct model *m, struct model_ws *ws, const struct model_example *ex,
	       const struct model_hparams *hp, struct model_rng *rng)
{
	return m->ops->sgd_fast(m, ws, ex, hp, rng);
}

void
model_predict(const struct model *m, struct model_ws *ws, const uint32_t *tokens,
	      uint32_t ntokens, float *probs)
{
	m->ops->predict(m, ws, tokens, ntokens, probs);
}

size_t
model_nparams(const struct model *m)
{
	return m->ops->nparams(m);
}

size_t
model_nviews(const struct model *m)
{
	return m->ops->nviews(m);
}

void
model_view(struct model *m, size_t i, struct model_view *out)
{
	m->ops->view(m, i, out);
}

int
model_find_view(struct model *m, const char *name, struct model_view *out)
{
	size_t n = model_nviews(m);

	for (size_t i = 0; i < n; i++) {
		model_view(m, i, out);
		if (out->data != NULL && strcmp(out->name, name) == 0)
			return 0;
	}
	return -1;
}

uint64_t
model_view_numel(const struct model_view *v)
{
	uint64_t n = 1;

	for (uint32_t i = 0; i < v->ndim; i++)
		n *= v->shape[i];
	return n;
}
