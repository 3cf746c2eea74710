/*
 * fixture-trainer.h - what the trainer's unit tests share: a small labeled
 * dataset whose three classes are told apart by their words, a trainer on
 * it, and a message sent and waited for (tests/unit/fixture-trainer.c,
 * linked into every unit test). Failures are cmocka assertions.
 */
#ifndef TUNETOP_FIXTURE_TRAINER_H
#define TUNETOP_FIXTURE_TRAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/trainer.h"

/*
 * n records in 3 classes (c0 billing, c1 account, c2 bug words), split
 * 80/10/10 with seed 1; long_text adds a fourth word to each text.
 */
void fixture_words(struct dataset *ds, int n, bool long_text);

/* A trainer over fixture_words(n, long_text) with options c; resume and
 * out_dir may be NULL. */
struct trainer *fixture_trainer(struct cfg *c, int n, bool long_text, const char *resume,
				const char *out_dir);

/* Send a message and wait for it to be handled; the reply goes to reply
 * (rn bytes) or nowhere when reply is NULL. The handler's status. */
int fixture_send_wait(struct trainer *t, enum trainer_msg_type type, const char *key,
		      const char *value, uint64_t n, char *reply, size_t rn);

#endif
