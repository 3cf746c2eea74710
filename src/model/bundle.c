/*
 * bundle.c - save and load models with their tokenizer and labels as
 * safetensors. See bundle.h.
 */
#include "tunetop/bundle.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *bundle_config_json(const struct model *m, bool multilabel)
{
	const struct model_config *c = &m->cfg;
	json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:s,s:I,s:b}", "type", c->type,
			      "ninputs", (json_int_t)c->ninputs, "nlabels", (json_int_t)c->nlabels,
			      "dim", (json_int_t)c->dim,
			      "loss", c->loss == MODEL_LOSS_OVA ? "ova" : "softmax",
			      "seed", (json_int_t)c->seed, "multilabel", multilabel);
	char *s = json_dumps(o, JSON_COMPACT);

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
 * matrix bit for bit. Files with a dense NAME still load.
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

int bundle_save(const char *path, struct model *model, const struct tok_vocab *vocab,
		char *const *labels, uint32_t nlabels, bool multilabel, bool with_optim,
		const struct bundle_meta *meta, size_t nmeta, struct tt_err *err)
{
	size_t nv = model_nviews(model), n = 0, nm = 0, i, nsparse = 0, nrows = 0;
	struct st_tensor *ts = tt_xcalloc(2 * nv + 1, sizeof *ts);
	char **names = tt_xcalloc(2 * nv + 1, sizeof *names);
	uint32_t *rows = NULL;
	const char **keys = tt_xcalloc(nmeta + 3, sizeof *keys);
	const char **vals = tt_xcalloc(nmeta + 3, sizeof *vals);
	char *labels_json = bundle_labels_json(labels, nlabels);
	char *config_json = bundle_config_json(model, multilabel);
	struct tt_buf vb;
	int rc;

	for (i = 0; i < nv; i++) {
		struct model_view v;

		model_view(model, i, &v);
		if (v.data == NULL || ((v.flags & MODEL_VIEW_OPTIM) && !with_optim))
			continue;
		if (bundle_sparse_view(&v)) {
			if (rows == NULL)
				rows = bundle_touched_rows(&v, &nrows);
			bundle_sparse_tensors(&v, rows, nrows, &names[2 * nsparse], &ts[n]);
			nsparse++;
			n += 2;
			continue;
		}
		ts[n].name = v.name;
		ts[n].dtype = v.dtype == MODEL_F32 ? ST_F32 : ST_I64;
		ts[n].ndim = (int)v.ndim;
		memcpy(ts[n].shape, v.shape, v.ndim * sizeof v.shape[0]);
		ts[n].data = v.data;
		ts[n].nbytes = model_view_numel(&v) * (v.dtype == MODEL_F32 ? 4 : 8);
		n++;
	}
	tt_buf_init(&vb);
	tok_vocab_save(vocab, &vb);
	ts[n].name = "tokenizer.vocab";
	ts[n].dtype = ST_U8;
	ts[n].ndim = 1;
	ts[n].shape[0] = vb.len;
	ts[n].data = vb.data;
	ts[n].nbytes = vb.len;
	n++;
	keys[nm] = "tunetop.labels";
	vals[nm++] = labels_json;
	keys[nm] = "tunetop.model";
	vals[nm++] = config_json;
	for (i = 0; i < nmeta; i++) {
		keys[nm] = meta[i].key;
		vals[nm++] = meta[i].value;
	}
	rc = st_write(path, ts, n, keys, vals, nm, err);
	for (i = 0; i < 2 * nsparse; i++)
		free(names[i]);
	free(names);
	free(rows);
	tt_buf_fini(&vb);
	free(labels_json);
	free(config_json);
	free(ts);
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
	*multilabel = ml != 0;
	json_decref(o);
	return 0;
}

/*
 * NAME.index and NAME.rows into a row-sparse view, marking the rows touched.
 * 1 when read, 0 when the file has neither tensor, -1 on a bad pair.
 */
