/*
 * gpt-lora-io.c - LoRA adapters in PEFT's files: adapter_model.safetensors
 * and adapter_config.json (see gpt-lora.h for the names), the base
 * model's hash (XXH3-128 of its bytes, streamed).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "tunetop/gpt-lora.h"
#include "tunetop/safetensors.h"

static const char peft_prefix[] = "base_model.model.";

int gpt_file_hash(const char *path, char out[33], struct tt_err *err)
{
	FILE *f = fopen(path, "rb");
	XXH3_state_t *st;
	char buf[1 << 16];
	size_t n;

	if (!f) {
		tt_err_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	st = XXH3_createState();
	if (!st)
		tt_fatal("out of memory (xxhash state)");
	XXH3_128bits_reset(st);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		XXH3_128bits_update(st, buf, n);
	int bad = ferror(f);

	fclose(f);
	if (bad) {
		XXH3_freeState(st);
		tt_err_set(err, path, 0, 0, "read error");
		return -1;
	}
	XXH128_hash_t h = XXH3_128bits_digest(st);

	XXH3_freeState(st);
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
	return 0;
}

static char *join(const char *dir, const char *file)
{
	return tt_xprintf("%s/%s", dir, file);
}

/* The PEFT name of view v ("base_model.model.transformer.h.0...."). */
static char *peft_name(const struct gpt_view *v)
{
	if (strcmp(v->name, "score.weight") == 0)
		return tt_xprintf("%s%s", peft_prefix, v->name);
	return tt_xprintf("%stransformer.%s", peft_prefix, v->name);
}

static int write_config(const struct gpt *g, const char *dir, const char *base_path,
			struct tt_err *err)
{
	struct gpt_lora_config cfg = *gpt_lora_config_of(g);
	char hash[33] = "";

	if (base_path && gpt_file_hash(base_path, hash, err) < 0)
		return -1;
	json_t *o = json_object(), *targets = json_array();

	for (int t = 0; t < GPT_LORA_NT; t++)
		if (cfg.targets & (1u << t))
			json_array_append_new(targets, json_string(gpt_lora_target_name(t)));
	json_object_set_new(o, "peft_type", json_string("LORA"));
	json_object_set_new(o, "task_type",
			    json_string(g->cfg.nlabels ? "SEQ_CLS" : "CAUSAL_LM"));
	json_object_set_new(o, "r", json_integer(cfg.r));
	json_object_set_new(o, "lora_alpha", json_real(cfg.alpha));
	json_object_set_new(o, "lora_dropout", json_real(cfg.dropout));
	json_object_set_new(o, "target_modules", targets);
	json_object_set_new(o, "fan_in_fan_out", json_true());
	json_object_set_new(o, "bias", json_string("none"));
	json_object_set_new(o, "inference_mode", json_true());
	if (g->cfg.nlabels) {
		json_t *m = json_array();

		json_array_append_new(m, json_string("score"));
		json_object_set_new(o, "modules_to_save", m);
	} else {
		json_object_set_new(o, "modules_to_save", json_null());
	}
	if (base_path) {
		json_object_set_new(o, "base_model_name_or_path", json_string(base_path));
		json_object_set_new(o, "base_model_xxh3_128", json_string(hash));
	}
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(7));
	char *path = join(dir, "adapter_config.json");
	int rc;

	json_decref(o);
	if (!text)
		tt_fatal("out of memory (adapter_config.json)");
	size_t n = strlen(text);

	text = tt_xrealloc(text, n + 2);
	text[n] = '\n';
	rc = tt_write_file_atomic(path, text, n + 1, err);
	free(text);
	free(path);
	return rc;
}

int gpt_lora_save(const struct gpt *g, const char *dir, const char *base_path,
		  struct tt_err *err)
{
	if (!g->lora) {
		tt_err_set(err, dir, 0, 0, "the model has no LoRA adapters to save");
		return -1;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		tt_err_set(err, dir, 0, 0, "cannot create the directory: %s", strerror(errno));
		return -1;
	}
	struct st_tensor *t = tt_xcalloc(g->nviews, sizeof *t);
	char **names = tt_xcalloc(g->nviews, sizeof *names);
	size_t n = 0;

