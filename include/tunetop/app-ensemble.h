/*
 * app-ensemble.h - an ensemble of saved models (ensemble.h) as the source
 * of the workbench's suggestions, instead of the live trainer's
 * predictions: the label pane's suggestion, label-accept, the filters
 * pred= / conf= / correct / wrong. `ensemble M1 M2 ... [--vote]` turns it
 * on, `ensemble off` back to the live model (cmd-ensemble.c).
 *
 * Predictions are made when asked, one record at a time, and kept per
 * record; the cache is dropped when the data is replaced or the journal
 * moves (an edit may have changed a text), so a shown suggestion always
 * belongs to the text on screen.
 */
#ifndef TUNETOP_APP_ENSEMBLE_H
#define TUNETOP_APP_ENSEMBLE_H

#include <stddef.h>
#include <stdint.h>

#include "tunetop/app.h"
#include "tunetop/ensemble.h"

struct app_ensemble {
	struct ensemble ens;
	struct ensemble_ws *ws;
	float *probs;           /* [ens.lab.n] */
	char desc[64];          /* "ensemble 3 mean", for the status line */
	/* The cache: per record, the predicted union label or UINT32_MAX. */
	uint32_t *label;
	float *conf;
	size_t n;
	const void *recs;       /* the records it was made for */
	uint64_t seq;           /* the journal's next seq and undo depth then */
	size_t undo;
	/* The filters' source before this one (headless: none), given back at off. */
	struct edit_preds saved_preds;
};

/*
 * The ensemble's suggestion for record i: its label name (the ensemble's,
 * valid until `ensemble off`) and probability. -1 when there is no
 * ensemble or no such record.
 */
int app_ensemble_prediction(struct app *a, size_t i, const char **label, float *conf);
/* app_ensemble_prediction as struct edit_preds's get (opaque: the app). */
int app_ensemble_pred_get(void *opaque, size_t i, const char **label, float *conf);
/* Drop the ensemble (app_fini does); the live model's suggestions again. */
void app_ensemble_off(struct app *a);

#endif
