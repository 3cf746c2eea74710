/*
 * trainer-ftmodes.c - the fine-tuning modes of a gpt run (issue 13, 1):
 * frozen layers, LoRA adapters, gradient checkpointing and gradient
 * accumulation, as options of the same trainer.
 *
 * When. freeze_layers, lora_* and grad_checkpoint are read once, when a
 * run starts (and when a checkpoint is restored), after the model exists
 * and before the optimizer is made: gpt_grad_alloc then lays the gradient
 * arena out for the trainable views only and the optimizer makes moments
 * for those only, so a frozen view costs neither. They do not change in a
 * running run (trainer_key_is_live says no): the arenas are sized at the
 * start; the workbench's `restart` starts a new run from the current
 * weights instead. grad_accum is read at every step (live).
 *
 * Freezing: freeze_layers k > 0 freezes the embeddings and blocks 0..k-1
 * (gpt_freeze_layers), -1 everything but the classification head
 * (gpt_freeze_body, feature extraction). LoRA (lora_rank > 0) freezes the
 * whole base but the head itself (gpt_lora_add), so freeze_layers is then
 * ignored, with a notice.
 *
 * Accumulation: a step's batch_size examples are cut into grad_accum
 * micro-batches run one after the other (activations sized for one). Each
 * micro-batch's backward is weighted by its number of targets (labeled
 * records, or target tokens), and the summed gradient is divided by the
 * total once at the end, so the gradient is the one of the whole batch's
 * mean loss (same value as one large batch, up to float rounding), and the
 * reported loss is the target-weighted mean of the micro-batches'.
 *
 * Saving: a LoRA run's model (and best model) is its adapter: with
 * --out DIR, DIR/adapter_model.safetensors + adapter_config.json (naming
 * the init file and its hash) + tunetop.json (bundle-adapter.c), and
 * DIR/best/ the same for the best model; no copy of the base. Checkpoints
 * stay whole bundles (the adapters are views of the model, saved by name
 * with their configuration: bundle.c), so a run resumes exactly.
 */
#include <cblas.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/bundle.h"
#include "tunetop/gpt-lora.h"
#include "tunetop/model-gpt.h"
#include "trainer-impl.h"

/* The options that only a gpt run has, with the value that means "off". */
static const struct {
	const char *key, *off;
} trainer_gpt_only[] = {
	{ "freeze_layers", "0" }, { "lora_rank", "0" }, { "grad_checkpoint", "false" },
	{ "grad_accum", "1" },
};

/* An n-gram run with a gpt-only mode set: refused, naming the option. */
static int trainer_modes_ngram(const struct trainer *t, struct tt_err *err)
{
	for (size_t i = 0; i < sizeof trainer_gpt_only / sizeof trainer_gpt_only[0]; i++) {
		const char *k = trainer_gpt_only[i].key;

		if (strcmp(cfg_get_str(&t->cfg, k), trainer_gpt_only[i].off) != 0) {
			tt_err_set(err, NULL, 0, 0, "%s = %s is for model gpt only (this run's model "
				   "is %s; set %s %s, or model gpt)", k, cfg_get_str(&t->cfg, k),
				   cfg_get_str(&t->cfg, "model"), k, trainer_gpt_only[i].off);
			return -1;
		}
	}
	return 0;
}

static int trainer_modes_lora(struct trainer *t, struct gpt *g, struct tt_err *err)
{
	struct gpt_lora_config lc;
	char msg[sizeof err->msg];

	if (g->lora != NULL)
		return 0;       /* a restored checkpoint brought its adapters */
	lc.r = (uint32_t)cfg_get_int(&t->cfg, "lora_rank");
	lc.alpha = (float)cfg_get_num(&t->cfg, "lora_alpha");
	lc.dropout = (float)cfg_get_num(&t->cfg, "lora_dropout");
	if (gpt_lora_parse_targets(cfg_get_str(&t->cfg, "lora_targets"), &lc.targets, err) != 0) {
		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, NULL, 0, 0, "lora_targets: %s", msg);
		return -1;
	}
	if (cfg_get_int(&t->cfg, "freeze_layers") != 0)
		trainer_notice(t, 0, "freeze_layers is ignored with LoRA (the whole base is frozen)");
	if (cfg_get_str(&t->cfg, "init")[0] == '\0')
		trainer_notice(t, 0, "LoRA on a fresh model (no init): the frozen base is random");
	/* A from the run's seed, its own stream (the base's init used the seed itself) */
	if (model_gpt_lora_add(t->model, &lc, t->hp.seed * 0x9E3779B97F4A7C15ull + 13, err) != 0) {
		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, NULL, 0, 0, "lora: %s", msg);
		return -1;
	}
	return 0;
}

