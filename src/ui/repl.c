/*
 * repl.c - readline in callback mode inside curses (see repl.h).
 *
 * A key for the REPL goes in through repl_getc (rl_getc_function) when
 * rl_callback_read_char() asks for it; the redisplay hook only copies the
 * line and the cursor into ui->edit and marks the pane dirty. Keys that
 * curses decoded (arrows, Home, End, Del) call readline's bindable
 * functions directly. A finished line runs through ui_run_command.
 */
#include "tunetop/repl.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/keys.h"
#include "tunetop/layout.h"
#include "tunetop/pane.h"
#include "tunetop/ui.h"

enum {
	REPL_HISTORY_MAX = 1000
};

static struct ui *repl_ui;
static int repl_pending = -1;	/* the byte repl_getc hands out next */
static FILE *repl_null;		/* readline's output goes nowhere */
static char *repl_hist;

static int repl_getc(FILE *f)
{
	int c = repl_pending;

	(void)f;
	repl_pending = -1;
	return c >= 0 ? c : EOF;
}

static int repl_available(void)
{
	return repl_pending >= 0;
}

static void repl_redisplay(void)
{
	if (repl_ui == NULL)
		return;
	repl_ui->edit.line = rl_line_buffer != NULL ? rl_line_buffer : "";
	repl_ui->edit.point = rl_point;
	ui_mark(repl_ui, 1u << PANE_REPL);
}

char *repl_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (state != NULL && state[0] == '/')
		return tt_xprintf("%s/tunetop/history", state);
	if (home != NULL && home[0] != '\0')
		return tt_xprintf("%s/.local/state/tunetop/history", home);
	return NULL;
}

/* mkdir -p of the directory part of path. */
static void repl_mkdirs(const char *path)
{
	char *p = tt_xstrdup(path), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			break;
		*s = '/';
	}
	free(p);
}

static void repl_remember(const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

	if (line[0] == '\0' || line[0] == ' ' || (last != NULL && strcmp(last->line, line) == 0))
		return;
	add_history(line);
	if (repl_hist == NULL)
		return;
	if (append_history(1, repl_hist) != 0) {
		repl_mkdirs(repl_hist);
		write_history(repl_hist);
	}
}

static void repl_accept(char *line)
{
	struct ui *ui = repl_ui;
	bool back;

	if (line == NULL) {	/* Ctrl-D on an empty line: back to the panes */
		ui_set_focus(ui, ui->back_focus);
		return;
	}
	repl_remember(line);
	rl_replace_line("", 0);
	repl_redisplay();
	back = ui->prompt_return;
	ui->prompt_return = false;
	ui_run_command(ui, line, false);
	/* a one-shot prompt (:, m, A, i, f, /, o) gives focus back to where it came from */
	if (back && ui->focus == PANE_REPL && ui_set_focus(ui, ui->back_focus) != 0)
		ui_set_focus(ui, layout_default_focus(ui->preset));
	free(line);
}

/* Readline wants to list completions: they go to the scrollback. */
static void repl_show_matches(char **matches, int n, int max_len)
{
	struct tt_buf b;
	int i;

	(void)max_len;
	tt_buf_init(&b);
	for (i = 1; i <= n; i++)
		tt_buf_printf(&b, "%s%s", matches[i], i < n ? "  " : "\n");
	pane_repl_add(&repl_ui->sb, GRID_ROLE_DIM, b.data);
	tt_buf_fini(&b);
	repl_ui->sb.back = 0;
	repl_redisplay();
}

void repl_init(struct ui *ui)
{
	repl_ui = ui;
	repl_complete_init(ui);
	rl_readline_name = "tunetop";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = repl_getc;
	rl_input_available_hook = repl_available;
	rl_redisplay_function = repl_redisplay;
	rl_completion_display_matches_hook = repl_show_matches;
	rl_attempted_completion_function = repl_complete;
	repl_null = fopen("/dev/null", "w");
	if (repl_null != NULL)
		rl_outstream = repl_null;
	using_history();
	stifle_history(REPL_HISTORY_MAX);
	repl_hist = repl_history_path();
	if (repl_hist != NULL)
		read_history(repl_hist);
	rl_callback_handler_install("", repl_accept);
	rl_variable_bind("bell-style", "none");
	rl_variable_bind("completion-query-items", "10000");
	rl_variable_bind("page-completions", "off");
	repl_redisplay();
}

void repl_fini(struct ui *ui)
{
	(void)ui;
	rl_callback_handler_remove();
	if (repl_hist != NULL && history_length > 0)
		history_truncate_file(repl_hist, REPL_HISTORY_MAX);
	clear_history();
	free(repl_hist);
	repl_hist = NULL;
	if (repl_null != NULL)
		fclose(repl_null);
	repl_null = NULL;
	rl_outstream = NULL;
	repl_complete_init(NULL);
	repl_ui = NULL;
}

static void repl_feed(int byte)
{
	repl_pending = byte;
	rl_callback_read_char();
	repl_pending = -1;
}

/* A decoded key: readline's function for it, called directly. */
static void repl_function_key(int code)
{
	switch (code) {
	case KEY_UP:
		rl_get_previous_history(1, 0);
		break;
	case KEY_DOWN:
		rl_get_next_history(1, 0);
		break;
	case KEY_LEFT:
		rl_backward_char(1, 0);
		break;
	case KEY_RIGHT:
		rl_forward_char(1, 0);
		break;
	case KEY_HOME:
		rl_beg_of_line(1, 0);
		break;
	case KEY_END:
		rl_end_of_line(1, 0);
		break;
	case KEY_DC:
		rl_delete(1, 0);
		break;
	case KEY_BACKSPACE:
		repl_feed(127);
		break;
	case KEY_ENTER:
		repl_feed('\r');
		break;
	default:
		break;
	}
}

void repl_key(struct ui *ui, int code)
{
	unsigned char b[4];
	int n, i;

	repl_ui = ui;
	if (code & KEYS_FN) {
		repl_function_key(code & ~KEYS_FN);
		repl_redisplay();
		return;
	}
	if (code < 0x80) {
		repl_feed(code == 8 ? 127 : code);
		repl_redisplay();
		return;
	}
	if (code < 0x800) {
		b[0] = (unsigned char)(0xc0 | (code >> 6));
		n = 1;
	} else if (code < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (code >> 12));
		b[1] = (unsigned char)(0x80 | ((code >> 6) & 0x3f));
		n = 2;
	} else {
		b[0] = (unsigned char)(0xf0 | (code >> 18));
		b[1] = (unsigned char)(0x80 | ((code >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((code >> 6) & 0x3f));
		n = 3;
	}
	b[n++] = (unsigned char)(0x80 | (code & 0x3f));
	for (i = 0; i < n; i++)
		repl_feed(b[i]);
	repl_redisplay();
}

void repl_set_line(struct ui *ui, const char *text)
{
	repl_ui = ui;
	rl_replace_line(text, 0);
	rl_point = rl_end;
	repl_redisplay();
}

int repl_line_empty(void)
{
	return rl_line_buffer == NULL || rl_line_buffer[0] == '\0';
}
