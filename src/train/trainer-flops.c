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
