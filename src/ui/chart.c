/*
 * chart.c - line charts of training curves into a cell grid. See chart.h.
 *
 * The chart works in "dot space": braille gives every cell 2 columns and 4
 * rows of dots, ASCII gives one dot per cell. Points map linearly into dot
 * space (y after log10 on a log scale), consecutive points are joined with
 * Bresenham lines, and the dots are gathered per cell before the cells are
 * written, so the grid sees each cell once.
 *
 * Axis ranges are tight around the data (no widening to round numbers: at
 * 80x24 the plot has only a handful of rows, and wasting them on empty
 * range hides the curve); the ticks are the round values inside the range.
 */
#include "tunetop/chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	CHART_MAX_TICKS = 32,
	CHART_LABEL_MAX = 16,
	BRAILLE_BASE = 0x2800,
	MARKER_LABEL_ROWS = 2
};

/*
 * ASCII glyphs for series 0, 1, 2 ... (cycled; '+' comes late because the
 * ASCII axis uses it for ticks); faint series use '.'.
 */
static const char chart_ascii_glyphs[] = "*ox+#%@";

/* Braille dot bits by [row 0..3][column 0..1] inside a cell. */
static const uint8_t braille_bits[4][2] = {
	{ 0x01, 0x08 },
	{ 0x02, 0x10 },
	{ 0x04, 0x20 },
	{ 0x40, 0x80 },
};

/* One drawing: where the plot is, its ranges, and the dots per cell. */
struct chart_ctx {
	struct grid *g;
	int braille;
	int px, py, pw, ph;	/* plot rectangle in cells */
	int dw, dh;		/* plot size in dots */
	double xlo, xhi;	/* x range */
	double ylo, yhi;	/* y range (log10 of it on a log scale) */
	uint8_t *bits;		/* per cell: braille dot bits, or 1 when set (ASCII) */
	uint8_t *role;		/* per cell: role of the last series that set a dot */
	uint8_t *attr;
	uint32_t *glyph;	/* per cell, ASCII mode */
	int dash;		/* dashed series: dots drawn along the series so far */
};

enum {
	DASH_ON = 3,		/* a dashed line: 3 dots drawn, 3 skipped */
	DASH_PERIOD = 6
};

/* A series ready to draw: smoothed y, log10 applied, invalid points NaN. */
struct chart_prep {
	double *x;
	double *y;
	size_t n;
};

void
chart_opts_init(struct chart_opts *o)
{
	memset(o, 0, sizeof *o);
	o->braille = 1;
	o->xmin = NAN;
	o->xmax = NAN;
}

void
chart_ema(const double *y, size_t n, double weight, double *out)
{
	double last = 0.0;
	double k = 0.0;

	if (weight < 0.0)
		weight = 0.0;
	if (weight > 0.999)
		weight = 0.999;
	for (size_t i = 0; i < n; i++) {
		double v = y[i];
		if (!isfinite(v)) {
			out[i] = v;
			continue;
		}
		last = last * weight + (1.0 - weight) * v;
		k += 1.0;
		/* Dividing by 1 - w^k undoes the pull toward the 0 start. */
		out[i] = weight > 0.0 ? last / (1.0 - pow(weight, k)) : v;
	}
}

/* ---- ticks and labels ---- */

static int
chart_count_multiples(double lo, double hi, double step)
{
	double first = ceil(lo / step - 1e-9);
	double last = floor(hi / step + 1e-9);

	return last < first ? 0 : (int)(last - first) + 1;
}

/*
 * Multiples of the smallest step of 1, 2 or 5 x 10^k (at least min_step)
 * that gives at most max ticks within [lo, hi].
 */
