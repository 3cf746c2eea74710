/*
 * pane-sort.c - sorting the data pane's list by a column, fast enough for
 * a key press at a million records.
 *
 * The listed records are first put back in file order (a bitmap over the
 * dataset, one linear pass). Those without a value (no label, no
 * prediction yet) go to the end as they are. The others get a 64-bit item,
 * the column's value as a 32-bit rank (inverted for desc) above the record
 * index, and a stable radix sort on the value's four 8-bit digits (a pass
 * skipped when every item shares its digit) leaves ties in file order.
 *
 * Numbers are their own rank (a confidence's float bits order like the
 * float). Label names are ranked once per sort. Ids and texts are ranked
 * over the whole dataset (rank.c) and the ranks kept until another dataset
 * is loaded (ids) or a text is edited (texts); for a large dataset a
 * worker thread ranks them as soon as it is listed.
 */
#include "tunetop/pane.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/rank.h"

/* Radix digits of 8 bits: 256 counters and 256 write streams stay in cache. */
enum { PANE_SORT_DIGIT = 8, PANE_SORT_MASK = 0xff };

/*
 * Ranking ids and texts on a worker thread, started when a large dataset
 * is first listed so that the first sort by id or text finds them ready.
 * The worker reads the records' text and id fields only. An edit that
 * replaces a text waits for it first (ds->text_reader_stop), and so does
 * replacing or freeing the dataset (app->data_release).
 */
struct pane_sort_bg {
	pthread_t thread;
	const struct dataset *ds;
	size_t n;
	uint32_t *id_rank, *text_rank;	/* the worker's results */
	uint64_t *keys, *tmp;		/* sort buffers, their pages touched */
	const void *recs;		/* the dataset it ranks */
	atomic_bool done;		/* set by the worker as it ends */
};

/* Records from which ranking starts on a worker (smaller ones rank at once). */
size_t pane_sort_bg_min = 100000;

static uint32_t *pane_sort_rank(const struct dataset *ds, bool by_id);

static void *pane_sort_bg_main(void *arg)
{
	struct pane_sort_bg *bg = arg;

	bg->id_rank = pane_sort_rank(bg->ds, true);
	bg->text_rank = pane_sort_rank(bg->ds, false);
	/* The first sort would otherwise pay for these pages. */
	bg->keys = tt_xcalloc(bg->n, sizeof *bg->keys);
	bg->tmp = tt_xcalloc(bg->n, sizeof *bg->tmp);
	memset(bg->keys, 0, bg->n * sizeof *bg->keys);
	memset(bg->tmp, 0, bg->n * sizeof *bg->tmp);
	atomic_store(&bg->done, true);
	return NULL;
}

static void pane_sort_bg_free(struct pane_sort_bg *bg)
{
	free(bg->id_rank);
	free(bg->text_rank);
	free(bg->keys);
	free(bg->tmp);
	free(bg);
}

/* Wait for the worker; its ranks go into the cache when they still apply. */
static void pane_sort_bg_join(struct ui *ui, bool adopt)
{
	struct ui_sort_cache *c = &ui->data.sc;
	struct pane_sort_bg *bg = c->bg;
	struct dataset *ds = &ui->app->ds;

	if (bg == NULL)
		return;
	pthread_join(bg->thread, NULL);
	c->bg = NULL;
	if (adopt && bg->recs == (const void *)ds->recs && bg->n == ds->n) {
		c->recs = ds->recs;
		c->n = ds->n;
		free(c->id_rank);
		c->id_rank = bg->id_rank;
		bg->id_rank = NULL;
		free(c->text_rank);	/* texts wait for the worker before they change */
		c->text_rank = bg->text_rank;
		bg->text_rank = NULL;
		c->text_edits = ds->text_edits;
		if (c->cap < bg->n) {
			free(c->keys);
			free(c->tmp);
			c->keys = bg->keys;
			c->tmp = bg->tmp;
			c->cap = bg->n;
			bg->keys = bg->tmp = NULL;
		}
	}
	pane_sort_bg_free(bg);
	ds->text_reader_stop = NULL;
	ds->text_reader_opaque = NULL;
}

void pane_sort_stop(struct ui *ui)
{
	pane_sort_bg_join(ui, false);
}

/* A text is about to change: the worker's text ranks are kept (they are
 * dropped as stale by text_edits), the worker is done with the text. */
static void pane_sort_reader_stop(void *opaque)
{
	pane_sort_bg_join(opaque, true);
}

