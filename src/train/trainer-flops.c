/*
 * trainer-flops.c - what the status bar needs for GFLOP/s and MFU of a gpt
 * run: the FLOPs of one trained token (flops.h) and this machine's sgemm
 * peak at the run's thread count, measured on the trainer thread (once per
 * thread count and cached on disk by flops_peak, so a start pays it once
 * per machine, never the UI). Published with every snapshot.
 */
#include "tunetop/flops.h"
#include "tunetop/model-gpt.h"
#include "trainer-impl.h"

void trainer_gpt_flops(struct trainer *t)
{
	struct gpt *g = t->model != NULL ? model_gpt_get(t->model) : NULL;
	uint32_t T;
	char note[512];

	if (g == NULL)
		return;
	T = t->hp.context < g->cfg.ctx ? t->hp.context : g->cfg.ctx;
	t->flops_per_token = flops_gpt_token(&g->cfg, T, g->cfg.nlabels == 0);
	if (t->peak_threads == t->hp.threads)
		return;
	t->peak_gflops = flops_peak(note, sizeof note);
	t->peak_threads = t->hp.threads;
	if (note[0] != '\0')
		trainer_notice(t, 0, "%s", note);
}

/*
 * A run doing more GFLOP/s than the sgemm peak shows the peak was measured
 * while other work loaded the machine (MFU would read over 100%): measure it
 * again, between two rounds so the run's own work is not in the way, and
 * keep the larger figure. Once per trainer: a second low reading would only
 * say the machine is still busy.
 */
void trainer_gpt_peak_check(struct trainer *t)
{
	double achieved = t->flops_per_token * t->tokens_per_sec / 1e9;
	double was = t->peak_gflops;

	if (t->peak_rechecked || t->flops_per_token <= 0 || was <= 0 || !(achieved > was))
		return;
	t->peak_rechecked = true;
	t->peak_gflops = flops_peak_remeasure(was);
	trainer_notice(t, 0, "sgemm peak measured again: %.1f GFLOP/s (was %.1f, below this "
		       "run's %.1f GFLOP/s: measured on a busy machine)", t->peak_gflops, was,
		       achieved);
}
