/*
 * cmd-distill.c - `distill [MODEL|off]`: start a run whose n-gram model
 * learns from MODEL's probabilities too (distill.h). It sets the option
 * distill_teacher and starts the run like `start`: the teacher pass runs on
 * the trainer thread, its progress on the status line, and the run's
 * metrics.jsonl records it as an event (set distill_teacher). `distill off`
 * clears the option (the next start trains on the labels alone); no
 * argument shows the distillation options.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"

static void cmd_distill_show(struct cmd_ctx *ctx)
{
	const struct cfg *c = &ctx->app->cfg;
	const char *teacher = cfg_get_str(c, "distill_teacher");

	cmd_print(ctx, "distill: teacher %s, temperature %s, alpha %s, unlabeled %s\n",
		  teacher[0] != '\0' ? teacher : "(none)", cfg_get_str(c, "distill_temperature"),
		  cfg_get_str(c, "distill_alpha"), cfg_get_str(c, "distill_unlabeled"));
}

enum cmd_rc cmd_distill_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *start[] = { "start", NULL };
	struct tt_err err;
	FILE *f;

	if (argc < 2) {
		cmd_distill_show(ctx);
		return CMD_OK;
	}
	tt_err_clear(&err);
	if (strcmp(argv[1], "off") == 0) {
		cfg_set(&ctx->app->cfg, "distill_teacher", "", &err);
		cmd_print(ctx, "distill: off (the next run trains on the labels alone)\n");
		return CMD_OK;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL) {
		cmd_error(ctx, "distill: %s: cannot read the teacher model: %s", argv[1],
			  strerror(errno));
		return CMD_ERROR;
	}
	fclose(f);
	if (strcmp(cfg_get_str(&ctx->app->cfg, "model"), "ngram") != 0) {
		cmd_error(ctx, "distill: the student is the n-gram model (set model ngram first)");
		return CMD_ERROR;
	}
	if (cfg_set(&ctx->app->cfg, "distill_teacher", argv[1], &err) != 0) {
		cmd_error(ctx, "distill: %s", err.msg);
		return CMD_ERROR;
	}
	return cmd_start_exec(ctx, 1, start);
}
