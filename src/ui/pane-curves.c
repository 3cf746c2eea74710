/*
 * pane-curves.c - the curves pane: train and validation loss (with the
 * previous run faint underneath), the validation metric and the learning
 * rate, drawn by chart.c from the trainer's logged points. Markers show
 * where a hyperparameter changed (named, e.g. "lr 0.25"), where training
 * paused, checkpoints, and the best validation point.
 *
 * The x axis spans the planned run (0 .. total steps) so that a new point
 * only adds cells at the right instead of rescaling the whole chart: over
 * SSH that is most of the difference between a few hundred bytes a frame
 * and a full repaint.
 */
#include "tunetop/pane.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/chart.h"

static const double pane_ema_steps[] = { 0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99 };
enum {
	PANE_EMA_LEVELS = sizeof pane_ema_steps / sizeof pane_ema_steps[0],
	PANE_MAX_MARKERS = 64,
	PANE_MARKER_LABEL = 40
};

/*
 * One series, built in one pass over the logged points: smoothed (the loss
 * series), cut to the x range shown and averaged into about two points per
 * braille dot column. A long run logs hundreds of thousands of points; a
 * frame touches each once and allocates only the thinned arrays.
 */
struct pane_xy {
	double *x, *y;			/* the thinned points */
	size_t n;
	double w, ema, wk;		/* smoothing weight; running average and w^k */
	double lo, hi;			/* the x range kept */
	size_t buckets, bucket, k;	/* the bucket being filled, and its count */
	double sx, sy;
	double last;			/* the latest raw value, for the title */
	size_t count;			/* finite values seen */
};

/* What the charts draw from. */
struct pane_curves {
	struct pane_xy train, valid, metric, lr, prev;
	double lo, hi;			/* the x range shown */
	struct chart_marker loss_marks[PANE_MAX_MARKERS];
	struct chart_marker lr_marks[PANE_MAX_MARKERS];
	char labels[PANE_MAX_MARKERS][PANE_MARKER_LABEL];
	size_t nloss_marks, nlr_marks;
	double xmax;
};

double pane_curves_smooth_weight(const struct ui *ui)
{
	int l = ui->curves.ema_level;

	return pane_ema_steps[l < 0 ? 0 : l >= PANE_EMA_LEVELS ? PANE_EMA_LEVELS - 1 : l];
}

double pane_curves_smooth(struct ui *ui, int dir)
{
	int l = ui->curves.ema_level + (dir > 0 ? 1 : -1);

	ui->curves.ema_level = l < 0 ? 0 : l >= PANE_EMA_LEVELS ? PANE_EMA_LEVELS - 1 : l;
	ui_mark(ui, 1u << PANE_CURVES);
	return pane_curves_smooth_weight(ui);
}

int pane_curves_set_smooth(struct ui *ui, double w)
{
	int l, best = 0;

	if (!(w >= 0 && w <= 0.99))
		return -1;
	for (l = 0; l < PANE_EMA_LEVELS; l++) {
		if (fabs(pane_ema_steps[l] - w) < fabs(pane_ema_steps[best] - w))
			best = l;
	}
	ui->curves.ema_level = best;
	ui_mark(ui, 1u << PANE_CURVES);
	return 0;
}

void pane_curves_cycle_range(struct ui *ui)
{
	uint64_t last = ui->train.npoints > 0 ? ui->train.points[ui->train.npoints - 1].step : 0;

	ui->curves.range_level = (ui->curves.range_level + 1) % 3;
	if (ui->curves.range_level == 0 || last < 16)
		ui->curves.last_n = 0;
	else
		ui->curves.last_n = ui->curves.range_level == 1 ? last / 4 : last / 16;
	if (ui->curves.last_n == 0)
		ui->curves.range_level = 0;
	ui_mark(ui, 1u << PANE_CURVES);
}

