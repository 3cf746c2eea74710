/*
 * bundle.c - save and load models with their tokenizer and labels as
 * safetensors. See bundle.h.
 */
#include "tunetop/bundle.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/gpt-lora.h"
#include "tunetop/model-gpt.h"
#include "tunetop/safetensors.h"
#include "tunetop/tempfile.h"

static char *bundle_labels_json(char *const *labels, uint32_t n)
{
	json_t *a = json_array();
	char *s;

	for (uint32_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(labels[i]));
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static int bundle_fail(struct tt_err *err, const char *path, const char *what);

/*
 * A gpt model with LoRA adapters (a checkpoint of a LoRA run) saves their
 * configuration as "lora" {r, alpha, dropout, targets (bits)}; the adapter
 * views are ordinary views of the model, saved and loaded by name.
 */
static void bundle_lora_json(const struct model *m, json_t *o)
{
	const struct gpt *g = model_gpt_get((struct model *)m);
	const struct gpt_lora_config *lc = g != NULL ? gpt_lora_config_of(g) : NULL;

	if (lc == NULL)
		return;
	json_object_set_new(o, "lora", json_pack("{s:I,s:f,s:f,s:I}", "r", (json_int_t)lc->r,
						 "alpha", (double)lc->alpha,
						 "dropout", (double)lc->dropout,
						 "targets", (json_int_t)lc->targets));
}

/* The adapters a saved gpt model had (bundle_lora_json), put on b's model. */
static int bundle_read_lora(struct bundle *b, const struct st_file *f, const char *path,
			    struct tt_err *err)
{
	const char *s = st_meta(f, "tunetop.model");
	json_t *o = s != NULL ? json_loads(s, 0, NULL) : NULL, *l;
	json_int_t r = 0, targets = 0;
	double alpha = 0, dropout = 0;
	struct gpt_lora_config lc;
	int rc = 0;

	l = o != NULL ? json_object_get(o, "lora") : NULL;
	if (l != NULL) {
		if (json_unpack(l, "{s:I,s:F,s:F,s:I}", "r", &r, "alpha", &alpha, "dropout",
				&dropout, "targets", &targets) != 0 || r < 1 || r > 65536 ||
		    targets <= 0 || targets >= (1 << GPT_LORA_NT)) {
			rc = bundle_fail(err, path, "metadata tunetop.model has an invalid \"lora\"");
		} else {
			lc.r = (uint32_t)r;
			lc.alpha = (float)alpha;
			lc.dropout = (float)dropout;
			lc.targets = (unsigned)targets;
			rc = model_gpt_lora_add(b->model, &lc, 0, err);
		}
	}
	json_decref(o);
	return rc;
}

static char *bundle_config_json(const struct model *m, bool multilabel)
{
	const struct model_config *c = &m->cfg;
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:s,s:I,s:b}", "type", c->type,
			      "ninputs", (json_int_t)c->ninputs, "nlabels", (json_int_t)c->nlabels,
			      "dim", (json_int_t)c->dim,
			      "loss", c->loss == MODEL_LOSS_OVA ? "ova" : "softmax",
			      "seed", (json_int_t)c->seed, "multilabel", multilabel);
	char *s;

	if (c->n_layer > 0) {      /* transformers: absent for the n-gram model */
		json_object_set_new(o, "n_layer", json_integer(c->n_layer));
		json_object_set_new(o, "n_head", json_integer(c->n_head));
		json_object_set_new(o, "n_ctx", json_integer(c->n_ctx));
		json_object_set_new(o, "objective", json_string(c->lm ? "lm" : "classify"));
		json_object_set_new(o, "pool", json_string(c->pool_mean ? "mean" : "last"));
		json_object_set_new(o, "truncate", json_string(c->truncate_last ? "last" : "first"));
	}
	bundle_lora_json(m, o);
	s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

