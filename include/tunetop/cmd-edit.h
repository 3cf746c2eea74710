/*
 * cmd-edit.h - the edit commands (label, flag, note, undo, bulk edits,
 * journal...) and what the UI calls to edit, confirm bulk edits and save.
 *
 * Every edit goes through the journal (journal.h): it is on disk before it
 * is reported. From a script or -e each edited record prints "ok SEQ ID"
 * on stdout, flushed, once it is durable.
 */
#ifndef TUNETOP_CMD_EDIT_H
#define TUNETOP_CMD_EDIT_H

#include <stdbool.h>

#include "tunetop/cmd.h"
#include "tunetop/journal.h"

enum cmd_rc cmd_label_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_unlabel_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_flag_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_unflag_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_unsure_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_sure_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_note_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_edit_text_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_delete_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_undelete_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_move_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* unleak (cmd-quality.c): put a leaking group in one split, or drop the other side. */
enum cmd_rc cmd_unleak_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* A record from an ID a person typed (errors as NAME: ...). */
int cmd_edit_find(struct cmd_ctx *ctx, const char *name, const char *word, size_t *index);
/* Several changes as one journal step (one undo), reported; NAME names the command. */
enum cmd_rc cmd_edit_many(struct cmd_ctx *ctx, const char *name,
			  const struct journal_change *ch, size_t n, const struct journal_meta *meta);
enum cmd_rc cmd_undo_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_redo_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_relabel_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_flag_where_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_journal_exec(struct cmd_ctx *ctx, int argc, char **argv);

/*
 * One edit of record index (field := after), with what the model showed
 * (meta may be NULL), reported through ctx like the commands do. The label
 * pane calls this, e.g. with after = ["billing"] and the suggestion.
 */
enum cmd_rc cmd_edit_apply(struct cmd_ctx *ctx, size_t index, enum edit_op op,
			   const json_t *after, const struct journal_meta *meta);

/*
 * Bulk edits from the REPL or a key: `relabel` and `flag-where` print a
 * preview and wait for an answer. The UI asks y/n, then calls
 * cmd_edit_bulk_answer (no: nothing changes); `yes` and `no` (y, n) typed
 * in the REPL do the same. Anything else the person does first cancels it
 * (cmd_edit_bulk_cancel), so it is never applied by surprise later. The
 * answer applies the edit to the records that match then, as one undo
 * step. Scripts pass --yes instead.
 */
bool cmd_edit_bulk_waiting(const struct app *a);
/* The question to show ("relabel 42 records to 'billing'? (y/n)"), or NULL. */
const char *cmd_edit_bulk_question(const struct app *a);
enum cmd_rc cmd_edit_bulk_answer(struct cmd_ctx *ctx, bool yes);
/* Drop the waiting bulk edit, saying why ("another command came first"). */
void cmd_edit_bulk_cancel(struct cmd_ctx *ctx, const char *why);
/* Forget the waiting bulk edit and free its slot (app_fini does). */
void cmd_edit_bulk_fini(struct app *a);
enum cmd_rc cmd_yes_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_no_exec(struct cmd_ctx *ctx, int argc, char **argv);

/*
 * `save`: to the dataset's own file through the journal (atomic save,
 * then compaction; reloads when deleted records were dropped), to any
 * other path as a plain atomic copy. -1 + err if nothing was saved.
 */
int cmd_edit_save(struct cmd_ctx *ctx, const char *path, enum ds_format_id fmt,
		  struct tt_err *err);

/*
 * The annotator edits are credited to: option "annotator" if set, else
 * the session's annotator, else NULL ($USER).
 */
const char *cmd_edit_annotator(const struct app *a);

/* tunetop export --provenance JOURNAL_OR_DATA OUT.jsonl */
int cli_export(int argc, char **argv);

#endif
