/*
 * cfg.h - the declarative option table and the values in effect.
 *
 * One table (cfg.c) lists every option: name, type, range, default, help.
 * YAML loading, `set KEY VALUE`, `show [KEY]`, `--set key=value` and help
 * text are all driven from it, so they cannot drift apart.
 */
#ifndef TUNETOP_CFG_H
#define TUNETOP_CFG_H

#include <stdbool.h>
#include <stddef.h>

#include "tunetop/util.h"

enum cfg_type {
	CFG_INT,
	CFG_FLOAT,
	CFG_BOOL,
	CFG_STRING,
	CFG_ENUM,     /* one of the '|'-separated words in choices */
};

struct cfg_option {
	const char *name;      /* snake_case, shared by YAML, set, --set and help */
	enum cfg_type type;
	double min;            /* CFG_INT / CFG_FLOAT: inclusive range */
	double max;
	const char *def;       /* default, as text */
	const char *choices;   /* CFG_ENUM: "a|b|c" */
	const char *group;     /* "data", "train", "ui" ... for help */
	const char *help;
};

/* A value in effect; numbers are kept parsed, text always kept too. */
struct cfg_value {
	char *text;
	double num;            /* CFG_INT, CFG_FLOAT, CFG_BOOL (0/1) */
};

struct cfg {
	struct cfg_value *values;  /* one per table row, in table order */
};

const struct cfg_option *cfg_table(size_t *count);
const struct cfg_option *cfg_find(const char *name);

void cfg_init(struct cfg *c);      /* every option at its default */
void cfg_fini(struct cfg *c);

/* Parse and range-check value for key; on error err->msg says what was expected. */
int cfg_set(struct cfg *c, const char *key, const char *value, struct tt_err *err);
/* "key=value" as given to --set. */
int cfg_set_pair(struct cfg *c, const char *pair, struct tt_err *err);

const char *cfg_get_str(const struct cfg *c, const char *key);
double cfg_get_num(const struct cfg *c, const char *key);
long cfg_get_int(const struct cfg *c, const char *key);
bool cfg_get_bool(const struct cfg *c, const char *key);

/*
 * Load a YAML file whose top level is a mapping of option keys to scalars.
 * Unknown keys, wrong types and out-of-range values are errors with
 * file:line:column. Nothing is changed in c unless the whole file is valid.
 */
int cfg_load_yaml(struct cfg *c, const char *path, struct tt_err *err);
int cfg_load_yaml_buffer(struct cfg *c, const char *name, const char *data, size_t len,
			 struct tt_err *err);

/* "name = value  (type, range) help" lines for show/help. */
void cfg_describe(const struct cfg *c, const struct cfg_option *opt, struct tt_buf *out);

#endif
