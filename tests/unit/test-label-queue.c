/*
 * test-label-queue.c - the labeling queue. Its orders as pure functions:
 * file order without the deleted records, unlabeled first, margin and
 * entropy (no prediction last, ties in file order), random with a seed,
 * the order names. Then in a workbench without a terminal, on a scratch
 * copy of tests/data/small.jsonl: the queue holds only what the filter
 * passes and is rebuilt when the filter changes but not on an edit; new
 * predictions re-rank only the records not yet seen; its session
 * values round-trip and are validated on load; add-label extends the
 * schema, binds its key, labels with it and shows its guideline on `?`.
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
#include <unistd.h>

#include "tunetop/app.h"
#include "tunetop/cmd-ui.h"
#include "tunetop/keys.h"
#include "tunetop/pane.h"
#include "tunetop/session.h"
#include "tunetop/ui.h"

#include "screen.h"

#define N 6

static void recs_init(struct ds_record *r)
{
	static const uint32_t labels[N] = { 0, DS_NO_LABEL, 1, DS_NO_LABEL, 2, 0 };
	int i;

	memset(r, 0, N * sizeof *r);
	for (i = 0; i < N; i++)
		r[i].label = labels[i];
	r[5].flags = DS_FLAG_DELETED;
}

static void test_file(void **state)
{
	struct ds_record r[N];
	uint32_t out[N];

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_FILE, 0, NULL, out), 5);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(out[i], i);
}

static void test_unlabeled(void **state)
{
	struct ds_record r[N];
	uint32_t out[N], want[] = { 1, 3, 0, 2, 4 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_UNLABELED, 0, NULL, out), 5);
	assert_memory_equal(out, want, sizeof want);
}

/* Smallest margin first; the tie of 0 and 3 keeps file order; NaN last. */
static void test_margin(void **state)
{
	struct ds_record r[N];
	float margin[N] = { 0.5f, NAN, 0.1f, 0.5f, NAN, 0.0f };
	uint32_t out[N], want[] = { 2, 0, 3, 1, 4 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_MARGIN, 0, margin, out), 5);
	assert_memory_equal(out, want, sizeof want);
}

/* Highest entropy first; the tie of 1 and 4 keeps file order; NaN last. */
static void test_entropy(void **state)
{
	struct ds_record r[N];
	float entropy[N] = { NAN, 0.9f, 0.2f, 1.5f, 0.9f, 9.0f };
	uint32_t out[N], want[] = { 3, 1, 4, 2, 0 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_ENTROPY, 0, entropy, out), 5);
	assert_memory_equal(out, want, sizeof want);
}

/* Without predictions the uncertainty orders are file order. */
static void test_uncertain_without_preds(void **state)
{
	struct ds_record r[N];
	float none[N] = { NAN, NAN, NAN, NAN, NAN, NAN };
	uint32_t out[N], want[] = { 0, 1, 2, 3, 4 };

	(void)state;
	recs_init(r);
	label_queue_order(r, N, LABEL_ORDER_ENTROPY, 0, none, out);
	assert_memory_equal(out, want, sizeof want);
	label_queue_order(r, N, LABEL_ORDER_MARGIN, 0, NULL, out);
	assert_memory_equal(out, want, sizeof want);
}

/* Sorting a filtered subset: only the candidates, in the order. */
static void test_sort_subset(void **state)
{
	struct ds_record r[N];
	float entropy[N] = { 0.1f, 0.3f, 0.2f, 0.9f, 0.4f, 0.0f };
	uint32_t idx[] = { 0, 2, 4 }, want[] = { 4, 2, 0 };

	(void)state;
	recs_init(r);
	label_queue_sort(r, idx, 3, LABEL_ORDER_ENTROPY, 0, entropy);
	assert_memory_equal(idx, want, sizeof want);
}

