/*
 * app-ensemble.c - saved models as the suggestion source (app-ensemble.h):
 * their predictions one record at a time, cached per record, and the
 * filters' view of them when no workbench routes the questions.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app-ensemble.h"
#include "tunetop/journal.h"

static void app_ensemble_stamp(const struct app *a, uint64_t *seq, size_t *undo)
{
	*seq = a->journal != NULL ? journal_next_seq(a->journal) : 0;
	*undo = a->journal != NULL ? journal_undo_depth(a->journal) : 0;
}

/* Make the cache fit the current data; empty it if the data or journal moved. */
static void app_ensemble_cache(struct app *a, struct app_ensemble *x)
{
	uint64_t seq;
	size_t undo;

	app_ensemble_stamp(a, &seq, &undo);
	if (x->label != NULL && x->n == a->ds.n && x->recs == (const void *)a->ds.recs &&
	    x->seq == seq && x->undo == undo)
		return;
	free(x->label);
	free(x->conf);
	x->n = a->ds.n;
	x->label = tt_xmalloc((x->n + 1) * sizeof *x->label);
	x->conf = tt_xmalloc((x->n + 1) * sizeof *x->conf);
	for (size_t i = 0; i < x->n; i++)
		x->label[i] = UINT32_MAX;
	x->recs = a->ds.recs;
	x->seq = seq;
	x->undo = undo;
}

int app_ensemble_prediction(struct app *a, size_t i, const char **label, float *conf)
{
	struct app_ensemble *x = a->ensemble;

	if (x == NULL || !a->has_data || i >= a->ds.n)
		return -1;
	app_ensemble_cache(a, x);
	if (x->label[i] == UINT32_MAX) {
		const struct ds_record *r = &a->ds.recs[i];
		uint32_t top = ensemble_predict(&x->ens, x->ws, r->text, r->text_len, x->probs);

		x->label[i] = top;
		x->conf[i] = x->probs[top];
	}
	*label = x->ens.lab.names[x->label[i]];
	*conf = x->conf[i];
	return 0;
}

int app_ensemble_pred_get(void *opaque, size_t i, const char **label, float *conf)
{
	return app_ensemble_prediction(opaque, i, label, conf);
}

void app_ensemble_off(struct app *a)
{
	struct app_ensemble *x = a->ensemble;

	if (x == NULL)
		return;
	if (a->preds.get == app_ensemble_pred_get)
		a->preds = x->saved_preds;
	ensemble_ws_destroy(&x->ens, x->ws);
	ensemble_fini(&x->ens);
	free(x->probs);
	free(x->label);
	free(x->conf);
	free(x);
	a->ensemble = NULL;
}