static int trainer_modes_freeze(struct trainer *t, struct gpt *g, struct tt_err *err)
{
	long k = cfg_get_int(&t->cfg, "freeze_layers");
	char msg[sizeof err->msg];

	if (k == 0)
		return 0;
	if (k < 0) {
		if (g->cfg.nlabels == 0) {
			tt_err_set(err, NULL, 0, 0, "freeze_layers -1 freezes all but the classification "
				   "head, and a language model has none (objective lm: use 0 to %u)",
				   g->cfg.layers);
			return -1;
		}
		return gpt_freeze_body(g, err);
	}
	if ((uint32_t)k > g->cfg.layers) {
		tt_err_set(err, NULL, 0, 0, "freeze_layers %ld: the model has %u layers (expected "
			   "-1 to %u)", k, g->cfg.layers, g->cfg.layers);
		return -1;
	}
	if (gpt_freeze_layers(g, (uint32_t)k, err) != 0) {
		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, NULL, 0, 0, "freeze_layers: %s", msg);
		return -1;
	}
	return 0;
}

int trainer_modes_apply(struct trainer *t, struct tt_err *err)
{
	struct gpt *g = model_gpt_get(t->model);

	if (g == NULL)
		return trainer_modes_ngram(t, err);
	if (cfg_get_int(&t->cfg, "lora_rank") > 0 || g->lora != NULL) {
		if (trainer_modes_lora(t, g, err) != 0)
			return -1;
	} else if (trainer_modes_freeze(t, g, err) != 0) {
		return -1;
	}
	gpt_set_checkpointing(g, cfg_get_bool(&t->cfg, "grad_checkpoint"));
	return 0;
}

/* Parameters (trainable and all) and the optimizer's state, for JSON and the status line. */
void trainer_modes_publish(struct trainer *t)
{
	uint64_t total = 0, trainable = 0, obytes = 0;
	size_t i, n = model_nviews(t->model);

	for (i = 0; i < n; i++) {
		struct model_view v;

		model_view(t->model, i, &v);
		if (v.data == NULL || !(v.flags & MODEL_VIEW_PARAM))
			continue;
		total += model_view_numel(&v);
		if (v.trainable)
			trainable += model_view_numel(&v);
	}
	for (i = 0; t->opt != NULL && i < optim_nviews(t->opt); i++) {
		struct model_view v;

		optim_view(t->opt, i, &v);
		if (v.data != NULL)
			obytes += model_view_numel(&v) * (v.dtype == MODEL_I64 ? 8 : 4);
	}
	pthread_mutex_lock(&t->lock);
	t->snap.grad_bytes = model_gpt_get(t->model) != NULL ?
			     model_gpt_get(t->model)->ngrads * sizeof(float) : 0;
	t->snap.params_total = total;
	t->snap.params_trainable = trainable;
	t->snap.optim_bytes = obytes;
	pthread_mutex_unlock(&t->lock);
}

/* ---- gradient accumulation ---------------------------------------------- */

/* Examples per micro-batch of a step of n examples. */
uint32_t trainer_micro_batch(const struct trainer *t, uint32_t n)
{
	long k = model_gpt_get(t->model) != NULL ? cfg_get_int(&t->cfg, "grad_accum") : 1;

	if (k <= 1 || n <= 1)
		return n;
	return (uint32_t)((n + (uint32_t)k - 1) / (uint32_t)k);
}