static void test_random(void **state)
{
	struct ds_record r[N];
	uint32_t a[N], b[N], c[N];
	int seen[N] = { 0 };

	(void)state;
	recs_init(r);
	assert_int_equal(label_queue_order(r, N, LABEL_ORDER_RANDOM, 7, NULL, a), 5);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 7, NULL, b);
	assert_memory_equal(a, b, 5 * sizeof *a);
	for (int i = 0; i < 5; i++) {
		assert_true(a[i] < 5);
		seen[a[i]]++;
	}
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], 1);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 8, NULL, c);
	label_queue_order(r, N, LABEL_ORDER_RANDOM, 9, NULL, b);
	assert_true(memcmp(a, c, 5 * sizeof *a) != 0 || memcmp(a, b, 5 * sizeof *a) != 0);
}

static void test_names(void **state)
{
	enum label_order o;

	(void)state;
	assert_int_equal(label_order_parse("least-confident", &o), 0);
	assert_int_equal(o, LABEL_ORDER_MARGIN);
	assert_int_equal(label_order_parse("margin", &o), 0);
	assert_int_equal(o, LABEL_ORDER_MARGIN);
	assert_int_equal(label_order_parse("entropy", &o), 0);
	assert_int_equal(o, LABEL_ORDER_ENTROPY);
	assert_string_equal(label_order_name(LABEL_ORDER_MARGIN), "margin");
	assert_string_equal(label_order_name(LABEL_ORDER_RANDOM), "random");
	assert_int_equal(label_order_parse("confident", &o), -1);
	assert_true(label_order_uses_preds(LABEL_ORDER_ENTROPY));
	assert_false(label_order_uses_preds(LABEL_ORDER_UNLABELED));
}

/* ---- in a workbench without a terminal ---- */

struct fixture {
	char dir[64];
	char data[128];
	struct app app;
	struct ui ui;
	struct tt_buf out;
	struct tt_buf text;
};

static void fixture_sink(void *opaque, int is_error, const char *text)
{
	struct fixture *f = opaque;

	(void)is_error;
	tt_buf_adds(&f->out, text);
}

/* Run a command line as the REPL would; its output is in f->out. */
static enum cmd_rc run(struct fixture *f, const char *line)
{
	struct cmd_ctx ctx = { &f->app, CMD_SRC_REPL, NULL, 0, fixture_sink, f };

