/*
 * gpt-io.c - GPT-2 weights in Hugging Face safetensors files.
 *
 * Names: the model's view names (wte.weight, h.N.attn.c_attn.weight, ...)
 * with or without "transformer." (GPT2LMHeadModel.save_pretrained adds it;
 * GPT2Model's files have none); score.weight never has it. The buffers
 * h.N.attn.bias and h.N.attn.masked_bias (causal masks in older files) and
 * lm_head.weight (tied to wte) and tokenizer.bpe (the BPE a file may carry)
 * are ignored; any other unknown tensor is an
 * error, so a file with more layers than the model does not load silently.
 * Conv1D weights are stored [in, out], exactly the model's layout: no
 * transpose. F16 and BF16 tensors are converted to float on load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"

static const char gpt_prefix[] = "transformer.";

/* The file's tensor for view name, with or without the prefix. */
static const struct st_tensor *find_tensor(const struct st_file *f, const char *name)
{
	char full[GPT_NAME_MAX + sizeof gpt_prefix];
	const struct st_tensor *t = st_find(f, name);

	if (t || strcmp(name, "score.weight") == 0)
		return t;
	snprintf(full, sizeof full, "%s%s", gpt_prefix, name);
	return st_find(f, full);
}

/* The name without the prefix. */
static const char *bare_name(const char *name)
{
	size_t n = sizeof gpt_prefix - 1;

	return strncmp(name, gpt_prefix, n) == 0 ? name + n : name;
}

static int ignored_name(const char *bare, uint32_t nlabels)
{
	const char *dot = strrchr(bare, '.');

	if (strcmp(bare, "lm_head.weight") == 0 || strcmp(bare, "tokenizer.bpe") == 0)
		return 1;   /* tied to wte; the tokenizer a file may carry (gpt-tokfind.h) */
	if (nlabels == 0 && strcmp(bare, "score.weight") == 0)
		return 1;
	return strncmp(bare, "h.", 2) == 0 && dot &&
	       (strcmp(dot, ".bias") == 0 || strcmp(dot, ".masked_bias") == 0) &&
	       dot - bare >= 5 && strncmp(dot - 5, ".attn", 5) == 0;
}

static void shape_str(char *out, size_t n, const uint64_t *shape, int ndim)
{
	size_t k = (size_t)snprintf(out, n, "[");

	for (int i = 0; i < ndim && k < n; i++)
		k += (size_t)snprintf(out + k, n - k, "%s%llu", i ? ", " : "",
				      (unsigned long long)shape[i]);
	if (k < n)
		snprintf(out + k, n - k, "]");
}

static int copy_view(const struct gpt_view *v, const struct st_tensor *t, const char *path,
		     struct tt_err *err)
{
	uint64_t want[2] = {v->shape[0], v->shape[1]};
	int ok = t->ndim == v->ndim;

	for (int i = 0; ok && i < v->ndim; i++)
		ok = t->shape[i] == want[i];
	if (!ok) {
		char got[128], exp[128];

		shape_str(got, sizeof got, t->shape, t->ndim);
		shape_str(exp, sizeof exp, want, v->ndim);
		tt_err_set(err, path, 0, 0, "tensor %s: shape %s, expected %s", t->name, got, exp);
		return -1;
	}
	if (st_copy_f32(t, v->data, v->numel, err) < 0) {
		char msg[sizeof err->msg];

		snprintf(msg, sizeof msg, "%s", err->msg);
		tt_err_set(err, path, 0, 0, "%s", msg);
		return -1;
	}
	return 0;
}

static int load_views(struct gpt *g, const struct st_file *f, const char *path,
		      struct tt_err *err)
{
	for (size_t i = 0; i < f->ntensors; i++) {
		const char *name = f->tensors[i].name;
		const char *bare = bare_name(name);

		const struct gpt_view *v = gpt_find_view(g, bare);

		if ((!v || v->lora) && !ignored_name(bare, g->cfg.nlabels)) {
			tt_err_set(err, path, 0, 0, "unexpected tensor %s (not part of a GPT-2 model "
				   "with %u layers%s)", name, g->cfg.layers,
				   g->cfg.nlabels ? " and a classification head" : "");
			return -1;
		}
	}
	for (size_t i = 0; i < g->nbase_views; i++) {
		const struct gpt_view *v = &g->views[i];
		const struct st_tensor *t = find_tensor(f, v->name);

		if (!t) {
			tt_err_set(err, path, 0, 0, "missing tensor %s", v->name);
			return -1;
		}
		if (copy_view(v, t, path, err) < 0)
			return -1;
	}
	return 0;
}

int gpt_load_into(struct gpt *g, const char *path, struct tt_err *err)
{
	struct st_file f;

	if (st_open(&f, path, err) < 0)
		return -1;
	int rc = load_views(g, &f, path, err);

	st_close(&f);
	return rc;
}

