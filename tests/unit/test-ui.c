/*
 * test-ui.c - the workbench without a terminal: whole frames rendered into
 * the screen grid and checked as text (first screen, layouts, data list,
 * filters, record detail, REPL scrollback with errors, help keys, bind,
 * themes), and a real training run mirrored into the curves, the matrix
 * and the status bar, with the quit question while a run is live.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/repl.h"
#include "tunetop/trainer.h"
#include "tunetop/ui.h"

#include "screen.h"

struct fixture {
	struct app app;
	struct ui ui;
	struct tt_buf text;
	char dir[64];
};

/*
 * A copy of tests/data/small.jsonl in a scratch directory: a run in the
 * workbench writes its directory (small.jsonl.runs/N) beside the data.
 */
static int setup(void **state)
{
	struct fixture *f = tt_xcalloc(1, sizeof *f);
	struct tt_err err;
	char *data, *copy;
	size_t len;
	int rc;

	app_init(&f->app);
	tt_err_clear(&err);
	snprintf(f->dir, sizeof f->dir, "/tmp/tt-ui.XXXXXX");
	if (mkdtemp(f->dir) == NULL || tt_read_file("tests/data/small.jsonl", &data, &len, &err) != 0)
		return -1;
	copy = tt_xprintf("%s/small.jsonl", f->dir);
	rc = tt_write_file_atomic(copy, data, len, &err) != 0 ||
	     app_load_data(&f->app, copy, NULL, &err) != 0;
	free(data);
	free(copy);
	if (rc != 0)
		return -1;
	ui_state_init(&f->ui, &f->app, 80, 24, false);
	f->app.ui = &f->ui;
	tt_buf_init(&f->text);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	char *rm = tt_xprintf("rm -rf '%s'", f->dir);

	f->app.ui = NULL;
	ui_state_fini(&f->ui);
	app_fini(&f->app);
	tt_buf_fini(&f->text);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(rm);
	free(f);
	return 0;
}

static const char *frame(struct fixture *f)
{
	return screen_frame(&f->ui, &f->text);
}

static void assert_shows(struct fixture *f, const char *what)
{
	screen_assert_shows(&f->ui, &f->text, what);
}

/* The last scrollback line with text, and its role. */
static const struct ui_line *last_line(struct fixture *f)
{
	size_t i = f->ui.sb.n;

	while (i > 0 && f->ui.sb.lines[i - 1].text[0] == '\0')
		i--;
	return i > 0 ? &f->ui.sb.lines[i - 1] : NULL;
}

static int scrollback_has(struct fixture *f, const char *what)
{
	size_t i;

	for (i = 0; i < f->ui.sb.n; i++) {
		if (strstr(f->ui.sb.lines[i].text, what) != NULL)
			return 1;
	}
	return 0;
}

static void test_first_screen(void **state)
{
	struct fixture *f = *state;

	assert_shows(f, "┌─ curves");
	assert_shows(f, "no training yet: press t to train");
	assert_shows(f, " READY ");
	assert_shows(f, "t train");
	assert_shows(f, "press : or Tab to type a command");
	assert_int_equal(f->ui.focus, PANE_CURVES);
}

static void test_data_layout(void **state)
{
	struct fixture *f = *state;

	ui_run_command(&f->ui, "layout data", true);
	assert_int_equal(f->ui.focus, PANE_DATA);
	assert_shows(f, "data · 8 records");
	assert_shows(f, "my card was charged twice");
	ui_run_command(&f->ui, "cursor down", true);
	assert_shows(f, "a2 · line 2 · no split · access");
	ui_run_command(&f->ui, "cursor bottom", true);
	assert_int_equal(f->ui.data.cursor, f->ui.data.n - 1);
	ui_run_command(&f->ui, "detail", true);
	assert_shows(f, "Enter: list");
	ui_run_command(&f->ui, "filter label billing", false);
	assert_shows(f, "· label=billing");
	assert_true(f->ui.data.n >= 1 && f->ui.data.n < 8);
	ui_run_command(&f->ui, "filter text REFUND", false);
	assert_int_equal(f->ui.data.n, 1);
	ui_run_command(&f->ui, "filter off", false);
	assert_int_equal(f->ui.data.n, 8);
}