static int bundle_read_sparse(const struct st_file *f, const char *path, struct model_view *v,
			      struct tt_err *err)
{
	char *iname = tt_xprintf("%s.index", v->name), *rname = tt_xprintf("%s.rows", v->name);
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

/* Copy each view's tensor into the model; optimizer state is optional. */
static int bundle_read_views(struct bundle *b, const struct st_file *f, const char *path,
			     struct tt_err *err)
{
	size_t nv = model_nviews(b->model), i;
	int have_optim = st_find(f, "optim.adamw.step") != NULL;

	if (have_optim && model_adamw_init(b->model, err) != 0)
		return -1;
	b->has_optimizer = have_optim;
	for (i = 0; i < nv; i++) {
		struct model_view v;
		const struct st_tensor *t;
		uint64_t numel;
		int rc;

		model_view(b->model, i, &v);
		if (v.data == NULL)
			continue;
		t = st_find(f, v.name);
		if (t == NULL && bundle_sparse_view(&v)) {
			rc = bundle_read_sparse(f, path, &v, err);
			if (rc < 0)
				return -1;
			if (rc > 0)
				continue;
		}
		if (t == NULL && (v.flags & MODEL_VIEW_OPTIM))
			continue;
		if (t == NULL) {
			tt_err_set(err, path, 0, 0, "tensor %s is missing", v.name);
			return -1;
		}
		numel = model_view_numel(&v);
		if (bundle_sparse_view(&v)) {
			if (bundle_read_dense_rows(t, path, &v, err) != 0)
				return -1;
			continue;
		}
		rc = v.dtype == MODEL_F32 ? st_copy_f32(t, v.data, numel, err) :
		     st_copy_i64(t, v.data, numel, err);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Every model-file error names the file (the tokenizer and tensor readers do not know it). */
static void bundle_name_file(struct tt_err *err, const char *path)
{
	if (err->file[0] == '\0')
		snprintf(err->file, sizeof err->file, "%s", path);
}

int bundle_load(struct bundle *b, const char *path, struct tt_err *err)
{
	struct st_file f;
	struct model_config mc;
	const struct st_tensor *vt;
	size_t i;
	int rc = -1;

	memset(b, 0, sizeof *b);
	tempfile_clean_stale(path);    /* a checkpoint killed midway left its temp file */
	if (st_open(&f, path, err) != 0)
		return -1;
	vt = st_find(&f, "tokenizer.vocab");
	if (vt == NULL || vt->dtype != ST_U8) {
		bundle_fail(err, path, "no tokenizer.vocab tensor");
		goto out;
	}
	if (bundle_read_labels(b, &f, path, err) != 0 ||
	    bundle_read_config(&f, path, &mc, &b->multilabel, err) != 0)
		goto out;
	if (mc.nlabels != b->nlabels) {
		bundle_fail(err, path, "the label set and the model disagree");
		goto out;
	}
	if (tok_vocab_load(&b->vocab, vt->data, vt->nbytes, err) != 0) {
		char why[sizeof err->msg];

		snprintf(why, sizeof why, "%s", err->msg);
		tt_err_set(err, path, 0, 0, "tensor tokenizer.vocab: %s", why);
		goto out;
	}
	if (tok_vocab_nfeatures(&b->vocab) != mc.ninputs) {
		bundle_fail(err, path, "the tokenizer and the model disagree");
		goto out;
	}
	b->model = model_create(&mc, err);
	if (b->model == NULL || bundle_read_views(b, &f, path, err) != 0)
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
	tok_vocab_fini(&b->vocab);
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
	size_t n = tok_encode(&b->vocab, text, len, ids, 4096, NULL);

	if (n > 4096) {
		ids = tt_xmalloc(n * sizeof *ids);
		tok_encode(&b->vocab, text, len, ids, n, NULL);
	}
	model_predict(b->model, ws, ids, (uint32_t)n, probs);
	if (ids != stack)
		free(ids);
}
