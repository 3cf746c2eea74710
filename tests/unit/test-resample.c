/*
 * test-resample.c - class balance by resampling (resample.h): counts per
 * class after none, oversample and undersample on a constructed imbalanced
 * set (60/25/5 rows, one record with two labels); the same seed gives the
 * same rows, another seed other rows; the option's default is none in the
 * config and in every n-gram preset; and the trainer's epoch length
 * follows the resampled train split (oversample: classes x largest).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/preset.h"
#include "tunetop/resample.h"
#include "tunetop/trainer.h"
#include "tunetop/util.h"

enum { N = 90, NL = 3 };

/* Record r: class 0 for r < 60, 1 for r < 85, 2 after; record 61 also has label 2. */
struct fixture {
	uint32_t rows[N], label_off[N + 1], label_ids[N + 1];
};

static void make_fixture(struct fixture *f)
{
	uint32_t r, k = 0;

	for (r = 0; r < N; r++) {
		f->rows[r] = r;
		f->label_off[r] = k;
		f->label_ids[k++] = r < 60 ? 0 : r < 85 ? 1 : 2;
		if (r == 61)
			f->label_ids[k++] = 2;
	}
	f->label_off[N] = k;
}

static void count_classes(const struct fixture *f, const uint32_t *rows, size_t n, size_t *count)
{
	size_t i;

	memset(count, 0, NL * sizeof *count);
	for (i = 0; i < n; i++) {
		assert_true(rows[i] < N);
		count[f->label_ids[f->label_off[rows[i]]]]++;
	}
}

static void test_modes_counts(void **state)
{
	struct fixture f;
	size_t n, count[NL], i, seen[N];
	uint32_t *out;

	(void)state;
	make_fixture(&f);
	out = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, RESAMPLE_NONE, 1, &n);
	assert_int_equal(n, N);
	assert_memory_equal(out, f.rows, N * sizeof *out);
	free(out);

	out = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, RESAMPLE_OVER, 1, &n);
	assert_int_equal(n, 3 * 60);
	count_classes(&f, out, n, count);
	assert_int_equal(count[0], 60);
	assert_int_equal(count[1], 60);	/* 25 x 2 + 10 drawn */
	assert_int_equal(count[2], 60);	/* 5 x 12 */
	assert_memory_equal(out, f.rows, N * sizeof *out);	/* every given row first */
	memset(seen, 0, sizeof seen);
	for (i = 0; i < n; i++)
		seen[out[i]]++;
	for (i = 0; i < N; i++) {	/* class 1: 2 or 3 copies each; class 2: 12 each */
		if (i >= 60 && i < 85)
			assert_true(seen[i] == 2 || seen[i] == 3);
		else if (i >= 85)
			assert_int_equal(seen[i], 12);
		else
			assert_int_equal(seen[i], 1);
	}
	free(out);

	out = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, RESAMPLE_UNDER, 1, &n);
	assert_int_equal(n, 3 * 5);
	count_classes(&f, out, n, count);
	assert_int_equal(count[0], 5);
	assert_int_equal(count[1], 5);
	assert_int_equal(count[2], 5);
	for (i = 0; i + 1 < n; i++)	/* no row twice, record order */
		assert_true(out[i] < out[i + 1]);
	free(out);
}

static void test_deterministic(void **state)
{
	struct fixture f;
	size_t n1, n2, n3;
	uint32_t *a, *b, *c;
	int m;

	(void)state;
	make_fixture(&f);
	for (m = RESAMPLE_OVER; m <= RESAMPLE_UNDER; m++) {
		a = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, m, 42, &n1);
		b = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, m, 42, &n2);
		c = resample_rows(f.rows, N, f.label_ids, f.label_off, NL, m, 43, &n3);
		assert_int_equal(n1, n2);
		assert_int_equal(n1, n3);
		assert_memory_equal(a, b, n1 * sizeof *a);
		assert_true(memcmp(a, c, n1 * sizeof *a) != 0);	/* the seed matters */
		free(a);
		free(b);
		free(c);
	}
}

