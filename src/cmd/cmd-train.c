/*
 * cmd-train.c - training commands: start, pause, resume, stop, step,
 * eval, checkpoint, export, reload-labels, status, wait. Each sends a
 * message to the trainer thread; from a script or headless they wait until
 * the trainer has handled it and print its answer, from the REPL or a key
 * they return at once and the answer shows up in the status line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/app-flops.h"
#include "tunetop/cmd.h"
#include "tunetop/journal.h"
#include "tunetop/session.h"
#include "tunetop/trainer.h"

static int cmd_waits(const struct cmd_ctx *ctx)
{
	return ctx->source == CMD_SRC_HEADLESS || ctx->source == CMD_SRC_SCRIPT ||
	       ctx->source == CMD_SRC_CONFIG;
}

/* Remember a message sent without waiting, so the workbench can show a refusal. */
static void cmd_train_await(struct app *a, uint64_t id, bool show)
{
	int cap = (int)(sizeof a->awaited / sizeof a->awaited[0]);

	if (a->awaited_from != a->trainer) {
		a->awaited_from = a->trainer;
		a->nawaited = 0;
	}
	if (a->nawaited == cap) {	/* the oldest goes: its answer is long due */
		memmove(a->awaited, a->awaited + 1, (size_t)(cap - 1) * sizeof a->awaited[0]);
		memmove(a->awaited_show, a->awaited_show + 1,
			(size_t)(cap - 1) * sizeof a->awaited_show[0]);
		a->nawaited--;
	}
	a->awaited_show[a->nawaited] = show;
	a->awaited[a->nawaited++] = id;
}

/*
 * Send and, when the caller waits, report the trainer's answer. Without
 * waiting (REPL, keys) the workbench reports a refusal, and the answer
 * itself when show is set (an evaluation's figures).
 */
static enum cmd_rc cmd_train_send_show(struct cmd_ctx *ctx, enum trainer_msg_type type,
				       const char *key, const char *value, uint64_t n,
				       struct trainer_input *input, bool show)
{
	uint64_t id = trainer_send(ctx->app->trainer, type, key, value, n, input);
	char reply[1024];

	if (!cmd_waits(ctx)) {
		cmd_train_await(ctx->app, id, show);
		return CMD_OK;
	}
	if (trainer_wait_handled(ctx->app->trainer, id, reply, sizeof reply) != 0) {
		cmd_error(ctx, "%s", reply);
		return CMD_ERROR;
	}
	cmd_print_line(ctx, reply);
	return CMD_OK;
}

static enum cmd_rc cmd_train_send(struct cmd_ctx *ctx, enum trainer_msg_type type,
				  const char *key, const char *value, uint64_t n,
				  struct trainer_input *input)
{
	return cmd_train_send_show(ctx, type, key, value, n, input, false);
}

static int cmd_need_trainer(struct cmd_ctx *ctx, const char *name)
{
	if (ctx->app->trainer != NULL)
		return 1;
	cmd_error(ctx, "%s: no training run (use 'start' first)", name);
	return 0;
}

enum cmd_rc cmd_start_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_err err;

	tt_err_clear(&err);
	if (app_new_trainer(ctx->app, argc > 1 ? argv[1] : NULL, &err) != 0) {
		cmd_error(ctx, "start: %s", err.msg);
		return CMD_ERROR;
	}
	journal_pending_reset(ctx->app->journal);   /* the run has every edit */
	return cmd_train_send(ctx, TRAINER_START, NULL, NULL, 0, NULL);
}

static enum cmd_rc cmd_train_simple(struct cmd_ctx *ctx, const char *name,
				    enum trainer_msg_type type)
{
	if (!cmd_need_trainer(ctx, name))
		return CMD_ERROR;
	return cmd_train_send(ctx, type, NULL, NULL, 0, NULL);
}

enum cmd_rc cmd_pause_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_train_simple(ctx, argv[0], TRAINER_PAUSE);
}

enum cmd_rc cmd_resume_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_train_simple(ctx, argv[0], TRAINER_RESUME);
}

enum cmd_rc cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_train_simple(ctx, argv[0], TRAINER_STOP);
}

enum cmd_rc cmd_eval_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int test = argc > 1 && strcmp(argv[1], "test") == 0;

	if (argc > 1 && !test && strcmp(argv[1], "valid") != 0) {
		cmd_error(ctx, "eval: expected 'valid' or 'test', got '%s'", argv[1]);
		return CMD_ERROR;
	}
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	return cmd_train_send_show(ctx, test ? TRAINER_EVAL_TEST : TRAINER_EVAL, NULL, NULL, 0,
				   NULL, true);
}

enum cmd_rc cmd_step_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	char *end;
	unsigned long long n = 1;

	if (argc > 1) {
		n = strtoull(argv[1], &end, 10);
		if (*end != '\0' || n == 0 || argv[1][0] == '-') {
			cmd_error(ctx, "step: '%s' is not a positive number of steps", argv[1]);
			return CMD_ERROR;
		}
	}
	if (ctx->app->trainer == NULL) {
		struct tt_err err;

		tt_err_clear(&err);
		if (app_new_trainer(ctx->app, NULL, &err) != 0) {
			cmd_error(ctx, "step: %s", err.msg);
			return CMD_ERROR;
		}
	}
	return cmd_train_send(ctx, TRAINER_STEP, NULL, NULL, n, NULL);
}

