/*
 * ui-gen.c - the workbench side of a generation (app-gen.h): the loop
 * sleeps on the job's wake fd, each tick moves the text produced so far
 * into the REPL's last line (the scrollback draws an unfinished line), and
 * Ctrl-C stops the job before it means anything else.
 */
#include "tunetop/app-gen.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

int ui_gen_fd(const struct ui *ui)
{
	return app_gen_wake_fd(ui->app);
}

void ui_gen_tick(struct ui *ui)
{
	struct cmd_ctx ctx;

	if (!app_gen_running(ui->app))
		return;
	ui_cmd_ctx(ui, CMD_SRC_REPL, &ctx);
	app_gen_poll(ui->app, &ctx);
	if (!app_gen_running(ui->app))
		pane_repl_flush(&ui->sb);
}

bool ui_gen_interrupt(struct ui *ui)
{
	if (!app_gen_stop(ui->app))
		return false;
	ui_message(ui, false, "generation stopped");
	return true;
}
