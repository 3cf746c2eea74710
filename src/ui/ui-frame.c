/*
 * ui-frame.c - the workbench's state apart from the terminal: layout,
 * focus, zoom, messages, running command lines, and composing a frame
 * from the panes into the screen grid. No curses here (see ui.h).
 */
#include "tunetop/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"

enum {
	UI_MESSAGE_SECONDS = 6
};

static const char *const ui_contexts[PANE_COUNT] = {
	[PANE_DATA] = "data",
	[PANE_LABEL] = "label",
	[PANE_CURVES] = "curves",
	[PANE_CONFUSION] = "confusion",
	[PANE_REPL] = "repl",
	[PANE_STATUS] = "global",
};

const char *ui_context_name(int pane)
{
	return pane >= 0 && pane < PANE_COUNT ? ui_contexts[pane] : "global";
}

static void ui_load_start_theme(struct ui *ui)
{
	struct tt_err err;
	const char *name = cfg_get_str(&ui->app->cfg, "theme");

	theme_init(&ui->theme, "none");
	tt_err_clear(&err);
	if (ui_set_theme(ui, name, &err) != 0) {
		ui->theme = *theme_mono();
		ui_message(ui, true, "theme %s: %s (using monochrome)", name, err.msg);
	}
}

/* The app is about to replace or free its dataset: nothing may read it. */
static void ui_data_release(void *opaque)
{
	pane_sort_stop(opaque);
}

void ui_state_init(struct ui *ui, struct app *app, int w, int h, bool ascii)
{
	long hz = cfg_get_int(&app->cfg, "refresh_hz");

	memset(ui, 0, sizeof *ui);
	ui->app = app;
	ui->ascii = ascii;
	ui->utf8 = !ascii;
	ui->zoom = -1;
	ui->preset = LAYOUT_OVERVIEW;
	ui->focus = layout_default_focus(LAYOUT_OVERVIEW);
	ui->back_focus = ui->focus;
	ui->keys = tt_xcalloc(1, sizeof *ui->keys);
	keys_init(ui->keys);
	tt_buf_init(&ui->sb.partial);
	matrix_opts_init(&ui->conf.opts);
	ui->conf.opts.cursor = 1;
	ui->data.stale = true;
	ui->curves.ema_level = 2;
	ui->refresh_interval = 1.0 / (double)(hz > 0 ? hz : 10);
	ui->edit.prompt = ascii ? "> " : "\xe2\x80\xba ";
	ui->edit.line = "";
	grid_init(&ui->screen, 0, 0);
	ui_load_start_theme(ui);
	ui_resize(ui, w, h);
	ui_train_attach(ui);
	app->data_release = ui_data_release;
	app->data_release_opaque = ui;
}

void ui_state_fini(struct ui *ui)
{
	if (ui->app != NULL && ui->app->preds.opaque == ui)
		memset(&ui->app->preds, 0, sizeof ui->app->preds);
	if (ui->keys != NULL)
		keys_fini(ui->keys);
	free(ui->keys);
	ui_train_fini(&ui->train);
	if (ui->app != NULL) {
		pane_sort_fini(ui);	/* joins the ranking worker */
		if (ui->app->data_release_opaque == ui)
			ui->app->data_release = NULL;
	}
	pane_data_fini(&ui->data);
	label_queue_free(ui);
	pane_repl_fini(&ui->sb);
	grid_fini(&ui->screen);
	memset(ui, 0, sizeof *ui);
}

/* After a relayout: keep the focus on a shown pane. */
static void ui_fix_focus(struct ui *ui)
{
	if (layout_visible(&ui->layout, ui->focus) && ui->focus != PANE_STATUS)
		return;
	ui->focus = layout_visible(&ui->layout, layout_default_focus(ui->preset)) ?
		    layout_default_focus(ui->preset) : PANE_REPL;
}

static bool ui_in_preset(const struct ui *ui, int pane)
{
	int i;

	for (i = 0; i < ui->layout.norder; i++) {
		if (ui->layout.order[i] == pane)
			return true;
	}
	return false;
}

/*
 * The layout for the preset, zoom and size. On a screen too small for the
 * preset, the focused pane is shown alone (the REPL when it has focus), so
 * a resize never moves focus: growing the screen again brings the preset
 * back with focus where it was.
 */
static void ui_layout_compute(struct ui *ui)
{
	layout_compute(&ui->layout, ui->preset, ui->w, ui->h, ui->zoom);
	if (ui->layout.too_small && ui->zoom < 0 && ui->focus != PANE_REPL &&
	    ui->focus != PANE_STATUS && ui_in_preset(ui, ui->focus)) {
		layout_compute(&ui->layout, ui->preset, ui->w, ui->h, ui->focus);
		ui->layout.zoom = -1;
		ui->layout.too_small = 1;
	}
}

static void ui_relayout(struct ui *ui)
{
	ui_layout_compute(ui);
	ui_fix_focus(ui);
	ui->dirty = UI_DIRTY_ALL;
}

void ui_resize(struct ui *ui, int w, int h)
{
	ui->w = w > 0 ? w : 0;
	ui->h = h > 0 ? h : 0;
	grid_resize(&ui->screen, ui->w, ui->h);
	ui->screen.ascii = ui->ascii;
	ui_relayout(ui);
}

void ui_mark(struct ui *ui, unsigned panes)
{
	ui->dirty |= panes;
}

void ui_mark_news(struct ui *ui, unsigned panes)
{
	ui->news |= panes;
}

void ui_message(struct ui *ui, bool is_error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = is_error;
	ui->msg_until = tt_now() + UI_MESSAGE_SECONDS;
	pane_repl_flush(&ui->sb);
	pane_repl_add(&ui->sb, is_error ? GRID_ROLE_ERROR : GRID_ROLE_DEFAULT, ui->msg);
	pane_repl_flush(&ui->sb);
	ui_mark(ui, 1u << PANE_STATUS | 1u << PANE_REPL);
}