void pane_sort_prefetch(struct ui *ui)
{
	struct ui_sort_cache *c = &ui->data.sc;
	struct dataset *ds = &ui->app->ds;
	struct pane_sort_bg *bg;

	if (c->bg != NULL || ds->n < pane_sort_bg_min || ds->n == 0 ||
	    ds->text_reader_stop != NULL ||
	    (c->recs == (const void *)ds->recs && c->id_rank != NULL))
		return;
	bg = tt_xcalloc(1, sizeof *bg);
	bg->ds = ds;
	bg->n = ds->n;
	bg->recs = ds->recs;
	atomic_init(&bg->done, false);
	ds->text_reader_stop = pane_sort_reader_stop;
	ds->text_reader_opaque = ui;
	if (pthread_create(&bg->thread, NULL, pane_sort_bg_main, bg) != 0) {
		ds->text_reader_stop = NULL;	/* no thread: the first sort ranks at once */
		ds->text_reader_opaque = NULL;
		pane_sort_bg_free(bg);
		return;
	}
	c->bg = bg;
}

void pane_sort_fini(struct ui *ui)
{
	struct ui_sort_cache *c = &ui->data.sc;

	pane_sort_bg_join(ui, false);
	free(c->keys);
	free(c->tmp);
	free(c->id_rank);
	free(c->text_rank);
	memset(c, 0, sizeof *c);
}

/* rank[i] of every record's id or text (rank.c). */
static uint32_t *pane_sort_rank(const struct dataset *ds, bool by_id)
{
	const char **s = tt_xmalloc((ds->n + 1) * sizeof *s);
	uint32_t *len = tt_xmalloc((ds->n + 1) * sizeof *len), *rank;
	size_t i;

	for (i = 0; i < ds->n; i++) {
		s[i] = by_id ? ds->recs[i].id : ds->recs[i].text;
		len[i] = by_id ? ds->recs[i].id_len : ds->recs[i].text_len;
	}
	rank = rank_strings(s, len, ds->n);
	/* A record without an id is known by its number: those come first, by it. */
	for (i = 0; by_id && i < ds->n; i++)
		rank[i] = s[i] == NULL ? (uint32_t)i : (uint32_t)ds->n + rank[i];
	free(s);
	free(len);
	return rank;
}

/* The id and text ranks, rebuilt when the data or (texts) a text changed. */
static void pane_sort_ranks(struct ui *ui, enum ui_sort col)
{
	struct ui_sort_cache *c = &ui->data.sc;
	const struct dataset *ds = &ui->app->ds;

	if (col != UI_SORT_ID && col != UI_SORT_TEXT)
		return;
	pane_sort_bg_join(ui, true);	/* at most the rest of its work */
	if (c->recs != ds->recs || c->n != ds->n) {
		free(c->id_rank);
		free(c->text_rank);
		c->id_rank = NULL;
		c->text_rank = NULL;
		c->recs = ds->recs;
		c->n = ds->n;
	}
	if (c->text_rank != NULL && c->text_edits != ds->text_edits) {
		free(c->text_rank);
		c->text_rank = NULL;
	}
	if (col == UI_SORT_ID && c->id_rank == NULL)
		c->id_rank = pane_sort_rank(ds, true);
	if (col == UI_SORT_TEXT && c->text_rank == NULL) {
		c->text_rank = pane_sort_rank(ds, false);
		c->text_edits = ds->text_edits;
	}
}

/* names[order] sorted: rank[label id] (labels.n or the model's classes). */
static uint32_t *pane_sort_name_ranks(char *const *names, uint32_t n)
{
	uint32_t *rank = tt_xcalloc((size_t)n + 1, sizeof *rank);
	uint32_t i, j;

	/* A handful of labels: counting the names before each is enough. */
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			int c = strcmp(names[j], names[i]);

			rank[i] += c < 0 || (c == 0 && j < i);
		}
	}
	return rank;
}

/* The value of record i in the sort column; false when it has none. */
static bool pane_sort_value(const struct ui *ui, size_t i, const uint32_t *label_rank,
			    const uint32_t *pred_rank, uint32_t *out)
{
	const struct ds_record *r = &ui->app->ds.recs[i];
	const struct ui_sort_cache *c = &ui->data.sc;
	uint32_t pred;
	float conf;

	switch (ui->data.sort) {
	case UI_SORT_ID:	/* see pane_sort_rank */
		*out = c->id_rank[i];
		return true;
	case UI_SORT_LABEL:
		*out = r->label < ui->app->ds.labels.n ? label_rank[r->label] : 0;
		return r->label < ui->app->ds.labels.n;
	case UI_SORT_SPLIT:
		*out = r->split;
		return true;
	case UI_SORT_FLAGS:
		*out = (r->flags & DS_FLAG_FLAGGED ? 4u : 0u) + (r->flags & DS_FLAG_UNSURE ? 2u : 0u) +
		       (r->flags & DS_FLAG_DIRTY ? 1u : 0u);
		return true;
	case UI_SORT_PRED:
		if (ui_train_prediction_id(ui, i, &pred, &conf) != 0 ||
		    pred >= ui->train.snap.nlabels)
			return false;
		*out = pred_rank[pred];
		return true;
	case UI_SORT_CONF:
		if (ui_train_prediction_id(ui, i, &pred, &conf) != 0 || !(conf >= 0))
			return false;
		memcpy(out, &conf, sizeof *out);	/* non-negative floats order like their bits */
		return true;
	case UI_SORT_TEXT:
		*out = c->text_rank[i];
		return true;
	case UI_SORT_LENGTH:
		*out = r->text_len;
		return true;
	default:		/* file order */
		*out = (uint32_t)i;
		return true;
	}
}