/*
 * Row-sparse views
 * ----------------
 * A view with touched rows (model_view.touched) is stored as two tensors:
 *   NAME.index  U32 [k]        the touched rows, ascending
 *   NAME.rows   F32 [k, cols]  their values, gathered straight from the
 *                              model's matrix when written (no copy)
 * Every other row is what model_create gives (the seeded initialization of
 * the input matrix, zero for optimizer moments), so a load reproduces the
 * matrix bit for bit. Files with a dense NAME still load. Each sparse view
 * gathers its own touched rows (a param and its moments share the array).
 */
static int bundle_sparse_view(const struct model_view *v)
{
	return v->touched != NULL && v->dtype == MODEL_F32 && v->ndim == 2;
}

static uint32_t *bundle_touched_rows(const struct model_view *v, size_t *count)
{
	uint32_t *rows;
	size_t k = 0;

	for (uint64_t r = 0; r < v->shape[0]; r++)
		k += v->touched[r] != 0;
	rows = tt_xmalloc((k + 1) * sizeof *rows);
	k = 0;
	for (uint64_t r = 0; r < v->shape[0]; r++)
		if (v->touched[r] != 0)
			rows[k++] = (uint32_t)r;
	*count = k;
	return rows;
}

/* ts[0] = NAME.index, ts[1] = NAME.rows; names[0..1] are theirs to free. */
static void bundle_sparse_tensors(const struct model_view *v, const uint32_t *rows, size_t k,
				  char **names, struct st_tensor *ts)
{
	names[0] = tt_xprintf("%s.index", v->name);
	names[1] = tt_xprintf("%s.rows", v->name);
	ts[0].name = names[0];
	ts[0].dtype = ST_U32;
	ts[0].ndim = 1;
	ts[0].shape[0] = k;
	ts[0].data = rows;
	ts[0].nbytes = k * sizeof *rows;
	ts[1].name = names[1];
	ts[1].dtype = ST_F32;
	ts[1].ndim = 2;
	ts[1].shape[0] = k;
	ts[1].shape[1] = v->shape[1];
	ts[1].data = v->data;
	ts[1].nbytes = k * v->shape[1] * sizeof(float);
	ts[1].gather = rows;
}

/* One view as tensors: dense, or NAME.index + NAME.rows when row-sparse. */
struct bundle_out {
	struct st_tensor *ts;
	size_t n;
	char **names;           /* allocated names, to free */
	size_t nnames;
	uint32_t **rows;        /* allocated row lists, to free */
	size_t nrows;
};

static void bundle_out_view(struct bundle_out *o, const struct model_view *v)
{
	struct st_tensor *t = &o->ts[o->n];

	if (bundle_sparse_view(v)) {
		size_t k;
		uint32_t *rows = bundle_touched_rows(v, &k);

		o->rows[o->nrows++] = rows;
		bundle_sparse_tensors(v, rows, k, &o->names[o->nnames], t);
		o->nnames += 2;
		o->n += 2;
		return;
	}
	t->name = v->name;
	t->dtype = v->dtype == MODEL_F32 ? ST_F32 : ST_I64;
	t->ndim = (int)v->ndim;
	memcpy(t->shape, v->shape, v->ndim * sizeof v->shape[0]);
	t->data = v->data;
	t->nbytes = model_view_numel(v) * (v->dtype == MODEL_F32 ? 4 : 8);
	o->n++;
}