	for (size_t i = 0; i < g->nviews; i++) {
		const struct gpt_view *v = &g->views[i];

		if (!v->lora && strcmp(v->name, "score.weight") != 0)
			continue;
		names[n] = peft_name(v);
		t[n].name = names[n];
		t[n].dtype = ST_F32;
		t[n].ndim = v->ndim;
		t[n].shape[0] = v->shape[0];
		t[n].shape[1] = v->shape[1];
		t[n].data = v->data;
		t[n].nbytes = v->numel * sizeof(float);
		n++;
	}
	const char *keys[] = {"format"}, *values[] = {"pt"};
	char *path = join(dir, "adapter_model.safetensors");
	int rc = st_write(path, t, n, keys, values, 1, err);

	if (rc == 0)
		rc = write_config(g, dir, base_path, err);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(t);
	free(path);
	return rc;
}

/* A number field of the config; -1 + err when absent or not a number. */
static int config_number(json_t *o, const char *key, const char *path, double *out,
			 struct tt_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v)) {
		tt_err_set(err, path, 1, 1, "%s: expected a number", key);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

static int parse_targets(json_t *o, const char *path, unsigned *out, struct tt_err *err)
{
	json_t *a = json_object_get(o, "target_modules"), *x;
	size_t i;

	*out = 0;
	if (json_is_string(a))
		return gpt_lora_parse_targets(json_string_value(a), out, err);
	if (!json_is_array(a) || json_array_size(a) == 0) {
		tt_err_set(err, path, 1, 1, "target_modules: expected a list of module names");
		return -1;
	}
	json_array_foreach(a, i, x) {
		unsigned bits;

		if (!json_is_string(x) ||
		    gpt_lora_parse_targets(json_string_value(x), &bits, err) < 0) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", json_is_string(x) ? err->msg :
				 "expected a string");
			tt_err_set(err, path, 1, 1, "target_modules[%zu]: %s", i, msg);
			return -1;
		}
		*out |= bits;
	}
	return 0;
}

/* Parse DIR/adapter_config.json: the config, optionally the base name and hash. */
static int read_config(const char *dir, struct gpt_lora_config *c, char **base_file,
		       char *hash, struct tt_err *err)
{
	char *path = join(dir, "adapter_config.json");
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je);
	double r, alpha, dropout;
	int rc = -1;

	if (!o) {
		tt_err_set(err, path, (uint32_t)(je.line > 0 ? je.line : 0),
			   (uint32_t)(je.column > 0 ? je.column : 0), "%s", je.text);
		free(path);
		return -1;
	}
	json_t *pt = json_object_get(o, "peft_type"), *b, *h;

	if (pt && (!json_is_string(pt) || strcmp(json_string_value(pt), "LORA") != 0)) {
		tt_err_set(err, path, 1, 1, "peft_type: expected \"LORA\"");
		goto out;
	}
	if (config_number(o, "r", path, &r, err) < 0 ||
	    config_number(o, "lora_alpha", path, &alpha, err) < 0)
		goto out;
	if (json_object_get(o, "lora_dropout")) {
		if (config_number(o, "lora_dropout", path, &dropout, err) < 0)
			goto out;
	} else {
		dropout = 0.0;
	}
	if (!(r >= 1 && r <= 65536 && r == (double)(uint32_t)r)) {
		tt_err_set(err, path, 1, 1, "r: expected a whole number in [1, 65536]");
		goto out;
	}
	c->r = (uint32_t)r;
	c->alpha = (float)alpha;
	c->dropout = (float)dropout;
	if (parse_targets(o, path, &c->targets, err) < 0)
		goto out;
	b = json_object_get(o, "base_model_name_or_path");
	h = json_object_get(o, "base_model_xxh3_128");
	if (base_file)
		*base_file = json_is_string(b) ? tt_xstrdup(json_string_value(b)) : NULL;
	if (hash)
		snprintf(hash, 33, "%s", json_is_string(h) ? json_string_value(h) : "");
	rc = 0;
out:
	json_decref(o);
	free(path);
	return rc;
}

