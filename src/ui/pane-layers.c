/*
 * pane-layers.c - the curves pane's layers view (key w, command `layers`):
 * one row per layer with its gradient norm and its update/weight ratio as
 * sparklines over the last logged points, and their latest values. A
 * person sees which layers learn - a ratio far below 1e-3 learns slowly,
 * far above 1e-2 too fast (the rule of thumb is about 1e-3 a step) - and
 * can change lr live, or freeze_layers and lora_rank for the next start.
 *
 *   layer    grad norm (log)       upd/w per step (log)       grad    upd/w
 *   embed    ▂▃▄▅▅▆▆▇▇█            ▁▁▂▂▃▃▄▅▆█              3.1e-01  1.2e-03
 *   block 0 F                                              -        -
 *
 * F marks a frozen layer (none of its views is trainable: it has no
 * gradient and does not move). Each sparkline is scaled to its own row
 * on a log scale (values span decades), so it shows a trend; the numbers
 * give the level. The values come from the trainer (trainer-layers.c),
 * mirrored by ui-train.c; nothing here reaches the trainer.
 */
#include "tunetop/pane.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"

enum {
	PANE_LAYERS_NAMEW = 9,          /* "block 11" and a space */
	PANE_LAYERS_VALW = 8            /* "1.2e-03" and a space */
};

void pane_layers_show(struct ui *ui, bool on)
{
	ui->curves.layers = on;
	ui_mark(ui, 1u << PANE_CURVES);
}

/* One sparkline of v[0..n) (the last w values) at (x, y), log scaled. */
static void pane_spark(struct ui *ui, int x, int y, int w, const float *v, size_t n,
		       uint8_t role)
{
	static const char ascii[] = "_.-:=+*#";
	double lo = INFINITY, hi = -INFINITY;
	size_t first = n > (size_t)w ? n - (size_t)w : 0, i;

	for (i = first; i < n; i++) {
		if (isfinite(v[i]) && v[i] > 0) {
			double l = log10(v[i]);

			lo = l < lo ? l : lo;
			hi = l > hi ? l : hi;
		}
	}
	for (i = first; i < n; i++) {
		int level;

		if (!(isfinite(v[i]) && v[i] > 0)) {
			grid_put(&ui->screen, x + (int)(i - first), y, ' ', role, 0);
			continue;
		}
		level = hi - lo > 1e-9 ? (int)((log10(v[i]) - lo) / (hi - lo) * 7.0 + 0.5) : 3;
		level = level < 0 ? 0 : level > 7 ? 7 : level;
		grid_put(&ui->screen, x + (int)(i - first), y,
			 ui->ascii ? (uint32_t)ascii[level] : 0x2581u + (uint32_t)level, role, 0);
	}
}

/* The latest value of v as "1.2e-03", or "-" when there is none. */
static void pane_layers_val(const float *v, size_t n, char *out, size_t len)
{
	if (n == 0 || !isfinite(v[n - 1]))
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%.1e", (double)v[n - 1]);
}

/* Column widths for in.w: sparklines of sw each; values shown or not. */
static void pane_layers_cols(int w, int *sw, bool *vals)
{
	int fixed = PANE_LAYERS_NAMEW + 2 + 1 + 2 * PANE_LAYERS_VALW;

	*vals = true;
	*sw = (w - fixed) / 2;
	if (*sw < 6) {
		*vals = false;
		*sw = (w - PANE_LAYERS_NAMEW - 3) / 2;
	}
	if (*sw < 0)
		*sw = 0;
}

static void pane_layers_row(struct ui *ui, struct layout_rect in, int y,
			    const struct trainer_layer *l, int sw, bool vals)
{
	uint8_t role = l->frozen ? GRID_ROLE_DIM : GRID_ROLE_DEFAULT;
	int x = in.x;
	char v[16];

	grid_text(&ui->screen, x, y, l->name, PANE_LAYERS_NAMEW - 1, role, 0);
	x += PANE_LAYERS_NAMEW;
	if (l->frozen)
		grid_text(&ui->screen, x, y, "F", 1, GRID_ROLE_WARNING, GRID_ATTR_BOLD);
	x += 2;
	if (sw > 0) {
		pane_spark(ui, x, y, sw, l->grad_norm, l->n, GRID_ROLE_CHART_TRAIN);
		x += sw + 1;
		pane_spark(ui, x, y, sw, l->update_ratio, l->n, GRID_ROLE_CHART_VALID);
		x += sw;
	}
	if (!vals)
		return;
	x = in.x + in.w - 2 * PANE_LAYERS_VALW;
	pane_layers_val(l->grad_norm, l->n, v, sizeof v);
	grid_text(&ui->screen, x, y, v, PANE_LAYERS_VALW - 1, role, 0);
	pane_layers_val(l->update_ratio, l->n, v, sizeof v);
	grid_text(&ui->screen, x + PANE_LAYERS_VALW, y, v, PANE_LAYERS_VALW - 1, role, 0);
}