	tt_buf_clear(&f->out);
	return cmd_run_line(&ctx, line);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int setup(void **state)
{
	struct fixture *f = tt_xcalloc(1, sizeof *f);
	struct tt_err err;

	snprintf(f->dir, sizeof f->dir, "/tmp/tt-label-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->data, sizeof f->data, "%s/small.jsonl", f->dir);
	copy_file("tests/data/small.jsonl", f->data);
	app_init(&f->app);
	tt_err_clear(&err);
	if (app_load_data(&f->app, f->data, NULL, &err) != 0)
		return -1;
	ui_state_init(&f->ui, &f->app, 80, 24, false);
	f->app.ui = &f->ui;
	tt_buf_init(&f->out);
	tt_buf_init(&f->text);
	*state = f;
	/* the queue is one static state: start each test from file order */
	return run(f, "queue file") == CMD_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	f->app.ui = NULL;
	ui_state_fini(&f->ui);
	app_fini(&f->app);
	tt_buf_fini(&f->out);
	tt_buf_fini(&f->text);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static const char *describe(struct fixture *f)
{
	static char line[160];

	label_queue_describe(&f->ui, line, sizeof line);
	return line;
}

static void set_filter(struct fixture *f, const char *terms)
{
	struct tt_err err;

	tt_err_clear(&err);
	assert_int_equal(pane_data_set_filter(&f->ui, terms, &err), 0);
}

/* The label name of record i ("" when unlabeled). */
static const char *label_of(struct fixture *f, long i)
{
	const struct dataset *ds = &f->app.ds;

	return ds->recs[i].label < ds->labels.n ? ds->labels.names[ds->recs[i].label] : "";
}

/* small.jsonl: a1 billing, a2 access, a3 billing, a4 access, a5 none, a6 a7 billing, a8 access */
static void test_queue_follows_filter(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(describe(f), "1 of 8 · queue file");
	set_filter(f, "label=billing");
	assert_string_equal(describe(f), "1 of 4 · queue file · filtered");
	assert_int_equal(label_queue_current(&f->ui), 0);
	/* relabel a1: it no longer passes, but the queue is not rebuilt */
	assert_int_equal(run(f, "label-key 2"), CMD_OK);
	assert_string_equal(label_of(f, 0), "access");
	assert_false(pane_data_filter_match(&f->ui, 0));
	assert_string_equal(describe(f), "2 of 4 · queue file · filtered");
	assert_int_equal(label_queue_current(&f->ui), 2);
	assert_int_equal(run(f, "label-move prev"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 0);
	/* a new filter rebuilds it; the record on screen keeps the cursor */
	set_filter(f, "label=access");
	assert_string_equal(describe(f), "1 of 4 · queue file · filtered");
	assert_int_equal(label_queue_current(&f->ui), 0);
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 1);
	set_filter(f, "");
	assert_string_equal(describe(f), "2 of 8 · queue file");
	assert_int_equal(label_queue_current(&f->ui), 1);
}

/* One cursor: the label pane's record is the data pane's, in its sort. */
static void test_one_cursor(void **state)
{
	struct fixture *f = *state;
	int m[4];

	pane_data_move(&f->ui, PANE_MOVE_DOWN);
	pane_data_move(&f->ui, PANE_MOVE_DOWN);
	assert_int_equal(label_queue_current(&f->ui), 2);
	assert_string_equal(describe(f), "3 of 8 · queue file");
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(pane_data_current(&f->ui), 3);
	/* the queue follows the data pane's sort */
	pane_data_set_sort(&f->ui, UI_SORT_FILE, true);
	assert_int_equal(label_queue_current(&f->ui), 3);
	assert_string_equal(describe(f), "5 of 8 · queue file");
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(pane_data_current(&f->ui), 2);
	/* unlabeled first (a5), each part in the data pane's order */
	assert_int_equal(run(f, "queue unlabeled"), CMD_OK);
	assert_int_equal(pane_data_current(&f->ui), 4);
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(pane_data_current(&f->ui), 7);
	/* label-as: a name, a prefix, letters inside; no match and two matches fail */
	assert_int_equal(run(f, "label-as bil"), CMD_OK);
	assert_string_equal(label_of(f, 7), "billing");
	assert_int_equal(pane_data_current(&f->ui), 6);
	assert_int_equal(run(f, "label-as cce"), CMD_OK);
	assert_string_equal(label_of(f, 6), "access");
	assert_int_equal(run(f, "label-as zzz"), CMD_ERROR);
	assert_non_null(strstr(f->out.data, "no label matches 'zzz'"));
	snprintf(f->ui.pick.text, sizeof f->ui.pick.text, "%s", "i");
	assert_int_equal(label_pick_matches(&f->ui, m, 4), 1);
	snprintf(f->ui.pick.text, sizeof f->ui.pick.text, "%s", "");
	assert_int_equal(label_pick_matches(&f->ui, m, 4), 2);
}

/* Predictions for the 8 records, published at step. */
static void set_preds(struct fixture *f, uint64_t step, const float *entropy)
{
	struct trainer_predictions *p = &f->ui.train.preds;

	trainer_predictions_fini(p);
	p->step = step;
	p->n = 8;
	p->src = tt_xmalloc(8 * sizeof *p->src);
	p->label = tt_xcalloc(8, sizeof *p->label);
	p->conf = tt_xcalloc(8, sizeof *p->conf);
	p->margin = tt_xmalloc(8 * sizeof *p->margin);
	p->entropy = tt_xmalloc(8 * sizeof *p->entropy);
	for (uint32_t i = 0; i < 8; i++) {
		p->src[i] = i;
		p->entropy[i] = entropy[i];
		p->margin[i] = 1.0f - entropy[i];	/* the same ranking, reversed */
	}
}

static void test_queue_entropy_refresh(void **state)
{
	struct fixture *f = *state;
	static const float first[8] = { 0.1f, 0.9f, 0.3f, 0.8f, 0.5f, 0.2f, 0.7f, 0.4f };
	static const float second[8] = { 0.9f, 0.1f, 0.2f, 0.3f, 0.8f, 0.4f, 0.5f, 0.6f };
	static const long back[] = { 7, 4, 6, 3, 1, 0 };

	assert_int_equal(run(f, "queue entropy"), CMD_OK);
	assert_non_null(strstr(f->out.data, "no predictions yet"));
	assert_int_equal(label_queue_current(&f->ui), 0);	/* file order until they come */
	/* predictions: the record on screen stays, the rest by entropy: 1 3 6 4 7 2 5 */
	set_preds(f, 10, first);
	assert_int_equal(label_queue_current(&f->ui), 0);
	assert_string_equal(describe(f), "1 of 8 · queue entropy");
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 1);
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 3);
	/* a label edit does not re-rank: the next record is cursor + 1 */
	assert_int_equal(run(f, "label-key 1"), CMD_OK);
	assert_string_equal(label_of(f, 3), "billing");
	assert_int_equal(label_queue_current(&f->ui), 6);
	assert_string_equal(describe(f), "4 of 8 · queue entropy");
	/* new predictions: 0 1 3 6 seen, they stay; the rest re-ranked: 4 7 5 2 */
	set_preds(f, 20, second);
	assert_int_equal(label_queue_current(&f->ui), 6);
	assert_string_equal(describe(f), "4 of 8 · queue entropy");
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 4);
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 7);
	assert_int_equal(run(f, "label-move next"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 5);
	for (size_t k = 0; k < sizeof back / sizeof back[0]; k++) {	/* back the same way */
		assert_int_equal(run(f, "label-move prev"), CMD_OK);
		assert_int_equal(label_queue_current(&f->ui), back[k]);
	}
	/* margin (least-confident): a new order, all of it ranked: 1 - entropy */
	assert_int_equal(run(f, "queue least-confident"), CMD_OK);
	assert_string_equal(describe(f), "1 of 8 · queue margin");
	assert_int_equal(label_queue_current(&f->ui), 0);
	run(f, "label-move next");
	assert_int_equal(label_queue_current(&f->ui), 4);
	assert_int_equal(run(f, "queue sideways"), CMD_ERROR);
	assert_int_equal(run(f, "queue file 3"), CMD_ERROR);
}

