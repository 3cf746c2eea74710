/*
 * statusbar.c - the bottom row: the trainer's state, step, lr (base and
 * the one in effect), ETA and steps/s (kept even at 80 columns while it
 * runs), epoch, throughput, pending label edits and the session file on
 * the left (a transformer: tokens/s, GFLOP/s and MFU after the ETA, and
 * before a run the estimated duration, app-flops.h); while a run starts,
 * what it is doing ("preparing: normalizing 50000 records");
 * with the data's filter, sort and search after the first two;
 * on the right the latest message for a few seconds, else the keys that
 * matter now (so a newcomer sees "t train" before anything else).
 */
#include "tunetop/pane.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/app-ensemble.h"
#include "tunetop/app-flops.h"
#include "tunetop/chart.h"
#include "tunetop/journal.h"

enum {
	STATUS_FIELDS = 14,
	STATUS_FIELD_LEN = 64
};

/* Label edits the trainer has not taken yet (journal.c counts them). */
static size_t statusbar_pending_edits(const struct ui *ui)
{
	return ui->app->journal != NULL ? journal_pending(ui->app->journal) : 0;
}

static const char *statusbar_file(const struct ui *ui)
{
	const char *p = ui->app->session_path != NULL ? ui->app->session_path :
			ui->app->has_data ? ui->app->ds.path : NULL;
	const char *slash;

	if (p == NULL)
		return "no data";
	slash = strrchr(p, '/');
	return slash != NULL ? slash + 1 : p;
}

