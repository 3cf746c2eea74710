/*
 * session.h - YAML sessions: the data path, the label schema and options.
 *
 *   name: Larkspur help desk
 *   data: demo/tickets.jsonl        # relative to the session file
 *   labels:                         # names, or {name, key, description}
 *     - {name: billing, key: "1", description: "charges, invoices, refunds"}
 *   options:                        # any option from 'help options'
 *     seed: 42
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

struct session {
	char *path;
	char *name;
	char *data;          /* resolved against the session's directory */
	struct session_label *labels;
	int nlabels;
};

void session_init(struct session *s);
void session_fini(struct session *s);

/* Parse a session file; options are validated into cfg (only on success). */
int session_load(struct session *s, const char *path, struct cfg *cfg, struct tt_err *err);

/* Apply a loaded session to the app: schema, then the dataset if it has one. */
int session_apply(const struct session *s, struct app *a, struct tt_err *err);

#endif
