/*
 * app.c - application state.
 */
#include "tunetop/app.h"
#include "tunetop/app-ensemble.h"
#include "tunetop/bpe.h"

#include "tunetop/cmd-agree.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/journal.h"
#include "tunetop/session.h"
#include "tunetop/tempfile.h"
#include "tunetop/trainer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_init(struct app *a)
{
	memset(a, 0, sizeof *a);
	cfg_init(&a->cfg);
	dataset_init(&a->ds);
	app_edited_attach(a);
	app_findings_attach(a);
}

void app_fini(struct app *a)
{
	int i;

	trainer_destroy(a->trainer);
	app_label_errors_reset(a);
	cmd_edit_bulk_fini(a);
	free(a->start_notice);
	journal_close(a->journal);
	cmd_agree_fini(a);
	a->journal = NULL;
	app_edited_reset(a);
	bpe_destroy(a->bpe);
	bpe_cache_destroy(a->bpe_cache);
	app_gen_free(a);
	free(a->flops.init_path);
	app_checks_reset(a);
	app_unknown_reset(a);
	app_ensemble_off(a);
	app_adapters_free(a);
	if (a->session != NULL) {
		session_fini(a->session);
		free(a->session);
	}
	cfg_fini(&a->cfg);
	dataset_fini(&a->ds);
	free(a->out_dir);
	free(a->run_dir);
	free(a->open_notice);
	for (i = 0; i < a->nschema; i++)
		free(a->schema[i]);
	free(a->schema);
	free(a->session_path);
	memset(a, 0, sizeof *a);
}

void app_ds_options(const struct app *a, struct ds_options *o)
{
	enum ds_format_id f;

	ds_options_default(o);
	o->text_field = cfg_get_str(&a->cfg, "text_field");
	o->label_field = cfg_get_str(&a->cfg, "label_field");
	o->id_field = cfg_get_str(&a->cfg, "id_field");
	o->split_field = cfg_get_str(&a->cfg, "split_field");
	o->label_sep = cfg_get_str(&a->cfg, "label_sep");
	o->skip_bad = cfg_get_bool(&a->cfg, "skip_bad");
	o->max_record_bytes = (size_t)cfg_get_int(&a->cfg, "max_record_mb") << 20;
	if (ds_format_parse(cfg_get_str(&a->cfg, "format"), &f) == 0)
		o->format = f;
}

int app_load_data(struct app *a, const char *path, const char *format, struct tt_err *err)
{
	struct ds_options o;
	struct dataset next;
	struct journal *j;

	app_ds_options(a, &o);
	o.schema = a->schema;     /* the session's labels keep their order */
	o.nschema = a->nschema;
	if (format != NULL && ds_format_parse(format, &o.format) != 0) {
		tt_err_set(err, NULL, 0, 0,
			   "unknown format '%s' (expected auto, jsonl, csv, tsv or fasttext)", format);
		return -1;
	}
	tempfile_clean_stale(path);    /* a save killed midway left its temp file */
	if (dataset_load(&next, path, &o, err) != 0) {
		dataset_fini(&next);
		return -1;
	}
	/*
	 * Edits not yet saved come back from the journal. A journal that does
	 * not replay in full never locks the data out: it is held (journal.h).
	 */
	if (journal_open(&j, &next, cmd_edit_annotator(a), JOURNAL_HOLD_BAD, err) != 0) {
		dataset_fini(&next);
		return -1;
	}
	if (journal_warnings(j)[0] != '\0' && a->ui == NULL)
		tt_esc_fputs(journal_warnings(j), stderr, TT_ESC_KEEP_NL);
	if (journal_held(j) != NULL && a->ui == NULL) {
		char *jp = tt_esc_dup(journal_path(j)), *dp = tt_esc_dup(path);

		/* The workbench, when it starts, says so again where it can be seen. */
		free(a->start_notice);
		a->start_notice = tt_xprintf("journal held: %s does not replay in full (%s); %s is "
					     "open with the edits before that, and edits are refused "
					     "until you run 'journal set-aside'", jp,
					     journal_held(j), dp);
		free(jp);
		free(dp);
	}
	journal_close(a->journal);
	a->journal = j;
	if (a->data_release != NULL)
		a->data_release(a->data_release_opaque);
	dataset_fini(&a->ds);
	a->ds = next;
	a->has_data = true;
	app_edited_reset(a);	/* "edited" now means: since this load */
	app_label_errors_reset(a);	/* its records were the old data's */
	app_checks_reset(a);
	return 0;
}

int app_new_trainer(struct app *a, const char *resume_from, struct tt_err *err)
{
	struct trainer_setup setup;
	struct trainer *t;
	char *run_dir = NULL;

	if (!a->has_data) {
		tt_err_set(err, NULL, 0, 0, "no dataset loaded (use 'load PATH' first)");
		return -1;
	}
	if (a->trainer != NULL) {
		struct trainer_snapshot s;
		enum trainer_state st;

		trainer_snapshot_get(a->trainer, &s);
		st = s.state;
		trainer_snapshot_fini(&s);
		if (st == TRAINER_RUNNING || st == TRAINER_PAUSED) {
			tt_err_set(err, NULL, 0, 0, "a run is in progress (stop it first)");
			return -1;
		}
	}
	memset(&setup, 0, sizeof setup);
	setup.cfg = &a->cfg;
	setup.out_dir = a->out_dir;
	/* The workbench keeps every run beside its session (app-run.c). */
	if (setup.out_dir == NULL && a->ui != NULL) {
		run_dir = app_next_run_dir(a, err);
		if (run_dir == NULL)
			return -1;
		setup.out_dir = run_dir;
	}
	setup.input = trainer_input_from_dataset(&a->ds);
	setup.resume_from = resume_from;
	t = trainer_create(&setup, err);
	if (t == NULL) {
		trainer_input_free(setup.input);
		free(run_dir);
		return -1;
	}
	trainer_destroy(a->trainer);
	a->trainer = t;
	free(a->run_dir);
	a->run_dir = run_dir;
	if (a->ui != NULL)
		trainer_want_predictions(t);   /* the data and label panes show them */
	return 0;
}

struct session *app_session(struct app *a)
{
	if (a->session == NULL) {
		a->session = tt_xcalloc(1, sizeof *a->session);
		session_init(a->session);
		if (a->has_data && a->ds.path != NULL)
			a->session->name = tt_xstrdup(a->ds.path);
	}
	return a->session;
}

char *app_session_file(const struct app *a)
{
	if (a->session_path != NULL)
		return tt_xstrdup(a->session_path);
	if (a->has_data && a->ds.path != NULL)
		return session_path_for_data(a->ds.path);
	return NULL;
}