/* idx back in file order: mark the listed records, then read the marks. */
static void pane_sort_file_order(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	size_t words = ui->app->ds.n / 64 + 1, k, w, n = 0;
	uint64_t *bits = tt_xcalloc(words, sizeof *bits), m;

	for (k = 0; k < v->n; k++)
		bits[v->idx[k] / 64] |= 1ull << (v->idx[k] % 64);
	for (w = 0; w < words; w++) {
		for (m = bits[w]; m != 0; m &= m - 1)
			v->idx[n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(m));
	}
	free(bits);
}

/*
 * Items (value << 32 | record) of the records with a value, in file order,
 * into c->keys; the records without one go to the end of idx. Returns how
 * many items there are.
 */
static size_t pane_sort_make_keys(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	uint32_t *label_rank = pane_sort_name_ranks(ui->app->ds.labels.names, ui->app->ds.labels.n);
	uint32_t *pred_rank = pane_sort_name_ranks(ui->train.snap.label_names,
						   ui->train.have_snap ? ui->train.snap.nlabels : 0);
	size_t k, nkeys = 0, nmiss = 0;

	for (k = 0; k < v->n; k++) {
		uint32_t i = v->idx[k], val = 0;

		if (!pane_sort_value(ui, i, label_rank, pred_rank, &val)) {
			v->idx[nmiss++] = i;	/* k >= nmiss: a slot already read */
			continue;
		}
		if (v->sort_desc)
			val = ~val;
		v->sc.keys[nkeys++] = (uint64_t)val << 32 | i;
	}
	/* The records without a value, in file order, after the others. */
	memmove(v->idx + nkeys, v->idx, nmiss * sizeof *v->idx);
	free(label_rank);
	free(pred_rank);
	return nkeys;
}

/* One stable counting pass on the digit at shift; false if skipped. */
static bool pane_sort_pass(const uint64_t *src, uint64_t *dst, size_t n, unsigned shift)
{
	static size_t count[1u << PANE_SORT_DIGIT];
	size_t k, sum = 0, c;

	memset(count, 0, sizeof count);
	for (k = 0; k < n; k++)
		count[(src[k] >> shift) & PANE_SORT_MASK]++;
	if (n == 0 || count[(src[0] >> shift) & PANE_SORT_MASK] == n)
		return false;	/* every item has this digit: nothing moves */
	for (k = 0; k < (1u << PANE_SORT_DIGIT); k++) {
		c = count[k];
		count[k] = sum;
		sum += c;
	}
	for (k = 0; k < n; k++)
		dst[count[(src[k] >> shift) & PANE_SORT_MASK]++] = src[k];
	return true;
}

void pane_sort_list(struct ui *ui)
{
	struct ui_data_view *v = &ui->data;
	struct ui_sort_cache *c = &v->sc;
	uint64_t *src, *dst, *t;
	unsigned shift;
	size_t k, n;

	if (v->sort == UI_SORT_FILE && !v->sort_desc) {
		pane_sort_file_order(ui);	/* no keys needed */
		return;
	}
	/* A finished worker's ranks and buffers, without waiting for one still running. */
	if (c->bg != NULL && atomic_load(&c->bg->done))
		pane_sort_bg_join(ui, true);
	pane_sort_ranks(ui, v->sort);	/* id and text wait for the worker */
	if (v->n > c->cap) {
		c->cap = v->n;
		free(c->keys);
		free(c->tmp);
		c->keys = tt_xmalloc(c->cap * sizeof *c->keys);
		c->tmp = tt_xmalloc(c->cap * sizeof *c->tmp);
	}
	pane_sort_file_order(ui);
	n = pane_sort_make_keys(ui);
	src = c->keys;
	dst = c->tmp;
	for (shift = 32; shift < 64; shift += PANE_SORT_DIGIT) {
		if (pane_sort_pass(src, dst, n, shift)) {
			t = src;
			src = dst;
			dst = t;
		}
	}
	for (k = 0; k < n; k++)
		v->idx[k] = (uint32_t)src[k];
}