static int
chart_ticks_linear(double lo, double hi, int max, double min_step, double *ticks)
{
	static const double mult[3] = { 1.0, 2.0, 5.0 };
	double range = hi - lo;
	double base, step = 0.0;
	int n = 0;

	if (max < 1 || !(range > 0.0) || !isfinite(range))
		return 0;
	base = pow(10.0, floor(log10(range / max)) - 1.0);
	for (int i = 0; i < 40 && step == 0.0; i++) {
		double s = base * mult[i % 3] * pow(10.0, i / 3);
		if (s >= min_step && chart_count_multiples(lo, hi, s) <= max)
			step = s;
	}
	if (step == 0.0)
		return 0;
	for (double k = ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1.0) {
		if (n == max || n == CHART_MAX_TICKS)
			break;
		/* 0.30000000000000004 would print fine, but -0 would not. */
		ticks[n++] = k == 0.0 ? 0.0 : k * step;
	}
	return n;
}

/* Values m x 10^k within [lo, hi] for each m in mults, ascending. */
static int
chart_ticks_decades(double lo, double hi, const double *mults, int nmults, int every,
		    double *ticks)
{
	int n = 0;
	int k0 = (int)floor(log10(lo)) - 1;
	int k1 = (int)ceil(log10(hi)) + 1;

	for (int k = k0; k <= k1; k++) {
		if (((k % every) + every) % every != 0)
			continue;
		for (int i = 0; i < nmults; i++) {
			double v = mults[i] * pow(10.0, k);
			if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9) && n < CHART_MAX_TICKS)
				ticks[n++] = v;
		}
	}
	return n;
}

static int
chart_ticks_log(double *lo, double *hi, int max, double *ticks)
{
	static const double one[1] = { 1.0 };
	static const double one25[3] = { 1.0, 2.0, 5.0 };
	int n;

	if (!(*lo > 0.0) || !(*hi >= *lo))
		return 0;
	for (int every = 1; every < 400; every++) {
		n = chart_ticks_decades(*lo, *hi, one, 1, every, ticks);
		if (n <= max)
			break;
	}
	if (n >= 2 || max < 2)
		return n;
	n = chart_ticks_decades(*lo, *hi, one25, 3, 1, ticks);
	if (n >= 2 && n <= max)
		return n;
	*lo = pow(10.0, floor(log10(*lo)));
	*hi = pow(10.0, ceil(log10(*hi)));
	if (*hi <= *lo)
		*hi = *lo * 10.0;
	return chart_ticks_decades(*lo, *hi, one, 1, 1, ticks);
}

int
chart_ticks(double *lo, double *hi, int log, int max, double *ticks)
{
	if (max > CHART_MAX_TICKS)
		max = CHART_MAX_TICKS;
	if (log)
		return chart_ticks_log(lo, hi, max, ticks);
	return chart_ticks_linear(*lo, *hi, max, 0.0, ticks);
}

/* printf with %.*g, then drop a trailing ".0" style fraction of zeros. */
static int
chart_fmt_g(char *buf, size_t n, int prec, double v, const char *suffix)
{
	char tmp[48];

	snprintf(tmp, sizeof tmp, "%.*g", prec, v);
	return snprintf(buf, n, "%s%s", tmp, suffix);
}

int
chart_fmt(double v, char *buf, size_t n)
{
	static const char *const big[4] = { "k", "M", "G", "T" };
	double a = fabs(v);
	int e;
	double m;
	char tmp[32];

	if (isnan(v))
		return snprintf(buf, n, "nan");
	if (isinf(v))
		return snprintf(buf, n, v < 0 ? "-inf" : "inf");
	if (a == 0.0)
		return snprintf(buf, n, "0");
	if (a >= 1e3) {
		int i = 0;
		double s = v / 1e3;
		while (fabs(s) >= 999.5 && i < 3) {
			s /= 1e3;
			i++;
		}
		return chart_fmt_g(buf, n, 3, s, big[i]);
	}
	if (a >= 1e-3)
		return chart_fmt_g(buf, n, 4, v, "");
	/* Small: mantissa with at most two significant digits, short exponent. */
	e = (int)floor(log10(a));
	m = v / pow(10.0, e);
	snprintf(tmp, sizeof tmp, "%.1f", m);
	if (fabs(atof(tmp)) >= 10.0) {
		e++;
		m = v / pow(10.0, e);
		snprintf(tmp, sizeof tmp, "%.1f", m);
	}
	if (strlen(tmp) > 2 && strcmp(tmp + strlen(tmp) - 2, ".0") == 0)
		tmp[strlen(tmp) - 2] = '\0';
	return snprintf(buf, n, "%se%d", tmp, e);
}