int bundle_save(const char *path, struct model *model, const struct tokenizer *tok,
		struct optim *opt, char *const *labels, uint32_t nlabels, bool multilabel,
		const struct bundle_meta *meta, size_t nmeta, struct tt_err *err)
{
	size_t nv = model_nviews(model), no = opt != NULL ? optim_nviews(opt) : 0, nm = 0, i;
	struct bundle_out o;
	const char **keys = tt_xcalloc(nmeta + 4, sizeof *keys);
	const char **vals = tt_xcalloc(nmeta + 4, sizeof *vals);
	char *labels_json = bundle_labels_json(labels, nlabels);
	char *config_json = bundle_config_json(model, multilabel);
	struct tt_buf vb;
	int rc;

	memset(&o, 0, sizeof o);
	o.ts = tt_xcalloc(2 * (nv + no) + 1, sizeof *o.ts);
	o.names = tt_xcalloc(2 * (nv + no) + 1, sizeof *o.names);
	o.rows = tt_xcalloc(nv + no + 1, sizeof *o.rows);
	for (i = 0; i < nv + no; i++) {
		struct model_view v;

		if (i < nv)
			model_view(model, i, &v);
		else
			optim_view(opt, i - nv, &v);
		if (v.data != NULL)
			bundle_out_view(&o, &v);
	}
	tt_buf_init(&vb);
	tokenizer_save(tok, &vb);
	o.ts[o.n].name = tok->ops->tensor;
	o.ts[o.n].dtype = ST_U8;
	o.ts[o.n].ndim = 1;
	o.ts[o.n].shape[0] = vb.len;
	o.ts[o.n].data = vb.data;
	o.ts[o.n].nbytes = vb.len;
	o.n++;
	keys[nm] = "tunetop.labels";
	vals[nm++] = labels_json;
	keys[nm] = "tunetop.model";
	vals[nm++] = config_json;
	keys[nm] = "tunetop.tokenizer";
	vals[nm++] = tokenizer_name(tok);
	for (i = 0; i < nmeta; i++) {
		keys[nm] = meta[i].key;
		vals[nm++] = meta[i].value;
	}
	rc = st_write(path, o.ts, o.n, keys, vals, nm, err);
	for (i = 0; i < o.nnames; i++)
		free(o.names[i]);
	for (i = 0; i < o.nrows; i++)
		free(o.rows[i]);
	free(o.names);
	free(o.rows);
	free(o.ts);
	tt_buf_fini(&vb);
	free(labels_json);
	free(config_json);
	free(keys);
	free(vals);
	return rc;
}

static int bundle_fail(struct tt_err *err, const char *path, const char *what)
{
	tt_err_set(err, path, 0, 0, "not a tunetop model: %s", what);
	return -1;
}

static int bundle_read_labels(struct bundle *b, const struct st_file *f, const char *path,
			      struct tt_err *err)
{
	const char *s = st_meta(f, "tunetop.labels");
	json_t *a = s != NULL ? json_loads(s, 0, NULL) : NULL;
	size_t i;

	if (a == NULL || !json_is_array(a)) {
		json_decref(a);
		return bundle_fail(err, path, "metadata tunetop.labels is missing or not a JSON array");
	}
	b->nlabels = (uint32_t)json_array_size(a);
	b->labels = tt_xcalloc(b->nlabels + 1, sizeof *b->labels);
	for (i = 0; i < b->nlabels; i++) {
		json_t *e = json_array_get(a, i);

		b->labels[i] = tt_xstrdup(json_is_string(e) ? json_string_value(e) : "?");
	}
	json_decref(a);
	return 0;
}

/* An optional small count in the model config; 0 when absent or out of range. */
static uint32_t bundle_config_u32(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

	return n > 0 && n <= 0xffffff ? (uint32_t)n : 0;
}

/* 1 when the config's string key equals value. */
static int bundle_config_is(json_t *o, const char *key, const char *value)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && strcmp(json_string_value(v), value) == 0;
}

static int bundle_read_config(const struct st_file *f, const char *path, struct model_config *mc,
			      bool *multilabel, struct tt_err *err)
{
	const char *s = st_meta(f, "tunetop.model");
	json_t *o = s != NULL ? json_loads(s, 0, NULL) : NULL;
	const char *type = NULL, *loss = NULL;
	json_int_t ninputs = 0, nlabels = 0, dim = 0, seed = 0;
	int ml = 0;

	if (o == NULL || json_unpack(o, "{s:s,s:I,s:I,s:I,s:s,s:I,s:b}", "type", &type,
				     "ninputs", &ninputs, "nlabels", &nlabels, "dim", &dim,
				     "loss", &loss, "seed", &seed, "multilabel", &ml) != 0 ||
	    model_find(type) == NULL || ninputs <= 0 || nlabels <= 0 || dim <= 0 ||
	    ninputs > 0xffffffffLL || nlabels > 0xffffffffLL || dim > 0xffffffLL) {
		json_decref(o);
		return bundle_fail(err, path, "metadata tunetop.model is missing or invalid");
	}
	memset(mc, 0, sizeof *mc);
	mc->type = model_find(type)->name;
	mc->ninputs = (uint32_t)ninputs;
	mc->nlabels = (uint32_t)nlabels;
	mc->dim = (uint32_t)dim;
	mc->loss = strcmp(loss, "ova") == 0 ? MODEL_LOSS_OVA : MODEL_LOSS_SOFTMAX;
	mc->seed = (uint64_t)seed;
	mc->n_layer = bundle_config_u32(o, "n_layer");
	mc->n_head = bundle_config_u32(o, "n_head");
	mc->n_ctx = bundle_config_u32(o, "n_ctx");
	mc->lm = bundle_config_is(o, "objective", "lm");
	mc->pool_mean = bundle_config_is(o, "pool", "mean");
	mc->truncate_last = bundle_config_is(o, "truncate", "last");
	*multilabel = ml != 0;
	json_decref(o);
	return 0;
}

