/*
 * test-pane-layers.c - the layers view drawn from a mirrored history
 * (no trainer, no terminal): a row per layer, frozen layers marked F with
 * "-" for values they cannot have, the latest values, log-scaled
 * sparklines (a value ten times the others is the top block), the ASCII
 * fallback, and the `layers` command toggling the view.
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
#include "tunetop/cmd.h"
#include "tunetop/pane.h"
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

	app_init(&f->app);
	ui_state_init(&f->ui, &f->app, 80, 24, false);
	f->app.ui = &f->ui;
	tt_buf_init(&f->text);
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

/* Three layers: embed frozen, block 0 learning, head with a jump at the end. */
static void fake_layers(struct ui *ui)
{
	struct trainer_layers *L = &ui->train.layers;
	static const char *names[] = { "embed", "block 0", "head" };

	L->n = 3;
	L->step = 40;
	L->seq = 1;
	L->l = tt_xcalloc(3, sizeof *L->l);
	for (int i = 0; i < 3; i++) {
		struct trainer_layer *l = &L->l[i];

		snprintf(l->name, sizeof l->name, "%s", names[i]);
		l->frozen = i == 0;
		l->n = 4;
		for (int k = 0; k < 4; k++) {
			l->grad_norm[k] = l->frozen ? NAN : 0.5f;
			l->update_ratio[k] = l->frozen ? NAN : k == 0 ? NAN : 1e-3f;
		}
	}
	L->l[2].grad_norm[3] = 5.0f;            /* ten times: the top of its row */
	L->l[1].update_ratio[3] = 2.5e-3f;
}

static const char *row_of(struct fixture *f, const char *name, char *out, size_t n)
{
	const char *t = screen_frame(&f->ui, &f->text), *p;
	char key[32];
	size_t len;

	snprintf(key, sizeof key, "│%s ", name);
	p = strstr(t, key);
	assert_non_null(p);
	len = strcspn(p, "\n");
	snprintf(out, n, "%.*s", (int)len, p);
	return out;
}

static void test_rows(void **state)
{
	struct fixture *f = *state;
	char row[512];

	fake_layers(&f->ui);
	pane_layers_show(&f->ui, true);
	screen_assert_shows(&f->ui, &f->text, "layers · step 40 · 3 layers, 1 frozen (F)");
	screen_assert_shows(&f->ui, &f->text, "grad norm (log)");
	row_of(f, "embed", row, sizeof row);
	assert_non_null(strstr(row, " F "));
	assert_non_null(strstr(row, "-       -"));     /* no gradient, no update */
	row_of(f, "block 0", row, sizeof row);
	assert_null(strstr(row, " F "));
	assert_non_null(strstr(row, "5.0e-01 2.5e-03"));
	row_of(f, "head", row, sizeof row);
	assert_non_null(strstr(row, "5.0e+00 1.0e-03"));
	/* grad norms 0.5 0.5 0.5 5: three at the bottom, the last at the top */
	assert_non_null(strstr(row, "▁▁▁█"));
	/* a flat row sits in the middle; the first ratio (NAN) is blank */
	assert_non_null(strstr(row, " ▄▄▄"));
}

static void test_ascii_and_command(void **state)
{
	struct fixture *f = *state;
	struct cmd_ctx ctx;
	char row[512];

	fake_layers(&f->ui);
	f->ui.ascii = true;
	ui_cmd_ctx(&f->ui, CMD_SRC_REPL, &ctx);
	assert_int_equal(cmd_run_line(&ctx, "layers"), CMD_OK);
	assert_true(f->ui.curves.layers);
	row_of(f, "head", row, sizeof row);
	assert_non_null(strstr(row, "___#"));
	assert_int_equal(cmd_run_line(&ctx, "layers off"), CMD_OK);
	assert_false(f->ui.curves.layers);
	screen_assert_shows(&f->ui, &f->text, "curves");
	assert_int_equal(cmd_run_line(&ctx, "layers sideways"), CMD_ERROR);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;

	pane_layers_show(&f->ui, true);
	screen_assert_shows(&f->ui, &f->text, "no training yet: press t to train");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ascii_and_command, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	};

	return cmocka_run_group_tests_name("pane-layers", tests, NULL, NULL);
}
