/*
 * cmd-ui-quality.c - `quality [TERM]`: the checks' findings in the
 * workbench. Without a TERM it computes them again (near duplicates
 * included), prints one line a kind with the term that opens it and, in
 * the workbench, opens the quality view (pane-quality.c: a list of every
 * kind with its count, where Enter opens one); with
 * one (dup, near-dup, leak, outlier, outlier=KIND) it also opens the data
 * pane on that filter in file order, where pane-data.c puts the members of
 * a group together, groups whose labels disagree first. The person then
 * fixes records with the labeling keys (label, delete, move-split), all
 * journaled and undoable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

static void cmd_quality_summary(struct cmd_ctx *ctx, const struct findings *f)
{
	int k;

	cmd_print(ctx, "quality: %zu records in %u duplicate groups (dup), %zu in %u near-duplicate "
		  "groups (near-dup), %zu leaking across splits (leak), %zu outliers (outlier:",
		  f->dups.records, f->dups.n, f->nears.records, f->nears.n, f->leak_records,
		  f->outliers);
	for (k = 0; k < FINDINGS_O_NKINDS; k++) {
		if (f->per_kind[k] > 0)
			cmd_print(ctx, " %s %zu", findings_outlier_name(1u << k), f->per_kind[k]);
	}
	cmd_print(ctx, "%s)\n", f->outliers == 0 ? " none" : "");
	if (f->dups.disagree + f->nears.disagree > 0)
		cmd_print(ctx, "quality: %zu groups have disagreeing labels; they are listed first\n",
			  f->nears.disagree > f->dups.disagree ? f->nears.disagree : f->dups.disagree);
}

static bool cmd_quality_term(const char *t)
{
	return strcmp(t, "dup") == 0 || strcmp(t, "near-dup") == 0 || strcmp(t, "leak") == 0 ||
	       strcmp(t, "outlier") == 0 || strncmp(t, "outlier=", 8) == 0;
}

enum cmd_rc cmd_quality_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct findings *f;
	struct tt_err err;
	struct ui *ui;

	if (argc > 1 && !cmd_quality_term(argv[1])) {
		cmd_error(ctx, "quality: unknown finding '%s' (expected dup, near-dup, leak, outlier "
			  "or outlier=KIND)", argv[1]);
		return CMD_ERROR;
	}
	tt_err_clear(&err);
	f = app_checks_refresh(ctx->app, true, &err);
	if (f == NULL) {
		cmd_error(ctx, "quality: %s", err.msg);
		return CMD_ERROR;
	}
	cmd_quality_summary(ctx, f);
	if (argc == 1) {
		cmd_print(ctx, "quality: open one with: quality dup|near-dup|leak|outlier[=KIND]\n");
		/* in the workbench: the quality view over the panes */
		if (ctx->app->ui != NULL)
			pane_quality_open(ctx->app->ui);
		return CMD_OK;
	}
	if ((ui = cmd_ui_of(ctx, argv[0])) == NULL)
		return CMD_ERROR;
	/* file order first: the filter's rebuild then puts each group's members together */
	pane_data_set_sort(ui, UI_SORT_FILE, false);
	if (pane_data_set_filter(ui, argv[1], &err) != 0) {
		cmd_error(ctx, "quality: %s", err.msg);
		return CMD_ERROR;
	}
	cmd_print(ctx, "filter %s: %zu of %zu records, groups together\n", argv[1], ui->data.n,
		  ctx->app->ds.n);
	return CMD_OK;
}

/* leak-fix move|drop: unleak on the record under the cursor (keys L and X). */
enum cmd_rc cmd_leak_fix_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ui *ui = cmd_ui_of(ctx, argv[0]);
	char at[32], *args[3];
	long i;

	(void)argc;
	if (ui == NULL || (i = cmd_ui_record_here(ctx, ui, argv[0])) < 0)
		return CMD_ERROR;
	snprintf(at, sizeof at, "@%ld", i + 1);
	args[0] = "unleak";
	args[1] = at;
	args[2] = argv[1];
	return cmd_unleak_exec(ctx, 3, args);
}
