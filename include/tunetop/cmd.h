/*
 * cmd.h - the one command registry.
 *
 * Every action is a command: the REPL, key bindings, --script files,
 * `-e` strings and the config all run command strings through cmd_run.
 * Lookup is exact name, then alias, then unique prefix; an ambiguous prefix
 * is an error listing the candidates. Help is generated from the table.
 */
#ifndef TUNETOP_CMD_H
#define TUNETOP_CMD_H

#include <stdio.h>

#include "tunetop/util.h"

struct app;

enum cmd_rc {
	CMD_OK = 0,
	CMD_ERROR = 1,
	CMD_QUIT = 2,
};

enum cmd_flag {
	CMD_NEEDS_DATA = 1u << 0,
	CMD_NEEDS_TUI = 1u << 1,
	CMD_NEEDS_MODEL = 1u << 2,
};

enum cmd_source {
	CMD_SRC_HEADLESS,   /* -e on the command line */
	CMD_SRC_SCRIPT,     /* --script FILE */
	CMD_SRC_REPL,
	CMD_SRC_KEY,
	CMD_SRC_CONFIG,
};

struct cmd_ctx;

struct cmd_entry {
	const char *name;
	const char *alias;     /* NULL if none */
	const char *usage;     /* arguments, e.g. "PATH [FORMAT]" */
	const char *summary;
	int min_args;
	int max_args;          /* -1: unbounded */
	unsigned flags;        /* enum cmd_flag */
	enum cmd_rc (*exec)(struct cmd_ctx *ctx, int argc, char **argv);
};

/* Output sink: where cmd_print / cmd_error go. */
typedef void (*cmd_sink_fn)(void *opaque, int is_error, const char *text);

struct cmd_ctx {
	struct app *app;
	enum cmd_source source;
	const char *file;      /* script file, or NULL */
	int line;              /* line in that file, 0 if none */
	cmd_sink_fn sink;      /* NULL: stdout / stderr */
	void *sink_opaque;
};

/* The registered commands, in help order. */
const struct cmd_entry *cmd_table(size_t *count);

/*
 * Find a command. Returns NULL when none or ambiguous; then err says which
 * (and lists candidates for an ambiguous prefix).
 */
const struct cmd_entry *cmd_find(const char *word, struct tt_err *err);

/*
 * Split one command line into words: whitespace separates, 'single' and
 * "double" quotes group, a backslash escapes the next character inside
 * double quotes (where \n, \t and \r are control characters) and outside
 * quotes, '#' starts a comment at a word start. Returns the word count
 * (>= 0) or -1 with err (unterminated quote). Free with cmd_free_argv.
 */
int cmd_split_words(const char *line, char ***argv, struct tt_err *err);
void cmd_free_argv(int argc, char **argv);

/*
 * Split text into command lines on ';' and newlines (outside quotes),
 * run each; stops at the first failing command. Returns the last rc.
 */
enum cmd_rc cmd_run_string(struct cmd_ctx *ctx, const char *text);
/* Run one command line. */
enum cmd_rc cmd_run_line(struct cmd_ctx *ctx, const char *line);
/* Run a script file, one command per line, errors carry file:line. */
enum cmd_rc cmd_run_file(struct cmd_ctx *ctx, const char *path);

void cmd_print(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cmd_error(struct cmd_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Output is escaped (util.h, tt_esc_*): cmd_print keeps the '\n' of its
 * text, so a string from data inside a line of it is escaped by the caller
 * (tt_esc_dup, tt_esc_adds); cmd_error and cmd_print_line are one line each,
 * whatever they quote. cmd_print_line prints text and then '\n'.
 */
void cmd_print_line(struct cmd_ctx *ctx, const char *text);



/*
 * Command implementations (cmd-<noun>.c), listed in cmd-table.c.
 */
enum cmd_rc cmd_load_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_tokenizer_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_tokens_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_gpt_load_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_generate_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_generate_stop_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* `tokens`' output for text[0..len) (errors start with name). */
enum cmd_rc cmd_tokens_show(struct cmd_ctx *ctx, const char *name, const char *text, size_t len);
enum cmd_rc cmd_ensemble_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_save_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_split_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_stats_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_check_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_label_errors_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* The last label-error ranking's summary and first limit records (cmd-labelerr.c). */
void cmd_label_errors_print(struct cmd_ctx *ctx, size_t limit);
enum cmd_rc cmd_labels_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_set_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_show_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_echo_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_quit_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_source_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_version_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_start_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_distill_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_pause_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_resume_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_stop_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_step_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_eval_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_checkpoint_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_export_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_reload_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_wait_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_session_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* What the workbench saves by itself: the state file beside the session. */
int cmd_session_save_state(struct cmd_ctx *ctx);
enum cmd_rc cmd_preset_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* cmd-ftmodes.c: freeze, lora, restart, merge-adapter, adapter */
enum cmd_rc cmd_freeze_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_lora_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_restart_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_merge_adapter_exec(struct cmd_ctx *ctx, int argc, char **argv);
enum cmd_rc cmd_adapter_exec(struct cmd_ctx *ctx, int argc, char **argv);
/* After `set KEY VALUE` of an option that applies only when a run starts
 * (freeze_layers, lora_*, grad_checkpoint): journal it in the run and say
 * so when a run is going. 1 if it was such an option. */
int cmd_ftmodes_after_set(struct cmd_ctx *ctx, const char *key, const char *value);
/* Forward a live option change to the running trainer (used by set). */
enum cmd_rc cmd_train_set(struct cmd_ctx *ctx, const char *key, const char *value);
/* Send a message (enum trainer_msg_type) to the run; the answer printed where commands wait. */
enum cmd_rc cmd_train_message(struct cmd_ctx *ctx, int type, const char *key,
			      const char *value);
enum cmd_rc cmd_prune_exec(struct cmd_ctx *ctx, int argc, char **argv);

#endif
