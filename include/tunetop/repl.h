/*
 * repl.h - readline in callback mode inside the curses UI.
 *
 * Curses owns the terminal: readline never reads it (keys are handed over
 * one at a time), never writes it (the line is drawn by pane-repl.c from
 * rl_line_buffer and rl_point), and catches no signals. History lives in
 * $XDG_STATE_HOME/tunetop/history (~/.local/state/tunetop/history). Tab
 * completes command names, option keys, label names, themes, panes and
 * file paths. Readline's state is global, so there is one REPL.
 */
#ifndef TUNETOP_REPL_H
#define TUNETOP_REPL_H

struct ui;

/* Before the terminal is set up (readline looks at the terminal once). */
void repl_init(struct ui *ui);
/* Save the history, remove the callback handler. */
void repl_fini(struct ui *ui);
/* A key for the command line: a character, or a curses code | KEYS_FN. */
void repl_key(struct ui *ui, int code);
/* Replace the line being edited (cursor at its end). */
void repl_set_line(struct ui *ui, const char *text);
/* The line being edited is empty? */
int repl_line_empty(void);

/*
 * readline's attempted-completion hook (repl-complete.c): candidates for
 * the word text at [start, end) of the line.
 */
char **repl_complete(const char *text, int start, int end);
/* The UI whose app completion looks at; NULL frees what completion kept. */
void repl_complete_init(struct ui *ui);
/*
 * The candidates for word number argc (0 = the command) after the words
 * argv, NULL-terminated and malloc'd; *files is set when file paths fit.
 */
char **repl_candidates(struct ui *ui, int argc, char **argv, int *files);

/* The history file's path (malloc'd): $XDG_STATE_HOME or ~/.local/state. */
char *repl_history_path(void);

#endif
