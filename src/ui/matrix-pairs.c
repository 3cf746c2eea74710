/*
 * matrix-pairs.c - "top confusions": the off-diagonal cells of a confusion
 * matrix as a list, most examples first. With many classes the matrix
 * cannot show every cell at once, but the list always starts with the
 * mistakes that matter. See matrix.h.
 */
#include "tunetop/matrix.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/util.h"

enum {
	PAIRS_NAME_MAX = 64,
	PAIRS_SHARE_W = 8	/* " of true" column: "  100%" */
};

static int
matrix_pair_cmp(const void *a, const void *b)
{
	const struct matrix_pair *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

size_t
matrix_pairs(const struct matrix_data *d, struct matrix_pair **out)
{
	size_t n = 0;

	*out = NULL;
	if (d->counts == NULL)
		return 0;
	for (size_t i = 0; i < (size_t)d->n * d->n; i++)
		if (d->counts[i] > 0 && i / d->n != i % d->n)
			n++;
	if (n == 0)
		return 0;
	*out = tt_xmalloc(n * sizeof **out);
	n = 0;
	for (uint32_t t = 0; t < d->n; t++)
		for (uint32_t p = 0; p < d->n; p++) {
			uint64_t c = d->counts[(size_t)t * d->n + p];

			if (c > 0 && t != p)
				(*out)[n++] = (struct matrix_pair){ t, p, c };
		}
	qsort(*out, n, sizeof **out, matrix_pair_cmp);
	return n;
}

static void
pairs_name(const struct matrix_data *d, uint32_t c, char *buf, size_t n)
{
	if (d->labels != NULL && d->labels[c] != NULL)
		snprintf(buf, n, "%s", d->labels[c]);
	else
		snprintf(buf, n, "%u", c);
}

static uint64_t
pairs_row_total(const struct matrix_data *d, uint32_t t)
{
	uint64_t s = 0;

	for (uint32_t p = 0; p < d->n; p++)
		s += d->counts[(size_t)t * d->n + p];
	return s;
}

/* One listed pair: count, "true → predicted" (both cut alike), share. */
static void
pairs_draw_one(struct grid *g, int x, int y, int w, int cw, const struct matrix_data *d,
	       const struct matrix_pair *pr, int hl)
{
	char tn[PAIRS_NAME_MAX], pn[PAIRS_NAME_MAX], tc[PAIRS_NAME_MAX + 4];
	char pc[PAIRS_NAME_MAX + 4], buf[32];
	uint8_t attr = hl ? GRID_ATTR_REVERSE : 0;
	uint64_t total = pairs_row_total(d, pr->t);
	int names_w = w - cw - 2 - PAIRS_SHARE_W, half, px;

	grid_fill(g, x, y, w, 1, ' ', GRID_ROLE_DEFAULT, attr);
	snprintf(buf, sizeof buf, "%*llu", cw, (unsigned long long)pr->count);
	grid_text(g, x, y, buf, cw, GRID_ROLE_DEFAULT, attr | GRID_ATTR_BOLD);
	if (names_w < 7) {		/* too narrow for the share: names only */
		names_w += PAIRS_SHARE_W;
	} else {
		snprintf(buf, sizeof buf, "%.0f%%",
			 total > 0 ? 100.0 * (double)pr->count / (double)total : 0.0);
		grid_text(g, x + w - grid_text_width(buf), y, buf, PAIRS_SHARE_W,
			  GRID_ROLE_DIM, attr);
	}
	pairs_name(d, pr->t, tn, sizeof tn);
	pairs_name(d, pr->p, pn, sizeof pn);
	half = (names_w - 3) / 2;
	if (grid_text_width(tn) + grid_text_width(pn) + 3 <= names_w) {
		snprintf(tc, sizeof tc, "%s", tn);
		snprintf(pc, sizeof pc, "%s", pn);
	} else if (grid_text_width(tn) <= half) {
		snprintf(tc, sizeof tc, "%s", tn);
		grid_truncate(pn, names_w - 3 - grid_text_width(tn), g->ascii, pc, sizeof pc);
	} else if (grid_text_width(pn) <= names_w - 3 - half) {
		snprintf(pc, sizeof pc, "%s", pn);
		grid_truncate(tn, names_w - 3 - grid_text_width(pn), g->ascii, tc, sizeof tc);
	} else {
		grid_truncate(tn, half, g->ascii, tc, sizeof tc);
		grid_truncate(pn, names_w - 3 - half, g->ascii, pc, sizeof pc);
	}
	px = x + cw + 2;
	px += grid_text(g, px, y, tc, names_w, GRID_ROLE_LABEL_NAME, attr);
	px += grid_text(g, px, y, g->ascii ? " > " : " \xE2\x86\x92 ", 3, GRID_ROLE_DIM, attr);
	grid_text(g, px, y, pc, x + cw + 2 + names_w - px, GRID_ROLE_LABEL_SUGGEST, attr);
}

void
matrix_pairs_draw(struct grid *g, int x, int y, int w, int h, const struct matrix_data *d,
		  const struct matrix_pair *pairs, size_t npairs, size_t sel, int cursor,
		  size_t *first)
{
	uint64_t errors = 0, all = 0;
	size_t rows, i;
	char buf[160];
	int cw = 6;
	const char *dot = g->ascii ? ", " : " \xC2\xB7 ";

	if (w <= 0 || h <= 0)
		return;
	grid_fill(g, x, y, w, h, ' ', GRID_ROLE_DEFAULT, 0);
	for (i = 0; i < npairs; i++)
		errors += pairs[i].count;
	for (uint32_t t = 0; t < d->n && d->counts != NULL; t++)
		all += pairs_row_total(d, t);
	if (npairs == 0) {
		grid_text(g, x, y, all > 0 ? "no confusions: every example is on the diagonal" :
			  "no evaluation yet", w, GRID_ROLE_DIM, 0);
		return;
	}
	grid_text(g, x, y, g->ascii ? "errors  true > predicted" :
		  "errors  true \xE2\x86\x92 predicted", w, GRID_ROLE_TITLE, 0);
	if (w > 40)
		grid_text(g, x + w - 7, y, "of true", 7, GRID_ROLE_TITLE, 0);
	rows = h > 2 ? (size_t)h - 2 : 0;
	if (sel >= npairs)
		sel = npairs - 1;
	if (*first > sel)
		*first = sel;
	if (rows > 0 && sel >= *first + rows)
		*first = sel - rows + 1;
	if (*first + rows > npairs)
		*first = npairs > rows ? npairs - rows : 0;
	for (i = 0; i < rows && *first + i < npairs; i++)
		pairs_draw_one(g, x, y + 1 + (int)i, w, cw, d, &pairs[*first + i],
			       cursor && *first + i == sel);
	if (h < 2)
		return;
	snprintf(buf, sizeof buf, "%zu-%zu of %zu pairs%s%llu errors in %llu",
		 rows > 0 ? *first + 1 : 0, *first + (rows < npairs - *first ? rows : npairs - *first),
		 npairs, dot, (unsigned long long)errors, (unsigned long long)all);
	if (!isnan(d->accuracy) && grid_text_width(buf) + 12 <= w)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%sacc %.2f", dot,
			 d->accuracy);
	grid_text(g, x, y + h - 1, buf, w, GRID_ROLE_DIM, 0);
}