enum cmd_rc cmd_checkpoint_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	/* The session remembers it, so reopening can resume from it. */
	session_set_string(&app_session(ctx->app)->checkpoint, argv[1]);
	return cmd_train_send(ctx, TRAINER_CHECKPOINT, NULL, argv[1], 0, NULL);
}

enum cmd_rc cmd_export_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	return cmd_train_send(ctx, TRAINER_EXPORT, NULL, argv[1], 0, NULL);
}

enum cmd_rc cmd_reload_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	journal_pending_reset(ctx->app->journal);   /* the trainer gets every edit */
	return cmd_train_send(ctx, TRAINER_RELOAD, NULL, NULL, 0,
			      trainer_input_from_dataset(&ctx->app->ds));
}

enum cmd_rc cmd_train_message(struct cmd_ctx *ctx, int type, const char *key,
			      const char *value)
{
	return cmd_train_send_show(ctx, (enum trainer_msg_type)type, key, value, 0, NULL, true);
}

/* Forward a live option to a running trainer (called by `set`). */
enum cmd_rc cmd_train_set(struct cmd_ctx *ctx, const char *key, const char *value)
{
	return cmd_train_send(ctx, TRAINER_SET, key, value, 0, NULL);
}

static void cmd_status_eval(struct cmd_ctx *ctx, const char *name, const struct metrics_report *r,
			    bool lm)
{
	if (lm) {
		cmd_print(ctx, "%s: perplexity %.4f, loss %.4f, next-token accuracy %.4f "
			  "(%llu tokens)\n", name, exp(r->loss), r->loss, r->accuracy,
			  (unsigned long long)r->n);
		return;
	}
	cmd_print(ctx, "%s: accuracy %.4f, macro-F1 %.4f, loss %.4f (%llu records)\n", name,
		  r->accuracy, r->macro_f1, r->loss, (unsigned long long)r->n);
}

/* A transformer run's speed: GFLOP/s, MFU against the sgemm peak, ETA (app-flops.h). */
static void cmd_status_flops(struct cmd_ctx *ctx, const struct trainer_snapshot *s)
{
	double gflops, mfu;
	char eta[32];

	if (!app_flops_of(ctx->app, s, &gflops, &mfu))
		return;
	app_fmt_duration(s->eta_seconds, eta, sizeof eta);
	cmd_print(ctx, "speed: %.0f tokens/s, %.2f GFLOP/s (%.3g MFLOP a token), MFU %.1f%% of "
		  "%.1f GFLOP/s sgemm peak, ETA %s\n", s->tokens_per_sec, gflops,
		  s->flops_per_token / 1e6, isfinite(mfu) ? mfu * 100 : 0.0, s->peak_gflops, eta);
}

/* After a run: the estimate of the next one the options describe (model gpt). */
static void cmd_status_next(struct cmd_ctx *ctx)
{
	char basis[160], d[32];
	double est = app_run_estimate(ctx->app, basis, sizeof basis);

	if (est < 0)
		return;
	app_fmt_duration(est, d, sizeof d);
	cmd_print(ctx, "next run: estimated duration %s (%s)\n", d, basis);
}

/* Before a run of model gpt: its estimated duration; false when there is none. */
static bool cmd_status_estimate(struct cmd_ctx *ctx)
{
	char basis[160], d[32];
	double est = app_run_estimate(ctx->app, basis, sizeof basis);

	if (est < 0)
		return false;
	app_fmt_duration(est, d, sizeof d);
	cmd_print(ctx, "no training run yet; model gpt: estimated duration %s (%s)\n", d, basis);
	return true;
}

enum cmd_rc cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct trainer_snapshot s;

	(void)argc;
	if (ctx->app->trainer == NULL && cmd_status_estimate(ctx))
		return CMD_OK;
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	trainer_snapshot_get(ctx->app->trainer, &s);
	cmd_print(ctx, "%s: step %llu/%llu, epoch %.2f/%u, lr %.4g (base %.4g), loss %.4f, "
		  "%.0f tokens/s\n", trainer_state_name(s.state), (unsigned long long)s.step,
		  (unsigned long long)s.total_steps, s.epoch, s.epochs, s.lr, s.base_lr,
		  s.train_loss, s.tokens_per_sec);
	if (s.params_total > 0)
		cmd_print(ctx, "parameters: %llu trainable of %llu (%.1f%%), optimizer state %.2f MB\n",
			  (unsigned long long)s.params_trainable, (unsigned long long)s.params_total,
			  100.0 * (double)s.params_trainable / (double)s.params_total,
			  (double)s.optim_bytes / 1e6);
	cmd_status_flops(ctx, &s);
	if (s.has_eval)
		cmd_status_eval(ctx, "valid", &s.eval, s.lm);
	if (s.has_test)
		cmd_status_eval(ctx, "test", &s.test, s.lm);
	if (s.message[0] != '\0')
		cmd_print_line(ctx, s.message);
	if (s.state == TRAINER_DONE || s.state == TRAINER_STOPPED || s.state == TRAINER_FAILED)
		cmd_status_next(ctx);
	trainer_snapshot_fini(&s);
	return CMD_OK;
}

enum cmd_rc cmd_wait_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum trainer_state st;

	(void)argc;
	if (!cmd_need_trainer(ctx, argv[0]))
		return CMD_ERROR;
	if (!cmd_waits(ctx)) {
		cmd_error(ctx, "wait: only in scripts and headless runs");
		return CMD_ERROR;
	}
	st = trainer_wait_stopped(ctx->app->trainer, -1);
	cmd_print(ctx, "trainer %s\n", trainer_state_name(st));
	return CMD_OK;
}