double trainer_accum_forward_backward(struct trainer *t, struct model_ws *ws,
				      const struct model_example *ex, size_t n,
				      const struct model_hparams *hp, struct model_rng *rng)
{
	struct gpt *g = model_gpt_get(t->model);
	size_t mb = trainer_micro_batch(t, (uint32_t)n), i;
	double sum = 0, total = 0;

	if (g == NULL || mb >= n) {
		double loss = model_forward(t->model, ws, ex, n, hp, rng);

		model_backward(t->model, ws);
		return loss;
	}
	for (i = 0; i < n; i += mb) {
		size_t k = n - i < mb ? n - i : mb;
		double loss = model_forward(t->model, ws, ex + i, k, hp, rng);

		if (!isfinite(loss))
			return loss;
		model_gpt_backward_weighted(t->model, ws, (float)g->count);
		sum += loss * g->count;
		total += g->count;
	}
	if (total > 0 && g->ngrads > 0)
		cblas_sscal((int)g->ngrads, (float)(1.0 / total), g->grads, 1);
	return total > 0 ? sum / total : 0;
}

/* ---- saving a LoRA run ------------------------------------------------- */

/* The init file as an absolute path (an adapter names its base), or NULL. */
static char *trainer_base_path(const struct trainer *t)
{
	const char *init = cfg_get_str(&t->cfg, "init");
	char buf[PATH_MAX];

	if (init[0] == '\0')
		return NULL;
	return tt_xstrdup(realpath(init, buf) != NULL ? buf : init);
}

int trainer_save_model(struct trainer *t, const char *name, struct tt_err *err)
{
	struct gpt *g = model_gpt_get(t->model);
	char *base = g != NULL && g->lora != NULL ? trainer_base_path(t) : NULL;
	char *path;
	int rc;

	if (base == NULL) {     /* a whole model file */
		path = tt_xprintf("%s/%s.safetensors", t->out_dir, name);
		rc = trainer_save(t, path, 0, err);
		free(path);
		return rc;
	}
	/* the adapter: DIR itself for the model, DIR/best for the best one */
	path = strcmp(name, "model") == 0 ? tt_xstrdup(t->out_dir) :
	       tt_xprintf("%s/%s", t->out_dir, name);
	rc = bundle_save_adapter(path, t->model, base, t->in->label_names, t->in->nlabels, err);
	free(path);
	free(base);
	return rc;
}

/*
 * The run's weights with its adapters folded in (W += s (B A)^T) as a
 * whole model file, the run itself untouched: a copy of the base gets a
 * copy of the adapters, is merged, and a second copy without adapter views
 * is saved. Without adapters the weights are saved as they are.
 */
int trainer_save_merged(struct trainer *t, const char *path, struct tt_err *err)
{
	struct gpt *g = model_gpt_get(t->model), *cg;
	struct model *copy, *merged, *keep;
	int rc;

	if (g == NULL || g->lora == NULL)
		return trainer_save(t, path, 0, err);
	copy = model_gpt_from_gpt(g, &t->model->cfg, err);
	if (copy == NULL)
		return -1;
	cg = model_gpt_get(copy);
	if (model_gpt_lora_add(copy, gpt_lora_config_of(g), 0, err) != 0) {
		model_destroy(copy);
		return -1;
	}
	for (size_t i = 0; i < cg->nviews; i++) {
		const struct gpt_view *s = gpt_find_view(g, cg->views[i].name);

		if (s != NULL && s->numel == cg->views[i].numel)
			memcpy(cg->views[i].data, s->data, s->numel * sizeof *s->data);
	}
	gpt_lora_merge(cg);
	merged = model_gpt_from_gpt(cg, &t->model->cfg, err);
	model_destroy(copy);
	if (merged == NULL)
		return -1;
	keep = t->model;
	t->model = merged;      /* trainer_save writes t->model with the run's metadata */
	rc = trainer_save(t, path, 0, err);
	t->model = keep;
	model_destroy(merged);
	return rc;
}
