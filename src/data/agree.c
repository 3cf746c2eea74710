/*
 * agree.c - answers from journals and the agreement figures (agree.h).
 *
 * Cohen's kappa (two coders, the units both answered): p_o is the share of
 * those units where the two agree, p_e = sum_c (a_c / N) (b_c / N) the
 * agreement expected from each coder's own category shares.
 *
 * Krippendorff's alpha, nominal (Krippendorff 2011, "Computing
 * Krippendorff's alpha-reliability"): each unit u with m_u >= 2 values
 * adds 1 / (m_u - 1) to o[c][k] for every ordered pair of its values
 * (from different coders); n_c = sum_k o[c][k], n = sum_c n_c, and
 *   alpha = 1 - (n - 1) * sum_{c != k} o[c][k] / sum_{c != k} n_c n_k.
 * Units with one value are left out, so partial overlap is fine.
 *
 * Per category: the same two figures with the answers reduced to "this
 * category or not".
 */
#include "tunetop/agree.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void agree_table_init(struct agree_table *t, size_t nunits)
{
	memset(t, 0, sizeof *t);
	t->nunits = nunits;
	t->last_answer = tt_xcalloc(nunits ? nunits : 1, sizeof *t->last_answer);
	t->adjudicated = tt_xcalloc(nunits ? nunits : 1, sizeof *t->adjudicated);
	strmap_init(&t->coder_map);
	strmap_init(&t->cat_map);
}

void agree_table_fini(struct agree_table *t)
{
	uint32_t i;

	for (i = 0; i < t->ncoders; i++)
		free(t->coders[i]);
	for (i = 0; i < t->ncats; i++)
		free(t->cats[i]);
	free(t->coders);
	free(t->cats);
	free(t->value);
	free(t->last_answer);
	free(t->adjudicated);
	strmap_fini(&t->coder_map);
	strmap_fini(&t->cat_map);
	memset(t, 0, sizeof *t);
}

uint32_t agree_coder(struct agree_table *t, const char *name)
{
	uint32_t c, k;
	int32_t *v;
	size_t u;

	if (strmap_get(&t->coder_map, name, strlen(name), &c))
		return c;
	c = t->ncoders;
	t->coders = tt_xrealloc(t->coders, (c + 1) * sizeof *t->coders);
	t->coders[c] = tt_xstrdup(name);
	strmap_put(&t->coder_map, t->coders[c], strlen(name), c);
	/* one more column: copy the table over */
	v = tt_xmalloc((t->nunits ? t->nunits : 1) * (c + 1) * sizeof *v);
	for (u = 0; u < t->nunits; u++) {
		for (k = 0; k < c; k++)
			v[u * (c + 1) + k] = t->value[u * c + k];
		v[u * (c + 1) + c] = -1;
	}
	free(t->value);
	t->value = v;
	t->ncoders = c + 1;
	return c;
}

uint32_t agree_cat(struct agree_table *t, const char *text)
{
	uint32_t c;

	if (strmap_get(&t->cat_map, text, strlen(text), &c))
		return c;
	c = t->ncats;
	t->cats = tt_xrealloc(t->cats, (c + 1) * sizeof *t->cats);
	t->cats[c] = tt_xstrdup(text);
	strmap_put(&t->cat_map, t->cats[c], strlen(text), c);
	t->ncats = c + 1;
	return c;
}

void agree_set(struct agree_table *t, size_t unit, uint32_t coder, int32_t cat)
{
	if (unit < t->nunits && coder < t->ncoders)
		t->value[unit * t->ncoders + coder] = cat;
}

struct agree_add {
	struct agree_table *t;
	const struct journal *j;
	const struct dataset *ds;
};

/*
 * A label value: a non-empty array (the journal checked it is one of label
 * names, and keeps it compact: "[]" when empty), else none.
 */
static bool agree_is_labels(const char *after)
{
	return after != NULL && after[0] == '[' && after[1] != ']';
}