static void test_repl_errors_and_help(void **state)
{
	struct fixture *f = *state;
	const struct ui_line *l;

	ui_run_command(&f->ui, "frobnicate", false);
	l = last_line(f);
	assert_non_null(l);
	assert_non_null(strstr(l->text, "unknown command 'frobnicate'"));
	assert_int_equal(l->role, GRID_ROLE_ERROR);
	assert_true(scrollback_has(f, "frobnicate"));	/* the echo of the line */
	ui_run_command(&f->ui, "help keys", false);
	assert_true(scrollback_has(f, "toggle-pause"));
	assert_int_equal(last_line(f)->role, GRID_ROLE_DEFAULT);
	ui_run_command(&f->ui, "bind -c data x filter unlabeled", false);
	assert_string_equal(keys_get(f->ui.keys, "data", "x"), "filter unlabeled");
	ui_run_command(&f->ui, "bind nosuchkey echo", false);
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	ui_run_command(&f->ui, "keys", true);
	assert_shows(f, "every key runs a command");
}

static void test_scrollback_wraps(void **state)
{
	struct fixture *f = *state;

	pane_repl_add(&f->ui.sb, GRID_ROLE_DEFAULT, "alpha beta gamma delta epsilon zeta eta theta "
		      "iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi\n");
	assert_shows(f, "omicron");
	assert_shows(f, "phi");
	pane_repl_add(&f->ui.sb, GRID_ROLE_DEFAULT, "part one, ");
	pane_repl_add(&f->ui.sb, GRID_ROLE_ERROR, "part two\n");
	assert_string_equal(last_line(f)->text, "part one, part two");
}

static int has_word(char **v, const char *w)
{
	size_t i;
	int found = 0;

	for (i = 0; v[i] != NULL; i++)
		found |= strcmp(v[i], w) == 0;
	return found;
}

