/*
 * cmd-session.c - `session save [PATH]`: write what the workbench holds -
 * data path, label schema, options and their live changes, the split, the
 * last run and checkpoint and the UI state - so `tunetop SESSION.yaml`
 * restores it. An existing file is the person's: its values are changed
 * in place, comments and order kept (session-edit.c). What is saved on
 * quit goes to the state file beside it instead (cmd_session_save_state).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The session as the workbench holds it now, ready to write. */
static struct session *session_fill(struct app *a)
{
	struct session *s = app_session(a);

	if (a->has_data)
		session_set_string(&s->data, a->ds.path);
	session_fill_labels(a, s);
	session_fill_history(a, s);
	/* The run goes with its checkpoint: a new run without a model yet changes nothing. */
	if (a->run_dir != NULL && s->checkpoint != NULL &&
	    strncmp(s->checkpoint, a->run_dir, strlen(a->run_dir)) == 0 &&
	    s->checkpoint[strlen(a->run_dir)] == '/')
		session_set_string(&s->run, a->run_dir);
	if (a->session_store != NULL)
		a->session_store(a, s);
	return s;
}

static void session_report(struct cmd_ctx *ctx, const char *what, struct tt_err *err)
{
	char msg[1200];

	tt_err_format(err, msg, sizeof msg);
	cmd_error(ctx, "%s: %s", what, msg);
}

enum cmd_rc cmd_session_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	struct session *s;
	char *path;
	struct tt_err err;
	char *shown;
	int rc;

	if (strcmp(argv[1], "save") != 0) {
		cmd_error(ctx, "session: unknown action '%s' (expected: session save [PATH])", argv[1]);
		return CMD_ERROR;
	}
	path = argc > 2 ? tt_xstrdup(argv[2]) : a->session_path != NULL ?
	       tt_xstrdup(a->session_path) : NULL;
	if (path == NULL) {
		cmd_error(ctx, "session save: no session file yet (give a PATH ending in .yaml)");
		return CMD_ERROR;
	}
	s = session_fill(a);
	tt_err_clear(&err);
	/* A file that exists is the person's: its text is edited, not replaced. */
	if (access(path, F_OK) == 0)
		rc = session_save_edit(s, &a->cfg, path, &err);
	else
		rc = session_save(s, &a->cfg, NULL, path, &err);
	if (rc != 0) {
		session_report(ctx, "session save", &err);
		free(path);
		return CMD_ERROR;
	}
	if (a->session_path == NULL || strcmp(a->session_path, path) != 0) {
		free(a->session_path);
		a->session_path = tt_xstrdup(path);
	}
	shown = tt_esc_dup(path);
	cmd_print(ctx, "session saved to %s\n", shown);
	free(shown);
	free(path);
	return CMD_OK;
}

/*
 * The options as the session file gives them, for the state file to keep
 * only what differs (so a value the person later edits in the session is
 * not overridden by a stale copy). NULL if there is no readable session.
 */
static struct cfg *session_base_cfg(const char *session_path)
{
	struct cfg *base = tt_xmalloc(sizeof *base);
	struct session tmp;
	struct tt_err err;

	cfg_init(base);
	if (session_path == NULL || access(session_path, F_OK) != 0 ||
	    session_load(&tmp, session_path, base, &err) != 0) {
		cfg_fini(base);
		free(base);
		return NULL;
	}
	session_fini(&tmp);
	return base;
}

int cmd_session_save_state(struct cmd_ctx *ctx)
{
	struct app *a = ctx->app;
	char *session = app_session_file(a), *path;
	struct cfg *base;
	struct session *s;
	struct tt_err err;
	int rc;

	if (session == NULL || !a->has_data) {
		free(session);
		return 0;
	}
	path = session_state_path(session);
	base = session_base_cfg(a->session_path);
	s = session_fill(a);
	tt_err_clear(&err);
	rc = session_save(s, &a->cfg, base, path, &err);
	if (base != NULL) {
		cfg_fini(base);
		free(base);
	}
	if (rc != 0)
		session_report(ctx, "saving the state", &err);
	else
		cmd_print(ctx, "state saved to %s\n", path);
	free(path);
	free(session);
	return rc;
}
