/*
 * sched.c - learning-rate schedules. See sched.h.
 */
#include "tunetop/sched.h"

#include <math.h>
#include <string.h>

static const char *sched_names[] = { "constant", "linear", "cosine", "step" };

int sched_parse(const char *name, enum sched_kind *out)
{
	for (int i = 0; i < 4; i++) {
		if (strcmp(name, sched_names[i]) == 0) {
			*out = (enum sched_kind)i;
			return 0;
		}
	}
	return -1;
}

double sched_factor(enum sched_kind kind, uint64_t step, uint64_t total, uint64_t warmup)
{
	double t;

	if (kind == SCHED_CONSTANT)
		return warmup > 0 && step < warmup ? (double)(step + 1) / (double)warmup : 1.0;
	if (warmup > 0 && step < warmup)
		return (double)(step + 1) / (double)warmup;
	if (total <= warmup)
		return 1.0;
	t = (double)(step - warmup) / (double)(total - warmup);
	if (t > 1.0)
		t = 1.0;
	switch (kind) {
	case SCHED_LINEAR:
		return 1.0 - t;
	case SCHED_COSINE:
		return 0.5 * (1.0 + cos(M_PI * t));
	case SCHED_STEP:
		return t < 0.5 ? 1.0 : t < 0.75 ? 0.1 : 0.01;
	default:
		return 1.0;
	}
}