static void pane_layers_header(struct ui *ui, struct layout_rect in, int sw, bool vals)
{
	int x = in.x + PANE_LAYERS_NAMEW + 2;

	grid_text(&ui->screen, in.x, in.y, "layer", PANE_LAYERS_NAMEW - 1, GRID_ROLE_TITLE, 0);
	if (sw > 0) {
		grid_text(&ui->screen, x, in.y, "grad norm (log)", sw, GRID_ROLE_CHART_TRAIN, 0);
		grid_text(&ui->screen, x + sw + 1, in.y, "upd/w per step (log)", sw,
			  GRID_ROLE_CHART_VALID, 0);
	}
	if (vals) {
		x = in.x + in.w - 2 * PANE_LAYERS_VALW;
		grid_text(&ui->screen, x, in.y, "grad", PANE_LAYERS_VALW - 1, GRID_ROLE_TITLE, 0);
		grid_text(&ui->screen, x + PANE_LAYERS_VALW, in.y, "upd/w", PANE_LAYERS_VALW - 1,
			  GRID_ROLE_TITLE, 0);
	}
}

/* Centered hint when there is nothing to show yet. */
static void pane_layers_hint(struct ui *ui, struct layout_rect in, const char *hint)
{
	int hw = grid_text_width(hint);

	grid_text(&ui->screen, in.x + (in.w > hw ? (in.w - hw) / 2 : 0), in.y + in.h / 2, hint,
		  in.w, GRID_ROLE_DIM, 0);
}

void pane_layers_draw(struct ui *ui, struct layout_rect r, bool focused)
{
	const struct trainer_layers *L = &ui->train.layers;
	struct layout_rect in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	char title[160];
	size_t i, nfrozen = 0, shown;
	bool vals;
	int sw;

	for (i = 0; i < L->n; i++)
		nfrozen += L->l[i].frozen;
	if (L->n > 0 && nfrozen > 0)
		snprintf(title, sizeof title, "layers · step %llu · %zu layers, %zu frozen (F) · "
			 "w: curves", (unsigned long long)L->step, L->n, nfrozen);
	else if (L->n > 0)
		snprintf(title, sizeof title, "layers · step %llu · %zu layers · w: curves",
			 (unsigned long long)L->step, L->n);
	else
		snprintf(title, sizeof title, "layers · w: curves");
	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_DEFAULT, 0);
	layout_draw_frame(&ui->screen, r, title, focused);
	if (in.w <= 0 || in.h <= 0)
		return;
	if (L->n == 0) {
		pane_layers_hint(ui, in, ui->app->trainer == NULL ? "no training yet: press t to train" :
				 ui_train_state(ui) == TRAINER_PAUSED ?
				 "per-layer statistics from the next logged point: space resumes" :
				 "per-layer statistics come with the next logged point");
		return;
	}
	pane_layers_cols(in.w, &sw, &vals);
	pane_layers_header(ui, in, sw, vals);
	shown = (size_t)(in.h - 1);
	if (L->n > shown && shown > 0)
		shown--;                /* a row to say how many more */
	for (i = 0; i < L->n && i < shown; i++)
		pane_layers_row(ui, in, in.y + 1 + (int)i, &L->l[i], sw, vals);
	if (i < L->n) {
		char more[64];

		snprintf(more, sizeof more, "+%zu more layers (z: zoom)", L->n - i);
		grid_text(&ui->screen, in.x, in.y + 1 + (int)i, more, in.w, GRID_ROLE_DIM, 0);
	} else if (in.h >= (int)L->n + 3) {
		/* what a person can do about it */
		grid_text(&ui->screen, in.x, in.y + in.h - 1, "upd/w ~1e-3 a step is usual · +/- lr "
			  "live · freeze_layers, lora_rank: next start", in.w,
			  GRID_ROLE_DIM, 0);
	}
}