static void agree_add_event(void *opaque, const struct journal_event *ev, const char *who)
{
	struct agree_add *a = opaque;
	size_t unit;

	if ((ev->op != EDIT_LABEL && ev->op != EDIT_UNLABEL) ||
	    edit_ref_find(journal_index(a->j), a->ds, &ev->ref, &unit) != 0 || unit >= a->t->nunits)
		return;
	if (ev->adjudicates != NULL) {
		a->t->adjudicated[unit] = ev->seq + 1;
		return;
	}
	agree_set(a->t, unit, agree_coder(a->t, who),
		  ev->op == EDIT_LABEL && agree_is_labels(ev->after) ?
		  (int32_t)agree_cat(a->t, ev->after) : -1);
	a->t->last_answer[unit] = ev->seq;
}

void agree_add_journal(struct agree_table *t, const struct journal *j, const struct dataset *ds)
{
	struct agree_add a = { t, j, ds };

	journal_each_event(j, agree_add_event, &a);
}

size_t agree_answers(const struct agree_table *t, size_t unit)
{
	size_t n = 0;
	uint32_t c;

	for (c = 0; c < t->ncoders; c++)
		n += agree_value(t, unit, c) >= 0;
	return n;
}

bool agree_disagrees(const struct agree_table *t, size_t unit)
{
	int32_t first = -1;
	uint32_t c;

	for (c = 0; c < t->ncoders; c++) {
		int32_t v = agree_value(t, unit, c);

		if (v < 0)
			continue;
		if (first >= 0 && v != first)
			return true;
		first = v;
	}
	return false;
}

bool agree_settled(const struct agree_table *t, size_t unit)
{
	return unit < t->nunits && t->adjudicated[unit] > t->last_answer[unit] + 1;
}

void agree_answers_json(const struct agree_table *t, size_t unit, struct tt_buf *out)
{
	json_t *arr = json_array();
	char *enc;
	uint32_t c;

	for (c = 0; c < t->ncoders; c++) {
		int32_t v = agree_value(t, unit, c);

		if (v >= 0)
			json_array_append_new(arr, json_pack("{s:s,s:o}", "annotator", t->coders[c],
							     "label", json_loads(t->cats[v], 0, NULL)));
	}
	enc = json_dumps(arr, JSON_COMPACT);
	tt_buf_adds(out, enc != NULL ? enc : "[]");
	free(enc);
	json_decref(arr);
}

void agree_answers_line(const struct agree_table *t, size_t unit, struct tt_buf *out)
{
	uint32_t c;
	bool any = false;

	for (c = 0; c < t->ncoders; c++) {
		int32_t v = agree_value(t, unit, c);
		json_t *set;

		if (v < 0)
			continue;
		tt_buf_printf(out, "%s%s ", any ? " · " : "", t->coders[c]);
		set = json_loads(t->cats[v], 0, NULL);
		for (size_t i = 0; i < json_array_size(set); i++)
			tt_buf_printf(out, "%s%s", i ? "," : "", json_string_value(json_array_get(set, i)));
		json_decref(set);
		any = true;
	}
}

double agree_kappa(const uint64_t *table, uint32_t ncats)
{
	double n = 0, agree = 0, pe = 0;
	uint32_t a, b;

	for (a = 0; a < ncats; a++) {
		for (b = 0; b < ncats; b++)
			n += (double)table[a * ncats + b];
		agree += (double)table[a * ncats + a];
	}
	if (n == 0)
		return NAN;
	for (a = 0; a < ncats; a++) {
		double row = 0, col = 0;

		for (b = 0; b < ncats; b++) {
			row += (double)table[a * ncats + b];
			col += (double)table[b * ncats + a];
		}
		pe += (row / n) * (col / n);
	}
	if (pe >= 1.0)
		return NAN;
	return (agree / n - pe) / (1.0 - pe);
}

