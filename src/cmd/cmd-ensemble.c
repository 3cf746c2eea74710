/*
 * cmd-ensemble.c - `ensemble M1 M2 ... [--vote] [--weights W1,W2,...]`,
 * `ensemble off`, `ensemble`: several saved models as the suggestion
 * source while labeling (app-ensemble.h), in the workbench and headless.
 *
 * The workbench asks app_ensemble_prediction from the place it asks the
 * live model (ui-train.c), so every consumer of suggestions follows. With
 * no workbench (headless scripts), the ensemble becomes the filters'
 * prediction source itself (app->preds), so `flag-where pred=spam` or
 * `relabel conf<0.6 ...` use it there too.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app-ensemble.h"
#include "tunetop/cmd.h"

static void cmd_ensemble_status(struct cmd_ctx *ctx)
{
	const struct app_ensemble *x = ctx->app->ensemble;
	struct tt_buf b;

	if (x == NULL) {
		cmd_print(ctx, "suggestions come from the live model (ensemble M1 M2 ... to use "
			  "saved models)\n");
		return;
	}
	tt_buf_init(&b);
	for (size_t k = 0; k < x->ens.n; k++) {
		char w[32];

		tt_buf_adds(&b, k > 0 ? ", " : "");
		tt_esc_adds(&b, x->ens.paths[k]);
		if (x->ens.mode == ENSEMBLE_MEAN && x->ens.weights[k] != 1.0f) {
			snprintf(w, sizeof w, " (weight %g)", (double)x->ens.weights[k]);
			tt_buf_adds(&b, w);
		}
	}
	cmd_print(ctx, "suggestions come from an ensemble of %zu models (%s): %s\n", x->ens.n,
		  ensemble_mode_name(x->ens.mode), b.data);
	tt_buf_fini(&b);
}

/* Labels of the ensemble the data does not have, and the other way round. */
static void cmd_ensemble_labels(struct cmd_ctx *ctx, const struct ensemble *e)
{
	const struct dataset *ds = &ctx->app->ds;
	size_t partial = 0, unknown = 0;

	for (uint32_t l = 0; l < e->lab.n; l++) {
		if (ensemble_known_by(e, l) < e->n)
			partial++;
	}
	for (uint32_t l = 0; ctx->app->has_data && l < ds->labels.n; l++) {
		if (ensemble_label_index(e, ds->labels.names[l]) == UINT32_MAX)
			unknown++;
	}
	cmd_print(ctx, "%u labels", e->lab.n);
	if (partial > 0)
		cmd_print(ctx, ", %zu of them not known to every model (those give them 0)", partial);
	if (unknown > 0)
		cmd_print(ctx, "; %zu labels of the data no model knows (never suggested)", unknown);
	cmd_print(ctx, "\n");
}

/* Parse MODEL... [--vote] [--weights W]: paths point into argv. -1 on error. */
static int cmd_ensemble_args(struct cmd_ctx *ctx, int argc, char **argv, const char ***paths,
			     size_t *n, enum ensemble_mode *mode, const char **weights)
{
	*paths = tt_xcalloc((size_t)argc, sizeof **paths);
	*n = 0;
	*mode = ENSEMBLE_MEAN;
	*weights = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--vote") == 0) {
			*mode = ENSEMBLE_VOTE;
		} else if (strcmp(argv[i], "--weights") == 0 && i + 1 < argc) {
			*weights = argv[++i];
		} else if (argv[i][0] == '-') {
			cmd_error(ctx, "ensemble: unexpected '%s' (expected MODEL... [--vote] "
				  "[--weights W1,W2,...], or off)", argv[i]);
			free(*paths);
			return -1;
		} else {
			(*paths)[(*n)++] = argv[i];
		}
	}
	return 0;
}

enum cmd_rc cmd_ensemble_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	struct app_ensemble *x;
	const char **paths;
	const char *weights;
	enum ensemble_mode mode;
	float *w = NULL;
	struct tt_err err;
	char msg[1200];
	size_t n;
	int rc;

	if (argc == 1) {
		cmd_ensemble_status(ctx);
		return CMD_OK;
	}
	if (argc == 2 && strcmp(argv[1], "off") == 0) {
		app_ensemble_off(a);
		cmd_print(ctx, "suggestions come from the live model again\n");
		return CMD_OK;
	}
	if (cmd_ensemble_args(ctx, argc, argv, &paths, &n, &mode, &weights) != 0)
		return CMD_ERROR;
	x = tt_xcalloc(1, sizeof *x);
	tt_err_clear(&err);
	rc = weights != NULL ? ensemble_parse_weights(weights, n, &w, &err) : 0;
	if (rc == 0)
		rc = ensemble_load(&x->ens, paths, n, w, mode, &err);
	free(w);
	free(paths);
	if (rc != 0) {
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "ensemble: %s", msg);
		free(x);
		return CMD_ERROR;
	}
	app_ensemble_off(a);
	x->ws = ensemble_ws_create(&x->ens);
	x->probs = tt_xcalloc((size_t)x->ens.lab.n + 1, sizeof *x->probs);
	snprintf(x->desc, sizeof x->desc, "ensemble %zu %s", x->ens.n,
		 ensemble_mode_name(x->ens.mode));
	a->ensemble = x;
	if (a->preds.get == NULL) {
		/* No workbench to route through: the filters ask the ensemble directly. */
		x->saved_preds = a->preds;
		a->preds.get = app_ensemble_pred_get;
		a->preds.opaque = a;
	}
	cmd_ensemble_status(ctx);
	cmd_ensemble_labels(ctx, &x->ens);
	return CMD_OK;
}
