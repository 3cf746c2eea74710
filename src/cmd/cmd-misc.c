/*
 * cmd-misc.c - set, show, help, echo, source, version, quit.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/preset.h"
#include "tunetop/session.h"
#include "tunetop/trainer.h"
#include "tunetop/version.h"

/*
 * `set model gpt` from the n-gram defaults: the n-gram's lr 0.5, SGD and
 * dim 100 would diverge or not divide into heads, so options still at
 * their default take gpt-tiny's values, and the REPL says which.
 */
static void cmd_set_gpt_defaults(struct cmd_ctx *ctx)
{
	struct tt_buf taken;
	struct tt_err err;
	int n;

	tt_buf_init(&taken);
	tt_err_clear(&err);
	n = preset_fill_defaults(&ctx->app->cfg, preset_find("gpt-tiny"), &taken, &err);
	if (n < 0)
		cmd_error(ctx, "set: %s", err.msg);
	else if (n > 0)
		cmd_print(ctx, "model gpt: options at their default take preset gpt-tiny's values: "
			  "%s (preset gpt-small or gpt2-124m for other shapes)\n", taken.data);
	tt_buf_fini(&taken);
}

enum cmd_rc cmd_set_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tt_err err;
	char *was, *now, *shown;

	(void)argc;
	if (cfg_find(argv[1]) == NULL) {
		tt_err_clear(&err);
		cfg_set(&ctx->app->cfg, argv[1], argv[2], &err);   /* for its suggestion */
		cmd_error(ctx, "set: %s", err.msg);
		return CMD_ERROR;
	}
	was = tt_xstrdup(cfg_get_str(&ctx->app->cfg, argv[1]));
	tt_err_clear(&err);
	if (cfg_set(&ctx->app->cfg, argv[1], argv[2], &err) != 0) {
		cmd_error(ctx, "set: %s", err.msg);
		free(was);
		return CMD_ERROR;
	}
	if (ctx->app->trainer != NULL && trainer_key_is_live(argv[1])) {
		free(was);
		return cmd_train_set(ctx, argv[1], argv[2]);
	}
	now = tt_esc_dup(cfg_get_str(&ctx->app->cfg, argv[1]));
	shown = tt_esc_dup(was);
	cmd_print(ctx, "%s = %s (was %s)\n", argv[1], now, shown);
	cmd_ftmodes_after_set(ctx, argv[1], now);   /* freeze_layers, lora_*: at the next start */
	if (strcmp(argv[1], "model") == 0 && strcmp(now, "gpt") == 0 && strcmp(was, "gpt") != 0)
		cmd_set_gpt_defaults(ctx);
	free(now);
	free(shown);
	free(was);
	return CMD_OK;
}

enum cmd_rc cmd_show_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_ctx *c = ctx;
	struct tt_buf out;
	size_t i, n;
	const struct cfg_option *t = cfg_table(&n);

	tt_buf_init(&out);
	if (argc > 1) {
		const struct cfg_option *o = cfg_find(argv[1]);

		if (o == NULL) {
			cmd_error(ctx, "show: unknown option '%s' (try 'show' for the list)", argv[1]);
			tt_buf_fini(&out);
			return CMD_ERROR;
		}
		cfg_describe(&c->app->cfg, o, &out);
		tt_buf_addc(&out, '\n');
	} else {
		for (i = 0; i < n; i++) {
			tt_buf_printf(&out, "%-16s ", t[i].name);
			tt_esc_adds(&out, cfg_get_str(&c->app->cfg, t[i].name));
			tt_buf_addc(&out, '\n');
		}
	}
	cmd_print(ctx, "%s", out.data);
	tt_buf_fini(&out);
	return CMD_OK;
}

static void cmd_help_options(struct cmd_ctx *ctx)
{
	struct tt_buf out;
	size_t i, n;
	const struct cfg_option *t = cfg_table(&n);
	const char *group = "";

	tt_buf_init(&out);
	for (i = 0; i < n; i++) {
		if (strcmp(group, t[i].group) != 0) {
			group = t[i].group;
			tt_buf_printf(&out, "%s[%s]\n", i > 0 ? "\n" : "", group);
		}
		cfg_describe(&ctx->app->cfg, &t[i], &out);
		tt_buf_addc(&out, '\n');
	}
	cmd_print(ctx, "%s", out.data);
	tt_buf_fini(&out);
}