/*
 * NAME.index and NAME.rows into a row-sparse view, marking the rows touched.
 * 1 when read, 0 when the file has neither tensor, -1 on a bad pair.
 */
static int bundle_read_sparse(const struct st_file *f, const char *path, const char *fname,
			      struct model_view *v, struct tt_err *err)
{
	char *iname = tt_xprintf("%s.index", fname), *rname = tt_xprintf("%s.rows", fname);
	const struct st_tensor *ti = st_find(f, iname), *tr = st_find(f, rname);
	uint64_t cols = v->shape[1], k, rb = cols * sizeof(float);
	int64_t *idx = NULL;
	int rc = -1;

	if (ti == NULL && tr == NULL) {
		rc = 0;
		goto out;
	}
	if (ti == NULL || tr == NULL || ti->ndim != 1 || tr->ndim != 2 || tr->dtype != ST_F32 ||
	    tr->shape[0] != ti->shape[0] || tr->shape[1] != cols || ti->shape[0] > v->shape[0]) {
		tt_err_set(err, path, 0, 0, "tensors %s and %s do not fit a [%llu, %llu] matrix",
			   iname, rname, (unsigned long long)v->shape[0], (unsigned long long)cols);
		goto out;
	}
	k = ti->shape[0];
	idx = tt_xmalloc((k + 1) * sizeof *idx);
	if (st_copy_i64(ti, idx, k, err) != 0)
		goto out;
	for (uint64_t j = 0; j < k; j++) {
		if (idx[j] < 0 || (uint64_t)idx[j] >= v->shape[0] || (j > 0 && idx[j] <= idx[j - 1])) {
			tt_err_set(err, path, 0, 0, "%s: entry %llu (%lld) is out of range or "
				   "not ascending", iname, (unsigned long long)j, (long long)idx[j]);
			goto out;
		}
		memcpy((char *)v->data + (uint64_t)idx[j] * rb, (const char *)tr->data + j * rb, rb);
		v->touched[idx[j]] = 1;
	}
	rc = 1;
out:
	free(idx);
	free(iname);
	free(rname);
	return rc;
}

/*
 * A dense matrix (a file from before row-sparse saving) into a row-sparse
 * view: rows that differ from what model_create put there are marked
 * touched, so saving it again stores only those.
 */
static int bundle_read_dense_rows(const struct st_tensor *t, const char *path,
				  struct model_view *v, struct tt_err *err)
{
	uint64_t rows = v->shape[0], rb = v->shape[1] * sizeof(float);

	if (t->dtype != ST_F32) {
		if (st_copy_f32(t, v->data, model_view_numel(v), err) != 0)
			return -1;
		memset(v->touched, 1, rows);
		return 0;
	}
	if (t->nbytes != rows * rb) {
		tt_err_set(err, path, 0, 0, "tensor %s: %llu bytes, expected %llu", v->name,
			   (unsigned long long)t->nbytes, (unsigned long long)(rows * rb));
		return -1;
	}
	for (uint64_t r = 0; r < rows; r++) {
		char *dst = (char *)v->data + r * rb;
		const char *src = (const char *)t->data + r * rb;

		if (memcmp(dst, src, rb) != 0) {
			memcpy(dst, src, rb);
			v->touched[r] = 1;
		}
	}
	return 0;
}

