/*
 * distill.c - the teacher pass of distillation (see distill.h): load the
 * teacher, check its labels against the student's, and fill the soft
 * targets of the train split from the on-disk cache or from the teacher.
 *
 * The cache is read whole into a sorted array of (text hash, row) and
 * searched with bsearch; after a pass that computed anything, the old
 * entries and the new ones are written back with an atomic replace. Two
 * records with the same text share one entry (the same prediction).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "tunetop/distill.h"

static const char DISTILL_MAGIC[] = "tunetop-distill-probs 1";

/* ---- labels ------------------------------------------------------------ */

static uint32_t distill_find(char *const *names, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	return UINT32_MAX;
}

/* "a, b, c" escaped, cut to fit out. */
static void distill_list(char *const *names, uint32_t n, char *out, size_t size)
{
	struct tt_buf b;

	tt_buf_init(&b);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			tt_buf_adds(&b, ", ");
		tt_esc_adds(&b, names[i]);
	}
	snprintf(out, size, "%s", b.len > 0 ? b.data : "none");
	tt_buf_fini(&b);
}

int distill_check_teacher(const struct bundle *b, const char *path, char *const *labels,
			  uint32_t nlabels, bool multilabel, struct tt_err *err)
{
	char list[300], *name;

	if (b->model->cfg.lm) {
		tt_err_set(err, path, 0, 0, "the teacher is a language model (objective lm), not a "
			   "classifier: distill needs a model trained to predict the labels");
		return -1;
	}
	if (b->multilabel || multilabel) {
		tt_err_set(err, path, 0, 0, "distill needs single-label data and a single-label "
			   "teacher (softmax), not multi-label");
		return -1;
	}
	for (uint32_t j = 0; j < b->nlabels; j++) {
		if (distill_find(labels, nlabels, b->labels[j]) != UINT32_MAX)
			continue;
		distill_list(labels, nlabels, list, sizeof list);
		name = tt_esc_dup(b->labels[j]);
		tt_err_set(err, path, 0, 0, "the teacher's label '%s' is not a label of the data "
			   "(the student knows: %s)", name, list);
		free(name);
		return -1;
	}
	for (uint32_t l = 0; l < nlabels; l++) {
		if (distill_find(b->labels, b->nlabels, labels[l]) != UINT32_MAX)
			continue;
		distill_list(b->labels, b->nlabels, list, sizeof list);
		name = tt_esc_dup(labels[l]);
		tt_err_set(err, path, 0, 0, "the data's label '%s' is not one of the teacher's "
			   "labels (expected one of: %s)", name, list);
		free(name);
		return -1;
	}
	return 0;
}

/* ---- the cache ------------------------------------------------------------ */

struct distill_entry {
	uint64_t hash;
	float *row;             /* [K] the teacher's label order */
};

struct distill_cache {
	uint32_t K;
	struct distill_entry *e;
	size_t n, cap;
	float *rows;            /* the loaded file's rows, [n0, K] */
};

static int distill_entry_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct distill_entry *)a)->hash;
	uint64_t y = ((const struct distill_entry *)b)->hash;

	return x < y ? -1 : x > y;
}

int distill_cache_path(const char *teacher, char *out, size_t n, struct tt_err *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	XXH3_state_t *st;
	FILE *f;
	char buf[1 << 16];
	size_t k;
	uint64_t h;

	f = fopen(teacher, "rb");
	if (f == NULL) {
		tt_err_set(err, teacher, 0, 0, "cannot read the teacher model: %s", strerror(errno));
		return -1;
	}
	st = XXH3_createState();
	XXH3_64bits_reset(st);
	while ((k = fread(buf, 1, sizeof buf, f)) > 0)
		XXH3_64bits_update(st, buf, k);
	fclose(f);
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	out[0] = '\0';
	if (xdg != NULL && xdg[0] == '/')
		snprintf(out, n, "%s/tunetop/distill/%016llx.probs", xdg, (unsigned long long)h);
	else if (home != NULL && home[0] == '/')
		snprintf(out, n, "%s/.cache/tunetop/distill/%016llx.probs", home,
			 (unsigned long long)h);
	return 0;
}

