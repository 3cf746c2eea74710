/*
 * cmd-session.c - `session save [PATH]`: write what the workbench holds -
 * data path, label schema, options and their live changes, the split, the
 * last checkpoint and the UI state - so `tunetop SESSION.yaml` restores it.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/session.h"
#include "tunetop/trainer.h"

/* The schema from the data's labels when the session declares none. */
static void session_fill_labels(struct app *a, struct session *s)
{
	uint32_t l;

	if (s->nlabels > 0 || !a->has_data)
		return;
	s->labels = tt_xcalloc(a->ds.labels.n + 1, sizeof *s->labels);
	for (l = 0; l < a->ds.labels.n; l++)
		s->labels[l].name = tt_xstrdup(a->ds.labels.names[l]);
	s->nlabels = (int)a->ds.labels.n;
}

/* The current run's live changes replace the recorded history. */
static void session_fill_history(struct app *a, struct session *s)
{
	struct trainer_event ev[256];
	size_t n, i, since = 0;
	int first = 1;

	if (a->trainer == NULL)
		return;
	while ((n = trainer_events(a->trainer, since, ev, 256)) > 0) {
		for (i = 0; i < n; i++) {
			if (ev[i].kind != TRAINER_EV_SET)
				continue;
			if (first) {
				for (int k = 0; k < s->nhistory; k++) {
					free(s->history[k].key);
					free(s->history[k].old_value);
					free(s->history[k].new_value);
				}
				s->nhistory = 0;
				first = 0;
			}
			session_add_change(s, ev[i].step, ev[i].key, ev[i].old_value, ev[i].new_value);
		}
		since += n;
	}
}

enum cmd_rc cmd_session_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	struct session *s;
	const char *path;
	struct tt_err err;
	char *shown;

	if (strcmp(argv[1], "save") != 0) {
		cmd_error(ctx, "session: unknown action '%s' (expected: session save [PATH])", argv[1]);
		return CMD_ERROR;
	}
	path = argc > 2 ? argv[2] : a->session_path;
	if (path == NULL) {
		cmd_error(ctx, "session save: no session file yet (give a PATH ending in .yaml)");
		return CMD_ERROR;
	}
	s = app_session(a);
	if (a->has_data)
		session_set_string(&s->data, a->ds.path);
	session_fill_labels(a, s);
	session_fill_history(a, s);
	if (a->session_store != NULL)
		a->session_store(a, s);
	tt_err_clear(&err);
	if (session_save(s, &a->cfg, path, &err) != 0) {
		char msg[1200];

		tt_err_format(&err, msg, sizeof msg);
		cmd_error(ctx, "session save: %s", msg);
		return CMD_ERROR;
	}
	if (a->session_path == NULL || strcmp(a->session_path, path) != 0) {
		free(a->session_path);
		a->session_path = tt_xstrdup(path);
	}
	shown = tt_esc_dup(path);
	cmd_print(ctx, "session saved to %s\n", shown);
	free(shown);
	return CMD_OK;
}
