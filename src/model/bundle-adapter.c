/*
 * bundle-adapter.c - a LoRA adapter directory as a model bundle (bundle.h).
 *
 * A LoRA run with --out DIR (trainer-ftmodes.c) writes PEFT's two files
 * (gpt-lora.h: DIR/adapter_model.safetensors, DIR/adapter_config.json,
 * which names the base model file and its XXH3-128 hash) and no copy of
 * the base. What PEFT's files do not say and prediction needs (the label
 * names, the objective, the pooling and truncation) goes in a small
 * DIR/tunetop.json beside them:
 *
 *   {"labels": ["ham", "spam"], "objective": "classify",
 *    "pool": "mean", "truncate": "first"}
 *
 * Loading (bundle_load on a directory): the base named in the config is
 * loaded (a tunetop gpt bundle: its tokenizer and transformer), the
 * transformer retargeted to the labels (a fresh head, which the adapter's
 * score.weight then overwrites), and the adapter put on it with the base's
 * hash checked (gpt_lora_load). A relative base path is taken as given
 * (from the current directory), else relative to DIR.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/bundle.h"
#include "tunetop/gpt-lora.h"
#include "tunetop/model-gpt.h"

int bundle_is_adapter_dir(const char *path)
{
	struct stat st;
	char *cfg;
	int yes;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	cfg = tt_xprintf("%s/adapter_config.json", path);
	yes = stat(cfg, &st) == 0;
	free(cfg);
	return yes;
}

int bundle_save_adapter(const char *dir, struct model *m, const char *base_path,
			char *const *labels, uint32_t nlabels, struct tt_err *err)
{
	struct gpt *g = model_gpt_get(m);
	json_t *o, *a;
	char *text, *path;
	int rc;

	if (g == NULL || g->lora == NULL) {
		tt_err_set(err, dir, 0, 0, "the model has no LoRA adapters to save");
		return -1;
	}
	if (gpt_lora_save(g, dir, base_path, err) != 0)
		return -1;
	a = json_array();
	for (uint32_t l = 0; l < nlabels && !m->cfg.lm; l++)
		json_array_append_new(a, json_string(labels[l]));
	o = json_pack("{s:o,s:s,s:s,s:s}", "labels", a,
		      "objective", m->cfg.lm ? "lm" : "classify",
		      "pool", m->cfg.pool_mean ? "mean" : "last",
		      "truncate", m->cfg.truncate_last ? "last" : "first");
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text == NULL)
		tt_fatal("out of memory (tunetop.json)");
	path = tt_xprintf("%s/tunetop.json", dir);
	rc = tt_write_file_atomic(path, text, strlen(text), err);
	free(path);
	free(text);
	return rc;
}

/* The base file as the adapter names it: as given if it exists, else beside DIR. */
static char *bundle_adapter_base(const char *dir, const char *named)
{
	struct stat st;

	if (named[0] == '/' || stat(named, &st) == 0)
		return tt_xstrdup(named);
	return tt_xprintf("%s/%s", dir, named);
}

/* DIR/tunetop.json into b's labels and mc's objective, pooling, truncation. */
static int bundle_adapter_sidecar(struct bundle *b, const char *dir, struct model_config *mc,
				  struct tt_err *err)
{
	char *path = tt_xprintf("%s/tunetop.json", dir);
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je), *a, *v;
	size_t i;

	if (o == NULL || !json_is_array(a = json_object_get(o, "labels"))) {
		if (o == NULL)
			tt_err_set(err, path, je.line, je.column, "%s (the adapter's labels; an "
				   "adapter made elsewhere: tunetop merge BASE DIR OUT first)",
				   je.text);
		else
			tt_err_set(err, path, 0, 0, "expected \"labels\", a JSON array of names");
		json_decref(o);
		free(path);
		return -1;
	}
	b->nlabels = (uint32_t)json_array_size(a);
	b->labels = tt_xcalloc(b->nlabels + 1, sizeof *b->labels);
	for (i = 0; i < b->nlabels; i++) {
		v = json_array_get(a, i);
		b->labels[i] = tt_xstrdup(json_is_string(v) ? json_string_value(v) : "?");
	}
	v = json_object_get(o, "objective");
	mc->lm = json_is_string(v) && strcmp(json_string_value(v), "lm") == 0;
	v = json_object_get(o, "pool");
	mc->pool_mean = json_is_string(v) && strcmp(json_string_value(v), "mean") == 0;
	v = json_object_get(o, "truncate");
	mc->truncate_last = json_is_string(v) && strcmp(json_string_value(v), "last") == 0;
	json_decref(o);
	free(path);
	if (!mc->lm && b->nlabels == 0) {
		tt_err_set(err, dir, 0, 0, "tunetop.json: a classifier's adapter needs its labels");
		return -1;
	}
	return 0;
}

