/*
 * cmd-ui-train.c - training in one key press: train (split 80/10/10 first
 * when the data has no splits, then start, or resume a paused run),
 * toggle-pause, lr-scale FACTOR (the + and - keys), checkpoint-now (to a
 * file next to the session). Each is built from the registry's commands,
 * so they behave the same from a key, the REPL or a script.
 */
#include "tunetop/cmd-ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/trainer.h"
#include "tunetop/ui.h"

/* The trainer's state now (IDLE without one). */
static enum trainer_state cmd_trainer_state(struct cmd_ctx *ctx)
{
	struct trainer_snapshot s;
	enum trainer_state st;

	if (ctx->app->trainer == NULL)
		return TRAINER_IDLE;
	trainer_snapshot_get(ctx->app->trainer, &s);
	st = s.state;
	trainer_snapshot_fini(&s);
	return st;
}

static int cmd_has_splits(const struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++) {
		if (ds->recs[i].split != DS_SPLIT_NONE && !(ds->recs[i].flags & DS_FLAG_DELETED))
			return 1;
	}
	return 0;
}

enum cmd_rc cmd_train_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum trainer_state st = cmd_trainer_state(ctx);

	(void)argc;
	(void)argv;
	if (ctx->app->trainer != NULL && st == TRAINER_RUNNING) {
		cmd_print(ctx, "already training (space pauses, 'stop' ends the run)\n");
		return CMD_OK;
	}
	if (ctx->app->trainer != NULL && st == TRAINER_PAUSED)
		return cmd_run_line(ctx, "resume");
	if (!cmd_has_splits(&ctx->app->ds)) {
		cmd_print(ctx, "the data has no splits: ");
		if (cmd_run_line(ctx, "split 80/10/10") != CMD_OK)
			return CMD_ERROR;
	}
	return cmd_run_line(ctx, "start");
}

enum cmd_rc cmd_toggle_pause_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum trainer_state st = cmd_trainer_state(ctx);

	(void)argc;
	(void)argv;
	if (ctx->app->trainer == NULL) {
		cmd_error(ctx, "toggle-pause: no training run yet (t or 'train' starts one)");
		return CMD_ERROR;
	}
	if (st == TRAINER_RUNNING)
		return cmd_run_line(ctx, "pause");
	if (st == TRAINER_PAUSED)
		return cmd_run_line(ctx, "resume");
	cmd_error(ctx, "toggle-pause: the run is %s (t or 'train' starts a new one)",
		  trainer_state_name(st));
	return CMD_ERROR;
}

enum cmd_rc cmd_lr_scale_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	double f, lr = cfg_get_num(&ctx->app->cfg, "lr");
	char *end, line[96];

	(void)argc;
	f = strtod(argv[1], &end);
	if (*end != '\0' || !(f > 0)) {
		cmd_error(ctx, "lr-scale: '%s' is not a positive factor", argv[1]);
		return CMD_ERROR;
	}
	snprintf(line, sizeof line, "set lr %.6g", lr * f);
	return cmd_run_line(ctx, line);
}

enum cmd_rc cmd_checkpoint_now_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *path = argc > 1 ? tt_xstrdup(argv[1]) : ctx->app->run_dir != NULL ?
		     tt_xprintf("%s/checkpoint.safetensors", ctx->app->run_dir) :
		     ui_session_file(ctx->app, ".ckpt");
	struct tt_buf line;
	enum cmd_rc rc;
	const char *p;

	tt_buf_init(&line);
	tt_buf_adds(&line, "checkpoint \"");
	for (p = path; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			tt_buf_addc(&line, '\\');
		tt_buf_addc(&line, *p);
	}
	tt_buf_addc(&line, '"');
	rc = cmd_run_line(ctx, line.data);
	if (rc == CMD_OK && (ctx->source == CMD_SRC_REPL || ctx->source == CMD_SRC_KEY)) {
		char *shown = tt_esc_dup(path);

		cmd_print(ctx, "writing a checkpoint to %s\n", shown);
		free(shown);
	}
	tt_buf_fini(&line);
	free(path);
	return rc;
}