/* ---- preparing the data ---- */

static double
chart_x_at(const struct chart_series *s, size_t i)
{
	return s->x != NULL ? s->x[i] : (double)i;
}

static void
chart_prep_series(struct chart_prep *p, const struct chart_series *s,
		  const struct chart_opts *o)
{
	p->n = s->n;
	p->x = tt_xcalloc(s->n, sizeof *p->x);
	p->y = tt_xcalloc(s->n, sizeof *p->y);
	for (size_t i = 0; i < s->n; i++)
		p->x[i] = chart_x_at(s, i);
	if (o->ema > 0.0)
		chart_ema(s->y, s->n, o->ema, p->y);
	else if (s->n > 0)
		memcpy(p->y, s->y, s->n * sizeof *p->y);
	for (size_t i = 0; i < s->n; i++) {
		double v = p->y[i];
		if (!isfinite(p->x[i]) || !isfinite(v) || (o->logy && v <= 0.0))
			p->y[i] = NAN;
		else if (o->logy)
			p->y[i] = log10(v);
	}
}

static void
chart_prep_free(struct chart_prep *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].x);
		free(p[i].y);
	}
	free(p);
}

/* The x range: the data's, then the options' limits. 0, or -1 if empty. */
static int
chart_x_range(struct chart_ctx *c, const struct chart_prep *p, size_t np,
	      const struct chart_opts *o)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t s = 0; s < np; s++)
		for (size_t i = 0; i < p[s].n; i++)
			if (!isnan(p[s].y[i])) {
				lo = fmin(lo, p[s].x[i]);
				hi = fmax(hi, p[s].x[i]);
			}
	if (lo > hi)
		return -1;
	if (!isnan(o->xmin))
		lo = o->xmin;
	if (!isnan(o->xmax))
		hi = o->xmax;
	if (o->last_n > 0 && hi - o->last_n > lo)
		lo = hi - o->last_n;
	if (!(hi > lo))
		hi = lo + 1.0;
	c->xlo = lo;
	c->xhi = hi;
	return 0;
}