/*
 * One view from the file's tensor fname (dense, or fname.index + .rows for
 * a row-sparse view). 1 when read, 0 when the file has no such tensor, -1
 * on error.
 */
static int bundle_read_view(const struct st_file *f, const char *path, const char *fname,
			    struct model_view *v, struct tt_err *err)
{
	const struct st_tensor *t = st_find(f, fname);
	uint64_t numel = model_view_numel(v);

	if (t == NULL)
		return bundle_sparse_view(v) ? bundle_read_sparse(f, path, fname, v, err) : 0;
	if (bundle_sparse_view(v))
		return bundle_read_dense_rows(t, path, v, err) != 0 ? -1 : 1;
	if (v->dtype == MODEL_F32 ? st_copy_f32(t, v->data, numel, err) :
	    st_copy_i64(t, v->data, numel, err))
		return -1;
	return 1;
}

/* Copy each parameter view's tensor into the model; all are required. */
static int bundle_read_views(struct bundle *b, const struct st_file *f, const char *path,
			     struct tt_err *err)
{
	size_t nv = model_nviews(b->model), i;

	b->has_optimizer = st_find(f, "optim.adamw.step") != NULL;
	for (i = 0; i < nv; i++) {
		struct model_view v;
		int rc;

		model_view(b->model, i, &v);
		if (v.data == NULL)
			continue;
		rc = bundle_read_view(f, path, v.name, &v, err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			tt_err_set(err, path, 0, 0, "tensor %s is missing", v.name);
			return -1;
		}
	}
	return 0;
}

/* The names the n-gram model's AdamW moments had before optim.c. */
static const char *bundle_legacy_name(const char *name)
{
	static const char *const map[][2] = {
		{ "optim.adamw.ngram.input.weight.m", "optim.adamw.input.m" },
		{ "optim.adamw.ngram.input.weight.v", "optim.adamw.input.v" },
		{ "optim.adamw.ngram.output.weight.m", "optim.adamw.output.m" },
		{ "optim.adamw.ngram.output.weight.v", "optim.adamw.output.v" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], name) == 0)
			return map[i][1];
	return NULL;
}

int bundle_load_optim(const char *path, struct optim *opt, struct tt_err *err)
{
	struct st_file f;
	size_t n = optim_nviews(opt), i;
	int rc = 0;

	if (st_open(&f, path, err) != 0)
		return -1;
	for (i = 0; i < n && rc >= 0; i++) {
		struct model_view v;
		const char *old;

		optim_view(opt, i, &v);
		rc = bundle_read_view(&f, path, v.name, &v, err);
		old = bundle_legacy_name(v.name);
		if (rc == 0 && old != NULL)
			rc = bundle_read_view(&f, path, old, &v, err);
	}
	st_close(&f);
	if (rc < 0 && err->file[0] == '\0')
		snprintf(err->file, sizeof err->file, "%s", path);
	return rc < 0 ? -1 : 0;
}

/* Every model-file error names the file (the tokenizer and tensor readers do not know it). */
static void bundle_name_file(struct tt_err *err, const char *path)
{
	if (err->file[0] == '\0')
		snprintf(err->file, sizeof err->file, "%s", path);
}

/* The tokenizer named in the metadata (files without the key: ngram). */
static int bundle_read_tokenizer(struct bundle *b, const struct st_file *f, const char *path,
				 struct tt_err *err)
{
	const char *name = st_meta(f, "tunetop.tokenizer");
	const struct tokenizer_ops *ops = tokenizer_find(name != NULL ? name : "ngram");
	const struct st_tensor *t;

