/*
 * ui-labelerr.c - the workbench side of the label-error run (cmd-labelerr.c):
 * the loop sleeps on the run's wake fd, each tick turns a finished run into
 * the ranking (the data pane's likely-error filter and the likely-errors
 * queue follow it) and a status-line message, and the status bar shows the
 * progress while it runs. Edits go on meanwhile: the run works on a copy.
 */
#include <stdio.h>

#include "tunetop/app.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"
#include "tunetop/xval.h"

int ui_label_errors_fd(const struct ui *ui)
{
	return ui->app->label_errors_job != NULL ? xval_wake_fd(ui->app->label_errors_job) : -1;
}

void ui_label_errors_tick(struct ui *ui)
{
	bool running = ui->app->label_errors_job != NULL;
	int rc = app_label_errors_poll(ui->app);

	if (rc > 0) {
		ui_message(ui, false, "%s", ui->app->label_errors_msg);
		ui_mark(ui, 1u << PANE_DATA | 1u << PANE_LABEL | 1u << PANE_STATUS);
	} else if (rc < 0) {
		ui_message(ui, true, "%s", ui->app->label_errors_msg);
	} else if (running || ui->app->label_errors_job != NULL) {
		ui_mark_news(ui, 1u << PANE_STATUS);	/* progress moved, or a run began */
	}
}

bool ui_label_errors_status(const struct ui *ui, char *out, size_t n)
{
	struct xval_progress p;
	double frac;

	if (ui->app->label_errors_job == NULL)
		return false;
	xval_progress(ui->app->label_errors_job, &p);
	frac = p.runs > 0 ? ((double)p.run + (p.total_steps > 0 ? (double)p.step /
					      (double)p.total_steps : 0)) / (double)p.runs : 0;
	snprintf(out, n, "label errors %u/%u %.0f%%", p.run < p.runs ? p.run + 1 :
		 p.runs, p.runs, 100.0 * frac);
	return true;
}
