/*
 * cmd-table.c - every command, in the order help lists them.
 */
#include "tunetop/cmd.h"

static const struct cmd_entry cmd_entries[] = {
	{ "load", "open", "PATH [FORMAT]", "load a dataset (format: auto, jsonl, csv, tsv, fasttext)",
	  1, 2, 0, cmd_load_exec },
	{ "save", "write", "[PATH] [FORMAT]", "write the dataset atomically (default: where it came from)",
	  0, 2, CMD_NEEDS_DATA, cmd_save_exec },
	{ "split", NULL, "RATIOS [seed N] [keep|reset]",
	  "stratified split, e.g. 80/10/10; keeps existing splits unless 'reset'",
	  1, 4, CMD_NEEDS_DATA, cmd_split_exec },
	{ "stats", NULL, "", "counts per label and split", 0, 0, CMD_NEEDS_DATA, cmd_stats_exec },
	{ "check", NULL, "[--json]", "health report: counts, unlabeled, empty, duplicates, lengths",
	  0, 1, CMD_NEEDS_DATA, cmd_check_exec },
	{ "labels", NULL, "", "list the label set with counts", 0, 0, CMD_NEEDS_DATA,
	  cmd_labels_exec },
	{ "start", NULL, "[CHECKPOINT]", "start training on the current data (or resume a checkpoint)",
	  0, 1, CMD_NEEDS_DATA, cmd_start_exec },
	{ "pause", NULL, "", "pause training after the current step", 0, 0, 0, cmd_pause_exec },
	{ "resume", NULL, "", "resume a paused run", 0, 0, 0, cmd_resume_exec },
	{ "stop", NULL, "", "end the run", 0, 0, 0, cmd_stop_exec },
	{ "step", NULL, "[N]", "run N steps (default 1), then pause", 0, 1, CMD_NEEDS_DATA,
	  cmd_step_exec },
	{ "eval", NULL, "[valid|test]", "evaluate now (the test split only when asked)", 0, 1, 0,
	  cmd_eval_exec },
	{ "checkpoint", "ckpt", "PATH", "write a checkpoint (model, optimizer, position)", 1, 1, 0,
	  cmd_checkpoint_exec },
	{ "export", NULL, "PATH", "write the model for 'tunetop predict' and 'tunetop eval'", 1, 1, 0,
	  cmd_export_exec },
	{ "reload-labels", "reload", "", "send the current labels and splits to the trainer", 0, 0,
	  CMD_NEEDS_DATA, cmd_reload_exec },
	{ "status", NULL, "", "the trainer's state, step, loss and last evaluation", 0, 0, 0,
	  cmd_status_exec },
	{ "wait", NULL, "", "wait until training stops or pauses (scripts only)", 0, 0, 0,
	  cmd_wait_exec },
	{ "set", NULL, "KEY VALUE", "change an option (see 'show' and 'help options')", 2, 2, 0,
	  cmd_set_exec },
	{ "preset", NULL, "[NAME]", "apply a set of options that suit a model (list without NAME)",
	  0, 1, 0, cmd_preset_exec },
	{ "show", NULL, "[KEY]", "show options and their values", 0, 1, 0, cmd_show_exec },
	{ "session", NULL, "save [PATH]", "save the session: data, labels, options, split, UI state",
	  1, 2, 0, cmd_session_exec },
	{ "source", NULL, "FILE", "run the commands in a file", 1, 1, 0, cmd_source_exec },
	{ "echo", NULL, "TEXT...", "print text", 0, -1, 0, cmd_echo_exec },
	{ "help", "?", "[COMMAND|options]", "list commands, or describe one", 0, 1, 0,
	  cmd_help_exec },
	{ "version", NULL, "", "print the version", 0, 0, 0, cmd_version_exec },
	{ "quit", "q", "", "leave tunetop", 0, 0, 0, cmd_quit_exec },
};

const struct cmd_entry *cmd_table(size_t *count)
{
	*count = sizeof cmd_entries / sizeof cmd_entries[0];
	return cmd_entries;
}
