/*
 * ui-session.c - the workbench's state in the session file: applied when
 * the workbench opens (layout, theme, focus, zoom, the data filter and
 * cursor, smoothing, log scale) and stored by `session save` through
 * app->session_store. The labeling queue keys belong to the labeling flow.
 */
#include "tunetop/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"

/* The data filter as the arguments of `filter` (NULL: none to keep). */
static const char *ui_filter_expr(const struct ui *ui, char *out, size_t n)
{
	const struct ui_data_view *v = &ui->data;
	const struct dataset *ds = &ui->app->ds;

	switch (v->filter) {
	case UI_FILTER_LABEL:
		snprintf(out, n, "label %s", v->label < ds->labels.n ? ds->labels.names[v->label] : "");
		return out;
	case UI_FILTER_SPLIT:
		snprintf(out, n, "split %s", v->split ? ds_split_name(v->split) : "none");
		return out;
	case UI_FILTER_TEXT:
		snprintf(out, n, "text %s", v->text);
		return out;
	case UI_FILTER_UNLABELED:
		return "unlabeled";
	case UI_FILTER_FLAGGED:
		return "flagged";
	default:
		return NULL;	/* all, or a confusion cell (it depends on the run) */
	}
}

static void ui_session_store(struct app *app, struct session *s)
{
	struct ui *ui = app->ui;
	char filter[192], num[32];
	long cur;

	if (ui == NULL)
		return;
	session_ui_set(s, SESSION_UI_LAYOUT, layout_preset_name(ui->preset));
	session_ui_set(s, SESSION_UI_THEME, ui->theme.name);
	/* Saved from the REPL: the pane before it is the one to come back to. */
	session_ui_set(s, SESSION_UI_FOCUS, layout_pane_name(ui->focus == PANE_REPL ?
							      ui->back_focus : ui->focus));
	session_ui_set(s, SESSION_UI_ZOOM, ui->zoom >= 0 ? "true" : "false");
	session_ui_set(s, SESSION_UI_DATA_FILTER, ui_filter_expr(ui, filter, sizeof filter));
	cur = pane_data_current(ui);
	snprintf(num, sizeof num, "%ld", cur);
	session_ui_set(s, SESSION_UI_DATA_CURSOR, cur >= 0 ? num : NULL);
	snprintf(num, sizeof num, "%g", pane_curves_smooth_weight(ui));
	session_ui_set(s, SESSION_UI_SMOOTHING, num);
	session_ui_set(s, SESSION_UI_LOGY, ui->curves.logy ? "true" : "false");
}

static void ui_session_cursor(struct ui *ui, const char *v)
{
	unsigned long rec = strtoul(v, NULL, 10);
	size_t i;

	pane_data_refresh(ui);
	for (i = 0; i < ui->data.n; i++) {
		if (ui->data.idx[i] == rec) {
			ui->data.cursor = i;
			break;
		}
	}
}

void ui_session_apply(struct ui *ui)
{
	struct app *app = ui->app;
	const struct session *s = app->session;
	struct tt_err err;
	char *line;
	int p;

	app->session_store = ui_session_store;
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
	if (s->ui[SESSION_UI_DATA_FILTER] != NULL) {
		line = tt_xprintf("filter %s", s->ui[SESSION_UI_DATA_FILTER]);
		ui_run_command(ui, line, true);
		free(line);
	}
	if (s->ui[SESSION_UI_DATA_CURSOR] != NULL)
		ui_session_cursor(ui, s->ui[SESSION_UI_DATA_CURSOR]);
	if (s->ui[SESSION_UI_SMOOTHING] != NULL)
		pane_curves_set_smooth(ui, strtod(s->ui[SESSION_UI_SMOOTHING], NULL));
	if (s->ui[SESSION_UI_LOGY] != NULL)
		ui->curves.logy = strcmp(s->ui[SESSION_UI_LOGY], "true") == 0;
	ui_mark(ui, UI_DIRTY_ALL);
}
