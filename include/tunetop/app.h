/*
 * app.h - the application state commands act on (owned by the UI/main
 * thread). A command reaches it through cmd_ctx->app.
 */
#ifndef TUNETOP_APP_H
#define TUNETOP_APP_H

#include <stdbool.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/edit.h"
#include "tunetop/findings.h"
#include "tunetop/gpt.h"

struct app_ensemble;
struct app_adapters;
struct bpe;
struct bpe_cache;
struct app_gen;
struct cmd_bulk;
struct labelerr_report;
struct tokenizer;
struct xval;

struct app {
	struct cfg cfg;
	struct dataset ds;
	bool has_data;
	char *session_path;     /* the session file opened, or NULL */
	char **schema;          /* label names declared by the session */
	int nschema;
	bool quit;
	struct trainer *trainer;    /* NULL until the first start */
	struct journal *journal;    /* the loaded dataset's edit journal, or NULL */
	struct ui *ui;              /* the terminal UI when it runs, else NULL */
	struct session *session;    /* the session opened or being built, or NULL */
	/* Set by the UI: copy its state (layout, theme, cursors...) into s. */
	void (*session_store)(struct app *a, struct session *s);
	char *out_dir;              /* where runs write metrics.jsonl and models */
	char *run_dir;              /* the workbench's current run (demo.runs/N), or NULL */
	/* What the workbench says on its status line first (a session found), or NULL. */
	char *open_notice;
	/*
	 * Messages sent to the trainer from the REPL or a key (they do not
	 * wait): the workbench shows their answer when the trainer refuses,
	 * and also when it succeeds for those marked in awaited_show (eval).
	 */
	uint64_t awaited[8];
	bool awaited_show[8];
	int nawaited;
	struct trainer *awaited_from;   /* the trainer those ids belong to */
	/* Called before the dataset is replaced or freed: stop threads reading it. */
	void (*data_release)(void *opaque);
	void *data_release_opaque;
	/* What the workbench says first (a session that did not apply), or NULL. */
	char *start_notice;
	/* The live model's predictions for filters (pred=, conf=); get NULL: none. */
	struct edit_preds preds;
	/* Who edited what, for the filters `edited` and `by=` (app.c). */
	struct edit_edits edits;
	/* The BPE tokenizer `tokens` shows (loaded by `tokenizer`), or NULL; its cache. */
	struct bpe *bpe;
	struct bpe_cache *bpe_cache;
	struct app_gen *gen;        /* the model `gpt-load` loaded (cmd-generate.c), or NULL */
	uint64_t session_seq;       /* the journal's next seq when the data was opened */
	struct app_edited {         /* a cache: records edited, for one question */
		uint8_t *map;
		size_t n;
		uint64_t seq;       /* journal_next_seq and undo depth it was built at */
		size_t undo;
		bool session;
		char *by;
		bool valid;
	} edited;
	struct cmd_bulk *bulk;      /* the bulk edit waiting for y/n (cmd-edit.c), or NULL */
	/* Likely label errors (cmd-labelerr.c): the last ranking, the run making the next. */
	struct labelerr_report *label_errors;   /* NULL: none yet */
	struct xval *label_errors_job;          /* running in the background, or NULL */
	uint64_t label_errors_seq;              /* bumped with every new ranking */
	uint64_t label_errors_at;               /* journal seq when the last run started */
	char label_errors_msg[256];             /* its outcome, for the status line */
	/* The findings of check and the ranking's flags for the filter's finding terms (app-checks.c). */
	struct edit_findings findings;
	struct app_agree *agree;    /* answers of the journals for agreement (cmd-agree.c), or NULL */
	struct app_checks {         /* a cache, rebuilt when the data or journal moved */
		struct findings *f;
		const void *recs;
		size_t n;
		uint64_t seq;
		size_t undo;
		const struct tokenizer *unknown_tok;   /* the vocabulary the rates were under */
	} checks_cache;
	/* The model vocabulary of the outlier kind unknown (app-unknown.c), or tok NULL. */
	struct app_unknown {
		struct tokenizer *tok;
		char *model;            /* its file */
		bool from_run;          /* the workbench run's: taken again at every check */
	} unknown;
	/* Saved models as the suggestion source (app-ensemble.h), or NULL: the live model. */
	struct app_ensemble *ensemble;
	/* LoRA adapters loaded by name (cmd-ftmodes.c), or NULL. */
	struct app_adapters *adapters;
	/* Speed and estimates of transformer runs (app-flops.h); zeroed by app_init. */
	struct app_flops {
		double peak;            /* sgemm GFLOP/s, 0 until an estimate needs it */
		double last_mfu;        /* the last running gpt run's, 0: none yet */
		double est_at, est_s;   /* the last estimate, and when it was made */
		char est_basis[160];
		char *init_path;        /* the init file whose shapes init_cfg holds */
		struct gpt_config init_cfg;
		bool init_ok;
	} flops;
};

