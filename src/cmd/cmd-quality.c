/*
 * cmd-quality.c - `unleak ID move|drop`, the fix for a leak (findings.h):
 * a duplicate or near-duplicate group with records in train and in valid
 * or test. `move` puts every member of the record's group into the
 * record's split; `drop` deletes the members in any other split. Either is
 * one journal step, so one `undo` reverts it. The group is the
 * near-duplicate group (exact duplicates are in it too), computed when
 * missing.
 */
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-edit.h"

enum cmd_rc cmd_unleak_exec(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct app *a = ctx->app;
	const struct findings *f;
	const struct findings_group *g;
	struct journal_change *ch;
	struct tt_err err;
	bool drop;
	size_t index, n = 0;
	uint32_t i, at;
	enum cmd_rc rc;
	json_t *after;
	uint8_t split;

	(void)argc;
	if (strcmp(argv[2], "move") != 0 && strcmp(argv[2], "drop") != 0) {
		cmd_error(ctx, "unleak: '%s' is not a fix (expected move or drop)", argv[2]);
		return CMD_ERROR;
	}
	drop = argv[2][0] == 'd';
	if (cmd_edit_find(ctx, "unleak", argv[1], &index) != 0)
		return CMD_ERROR;
	tt_err_clear(&err);
	if ((f = app_checks_get(a, true, &err)) == NULL) {
		cmd_error(ctx, "unleak: %s", err.msg);
		return CMD_ERROR;
	}
	at = f->nears.of[index];
	if (at == FINDINGS_NONE || !f->nears.g[at].leak) {
		cmd_error(ctx, "unleak: record %s is not in a group that spans splits (see quality leak)",
			  argv[1]);
		return CMD_ERROR;
	}
	g = &f->nears.g[at];
	split = a->ds.recs[index].split;
	ch = tt_xcalloc(g->n, sizeof *ch);
	after = drop ? json_true() : json_string(ds_split_name((enum ds_split)split));
	for (i = 0; i < g->n; i++) {
		if (a->ds.recs[g->members[i]].split == split)
			continue;
		ch[n].index = g->members[i];
		ch[n].op = drop ? EDIT_DELETE : EDIT_MOVE;
		ch[n].after = after;
		n++;
	}
	/* the findings are stale after the edit: copy what we print first */
	rc = cmd_edit_many(ctx, "unleak", ch, n, NULL);
	if (rc == CMD_OK)
		cmd_print(ctx, "unleak: %s %zu record%s%s%s; 'undo' reverts %s\n",
			  drop ? "deleted" : "moved", n, n == 1 ? "" : "s", drop ? "" : " to ",
			  drop ? "" : ds_split_name((enum ds_split)split), n == 1 ? "it" : "them all");
	json_decref(after);
	free(ch);
	return rc;
}