enum cmd_rc cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t i, n;
	const struct cmd_entry *t = cmd_table(&n), *e;
	struct tt_err err;

	if (argc == 1) {
		for (i = 0; i < n; i++) {
			if (strlen(t[i].usage) > 28)   /* a long usage gets its own line */
				cmd_print(ctx, "  %-14s %s\n  %-14s %-28s %s\n", t[i].name, t[i].usage,
					  "", "", t[i].summary);
			else
				cmd_print(ctx, "  %-14s %-28s %s\n", t[i].name, t[i].usage, t[i].summary);
		}
		cmd_print(ctx, "Commands may be shortened to a unique prefix. "
			  "'help options' lists the options for 'set'.\n");
		return CMD_OK;
	}
	if (strcmp(argv[1], "options") == 0 || strcmp(argv[1], "set") == 0) {
		cmd_help_options(ctx);
		return CMD_OK;
	}
	tt_err_clear(&err);
	e = cmd_find(argv[1], &err);
	if (e == NULL) {
		cmd_error(ctx, "help: %s", err.msg);
		return CMD_ERROR;
	}
	cmd_print(ctx, "usage: %s %s\n  %s\n", e->name, e->usage, e->summary);
	if (e->alias != NULL)
		cmd_print(ctx, "  alias: %s\n", e->alias);
	return CMD_OK;
}

enum cmd_rc cmd_echo_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		cmd_print(ctx, "%s%s", argv[i], i + 1 < argc ? " " : "");
	cmd_print(ctx, "\n");
	return CMD_OK;
}

enum cmd_rc cmd_source_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	return cmd_run_file(ctx, argv[1]);
}

enum cmd_rc cmd_version_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cmd_print(ctx, "tunetop %s\n", TUNETOP_VERSION);
	return CMD_OK;
}

enum cmd_rc cmd_quit_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctx->app->quit = true;
	return CMD_QUIT;
}

/* The session's own presets first in the list (values escaped: they come from a file). */
static void cmd_preset_list_session(struct cmd_ctx *ctx)
{
	const struct session *s = ctx->app->session;

	for (int i = 0; s != NULL && i < s->npresets; i++) {
		char *name = tt_esc_dup(s->presets[i].name);

		cmd_print(ctx, "  %-12s this session's:", name);
		free(name);
		for (int j = 0; j < s->presets[i].n; j++) {
			char *k = tt_esc_dup(s->presets[i].keys[j]);
			char *v = tt_esc_dup(s->presets[i].values[j]);

			cmd_print(ctx, " %s=%s", k, v);
			free(k);
			free(v);
		}
		cmd_print(ctx, "\n");
	}
}

/* The values were checked when the session loaded; the cfg can still refuse one. */
static enum cmd_rc cmd_preset_apply_session(struct cmd_ctx *ctx, const struct session_preset *sp)
{
	struct tt_err err;
	char *name = tt_esc_dup(sp->name);

	tt_err_clear(&err);
	for (int j = 0; j < sp->n; j++) {
		if (cfg_set(&ctx->app->cfg, sp->keys[j], sp->values[j], &err) != 0) {
			char *msg = tt_esc_dup(err.msg);

			cmd_error(ctx, "preset %s: %s", name, msg);
			free(msg);
			free(name);
			return CMD_ERROR;
		}
	}
	cmd_print(ctx, "preset %s (this session's):", name);
	for (int j = 0; j < sp->n; j++) {
		char *k = tt_esc_dup(sp->keys[j]);
		char *v = tt_esc_dup(sp->values[j]);

		cmd_print(ctx, " %s=%s", k, v);
		free(k);
		free(v);
	}
	cmd_print(ctx, "\n");
	free(name);
	return CMD_OK;
}

enum cmd_rc cmd_preset_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	size_t i, n;
	const struct preset *t = preset_table(&n), *p;
	const struct session_preset *sp;
	struct tt_err err;

	if (argc == 1) {
		cmd_preset_list_session(ctx);
		for (i = 0; i < n; i++)
			cmd_print(ctx, "  %-12s %s\n", t[i].name, t[i].summary);
		return CMD_OK;
	}
	sp = ctx->app->session != NULL ? session_preset_find(ctx->app->session, argv[1]) : NULL;
	p = sp != NULL ? NULL : preset_find(argv[1]);
	if (p == NULL && sp == NULL) {
		cmd_error(ctx, "preset: unknown preset '%s' (try 'preset' for the list)", argv[1]);
		return CMD_ERROR;
	}
	if (ctx->app->trainer != NULL) {
		struct trainer_snapshot s;
		enum trainer_state st;

		trainer_snapshot_get(ctx->app->trainer, &s);
		st = s.state;
		trainer_snapshot_fini(&s);
		if (st == TRAINER_RUNNING || st == TRAINER_PAUSED) {
			cmd_error(ctx, "preset: a run is in progress (change single options with set, "
				  "or stop it first)");
			return CMD_ERROR;
		}
	}
	tt_err_clear(&err);
	if (sp != NULL)
		return cmd_preset_apply_session(ctx, sp);
	if (preset_apply(&ctx->app->cfg, p, &err) != 0) {
		cmd_error(ctx, "%s", err.msg);
		return CMD_ERROR;
	}
	cmd_print(ctx, "preset %s:", p->name);
	for (i = 0; p->values[i].key != NULL; i++)
		cmd_print(ctx, " %s=%s", p->values[i].key, p->values[i].value);
	cmd_print(ctx, "\n");
	return CMD_OK;
}
