/*
 * session.h - YAML sessions: the data path, the label schema and options.
 *
 *   name: Larkspur help desk
 *   data: demo/tickets.jsonl        # relative to the session file
 *   labels:                         # names, or {name, key, description}
 *     - {name: billing, key: "1", description: "charges, invoices, refunds"}
 *   options:                        # any option from 'help options'
 *     seed: 42
 *   annotator: alice                # who edits (default: $USER)
 *   split: {ratios: 80/10/10, seed: 42}   # re-applied, keeping saved splits
 *   history:                        # live option changes of the last run
 *     - {step: 120, key: lr, old: "0.5", new: "0.25"}
 *   checkpoint: demo.ckpt           # the last checkpoint, resumed by `start`
 *   run: demo.runs/3                # the last workbench run (metrics.jsonl)
 *   ui: {layout: overview, theme: dark, ...}   # see session_ui_keys
 *
 * Unknown keys, duplicate keys, invalid values and an empty file are
 * errors with file:line:column; nothing in the app changes unless the
 * whole session is valid.
 *
 * Files. A data file's session is named after its whole file name
 * (small.csv -> small.csv.session.yaml). What the workbench saves by
 * itself (quit, SIGHUP, SIGTERM) goes to a state file beside the session
 * (demo.yaml -> demo.state.yaml), read after it; runs write into
 * demo.runs/N/. A person's session file is rewritten only by an explicit
 * `session save`, which changes the values in its text and keeps its
 * comments and key order.
 */
#ifndef TUNETOP_SESSION_H
#define TUNETOP_SESSION_H

#include "tunetop/app.h"
#include "tunetop/util.h"

struct session_label {
	char *name;
	char *key;           /* NULL: assigned in order */
	char *description;   /* NULL if none */
};

/* One live change of an option, as the trainer recorded it. */
struct session_change {
	unsigned long long step;
	char *key;
	char *old_value;
	char *new_value;
};

/* The UI state a session keeps: a fixed set of keys, validated on load. */
enum session_ui_key {
	SESSION_UI_LAYOUT,       /* overview | data | labeling */
	SESSION_UI_THEME,        /* a theme name */
	SESSION_UI_FOCUS,        /* data | label | curves | confusion | repl */
	SESSION_UI_ZOOM,         /* true | false */
	SESSION_UI_DATA_CURSOR,  /* record index >= 0 */
	SESSION_UI_DATA_FILTER,  /* a filter expression */
	SESSION_UI_LABEL_CURSOR, /* record index at the labeling queue's cursor */
	SESSION_UI_QUEUE,        /* file | unlabeled | margin | entropy | random [SEED] */
	SESSION_UI_SMOOTHING,    /* 0 .. 0.999 */
	SESSION_UI_LOGY,         /* true | false */
	SESSION_UI_DATA_SORT,    /* a sort column, then asc | desc */
	SESSION_UI_SEARCH,       /* the search's regular expression */
	SESSION_UI_COUNT,
};

/* A UI key's name in the file ("layout", "data_filter"...). */
const char *session_ui_key_name(enum session_ui_key k);

/*
 * A named option set the session declares (`presets: {NAME: {option:
 * value, ...}}`), applied by `preset NAME` before the built-in presets of
 * that name; an `init` value is resolved against the session's directory.
 */
struct session_preset {
	char *name;
	char **keys;
	char **values;
	int n;
};

struct session {
	char *path;
	char *name;
	char *data;          /* resolved against the session's directory */
	struct session_label *labels;
	int nlabels;
	char *annotator;     /* NULL: $USER */
	char *split_ratios;  /* NULL: no split recorded */
	long split_seed;
	struct session_change *history;
	int nhistory;
	char *checkpoint;    /* resolved against the session's directory, or NULL */
	char *run;           /* the last run's directory (resolved), or NULL */
	char *ui[SESSION_UI_COUNT];   /* NULL: not set */
	struct session_preset *presets;
	int npresets;
};

/* The session's preset called name, or NULL. */
const struct session_preset *session_preset_find(const struct session *s, const char *name);

void session_init(struct session *s);
void session_fini(struct session *s);

/* Parse a session file; options are validated into cfg (only on success). */
int session_load(struct session *s, const char *path, struct cfg *cfg, struct tt_err *err);

/* Apply a loaded session to the app: schema, then the dataset if it has one. */
int session_apply(const struct session *s, struct app *a, struct tt_err *err);
/* The session's recorded split on the app's data (records with one keep it). */
int session_apply_split(const struct session *s, struct app *a, struct tt_err *err);

/*
 * Read a state file over a loaded session: options, split, history,
 * checkpoint, run and UI state replace the session's. The state must name
 * the same data file; 1 if it was applied, 0 if it was not (it names other
 * data: *why says so), -1 + err if it is broken (s and cfg unchanged).
 */
int session_load_state(struct session *s, const char *path, struct cfg *cfg, char **why,
		       struct tt_err *err);

/*
 * Write s (and the options in cfg that differ from base, or from their
 * defaults when base is NULL) atomically to path as a new file. Paths are
 * written relative to path's directory where they lie below it.
 */
int session_save(const struct session *s, const struct cfg *cfg, const struct cfg *base,
		 const char *path, struct tt_err *err);

/*
 * `session save` over an existing file: the values that changed are
 * replaced in its text, new keys appended where they belong, keys no
 * longer set removed; comments, order and layout stay (session-edit.c).
 */
int session_save_edit(const struct session *s, const struct cfg *cfg, const char *path,
		      struct tt_err *err);

/* path as a session at session_path holds it: relative below its directory, else absolute. */
char *session_relative(const char *session_path, const char *path);

/* Names beside a session or data file (malloc'd). */
char *session_path_for_data(const char *data);      /* small.csv.session.yaml */
char *session_legacy_path(const char *data);        /* small.session.yaml */
char *session_state_path(const char *session_path); /* demo.state.yaml */
char *session_runs_dir(const char *session_path);   /* demo.runs */
/* demo.yaml, ".ckpt" -> demo.ckpt; small.csv.session.yaml -> small.csv.ckpt */
char *session_sibling(const char *session_path, const char *suffix);
/* realpath(a) == realpath(b), both existing. */
int session_same_file(const char *a, const char *b);

/* Set a UI value (copied; NULL clears). */
void session_ui_set(struct session *s, enum session_ui_key k, const char *value);
void session_set_string(char **slot, const char *value);
/* Append a change to the history. */
void session_add_change(struct session *s, unsigned long long step, const char *key,
			const char *old_value, const char *new_value);

/*
 * The data path of a session file that may be broken (unknown keys, bad
 * values), so the data can still be opened alone. NULL if even that fails.
 */
char *session_peek_data(const char *path);

#endif
