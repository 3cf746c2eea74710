/*
 * test-statusbar.c - the status bar at 80 columns: while a run starts it
 * says what the trainer is doing (not "IDLE step 0/0 lr 0"); while it runs
 * it keeps the ETA and steps/s, and shows the lr in effect beside the base.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/app.h"
#include "tunetop/trainer.h"
#include "tunetop/ui.h"

#include "screen.h"

struct fixture {
	struct app app;
	struct ui ui;
	struct tt_buf text;
};

static int setup(void **state)
{
	struct fixture *f = tt_xcalloc(1, sizeof *f);
	struct tt_err err;

	app_init(&f->app);
	tt_err_clear(&err);
	if (app_load_data(&f->app, "tests/data/small.jsonl", NULL, &err) != 0)
		return -1;
	ui_state_init(&f->ui, &f->app, 80, 24, false);
	f->app.ui = &f->ui;
	tt_buf_init(&f->text);
	if (app_new_trainer(&f->app, NULL, &err) != 0)
		return -1;
	ui_train_pull(&f->ui);		/* the mirror of an idle trainer */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	f->app.ui = NULL;
	ui_state_fini(&f->ui);
	app_fini(&f->app);
	tt_buf_fini(&f->text);
	free(f);
	return 0;
}

/* The last row of the screen. */
static const char *status_row(struct fixture *f)
{
	const char *t = screen_frame(&f->ui, &f->text), *nl;
	size_t n = strlen(t);

	if (n > 0 && t[n - 1] == '\n')
		n--;
	for (nl = t + n; nl > t && nl[-1] != '\n'; nl--)
		;
	return nl;
}

static void assert_status(struct fixture *f, const char *what)
{
	const char *row = status_row(f);

	if (strstr(row, what) == NULL)
		fail_msg("status bar lacks \"%s\": %s", what, row);
}

static void test_preparing(void **state)
{
	struct fixture *f = *state;
	struct trainer_snapshot *s = &f->ui.train.snap;

	assert_true(f->ui.train.have_snap);
	/* Created, not started yet: starting, not "IDLE step 0/0 lr 0". */
	assert_status(f, " STARTING ");
	assert_status(f, "starting ...");
	assert_null(strstr(status_row(f), "step 0/0"));
	snprintf(s->phase, sizeof s->phase, "preparing: normalizing 50000 records");
	assert_status(f, "preparing: normalizing 50000 records ...");
	assert_null(strstr(status_row(f), "lr 0 "));
}

static void test_running_at_80(void **state)
{
	struct fixture *f = *state;
	struct trainer_snapshot *s = &f->ui.train.snap;

	s->phase[0] = '\0';
	s->state = TRAINER_RUNNING;
	s->step = 120000;
	s->total_steps = 277000;
	s->elapsed = 40;
	s->eta_seconds = 52.3;
	s->base_lr = 0.5;
	s->lr = 0.2834;
	s->epoch = 216.6;
	s->epochs = 500;
	s->tokens_per_sec = 2.1e6;
	assert_status(f, " RUNNING ");
	assert_status(f, "step 120000/277000");
	assert_status(f, "lr 0.5 now 0.283");
	assert_status(f, "ETA 0:52");
	assert_status(f, "3k steps/s");
	/* A message for the moment does not push them out. */
	ui_message(&f->ui, false, "training: 554 train, 70 valid examples; 277000 steps");
	assert_status(f, "ETA 0:52");
	assert_status(f, "3k steps/s");
	/* Done: no ETA, the lr as it ended. */
	s->state = TRAINER_DONE;
	assert_null(strstr(status_row(f), "ETA"));
	assert_status(f, " DONE ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_preparing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_at_80, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
