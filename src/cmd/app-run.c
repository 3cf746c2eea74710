/*
 * app-run.c - the workbench's run directories and reopening the last run.
 *
 * Every run started in the workbench writes into demo.runs/N/ beside its
 * session (N = 1, 2, ...): metrics.jsonl, checkpoint.safetensors (on quit,
 * SIGHUP, SIGTERM and `s`), best.safetensors and model.safetensors. The
 * state file records the run and its checkpoint; reopening the session
 * restores them (app_restore_run), so the curves, the matrix and the
 * predictions are back and `t` continues the same run in the same
 * directory. A new run (after a finished one, or `start`) takes the next N.
 */
#include "tunetop/app.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/session.h"
#include "tunetop/trainer.h"

/* The largest N of the numbered directories in dir (0 if none). */
static unsigned long app_last_run_number(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned long best = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long n = strtoul(e->d_name, &end, 10);

		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && *end == '\0' && n > best)
			best = n;
	}
	closedir(d);
	return best;
}

char *app_next_run_dir(const struct app *a, struct tt_err *err)
{
	char *session = app_session_file(a), *runs, *dir = NULL;
	unsigned long n;
	int tries;

	if (session == NULL) {
		tt_err_set(err, NULL, 0, 0, "no data loaded: no place for the run");
		return NULL;
	}
	runs = session_runs_dir(session);
	free(session);
	if (mkdir(runs, 0755) != 0 && errno != EEXIST) {
		tt_err_set(err, runs, 0, 0, "cannot make the runs directory: %s", strerror(errno));
		free(runs);
		return NULL;
	}
	/* mkdir is the claim: another tunetop on the same session takes the next. */
	n = app_last_run_number(runs);
	for (tries = 0; tries < 1000; tries++) {
		dir = tt_xprintf("%s/%lu", runs, n + 1 + (unsigned long)tries);
		if (mkdir(dir, 0755) == 0)
			break;
		if (errno != EEXIST) {
			tt_err_set(err, dir, 0, 0, "cannot make the run directory: %s", strerror(errno));
			free(dir);
			dir = NULL;
			break;
		}
		free(dir);
		dir = NULL;
	}
	free(runs);
	return dir;
}

int app_restore_run(struct app *a, const char *run_dir, const char *ckpt, struct tt_err *err)
{
	struct trainer_setup setup;
	struct trainer *t;

	if (!a->has_data || a->trainer != NULL) {
		tt_err_set(err, NULL, 0, 0, "no data, or a run is already open");
		return -1;
	}
	memset(&setup, 0, sizeof setup);
	setup.cfg = &a->cfg;
	setup.out_dir = run_dir;
	setup.resume_from = ckpt;
	setup.input = trainer_input_from_dataset(&a->ds);
	t = trainer_create(&setup, err);
	if (t == NULL) {
		trainer_input_free(setup.input);
		return -1;
	}
	a->trainer = t;
	free(a->run_dir);
	a->run_dir = run_dir != NULL ? tt_xstrdup(run_dir) : NULL;
	trainer_want_predictions(t);
	trainer_send(t, TRAINER_RESTORE, NULL, NULL, 0, NULL);
	return 0;
}
