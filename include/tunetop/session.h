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
 *   ui: {layout: overview, theme: dark, ...}   # see session_ui_keys
 *
 * Unknown keys and invalid values are errors with file:line:column; nothing
 * in the app changes unless the whole session is valid.
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
	char *ui[SESSION_UI_COUNT];   /* NULL: not set */
};

void session_init(struct session *s);
void session_fini(struct session *s);

/* Parse a session file; options are validated into cfg (only on success). */
int session_load(struct session *s, const char *path, struct cfg *cfg, struct tt_err *err);

/* Apply a loaded session to the app: schema, then the dataset if it has one. */
int session_apply(const struct session *s, struct app *a, struct tt_err *err);

/*
 * Write s (and the options in cfg that differ from their defaults)
 * atomically to path. Paths are written relative to path's directory
 * where they lie below it.
 */
int session_save(const struct session *s, const struct cfg *cfg, const char *path,
		 struct tt_err *err);

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