static void free_words(char **v)
{
	size_t i;

	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void test_completion(void **state)
{
	struct fixture *f = *state;
	char *set[] = { "set", NULL }, *fl[] = { "filter", "label", NULL }, *ld[] = { "load", NULL };
	char *th[] = { "theme", NULL }, *sv[] = { "set", "schedule", NULL };
	char **v;
	int files;

	v = repl_candidates(&f->ui, 0, NULL, &files);
	assert_true(has_word(v, "train") && has_word(v, "checkpoint-now") && has_word(v, "ckpt"));
	free_words(v);
	v = repl_candidates(&f->ui, 1, set, &files);
	assert_true(has_word(v, "lr") && has_word(v, "refresh_hz"));
	free_words(v);
	v = repl_candidates(&f->ui, 2, sv, &files);
	assert_true(has_word(v, "cosine"));
	free_words(v);
	v = repl_candidates(&f->ui, 2, fl, &files);
	assert_true(has_word(v, "billing") && has_word(v, "access"));
	free_words(v);
	v = repl_candidates(&f->ui, 1, th, &files);
	assert_true(has_word(v, "dark") && has_word(v, "light"));
	free_words(v);
	v = repl_candidates(&f->ui, 1, ld, &files);
	assert_int_equal(files, 1);	/* readline completes the path */
	free_words(v);
}

static void test_scrollback_paging(void **state)
{
	struct fixture *f = *state;
	int i;

	for (i = 0; i < 100; i++)
		pane_repl_add(&f->ui.sb, GRID_ROLE_DEFAULT, "a line of output\n");
	pane_repl_add(&f->ui.sb, GRID_ROLE_DEFAULT, "the newest line\n");
	assert_shows(f, "the newest line");
	ui_run_command(&f->ui, "scroll up", true);
	assert_true(f->ui.sb.back > 0);
	assert_true(strstr(frame(f), "the newest line") == NULL);
	assert_shows(f, "scrolled back");
	ui_run_command(&f->ui, "scroll bottom", true);
	assert_int_equal(f->ui.sb.back, 0);
	assert_shows(f, "the newest line");
}

static void test_themes(void **state)
{
	struct fixture *f = *state;
	struct tt_err err;

	tt_err_clear(&err);
	assert_int_equal(ui_set_theme(&f->ui, "light", &err), 0);
	assert_string_equal(f->ui.theme.name, "light");
	assert_int_equal(ui_set_theme(&f->ui, "nosuch", &err), -1);
	assert_non_null(strstr(err.msg, "no theme 'nosuch'"));
	assert_string_equal(f->ui.theme.name, "light");
	ui_run_command(&f->ui, "theme dark", false);
	assert_string_equal(f->ui.theme.name, "dark");
}

static void test_resize_and_zoom(void **state)
{
	struct fixture *f = *state;
	int focus;

	ui_resize(&f->ui, 200, 60);
	assert_shows(f, "┌─ confusion");
	ui_run_command(&f->ui, "zoom", true);
	assert_true(strstr(frame(f), "┌─ confusion") == NULL);
	ui_run_command(&f->ui, "zoom", true);
	focus = f->ui.focus;
	ui_resize(&f->ui, 30, 10);
	assert_int_equal(f->ui.focus, focus);	/* a resize never moves focus ... */
	assert_shows(f, "┌─ curves");		/* ... the focused pane is shown alone */
	ui_run_command(&f->ui, "focus repl", true);
	assert_int_equal(f->ui.focus, PANE_REPL);
	assert_shows(f, "┌─ repl");
	ui_resize(&f->ui, 200, 60);
	ui_run_command(&f->ui, "focus back", true);
	assert_int_equal(f->ui.focus, focus);
	assert_shows(f, "┌─ confusion");
}

/* Pull the trainer's news until the run has settled (not idle or running). */
static enum trainer_state settle(struct fixture *f)
{
	double until = tt_now() + 20;
	enum trainer_state st = TRAINER_IDLE;

	while (tt_now() < until) {
		trainer_wait_stopped(f->app.trainer, 0.05);
		ui_mark_news(&f->ui, ui_train_pull(&f->ui));
		st = f->ui.train.snap.state;
		if (st != TRAINER_IDLE && st != TRAINER_RUNNING)
			break;
	}
	return st;
}

static void test_training_mirrored(void **state)
{
	struct fixture *f = *state;

	cfg_set(&f->app.cfg, "epochs", "20", NULL);
	cfg_set(&f->app.cfg, "dim", "8", NULL);		/* small and quick, also under TSan */
	cfg_set(&f->app.cfg, "buckets", "10000", NULL);
	ui_run_command(&f->ui, "train", true);
	assert_non_null(f->app.trainer);
	assert_true(scrollback_has(f, "the data has no splits"));
	assert_int_equal(settle(f), TRAINER_DONE);
	assert_true(f->ui.train.npoints > 0);
	assert_shows(f, " DONE ");
	/* The last epoch's predictions, not the one before (they follow its evaluation). */
	ui_train_pull(&f->ui);
	assert_int_equal(f->ui.train.preds.step, f->ui.train.snap.step);
	/* Typed in the REPL, a command the trainer refuses shows its answer. */
	ui_run_command(&f->ui, "resume", false);
	for (int i = 0; i < 6000 && !scrollback_has(f, "not paused"); i++) {
		usleep(10000);	/* a done run's trainer_wait_stopped returns at once */
		ui_train_pull(&f->ui);
	}
	assert_true(scrollback_has(f, "not paused (done)"));
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	assert_int_equal(f->app.nawaited, 0);
	assert_shows(f, "train loss");
	assert_shows(f, "confusion · step");
	ui_run_command(&f->ui, "set epochs 10000", false);
	ui_run_command(&f->ui, "train", true);	/* a new run: the old one goes faint */
	ui_run_command(&f->ui, "pause", true);
	assert_int_equal(settle(f), TRAINER_PAUSED);	/* start and pause, in order */
	assert_true(f->ui.train.nprev > 0);
	assert_shows(f, " PAUSED ");
	ui_run_command(&f->ui, "quit", true);
	assert_true(f->ui.confirm_quit);
	assert_false(f->app.quit);
	assert_shows(f, "Quit anyway?");
}

/* The records listed, as their ids joined by spaces. */
static const char *listed(struct fixture *f)
{
	size_t k;

	pane_data_refresh(&f->ui);
	tt_buf_clear(&f->text);
	for (k = 0; k < f->ui.data.n; k++)
		tt_buf_printf(&f->text, "%s%.*s", k ? " " : "", (int)f->app.ds.recs[f->ui.data.idx[k]].id_len,
			      f->app.ds.recs[f->ui.data.idx[k]].id);
	return f->text.data;
}

static void test_filters_combine(void **state)
{
	struct fixture *f = *state;

	ui_run_command(&f->ui, "layout data", true);
	ui_run_command(&f->ui, "filter label=billing text~/card/", false);
	assert_string_equal(listed(f), "a1 a6");
	ui_run_command(&f->ui, "filter + text!~/twice/", false);	/* adds a term */
	assert_string_equal(listed(f), "");
	assert_string_equal(f->ui.data.filter_text, "label=billing text~/card/ text!~/twice/");
	ui_run_command(&f->ui, "filter label=billing unlabeled", false);
	assert_string_equal(listed(f), "");
	/* A bad term is an error and the filter in force stays. */
	ui_run_command(&f->ui, "filter label=access", false);
	ui_run_command(&f->ui, "filter label=nosuch", false);
	assert_true(scrollback_has(f, "label=nosuch"));
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	assert_string_equal(listed(f), "a2 a4 a8");
	ui_run_command(&f->ui, "filter text~/(unclosed/", false);
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	assert_string_equal(f->ui.data.filter_text, "label=access");
	/* The status bar and the title show the whole filter. */
	assert_shows(f, "filter label=access");
	assert_shows(f, "3 of 8 records · label=access");
	/* The first version's words still work; plain text is not a regex. */
	ui_run_command(&f->ui, "filter text 2FA device", false);
	assert_string_equal(listed(f), "a8");
	ui_run_command(&f->ui, "filter text (", false);
	assert_string_equal(listed(f), "");
	ui_run_command(&f->ui, "filter split none", false);
	assert_int_equal(f->ui.data.n, 8);
	ui_run_command(&f->ui, "filter off", false);
	assert_string_equal(f->ui.data.filter_text, "");
	/* Terms on predictions hold for no record before a model predicts. */
	ui_run_command(&f->ui, "filter pred=billing", false);
	assert_int_equal(f->ui.data.n, 0);
	assert_shows(f, "no records match");
}

static void test_sort_columns(void **state)
{
	struct fixture *f = *state;

	ui_run_command(&f->ui, "layout data", true);
	ui_run_command(&f->ui, "sort label", false);
	assert_string_equal(listed(f), "a2 a4 a8 a1 a3 a6 a7 a5");	/* unlabeled last */
	ui_run_command(&f->ui, "sort label desc", false);
	assert_string_equal(listed(f), "a1 a3 a6 a7 a2 a4 a8 a5");	/* ties keep file order */
	ui_run_command(&f->ui, "sort length", false);
	assert_string_equal(listed(f), "a8 a1 a6 a7 a2 a4 a3 a5");
	ui_run_command(&f->ui, "sort reverse", false);
	assert_string_equal(listed(f), "a5 a3 a4 a2 a1 a6 a7 a8");
	assert_shows(f, "text (by length)");
	ui_run_command(&f->ui, "sort text", false);
	assert_string_equal(listed(f), "a7 a2 a1 a6 a4 a3 a8 a5");
	assert_shows(f, "text↑");
	assert_shows(f, "sort text asc");
	/* The cursor stays on its record across a sort. */
	ui_run_command(&f->ui, "cursor top", true);
	ui_run_command(&f->ui, "sort file", false);
	assert_int_equal(pane_data_current(&f->ui), 6);
	ui_run_command(&f->ui, "sort nosuch", false);
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	ui_run_command(&f->ui, "sort next", false);
	assert_int_equal(f->ui.data.sort, UI_SORT_ID);
	ui_run_command(&f->ui, "sort prev", false);
	ui_run_command(&f->ui, "sort prev", false);
	assert_int_equal(f->ui.data.sort, UI_SORT_LENGTH);	/* wraps round */
	/* Sorted and filtered together. */
	ui_run_command(&f->ui, "filter label=access", false);
	ui_run_command(&f->ui, "sort id desc", false);
	assert_string_equal(listed(f), "a8 a4 a2");
}

/* The cells of screen row y that are drawn as search matches, as text. */
static void marked_cells(struct fixture *f, char *out, size_t n)
{
	size_t o = 0;
	int x, y;

	frame(f);
	for (y = 0; y < f->ui.screen.h; y++) {
		for (x = 0; x < f->ui.screen.w && o + 1 < n; x++) {
			const struct grid_cell *c = grid_at_const(&f->ui.screen, x, y);

			if (c->role == GRID_ROLE_SEARCH_MATCH && c->cp < 128)
				out[o++] = (char)c->cp;
		}
	}
	out[o] = '\0';
}

static void test_search(void **state)
{
	struct fixture *f = *state;
	char marks[256];

	ui_run_command(&f->ui, "layout data", true);
	ui_run_command(&f->ui, "search INVOICE", false);	/* a capital: case matters */
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	ui_run_command(&f->ui, "search invoice", false);	/* smart case: any case */
	assert_int_equal(pane_data_current(&f->ui), 2);
	ui_run_command(&f->ui, "search-next", false);
	assert_int_equal(pane_data_current(&f->ui), 6);
	ui_run_command(&f->ui, "search-next", false);	/* round the end */
	assert_int_equal(pane_data_current(&f->ui), 2);
	assert_true(scrollback_has(f, "search wrapped"));
	ui_run_command(&f->ui, "search-next prev", false);
	assert_int_equal(pane_data_current(&f->ui), 6);
	/* Highlighted in the list and in the detail: both rows of a3 and a7 once each. */
	marked_cells(f, marks, sizeof marks);
	assert_string_equal(marks, "invoiceinvoiceinvoice");
	assert_shows(f, "/invoice/");
	/* Within the filter only; the search does not change the list. */
	ui_run_command(&f->ui, "filter label=access", false);
	ui_run_command(&f->ui, "search-next", false);
	assert_int_equal(last_line(f)->role, GRID_ROLE_ERROR);
	assert_int_equal(f->ui.data.n, 3);
	ui_run_command(&f->ui, "search [", false);
	assert_true(scrollback_has(f, "bad regular expression"));
	assert_string_equal(f->ui.data.search, "invoice");	/* the old one stays */
	ui_run_command(&f->ui, "search", false);		/* none: highlighting off */
	marked_cells(f, marks, sizeof marks);
	assert_string_equal(marks, "");
	ui_run_command(&f->ui, "search-next", false);
	assert_true(scrollback_has(f, "no search yet"));
}

static void test_edit_here_quotes(void **state)
{
	struct fixture *f = *state;
	char **argv;
	struct tt_err err;
	int argc;

	ui_run_command(&f->ui, "layout data", true);
	ui_run_command(&f->ui, "filter id=a5", false);
	ui_run_command(&f->ui, "edit", false);
	assert_int_equal(f->ui.focus, PANE_REPL);
	assert_true(f->ui.prompt_return);
	/* What the prompt holds splits back into the same text. */
	tt_err_clear(&err);
	argc = cmd_split_words("edit-text @5 \"the \\\"export\\\" button does nothing\\nat all\"",
			       &argv, &err);
	assert_int_equal(argc, 3);
	assert_string_equal(argv[2], "the \"export\" button does nothing\nat all");
	cmd_free_argv(argc, argv);
}

static void test_filter_on_predictions(void **state)
{
	struct fixture *f = *state;
	const char *pred;
	float conf, last = 2;
	size_t k, nbilling;

	cfg_set(&f->app.cfg, "epochs", "30", NULL);
	cfg_set(&f->app.cfg, "dim", "8", NULL);
	cfg_set(&f->app.cfg, "buckets", "10000", NULL);
	ui_run_command(&f->ui, "layout data", true);
	ui_run_command(&f->ui, "train", true);
	assert_int_equal(settle(f), TRAINER_DONE);
	assert_true(f->ui.train.npred_of > 0);
	ui_run_command(&f->ui, "filter pred=billing", false);
	nbilling = f->ui.data.n;
	assert_true(nbilling > 0 && nbilling < 8);
	for (k = 0; k < f->ui.data.n; k++) {
		assert_int_equal(ui_train_prediction(&f->ui, f->ui.data.idx[k], &pred, &conf), 0);
		assert_string_equal(pred, "billing");
	}
	ui_run_command(&f->ui, "filter pred!=billing", false);
	assert_int_equal(f->ui.data.n + nbilling, 8);
	ui_run_command(&f->ui, "filter conf=0..0.3", false);
	for (k = 0; k < f->ui.data.n; k++) {
		ui_train_prediction(&f->ui, f->ui.data.idx[k], &pred, &conf);
		assert_true(conf <= 0.3f);
	}
	ui_run_command(&f->ui, "filter off", false);
	ui_run_command(&f->ui, "sort conf desc", false);
	assert_int_equal(f->ui.data.n, 8);
	for (k = 0; k < f->ui.data.n; k++) {
		assert_int_equal(ui_train_prediction(&f->ui, f->ui.data.idx[k], &pred, &conf), 0);
		assert_true(conf <= last);
		last = conf;
	}
	assert_shows(f, "conf↓");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_repl_errors_and_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scrollback_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_completion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scrollback_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_themes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_and_zoom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_training_mirrored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filters_combine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sort_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_here_quotes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_on_predictions, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