double agree_alpha(const int32_t *value, size_t nunits, uint32_t ncoders, uint32_t ncats,
		   size_t *pairable)
{
	double *o = tt_xcalloc((size_t)ncats * ncats + 1, sizeof *o), *nc, n = 0, dis = 0, exp = 0;
	uint32_t c, k, *cnt = tt_xcalloc(ncats + 1, sizeof *cnt);
	size_t u;

	for (u = 0; u < nunits; u++) {
		uint32_t m = 0;

		memset(cnt, 0, (ncats + 1) * sizeof *cnt);
		for (c = 0; c < ncoders; c++) {
			int32_t v = value[u * ncoders + c];

			if (v >= 0 && (uint32_t)v < ncats) {
				cnt[v]++;
				m++;
			}
		}
		if (m < 2)
			continue;
		/* ordered pairs of values from different coders: cnt_c cnt_k (c != k), cnt_c (cnt_c - 1) */
		for (c = 0; c < ncats; c++) {
			for (k = 0; k < ncats; k++) {
				double pairs = c == k ? (double)cnt[c] * (cnt[c] - 1.0) :
							(double)cnt[c] * cnt[k];

				o[c * ncats + k] += pairs / (m - 1.0);
			}
		}
	}
	nc = tt_xcalloc(ncats + 1, sizeof *nc);
	for (c = 0; c < ncats; c++) {
		for (k = 0; k < ncats; k++) {
			nc[c] += o[c * ncats + k];
			if (c != k)
				dis += o[c * ncats + k];
		}
		n += nc[c];
	}
	for (c = 0; c < ncats; c++) {
		for (k = 0; k < ncats; k++) {
			if (c != k)
				exp += nc[c] * nc[k];
		}
	}
	if (pairable != NULL)
		*pairable = (size_t)llround(n);
	free(o);
	free(nc);
	free(cnt);
	if (n < 2 || exp == 0)
		return NAN;
	return 1.0 - (n - 1.0) * dis / exp;
}

/* Category cat vs the rest: kappa (two coders) and alpha. */
static void agree_one_label(const struct agree_table *t, uint32_t cat, struct agree_label *l)
{
	size_t nv = t->nunits * t->ncoders, i;
	int32_t *bin = tt_xmalloc((nv ? nv : 1) * sizeof *bin);
	uint64_t tab[4] = { 0, 0, 0, 0 };
	size_t u;

	l->count = tt_xcalloc(t->ncoders + 1, sizeof *l->count);
	for (i = 0; i < nv; i++) {
		bin[i] = t->value[i] < 0 ? -1 : t->value[i] == (int32_t)cat;
		if (t->value[i] == (int32_t)cat)
			l->count[i % t->ncoders]++;
	}
	l->alpha = agree_alpha(bin, t->nunits, t->ncoders, 2, NULL);
	l->kappa = NAN;
	if (t->ncoders == 2) {
		for (u = 0; u < t->nunits; u++) {
			if (bin[2 * u] >= 0 && bin[2 * u + 1] >= 0)
				tab[bin[2 * u] * 2 + bin[2 * u + 1]]++;
		}
		l->kappa = agree_kappa(tab, 2);
	}
	free(bin);
}

void agree_report(const struct agree_table *t, struct agree_report *r)
{
	uint64_t *tab = tt_xcalloc((size_t)t->ncats * t->ncats + 1, sizeof *tab);
	size_t u;
	uint32_t c;

	memset(r, 0, sizeof *r);
	r->ncoders = t->ncoders;
	r->ncats = t->ncats;
	for (u = 0; u < t->nunits; u++) {
		size_t m = agree_answers(t, u);

		r->answered += m > 0;
		r->pairable += m > 1;
		if (m > 1 && agree_disagrees(t, u)) {
			r->disagree++;
			r->settled += agree_settled(t, u);
		}
		if (t->ncoders == 2 && agree_value(t, u, 0) >= 0 && agree_value(t, u, 1) >= 0) {
			r->both++;
			tab[(size_t)agree_value(t, u, 0) * t->ncats + (size_t)agree_value(t, u, 1)]++;
		}
	}
	r->kappa = t->ncoders == 2 ? agree_kappa(tab, t->ncats) : NAN;
	r->alpha = agree_alpha(t->value, t->nunits, t->ncoders, t->ncats, NULL);
	r->label = tt_xcalloc(t->ncats + 1, sizeof *r->label);
	for (c = 0; c < t->ncats; c++)
		agree_one_label(t, c, &r->label[c]);
	free(tab);
}

void agree_report_fini(struct agree_report *r)
{
	uint32_t c;

	for (c = 0; c < r->ncats; c++)
		free(r->label[c].count);
	free(r->label);
	memset(r, 0, sizeof *r);
}
