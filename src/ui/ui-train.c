/*
 * ui-train.c - the UI's mirror of what the trainer publishes: the latest
 * snapshot, every logged point and event (copied incrementally), and the
 * previous run's train loss for the faint comparison curve. Only the UI
 * thread touches it; the trainer is reached through trainer.h alone.
 */
#include "tunetop/ui.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/app-ensemble.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"

enum {
	UI_PULL_CHUNK = 4096
};

void ui_train_fini(struct ui_train *m)
{
	if (m->have_snap)
		trainer_snapshot_fini(&m->snap);
	trainer_predictions_fini(&m->preds);
	trainer_layers_fini(&m->layers);
	free(m->pred_of);
	free(m->points);
	free(m->events);
	free(m->prev_x);
	free(m->prev_y);
	memset(m, 0, sizeof *m);
}

/* A new run: its predecessor's train loss becomes the faint curve. */
static void ui_train_new_run(struct ui_train *m, struct trainer *t)
{
	size_t i, n = 0;

	if (m->npoints > 0) {
		m->prev_x = tt_xrealloc(m->prev_x, m->npoints * sizeof *m->prev_x);
		m->prev_y = tt_xrealloc(m->prev_y, m->npoints * sizeof *m->prev_y);
		for (i = 0; i < m->npoints; i++) {
			if (isnan(m->points[i].train_loss))
				continue;
			m->prev_x[n] = (double)m->points[i].step;
			m->prev_y[n++] = m->points[i].train_loss;
		}
		m->nprev = n;
	}
	if (m->have_snap)
		trainer_snapshot_fini(&m->snap);
	m->have_snap = false;
	m->npoints = 0;
	m->nevents = 0;
	m->message[0] = '\0';
	m->eval_seen = false;
	trainer_layers_fini(&m->layers);
	trainer_predictions_fini(&m->preds);
	m->pred_seq = 0;
	m->npred_of = 0;
	m->seen = t;
}

static size_t ui_pull_points(struct ui_train *m, struct trainer *t)
{
	size_t got, total = 0;

	do {
		if (m->points_cap - m->npoints < UI_PULL_CHUNK) {
			m->points_cap = m->points_cap * 2 + UI_PULL_CHUNK;
			m->points = tt_xrealloc(m->points, m->points_cap * sizeof *m->points);
		}
		got = trainer_points(t, m->npoints, m->points + m->npoints, UI_PULL_CHUNK);
		m->npoints += got;
		total += got;
	} while (got == UI_PULL_CHUNK);
	return total;
}

/* One new event: a line in the REPL (and the status bar for the main ones). */
static void ui_note_event(struct ui *ui, const struct trainer_event *ev)
{
	unsigned long long step = (unsigned long long)ev->step;

	switch (ev->kind) {
	case TRAINER_EV_SET:
	case TRAINER_EV_PRUNE:
		ui_message(ui, false, "step %llu: %s", step, ev->text);
		break;
	case TRAINER_EV_PAUSE:
	case TRAINER_EV_RESUME:
	case TRAINER_EV_STOP:
		ui_message(ui, false, "step %llu: %s", step, ev->text);
		break;
	case TRAINER_EV_CHECKPOINT:
		ui_message(ui, false, "step %llu: checkpoint written to %s", step, ev->new_value);
		break;
	default:
		break;
	}
}

static unsigned ui_pull_events(struct ui *ui, struct ui_train *m, struct trainer *t)
{
	size_t got, i;
	unsigned dirty = 0;

	do {
		if (m->events_cap - m->nevents < 64) {
			m->events_cap = m->events_cap * 2 + 64;
			m->events = tt_xrealloc(m->events, m->events_cap * sizeof *m->events);
		}
		got = trainer_events(t, m->nevents, m->events + m->nevents, 64);
		for (i = 0; i < got; i++)
			ui_note_event(ui, &m->events[m->nevents + i]);
		m->nevents += got;
		if (got > 0)
			dirty |= 1u << PANE_CURVES;
	} while (got == 64);
	return dirty;
}

/* A new evaluation since the last pull? */
static int ui_new_eval(struct ui_train *m)
{
	if (!m->snap.has_eval)
		return 0;
	if (m->eval_seen && m->eval_step == m->snap.eval_step && m->eval_n == m->snap.eval.n)
		return 0;
	m->eval_seen = true;
	m->eval_step = m->snap.eval_step;
	m->eval_n = m->snap.eval.n;
	return 1;
}

/* The latest per-record predictions and the record -> row index. */
static void ui_pull_predictions(struct ui *ui, struct trainer *t)
{
	struct ui_train *m = &ui->train;
	size_t i, n = ui->app->ds.n;

	trainer_predictions_fini(&m->preds);
	trainer_predictions_get(t, &m->preds);
	m->pred_of = tt_xrealloc(m->pred_of, (n + 1) * sizeof *m->pred_of);
	for (i = 0; i < n; i++)
		m->pred_of[i] = UINT32_MAX;
	for (i = 0; i < m->preds.n; i++) {
		if (m->preds.src[i] < n)
			m->pred_of[m->preds.src[i]] = (uint32_t)i;
	}
	m->npred_of = n;
	/* The data pane re-filters and re-sorts itself if it depends on them. */
	ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL);
}

