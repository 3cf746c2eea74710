/*
 * cmd-ftmodes.c - the fine-tuning modes in the workbench and headless
 * (trainer-ftmodes.c does the work):
 *
 *   freeze K|body|none          set freeze_layers K, -1 or 0
 *   lora RANK [ALPHA] [TARGETS] | lora off      set lora_rank, lora_alpha, lora_targets
 *   restart [FILE]              a new run from the current run's weights
 *   merge-adapter [OUT]         the run's weights with its adapters folded in, to OUT
 *   adapter load DIR [NAME] | adapter use NAME|none | adapter list
 *
 * freeze_layers, lora_* and grad_checkpoint size the run's arenas, so they
 * apply when a run starts; set while a run is running or paused, the reply
 * says so and points at `restart`, which saves the weights (adapters
 * folded in) as FILE (default RUN_DIR/restart-STEP.safetensors), stops the run and starts
 * a new one with init set to that file: the new run applies the modes, and
 * its step count, schedule and optimizer state start over.
 *
 * Adapters (several for one base): `adapter load` checks that DIR loads
 * (base found, hash right) and names it; `adapter use NAME` makes it the
 * source of suggestions and of the pred/conf filters, through the same
 * path as a one-model ensemble (app-ensemble.h); `adapter use none` goes
 * back to the live model.
 *
 * Each of these commands, when a run exists, is journaled as an event in
 * its metrics.jsonl (a marker on the curves, as `set`), through the
 * trainer (the only writer of that file).
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app-ensemble.h"
#include "tunetop/bundle.h"
#include "tunetop/cmd.h"
#include "tunetop/gpt-lora.h"
#include "tunetop/trainer.h"

struct app_adapters {
	char **names, **dirs;
	size_t n;
	char *active;           /* the name in use, or NULL */
};

void app_adapters_free(struct app *a)
{
	struct app_adapters *x = a->adapters;

	if (x == NULL)
		return;
	for (size_t i = 0; i < x->n; i++) {
		free(x->names[i]);
		free(x->dirs[i]);
	}
	free(x->names);
	free(x->dirs);
	free(x->active);
	free(x);
	a->adapters = NULL;
}