void app_init(struct app *a);
void app_fini(struct app *a);
/* cmd-ftmodes.c: free app->adapters. */
void app_adapters_free(struct app *a);
/* cmd-generate.c: free app->gen. */
void app_gen_free(struct app *a);
/* app-edited.c: provide a->edits; forget the cache (a new journal: the session starts now). */
void app_edited_attach(struct app *a);
void app_edited_reset(struct app *a);

/*
 * app-checks.c: provide a->findings (app_init does); forget the cache (a
 * load, a split).
 * app_checks_get: the findings, computed now if the data or journal moved
 * since the last time, or near duplicates are wanted and missing (NULL +
 * err when the check options are inconsistent). app_checks_refresh
 * computes them again whatever the cache holds (after `set`).
 */
void app_findings_attach(struct app *a);
void app_checks_reset(struct app *a);
const struct findings *app_checks_get(struct app *a, bool near, struct tt_err *err);
const struct findings *app_checks_refresh(struct app *a, bool near, struct tt_err *err);

/*
 * app-unknown.c: the vocabulary for the unknown-word rate (unkrate.h).
 * app_unknown_load takes the tokenizer of the model file at path
 * (replacing the one before); app_unknown_from_run the current workbench
 * run's saved model (model, best or checkpoint .safetensors in run_dir:
 * the live run's vocabulary, fixed when it started), 0 when there is none
 * yet. app_unknown_rates: a new array of the rates of every record (free),
 * or NULL without a vocabulary.
 */
int app_unknown_load(struct app *a, const char *path, struct tt_err *err);
int app_unknown_from_run(struct app *a, struct tt_err *err);
float *app_unknown_rates(struct app *a, struct tt_err *err);
void app_unknown_reset(struct app *a);

/* Dataset options from the config (fields, format, skip_bad, limits). */
void app_ds_options(const struct app *a, struct ds_options *o);

/*
 * Load a dataset, replacing the current one only on success.
 * format may be NULL (the config's, usually auto).
 */
int app_load_data(struct app *a, const char *path, const char *format, struct tt_err *err);

/*
 * A trainer over a copy of the current data and options, replacing a
 * finished one. -1 + err if one is running or the data has no labels.
 */
int app_new_trainer(struct app *a, const char *resume_from, struct tt_err *err);

/* The app's session, created empty (named after the data) if there is none. */
struct session *app_session(struct app *a);

/*
 * The session file this app saves to: the one opened, else the data's own
 * (DATA.session.yaml), else NULL. Malloc'd.
 */
char *app_session_file(const struct app *a);

/*
 * Runs (app-run.c). In the workbench every run writes into a directory
 * beside its session, demo.runs/N, numbered from 1: metrics.jsonl, its
 * checkpoints and its models. app_next_run_dir makes the next one.
 */
char *app_next_run_dir(const struct app *a, struct tt_err *err);
/*
 * Reopen the session's last run: a trainer restored from ckpt, its curves
 * from run_dir/metrics.jsonl, waiting PAUSED (or DONE). The outcome shows
 * as the trainer's notice.
 */
int app_restore_run(struct app *a, const char *run_dir, const char *ckpt, struct tt_err *err);

/*
 * Likely label errors (cmd-labelerr.c). _start runs the cross-validation
 * in the background; _poll (the workbench, on the job's wake fd and each
 * tick) turns a finished run into a->label_errors and returns 1 (-1 failed
 * or cancelled, message in label_errors_msg; 0 nothing new), and starts a
 * new run after label_errors_every edits; _wait starts one if needed and
 * waits for it; _reset cancels and forgets (new data).
 */
int app_label_errors_start(struct app *a, struct tt_err *err);
int app_label_errors_poll(struct app *a);
int app_label_errors_wait(struct app *a, struct tt_err *err);
void app_label_errors_reset(struct app *a);

#endif
