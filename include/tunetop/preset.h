/*
 * preset.h - named sets of option values that suit a model and optimizer.
 * Small models trained from scratch want far larger learning rates than
 * the 1e-5 of large pre-trained transformers; each preset ships values
 * that work for its model instead of one default for all.
 */
#ifndef TUNETOP_PRESET_H
#define TUNETOP_PRESET_H

#include <stddef.h>

#include "tunetop/cfg.h"

struct preset_value {
	const char *key;
	const char *value;
};

struct preset {
	const char *name;
	const char *summary;
	const struct preset_value *values;   /* ends with {NULL, NULL} */
};

const struct preset *preset_table(size_t *count);
const struct preset *preset_find(const char *name);
/* Apply every value of the preset (all or nothing). */
int preset_apply(struct cfg *c, const struct preset *p, struct tt_err *err);
/*
 * Apply only the values of options still at their default (what a person
 * has not set: `set model gpt` alone takes gpt-tiny's shape and AdamW but
 * keeps a chosen lr). "key value, ..." of those taken go to taken;
 * returns how many, or -1 + err.
 */
int preset_fill_defaults(struct cfg *c, const struct preset *p, struct tt_buf *taken,
			 struct tt_err *err);

#endif