/* The options that only apply when a run starts (the arenas are sized then). */
static int cmd_ftmodes_start_only(const char *key)
{
	static const char *const keys[] = { "freeze_layers", "lora_rank", "lora_alpha",
					    "lora_dropout", "lora_targets", "grad_checkpoint" };

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

static enum trainer_state cmd_ftmodes_state(struct app *a)
{
	struct trainer_snapshot s;
	enum trainer_state st;

	if (a->trainer == NULL)
		return TRAINER_IDLE;
	trainer_snapshot_get(a->trainer, &s);
	st = s.state;
	trainer_snapshot_fini(&s);
	return st;
}

/* An event in the run's metrics.jsonl (a marker on the curves), when a run exists. */
static void cmd_ftmodes_journal(struct cmd_ctx *ctx, const char *what, const char *words)
{
	struct trainer *t = ctx->app->trainer;

	if (t != NULL)
		trainer_wait_handled(t, trainer_send(t, TRAINER_NOTE, what, words, 0, NULL), NULL, 0);
}

int cmd_ftmodes_after_set(struct cmd_ctx *ctx, const char *key, const char *value)
{
	enum trainer_state st = cmd_ftmodes_state(ctx->app);
	char words[160];

	if (!cmd_ftmodes_start_only(key) || ctx->app->trainer == NULL)
		return 0;
	snprintf(words, sizeof words, "%s %s", key, value);
	cmd_ftmodes_journal(ctx, "set", words);
	if (st == TRAINER_RUNNING || st == TRAINER_PAUSED)
		cmd_print(ctx, "%s applies when a run starts, not to this %s run (its arenas are "
			  "sized): 'restart' starts a new run from its current weights\n", key,
			  st == TRAINER_RUNNING ? "running" : "paused");
	return 1;
}

/* Model gpt only; the error names the command. */
static int cmd_ftmodes_gpt(struct cmd_ctx *ctx, const char *name)
{
	const char *model = cfg_get_str(&ctx->app->cfg, "model");

	if (strcmp(model, "gpt") == 0)
		return 1;
	cmd_error(ctx, "%s: for model gpt only (the model option is %s: 'set model gpt' or a gpt "
		  "preset first)", name, model);
	return 0;
}

/* Set key = value in the workbench's options; the error quotes the option's range. */
static int cmd_ftmodes_set(struct cmd_ctx *ctx, const char *name, const char *key,
			   const char *value)
{
	struct tt_err err;

	tt_err_clear(&err);
	if (cfg_set(&ctx->app->cfg, key, value, &err) != 0) {
		cmd_error(ctx, "%s: %s", name, err.msg);
		return -1;
	}
	return 0;
}

static void cmd_ftmodes_applies(struct cmd_ctx *ctx)
{
	enum trainer_state st = cmd_ftmodes_state(ctx->app);

	if (st == TRAINER_RUNNING || st == TRAINER_PAUSED)
		cmd_print(ctx, "  applies when a run starts, not to this %s run: 'restart' starts a "
			  "new run from its current weights\n",
			  st == TRAINER_RUNNING ? "running" : "paused");
	else
		cmd_print(ctx, "  applies at the next start\n");
}

enum cmd_rc cmd_freeze_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *v = argv[1];
	char *end;
	long k;

	(void)argc;
	if (strcmp(v, "body") == 0)
		v = "-1";
	else if (strcmp(v, "none") == 0)
		v = "0";
	k = strtol(v, &end, 10);
	if (*end != '\0' || end == v || k < -1) {
		cmd_error(ctx, "freeze: expected a number of layers K >= 0, body or none, got '%s'",
			  argv[1]);
		return CMD_ERROR;
	}
	if (!cmd_ftmodes_gpt(ctx, "freeze") || cmd_ftmodes_set(ctx, "freeze", "freeze_layers", v))
		return CMD_ERROR;
	if (k < 0)
		cmd_print(ctx, "freeze_layers = -1: everything but the classification head frozen\n");
	else if (k == 0)
		cmd_print(ctx, "freeze_layers = 0: nothing frozen\n");
	else if (k == 1)
		cmd_print(ctx, "freeze_layers = 1: the embeddings and block 0 frozen\n");
	else
		cmd_print(ctx, "freeze_layers = %ld: the embeddings and blocks 0-%ld frozen\n", k,
			  k - 1);
	cmd_ftmodes_applies(ctx);
	cmd_ftmodes_journal(ctx, "freeze", argv[1]);
	return CMD_OK;
}

enum cmd_rc cmd_lora_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_err err;
	unsigned bits;
	char words[200];

	if (!cmd_ftmodes_gpt(ctx, "lora"))
		return CMD_ERROR;
	if (strcmp(argv[1], "off") == 0) {
		if (argc > 2) {
			cmd_error(ctx, "lora: 'off' takes nothing after it");
			return CMD_ERROR;
		}
		cmd_ftmodes_set(ctx, "lora", "lora_rank", "0");
		cmd_print(ctx, "lora_rank = 0: no adapters\n");
	} else {
		char *end;
		long r = strtol(argv[1], &end, 10);

		if (*end != '\0' || end == argv[1] || r < 1) {
			cmd_error(ctx, "lora: expected a rank >= 1 (or off), got '%s'", argv[1]);
			return CMD_ERROR;
		}
		tt_err_clear(&err);
		if (argc > 3 && gpt_lora_parse_targets(argv[3], &bits, &err) != 0) {
			cmd_error(ctx, "lora: %s", err.msg);
			return CMD_ERROR;
		}
		if (cmd_ftmodes_set(ctx, "lora", "lora_rank", argv[1]) != 0 ||
		    (argc > 2 && cmd_ftmodes_set(ctx, "lora", "lora_alpha", argv[2]) != 0) ||
		    (argc > 3 && cmd_ftmodes_set(ctx, "lora", "lora_targets", argv[3]) != 0))
			return CMD_ERROR;
		cmd_print(ctx, "lora_rank = %s, lora_alpha = %s, lora_targets = %s\n",
			  cfg_get_str(&ctx->app->cfg, "lora_rank"),
			  cfg_get_str(&ctx->app->cfg, "lora_alpha"),
			  cfg_get_str(&ctx->app->cfg, "lora_targets"));
	}
	cmd_ftmodes_applies(ctx);
	snprintf(words, sizeof words, "%s%s%s%s%s", argv[1], argc > 2 ? " " : "",
		 argc > 2 ? argv[2] : "", argc > 3 ? " " : "", argc > 3 ? argv[3] : "");
	cmd_ftmodes_journal(ctx, "lora", words);
	return CMD_OK;
}

