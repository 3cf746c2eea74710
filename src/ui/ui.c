/*
 * ui.c - the terminal workbench: curses lifecycle, the poll loop, signals
 * and the fatal path.
 *
 * Design
 *  - One thread (this one) owns the app and the screen. The trainer runs
 *    on its own thread and is reached through trainer.h only: commands
 *    send it messages; it publishes a snapshot, points and events and
 *    writes a byte to its wake pipe when there is news.
 *  - The loop sleeps in poll() on stdin, a self-pipe for signals and the
 *    trainer's wake pipe. No busy polling: the timeout is only set when a
 *    frame is due (the refresh cap) or a status message must disappear.
 *    With nothing happening the process sleeps (idle CPU ~0).
 *  - Drawing: input marks panes dirty and is drawn at once (key to screen
 *    is one render); trainer news is pulled and drawn at most refresh_hz
 *    times a second, except for a moment after a key press so that e.g.
 *    the PAUSED badge shows up without waiting for the next capped frame.
 *    Only dirty panes are redrawn into the screen grid, only changed cells
 *    go to curses (ui-draw.c), and one doupdate() ends each frame.
 *  - Signals only write their number to the self-pipe; the loop handles
 *    them: WINCH relayouts, TSTP suspends (terminal restored first), CONT
 *    repaints, INT asks before quitting a run, TERM, HUP and QUIT (Ctrl-\,
 *    exit status 131 and no core dump) exit. On every way out but a crash
 *    a trainer that has a model is checkpointed into its run directory and
 *    the state is saved beside the session (ui_autosave,
 *    ui_autosave_session). Crash
 *    signals and tt_fatal restore the terminal before dying.
 *  - Keys: a key is looked up in the key map (keys.c) for the focused pane
 *    and run as a command string; in the REPL, keys go to readline
 *    (repl.c) except the REPL's own bindings and function keys. While the
 *    label picker or the key help is open, it takes every key.
 *  - Focus moves only when the person moves it: a one-shot prompt (`:`,
 *    `m`, `A`, `i`, `f`, `/`, `o`) returns it after Enter (repl.c), and a
 *    screen too small for the layout shows the focused pane alone
 *    (ui-frame.c), so a resize never moves it.
 *  - A bulk edit (relabel, flag-where) waiting for its answer is asked in
 *    the status bar and the REPL's prompt until it is answered: `y` / `n`
 *    as a single key (in a pane, or on the REPL's empty line), or `yes` /
 *    `no` typed as a line;
 *    Esc and Ctrl-C say no. Any other command line or key cancels it with
 *    a message first, so it can never be applied by surprise later.
 *    Scrolling the REPL (to read the preview) does not.
 */
#include "tunetop/ui-term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/cmd-edit.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/repl.h"
#include "tunetop/session.h"
#include "tunetop/version.h"

enum {
	UI_URGENT_MS = 300	/* after a key, news is drawn without the cap */
};

static int ui_sig_pipe[2] = { -1, -1 };
static struct termios ui_saved_tio;
static int ui_have_tio;
static char ui_restore_seq[256];	/* sgr0, cnorm, rmcup: for the crash path */
static pthread_t ui_thread;
static struct ui *ui_active;

static const int ui_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH };
static const int ui_crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

static void ui_on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (write(ui_sig_pipe[1], &b, 1) < 0) {
		/* full pipe: a wake-up is pending anyway */
	}
	errno = saved;
}

/* Async-signal-safe: terminal modes and the normal screen back. */
static void ui_restore_raw(void)
{
	if (ui_have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &ui_saved_tio);
	if (write(STDOUT_FILENO, ui_restore_seq, strlen(ui_restore_seq)) < 0) {
		/* nothing more we can do */
	}
}