/* A 2-D tensor's dimensions, or an error naming it. */
static int matrix_dims(const struct st_file *f, const char *name, const char *path,
		       uint32_t *rows, uint32_t *cols, struct tt_err *err)
{
	const struct st_tensor *t = find_tensor(f, name);

	if (!t) {
		tt_err_set(err, path, 0, 0, "missing tensor %s", name);
		return -1;
	}
	if (t->ndim != 2 || t->shape[0] == 0 || t->shape[1] == 0 || t->shape[0] > UINT32_MAX ||
	    t->shape[1] > UINT32_MAX) {
		char got[128];

		shape_str(got, sizeof got, t->shape, t->ndim);
		tt_err_set(err, path, 0, 0, "tensor %s: shape %s, expected two non-zero dimensions",
			   t->name, got);
		return -1;
	}
	*rows = (uint32_t)t->shape[0];
	*cols = (uint32_t)t->shape[1];
	return 0;
}

/* The configuration a file describes. */
static int infer_config(const struct st_file *f, const char *path, uint32_t heads_hint,
			struct gpt_config *c, struct tt_err *err)
{
	uint32_t dim2;

	memset(c, 0, sizeof *c);
	if (matrix_dims(f, "wte.weight", path, &c->vocab, &c->dim, err) < 0 ||
	    matrix_dims(f, "wpe.weight", path, &c->ctx, &dim2, err) < 0)
		return -1;
	if (dim2 != c->dim) {
		tt_err_set(err, path, 0, 0, "tensor wpe.weight: %u columns, expected %u as wte.weight",
			   dim2, c->dim);
		return -1;
	}
	for (;;) {
		char name[GPT_NAME_MAX];

		snprintf(name, sizeof name, "h.%u.ln_1.weight", c->layers);
		if (!find_tensor(f, name))
			break;
		c->layers++;
	}
	if (c->layers == 0) {
		tt_err_set(err, path, 0, 0, "missing tensor h.0.ln_1.weight (no layers)");
		return -1;
	}
	const char *nh = st_meta(f, "n_head");

	c->heads = nh ? (uint32_t)strtoul(nh, NULL, 10) : heads_hint;
	if (c->heads == 0)
		c->heads = c->dim % 64 == 0 ? c->dim / 64 : 1;
	if (find_tensor(f, "score.weight")) {
		uint32_t cols;

		if (matrix_dims(f, "score.weight", path, &c->nlabels, &cols, err) < 0)
			return -1;
	}
	return 0;
}

/* gpt_load, or with frozen gpt_load_frozen. */
static struct gpt *gpt_load_as(const char *path, uint32_t heads_hint, bool frozen,
			       struct tt_err *err)
{
	struct st_file f;
	struct gpt_config c;
	struct gpt *g = NULL;

	if (st_open(&f, path, err) < 0)
		return NULL;
	if (infer_config(&f, path, heads_hint, &c, err) == 0) {
		/* every base view is read from the file: no initialization to pay
		 * (seconds at 124M) */
		g = gpt_create_empty(&c, !frozen, err);
		if (!g) {
			char msg[sizeof err->msg];

			snprintf(msg, sizeof msg, "%s", err->msg);
			tt_err_set(err, path, 0, 0, "%s", msg);
		} else if (load_views(g, &f, path, err) < 0) {
			gpt_destroy(g);
			g = NULL;
		}
	}
	st_close(&f);
	return g;
}

struct gpt *gpt_load(const char *path, uint32_t heads_hint, struct tt_err *err)
{
	return gpt_load_as(path, heads_hint, false, err);
}

struct gpt *gpt_load_frozen(const char *path, uint32_t heads_hint, struct tt_err *err)
{
	return gpt_load_as(path, heads_hint, true, err);
}

int gpt_save(const struct gpt *g, const char *path, struct tt_err *err)
{
	size_t n = g->nbase_views;  /* adapters are saved apart (gpt-lora.h) */
	struct st_tensor *t = tt_xcalloc(n, sizeof *t);
	char **names = tt_xcalloc(n, sizeof *names);
	char n_head[16], n_ctx[16];
	const char *keys[] = {"format", "n_head", "n_ctx"};
	const char *values[] = {"pt", n_head, n_ctx};

	snprintf(n_head, sizeof n_head, "%u", g->cfg.heads);
	snprintf(n_ctx, sizeof n_ctx, "%u", g->cfg.ctx);
	for (size_t i = 0; i < n; i++) {
		const struct gpt_view *v = &g->views[i];

		names[i] = strcmp(v->name, "score.weight") == 0 ?
				   tt_xstrdup(v->name) : tt_xprintf("%s%s", gpt_prefix, v->name);
		t[i].name = names[i];
		t[i].dtype = ST_F32;
		t[i].ndim = v->ndim;
		t[i].shape[0] = v->shape[0];
		t[i].shape[1] = v->shape[1];
		t[i].data = v->data;
		t[i].nbytes = v->numel * sizeof(float);
	}
	int rc = st_write(path, t, n, keys, values, 3, err);

	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(t);
	return rc;
}
