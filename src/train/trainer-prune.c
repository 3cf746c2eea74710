/*
 * trainer-prune.c - magnitude pruning inside a gpt run; gpt-prune.h does
 * the pruning itself and says which matrices it touches.
 *
 * When: at the start of a run whose prune_sparsity is above 0 (after an
 * init file or a checkpoint is loaded, before the first step - the usual
 * "prune a fine-tuned model, then fine-tune it again" pass), and on a
 * `prune SPARSITY [matrix|global]` message whenever a model exists. The
 * message is an event in metrics.jsonl (kind "prune", key prune_sparsity,
 * old and new share), so the curves mark it.
 *
 * Keeping pruned weights at zero: every general-path step masks the
 * gradients after backward (AdamW's moments then see no gradient for a
 * pruned weight) and zeroes the pruned weights again after the update
 * (weight decay, or moments from before the pruning, would move them).
 * Both are one pass over the pruned matrices with a byte mask.
 *
 * A second prune replaces the masks. Weights already zero count as the
 * smallest, so a higher sparsity keeps every earlier zero; a lower one
 * lets some of them grow back.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-prune.h"
#include "tunetop/model-gpt.h"
#include "trainer-impl.h"

void trainer_prune_free(struct trainer *t)
{
	if (t->prune == NULL)
		return;
	gpt_prune_fini(t->prune);
	free(t->prune);
	t->prune = NULL;
}

double trainer_prune_sparsity(struct trainer *t)
{
	struct gpt *g;

	if (t->prune == NULL || (g = model_gpt_get(t->model)) == NULL)
		return NAN;
	if (t->state != TRAINER_RUNNING || isnan(t->prune_measured))
		t->prune_measured = gpt_prune_measure(t->prune, g);
	return t->prune_measured;
}

/* Prune the run's model to sparsity with scope's threshold; new masks. */
static int trainer_prune_model(struct trainer *t, double sparsity, const char *scope,
			       struct tt_err *err)
{
	struct gpt *g = model_gpt_get(t->model);
	enum gpt_prune_scope sc;
	struct gpt_prune p;

	if (g == NULL) {
		tt_err_set(err, NULL, 0, 0, "pruning needs model gpt (this run's model is %s; "
			   "the n-gram model's hashed rows are not pruned)",
			   t->model != NULL ? t->model->ops->name : cfg_get_str(&t->cfg, "model"));
		return -1;
	}
	if (gpt_prune_scope_parse(scope, &sc) != 0) {
		tt_err_set(err, NULL, 0, 0, "prune scope '%.40s' is unknown (expected matrix or "
			   "global)", scope);
		return -1;
	}
	if (gpt_prune_magnitude(g, (float)sparsity, sc, &p, err) != 0)
		return -1;
	trainer_prune_free(t);
	t->prune = tt_xmalloc(sizeof *t->prune);
	*t->prune = p;
	t->prune_measured = NAN;
	return 0;
}

int trainer_prune_start(struct trainer *t, struct tt_err *err)
{
	double s = cfg_get_num(&t->cfg, "prune_sparsity");

	trainer_prune_free(t);
	if (!(s > 0))
		return 0;
	trainer_phase(t, "preparing: pruning %.0f%% of the block matrices", s * 100.0);
	if (trainer_prune_model(t, s, cfg_get_str(&t->cfg, "prune_scope"), err) != 0) {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, NULL, 0, 0, "prune_sparsity %g: %s", s, msg);
		return -1;
	}
	trainer_notice(t, 0, "pruned: %.2f%% of the block matrices' weights are zero "
		       "(%s); they stay zero while training", 100.0 * trainer_prune_sparsity(t),
		       cfg_get_str(&t->cfg, "prune_scope"));
	return 0;
}

void trainer_prune_grads(struct trainer *t)
{
	struct gpt *g;

	if (t->prune != NULL && (g = model_gpt_get(t->model)) != NULL)
		gpt_prune_mask_grads(t->prune, g);
}

void trainer_prune_weights(struct trainer *t)
{
	struct gpt *g;

	if (t->prune != NULL && (g = model_gpt_get(t->model)) != NULL)
		gpt_prune_apply(t->prune, g);
}

int trainer_prune_msg(struct trainer *t, const char *value, const char *scope, char *reply,
		      size_t n)
{
	struct tt_err err;
	double s, before;
	char *end;
	char olds[32], news[32], sc[16];

	if (t->model == NULL) {
		snprintf(reply, n, "prune: no model yet (start training first)");
		return -1;
	}
	s = value != NULL ? strtod(value, &end) : NAN;
	if (value == NULL || end == value || *end != '\0' || !(s >= 0 && s <= 0.99)) {
		snprintf(reply, n, "prune: sparsity '%.40s' is out of range (expected a number "
			 "from 0 to 0.99, the share of weights to zero, e.g. 0.7)",
			 value != NULL ? value : "");
		return -1;
	}
	/* a copy: setting the option below frees the option's own text */
	snprintf(sc, sizeof sc, "%.15s", scope != NULL && scope[0] != '\0' ? scope :
		 cfg_get_str(&t->cfg, "prune_scope"));
	scope = sc;
	before = trainer_prune_sparsity(t);
	tt_err_clear(&err);
	if (trainer_prune_model(t, s, scope, &err) != 0) {
		snprintf(reply, n, "prune: %s", err.msg);
		return -1;
	}
	/* A restart from these weights prunes the same way. */
	cfg_set(&t->cfg, "prune_sparsity", value, NULL);
	cfg_set(&t->cfg, "prune_scope", strcmp(scope, "global") == 0 ? "global" : "matrix", NULL);
	snprintf(olds, sizeof olds, "%.4g", isnan(before) ? 0.0 : before);
	snprintf(news, sizeof news, "%.4g", trainer_prune_sparsity(t));
	trainer_add_event(t, TRAINER_EV_PRUNE, "prune_sparsity", olds, news, "prune %s -> %s (%s)",
			  olds, news, scope);
	snprintf(reply, n, "pruned at step %llu: %zu of %zu block-matrix weights are zero "
		 "(%.2f%%, %s); they stay zero while training", (unsigned long long)t->step,
		 t->prune->pruned, t->prune->total, 100.0 * trainer_prune_sparsity(t), scope);
	return 0;
}
