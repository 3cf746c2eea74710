/*
 * ui-session.c - the workbench's state in the session file: applied when
 * the workbench opens (layout, theme, focus, zoom, the data filter, sort,
 * search and cursor, smoothing, log scale) and stored by `session save`
 * through app->session_store, and the session's last run restored (its
 * checkpoint, curves and predictions). The labeling queue keys belong to
 * the labeling flow (cmd-ui-label.c).
 */
#include "tunetop/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"

static void ui_session_store(struct app *app, struct session *s)
{
	struct ui *ui = app->ui;
	char num[32], sort[32];
	long cur;

	if (ui == NULL)
		return;
	session_ui_set(s, SESSION_UI_LAYOUT, layout_preset_name(ui->preset));
	session_ui_set(s, SESSION_UI_THEME, ui->theme.name);
	/* Saved from the REPL: the pane before it is the one to come back to. */
	session_ui_set(s, SESSION_UI_FOCUS, layout_pane_name(ui->focus == PANE_REPL ?
							      ui->back_focus : ui->focus));
	session_ui_set(s, SESSION_UI_ZOOM, ui->zoom >= 0 ? "true" : "false");
	/* A confusion cell depends on the run: it is not kept. */
	session_ui_set(s, SESSION_UI_DATA_FILTER, ui->data.filter_text[0] != '\0' &&
		       ui->data.title[0] == '\0' ? ui->data.filter_text : NULL);
	snprintf(sort, sizeof sort, "%s %s", pane_data_sort_name(ui->data.sort),
		 ui->data.sort_desc ? "desc" : "asc");
	session_ui_set(s, SESSION_UI_DATA_SORT, ui->data.sort != UI_SORT_FILE ||
		       ui->data.sort_desc ? sort : NULL);
	session_ui_set(s, SESSION_UI_SEARCH, ui->data.has_search ? ui->data.search : NULL);
	cur = pane_data_current(ui);
	snprintf(num, sizeof num, "%ld", cur);
	session_ui_set(s, SESSION_UI_DATA_CURSOR, cur >= 0 ? num : NULL);
	snprintf(num, sizeof num, "%g", pane_curves_smooth_weight(ui));
	session_ui_set(s, SESSION_UI_SMOOTHING, num);
	session_ui_set(s, SESSION_UI_LOGY, ui->curves.logy ? "true" : "false");
	label_queue_session_store(ui, s);
}

/* Run a command built from a session value (errors show in the REPL). */
static void ui_session_run(struct ui *ui, const char *cmd, const char *value)
{
	char *line = tt_xprintf("%s %s", cmd, value);

	ui_run_command(ui, line, true);
	free(line);
}

/* The data view: filter, sort, search, then the cursor on the same record. */
static void ui_session_data(struct ui *ui, const struct session *s)
{
	struct tt_err err;

	tt_err_clear(&err);
	/* Sessions of the first version kept `filter` words ("label billing"). */
	if (s->ui[SESSION_UI_DATA_FILTER] != NULL &&
	    pane_data_set_filter(ui, s->ui[SESSION_UI_DATA_FILTER], &err) != 0)
		ui_session_run(ui, "filter", s->ui[SESSION_UI_DATA_FILTER]);
	if (s->ui[SESSION_UI_DATA_SORT] != NULL)
		ui_session_run(ui, "sort", s->ui[SESSION_UI_DATA_SORT]);
	if (s->ui[SESSION_UI_SEARCH] != NULL &&
	    pane_search_set(ui, s->ui[SESSION_UI_SEARCH], &err) != 0)
		ui_message(ui, true, "session search: %s", err.msg);
	if (s->ui[SESSION_UI_DATA_CURSOR] != NULL)
		pane_data_goto(ui, strtoul(s->ui[SESSION_UI_DATA_CURSOR], NULL, 10));
}

/*
 * The session's last run, back as it was: its checkpoint (the state file's
 * checkpoint, else the run's checkpoint.safetensors) restored on the
 * trainer thread with the curves of its metrics.jsonl (app-run.c). An old
 * session with a checkpoint and no run gets a new run directory.
 */
static void ui_session_restore_run(struct ui *ui, const struct session *s)
{
	struct app *app = ui->app;
	char *ckpt = NULL, *run = NULL;
	struct tt_err err;

	if (!app->has_data || app->trainer != NULL || (s->run == NULL && s->checkpoint == NULL))
		return;
	if (s->checkpoint != NULL)
		ckpt = tt_xstrdup(s->checkpoint);
	else
		ckpt = tt_xprintf("%s/checkpoint.safetensors", s->run);
	if (access(ckpt, R_OK) != 0) {
		if (s->checkpoint != NULL)	/* a run without a checkpoint had no model yet */
			ui_message(ui, true, "the session's checkpoint %s is missing: not restored", ckpt);
		free(ckpt);
		return;
	}
	tt_err_clear(&err);
	run = s->run != NULL ? tt_xstrdup(s->run) : app_next_run_dir(app, &err);
	if (run == NULL || app_restore_run(app, run, ckpt, &err) != 0)
		ui_message(ui, true, "the last run was not restored: %s", err.msg);
	free(run);
	free(ckpt);
}

void ui_session_apply(struct ui *ui)
{
	struct app *app = ui->app;
	const struct session *s = app->session;
	struct tt_err err;
	int p;

	app->session_store = ui_session_store;
	if (app->open_notice != NULL)
		ui_message(ui, false, "%s", app->open_notice);
	if (s == NULL)
		return;
	tt_err_clear(&err);
	if (s->ui[SESSION_UI_THEME] != NULL && ui_set_theme(ui, s->ui[SESSION_UI_THEME], &err) != 0)
		ui_message(ui, true, "session theme %s: %s", s->ui[SESSION_UI_THEME], err.msg);
	if (s->ui[SESSION_UI_LAYOUT] != NULL && (p = layout_preset_lookup(s->ui[SESSION_UI_LAYOUT])) >= 0)
		ui_set_layout(ui, (enum layout_preset)p);
	if (s->ui[SESSION_UI_FOCUS] != NULL && (p = layout_pane_lookup(s->ui[SESSION_UI_FOCUS])) >= 0)
		ui_set_focus(ui, p);
	if (s->ui[SESSION_UI_ZOOM] != NULL && strcmp(s->ui[SESSION_UI_ZOOM], "true") == 0)
		ui_toggle_zoom(ui);
	ui_session_data(ui, s);
	label_queue_session_apply(ui, s);
	if (s->ui[SESSION_UI_SMOOTHING] != NULL)
		pane_curves_set_smooth(ui, strtod(s->ui[SESSION_UI_SMOOTHING], NULL));
	if (s->ui[SESSION_UI_LOGY] != NULL)
		ui->curves.logy = strcmp(s->ui[SESSION_UI_LOGY], "true") == 0;
	ui_session_restore_run(ui, s);
	ui_mark(ui, UI_DIRTY_ALL);
}