static void statusbar_eta(double s, char *out, size_t n)
{
	long t = (long)(s + 0.5);

	if (!isfinite(s) || s < 0)
		snprintf(out, n, "ETA -");
	else if (t >= 3600)
		snprintf(out, n, "ETA %ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "ETA %ld:%02ld", t / 60, t % 60);
}

/*
 * The view of the data, after the first two fields: the filter in force
 * (all its terms; a long one is cut with ...), the sort and the search.
 */
static int statusbar_view(const struct ui *ui, char f[][STATUS_FIELD_LEN], int n)
{
	const struct ui_data_view *v = &ui->data;
	const char *what = v->title[0] != '\0' ? v->title : v->filter_text;

	if (ui_label_errors_status(ui, f[n], STATUS_FIELD_LEN))
		n++;
	if (ui->app->ensemble != NULL)	/* the suggestions' source, when not the live model */
		snprintf(f[n++], STATUS_FIELD_LEN, "%s", ui->app->ensemble->desc);
	if (what[0] != '\0') {
		snprintf(f[n], STATUS_FIELD_LEN, "filter %.*s", STATUS_FIELD_LEN - 8, what);
		if (strlen(what) + 7 >= STATUS_FIELD_LEN)
			memcpy(f[n] + STATUS_FIELD_LEN - 4, "...", 4);
		n++;
	}
	if (v->sort != UI_SORT_FILE || v->sort_desc)
		snprintf(f[n++], STATUS_FIELD_LEN, "sort %s %s", pane_data_sort_name(v->sort),
			 v->sort_desc ? "desc" : "asc");
	if (v->has_search) {
		snprintf(f[n], STATUS_FIELD_LEN, "/%.*s/", STATUS_FIELD_LEN - 3, v->search);
		if (strlen(v->search) + 2 >= STATUS_FIELD_LEN)
			memcpy(f[n] + STATUS_FIELD_LEN - 4, "...", 4);
		n++;
	}
	return n;
}

/*
 * The left fields, most important first; returns how many. The first
 * *must of them are kept before the key hints (the view of the data too).
 */
static int statusbar_fields(const struct ui *ui, char f[][STATUS_FIELD_LEN], int *must)
{
	const struct trainer_snapshot *s = &ui->train.snap;
	char num[32];
	int n = 0;
	double gflops, mfu;
	bool gpt;

	if (ui->app->trainer == NULL || !ui->train.have_snap) {
		double est = app_run_estimate(ui->app, NULL, 0);

		snprintf(f[n++], STATUS_FIELD_LEN, "%s", statusbar_file(ui));
		snprintf(f[n++], STATUS_FIELD_LEN, "%zu records", ui->app->ds.n);
		n = statusbar_view(ui, f, n);
		if (est >= 0) {	/* model gpt: how long a start would take (app-flops.h) */
			app_fmt_duration(est, num, sizeof num);
			snprintf(f[n++], STATUS_FIELD_LEN, "est %s", num);
		}
		*must = n;
		snprintf(f[n++], STATUS_FIELD_LEN, "%u labels", ui->app->ds.labels.n);
		snprintf(f[n++], STATUS_FIELD_LEN, "lr %s", cfg_get_str(&ui->app->cfg, "lr"));
		return n;
	}
	if (s->phase[0] != '\0' || s->state == TRAINER_IDLE) {
		/* Starting: split, copy, normalize, build the model (seconds at 50k). */
		snprintf(f[n++], STATUS_FIELD_LEN, "%.*s ...", STATUS_FIELD_LEN - 5,
			 s->phase[0] != '\0' ? s->phase : "starting");
		*must = n;
		snprintf(f[n++], STATUS_FIELD_LEN, "%zu records", ui->app->ds.n);
		return n;
	}
	snprintf(f[n++], STATUS_FIELD_LEN, "step %llu/%llu", (unsigned long long)s->step,
		 (unsigned long long)s->total_steps);
	/* The base lr (what `set lr` changes) and the one the schedule makes of it. */
	if (s->lr > 0 && fabs(s->lr - s->base_lr) > 1e-9 * s->base_lr)
		snprintf(f[n++], STATUS_FIELD_LEN, "lr %.4g now %.3g", s->base_lr, s->lr);
	else
		snprintf(f[n++], STATUS_FIELD_LEN, "lr %.4g", s->base_lr);
	n = statusbar_view(ui, f, n);
	gpt = app_flops_of(ui->app, s, &gflops, &mfu);
	if (s->state == TRAINER_RUNNING) {
		statusbar_eta(s->eta_seconds, f[n++], STATUS_FIELD_LEN);
		if (!gpt) {
			chart_fmt(s->steps_per_sec, num, sizeof num);
			snprintf(f[n++], STATUS_FIELD_LEN, "%s steps/s", num);
		}
	}
	if (gpt) {	/* a transformer: tokens/s, GFLOP/s and MFU first (app-flops.h) */
		chart_fmt(s->tokens_per_sec, num, sizeof num);
		snprintf(f[n++], STATUS_FIELD_LEN, "%s tok/s", num);
		/* MFU first: short, it still fits at 80 columns while a run goes */
		if (isfinite(mfu))
			snprintf(f[n++], STATUS_FIELD_LEN, "MFU %.0f%%", mfu * 100);
		chart_fmt(gflops, num, sizeof num);
		snprintf(f[n++], STATUS_FIELD_LEN, "%s GFLOP/s", num);
		*must = n;	/* before the key hints: the speed is the point of a gpt run */
		snprintf(f[n++], STATUS_FIELD_LEN, "epoch %.2f/%u", s->epoch, s->epochs);
	} else {
		*must = n;
		snprintf(f[n++], STATUS_FIELD_LEN, "epoch %.2f/%u", s->epoch, s->epochs);
		chart_fmt(s->tokens_per_sec, num, sizeof num);
		snprintf(f[n++], STATUS_FIELD_LEN, "%s tok/s", num);
	}
	/* gpt runs (grad_bytes: their gradient arena): frozen layers and LoRA show here */
	if (s->params_total > 0 && s->grad_bytes > 0) {
		char part[16], all[16];

		chart_fmt((double)s->params_trainable, part, sizeof part);
		chart_fmt((double)s->params_total, all, sizeof all);
		snprintf(f[n++], STATUS_FIELD_LEN, "%s/%s trainable", part, all);
	}
	snprintf(f[n++], STATUS_FIELD_LEN, "edits %zu", statusbar_pending_edits(ui));
	snprintf(f[n++], STATUS_FIELD_LEN, "%s", statusbar_file(ui));
	if (s->state == TRAINER_DONE || s->state == TRAINER_STOPPED ||
	    s->state == TRAINER_FAILED) {	/* what `t` would start now */
		double est = app_run_estimate(ui->app, NULL, 0);

		if (est >= 0) {
			app_fmt_duration(est, num, sizeof num);
			snprintf(f[n++], STATUS_FIELD_LEN, "next run est %s", num);
		}
	}
	return n;
}

/* Key hints for the state: pairs of key and action, NULL-terminated. */
static const char *const *statusbar_hints(const struct ui *ui, bool brief)
{
	static const char *const idle[] = { "t", "train", ":", "command", "?", "keys", "q", "quit",
					    NULL };
	static const char *const running[] = { "space", "pause", "+/-", "lr", "e", "eval", "s",
					       "ckpt", "?", "keys", NULL };
	static const char *const paused[] = { "space", "resume", "+/-", "lr", "e", "eval", "s",
					      "ckpt", "?", "keys", NULL };
	static const char *const repl[] = { "Enter", "run", "Tab", "complete", "Esc", "panes",
					    NULL };
	static const char *const running_brief[] = { "space", "pause", "?", "keys", NULL };
	static const char *const paused_brief[] = { "space", "resume", "?", "keys", NULL };
	static const char *const idle_brief[] = { "t", "train", "?", "keys", NULL };
	enum trainer_state st = ui->train.have_snap ? ui->train.snap.state : TRAINER_IDLE;

	if (ui->focus == PANE_REPL)
		return repl;
	if (ui->app->trainer != NULL && st == TRAINER_RUNNING)
		return brief ? running_brief : running;
	if (ui->app->trainer != NULL && st == TRAINER_PAUSED)
		return brief ? paused_brief : paused;
	return brief ? idle_brief : idle;
}

static int statusbar_hints_width(const char *const *h)
{
	int w = 0, i;

	for (i = 0; h[i] != NULL; i += 2)
		w += grid_text_width(h[i]) + 1 + grid_text_width(h[i + 1]) + 2;
	return w;
}

static void statusbar_draw_hints(struct ui *ui, struct layout_rect r, const char *const *h)
{
	int x = r.x + r.w - statusbar_hints_width(h) + 1, i;

	for (i = 0; h[i] != NULL; i += 2) {
		x += grid_text(&ui->screen, x, r.y, h[i], -1, GRID_ROLE_STATUS_KEY, GRID_ATTR_BOLD);
		x += 1 + grid_text(&ui->screen, x + 1, r.y, h[i + 1], -1, GRID_ROLE_STATUS, 0);
		x += 2;
	}
}

static const char *statusbar_badge(const struct ui *ui)
{
	if (ui->app->trainer == NULL || !ui->train.have_snap)
		return "READY";
	if (ui->train.snap.phase[0] != '\0' || ui->train.snap.state == TRAINER_IDLE)
		return "STARTING";	/* a trainer exists: a start is on its way */
	switch (ui->train.snap.state) {
	case TRAINER_RUNNING:
		return "RUNNING";
	case TRAINER_PAUSED:
		return "PAUSED";
	case TRAINER_DONE:
		return "DONE";
	case TRAINER_STOPPED:
		return "STOPPED";
	case TRAINER_FAILED:
		return "FAILED";
	default:
		return "IDLE";
	}
}

/* The message of the moment, right-aligned; returns its start column. */
static int statusbar_draw_msg(struct ui *ui, struct layout_rect r, int min_x)
{
	int w = grid_text_width(ui->msg), x;
	char cut[256];

	if (w > r.w - min_x - 1)
		w = grid_truncate(ui->msg, r.w - min_x - 1, ui->ascii, cut, sizeof cut);
	else
		snprintf(cut, sizeof cut, "%s", ui->msg);
	x = r.x + r.w - w - 1;
	grid_text(&ui->screen, x, r.y, cut, w, ui->msg_error ? GRID_ROLE_ERROR : GRID_ROLE_STATUS,
		  ui->msg_error ? GRID_ATTR_BOLD : 0);
	return x;
}

void statusbar_draw(struct ui *ui, struct layout_rect r)
{
	char f[STATUS_FIELDS][STATUS_FIELD_LEN], badge[16];
	const char *const *hints;
	int must, n = statusbar_fields(ui, f, &must), x = r.x, i, right, need;
	bool show_msg = ui->msg[0] != '\0' && tt_now() < ui->msg_until;

	grid_fill(&ui->screen, r.x, r.y, r.w, r.h, ' ', GRID_ROLE_STATUS, 0);
	if (ui->confirm_quit) {
		grid_text(&ui->screen, r.x, r.y, ui_train_state(ui) == TRAINER_PAUSED ?
			  " Training is paused. Quit anyway?  y: quit   n or Esc: keep the run " :
			  " Training is running. Quit anyway?  y: quit   n or Esc: keep training ",
			  r.w, GRID_ROLE_STATUS_KEY, GRID_ATTR_BOLD);
		return;
	}
	snprintf(badge, sizeof badge, " %s ", statusbar_badge(ui));
	x += grid_text(&ui->screen, x, r.y, badge, r.w, GRID_ROLE_STATUS_KEY, GRID_ATTR_BOLD) + 1;
	/* The first fields (state and lr, or file and size; the filter) must fit. */
	need = x;
	for (i = 0; i < must; i++)
		need += grid_text_width(f[i]) + 2;
	hints = statusbar_hints(ui, false);
	if (need + statusbar_hints_width(hints) > r.w)
		hints = statusbar_hints(ui, true);
	right = show_msg ? 24 : statusbar_hints_width(hints);
	if (show_msg && need + right > r.w) {
		right = r.w - need;	/* the first fields win; the REPL keeps the message */
		if (right < 16) {
			show_msg = false;
			right = 0;
		}
	} else if (!show_msg && need + right > r.w)
		right = 0;	/* too narrow for hints: the fields win */
	for (i = 0; i < n; i++) {
		int w = grid_text_width(f[i]);

		if (x + w + 2 > r.x + r.w - right)
			break;
		x += grid_text(&ui->screen, x, r.y, f[i], w, GRID_ROLE_STATUS, 0) + 2;
	}
	if (show_msg)
		statusbar_draw_msg(ui, r, x - r.x);
	else if (right > 0)
		statusbar_draw_hints(ui, r, hints);
}
