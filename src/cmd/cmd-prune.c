/*
 * cmd-prune.c - `prune SPARSITY [matrix|global]`: magnitude pruning of the
 * run's transformer now (trainer-prune.c does it on the trainer thread,
 * between steps, and journals it as a "prune" event in metrics.jsonl).
 * The arguments are checked here so a typo is answered at once, whatever
 * the trainer is doing.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/trainer.h"

enum cmd_rc cmd_prune_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *scope = argc > 2 ? argv[2] : NULL;
	char *end;
	double s = strtod(argv[1], &end);

	if (end == argv[1] || *end != '\0' || !(s >= 0 && s <= 0.99)) {
		cmd_error(ctx, "prune: sparsity '%s' is out of range (expected a number from 0 "
			  "to 0.99, the share of weights to zero, e.g. 0.7)", argv[1]);
		return CMD_ERROR;
	}
	if (scope != NULL && strcmp(scope, "matrix") != 0 && strcmp(scope, "global") != 0) {
		cmd_error(ctx, "prune: scope '%s' is unknown (expected matrix or global)", scope);
		return CMD_ERROR;
	}
	if (ctx->app->trainer == NULL) {
		if (strcmp(cfg_get_str(&ctx->app->cfg, "model"), "gpt") != 0) {
			cmd_error(ctx, "prune: pruning needs model gpt (the model is %s)",
				  cfg_get_str(&ctx->app->cfg, "model"));
			return CMD_ERROR;
		}
		cmd_error(ctx, "prune: no training run (use 'start' first, or 'set "
			  "prune_sparsity %s' to prune when the run starts)", argv[1]);
		return CMD_ERROR;
	}
	return cmd_train_message(ctx, TRAINER_PRUNE, scope, argv[1]);
}
