/*
 * test-pane-sort.c - the data pane's radix sort checked against a plain
 * comparison of every neighbouring pair, on 5,000 generated records whose
 * ids and texts share long prefixes (so the string sort recurses), repeat,
 * are prefixes of each other and hold UTF-8; every column both ways, with
 * missing values last and ties in file order; a filter and an edited text.
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
#include "tunetop/pane.h"
#include "tunetop/ui.h"

enum { NREC = 5000 };

struct fixture {
	struct app app;
	struct ui ui;
	char dir[64];
	char path[96];
};

static uint64_t rng = 88172645463325252ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Texts made to tie on their first 8, 16 and more bytes, or in full. */
static void write_text(FILE *f, int i)
{
	static const char *const heads[] = {
		"How do I ", "How do I change ", "Hi", "Hi, ", "Straße ", "Ärger mit ", "zzz", ""
	};
	static const char *const words[] = { "invoice", "refund", "login", "a", "ab", "abc" };
	int k, n = (int)(next_rand() % 4);

	fprintf(f, "\"%s", heads[next_rand() % 8]);
	for (k = 0; k < n; k++)
		fprintf(f, "%s%s", k ? " " : "", words[next_rand() % 6]);
	if (i % 7 == 0)
		fprintf(f, " %d", (int)(next_rand() % 50));
	fputc('"', f);
}