/* Where the run's files go: its run directory (workbench) or --out. */
static const char *cmd_ftmodes_dir(const struct app *a)
{
	return a->run_dir != NULL ? a->run_dir : a->out_dir;
}

/* Ask the trainer for the merged weights at path; 0, or -1 with the reason printed. */
static int cmd_ftmodes_merged(struct cmd_ctx *ctx, const char *name, const char *path)
{
	struct trainer *t = ctx->app->trainer;
	char reply[1024];

	if (trainer_wait_handled(t, trainer_send(t, TRAINER_MERGED, NULL, path, 0, NULL), reply,
				 sizeof reply) != 0) {
		cmd_error(ctx, "%s: %s", name, reply);
		return -1;
	}
	cmd_print_line(ctx, reply);
	return 0;
}

enum cmd_rc cmd_merge_adapter_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const char *dir = cmd_ftmodes_dir(ctx->app);
	char *path;
	int rc;

	if (ctx->app->trainer == NULL) {
		cmd_error(ctx, "merge-adapter: no training run (use 'start' first)");
		return CMD_ERROR;
	}
	if (argc < 2 && dir == NULL) {
		cmd_error(ctx, "merge-adapter: no run directory: give OUT");
		return CMD_ERROR;
	}
	path = argc > 1 ? tt_xstrdup(argv[1]) : tt_xprintf("%s/merged.safetensors", dir);
	rc = cmd_ftmodes_merged(ctx, "merge-adapter", path);
	free(path);
	return rc == 0 ? CMD_OK : CMD_ERROR;
}

enum cmd_rc cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	enum trainer_state st = cmd_ftmodes_state(a);
	const char *dir = cmd_ftmodes_dir(a);
	struct trainer_snapshot s;
	char *path, *start[] = { "start", NULL };
	enum cmd_rc rc;

	if (a->trainer == NULL || st == TRAINER_IDLE || st == TRAINER_FAILED) {
		cmd_error(ctx, "restart: no run with weights to restart from (use 'start')");
		return CMD_ERROR;
	}
	if (!cmd_ftmodes_gpt(ctx, "restart"))
		return CMD_ERROR;
	if (dir == NULL && argc < 2) {
		cmd_error(ctx, "restart: no run directory to keep the weights in: give FILE");
		return CMD_ERROR;
	}
	trainer_snapshot_get(a->trainer, &s);
	path = argc > 1 ? tt_xstrdup(argv[1]) :
	       tt_xprintf("%s/restart-%llu.safetensors", dir, (unsigned long long)s.step);
	trainer_snapshot_fini(&s);
	cmd_ftmodes_journal(ctx, "restart", path);
	if (cmd_ftmodes_merged(ctx, "restart", path) != 0) {
		free(path);
		return CMD_ERROR;
	}
	if (st == TRAINER_RUNNING || st == TRAINER_PAUSED)
		trainer_wait_handled(a->trainer, trainer_send(a->trainer, TRAINER_STOP, NULL, NULL,
							      0, NULL), NULL, 0);
	if (cmd_ftmodes_set(ctx, "restart", "init", path) != 0) {
		free(path);
		return CMD_ERROR;
	}
	cmd_print(ctx, "restart: a new run from %s (init; freeze_layers %s, lora_rank %s)\n", path,
		  cfg_get_str(&a->cfg, "freeze_layers"), cfg_get_str(&a->cfg, "lora_rank"));
	free(path);
	rc = cmd_start_exec(ctx, 1, start);
	return rc;
}

/* ---- adapters ---------------------------------------------------------- */

static long cmd_adapter_find(const struct app_adapters *x, const char *name)
{
	for (size_t i = 0; x != NULL && i < x->n; i++)
		if (strcmp(x->names[i], name) == 0)
			return (long)i;
	return -1;
}

static enum cmd_rc cmd_adapter_load(struct cmd_ctx *ctx, const char *dir, const char *name)
{
	struct app_adapters *x;
	struct bundle b;
	struct tt_err err;
	char msg[1200], *esc;
	long i;

