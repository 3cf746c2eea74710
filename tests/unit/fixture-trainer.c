/*
 * fixture-trainer.c - the trainer tests' shared dataset and helpers
 * (fixture-trainer.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "fixture-trainer.h"
#include "tunetop/util.h"

void fixture_words(struct dataset *ds, int n, bool long_text)
{
	static const char *words[3][4] = {
		{ "invoice", "charged", "refund", "billing" },
		{ "password", "login", "locked", "account" },
		{ "crash", "error", "broken", "bug" },
	};
	struct tt_buf b;
	struct ds_options o;
	struct tt_err err;
	double r[3] = { 80, 10, 10 };

	tt_buf_init(&b);
	for (int i = 0; i < n; i++) {
		int c = i % 3;

		tt_buf_printf(&b, "{\"text\": \"my %s is %s again %d", words[c][i % 4],
			      words[c][(i / 4) % 4], i % 7);
		if (long_text)
			tt_buf_printf(&b, ", and the %s", words[c][(i / 2) % 4]);
		tt_buf_printf(&b, "\", \"label\": \"c%d\"}\n", c);
	}
	ds_options_default(&o);
	assert_int_equal(dataset_load_buffer(ds, "t.jsonl", b.data, b.len, &o, &err), 0);
	assert_int_equal(dataset_split(ds, r, 3, 1, false, &err), 0);
	tt_buf_fini(&b);
}

struct trainer *fixture_trainer(struct cfg *c, int n, bool long_text, const char *resume,
				const char *out_dir)
{
	struct dataset ds;
	struct trainer_setup s;
	struct tt_err err;
	struct trainer *t;

	fixture_words(&ds, n, long_text);
	memset(&s, 0, sizeof s);
	s.cfg = c;
	s.input = trainer_input_from_dataset(&ds);
	s.resume_from = resume;
	s.out_dir = out_dir;
	t = trainer_create(&s, &err);
	assert_non_null(t);
	dataset_fini(&ds);
	return t;
}

int fixture_send_wait(struct trainer *t, enum trainer_msg_type type, const char *key,
		      const char *value, uint64_t n, char *reply, size_t rn)
{
	char own[1024];

	return trainer_wait_handled(t, trainer_send(t, type, key, value, n, NULL),
				    reply != NULL ? reply : own, reply != NULL ? rn : sizeof own);
}