/* Read the cache at path (missing or damaged: empty). */
static void distill_cache_load(struct distill_cache *c, const char *path, uint32_t K)
{
	char *data = NULL, *nl;
	size_t len = 0, rec = sizeof(uint64_t) + K * sizeof(float), n, i;
	struct tt_err err;
	unsigned k = 0;

	memset(c, 0, sizeof *c);
	c->K = K;
	if (path[0] == '\0' || tt_read_file(path, &data, &len, &err) != 0)
		return;
	nl = memchr(data, '\n', len);
	if (nl == NULL || strncmp(data, DISTILL_MAGIC, sizeof DISTILL_MAGIC - 1) != 0 ||
	    sscanf(data + sizeof DISTILL_MAGIC - 1, " %u", &k) != 1 || k != K) {
		free(data);
		return;
	}
	nl++;
	n = (len - (size_t)(nl - data)) / rec;     /* a torn tail is left out */
	c->rows = tt_xmalloc((n + 1) * K * sizeof *c->rows);
	c->e = tt_xmalloc((n + 1) * sizeof *c->e);
	c->cap = n + 1;
	for (i = 0; i < n; i++) {
		const char *p = nl + i * rec;

		memcpy(&c->e[i].hash, p, sizeof c->e[i].hash);
		memcpy(c->rows + i * K, p + sizeof(uint64_t), K * sizeof(float));
		c->e[i].row = c->rows + i * K;
	}
	c->n = n;
	qsort(c->e, c->n, sizeof *c->e, distill_entry_cmp);
	free(data);
}

static const float *distill_cache_find(const struct distill_cache *c, uint64_t h)
{
	struct distill_entry key = { h, NULL }, *e;

	if (c->n == 0)
		return NULL;
	e = bsearch(&key, c->e, c->n, sizeof *c->e, distill_entry_cmp);
	return e != NULL ? e->row : NULL;
}

/* mkdir -p of path's directory (errors show up when writing). */
static void distill_mkdirs(const char *path)
{
	char *d = tt_xstrdup(path);

	for (char *p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(d, 0755);
		*p = '/';
	}
	free(d);
}

/* The old entries and the new rows (hashes[i], probs of K each) back to disk. */
static int distill_cache_save(const struct distill_cache *c, const char *path,
			      const uint64_t *hashes, const float *rows, size_t nnew,
			      struct tt_err *err)
{
	struct tt_buf b;
	char head[64];
	int rc;

	tt_buf_init(&b);
	snprintf(head, sizeof head, "%s %u\n", DISTILL_MAGIC, c->K);
	tt_buf_adds(&b, head);
	for (size_t i = 0; i < c->n; i++) {
		tt_buf_add(&b, (const char *)&c->e[i].hash, sizeof c->e[i].hash);
		tt_buf_add(&b, (const char *)c->e[i].row, c->K * sizeof(float));
	}
	for (size_t i = 0; i < nnew; i++) {
		tt_buf_add(&b, (const char *)&hashes[i], sizeof hashes[i]);
		tt_buf_add(&b, (const char *)(rows + i * c->K), c->K * sizeof(float));
	}
	distill_mkdirs(path);
	rc = tt_write_file_atomic(path, b.data, b.len, err);
	tt_buf_fini(&b);
	return rc;
}

static void distill_cache_fini(struct distill_cache *c)
{
	free(c->e);
	free(c->rows);
	memset(c, 0, sizeof *c);
}

/* ---- the pass ----------------------------------------------------------- */

void distill_soft_fini(struct distill_soft *ds)
{
	free(ds->probs);
	free(ds->has);
	memset(ds, 0, sizeof *ds);
}

/* Teacher row t [K, teacher order] into the student's order at out. */
static void distill_map_row(const float *t, const uint32_t *map, uint32_t K, float *out)
{
	for (uint32_t j = 0; j < K; j++)
		out[map[j]] = t[j];
}