	if (!bundle_is_adapter_dir(dir)) {
		cmd_error(ctx, "adapter load: %s is not an adapter directory (expected "
			  "adapter_config.json and adapter_model.safetensors in it)", dir);
		return CMD_ERROR;
	}
	tt_err_clear(&err);
	if (bundle_load(&b, dir, &err) != 0) {    /* base found, hash checked */
		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "adapter load: %s", msg);
		return CMD_ERROR;
	}
	esc = tt_esc_dup(bundle_meta(&b, "tunetop.adapter_base"));
	cmd_print(ctx, "adapter %s: %s on %s, %u labels\n", name, dir, esc, b.nlabels);
	free(esc);
	bundle_fini(&b);
	if (ctx->app->adapters == NULL)
		ctx->app->adapters = tt_xcalloc(1, sizeof *ctx->app->adapters);
	x = ctx->app->adapters;
	i = cmd_adapter_find(x, name);
	if (i < 0) {
		x->names = tt_xrealloc(x->names, (x->n + 1) * sizeof *x->names);
		x->dirs = tt_xrealloc(x->dirs, (x->n + 1) * sizeof *x->dirs);
		x->names[x->n] = tt_xstrdup(name);
		x->dirs[x->n++] = tt_xstrdup(dir);
	} else {
		free(x->dirs[i]);
		x->dirs[i] = tt_xstrdup(dir);
	}
	return CMD_OK;
}

static enum cmd_rc cmd_adapter_use(struct cmd_ctx *ctx, const char *name)
{
	struct app_adapters *x = ctx->app->adapters;
	char *args[3] = { "ensemble", NULL, NULL };
	long i;

	if (strcmp(name, "none") == 0) {
		if (x != NULL) {
			free(x->active);
			x->active = NULL;
		}
		app_ensemble_off(ctx->app);
		cmd_print(ctx, "suggestions come from the live model again\n");
		return CMD_OK;
	}
	i = cmd_adapter_find(x, name);
	if (i < 0) {
		cmd_error(ctx, "adapter use: no adapter '%s' (adapter load DIR %s first; "
			  "'adapter list' shows them)", name, name);
		return CMD_ERROR;
	}
	args[1] = x->dirs[i];
	if (cmd_ensemble_exec(ctx, 2, args) != CMD_OK)
		return CMD_ERROR;
	snprintf(ctx->app->ensemble->desc, sizeof ctx->app->ensemble->desc, "adapter %.48s", name);
	free(x->active);
	x->active = tt_xstrdup(name);
	cmd_print(ctx, "suggestions come from adapter %s\n", name);
	return CMD_OK;
}

static void cmd_adapter_list(struct cmd_ctx *ctx)
{
	const struct app_adapters *x = ctx->app->adapters;

	if (x == NULL || x->n == 0) {
		cmd_print(ctx, "no adapters loaded (adapter load DIR [NAME])\n");
		return;
	}
	for (size_t i = 0; i < x->n; i++) {
		struct gpt_lora_config lc;
		struct tt_err err;
		int ok = gpt_lora_read_config(x->dirs[i], &lc, NULL, &err) == 0;
		int on = x->active != NULL && strcmp(x->active, x->names[i]) == 0 &&
			 ctx->app->ensemble != NULL;

		cmd_print(ctx, "%s %s  %s", on ? "*" : " ", x->names[i], x->dirs[i]);
		if (ok)
			cmd_print(ctx, "  rank %u alpha %g", lc.r, (double)lc.alpha);
		cmd_print(ctx, "\n");
	}
}

enum cmd_rc cmd_adapter_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum cmd_rc rc;
	char words[600];

	if (strcmp(argv[1], "list") == 0 && argc == 2) {
		cmd_adapter_list(ctx);
		return CMD_OK;
	}
	if (strcmp(argv[1], "load") == 0 && (argc == 3 || argc == 4)) {
		const char *name = argc == 4 ? argv[3] : strrchr(argv[2], '/') != NULL &&
				   strrchr(argv[2], '/')[1] != '\0' ? strrchr(argv[2], '/') + 1 :
				   argv[2];

		rc = cmd_adapter_load(ctx, argv[2], name);
	} else if (strcmp(argv[1], "use") == 0 && argc == 3) {
		rc = cmd_adapter_use(ctx, argv[2]);
	} else {
		cmd_error(ctx, "adapter: expected 'load DIR [NAME]', 'use NAME|none' or 'list'");
		return CMD_ERROR;
	}
	if (rc == CMD_OK) {
		snprintf(words, sizeof words, "%s %s%s%s", argv[1], argv[2], argc > 3 ? " " : "",
			 argc > 3 ? argv[3] : "");
		cmd_ftmodes_journal(ctx, "adapter", words);
	}
	return rc;
}