static void ui_on_crash(int sig)
{
	ui_restore_raw();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void ui_fatal_hook(void)
{
	if (ui_active != NULL && pthread_equal(pthread_self(), ui_thread))
		endwin();
	else
		ui_restore_raw();
}

static int ui_install_signals(void)
{
	struct sigaction sa;
	size_t i;

	if (pipe(ui_sig_pipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fcntl(ui_sig_pipe[i], F_SETFL, fcntl(ui_sig_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(ui_sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = ui_on_signal;
	for (i = 0; i < sizeof ui_signals / sizeof ui_signals[0]; i++)
		sigaction(ui_signals[i], &sa, NULL);
	sa.sa_handler = ui_on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof ui_crash_signals / sizeof ui_crash_signals[0]; i++)
		sigaction(ui_crash_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void ui_remove_signals(void)
{
	size_t i;

	for (i = 0; i < sizeof ui_signals / sizeof ui_signals[0]; i++)
		signal(ui_signals[i], SIG_DFL);
	for (i = 0; i < sizeof ui_crash_signals / sizeof ui_crash_signals[0]; i++)
		signal(ui_crash_signals[i], SIG_DFL);
	close(ui_sig_pipe[0]);
	close(ui_sig_pipe[1]);
	ui_sig_pipe[0] = ui_sig_pipe[1] = -1;
}

static void ui_add_cap(const char *name)
{
	char *s = tigetstr(name);

	if (s != NULL && s != (char *)-1 &&
	    strlen(ui_restore_seq) + strlen(s) < sizeof ui_restore_seq)
		strcat(ui_restore_seq, s);
}

static int ui_colors(void)
{
	const char *nc = getenv("NO_COLOR");

	if ((nc != NULL && nc[0] != '\0') || !has_colors())
		return 0;
	start_color();
	use_default_colors();
	return COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : COLORS >= 8 ? 8 : 0;
}

/* Can curses draw a screen here: move the cursor and clear it, on more than one row? */
static bool ui_term_drawable(void)
{
	char *cup = tigetstr("cup"), *clear = tigetstr("clear");

	return cup != NULL && cup != (char *)-1 && clear != NULL && clear != (char *)-1 &&
	       tigetflag("hc") <= 0 && LINES > 1;
}

/* newterm and the modes the loop needs. -1 if the terminal is unusable. */
static int ui_term_open(struct ui *ui)
{
	struct ui_term *t = tt_xcalloc(1, sizeof *t);

	t->screen = newterm(NULL, stdout, stdin);
	if (t->screen == NULL) {
		free(t);
		return -1;
	}
	set_term(t->screen);
	if (!ui_term_drawable()) {	/* TERM=dumb: every frame would land on one row */
		endwin();
		delscreen(t->screen);
		free(t);
		return -1;
	}
	ui->term = t;
	t->cursor = -1;
	grid_init(&t->shown, 0, 0);
	ui_restore_seq[0] = '\0';
	ui_add_cap("sgr0");
	ui_add_cap("cnorm");
	ui_add_cap("rmcup");
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	ui->ncolors = ui_colors();
	ui_resize(ui, COLS, LINES);
	ui_term_colors(ui);
	return 0;
}

static void ui_term_close(struct ui *ui)
{
	struct ui_term *t = ui->term;

	if (t == NULL)
		return;
	endwin();
	delscreen(t->screen);
	grid_fini(&t->shown);
	free(t);
	ui->term = NULL;
}

/* The size from the terminal itself (after SIGWINCH or SIGCONT). */
static void ui_term_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0 &&
	    (ws.ws_col != COLS || ws.ws_row != LINES))
		resizeterm(ws.ws_row, ws.ws_col);
	ui_resize(ui, COLS, LINES);
	ui_draw_force(ui);
}

void ui_redraw_all(struct ui *ui)
{
	ui_mark(ui, UI_DIRTY_ALL);
	ui_draw_force(ui);
}

void ui_prompt(struct ui *ui, const char *text)
{
	ui_set_focus(ui, PANE_REPL);
	if (ui->term != NULL)
		repl_set_line(ui, text);
}

/* Ctrl-Z: give the terminal back, stop, and take it again on fg. */
static void ui_suspend(struct ui *ui)
{
	sigset_t set;

	endwin();
	signal(SIGTSTP, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP);
	/* continued */
	signal(SIGTSTP, ui_on_signal);
	ui_term_resize(ui);
}

/* ---- the question of a waiting bulk edit ---- */

static const char *ui_plain_prompt;	/* the REPL's prompt when nothing is asked */
static char ui_asked[256];		/* the question as the status bar shows it, or "" */

static void ui_bulk_cancel(struct ui *ui, const char *why)
{
	struct cmd_ctx ctx;

	ui_cmd_ctx(ui, CMD_SRC_KEY, &ctx);
	cmd_edit_bulk_cancel(&ctx, why);
	pane_repl_flush(&ui->sb);
}

static void ui_bulk_unask(struct ui *ui)
{
	if (ui_asked[0] == '\0')
		return;
	if (strcmp(ui->msg, ui_asked) == 0)
		ui->msg[0] = '\0';
	ui_asked[0] = '\0';
	ui->edit.prompt = ui_plain_prompt;
	ui_mark(ui, 1u << PANE_STATUS | 1u << PANE_REPL);
}

/* While a bulk edit waits: its question in the status bar, y/n in the prompt. */
static void ui_bulk_show(struct ui *ui)
{
	const char *q = cmd_edit_bulk_question(ui->app);
	char text[sizeof ui_asked];
	size_t len;

	if (q == NULL) {
		ui_bulk_unask(ui);
		return;
	}
	/* "y/n: relabel 9 records to 'x'?": the keys first, for a narrow bar */
	len = strlen(q);
	if (len > 6 && strcmp(q + len - 6, " (y/n)") == 0)
		len -= 6;
	snprintf(text, sizeof text, "y/n: %.*s", (int)len, q);
	if (ui_asked[0] == '\0')
		ui_plain_prompt = ui->edit.prompt;
	/* Unfocused, the REPL's line invites to press ':' and keeps its prompt. */
	if (ui->focus == PANE_REPL)
		ui->edit.prompt = ui->ascii ? "y/n> " : "y/n \xe2\x80\xba ";
	else
		ui->edit.prompt = ui_plain_prompt;
	if (strcmp(ui->msg, text) != 0) {
		snprintf(ui->msg, sizeof ui->msg, "%s", text);
		ui->msg_error = false;
		ui_mark(ui, 1u << PANE_STATUS | 1u << PANE_REPL);
	}
	snprintf(ui_asked, sizeof ui_asked, "%s", text);
	ui->msg_until = tt_now() + 60;	/* kept up for as long as it waits */
}

static bool ui_is_enter(int code)
{
	return code == '\r' || code == '\n' || code == (KEY_ENTER | KEYS_FN);
}

/* A REPL line that answers (yes, no, y, n), or an empty one (runs nothing). */
static bool ui_bulk_keeps(const char *line)
{
	static const char *const words[] = { "", "y", "yes", "n", "no" };
	size_t len, i;

	while (*line == ' ' || *line == '\t')
		line++;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	for (i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strlen(words[i]) == len && strncmp(line, words[i], len) == 0)
			return true;
	}
	return false;
}

/*
 * A key in the REPL while a bulk edit waits: Esc says no (1: handled);
 * a command line or key binding other than an answer or scrolling cancels
 * it first (0: the key then goes on as usual).
 */
static int ui_bulk_repl_key(struct ui *ui, int code, const char *cmd)
{
	if (code == 27) {
		ui_run_command(ui, "no", true);
		return 1;
	}
	/* y and n are single keys on an empty line, as in a pane */
	if (repl_line_empty() && (code == 'y' || code == 'Y' || code == 'n' || code == 'N')) {
		ui_run_command(ui, code == 'y' || code == 'Y' ? "yes" : "no", true);
		return 1;
	}
	if (cmd != NULL && strncmp(cmd, "scroll", 6) != 0)
		ui_bulk_cancel(ui, "another command came first");
	else if (cmd == NULL && ui_is_enter(code) && !ui_bulk_keeps(ui->edit.line))
		ui_bulk_cancel(ui, "another command came first");
	return 0;
}

/* A key in a pane while a bulk edit waits: y applies, n or Esc cancels. */
static int ui_bulk_key(struct ui *ui, int code)
{
	if (code == 'y' || code == 'Y') {
		ui_run_command(ui, "yes", true);
		return 1;
	}
	if (code == 'n' || code == 'N' || code == 27) {
		ui_run_command(ui, "no", true);
		return 1;
	}
	ui_bulk_cancel(ui, "a key other than y or n was pressed");
	return 0;
}

static void ui_interrupt(struct ui *ui)
{
	enum trainer_state st = ui_train_state(ui);

	if (cmd_edit_bulk_waiting(ui->app)) {
		ui_run_command(ui, "no", true);
		return;
	}
	if (ui_gen_interrupt(ui))	/* a generation streaming: Ctrl-C ends it */
		return;
	if (ui->focus == PANE_REPL && !repl_line_empty()) {
		repl_set_line(ui, "");
		return;
	}
	if (!ui->confirm_quit && (st == TRAINER_RUNNING || st == TRAINER_PAUSED)) {
		ui->confirm_quit = true;
		ui_mark(ui, UI_DIRTY_ALL);
		return;
	}
	ui->quit = true;
}

static void ui_handle_signals(struct ui *ui)
{
	unsigned char sigs[64];
	ssize_t n, i;

	while ((n = read(ui_sig_pipe[0], sigs, sizeof sigs)) > 0) {
		for (i = 0; i < n; i++) {
			int sig = sigs[i];

			if (sig == SIGWINCH)
				ui_term_resize(ui);
			else if (sig == SIGTSTP)
				ui_suspend(ui);
			else if (sig == SIGCONT) {
				reset_prog_mode();
				ui_term_resize(ui);
			} else if (sig == SIGINT)
				ui_interrupt(ui);
			else if (sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
				/* Ctrl-\ too: state saved, terminal restored, no core dump */
				ui->autosave = true;
				ui->quit = true;
				if (sig == SIGQUIT)
					ui->exit_status = 128 + SIGQUIT;
			}
		}
	}
}

/* REPL focus: its own bindings, then function keys; the rest is typing. */
static void ui_key_repl(struct ui *ui, int code, const char *name)
{
	const char *cmd = name[0] != '\0' ? keys_get(ui->keys, "repl", name) : NULL;

	if (cmd == NULL && (code & KEYS_FN) && (name[0] == 'F' || strcmp(name, "BTab") == 0))
		cmd = keys_get(ui->keys, "global", name);
	if (cmd_edit_bulk_waiting(ui->app) && ui_bulk_repl_key(ui, code, cmd))
		return;
	if (cmd != NULL)
		ui_run_command(ui, cmd, true);
	else if (code != 27)
		repl_key(ui, code);
}

/* The label picker takes every key while it is open. */
static void ui_pick_key(struct ui *ui, int code)
{
	if (code == 27)
		label_pick_do(ui, LABEL_PICK_CLOSE, 0);
	else if (ui_is_enter(code))
		label_pick_do(ui, LABEL_PICK_ENTER, 0);
	else if (code == 127 || code == 8 || code == (KEY_BACKSPACE | KEYS_FN))
		label_pick_do(ui, LABEL_PICK_BACK, 0);
	else if (code == (KEY_DOWN | KEYS_FN) || code == '\t')
		label_pick_do(ui, LABEL_PICK_NEXT, 0);
	else if (code == (KEY_UP | KEYS_FN) || code == (KEY_BTAB | KEYS_FN))
		label_pick_do(ui, LABEL_PICK_PREV, 0);
	else if (!(code & KEYS_FN))
		label_pick_do(ui, LABEL_PICK_TYPE, code);
}

/* The key help: arrows and pages scroll it, any other key closes it. */
static void ui_overlay_key(struct ui *ui, int code)
{
	int step = ui->h > 6 ? ui->h - 6 : 1;

	if (code == (KEY_DOWN | KEYS_FN) || code == 'j')
		ui->overlay_top++;
	else if (code == (KEY_UP | KEYS_FN) || code == 'k')
		ui->overlay_top--;
	else if (code == (KEY_NPAGE | KEYS_FN))
		ui->overlay_top += step;
	else if (code == (KEY_PPAGE | KEYS_FN))
		ui->overlay_top -= step;
	else if (code == (KEY_HOME | KEYS_FN) || code == 'g')
		ui->overlay_top = 0;
	else
		ui->overlay = false;
	if (ui->overlay_top < 0)
		ui->overlay_top = 0;
	ui_mark(ui, UI_DIRTY_ALL);
}

static void ui_key(struct ui *ui, int code)
{
	char name[KEYS_NAME_MAX];
	const char *cmd;

	ui->urgent_until = tt_now() + UI_URGENT_MS / 1000.0;
	keys_name(code, name, sizeof name);
	if (ui->confirm_quit) {
		if (code == 'y' || code == 'Y')
			ui->quit = true;
		else if (code == 'n' || code == 'N' || code == 27 || code == 'q')
			ui->confirm_quit = false;
		ui_mark(ui, UI_DIRTY_ALL);
		return;
	}
	if (ui->overlay) {
		ui_overlay_key(ui, code);
		return;
	}
	if (ui->qview.on) {
		pane_quality_key(ui, name);
		return;
	}
	if (ui->pick.on && ui->focus == PANE_LABEL) {
		ui_pick_key(ui, code);
		return;
	}
	if (ui->focus == PANE_REPL) {
		ui_key_repl(ui, code, name);
		return;
	}
	if (cmd_edit_bulk_waiting(ui->app) && ui_bulk_key(ui, code))
		return;
	cmd = name[0] != '\0' ? keys_lookup(ui->keys, ui_context_name(ui->focus), name) : NULL;
	if (cmd != NULL)
		ui_run_command(ui, cmd, true);
	else if (name[0] != '\0' && code != 27)
		ui_message(ui, false, "%s is not bound here (? lists the keys)", name);
}

/* Esc, or Alt+key (Esc and the key at once): the latter goes to readline. */
static void ui_escape(struct ui *ui)
{
	wint_t wc;
	int rc = get_wch(&wc);

	if (rc == ERR) {
		ui_key(ui, 27);
		return;
	}
	if (ui->focus == PANE_REPL && rc == OK) {
		repl_key(ui, 27);
		repl_key(ui, (int)wc);
		return;
	}
	ui_key(ui, 27);
	ui_key(ui, rc == KEY_CODE_YES ? (int)wc | KEYS_FN : (int)wc);
}

static void ui_read_keys(struct ui *ui)
{
	wint_t wc;
	int rc;

	while (!ui->quit && (rc = get_wch(&wc)) != ERR) {
		if (rc == KEY_CODE_YES && wc == KEY_RESIZE)
			ui_term_resize(ui);
		else if (rc == OK && wc == 27)
			ui_escape(ui);
		else
			ui_key(ui, rc == KEY_CODE_YES ? (int)wc | KEYS_FN : (int)wc);
	}
}

/* Milliseconds until something must be drawn, or -1 (sleep until input). */
static int ui_timeout(struct ui *ui, double now)
{
	double next = INFINITY;

	if (ui->dirty)
		return 0;
	if (ui->news_pending || ui->news)
		next = now < ui->urgent_until ? now : ui->last_frame + ui->refresh_interval;
	if (ui->msg[0] != '\0' && ui->msg_until < next)
		next = ui->msg_until;
	if (next == INFINITY)
		return -1;
	return next <= now ? 0 : (int)ceil((next - now) * 1000.0);
}

/* Whatever is due now: trainer news, an expired message, the frame. */
static void ui_tick(struct ui *ui)
{
	double now = tt_now();
	long hz = cfg_get_int(&ui->app->cfg, "refresh_hz");	/* `set refresh_hz` applies live */
	bool due;

	ui->refresh_interval = 1.0 / (double)(hz > 0 ? hz : 10);
	due = now >= ui->last_frame + ui->refresh_interval || now < ui->urgent_until;

	ui_bulk_show(ui);
	ui_label_errors_tick(ui);
	ui_gen_tick(ui);
	if (ui->msg[0] != '\0' && now >= ui->msg_until) {
		ui->msg[0] = '\0';
		ui_mark(ui, 1u << PANE_STATUS);
	}
	if (ui->app->trainer != ui->train.seen)
		ui->news_pending = true;
	if (ui->news_pending && due) {
		ui->news_pending = false;
		ui_mark_news(ui, ui_train_pull(ui));
	}
	if (ui->dirty || (ui->news && due))
		ui_draw_frame(ui, ui->dirty | ui->news);
}

/*
 * TUNETOP_TRACE=FILE: one line per batch of input, the milliseconds from
 * poll() waking on it to the frame written (tunetop's share of key to
 * screen; bench/datapane.sh reads it). Off, it costs one test per wake.
 */
static FILE *ui_trace;

static void ui_trace_open(void)
{
	const char *path = getenv("TUNETOP_TRACE");

	ui_trace = path != NULL && path[0] != '\0' ? fopen(path, "a") : NULL;
}

static void ui_trace_key(double since)
{
	fprintf(ui_trace, "key %.3f\n", (tt_now() - since) * 1000.0);
	fflush(ui_trace);
}

static void ui_loop(struct ui *ui)
{
	while (!ui->quit && !ui->app->quit) {
		struct pollfd fds[5];
		nfds_t n = 2;
		struct trainer *t = ui->app->trainer;
		int lerr = ui_label_errors_fd(ui), gen = ui_gen_fd(ui);
		double woke;

		fds[0] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
		fds[1] = (struct pollfd){ ui_sig_pipe[0], POLLIN, 0 };
		if (t != NULL)
			fds[n++] = (struct pollfd){ trainer_wake_fd(t), POLLIN, 0 };
		if (lerr >= 0)	/* the label-error run: last, so fds[2] stays the trainer's */
			fds[n++] = (struct pollfd){ lerr, POLLIN, 0 };
		if (gen >= 0)	/* a generation: ui_tick takes its text */
			fds[n++] = (struct pollfd){ gen, POLLIN, 0 };
		if (poll(fds, n, ui_timeout(ui, tt_now())) < 0 && errno != EINTR)
			break;
		if (fds[1].revents & POLLIN)
			ui_handle_signals(ui);
		if (t != NULL && (fds[2].revents & POLLIN)) {
			trainer_drain_wake(t);
			ui->news_pending = true;
		}
		if (fds[0].revents & (POLLHUP | POLLERR)) {
			ui->autosave = true;	/* the terminal went away */
			ui->quit = true;
		}
		woke = ui_trace != NULL && (fds[0].revents & POLLIN) ? tt_now() : 0;
		ui_read_keys(ui);
		if (!ui->quit)
			ui_tick(ui);
		if (woke > 0)
			ui_trace_key(woke);
	}
}

/* ~/.config/tunetop/tunetoprc: commands run at start (bind, theme ...). */
static void ui_run_rc(struct ui *ui)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct cmd_ctx ctx;
	char *path;

	if (xdg != NULL && xdg[0] == '/')
		path = tt_xprintf("%s/tunetop/tunetoprc", xdg);
	else if (home != NULL)
		path = tt_xprintf("%s/.config/tunetop/tunetoprc", home);
	else
		return;
	if (access(path, R_OK) == 0) {
		ui_cmd_ctx(ui, CMD_SRC_CONFIG, &ctx);
		cmd_run_file(&ctx, path);
		pane_repl_flush(&ui->sb);
	}
	free(path);
}

/*
 * Quit, SIGHUP, SIGTERM: a trainer with a model is paused and writes a
 * checkpoint into its run directory (app-run.c), so reopening the session
 * continues the run. Returns its path (malloc'd) when it was written.
 */
static char *ui_autosave(struct ui *ui, char *reply, size_t n)
{
	struct app *a = ui->app;
	struct trainer *t = a->trainer;
	enum trainer_state st = ui_train_state(ui);
	char *path;
	uint64_t id;

	reply[0] = '\0';
	if (t == NULL || st == TRAINER_IDLE || st == TRAINER_FAILED)
		return NULL;
	path = a->run_dir != NULL ? tt_xprintf("%s/checkpoint.safetensors", a->run_dir) :
				    ui_session_file(a, ".autosave.ckpt");
	/* A finished run does not change: its checkpoint is written once. */
	if (st == TRAINER_DONE && a->session != NULL && a->session->checkpoint != NULL &&
	    strcmp(a->session->checkpoint, path) == 0 && access(path, F_OK) == 0)
		return path;
	if (st == TRAINER_RUNNING)	/* the log ends where the checkpoint is */
		trainer_wait_handled(t, trainer_send(t, TRAINER_PAUSE, NULL, NULL, 0, NULL), NULL, 0);
	id = trainer_send(t, TRAINER_CHECKPOINT, NULL, path, 0, NULL);
	if (trainer_wait_handled(t, id, reply, n) == 0)
		return path;
	free(path);
	return NULL;
}

/* The autosave's output, kept to print once the terminal is restored. */
static void ui_autosave_sink(void *opaque, int is_error, const char *text)
{
	struct tt_buf *b = opaque;

	(void)is_error;
	tt_buf_adds(b, text);
}

/*
 * Quit, SIGHUP, SIGTERM: the state (UI, split, options, the run and its
 * checkpoint) goes to the state file beside the session (demo.state.yaml,
 * or DATA.state.yaml for data opened alone); the person's session file is
 * written only by `session save`. out gets what to report.
 */
static void ui_autosave_session(struct ui *ui, const char *ckpt, struct tt_buf *out)
{
	struct app *a = ui->app;
	struct cmd_ctx ctx;

	if (!a->has_data)
		return;
	if (ckpt != NULL)
		session_set_string(&app_session(a)->checkpoint, ckpt);
	ui_cmd_ctx(ui, CMD_SRC_KEY, &ctx);
	ctx.sink = ui_autosave_sink;	/* printed once the terminal is restored */
	ctx.sink_opaque = out;
	cmd_session_save_state(&ctx);
}

/* What main() could not show: a session that was not applied, and why (app->start_notice). */
static void ui_start_notice(struct ui *ui)
{
	const char *text = ui->app->start_notice;
	char *line;

	if (text != NULL && text[0] != '\0') {
		line = tt_xprintf("%s\n", text);	/* in full: a message would be cut */
		ui_sink(ui, 1, line);
		free(line);
	}
}

/* In the REPL only: the status bar shows the key hints from the start. */
static void ui_welcome(struct ui *ui)
{
	char line[160];

	snprintf(line, sizeof line, "tunetop %s: press t to train, ? for the keys, : for "
		 "commands\n", TUNETOP_VERSION);
	pane_repl_add(&ui->sb, GRID_ROLE_DIM, line);
}

int ui_main(struct app *app, const struct ui_options *o)
{
	struct ui ui;
	char reply[1024], *ckpt;
	struct tt_buf saved;
	bool utf8;
	int status;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tunetop: the workbench needs a terminal "
			"(use --headless -e COMMANDS without one)\n");
		return UI_EXIT_NO_TERMINAL;
	}
	setlocale(LC_CTYPE, "");
	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	ui_state_init(&ui, app, 80, 24, o->ascii || !utf8);
	ui.utf8 = utf8;
	app->ui = &ui;
	ui_have_tio = tcgetattr(STDIN_FILENO, &ui_saved_tio) == 0;
	if (ui_install_signals() != 0) {
		fprintf(stderr, "tunetop: cannot set up signal handling\n");
		app->ui = NULL;
		ui_state_fini(&ui);
		return 1;
	}
	repl_init(&ui);
	if (ui_term_open(&ui) != 0) {
		tt_esc_printf(stderr, "tunetop: the workbench cannot draw on this terminal (TERM=%s "
			      "is unknown or cannot move the cursor); set TERM to your terminal's "
			      "type (e.g. xterm-256color), or use --headless -e COMMANDS\n",
			getenv("TERM") != NULL ? getenv("TERM") : "");
		repl_fini(&ui);
		ui_remove_signals();
		app->ui = NULL;
		ui_state_fini(&ui);
		return UI_EXIT_NO_TERMINAL;
	}
	ui_thread = pthread_self();
	ui_active = &ui;
	ui_asked[0] = '\0';
	tt_set_fatal_hook(ui_fatal_hook);
	ui_welcome(&ui);
	ui_session_apply(&ui);
	ui_start_notice(&ui);
	ui_run_rc(&ui);
	ui_trace_open();
	ui_loop(&ui);
	if (ui_trace != NULL)
		fclose(ui_trace);
	ui_trace = NULL;
	reply[0] = '\0';
	ckpt = ui_autosave(&ui, reply, sizeof reply);
	tt_buf_init(&saved);
	ui_autosave_session(&ui, ckpt, &saved);
	free(ckpt);
	repl_fini(&ui);
	ui_term_close(&ui);
	tt_set_fatal_hook(NULL);
	ui_active = NULL;
	ui_remove_signals();
	if (reply[0] != '\0')
		tt_esc_printf(stderr, "tunetop: %s\n", reply);
	if (saved.len > 0)
		tt_esc_printf(stderr, "tunetop: %s", saved.data);
	tt_buf_fini(&saved);
	app->session_store = NULL;
	app->ui = NULL;
	status = ui.exit_status;
	ui_state_fini(&ui);
	return status;
}