static void pane_xy_init(struct pane_xy *s, size_t buckets, double lo, double hi, double w)
{
	memset(s, 0, sizeof *s);
	s->x = tt_xmalloc((buckets + 1) * sizeof *s->x);
	s->y = tt_xmalloc((buckets + 1) * sizeof *s->y);
	s->buckets = buckets;
	s->bucket = SIZE_MAX;
	s->lo = lo;
	s->hi = hi;
	s->w = w;
	s->wk = 1;
	s->last = NAN;
}

static void pane_xy_flush(struct pane_xy *s)
{
	if (s->k == 0 || s->n > s->buckets)
		return;
	s->x[s->n] = s->sx / (double)s->k;
	s->y[s->n++] = s->sy / (double)s->k;
	s->sx = s->sy = 0;
	s->k = 0;
}

/*
 * chart_ema's smoothing (TensorBoard's, debiased by 1 - w^k) with w^k as a
 * running product instead of a pow() per point; then the bucket average.
 */
static void pane_xy_add(struct pane_xy *s, double x, double y)
{
	size_t b;

	if (!isfinite(y))
		return;
	s->last = y;
	s->count++;
	if (s->w > 0) {
		s->ema = s->ema * s->w + (1.0 - s->w) * y;
		s->wk *= s->w;
		y = s->ema / (1.0 - s->wk);
	}
	if (x < s->lo || x > s->hi)
		return;
	b = s->hi > s->lo ? (size_t)((x - s->lo) / (s->hi - s->lo) * (double)(s->buckets - 1)) : 0;
	if (b != s->bucket)
		pane_xy_flush(s);
	s->bucket = b;
	s->sx += x;
	s->sy += y;
	s->k++;
}

static void pane_xy_free(struct pane_xy *s)
{
	free(s->x);
	free(s->y);
}

/* The chart marker for an event, or kind 0 to leave it out. */
static struct chart_marker pane_marker(const struct trainer_event *ev, bool last_best)
{
	struct chart_marker mk = { (double)ev->step, 0, NULL };

	if (ev->kind == TRAINER_EV_SET || ev->kind == TRAINER_EV_PRUNE)
		mk.kind = 'h';
	else if (ev->kind == TRAINER_EV_PAUSE)
		mk.kind = 'p';
	else if (ev->kind == TRAINER_EV_DIVERGED) {
		mk.kind = 'p';
		mk.label = "diverged";
	} else if (ev->kind == TRAINER_EV_CHECKPOINT)
		mk.kind = 'c';
	else if (ev->kind == TRAINER_EV_BEST && last_best)
		mk.kind = 'b';
	return mk;
}

/*
 * Markers from the trainer's events; only the latest "best" is kept.
 * Hyperparameter changes come first: the chart labels markers in order
 * and runs out of label rows when several share a column.
 */
static void pane_curves_markers(struct ui *ui, struct pane_curves *c)
{
	const struct ui_train *m = &ui->train;
	size_t i, nl = 0, best = SIZE_MAX;
	int pass;

	for (i = 0; i < m->nevents; i++) {
		if (m->events[i].kind == TRAINER_EV_BEST)
			best = i;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->nevents && c->nloss_marks < PANE_MAX_MARKERS; i++) {
			const struct trainer_event *ev = &m->events[i];
			struct chart_marker mk = pane_marker(ev, i == best);

			if (mk.kind == 0 || (pass == 0) != (mk.kind == 'h'))
				continue;
			if (mk.kind == 'h' && nl < PANE_MAX_MARKERS) {
				snprintf(c->labels[nl], PANE_MARKER_LABEL, "%.16s %.20s", ev->key,
					 ev->new_value);
				mk.label = c->labels[nl++];
				if (strcmp(ev->key, "lr") == 0 && c->nlr_marks < PANE_MAX_MARKERS)
					c->lr_marks[c->nlr_marks++] = mk;
			}
			c->loss_marks[c->nloss_marks++] = mk;
		}
	}
}

/*
 * The x range shown: the planned run (0 .. total steps, or further if the
 * points or the previous run go further), or the last last_n steps.
 */