static void test_parse_and_defaults(void **state)
{
	enum resample_mode m;
	struct cfg c;
	size_t np, i;
	const struct preset *p = preset_table(&np);

	(void)state;
	assert_int_equal(resample_parse("oversample", &m), 0);
	assert_int_equal(m, RESAMPLE_OVER);
	assert_int_equal(resample_parse("undersample", &m), 0);
	assert_int_equal(m, RESAMPLE_UNDER);
	assert_int_equal(resample_parse("none", &m), 0);
	assert_int_equal(m, RESAMPLE_NONE);
	assert_int_equal(resample_parse("smote", &m), -1);
	cfg_init(&c);
	assert_string_equal(cfg_get_str(&c, "resample"), "none");
	assert_string_equal(cfg_get_str(&c, "class_weights"), "none");
	for (i = 0; i < np; i++) {
		struct tt_err err;

		assert_int_equal(preset_apply(&c, &p[i], &err), 0);
		assert_string_equal(cfg_get_str(&c, "resample"), "none");
	}
	cfg_fini(&c);
}

/* 200 records, 160 of class a and 40 of b, split 80/10/10. */
static struct trainer_input *make_input(void)
{
	struct tt_buf b;
	struct ds_options o;
	struct tt_err err;
	struct dataset ds;
	struct trainer_input *in;
	double r[3] = { 80, 10, 10 };
	int i;

	tt_buf_init(&b);
	for (i = 0; i < 200; i++)
		tt_buf_printf(&b, "{\"text\": \"record %d word w%d\", \"label\": \"%s\"}\n", i, i % 9,
			      i % 5 == 0 ? "b" : "a");
	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(&ds, "r.jsonl", b.data, b.len, &o, &err), 0);
	assert_int_equal(dataset_split(&ds, r, 3, 1, false, &err), 0);
	in = trainer_input_from_dataset(&ds);
	dataset_fini(&ds);
	tt_buf_fini(&b);
	return in;
}

/* The trainer's total steps (batch 1) for a resample mode: epochs x train rows. */
static uint64_t total_steps(const char *mode)
{
	struct cfg c;
	struct tt_err err;
	struct trainer_setup s;
	struct trainer_snapshot snap;
	struct trainer *t;
	char reply[256];
	uint64_t total;

	cfg_init(&c);
	assert_int_equal(cfg_set(&c, "threads", "1", &err), 0);
	assert_int_equal(cfg_set(&c, "dim", "8", &err), 0);
	assert_int_equal(cfg_set(&c, "buckets", "1000", &err), 0);
	assert_int_equal(cfg_set(&c, "epochs", "2", &err), 0);
	assert_int_equal(cfg_set(&c, "resample", mode, &err), 0);
	memset(&s, 0, sizeof s);
	s.cfg = &c;
	s.input = make_input();
	t = trainer_create(&s, &err);
	assert_non_null(t);
	assert_int_equal(trainer_wait_handled(t, trainer_send(t, TRAINER_STEP, NULL, NULL, 1, NULL),
					      reply, sizeof reply), 0);
	assert_int_equal(trainer_wait_stopped(t, 60), TRAINER_PAUSED);
	trainer_snapshot_get(t, &snap);
	total = snap.total_steps;
	trainer_snapshot_fini(&snap);
	trainer_destroy(t);
	cfg_fini(&c);
	return total;
}

static void test_trainer_epoch(void **state)
{
	struct trainer_input *in = make_input();
	size_t count[2] = { 0, 0 }, i;

	(void)state;
	for (i = 0; i < in->n; i++) {
		if (in->split[i] == DS_SPLIT_TRAIN)
			count[in->label_ids[in->label_off[i]]]++;
	}
	assert_true(count[0] != count[1] && count[0] > 0 && count[1] > 0);
	trainer_input_free(in);
	assert_int_equal(total_steps("none"), 2 * (count[0] + count[1]));
	assert_int_equal(total_steps("oversample"), 2 * 2 * (count[0] > count[1] ? count[0] : count[1]));
	assert_int_equal(total_steps("undersample"), 2 * 2 * (count[0] < count[1] ? count[0] : count[1]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes_counts),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_parse_and_defaults),
		cmocka_unit_test(test_trainer_epoch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