static void test_session_round_trip(void **state)
{
	struct fixture *f = *state;
	struct session s;
	long rec;

	session_init(&s);
	assert_int_equal(run(f, "queue random 7"), CMD_OK);
	run(f, "label-move next");
	run(f, "label-move next");
	run(f, "label-move next");
	rec = label_queue_current(&f->ui);
	assert_true(rec >= 0);
	label_queue_session_store(&f->ui, &s);
	assert_string_equal(s.ui[SESSION_UI_QUEUE], "random 7");
	assert_int_equal(strtol(s.ui[SESSION_UI_LABEL_CURSOR], NULL, 10), rec);
	/* somewhere else entirely, then back */
	assert_int_equal(run(f, "queue random 9"), CMD_OK);
	label_queue_session_apply(&f->ui, &s);
	assert_string_equal(describe(f), "4 of 8 · queue random 7");
	assert_int_equal(label_queue_current(&f->ui), rec);
	/* the record, not the position: under a filter it is found where it is */
	session_ui_set(&s, SESSION_UI_QUEUE, "file");
	session_ui_set(&s, SESSION_UI_LABEL_CURSOR, "6");
	set_filter(f, "label=billing");
	label_queue_session_apply(&f->ui, &s);
	assert_string_equal(describe(f), "4 of 4 · queue file · filtered");
	assert_int_equal(label_queue_current(&f->ui), 6);
	/* a record the list does not hold: the one cursor stays; a bad order: ignored */
	session_ui_set(&s, SESSION_UI_QUEUE, "sideways");
	session_ui_set(&s, SESSION_UI_LABEL_CURSOR, "1");
	label_queue_session_apply(&f->ui, &s);
	assert_string_equal(describe(f), "4 of 4 · queue file · filtered");
	assert_int_equal(label_queue_current(&f->ui), 6);
	session_fini(&s);
}