int gpt_lora_read_config(const char *dir, struct gpt_lora_config *c, char **base_file,
			 struct tt_err *err)
{
	return read_config(dir, c, base_file, NULL, err);
}

/* Copy tensor name of f into view v, shapes checked. */
static int copy_tensor(const struct st_file *f, const char *path, const struct gpt_view *v,
		       struct tt_err *err)
{
	char *name = peft_name(v);
	const struct st_tensor *t = st_find(f, name);
	int rc = -1;

	if (!t) {
		tt_err_set(err, path, 0, 0, "missing tensor %s", name);
	} else if (t->ndim != v->ndim || t->shape[0] != v->shape[0] ||
		   (v->ndim == 2 && t->shape[1] != v->shape[1])) {
		tt_err_set(err, path, 0, 0, "tensor %s: shape [%llu%s%llu], expected [%u, %u]",
			   name, (unsigned long long)t->shape[0], t->ndim > 1 ? ", " : "",
			   t->ndim > 1 ? (unsigned long long)t->shape[1] : 0ULL, v->shape[0],
			   v->shape[1]);
	} else if (st_copy_f32(t, v->data, v->numel, err) == 0) {
		rc = 0;
	} else {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, path, 0, 0, "tensor %s: %s", name, msg);
	}
	free(name);
	return rc;
}

static int load_tensors(struct gpt *g, const char *path, struct tt_err *err)
{
	struct st_file f;
	int rc = 0;

	if (st_open(&f, path, err) < 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < f.ntensors; i++) {
		const char *nm = f.tensors[i].name;
		int known = 0;

		for (size_t j = 0; !known && j < g->nviews; j++) {
			char *pn = peft_name(&g->views[j]);

			known = (g->views[j].lora || strcmp(g->views[j].name, "score.weight") == 0) &&
				strcmp(pn, nm) == 0;
			free(pn);
		}
		if (!known) {
			char *e = tt_esc_dup(nm);

			tt_err_set(err, path, 0, 0, "unexpected tensor %s (not an adapter of this "
				   "model's targets%s)", e, g->cfg.nlabels ? "" : ", no head");
			free(e);
			rc = -1;
		}
	}
	for (size_t j = 0; rc == 0 && j < g->nviews; j++) {
		const struct gpt_view *v = &g->views[j];

		/* a classifier's head is part of its adapter (it was trained with it) */
		if (v->lora || strcmp(v->name, "score.weight") == 0)
			rc = copy_tensor(&f, path, v, err);
	}
	st_close(&f);
	return rc;
}

int gpt_lora_load(struct gpt *g, const char *dir, const char *base_path, struct tt_err *err)
{
	struct gpt_lora_config c;
	char want[33], got[33];
	char *base_file = NULL;

	if (read_config(dir, &c, &base_file, want, err) < 0)
		return -1;
	if (base_path && want[0]) {
		if (gpt_file_hash(base_path, got, err) < 0) {
			free(base_file);
			return -1;
		}
		if (strcmp(want, got) != 0) {
			char *e = tt_esc_dup(base_file ? base_file : "?");
			char *b = tt_esc_dup(base_path);

			tt_err_set(err, dir, 0, 0, "adapter_config.json: this adapter was made for "
				   "base %s (xxh3-128 %s), but %s has hash %s", e, want, b, got);
			free(e);
			free(b);
			free(base_file);
			return -1;
		}
	}
	free(base_file);
	bool *was = tt_xcalloc(g->nviews + 1, sizeof *was);

	for (size_t i = 0; i < g->nviews; i++)
		was[i] = g->views[i].trainable;
	if (gpt_lora_add(g, &c, 0, err) < 0) {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, dir, 0, 0, "adapter_config.json: %s", msg);
		free(was);
		return -1;
	}
	char *path = join(dir, "adapter_model.safetensors");
	int rc = load_tensors(g, path, err);

	if (rc < 0) {
		/* leave the model as it was */
		gpt_lora_remove(g);
		for (size_t i = 0; i < g->nviews; i++)
			g->views[i].trainable = was[i];
		gpt_grad_alloc(g);
	}
	free(was);
	free(path);
	return rc;
}
