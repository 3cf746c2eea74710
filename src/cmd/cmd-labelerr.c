/*
 * cmd-labelerr.c - likely label errors as a command and as app state:
 * `label-errors [run|cancel|status|show [N]]` and `check --label-errors`.
 *
 * Headless and from scripts the cross-validation runs and is waited for.
 * In the workbench (REPL, keys) it runs on its own thread (xval.h) while
 * the person keeps working: the UI loop sleeps on its wake fd, shows its
 * progress in the status bar and calls app_label_errors_poll, which turns
 * the finished job into the report that the `likely-error` filter term and
 * the `likely-errors` queue order read. With label_errors_every = N > 0,
 * the poll starts a new run once N edits were journaled since the last
 * one started (only after a first run, which is always on request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/journal.h"
#include "tunetop/labelerr.h"

static int cmd_lerr_waits(const struct cmd_ctx *ctx)
{
	return ctx->source == CMD_SRC_HEADLESS || ctx->source == CMD_SRC_SCRIPT ||
	       ctx->source == CMD_SRC_CONFIG;
}

static uint64_t cmd_lerr_edits(const struct app *a)
{
	return a->journal != NULL ? journal_next_seq(a->journal) : 0;
}

static void cmd_lerr_set(struct app *a, struct labelerr_report *r)
{
	if (a->label_errors != NULL) {
		labelerr_report_fini(a->label_errors);
		free(a->label_errors);
	}
	a->label_errors = r;
	a->label_errors_seq++;
}

void app_label_errors_reset(struct app *a)
{
	xval_destroy(a->label_errors_job);
	a->label_errors_job = NULL;
	cmd_lerr_set(a, NULL);
	a->label_errors_msg[0] = '\0';
}

int app_label_errors_start(struct app *a, struct tt_err *err)
{
	if (a->label_errors_job != NULL) {
		tt_err_set(err, NULL, 0, 0, "label errors: a run is in progress "
			   "(label-errors cancel stops it)");
		return -1;
	}
	a->label_errors_job = labelerr_start(&a->ds, &a->cfg, err);
	if (a->label_errors_job == NULL)
		return -1;
	a->label_errors_at = cmd_lerr_edits(a);
	a->label_errors_msg[0] = '\0';
	return 0;
}

/* A finished job into the report (or its failure into the message). */
static int app_label_errors_finish(struct app *a)
{
	struct xval_progress p;
	struct xval_result xr;
	struct labelerr_report *r;
	enum cleanlab_rank rank = CLEANLAB_SELF_CONFIDENCE;

	xval_progress(a->label_errors_job, &p);
	if (p.failed || xval_take(a->label_errors_job, &xr) != 0) {
		snprintf(a->label_errors_msg, sizeof a->label_errors_msg, "label errors: %.200s",
			 p.cancelled ? "cancelled" : p.message);
		xval_destroy(a->label_errors_job);
		a->label_errors_job = NULL;
		return -1;
	}
	xval_destroy(a->label_errors_job);
	a->label_errors_job = NULL;
	r = tt_xcalloc(1, sizeof *r);
	cleanlab_rank_parse(cfg_get_str(&a->cfg, "label_errors_rank"), &rank);
	labelerr_compute(&xr, a->ds.n, (uint32_t)cfg_get_int(&a->cfg, "label_errors_folds"),
			 (uint32_t)cfg_get_int(&a->cfg, "label_errors_repeats"), rank, r);
	xval_result_fini(&xr);
	cmd_lerr_set(a, r);
	snprintf(a->label_errors_msg, sizeof a->label_errors_msg,
		 "label errors: %zu of %zu records flagged (%.1fs); filter likely-error, "
		 "queue likely-errors", r->nflagged, r->n, r->seconds);
	return 1;
}

int app_label_errors_poll(struct app *a)
{
	long every = cfg_get_int(&a->cfg, "label_errors_every");
	struct xval_progress p;
	struct tt_err err;

	if (a->label_errors_job == NULL) {
		if (every > 0 && a->label_errors != NULL && a->has_data &&
		    cmd_lerr_edits(a) >= a->label_errors_at + (uint64_t)every) {
			tt_err_clear(&err);
			if (app_label_errors_start(a, &err) != 0) {
				snprintf(a->label_errors_msg, sizeof a->label_errors_msg, "%.200s", err.msg);
				a->label_errors_at = cmd_lerr_edits(a);	/* not again at once */
				return -1;
			}
		}
		return 0;
	}
	xval_drain_wake(a->label_errors_job);
	xval_progress(a->label_errors_job, &p);
	return p.done ? app_label_errors_finish(a) : 0;
}

