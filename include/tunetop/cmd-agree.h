/*
 * cmd-agree.h - annotator agreement as commands (cmd-agree.c):
 *
 *   agreement [--journal FILE]... [--json]
 *       Cohen's kappa (two annotators) and Krippendorff's alpha (nominal;
 *       any number, partial overlap), overall and per label, over the
 *       answers in the data's journal and in each FILE named (another
 *       annotator's journal of the same data; remembered for the
 *       disagreements queue and adjudicate until the data is reloaded).
 *   adjudicate ID LABEL...
 *       label a record where the answers disagree; the journal keeps the
 *       answers it settled ("adjudicates", journal.h).
 *
 * Both work headless and in the workbench; `tunetop agreement DATA` runs
 * the first from the command line.
 */
#ifndef TUNETOP_CMD_AGREE_H
#define TUNETOP_CMD_AGREE_H

#include "tunetop/agree.h"
#include "tunetop/cmd.h"

struct app;

enum cmd_rc cmd_agreement_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_adjudicate_exec(struct cmd_ctx *ctx, int argc, char **argv);

/*
 * Read another annotator's journal of the data open in a (read-only,
 * replayed over a fresh copy of the data file) and keep its answers.
 * -1 + err (FILE:line:column: what) when it cannot be read or replayed.
 */
int cmd_agree_add_journal(struct app *a, const char *path, struct tt_err *err);
/*
 * The answers for the data open in a: its journal's and the added
 * journals'; rebuilt when the journal changed. NULL without data.
 */
const struct agree_table *cmd_agree_table(struct app *a);
/*
 * Can there be answers from two annotators (the journal names two, or
 * another's journal was added)? Cheap: views ask it before the table.
 */
bool cmd_agree_possible(struct app *a);
/*
 * score[record] for the disagreements queue order (room for ds.n): 0 for
 * a record whose answers disagree and are not adjudicated, NaN otherwise.
 * Returns how many records have 0.
 */
size_t cmd_agree_keys(struct app *a, float *score);
/* Free what the app keeps for agreement (app_fini and a new dataset call it). */
void cmd_agree_fini(struct app *a);

#endif
