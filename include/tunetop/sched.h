/*
 * sched.h - learning-rate schedules as a multiplier of the base lr.
 *
 * lr(step) = base_lr * sched_factor(kind, step, total, warmup). Because the
 * schedule is a factor, a live change of lr rescales the rest of the
 * schedule: after `set lr 0.2` at step s, the run continues on the same
 * shape (same decay position) with 0.2 as its peak.
 */
#ifndef TUNETOP_SCHED_H
#define TUNETOP_SCHED_H

#include <stdint.h>

enum sched_kind {
	SCHED_CONSTANT,
	SCHED_LINEAR,   /* warmup, then linear decay to 0 at total (fastText) */
	SCHED_COSINE,   /* warmup, then half-cosine to 0 at total */
	SCHED_STEP,     /* warmup, then x0.1 at 50% and again at 75% of total */
};

int sched_parse(const char *name, enum sched_kind *out);

/* Factor in [0, 1] for step (0-based) of total steps. */
double sched_factor(enum sched_kind kind, uint64_t step, uint64_t total, uint64_t warmup);

#endif