int app_label_errors_wait(struct app *a, struct tt_err *err)
{
	if (a->label_errors_job == NULL && app_label_errors_start(a, err) != 0)
		return -1;
	xval_wait(a->label_errors_job, -1);
	if (app_label_errors_finish(a) < 0) {
		tt_err_set(err, NULL, 0, 0, "%s", a->label_errors_msg);
		return -1;
	}
	return 0;
}

void cmd_label_errors_print(struct cmd_ctx *ctx, size_t limit)
{
	struct tt_buf out;

	tt_buf_init(&out);
	labelerr_format_text(&ctx->app->ds, ctx->app->label_errors, limit, &out);
	cmd_print(ctx, "%s", out.data);
	tt_buf_fini(&out);
}

static enum cmd_rc cmd_lerr_status(struct cmd_ctx *ctx)
{
	struct app *a = ctx->app;
	struct xval_progress p;

	if (a->label_errors_job != NULL) {
		xval_progress(a->label_errors_job, &p);
		cmd_print(ctx, "label errors: training %u of %u, step %llu/%llu\n", p.run + 1, p.runs,
			  (unsigned long long)p.step, (unsigned long long)p.total_steps);
	} else if (a->label_errors != NULL) {
		cmd_print(ctx, "label errors: %zu of %zu records flagged; %llu edits since the run "
			  "started\n", a->label_errors->nflagged, a->label_errors->n,
			  (unsigned long long)(cmd_lerr_edits(a) - a->label_errors_at));
	} else {
		cmd_print(ctx, "label errors: not run yet (label-errors run)\n");
	}
	if (a->label_errors_msg[0] != '\0' && a->label_errors_job == NULL)
		cmd_print(ctx, "%s\n", a->label_errors_msg);
	return CMD_OK;
}

static enum cmd_rc cmd_lerr_run(struct cmd_ctx *ctx)
{
	struct app *a = ctx->app;
	struct tt_err err;

	tt_err_clear(&err);
	if (cmd_lerr_waits(ctx)) {
		if (app_label_errors_wait(a, &err) != 0) {
			cmd_error(ctx, "%s", err.msg);
			return CMD_ERROR;
		}
		cmd_label_errors_print(ctx, 20);
		return CMD_OK;
	}
	if (app_label_errors_start(a, &err) != 0) {
		cmd_error(ctx, "%s", err.msg);
		return CMD_ERROR;
	}
	cmd_print(ctx, "label errors: %ld-fold cross-validation started in the background "
		  "(label-errors cancel stops it)\n", cfg_get_int(&a->cfg, "label_errors_folds"));
	return CMD_OK;
}

enum cmd_rc cmd_label_errors_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	const char *what = argc > 1 ? argv[1] : "run";

	if (strcmp(what, "run") == 0 && argc <= 2)
		return cmd_lerr_run(ctx);
	if (strcmp(what, "status") == 0 && argc <= 2)
		return cmd_lerr_status(ctx);
	if (strcmp(what, "cancel") == 0 && argc <= 2) {
		if (a->label_errors_job == NULL) {
			cmd_error(ctx, "label-errors cancel: nothing is running");
			return CMD_ERROR;
		}
		xval_cancel(a->label_errors_job);
		cmd_print(ctx, "label errors: cancelling\n");
		return CMD_OK;
	}
	if (strcmp(what, "show") == 0) {
		char *end = NULL;
		long n = argc > 2 ? strtol(argv[2], &end, 10) : 20;

		if (argc > 2 && (*end != '\0' || n < 1)) {
			cmd_error(ctx, "label-errors show: N must be a positive number, got '%s'",
				  argv[2]);
			return CMD_ERROR;
		}
		if (a->label_errors == NULL) {
			cmd_error(ctx, "label-errors show: no ranking yet (label-errors run)");
			return CMD_ERROR;
		}
		cmd_label_errors_print(ctx, (size_t)n);
		return CMD_OK;
	}
	cmd_error(ctx, "label-errors: expected run, status, cancel or show [N], got '%s'", what);
	return CMD_ERROR;
}