/*
 * The teacher's rows for the records that need them: from the cache, else
 * predicted (new rows collected in hashes/rows for the cache). Returns the
 * number predicted.
 */
static size_t distill_fill(struct distill_soft *ds, const struct bundle *b,
			   const struct trainer_input *in, const uint32_t *map,
			   const struct distill_cache *c, uint64_t *hashes, float *rows,
			   distill_progress_fn progress, void *ctx)
{
	struct model_ws *ws = model_ws_create(b->model);
	uint32_t K = b->nlabels;
	size_t i, total = 0, done = 0, nnew = 0;

	for (i = 0; i < in->n; i++)
		total += in->split[i] == DS_SPLIT_TRAIN;
	ds->interrupted = 0;
	for (i = 0; i < in->n; i++) {
		const char *text = in->texts + in->text_off[i];
		size_t len = in->text_off[i + 1] - in->text_off[i];
		const float *row;
		uint64_t h;

		if (in->split[i] != DS_SPLIT_TRAIN)
			continue;
		h = XXH3_64bits(text, len);
		row = distill_cache_find(c, h);
		if (row != NULL) {
			ds->ncached++;
		} else {
			bundle_predict(b, ws, text, len, rows + nnew * K);
			hashes[nnew] = h;
			row = rows + nnew++ * K;
		}
		distill_map_row(row, map, K, ds->probs + i * ds->nlabels);
		ds->has[i] = 1;
		ds->nsoft++;
		ds->nunlabeled += in->label_off[i + 1] == in->label_off[i];
		if (progress != NULL && progress(ctx, ++done, total) != 0 && done < total) {
			ds->interrupted = 1;
			break;
		}
	}
	model_ws_destroy(b->model, ws);
	return nnew;
}

int distill_soft_compute(struct distill_soft *ds, const char *path,
			 const struct trainer_input *in, distill_progress_fn progress, void *ctx,
			 struct tt_err *err)
{
	struct bundle b;
	struct distill_cache c;
	uint32_t *map;
	uint64_t *hashes;
	float *rows;
	size_t nnew;
	double t0 = tt_now();
	struct tt_err werr;

	memset(ds, 0, sizeof *ds);
	if (distill_cache_path(path, ds->cache_path, sizeof ds->cache_path, err) != 0)
		return -1;
	if (bundle_load(&b, path, err) != 0)
		return -1;
	if (distill_check_teacher(&b, path, in->label_names, in->nlabels, in->multilabel,
				  err) != 0) {
		bundle_fini(&b);
		return -1;
	}
	ds->n = in->n;
	ds->nlabels = in->nlabels;
	ds->probs = tt_xcalloc(in->n * in->nlabels + 1, sizeof *ds->probs);
	ds->has = tt_xcalloc(in->n + 1, 1);
	map = tt_xmalloc(b.nlabels * sizeof *map);
	for (uint32_t j = 0; j < b.nlabels; j++)
		map[j] = distill_find(in->label_names, in->nlabels, b.labels[j]);
	distill_cache_load(&c, ds->cache_path, b.nlabels);
	hashes = tt_xmalloc((in->n + 1) * sizeof *hashes);
	rows = tt_xmalloc((in->n + 1) * b.nlabels * sizeof *rows);
	nnew = distill_fill(ds, &b, in, map, &c, hashes, rows, progress, ctx);
	tt_err_clear(&werr);
	/* a cache that cannot be written costs time next run, nothing else */
	if (nnew > 0 && ds->cache_path[0] != '\0' &&
	    distill_cache_save(&c, ds->cache_path, hashes, rows, nnew, &werr) != 0)
		ds->cache_path[0] = '\0';
	distill_cache_fini(&c);
	free(hashes);
	free(rows);
	free(map);
	bundle_fini(&b);
	ds->seconds = tt_now() - t0;
	if (ds->interrupted) {
		tt_err_set(err, path, 0, 0, "distill: interrupted after %zu of the train records "
			   "(%zu new in the cache: the next start goes on from there)", ds->nsoft,
			   nnew);
		distill_soft_fini(ds);
		return -1;
	}
	return 0;
}