/* The y range of the points inside the x range. 0, or -1 if none. */
static int
chart_y_range(struct chart_ctx *c, const struct chart_prep *p, size_t np)
{
	double lo = INFINITY, hi = -INFINITY;

	for (size_t s = 0; s < np; s++)
		for (size_t i = 0; i < p[s].n; i++) {
			double v = p[s].y[i];
			if (isnan(v) || p[s].x[i] < c->xlo || p[s].x[i] > c->xhi)
				continue;
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
	if (lo > hi)
		return -1;
	/* Flat (up to rounding, e.g. a smoothed constant): pad around it. */
	if (hi - lo <= 1e-9 * fmax(fabs(lo), fabs(hi))) {
		double pad = fabs(lo) > 0.0 ? fabs(lo) * 0.1 : 1.0;
		lo -= pad;
		hi += pad;
	}
	c->ylo = lo;
	c->yhi = hi;
	return 0;
}

/* ---- dot space ---- */

static int
chart_dot_x(const struct chart_ctx *c, double x)
{
	return (int)lround((x - c->xlo) / (c->xhi - c->xlo) * (c->dw - 1));
}

/* Dot row, 0 at the top, clamped into the plot. */
static int
chart_dot_y(const struct chart_ctx *c, double y)
{
	long d = lround((y - c->ylo) / (c->yhi - c->ylo) * (c->dh - 1));

	if (d < 0)
		d = 0;
	if (d > c->dh - 1)
		d = c->dh - 1;
	return c->dh - 1 - (int)d;
}

static void
chart_dot(struct chart_ctx *c, int dx, int dy, uint8_t role, uint8_t attr, uint32_t glyph)
{
	int cx, cy;
	size_t i;

	if (dx < 0 || dy < 0 || dx >= c->dw || dy >= c->dh)
		return;
	cx = c->braille ? dx / 2 : dx;
	cy = c->braille ? dy / 4 : dy;
	i = (size_t)cy * (size_t)c->pw + (size_t)cx;
	c->bits[i] |= c->braille ? braille_bits[dy % 4][dx % 2] : 1;
	c->role[i] = role;
	c->attr[i] = attr;
	c->glyph[i] = glyph;
}

/* A line of dots; dashed: every other run of DASH_ON dots, continued across segments. */
static void
chart_line(struct chart_ctx *c, int x0, int y0, int x1, int y1, uint8_t role, uint8_t attr,
	   uint32_t glyph, int dashed)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int err = dx + dy;

	for (;;) {
		if (!dashed || c->dash++ % DASH_PERIOD < DASH_ON)
			chart_dot(c, x0, y0, role, attr, glyph);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

/* Cut the segment (x0,y0)-(x1,y1) to the x range. 0, or -1 if outside. */
static int
chart_clip(const struct chart_ctx *c, double *x0, double *y0, double *x1, double *y1)
{
	if (*x1 < c->xlo || *x0 > c->xhi)
		return -1;
	if (*x0 < c->xlo && *x1 > *x0) {
		*y0 += (*y1 - *y0) * (c->xlo - *x0) / (*x1 - *x0);
		*x0 = c->xlo;
	}
	if (*x1 > c->xhi && *x1 > *x0) {
		*y1 = *y0 + (*y1 - *y0) * (c->xhi - *x0) / (*x1 - *x0);
		*x1 = c->xhi;
	}
	return 0;
}

static uint32_t
chart_ascii_glyph(size_t index, int faint)
{
	if (faint)
		return '.';
	return (uint32_t)chart_ascii_glyphs[index % (sizeof chart_ascii_glyphs - 1)];
}

static void
chart_plot_series(struct chart_ctx *c, const struct chart_prep *p, const struct chart_series *s,
		  size_t index)
{
	uint8_t attr = s->faint ? GRID_ATTR_DIM : 0;
	uint32_t glyph = chart_ascii_glyph(index, s->faint);
	int dashed = s->dashed && c->braille;
	/* Point marks only while they stay apart (a few per cell column at most). */
	int marks = dashed && p->n <= (size_t)c->pw / 3;

	c->dash = 0;
	for (size_t i = 0; i < p->n; i++) {
		double x0 = p->x[i], y0 = p->y[i];
		int alone;

		if (isnan(y0))
			continue;
		alone = (i == 0 || isnan(p->y[i - 1])) && (i + 1 == p->n || isnan(p->y[i + 1]));
		if ((alone || marks) && x0 >= c->xlo && x0 <= c->xhi)
			chart_dot(c, chart_dot_x(c, x0), chart_dot_y(c, y0), s->role, attr, glyph);
		if (marks && x0 >= c->xlo && x0 <= c->xhi) {
			/* A 2x2 block of dots: the point stands out of the dashes. */
			int mx = chart_dot_x(c, x0) & ~1, my = chart_dot_y(c, y0);

			chart_dot(c, mx, my, s->role, attr, glyph);
			chart_dot(c, mx + 1, my, s->role, attr, glyph);
			chart_dot(c, mx, my > 0 ? my - 1 : my + 1, s->role, attr, glyph);
			chart_dot(c, mx + 1, my > 0 ? my - 1 : my + 1, s->role, attr, glyph);
		}
		if (i + 1 < p->n && !isnan(p->y[i + 1])) {
			double x1 = p->x[i + 1], y1 = p->y[i + 1];
			if (chart_clip(c, &x0, &y0, &x1, &y1) == 0)
				chart_line(c, chart_dot_x(c, x0), chart_dot_y(c, y0),
					   chart_dot_x(c, x1), chart_dot_y(c, y1), s->role, attr,
					   glyph, dashed);
		}
	}
}

/* Write the gathered dots into the grid. */
static void
chart_blit(struct chart_ctx *c)
{
	for (int r = 0; r < c->ph; r++)
		for (int col = 0; col < c->pw; col++) {
			size_t i = (size_t)r * (size_t)c->pw + (size_t)col;
			uint32_t cp;

			if (c->bits[i] == 0)
				continue;
			cp = c->braille ? (uint32_t)BRAILLE_BASE + c->bits[i] : c->glyph[i];
			grid_put(c->g, c->px + col, c->py + r, cp, c->role[i], c->attr[i]);
		}
}

/* ---- axes, legend, markers ---- */

/* Grid row of a y value (in plot space, i.e. log10 on a log scale). */
static int
chart_row_of(const struct chart_ctx *c, double y)
{
	int dy = chart_dot_y(c, y);

	return c->py + (c->braille ? dy / 4 : dy);
}

static int
chart_col_of(const struct chart_ctx *c, double x)
{
	int dx = chart_dot_x(c, x);

	return c->px + (c->braille ? dx / 2 : dx);
}

/* The y ticks for the range (in data units) and the widest label. */
static int
chart_y_ticks(struct chart_ctx *c, int logy, double *ticks, int *label_w)
{
	/* About one label every other row, two at least, eight at most. */
	int max = (c->ph + 1) / 2;
	int n;
	double lo, hi;

	if (max < 2)
		max = 2;
	if (max > 8)
		max = 8;
	lo = logy ? pow(10.0, c->ylo) : c->ylo;
	hi = logy ? pow(10.0, c->yhi) : c->yhi;
	n = chart_ticks(&lo, &hi, logy, max, ticks);
	/* [1, 3] with two ticks at most gets only "2": one more is better. */
	if (n < 2 && !logy && c->ph > 2)
		n = chart_ticks(&lo, &hi, logy, max + 1, ticks);
	if (logy) {
		c->ylo = log10(lo);
		c->yhi = log10(hi);
	}
	*label_w = 1;
	for (int i = 0; i < n; i++) {
		char buf[CHART_LABEL_MAX];
		int len = chart_fmt(ticks[i], buf, sizeof buf);
		if (len > *label_w)
			*label_w = len;
	}
	return n;
}

static void
chart_draw_y_axis(struct chart_ctx *c, int x, int label_w, const double *ticks, int n,
		  int logy)
{
	uint32_t bar = c->g->ascii ? '|' : 0x2502;
	uint32_t tick = c->g->ascii ? '+' : 0x2524;
	int last_row = -1;

	for (int r = 0; r < c->ph; r++)
		grid_put(c->g, c->px - 1, c->py + r, bar, GRID_ROLE_CHART_AXIS, 0);
	for (int i = n - 1; i >= 0; i--) {
		char buf[CHART_LABEL_MAX];
		int row = chart_row_of(c, logy ? log10(ticks[i]) : ticks[i]);
		int len;

		if (row == last_row)
			continue;	/* two ticks on one row: keep the upper one */
		last_row = row;
		len = chart_fmt(ticks[i], buf, sizeof buf);
		grid_text(c->g, x + label_w - len, row, buf, len, GRID_ROLE_CHART_AXIS, 0);
		grid_put(c->g, c->px - 1, row, tick, GRID_ROLE_CHART_AXIS, 0);
	}
}

static void
chart_draw_x_axis(struct chart_ctx *c, int x, int w, int row)
{
	double ticks[CHART_MAX_TICKS];
	char lo[CHART_LABEL_MAX], hi[CHART_LABEL_MAX];
	int lw = chart_fmt(c->xlo, lo, sizeof lo);
	int hw = chart_fmt(c->xhi, hi, sizeof hi);
	int max = c->pw / ((lw > hw ? lw : hw) + 2);
	double min_step = c->xhi - c->xlo >= 2.0 ? 1.0 : 0.0;
	int n = chart_ticks_linear(c->xlo, c->xhi, max, min_step, ticks);
	int next_free = x;

	for (int i = 0; i < n; i++) {
		char buf[CHART_LABEL_MAX];
		int len = chart_fmt(ticks[i], buf, sizeof buf);
		int start = chart_col_of(c, ticks[i]) - len / 2;

		if (start + len > x + w)
			start = x + w - len;
		if (start < next_free)
			continue;
		grid_text(c->g, start, row, buf, len, GRID_ROLE_CHART_AXIS, 0);
		next_free = start + len + 1;
	}
}

/* Title, then one legend entry per named series. */
static void
chart_draw_title(struct grid *g, int x, int y, int w, const struct chart_series *series,
		 size_t ns, const struct chart_opts *o, int braille)
{
	int col = x;

	if (o->title != NULL && o->title[0] != '\0')
		col += grid_text(g, col, y, o->title, w, GRID_ROLE_TITLE, GRID_ATTR_BOLD) + 2;
	for (size_t i = 0; i < ns; i++) {
		const struct chart_series *s = &series[i];
		uint8_t attr = s->faint ? GRID_ATTR_DIM : 0;
		char glyph[8];
		int need;

		if (s->name == NULL)
			continue;
		if (braille && s->dashed)
			snprintf(glyph, sizeof glyph, "\xE2\x94\x85");	/* ┅ */
		else if (braille)
			snprintf(glyph, sizeof glyph, "\xE2\x94\x81");	/* ━ */
		else
			snprintf(glyph, sizeof glyph, "%c", (char)chart_ascii_glyph(i, s->faint));
		need = 2 + grid_text_width(s->name);
		if (col + need > x + w)
			break;
		col += grid_text(g, col, y, glyph, 1, s->role, attr) + 1;
		col += grid_text(g, col, y, s->name, x + w - col, s->role, attr) + 2;
	}
}

static const char *
chart_marker_label(const struct chart_marker *m)
{
	if (m->label != NULL)
		return m->label;
	switch (m->kind) {
	case 'p':
		return "pause";
	case 'c':
		return "ckpt";
	case 'b':
		return "best";
	default:
		return "";
	}
}

/* A dotted vertical line through the empty cells of the marker's column. */
static void
chart_draw_marker_line(struct chart_ctx *c, const struct chart_marker *m)
{
	uint32_t bar = c->g->ascii ? ':' : 0x250A;
	int col;

	if (!(m->x >= c->xlo && m->x <= c->xhi))
		return;
	col = chart_col_of(c, m->x);
	for (int r = 0; r < c->ph; r++)
		if (c->bits[(size_t)r * (size_t)c->pw + (size_t)(col - c->px)] == 0)
			grid_put(c->g, col, c->py + r, bar, GRID_ROLE_CHART_MARKER, 0);
}

/*
 * The marker's label at the top, right of its line (left when it does not
 * fit), on the first of the top rows where it overlaps no earlier label.
 * label_end[r] is the column after the last label on row r.
 */
static void
chart_draw_marker_label(struct chart_ctx *c, const struct chart_marker *m, int *label_end)
{
	const char *label = chart_marker_label(m);
	int col, len, start;

	if (!(m->x >= c->xlo && m->x <= c->xhi))
		return;
	col = chart_col_of(c, m->x);
	len = grid_text_width(label);
	if (len == 0)
		return;
	start = col + 1;
	if (start + len > c->px + c->pw)
		start = col - len;
	if (start < c->px)
		return;
	for (int r = 0; r < MARKER_LABEL_ROWS && r < c->ph; r++) {
		if (start <= label_end[r])
			continue;
		grid_text(c->g, start, c->py + r, label, len, GRID_ROLE_CHART_MARKER, 0);
		label_end[r] = start + len;
		return;
	}
}

static void
chart_no_data(struct grid *g, int x, int y, int w, int h, const char *what)
{
	int len = grid_text_width(what);
	int row = y + (h > 1 ? 1 + (h - 2) / 2 : 0);

	if (row >= y + h)
		row = y + h - 1;
	grid_text(g, x + (w > len ? (w - len) / 2 : 0), row, what, w, GRID_ROLE_DIM, 0);
}

/* The plot proper, once the data and the rectangle are known to fit. */
static void
chart_plot(struct chart_ctx *c, const struct chart_prep *p, const struct chart_series *series,
	   size_t ns, const struct chart_marker *markers, size_t nm)
{
	size_t cells = (size_t)c->pw * (size_t)c->ph;
	int label_end[MARKER_LABEL_ROWS];

	c->bits = tt_xcalloc(cells, 1);
	c->role = tt_xcalloc(cells, 1);
	c->attr = tt_xcalloc(cells, 1);
	c->glyph = tt_xcalloc(cells, sizeof *c->glyph);
	for (size_t s = 0; s < ns; s++)
		chart_plot_series(c, &p[s], &series[s], s);
	chart_blit(c);
	for (int r = 0; r < MARKER_LABEL_ROWS; r++)
		label_end[r] = -1;
	for (size_t i = 0; i < nm; i++)
		chart_draw_marker_line(c, &markers[i]);
	for (size_t i = 0; i < nm; i++)
		chart_draw_marker_label(c, &markers[i], label_end);
	free(c->bits);
	free(c->role);
	free(c->attr);
	free(c->glyph);
}

int
chart_draw(struct grid *g, int x, int y, int w, int h, const struct chart_series *series,
	   size_t nseries, const struct chart_marker *markers, size_t nmarkers,
	   const struct chart_opts *opts)
{
	struct chart_opts defaults;
	struct chart_ctx c;
	struct chart_prep *p;
	double ticks[CHART_MAX_TICKS];
	int nticks, label_w, rc = 0;

	if (opts == NULL) {
		chart_opts_init(&defaults);
		opts = &defaults;
	}
	if (w <= 0 || h <= 0)
		return -1;
	memset(&c, 0, sizeof c);
	c.g = g;
	c.braille = opts->braille && !g->ascii;
	grid_fill(g, x, y, w, h, ' ', GRID_ROLE_DEFAULT, 0);
	chart_draw_title(g, x, y, w, series, nseries, opts, c.braille);
	p = tt_xcalloc(nseries, sizeof *p);
	for (size_t s = 0; s < nseries; s++)
		chart_prep_series(&p[s], &series[s], opts);
	if (chart_x_range(&c, p, nseries, opts) < 0) {
		chart_no_data(g, x, y, w, h, "no data yet");
		goto out;
	}
	if (chart_y_range(&c, p, nseries) < 0) {
		chart_no_data(g, x, y, w, h, "no data in range");
		goto out;
	}
	c.py = y + 1;
	c.ph = h - 2;
	if (c.ph < 1) {
		rc = -1;
		goto out;
	}
	nticks = chart_y_ticks(&c, opts->logy, ticks, &label_w);
	c.px = x + label_w + 1;
	c.pw = w - label_w - 1;
	if (c.pw < 2) {
		rc = -1;
		goto out;
	}
	c.dw = c.braille ? c.pw * 2 : c.pw;
	c.dh = c.braille ? c.ph * 4 : c.ph;
	chart_draw_y_axis(&c, x, label_w, ticks, nticks, opts->logy);
	chart_draw_x_axis(&c, x, w, y + h - 1);
	chart_plot(&c, p, series, nseries, markers, nmarkers);
out:
	chart_prep_free(p, nseries);
	return rc;
}