static int setup(void **state)
{
	struct fixture *f = tt_xcalloc(1, sizeof *f);
	static const char *const labels[] = { "billing", "access", "bug", "Zeta", "ärger" };
	struct tt_err err;
	FILE *out;
	int i;

	snprintf(f->dir, sizeof f->dir, "/tmp/tunetop-sort.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/data.jsonl", f->dir);
	out = fopen(f->path, "w");
	if (out == NULL)
		return -1;
	for (i = 0; i < NREC; i++) {
		uint32_t r = next_rand();

		fprintf(out, "{");
		if (r % 10 != 0)	/* a tenth have no id: they sort by number */
			fprintf(out, "\"id\": \"customer-ticket-%05u\", ", next_rand() % 20000);
		fprintf(out, "\"text\": ");
		write_text(out, i);
		if (r % 6 == 0)
			fprintf(out, ", \"label\": null}\n");
		else
			fprintf(out, ", \"label\": \"%s\"}\n", labels[r % 5]);
	}
	fclose(out);
	app_init(&f->app);
	tt_err_clear(&err);
	if (app_load_data(&f->app, f->path, NULL, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	ui_state_init(&f->ui, &f->app, 100, 30, false);
	f->app.ui = &f->ui;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	f->app.ui = NULL;
	ui_state_fini(&f->ui);
	app_fini(&f->app);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The reference: bytes then length, as the pane documents it. */
static int cmp_bytes(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	return c != 0 ? c : (la > lb) - (la < lb);
}

/*
 * Compare records x and y as the sort column does, ignoring direction:
 * *missing_x / *missing_y say whether each has no value.
 */
static int ref_value_cmp(const struct fixture *f, enum ui_sort col, uint32_t x, uint32_t y,
			 bool *mx, bool *my)
{
	const struct dataset *ds = &f->app.ds;
	const struct ds_record *a = &ds->recs[x], *b = &ds->recs[y];

	*mx = *my = false;
	switch (col) {
	case UI_SORT_ID:
		if ((a->id == NULL) != (b->id == NULL))
			return a->id == NULL ? -1 : 1;
		if (a->id == NULL)
			return (x > y) - (x < y);
		return cmp_bytes(a->id, a->id_len, b->id, b->id_len);
	case UI_SORT_LABEL:
		*mx = a->label == DS_NO_LABEL;
		*my = b->label == DS_NO_LABEL;
		if (*mx || *my)
			return 0;
		return strcmp(ds->labels.names[a->label], ds->labels.names[b->label]);
	case UI_SORT_TEXT:
		return cmp_bytes(a->text, a->text_len, b->text, b->text_len);
	case UI_SORT_LENGTH:
		return (a->text_len > b->text_len) - (a->text_len < b->text_len);
	case UI_SORT_FLAGS:
		return ((a->flags & DS_FLAG_DIRTY) > (b->flags & DS_FLAG_DIRTY)) -
		       ((a->flags & DS_FLAG_DIRTY) < (b->flags & DS_FLAG_DIRTY));
	default:		/* file */
		return (x > y) - (x < y);
	}
}

/* Every neighbouring pair of the list is in order; returns the pairs that are not. */
static int out_of_order(const struct fixture *f, enum ui_sort col, bool desc)
{
	const struct ui_data_view *v = &f->ui.data;
	int bad = 0;
	size_t k;

	for (k = 1; k < v->n; k++) {
		uint32_t x = v->idx[k - 1], y = v->idx[k];
		bool mx, my;
		int c = ref_value_cmp(f, col, x, y, &mx, &my);

		if (mx != my)
			c = mx ? 1 : -1;	/* missing last, both ways */
		else if (mx)
			c = 0;
		else if (desc)
			c = -c;
		if (c > 0 || (c == 0 && x > y)) {	/* ties keep file order */
			if (bad++ < 3)
				print_message("%s %s: record %u before %u at %zu\n",
					      pane_data_sort_name(col), desc ? "desc" : "asc", x, y, k);
		}
	}
	return bad;
}

static void check_all_columns(struct fixture *f, size_t expect_n)
{
	static const enum ui_sort cols[] = { UI_SORT_FILE, UI_SORT_ID, UI_SORT_LABEL,
					     UI_SORT_TEXT, UI_SORT_LENGTH, UI_SORT_FLAGS };
	size_t c;
	int desc;

	for (c = 0; c < sizeof cols / sizeof cols[0]; c++) {
		for (desc = 0; desc < 2; desc++) {
			pane_data_set_sort(&f->ui, cols[c], desc);
			assert_int_equal(f->ui.data.n, expect_n);
			assert_int_equal(out_of_order(f, cols[c], desc), 0);
		}
	}
}

static void test_every_column_both_ways(void **state)
{
	struct fixture *f = *state;

	check_all_columns(f, NREC);
}

static void test_sorted_within_a_filter(void **state)
{
	struct fixture *f = *state;
	struct tt_err err;
	size_t n;

	tt_err_clear(&err);
	assert_int_equal(pane_data_set_filter(&f->ui, "text~/^(How|Hi)/", &err), 0);
	n = f->ui.data.n;
	assert_true(n > 500 && n < NREC);
	check_all_columns(f, n);
}

/* A text edited after the ranks were built: the next text sort sees it. */
static void test_edited_text_resorts(void **state)
{
	struct fixture *f = *state;
	json_t *v = json_string("\xf0\x9f\x98\x80 after every other text");

	pane_data_set_sort(&f->ui, UI_SORT_TEXT, false);
	assert_int_equal(edit_set(&f->app.ds, 0, EDIT_F_TEXT, v, NULL), 1);
	json_decref(v);
	pane_data_set_sort(&f->ui, UI_SORT_FILE, false);
	pane_data_set_sort(&f->ui, UI_SORT_TEXT, false);
	assert_int_equal(out_of_order(f, UI_SORT_TEXT, false), 0);
	assert_int_equal(f->ui.data.idx[NREC - 1], 0);	/* 0xf0 sorts after ASCII */
	pane_data_set_sort(&f->ui, UI_SORT_FLAGS, true);	/* the edited record is dirty */
	assert_int_equal(f->ui.data.idx[0], 0);
}

/*
 * Ids and texts ranked on the worker thread (every dataset, for the test):
 * editing a text waits for it and makes the text ranks stale; loading
 * another dataset waits for it too. ASan and TSan watch this.
 */
static void test_ranked_on_a_worker(void **state)
{
	struct fixture *f = *state;
	json_t *v = json_string("\xf0\x9f\x98\x80 edited while the worker ranks");
	struct tt_err err;

	pane_sort_bg_min = 0;
	pane_data_refresh(&f->ui);
	assert_non_null(f->ui.data.sc.bg);
	assert_non_null(f->app.ds.text_reader_stop);
	assert_int_equal(edit_set(&f->app.ds, 1, EDIT_F_TEXT, v, NULL), 1);	/* waits */
	assert_null(f->ui.data.sc.bg);
	assert_null(f->app.ds.text_reader_stop);
	assert_int_equal(edit_set(&f->app.ds, 1, EDIT_F_TEXT, v, NULL), 0);
	json_decref(v);
	pane_data_set_sort(&f->ui, UI_SORT_ID, false);	/* the worker's id ranks */
	assert_int_equal(out_of_order(f, UI_SORT_ID, false), 0);
	pane_data_set_sort(&f->ui, UI_SORT_TEXT, true);	/* stale text ranks: redone */
	assert_int_equal(out_of_order(f, UI_SORT_TEXT, true), 0);
	assert_int_equal(f->ui.data.idx[0], 1);
	/* A new dataset while a worker ranks the old one. */
	tt_err_clear(&err);
	assert_int_equal(app_load_data(&f->app, f->path, NULL, &err), 0);
	pane_data_refresh(&f->ui);		/* the new data: a worker again */
	assert_non_null(f->ui.data.sc.bg);
	assert_int_equal(app_load_data(&f->app, f->path, NULL, &err), 0);
	assert_null(f->ui.data.sc.bg);		/* waited for before the old data went */
	pane_data_set_sort(&f->ui, UI_SORT_TEXT, false);
	assert_int_equal(f->ui.data.n, NREC);
	assert_int_equal(out_of_order(f, UI_SORT_TEXT, false), 0);
	pane_sort_bg_min = 100000;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_column_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_within_a_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edited_text_resorts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranked_on_a_worker, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
