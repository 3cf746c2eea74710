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
 * over the whole dataset the first time they are needed (a radix sort 8
 * bytes at a time, most significant first, comparing small runs in full)
 * and the ranks kept until another dataset is loaded (ids) or a text is
 * edited (texts).
 */
#include "tunetop/pane.h"

#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"

/* Radix digits of 8 bits: 256 counters and 256 write streams stay in cache. */
enum { PANE_SORT_DIGIT = 8, PANE_SORT_MASK = 0xff };

void pane_sort_fini(struct ui_sort_cache *c)
{
	free(c->keys);
	free(c->tmp);
	free(c->id_rank);
	free(c->text_rank);
	memset(c, 0, sizeof *c);
}

/* Sort records by their id or text bytes, then index (qsort has no context). */
static const struct ds_record *pane_sort_recs;
static bool pane_sort_by_id;

static void pane_sort_bytes(const struct ds_record *r, bool by_id, const char **s,
			    uint32_t *len);

static int pane_sort_cmp_bytes(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b, lx, ly;
	const char *sx, *sy;
	int c;

	pane_sort_bytes(&pane_sort_recs[x], pane_sort_by_id, &sx, &lx);
	pane_sort_bytes(&pane_sort_recs[y], pane_sort_by_id, &sy, &ly);
	c = memcmp(sx, sy, lx < ly ? lx : ly);

	if (c == 0)
		c = (lx > ly) - (lx < ly);
	return c != 0 ? c : (x > y) - (x < y);
}

/* A record's id or text with its first 8 bytes as a big-endian number. */
struct pane_prefix {
	uint64_t p;
	uint32_t i;
};

static void pane_sort_bytes(const struct ds_record *r, bool by_id, const char **s, uint32_t *len)
{
	*s = by_id ? r->id : r->text;
	*len = by_id ? r->id_len : r->text_len;
	if (*s == NULL) {
		*s = "";
		*len = 0;
	}
}

/* Zero padding orders "ab" before "abc", as memcmp then length does (texts hold no NUL). */
static uint64_t pane_sort_prefix(const char *s, uint32_t len)
{
	uint64_t p = 0;
	uint32_t k;

	for (k = 0; k < 8; k++)
		p = p << 8 | (k < len ? (unsigned char)s[k] : 0u);
	return p;
}

/* Stable LSD radix sort of the prefixes, a digit a pass. */
static void pane_sort_prefixes(struct pane_prefix *a, struct pane_prefix *tmp, size_t n)
{
	static size_t count[1u << PANE_SORT_DIGIT];
	struct pane_prefix *src = a, *dst = tmp, *t;
	size_t k, sum, c;
	unsigned shift;

	for (shift = 0; shift < 64; shift += PANE_SORT_DIGIT) {
		memset(count, 0, sizeof count);
		for (k = 0; k < n; k++)
			count[(src[k].p >> shift) & PANE_SORT_MASK]++;
		if (n == 0 || count[(src[0].p >> shift) & PANE_SORT_MASK] == n)
			continue;
		for (k = 0, sum = 0; k < (1u << PANE_SORT_DIGIT); k++) {
			c = count[k];
			count[k] = sum;
			sum += c;
		}
		for (k = 0; k < n; k++)
			dst[count[(src[k].p >> shift) & PANE_SORT_MASK]++] = src[k];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* Below this many records a run is compared in full rather than radix sorted. */
enum { PANE_SORT_RADIX_MIN = 32 };

static int pane_sort_cmp_prefix(const void *a, const void *b)
{
	return pane_sort_cmp_bytes(&((const struct pane_prefix *)a)->i,
				   &((const struct pane_prefix *)b)->i);
}

/*
 * Sort a[0..n), records whose first off bytes are the same: radix on the
 * next 8 bytes, then the same for each run that still ties (a
 * most-significant-digit-first string sort); small runs by comparison.
 */
static void pane_sort_run(const struct dataset *ds, bool by_id, struct pane_prefix *a,
			  struct pane_prefix *tmp, size_t n, uint32_t off)
{
	const char *s;
	uint32_t len, longest = 0;
	size_t i, j, k;

	if (n < PANE_SORT_RADIX_MIN) {
		qsort(a, n, sizeof *a, pane_sort_cmp_prefix);
		return;
	}
	for (k = 0; k < n; k++) {
		pane_sort_bytes(&ds->recs[a[k].i], by_id, &s, &len);
		a[k].p = len > off ? pane_sort_prefix(s + off, len - off) : 0;
		longest = len > longest ? len : longest;
	}
	pane_sort_prefixes(a, tmp, n);
	if (longest <= off + 8)
		return;		/* ties are equal strings: file order stays */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && a[j].p == a[i].p; j++)
			;
		if (j - i > 1)
			pane_sort_run(ds, by_id, a + i, tmp + i, j - i, off + 8);
	}
}

static bool pane_sort_same(const struct dataset *ds, bool by_id, uint32_t x, uint32_t y)
{
	const char *sx, *sy;
	uint32_t lx, ly;

	pane_sort_bytes(&ds->recs[x], by_id, &sx, &lx);
	pane_sort_bytes(&ds->recs[y], by_id, &sy, &ly);
	return lx == ly && memcmp(sx, sy, lx) == 0;
}

/* rank[i]: where record i's id or text comes among all records' (equal ones: the same). */
static uint32_t *pane_sort_rank(const struct dataset *ds, bool by_id)
{
	struct pane_prefix *a = tt_xmalloc((ds->n + 1) * sizeof *a);
	struct pane_prefix *tmp = tt_xmalloc((ds->n + 1) * sizeof *tmp);
	uint32_t *rank = tt_xmalloc((ds->n + 1) * sizeof *rank);
	size_t i;

	for (i = 0; i < ds->n; i++)
		a[i].i = (uint32_t)i;
	pane_sort_recs = ds->recs;
	pane_sort_by_id = by_id;
	pane_sort_run(ds, by_id, a, tmp, ds->n, 0);
	/* Equal strings share a rank, so ties keep file order in both directions. */
	for (i = 0; i < ds->n; i++) {
		if (i > 0 && pane_sort_same(ds, by_id, a[i - 1].i, a[i].i))
			rank[a[i].i] = rank[a[i - 1].i];
		else
			rank[a[i].i] = (uint32_t)i;
	}
	free(a);
	free(tmp);
	return rank;
}

/* The id and text ranks, rebuilt when the data or (texts) a text changed. */
static void pane_sort_ranks(struct ui *ui, enum ui_sort col)
{
	struct ui_sort_cache *c = &ui->data.sc;
	const struct dataset *ds = &ui->app->ds;

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
	case UI_SORT_ID:	/* records without an id first, by number */
		*out = r->id == NULL ? (uint32_t)i : (uint32_t)ui->app->ds.n + c->id_rank[i];
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
	if (v->n > c->cap) {
		c->cap = v->n;
		free(c->keys);
		free(c->tmp);
		c->keys = tt_xmalloc(c->cap * sizeof *c->keys);
		c->tmp = tt_xmalloc(c->cap * sizeof *c->tmp);
	}
	pane_sort_ranks(ui, v->sort);
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