static void pane_curves_range(struct ui *ui, struct pane_curves *c)
{
	const struct ui_train *m = &ui->train;
	double last = m->npoints > 0 ? (double)m->points[m->npoints - 1].step : 0;

	c->xmax = last;
	if (m->nprev > 0 && m->prev_x[m->nprev - 1] > c->xmax)
		c->xmax = m->prev_x[m->nprev - 1];
	if (m->have_snap && (double)m->snap.total_steps > c->xmax)
		c->xmax = (double)m->snap.total_steps;
	c->lo = 0;
	c->hi = c->xmax;
	if (ui->curves.last_n > 0 && last > 0) {
		c->hi = last;
		c->lo = last > (double)ui->curves.last_n ? last - (double)ui->curves.last_n : 0;
	}
}

static void pane_curves_collect(struct ui *ui, struct pane_curves *c, int width)
{
	const struct ui_train *m = &ui->train;
	size_t i, buckets = (size_t)(width > 8 ? width : 8) * 2;
	double w = pane_curves_smooth_weight(ui);

	memset(c, 0, sizeof *c);
	pane_curves_range(ui, c);
	pane_xy_init(&c->train, buckets, c->lo, c->hi, w);
	pane_xy_init(&c->valid, buckets, c->lo, c->hi, w);
	pane_xy_init(&c->prev, buckets, c->lo, c->hi, w);
	pane_xy_init(&c->metric, buckets, c->lo, c->hi, 0);
	pane_xy_init(&c->lr, buckets, c->lo, c->hi, 0);
	for (i = 0; i < m->npoints; i++) {
		const struct trainer_point *p = &m->points[i];
		double x = (double)p->step;

		pane_xy_add(&c->train, x, p->train_loss);
		pane_xy_add(&c->valid, x, p->valid_loss);
		pane_xy_add(&c->metric, x, p->valid_metric);
		pane_xy_add(&c->lr, x, p->lr);
	}
	for (i = 0; i < m->nprev; i++)
		pane_xy_add(&c->prev, m->prev_x[i], m->prev_y[i]);
	pane_xy_flush(&c->train);
	pane_xy_flush(&c->valid);
	pane_xy_flush(&c->metric);
	pane_xy_flush(&c->lr);
	pane_xy_flush(&c->prev);
	pane_curves_markers(ui, c);
}

static void pane_curves_free(struct pane_curves *c)
{
	pane_xy_free(&c->train);
	pane_xy_free(&c->valid);
	pane_xy_free(&c->metric);
	pane_xy_free(&c->lr);
	pane_xy_free(&c->prev);
}

static void pane_curves_opts(struct ui *ui, const struct pane_curves *c, struct chart_opts *o,
			     const char *title)
{
	chart_opts_init(o);
	o->braille = !ui->ascii;
	o->title = title;
	if (c->hi > c->lo) {
		o->xmin = c->lo;
		o->xmax = c->hi;
	}
}

static void pane_draw_loss(struct ui *ui, const struct pane_curves *c, struct layout_rect r)
{
	struct chart_series s[3];
	struct chart_opts o;
	size_t n = 0;
	char title[64];

	if (c->prev.n > 0)
		s[n++] = (struct chart_series){ c->prev.x, c->prev.y, c->prev.n, GRID_ROLE_CHART_PREV,
						"prev", 1, 0 };
	s[n++] = (struct chart_series){ c->train.x, c->train.y, c->train.n, GRID_ROLE_CHART_TRAIN,
					"train", 0, 0 };
	s[n++] = (struct chart_series){ c->valid.x, c->valid.y, c->valid.n, GRID_ROLE_CHART_VALID,
					"valid", 0, 1 };	/* dashed: told apart without color */
	snprintf(title, sizeof title, "loss%s", ui->curves.logy ? " (log)" : "");
	pane_curves_opts(ui, c, &o, title);
	o.logy = ui->curves.logy;	/* smoothed already, before thinning */
	chart_draw(&ui->screen, r.x, r.y, r.w, r.h, s, n, c->loss_marks, c->nloss_marks, &o);
}

