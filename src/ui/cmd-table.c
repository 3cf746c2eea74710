/*
 * cmd-table.c - every command, in the order help lists them.
 */
#include "tunetop/cmd.h"
#include "tunetop/cmd-agree.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/cmd-ui.h"

static const struct cmd_entry cmd_entries[] = {
	{ "load", "open", "PATH [FORMAT]", "load a dataset (format: auto, jsonl, csv, tsv, fasttext)",
	  1, 2, 0, cmd_load_exec },
	{ "save", "write", "[PATH] [FORMAT] [with-split]",
	  "write the dataset atomically (default: where it came from); splits made by 'split' "
	  "stay in the session unless with-split", 0, 3, CMD_NEEDS_DATA, cmd_save_exec },
	{ "split", NULL, "RATIOS [seed N] [keep|reset]",
	  "stratified split, e.g. 80/10/10; keeps existing splits unless 'reset'",
	  1, 4, CMD_NEEDS_DATA, cmd_split_exec },
	{ "stats", NULL, "", "counts per label and split", 0, 0, CMD_NEEDS_DATA, cmd_stats_exec },
	{ "check", NULL, "[--json] [--near-dups] [--label-errors] [--model MODEL]", "health report: "
	  "counts, duplicates (exact and, with --near-dups, near), leaks across splits, outliers "
	  "(with a model: also records of mostly unknown words), class balance (--label-errors: "
	  "and likely label errors, by cross-validation)",
	  0, 5, CMD_NEEDS_DATA, cmd_check_exec },
	{ "label-errors", NULL, "[run|status|cancel|show [N]]",
	  "likely label errors: k-fold out-of-fold predictions and confident learning "
	  "(in the background in the workbench)", 0, 2, CMD_NEEDS_DATA, cmd_label_errors_exec },
	{ "labels", NULL, "", "list the label set with counts", 0, 0, CMD_NEEDS_DATA,
	  cmd_labels_exec },
	/* Edits (cmd-edit.c): journaled, on disk before they are reported. */
	{ "label", NULL, "ID LABEL...", "label a record (several labels: multi-label; new names "
	  "are added)", 2, -1, CMD_NEEDS_DATA, cmd_label_exec },
	{ "unlabel", NULL, "ID", "remove a record's labels", 1, 1, CMD_NEEDS_DATA, cmd_unlabel_exec },
	{ "flag", NULL, "ID", "flag a record for review", 1, 1, CMD_NEEDS_DATA, cmd_flag_exec },
	{ "unflag", NULL, "ID", "clear a record's flag", 1, 1, CMD_NEEDS_DATA, cmd_unflag_exec },
	{ "unsure", NULL, "ID", "mark a record's label as unsure", 1, 1, CMD_NEEDS_DATA,
	  cmd_unsure_exec },
	{ "sure", NULL, "ID", "clear a record's unsure mark", 1, 1, CMD_NEEDS_DATA, cmd_sure_exec },
	{ "note", NULL, "ID TEXT...", "attach a note to a record (an empty TEXT removes it)", 2, -1,
	  CMD_NEEDS_DATA, cmd_note_exec },
	{ "edit-text", NULL, "ID TEXT...", "replace a record's text", 2, -1, CMD_NEEDS_DATA,
	  cmd_edit_text_exec },
	{ "delete", NULL, "ID", "delete a record (gone from the file at the next save)", 1, 1,
	  CMD_NEEDS_DATA, cmd_delete_exec },
	{ "move", NULL, "ID SPLIT", "move a record to another split (train, valid, test or none)",
	  2, 2, CMD_NEEDS_DATA, cmd_move_exec },
	{ "unleak", NULL, "ID move|drop", "fix a leak: move every member of the record's duplicate "
	  "group into its split, or delete the members in other splits (one undo)", 2, 2,
	  CMD_NEEDS_DATA, cmd_unleak_exec },
	{ "undelete", NULL, "ID", "bring back a deleted record (before the next save)", 1, 1,
	  CMD_NEEDS_DATA, cmd_undelete_exec },
	{ "undo", NULL, "", "revert the last edit (a bulk edit as a whole)", 0, 0, CMD_NEEDS_DATA,
	  cmd_undo_exec },
	{ "redo", NULL, "", "re-apply the last undone edit", 0, 0, CMD_NEEDS_DATA, cmd_redo_exec },
	{ "agreement", NULL, "[--journal FILE]... [--json]",
	  "annotator agreement: Cohen's kappa (two), Krippendorff's alpha, per label; FILE: "
	  "another annotator's journal of this data", 0, -1, CMD_NEEDS_DATA, cmd_agreement_exec },
	{ "adjudicate", NULL, "ID LABEL...",
	  "label a record the annotators disagree on; the journal keeps their answers", 2, -1,
	  CMD_NEEDS_DATA, cmd_adjudicate_exec },
	{ "relabel", NULL, "FILTER LABEL [--yes]",
	  "bulk: label every record the filter matches (preview, then ask)", 2, -1, CMD_NEEDS_DATA,
	  cmd_relabel_exec },
	{ "flag-where", NULL, "FILTER [--yes]", "bulk: flag every record the filter matches", 1, -1,
	  CMD_NEEDS_DATA, cmd_flag_where_exec },
	{ "yes", "y", "", "apply the bulk edit waiting for an answer (as one undo step)", 0, 0, 0,
	  cmd_yes_exec },
	{ "no", "n", "", "cancel the bulk edit waiting for an answer", 0, 0, 0, cmd_no_exec },
	{ "journal", NULL, "[N|all|set-aside]",
	  "the last N edits (default 20), undo depth, pending edits; set-aside: a held journal", 0,
	  1, CMD_NEEDS_DATA, cmd_journal_exec },
	{ "start", NULL, "[CHECKPOINT]", "start training on the current data (or resume a checkpoint)",
	  0, 1, CMD_NEEDS_DATA, cmd_start_exec },
	{ "distill", NULL, "[MODEL|off]", "start a run whose n-gram model learns from MODEL's "
	  "probabilities too (distill_* options); off: labels alone", 0, 1, CMD_NEEDS_DATA,
	  cmd_distill_exec },
	{ "pause", NULL, "", "pause training after the current step", 0, 0, 0, cmd_pause_exec },
	{ "freeze", NULL, "K|body|none", "gpt: freeze the embeddings and the lower K blocks, or all "
	  "but the head (body), or nothing (freeze_layers; applies when a run starts)", 1, 1, 0,
	  cmd_freeze_exec },
	{ "lora", NULL, "RANK [ALPHA] [TARGETS]|off", "gpt: LoRA adapters (lora_rank, lora_alpha, "
	  "lora_targets, e.g. c_attn,attn.c_proj; applies when a run starts)", 1, 3, 0,
	  cmd_lora_exec },
	{ "restart", NULL, "[FILE]", "gpt: a new run from this run's current weights (adapters "
	  "folded in; kept in FILE, default RUN_DIR/restart-STEP.safetensors), with the options in "
	  "effect now (freeze, lora)", 0, 1, CMD_NEEDS_DATA,
	  cmd_restart_exec },
	{ "merge-adapter", NULL, "[OUT]", "write the run's weights with its LoRA adapters folded "
	  "in (default RUN_DIR/merged.safetensors); the run goes on with its adapters", 0, 1, 0,
	  cmd_merge_adapter_exec },
	{ "adapter", NULL, "load DIR [NAME]|use NAME|none|list", "LoRA adapters for one base: load "
	  "an adapter directory by name, make one the source of suggestions, list them", 1, 3, 0,
	  cmd_adapter_exec },
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
	{ "prune", NULL, "SPARSITY [matrix|global]", "gpt: zero the smallest weights of the block "
	  "matrices (SPARSITY 0 to 0.99); they stay zero while training", 1, 2, 0, cmd_prune_exec },
	{ "set", NULL, "KEY VALUE", "change an option (see 'show' and 'help options')", 2, 2, 0,
	  cmd_set_exec },
	{ "preset", NULL, "[NAME]", "apply a set of options that suit a model (list without NAME)",
	  0, 1, 0, cmd_preset_exec },
	{ "tokenizer", NULL, "VOCAB MERGES",
	  "load a GPT-2 byte-level BPE (vocab.json merges.txt, or encoder.json vocab.bpe)", 2, 2, 0,
	  cmd_tokenizer_exec },
	{ "tokens", NULL, "TEXT...", "how the BPE tokenizer splits TEXT: pre-tokens, pieces, ids",
	  1, -1, 0, cmd_tokens_exec },
	{ "gpt-load", NULL, "FILE", "load a GPT-2 model (safetensors, Hugging Face layout) for "
	  "generate, with its tokenizer from the file or beside it", 1, 1, 0, cmd_gpt_load_exec },
	{ "generate", NULL, "PROMPT [max_tokens] [temperature] [top_k]",
	  "continue PROMPT (quoted) with the run's language model (a copy taken between two "
	  "steps), else gpt-load's; defaults 64 1 40, temperature 0 is greedy; streams, Ctrl-C "
	  "stops", 1, 4, 0, cmd_generate_exec },
	{ "generate-stop", NULL, "", "stop the generation streaming into the REPL", 0, 0, 0,
	  cmd_generate_stop_exec },
	{ "tokens-record", NULL, "", "tokens for the text of the record on screen (the label "
	  "pane's, else the data pane's cursor)", 0, 0, CMD_NEEDS_TUI | CMD_NEEDS_DATA,
	  cmd_tokens_record_exec },
	{ "ensemble", NULL, "[MODEL... [--vote] [--weights W1,W2,...]|off]",
	  "suggest labels from saved models together (mean or vote), or from the live model "
	  "again (off)", 0, -1, 0, cmd_ensemble_exec },
	{ "show", NULL, "[KEY]", "show options and their values", 0, 1, 0, cmd_show_exec },
	{ "session", NULL, "save [PATH]", "save the session: data, labels, options, split, UI state",
	  1, 2, 0, cmd_session_exec },
	{ "source", NULL, "FILE", "run the commands in a file", 1, 1, 0, cmd_source_exec },
	{ "echo", NULL, "TEXT...", "print text", 0, -1, 0, cmd_echo_exec },
	{ "help", "?", "[COMMAND|options]", "list commands, or describe one", 0, 1, 0,
	  cmd_ui_help_exec },
	{ "version", NULL, "", "print the version", 0, 0, 0, cmd_version_exec },
	{ "quit", "q", "", "leave tunetop", 0, 0, 0, cmd_quit_exec },
	/* The workbench (cmd-ui*.c). */
	{ "train", NULL, "", "start training (splitting 80/10/10 first if needed), or resume",
	  0, 0, CMD_NEEDS_DATA, cmd_train_exec },
	{ "toggle-pause", NULL, "", "pause a running run, resume a paused one", 0, 0, 0,
	  cmd_toggle_pause_exec },
	{ "lr-scale", NULL, "FACTOR", "multiply the learning rate (set lr), e.g. 2 or 0.5", 1, 1, 0,
	  cmd_lr_scale_exec },
	{ "checkpoint-now", NULL, "[PATH]", "write a checkpoint next to the session (NAME.ckpt)",
	  0, 1, 0, cmd_checkpoint_now_exec },
	{ "layout", NULL, "NAME", "switch the layout: overview, data, labeling", 1, 1,
	  CMD_NEEDS_TUI, cmd_layout_exec },
	{ "focus", NULL, "PANE|next|prev|back", "move the focus to a pane", 1, 1, CMD_NEEDS_TUI,
	  cmd_focus_exec },
	{ "zoom", NULL, "[PANE]", "give the focused pane the whole screen, or back", 0, 1,
	  CMD_NEEDS_TUI, cmd_zoom_exec },
	{ "theme", NULL, "[NAME]", "switch the color theme (themes/NAME.yaml); list without NAME",
	  0, 1, CMD_NEEDS_TUI, cmd_theme_exec },
	{ "keys", NULL, "", "show the key bindings over the panes", 0, 0, CMD_NEEDS_TUI,
	  cmd_keys_exec },
	{ "bind", NULL, "[-c CONTEXT] KEY [COMMAND...]", "bind a key to a command (or show it)",
	  1, -1, CMD_NEEDS_TUI, cmd_bind_exec },
	{ "unbind", NULL, "[-c CONTEXT] KEY", "remove a key binding", 1, 3, CMD_NEEDS_TUI,
	  cmd_unbind_exec },
	{ "cursor", NULL, "up|down|left|right|pgup|pgdn|top|bottom",
	  "move the focused pane's cursor", 1, 1, CMD_NEEDS_TUI, cmd_cursor_exec },
	{ "detail", NULL, "", "show the record under the cursor in full, or the list", 0, 0,
	  CMD_NEEDS_TUI, cmd_detail_exec },
	{ "filter", NULL, "[TERMS...|+ TERMS...|off]",
	  "list only records matching every term (label=, split=, pred=, conf=, text~/RE/...)",
	  0, -1, CMD_NEEDS_TUI, cmd_filter_exec },
	{ "quality", NULL, "[dup|near-dup|leak|outlier[=KIND]]",
	  "the checks' findings (near duplicates included); with a kind, open it in the data pane, "
	  "groups together", 0, 1, CMD_NEEDS_DATA, cmd_quality_exec },
	{ "leak-fix", NULL, "move|drop", "unleak the record under the cursor: its group into its "
	  "split (move), or the other splits' members deleted (drop)", 1, 1, CMD_NEEDS_TUI,
	  cmd_leak_fix_exec },
	{ "sort", NULL, "[COLUMN [asc|desc]|next|prev|reverse]",
	  "sort the data pane by file, id, label, split, flags, pred, conf, text or length", 0, 2,
	  CMD_NEEDS_TUI, cmd_sort_exec },
	{ "search", NULL, "[REGEX]", "jump to the next record whose text matches; highlight it",
	  0, -1, CMD_NEEDS_TUI, cmd_search_exec },
	{ "search-next", NULL, "[prev]", "the next (or previous) record matching the search", 0, 1,
	  CMD_NEEDS_TUI, cmd_search_step_exec },
	{ "edit", NULL, "", "edit the text of the record under the cursor on the command line", 0,
	  0, CMD_NEEDS_TUI | CMD_NEEDS_DATA, cmd_edit_here_exec },
	{ "open-cell", NULL, "[TRUE PRED]", "list the records behind a confusion cell", 0, 2,
	  CMD_NEEDS_TUI, cmd_open_cell_exec },
	{ "normalize", NULL, "", "confusion matrix: counts or row-normalized shares", 0, 0,
	  CMD_NEEDS_TUI, cmd_normalize_exec },
	{ "matrix-view", NULL, "[matrix|top|table]",
	  "confusion pane: the matrix, the top confusions or the per-class table",
	  0, 1, CMD_NEEDS_TUI, cmd_matrix_view_exec },
	{ "matrix-sort", NULL, "[class|errors|f1|support]",
	  "confusion pane: order the classes (no argument: the next order)", 0, 1, CMD_NEEDS_TUI,
	  cmd_matrix_sort_exec },
	{ "matrix-split", NULL, "[valid|test]",
	  "confusion pane: the validation or the last test evaluation", 0, 1, CMD_NEEDS_TUI,
	  cmd_matrix_split_exec },
	{ "smooth", NULL, "[+|-|WEIGHT]", "EMA smoothing of the curves (0 .. 0.99)", 0, 1,
	  CMD_NEEDS_TUI, cmd_smooth_exec },
	{ "logy", NULL, "", "log scale for the loss axis, or linear", 0, 0, CMD_NEEDS_TUI,
	  cmd_logy_exec },
	{ "layers", NULL, "[on|off]", "curves pane: per layer, gradient norm and update/weight "
	  "sparklines (frozen layers marked), or the curves again", 0, 1, CMD_NEEDS_TUI,
	  cmd_layers_exec },
	{ "range", NULL, "[all|STEPS]", "x range of the curves: all steps or the last STEPS", 0, 1,
	  CMD_NEEDS_TUI, cmd_range_exec },
	{ "scroll", NULL, "up|down|bottom", "page through the REPL's output", 1, 1, CMD_NEEDS_TUI,
	  cmd_scroll_exec },
	{ "text-scroll", NULL, "up|down|pgup|pgdn|top", "scroll the record's text (label pane, "
	  "record detail)", 1, 1, CMD_NEEDS_TUI, cmd_text_scroll_exec },
	{ "prompt", NULL, "[TEXT]", "go to the command line with TEXT typed", 0, 1, CMD_NEEDS_TUI,
	  cmd_prompt_exec },
	{ "redraw", NULL, "", "repaint the whole screen", 0, 0, CMD_NEEDS_TUI, cmd_redraw_exec },
	/* The labeling flow (cmd-ui-label.c). */
	{ "queue", NULL, "[file|unlabeled|margin|entropy|uncertain|disagreements|likely-errors|"
	  "random [SEED]|next]",
	  "the label pane's order of the filtered records; margin (alias least-confident) and "
	  "entropy: most uncertain first; uncertain: margin with near duplicates kept apart; "
	  "disagreements: records the annotators disagree on first; likely-errors: the "
	  "label-error ranking", 0, 2, CMD_NEEDS_TUI, cmd_queue_exec },
	{ "label-move", NULL, "next|prev|first|last", "move through the labeling queue", 1, 1,
	  CMD_NEEDS_TUI, cmd_label_move_exec },
	{ "label-key", NULL, "KEY", "label the record with the label on KEY and go to the next "
	  "(multi-label: toggle)", 1, 1, CMD_NEEDS_TUI, cmd_label_key_exec },
	{ "label-as", NULL, "NAME|PREFIX", "label the record with the label NAME (or the one "
	  "label its letters start or are in) and go to the next", 1, 1, CMD_NEEDS_TUI,
	  cmd_label_as_exec },
	{ "label-pick", NULL, "", "type a few letters of a label, Enter labels (for labels "
	  "without a key)", 0, 0, CMD_NEEDS_TUI, cmd_label_pick_exec },
	{ "label-accept", NULL, "", "take the model's suggestion and go to the next", 0, 0,
	  CMD_NEEDS_TUI, cmd_label_accept_exec },
	{ "label-confirm", NULL, "", "multi-label: save the toggled labels and go on; else skip",
	  0, 0, CMD_NEEDS_TUI, cmd_label_confirm_exec },
	{ "label-mark", NULL, "unsure|flag|discard", "toggle a mark on the record (discard: "
	  "delete it and go on)", 1, 1, CMD_NEEDS_TUI, cmd_label_mark_exec },
	{ "label-note", NULL, "", "type a note for the record (the prompt gets 'note ID ')", 0, 0,
	  CMD_NEEDS_TUI, cmd_label_note_exec },
	{ "label-undo", NULL, "", "undo the last edit from the label pane", 0, 0, CMD_NEEDS_TUI,
	  cmd_label_undo_exec },
	{ "label-redo", NULL, "", "redo the last undone edit", 0, 0, CMD_NEEDS_TUI,
	  cmd_label_redo_exec },
	{ "add-label", NULL, "NAME [KEY|-] [DESCRIPTION...]",
	  "add a label to the schema on KEY (-: the next free one) with its guideline", 1, -1, 0,
	  cmd_add_label_exec },
};

const struct cmd_entry *cmd_table(size_t *count)
{
	*count = sizeof cmd_entries / sizeof cmd_entries[0];
	return cmd_entries;
}