/* Load a session whose ui has queue: VALUE; 0, or -1 with err. */
static int load_queue(struct fixture *f, const char *value, struct tt_err *err)
{
	char path[160];
	struct session s;
	struct cfg cfg;
	FILE *fp;
	int rc;

	snprintf(path, sizeof path, "%s/s.yaml", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "name: t\ndata: small.jsonl\nui:\n  queue: %s\n  label_cursor: 3\n", value);
	assert_int_equal(fclose(fp), 0);
	cfg_init(&cfg);
	session_init(&s);
	tt_err_clear(err);
	rc = session_load(&s, path, &cfg, err);
	if (rc == 0)
		assert_string_equal(s.ui[SESSION_UI_QUEUE], value);
	session_fini(&s);
	cfg_fini(&cfg);
	return rc;
}

static void test_session_validation(void **state)
{
	struct fixture *f = *state;
	static const char *const good[] = { "file", "unlabeled", "margin", "least-confident",
					    "entropy", "random", "random 42",
					    "random 18446744073709551615", "uncertain",
					    "disagreements" };
	static const char *const bad[] = { "sideways", "entropy 3", "random x", "random 4x",
					   "random -1", "random 18446744073709551616",
					   "uncertain 3" };
	struct tt_err err;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (load_queue(f, good[i], &err) != 0)
			fail_msg("queue '%s' rejected: %s", good[i], err.msg);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (load_queue(f, bad[i], &err) == 0)
			fail_msg("queue '%s' accepted", bad[i]);
		assert_int_equal(err.line, 4);
		assert_int_equal(err.col, 10);
		assert_non_null(strstr(err.msg, "ui queue"));
	}
}

static const char *frame(struct fixture *f)
{
	return screen_frame(&f->ui, &f->text);
}

static void assert_shows(struct fixture *f, const char *what)
{
	screen_assert_shows(&f->ui, &f->text, what);
}

static void test_add_label(void **state)
{
	struct fixture *f = *state;
	char *const *names;
	char key[16];
	int n;

	assert_int_equal(run(f, "add-label refund - customer wants money back"), CMD_OK);
	assert_non_null(strstr(f->out.data, "refund added on key 3"));
	names = label_names(&f->app, &n);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "billing");
	assert_string_equal(names[2], "refund");
	label_key_of(&f->app, 2, key, sizeof key);
	assert_string_equal(key, "3");
	assert_string_equal(label_description(&f->app, 2), "customer wants money back");
	assert_null(label_description(&f->app, 0));
	/* the session keeps every label, so `session save` writes them all */
	assert_int_equal(f->app.session->nlabels, 3);
	assert_string_equal(f->app.session->labels[1].name, "access");
	/* refused: a name twice, a bad name, a key in use, not a key */
	assert_int_equal(run(f, "add-label refund"), CMD_ERROR);
	assert_non_null(strstr(f->out.data, "already a label (key 3)"));
	assert_int_equal(run(f, "add-label bad,name"), CMD_ERROR);
	assert_int_equal(run(f, "add-label other a"), CMD_ERROR);
	assert_non_null(strstr(f->out.data, "runs 'label-accept'"));
	assert_int_equal(run(f, "add-label other 3"), CMD_ERROR);
	assert_int_equal(run(f, "add-label other wants money"), CMD_ERROR);
	assert_int_equal(label_names(&f->app, &n) != NULL && n == 3, 1);
	/* a key of one's own, bound at once; labeling with it is an edit */
	assert_int_equal(run(f, "add-label escalation w"), CMD_OK);
	assert_string_equal(keys_get(f->ui.keys, "label", "w"), "label-key w");
	assert_int_equal(label_queue_current(&f->ui), 0);
	assert_int_equal(run(f, "label-key w"), CMD_OK);
	assert_string_equal(label_of(f, 0), "escalation");
	assert_true(label_queue_saved(&f->ui, 0));
	assert_false(label_queue_saved(&f->ui, 1));
	assert_int_equal(label_queue_current(&f->ui), 1);
	/* ? over the label pane: the schema with keys and guidelines first */
	assert_int_equal(ui_set_layout(&f->ui, LAYOUT_LABELING), 0);
	assert_int_equal(ui_set_focus(&f->ui, PANE_LABEL), 0);
	assert_shows(f, "w escalation");
	f->ui.overlay = true;
	assert_shows(f, "labels: key, name, guideline");
	assert_shows(f, "3  refund      customer wants money back");
	assert_shows(f, "1  billing     (no guideline)");
	assert_shows(f, "label-accept");
	assert_true(strstr(frame(f), "label-key 1") == NULL);
}