/* The validation metric's name: perplexity for a language model's run. */
static const char *pane_curves_metric(const struct ui *ui)
{
	if (ui->train.have_snap && ui->train.snap.lm)
		return "perplexity";
	return cfg_get_str(&ui->app->cfg, "metric");
}

static void pane_draw_side(struct ui *ui, const struct pane_curves *c, struct layout_rect r,
			   int which)
{
	struct chart_series s;
	struct chart_opts o;
	char title[64];

	if (which == 0) {
		snprintf(title, sizeof title, "valid %s", pane_curves_metric(ui));
		s = (struct chart_series){ c->metric.x, c->metric.y, c->metric.n,
					   GRID_ROLE_CHART_METRIC, NULL, 0, 0 };
	} else {
		snprintf(title, sizeof title, "lr");
		s = (struct chart_series){ c->lr.x, c->lr.y, c->lr.n, GRID_ROLE_CHART_LR, NULL, 0, 0 };
	}
	pane_curves_opts(ui, c, &o, title);
	chart_draw(&ui->screen, r.x, r.y, r.w, r.h, &s, 1, which ? c->lr_marks : NULL,
		   which ? c->nlr_marks : 0, &o);
}

/* Loss on the left; metric and lr stacked on the right when there is room. */
static void pane_curves_charts(struct ui *ui, const struct pane_curves *c, struct layout_rect in)
{
	struct layout_rect loss = in, side;
	int lw = in.w >= 100 ? in.w * 3 / 5 : in.w * 2 / 3;

	if (in.w < 60) {
		pane_draw_loss(ui, c, loss);
		return;
	}
	loss.w = lw;
	side = (struct layout_rect){ in.x + lw + 1, in.y, in.w - lw - 1, in.h };
	pane_draw_loss(ui, c, loss);
	grid_vline(&ui->screen, in.x + lw, in.y, in.h, GRID_ROLE_BORDER, 0);
	if (in.h < 12) {
		pane_draw_side(ui, c, side, 0);
		return;
	}
	side.h = in.h / 2;
	pane_draw_side(ui, c, side, 0);
	side.y += side.h;
	side.h = in.h - side.h;
	pane_draw_side(ui, c, side, 1);
}

/* The latest raw value of a series, for the title. */
static double pane_last(const struct pane_xy *s)
{
	return s->last;
}

static void pane_curves_title(struct ui *ui, const struct pane_curves *c, char *out, size_t n)
{
	size_t len;

	len = (size_t)snprintf(out, n, "curves");
	if (c->train.count > 0)
		len += (size_t)snprintf(out + len, n - len, " · train loss %.4f", pane_last(&c->train));
	if (c->valid.count > 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · valid loss %.4f", pane_last(&c->valid));
	if (c->metric.count > 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · %s %.4f",
					pane_curves_metric(ui), pane_last(&c->metric));
	if (pane_curves_smooth_weight(ui) > 0 && len < n)
		len += (size_t)snprintf(out + len, n - len, " · EMA %.2g", pane_curves_smooth_weight(ui));
	if (ui->curves.last_n > 0 && len < n)
		snprintf(out + len, n - len, " · last %llu steps", (unsigned long long)ui->curves.last_n);
}

void pane_curves_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	struct pane_curves c;
	char title[256];

	if (ui->curves.layers) {
		pane_layers_draw(ui, r, focused);
		return;
	}
	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	pane_curves_collect(ui, &c, in.w);
	pane_curves_title(ui, &c, title, sizeof title);
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w > 0 && in.h > 0) {
		if (ui->train.npoints == 0 && ui->train.nprev == 0) {
			const char *hint = ui->app->trainer == NULL ?
				"no training yet: press t to train" : "waiting for the first points";
			int hw = grid_text_width(hint);

			grid_text(&ui->screen, in.x + (in.w > hw ? (in.w - hw) / 2 : 0), in.y + in.h / 2,
				  hint, in.w, GRID_ROLE_DIM, 0);
		} else {
			pane_curves_charts(ui, &c, in);
		}
	}
	pane_curves_free(&c);
}