int bundle_load_adapter(struct bundle *b, const char *dir, struct tt_err *err)
{
	return bundle_load_adapter_on(b, dir, NULL, 1, err);
}

int bundle_load_adapter_on(struct bundle *b, const char *dir, const char *base_file, int check,
			   struct tt_err *err)
{
	struct gpt_lora_config lc;
	struct model_config mc;
	struct bundle base;
	char *named = NULL, *base_path = NULL;
	struct gpt *g;
	int rc = -1;

	memset(b, 0, sizeof *b);
	memset(&base, 0, sizeof base);
	memset(&mc, 0, sizeof mc);
	if (gpt_lora_read_config(dir, &lc, &named, err) != 0)
		return -1;
	if (base_file != NULL) {
		free(named);
		named = tt_xstrdup(base_file);
	}
	if (named == NULL || named[0] == '\0') {
		tt_err_set(err, dir, 0, 0, "adapter_config.json names no base model "
			   "(base_model_name_or_path): tunetop merge BASE DIR OUT, then use OUT");
		goto out;
	}
	if (bundle_adapter_sidecar(b, dir, &mc, err) != 0)
		goto out;
	base_path = base_file != NULL ? tt_xstrdup(base_file) : bundle_adapter_base(dir, named);
	if (bundle_load(&base, base_path, err) != 0)
		goto out;
	g = model_gpt_get(base.model);
	if (g == NULL) {
		tt_err_set(err, base_path, 0, 0, "the adapter's base is a %s model, not gpt",
			   base.model->ops->name);
		goto out;
	}
	mc.type = "gpt";
	mc.loss = MODEL_LOSS_SOFTMAX;
	mc.seed = base.model->cfg.seed;
	mc.nlabels = mc.lm ? g->cfg.vocab : b->nlabels;
	b->model = model_gpt_from_gpt(g, &mc, err);
	if (b->model == NULL ||
	    model_gpt_lora_load(b->model, dir, check ? base_path : NULL, err) != 0)
		goto out;
	if (mc.lm) {            /* a language model's labels are the data's */
		for (uint32_t l = 0; l < b->nlabels; l++)
			free(b->labels[l]);
		free(b->labels);
		b->labels = base.labels;
		b->nlabels = base.nlabels;
		base.labels = NULL;
		base.nlabels = 0;
	}
	b->tok = base.tok;
	base.tok = NULL;
	b->nmeta = 1;
	b->meta_keys = tt_xcalloc(2, sizeof *b->meta_keys);
	b->meta_values = tt_xcalloc(2, sizeof *b->meta_values);
	b->meta_keys[0] = tt_xstrdup("tunetop.adapter_base");
	b->meta_values[0] = tt_xstrdup(base_path);
	rc = 0;
out:
	bundle_fini(&base);
	free(named);
	free(base_path);
	if (rc != 0)
		bundle_fini(b);
	return rc;
}

int bundle_merge_adapter(const char *base_file, const char *dir, const char *out, int check,
			 struct tt_err *err)
{
	struct bundle b;
	struct model *merged;
	struct bundle_meta meta[] = { { "tunetop.kind", "model" } };
	int rc;

	if (bundle_load_adapter_on(&b, dir, base_file, check, err) != 0)
		return -1;
	gpt_lora_merge(model_gpt_get(b.model));
	/* a copy of the merged base views only: the file has no adapter left to apply */
	merged = model_gpt_from_gpt(model_gpt_get(b.model), &b.model->cfg, err);
	rc = merged != NULL ? bundle_save(out, merged, b.tok, NULL, b.labels, b.nlabels, false,
					  meta, 1, err) : -1;
	if (merged != NULL)
		model_destroy(merged);
	bundle_fini(&b);
	return rc;
}