int ui_train_prediction_id(const struct ui *ui, size_t i, uint32_t *label, float *conf)
{
	const struct ui_train *m = &ui->train;
	uint32_t row;

	if (i >= m->npred_of || m->preds.n == 0 || (row = m->pred_of[i]) == UINT32_MAX)
		return -1;
	*label = m->preds.label[row];
	*conf = m->preds.conf[row];
	return 0;
}

int ui_train_prediction(const struct ui *ui, size_t i, const char **label, float *conf)
{
	uint32_t id;

	if (ui->app->ensemble != NULL)	/* `ensemble`: saved models suggest instead */
		return app_ensemble_prediction(ui->app, i, label, conf);
	if (ui_train_prediction_id(ui, i, &id, conf) != 0 || !ui->train.have_snap ||
	    id >= ui->train.snap.nlabels)
		return -1;
	*label = ui->train.snap.label_names[id];
	return 0;
}

/*
 * Refusals of messages the REPL or a key sent without waiting (cmd-train.c),
 * and the answers asked for (an evaluation's figures; a test evaluation
 * turns the confusion pane to the test split).
 */
static void ui_train_replies(struct ui *ui, struct trainer *t)
{
	struct app *a = ui->app;
	char reply[1024];
	int i, k = 0, rc;

	if (a->awaited_from != t)
		return;
	for (i = 0; i < a->nawaited; i++) {
		rc = trainer_reply(t, a->awaited[i], reply, sizeof reply);
		if (rc == 0) {
			a->awaited_show[k] = a->awaited_show[i];
			a->awaited[k++] = a->awaited[i];	/* not handled yet */
		} else if (rc > 0 && a->awaited_show[i] && reply[0] != '\0') {
			ui_message(ui, false, "%s", reply);
			if (strncmp(reply, "test:", 5) == 0)
				pane_confusion_show_split(ui, true);
		} else if (rc < 0 && reply[0] != '\0' && strcmp(reply, ui->train.message) != 0)
			ui_message(ui, true, "%s", reply);	/* not already shown as news */
	}
	a->nawaited = k;
}

/* The filters' view of the predictions (app->preds). */
static int ui_train_pred_get(void *opaque, size_t i, const char **label, float *conf)
{
	return ui_train_prediction(opaque, i, label, conf);
}

void ui_train_attach(struct ui *ui)
{
	ui->app->preds.get = ui_train_pred_get;
	ui->app->preds.opaque = ui;
}

unsigned ui_train_pull(struct ui *ui)
{
	struct ui_train *m = &ui->train;
	struct trainer *t = ui->app->trainer;
	unsigned dirty = 1u << PANE_STATUS;

	if (t != m->seen) {
		ui_train_new_run(m, t);
		dirty |= UI_DIRTY_ALL;
	}
	if (t == NULL)
		return dirty;
	if (m->have_snap)
		trainer_snapshot_fini(&m->snap);
	trainer_snapshot_get(t, &m->snap);
	m->have_snap = true;
	if (ui_pull_points(m, t) > 0)
		dirty |= 1u << PANE_CURVES;
	dirty |= ui_pull_events(ui, m, t);
	if (ui->curves.layers)
		trainer_want_layers(t);
	if (m->snap.layers_seq != m->layers.seq) {
		trainer_layers_fini(&m->layers);
		trainer_layers_get(t, &m->layers);
		dirty |= 1u << PANE_CURVES;
	}
	if (ui_new_eval(m))
		dirty |= 1u << PANE_CONFUSION | 1u << PANE_CURVES;
	/* Predictions come after the epoch's evaluation: pulled when they change. */
	if (m->snap.pred_seq != m->pred_seq) {
		m->pred_seq = m->snap.pred_seq;
		ui_pull_predictions(ui, t);
		dirty |= 1u << PANE_DATA | 1u << PANE_LABEL;
	}
	if (strcmp(m->snap.message, m->message) != 0) {
		snprintf(m->message, sizeof m->message, "%s", m->snap.message);
		if (m->message[0] != '\0')
			ui_message(ui, m->snap.message_is_error, "%s", m->message);
	}
	ui_train_replies(ui, t);
	return dirty;
}

enum trainer_state ui_train_state(const struct ui *ui)
{
	struct trainer *t = ui->app->trainer;
	struct trainer_snapshot s;
	enum trainer_state st;

	if (t == NULL)
		return TRAINER_IDLE;
	if (t == ui->train.seen && ui->train.have_snap)
		return ui->train.snap.state;
	trainer_snapshot_get(t, &s);
	st = s.state;
	trainer_snapshot_fini(&s);
	return st;
}

char *ui_session_file(const struct app *app, const char *suffix)
{
	char *session = app_session_file(app), *out;

	if (session == NULL)
		return tt_xprintf("tunetop%s", suffix);
	out = session_sibling(session, suffix);
	free(session);
	return out;
}
