/*
 * test-statusbar.c - the status bar at 80 columns: while a run starts it
 * says what the trainer is doing (not "IDLE step 0/0 lr 0"); while it runs
 * it keeps the ETA and steps/s (a transformer: tokens/s and MFU), and shows
 * the lr in effect beside the base.
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
	s->steps_per_sec = 3000;        /* 120000 steps in 40 s */
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

/*
 * A transformer run: tokens/s and MFU at 80 columns while it runs (GFLOP/s
 * too when paused, without the ETA), from the FLOPs per token and the peak
 * the trainer publishes: 2.78 MFLOP x 1000 tokens/s = 2.78 GFLOP/s, 9.8% of
 * 28.4. Before a run no FLOPs are known: no MFU.
 */
static void test_gpt_speed(void **state)
{
	struct fixture *f = *state;
	struct trainer_snapshot *s = &f->ui.train.snap;

	s->phase[0] = '\0';
	s->state = TRAINER_RUNNING;
	s->step = 63;
	s->total_steps = 350;
	s->elapsed = 10;
	s->steps_per_sec = 6.3;
	s->eta_seconds = 45;
	s->base_lr = 0.0005;
	s->lr = 0.00048;
	s->epoch = 0.9;
	s->epochs = 5;
	s->tokens_per_sec = 1000;
	assert_null(strstr(status_row(f), "MFU"));
	s->flops_per_token = 2.78e6;
	s->peak_gflops = 28.4;
	assert_status(f, "ETA 0:45");
	assert_status(f, "1k tok/s");
	assert_status(f, "MFU 10%");
	assert_null(strstr(status_row(f), "steps/s"));
	s->state = TRAINER_PAUSED;
	assert_status(f, " PAUSED ");
	assert_status(f, "MFU 10%");
	assert_status(f, "2.78 GFLOP/s");
	/* the run's MFU is what the next estimate assumes */
	assert_true(fabs(f->app.flops.last_mfu - 2.78 / 28.4) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_preparing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_at_80, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gpt_speed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