	if (ops == NULL) {
		char *esc = tt_esc_dup(name);

		tt_err_set(err, path, 0, 0, "not a tunetop model: unknown tokenizer '%s' in "
			   "tunetop.tokenizer", esc);
		free(esc);
		return -1;
	}
	t = st_find(f, ops->tensor);
	if (t == NULL || t->dtype != ST_U8) {
		tt_err_set(err, path, 0, 0, "not a tunetop model: no %s tensor", ops->tensor);
		return -1;
	}
	b->tok = ops->load(t->data, t->nbytes, err);
	if (b->tok == NULL) {
		char why[sizeof err->msg];

		snprintf(why, sizeof why, "%s", err->msg);
		tt_err_set(err, path, 0, 0, "tensor %s: %s", ops->tensor, why);
		return -1;
	}
	return 0;
}

struct tokenizer *bundle_load_tokenizer(const char *path, struct tt_err *err)
{
	struct st_file f;
	struct bundle b;

	memset(&b, 0, sizeof b);
	if (st_open(&f, path, err) != 0)
		return NULL;
	if (bundle_read_tokenizer(&b, &f, path, err) != 0)
		b.tok = NULL;
	st_close(&f);
	return b.tok;
}

int bundle_load(struct bundle *b, const char *path, struct tt_err *err)
{
	struct st_file f;
	struct model_config mc;
	size_t i;
	int rc = -1;

	memset(b, 0, sizeof *b);
	if (bundle_is_adapter_dir(path))
		return bundle_load_adapter(b, path, err);      /* bundle-adapter.c */
	tempfile_clean_stale(path);    /* a checkpoint killed midway left its temp file */
	if (st_open(&f, path, err) != 0)
		return -1;
	if (bundle_read_tokenizer(b, &f, path, err) != 0)
		goto out;
	if (bundle_read_labels(b, &f, path, err) != 0 ||
	    bundle_read_config(&f, path, &mc, &b->multilabel, err) != 0)
		goto out;
	/* A language model's classes are its vocabulary: its labels are the data's. */
	if (!mc.lm && mc.nlabels != b->nlabels) {
		bundle_fail(err, path, "the label set and the model disagree");
		goto out;
	}
	if (tokenizer_vocab_size(b->tok) != mc.ninputs) {
		bundle_fail(err, path, "the tokenizer and the model disagree");
		goto out;
	}
	b->model = model_create(&mc, err);
	if (b->model == NULL || bundle_read_lora(b, &f, path, err) != 0 ||
	    bundle_read_views(b, &f, path, err) != 0)
		goto out;
	b->nmeta = f.nmeta;
	b->meta_keys = tt_xcalloc(f.nmeta + 1, sizeof *b->meta_keys);
	b->meta_values = tt_xcalloc(f.nmeta + 1, sizeof *b->meta_values);
	for (i = 0; i < f.nmeta; i++) {
		b->meta_keys[i] = tt_xstrdup(f.meta_keys[i]);
		b->meta_values[i] = tt_xstrdup(f.meta_values[i]);
	}
	rc = 0;
out:
	st_close(&f);
	if (rc != 0) {
		bundle_fini(b);
		bundle_name_file(err, path);
	}
	return rc;
}

void bundle_fini(struct bundle *b)
{
	uint32_t l;
	size_t i;

	if (b->model != NULL)
		model_destroy(b->model);
	tokenizer_destroy(b->tok);
	for (l = 0; l < b->nlabels; l++)
		free(b->labels[l]);
	free(b->labels);
	for (i = 0; i < b->nmeta; i++) {
		free(b->meta_keys[i]);
		free(b->meta_values[i]);
	}
	free(b->meta_keys);
	free(b->meta_values);
	memset(b, 0, sizeof *b);
}

const char *bundle_meta(const struct bundle *b, const char *key)
{
	for (size_t i = 0; i < b->nmeta; i++) {
		if (strcmp(b->meta_keys[i], key) == 0)
			return b->meta_values[i];
	}
	return NULL;
}

void bundle_predict(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    float *probs)
{
	uint32_t stack[4096], *ids = stack;
	size_t n = tokenizer_encode(b->tok, text, len, ids, 4096);

	if (n > 4096) {
		ids = tt_xmalloc(n * sizeof *ids);
		tokenizer_encode(b->tok, text, len, ids, n);
	}
	model_predict(b->model, ws, ids, (uint32_t)n, probs);
	if (ids != stack)
		free(ids);
}