/* The journal has the add-label's label: the edit went through cmd_edit_apply. */
static void test_add_label_journaled(void **state)
{
	struct fixture *f = *state;
	char path[160], line[4096];
	FILE *fp;
	int found = 0;

	assert_int_equal(run(f, "add-label escalation"), CMD_OK);
	assert_int_equal(run(f, "label-key 3"), CMD_OK);
	snprintf(path, sizeof path, "%s.journal", f->data);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL)
		found += strstr(line, "\"escalation\"") != NULL;
	fclose(fp);
	assert_int_equal(found, 1);
}

/*
 * Two annotators disagree on a2: the disagreements queue starts there, the
 * label pane shows every answer and who gave it, and the label given there
 * is journaled as an adjudication with those answers.
 */
/* The journal's last line into last. */
static void last_journal_line(struct fixture *f, char *last, size_t n)
{
	char path[160], line[4096];
	FILE *fp;

	snprintf(path, sizeof path, "%s.journal", f->data);
	fp = fopen(path, "r");
	assert_non_null(fp);
	last[0] = '\0';
	while (fgets(line, sizeof line, fp) != NULL)
		snprintf(last, n, "%s", line);
	fclose(fp);
}

static void test_disagreements(void **state)
{
	struct fixture *f = *state;
	char last[4096];

	assert_int_equal(run(f, "set annotator ana"), CMD_OK);
	assert_int_equal(run(f, "label a1 billing"), CMD_OK);
	assert_int_equal(run(f, "label a2 access"), CMD_OK);
	assert_int_equal(run(f, "set annotator bob"), CMD_OK);
	assert_int_equal(run(f, "label a1 billing"), CMD_OK);
	assert_int_equal(run(f, "label a2 billing"), CMD_OK);
	assert_int_equal(run(f, "set annotator lead"), CMD_OK);
	assert_int_equal(run(f, "queue disagreements"), CMD_OK);
	assert_non_null(strstr(f->out.data, "1 records to adjudicate first"));
	assert_int_equal(label_queue_current(&f->ui), 1);
	assert_int_equal(ui_set_layout(&f->ui, LAYOUT_LABELING), 0);
	assert_shows(f, "answers (disagree): ana access · bob billing");
	assert_int_equal(run(f, "label-as access"), CMD_OK);
	last_journal_line(f, last, sizeof last);
	assert_non_null(strstr(last, "\"annotator\":\"lead\",\"id\":\"a2\""));
	assert_non_null(strstr(last, "\"adjudicates\":[{\"annotator\":\"ana\",\"label\":[\"access\"]},"
				     "{\"annotator\":\"bob\",\"label\":[\"billing\"]}]"));
	/* back on a2: settled now */
	assert_int_equal(run(f, "label-move prev"), CMD_OK);
	assert_int_equal(label_queue_current(&f->ui), 1);
	assert_shows(f, "ana access · bob billing · adjudicated");
	/* outside the disagreements queue a label from the pane is an answer */
	assert_int_equal(run(f, "queue file"), CMD_OK);
	assert_int_equal(run(f, "label-move first"), CMD_OK);
	assert_int_equal(run(f, "label-as access"), CMD_OK);
	last_journal_line(f, last, sizeof last);
	assert_non_null(strstr(last, "\"annotator\":\"lead\",\"id\":\"a1\""));
	assert_null(strstr(last, "adjudicates"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_unlabeled),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_uncertain_without_preds),
		cmocka_unit_test(test_sort_subset),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_queue_follows_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_entropy_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_label_journaled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disagreements, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
