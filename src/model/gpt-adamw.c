/*
 * gpt-adamw.c - a minimal AdamW over the GPT arenas, for tests and the
 * benchmark until optim.c takes the model's views. The update is
 * torch.optim.AdamW's (decoupled decay first, then the bias-corrected step):
 *
 *   p -= lr wd p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 *
 * It walks the trainable views (frozen ones have no gradient and no state);
 * the moments are parallel to the grads arena.
 */
#include <math.h>
#include <stdlib.h>

#include "tunetop/gpt-layers.h"
#include "tunetop/gpt.h"


void gpt_adamw_init(struct gpt_adamw *o, const struct gpt *g)
{
	o->n = g->ngrads;
	o->m = tt_xcalloc(o->n, sizeof *o->m);
	o->v = tt_xcalloc(o->n, sizeof *o->v);
	o->t = 0;
}

void gpt_adamw_free(struct gpt_adamw *o)
{
	free(o->m);
	free(o->v);
	o->m = o->v = NULL;
	o->n = 0;
}

GPT_SIMD static void adamw_span(float *p, float *m, float *v, const float *gr, size_t n,
				float beta1, float beta2, float step, float decay, float bc2_sqrt,
				float eps)
{
	for (size_t i = 0; i < n; i++) {
		float gi = gr[i];

		m[i] = beta1 * m[i] + (1.0f - beta1) * gi;
		v[i] = beta2 * v[i] + (1.0f - beta2) * gi * gi;
		p[i] = p[i] * decay - step * m[i] / (sqrtf(v[i]) / bc2_sqrt + eps);
	}
}

void gpt_adamw_step(struct gpt_adamw *o, struct gpt *g, float lr, float beta1, float beta2,
		    float eps, float weight_decay)
{
	o->t++;
	float bc1 = 1.0f - powf(beta1, (float)o->t);
	float bc2_sqrt = sqrtf(1.0f - powf(beta2, (float)o->t));
	float step = lr / bc1, decay = 1.0f - lr * weight_decay;

	for (size_t i = 0; i < g->nviews; i++) {
		const struct gpt_view *w = &g->views[i];
		size_t off;

		if (!w->grad)
			continue;
		off = (size_t)(w->grad - g->grads);
		if (off + w->numel > o->n)
			continue;  /* the grads arena changed after init: not ours */
		adamw_span(w->data, o->m + off, o->v + off, w->grad, w->numel, beta1, beta2, step,
			   decay, bc2_sqrt, eps);
	}
}
