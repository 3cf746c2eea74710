/*
 * app-flops.h - the speed of a transformer run as a person reads it: tokens/s,
 * GFLOP/s and model FLOP utilization from the trainer's snapshot (no work
 * beyond a multiplication: the trainer publishes FLOPs per token and the
 * sgemm peak), and before a run an estimate of its duration from the same
 * peak (flops.h). Shared by the status bar and the `status` command.
 */
#ifndef TUNETOP_APP_FLOPS_H
#define TUNETOP_APP_FLOPS_H

#include <stdbool.h>
#include <stddef.h>

#include "tunetop/app.h"
#include "tunetop/trainer.h"

/* Before any measurement of this machine, the MFU an estimate assumes. */
#define APP_FLOPS_MFU_GUESS 0.15

/*
 * GFLOP/s and MFU (0..1) of a gpt run's snapshot; false when it has no
 * FLOP count (the n-gram model) or no throughput yet. The MFU is
 * remembered in a->flops.last_mfu for the next estimate (a may be NULL).
 */
bool app_flops_of(struct app *a, const struct trainer_snapshot *s, double *gflops, double *mfu);

/*
 * The estimated seconds of the run the options describe (model gpt), or
 * -1 when there is none to estimate (another model, no data, an init file
 * that cannot be read or over 64 MB). *basis (may be NULL) says how:
 * "at 45.2 GFLOP/s peak x MFU 15% (a guess)". The sgemm peak is read from
 * its cache, measured once per process when missing (a fraction of a
 * second); the rest is recomputed at most once a second.
 */
double app_run_estimate(struct app *a, char *basis, size_t basis_len);

/* "1:23", "1:02:03" or "-" (negative or not finite). */
void app_fmt_duration(double s, char *out, size_t n);

#endif