/* The last line of text, for the status bar. */
static void ui_last_line(const char *text, char *out, size_t n)
{
	size_t len = strlen(text);
	const char *start;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	start = text + len;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(out, n, "%.*s", (int)(text + len - start), start);
}

void ui_sink(void *opaque, int is_error, const char *text)
{
	struct ui *ui = opaque;

	if (is_error) {
		pane_repl_flush(&ui->sb);
		pane_repl_add(&ui->sb, GRID_ROLE_ERROR, text);
		pane_repl_flush(&ui->sb);
	} else {
		pane_repl_add(&ui->sb, GRID_ROLE_DEFAULT, text);
	}
	ui->sb.back = 0;
	if (is_error || !layout_visible(&ui->layout, PANE_REPL)) {
		ui_last_line(text, ui->msg, sizeof ui->msg);
		if (ui->msg[0] != '\0') {
			ui->msg_error = is_error;
			ui->msg_until = tt_now() + UI_MESSAGE_SECONDS;
		}
	}
	ui_mark(ui, 1u << PANE_REPL | 1u << PANE_STATUS);
}

int ui_set_layout(struct ui *ui, enum layout_preset p)
{
	if (p < 0 || p >= LAYOUT_PRESET_COUNT)
		return -1;
	ui->preset = p;
	ui->zoom = -1;
	ui->focus = layout_default_focus(p);
	ui_layout_compute(ui);
	ui_fix_focus(ui);
	ui->dirty = UI_DIRTY_ALL;
	return 0;
}

int ui_set_focus(struct ui *ui, int pane)
{
	/* too small a screen shows the focused pane alone: any of the preset's can take it */
	bool alone = ui->layout.too_small && ui->zoom < 0 &&
		     (pane == PANE_REPL || ui_in_preset(ui, pane));

	if (pane == PANE_STATUS || (!layout_visible(&ui->layout, pane) && !alone))
		return -1;
	if (pane == PANE_REPL && ui->focus != PANE_REPL)
		ui->back_focus = ui->focus;
	ui_mark(ui, 1u << ui->focus | 1u << pane | 1u << PANE_STATUS);
	ui->focus = pane;
	if (alone)
		ui_relayout(ui);
	return 0;
}

void ui_toggle_zoom(struct ui *ui)
{
	ui->zoom = ui->zoom >= 0 ? -1 : ui->focus;
	ui_relayout(ui);
}

/* After a command: the quit question, and views that depend on the data. */
static void ui_after_command(struct ui *ui)
{
	struct app *app = ui->app;
	enum trainer_state st = ui_train_state(ui);

	if (!app->quit)
		return;
	if (st == TRAINER_RUNNING || st == TRAINER_PAUSED) {
		app->quit = false;
		ui->confirm_quit = true;
		ui_mark(ui, UI_DIRTY_ALL);
		return;
	}
	ui->quit = true;
}

void ui_cmd_ctx(struct ui *ui, enum cmd_source source, struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->app = ui->app;
	ctx->source = source;
	ctx->sink = ui_sink;
	ctx->sink_opaque = ui;
}

void ui_run_command(struct ui *ui, const char *line, bool from_key)
{
	struct cmd_ctx ctx;
	char *echo;

	ui_cmd_ctx(ui, from_key ? CMD_SRC_KEY : CMD_SRC_REPL, &ctx);
	if (!from_key) {
		echo = tt_xprintf("%s%s", ui->edit.prompt, line);
		pane_repl_flush(&ui->sb);
		pane_repl_add(&ui->sb, GRID_ROLE_DIM, echo);
		pane_repl_flush(&ui->sb);
		free(echo);
		ui->sb.back = 0;
	}
	cmd_run_line(&ctx, line);
	pane_repl_flush(&ui->sb);
	ui_after_command(ui);
	ui_mark(ui, 1u << PANE_REPL | 1u << PANE_STATUS | 1u << PANE_DATA | 1u << PANE_LABEL);
}

/* Draw one pane into its rectangle. */
static void ui_render_pane(struct ui *ui, int pane)
{
	struct layout_rect r = ui->layout.rect[pane];
	bool focused = pane == ui->focus;

	switch (pane) {
	case PANE_DATA:
		pane_data_draw(ui, r, focused);
		break;
	case PANE_LABEL:
		pane_label_draw(ui, r, focused);
		break;
	case PANE_CURVES:
		pane_curves_draw(ui, r, focused);
		break;
	case PANE_CONFUSION:
		pane_confusion_draw(ui, r, focused);
		break;
	case PANE_REPL:
		pane_repl_draw(ui, r, focused);
		break;
	default:
		statusbar_draw(ui, r);
		break;
	}
}

unsigned ui_render(struct ui *ui, unsigned panes)
{
	int i;

	if (ui->overlay || ui->confirm_quit || ui->qview.on || (panes & UI_DIRTY_OVERLAY))
		panes |= UI_DIRTY_ALL;
	/* The label pane's first showing may place the one cursor: before any pane draws. */
	if (!ui->data.placed && layout_visible(&ui->layout, PANE_LABEL) && ui->app->ds.n > 0) {
		label_queue_current(ui);
		panes |= 1u << PANE_DATA | 1u << PANE_LABEL;
	}
	for (i = 0; i < PANE_COUNT; i++) {
		if ((panes & (1u << i)) && layout_visible(&ui->layout, i))
			ui_render_pane(ui, i);
	}
	if (ui->overlay || ui->confirm_quit || ui->qview.on)
		pane_help_draw(ui);
	return panes;
}
