/*
 * flops.h - this machine's sgemm peak (measured once, cached), the FLOPs of
 * a GPT training step, model FLOP utilization and a run's estimated
 * duration: what the status bar shows beside tokens/s.
 */
#ifndef TUNETOP_FLOPS_H
#define TUNETOP_FLOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "tunetop/gpt.h"
#include "tunetop/util.h"

/*
 * FLOPs of one training step (forward and backward) over `tokens` tokens:
 * 6 x parameters x tokens (2 forward, 4 backward per weight and token) plus
 * attention's 12 x layers x context x dim per token (QK^T and AV, forward
 * and backward), as bench/gpt-step.sh and PaLM's MFU count it. The AdamW
 * update and the elementwise kernels are not counted.
 */
double flops_gpt_step(const struct gpt_config *c, uint64_t tokens);

/*
 * FLOPs per trained token of a run with sequences of T tokens: for a
 * language model flops_gpt_step's count per token (6 x every parameter,
 * wte being the tied output layer, plus 12 x L x T x C); for a classifier
 * 6 x the parameters that take part in products (wte and wpe are only
 * looked up, and there is no output layer over the vocabulary) plus the
 * same attention term. What the status bar multiplies tokens/s by.
 */
double flops_gpt_token(const struct gpt_config *c, uint32_t T, bool lm);

/* Model FLOP utilization in [0, inf): flops / (seconds x peak); 0 if unknown. */
double flops_mfu(double flops_per_step, double step_seconds, double peak_gflops);

/*
 * Seconds `steps` steps take at `mfu` of `peak_gflops` (the last run's MFU,
 * or a guess such as 0.5 before any step); -1 when an input is unusable.
 */
double flops_estimate_seconds(double flops_per_step, uint64_t steps, double peak_gflops,
			      double mfu);

/* GFLOP/s of a 1024 x 1024 x 1024 sgemm with OpenBLAS's current thread
 * count: the best of 4 after a warm-up call (about 0.1 s on two cores). */
double flops_measure_peak(void);
/*
 * Measure the peak again at the current thread count and keep the larger of
 * that and old in the cache (a run that beats the cached peak proves it was
 * measured on a busy machine). Returns the figure kept.
 */
double flops_peak_remeasure(double old);

/*
 * The cache file: $XDG_CACHE_HOME/tunetop/sgemm-peak (else
 * ~/.cache/tunetop/sgemm-peak); NULL when neither variable is set. Heap.
 */
char *flops_cache_path(void);

/*
 * The cache holds one line per thread count, "threads N gflops G". Returns
 * 1 and *gflops for `threads`, 0 when the file does not exist or has no
 * line for it, -1 with file:line:column when the file is malformed.
 */
int flops_cache_read(const char *path, int threads, double *gflops, struct tt_err *err);
/* Set the line for `threads` (others kept if the file is well formed), atomically. */
int flops_cache_write(const char *path, int threads, double gflops, struct tt_err *err);

/*
 * The peak for OpenBLAS's current thread count: from the cache, else
 * measured and written to it. A cache written over six hours ago is
 * measured again and the larger of the two kept (a peak measured under
 * load is too low; load never makes one too high). A malformed cache is measured over and
 * replaced (*note says so, for a status line); a cache that cannot be
 * written only costs a measurement next time. Never fails.
 */
double flops_peak(char *note, size_t note_size);

#endif
