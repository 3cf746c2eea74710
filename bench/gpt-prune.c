/*
 * gpt-prune.c - what magnitude pruning (gpt-prune.h) costs on a GPT-2 124M
 * shape with its initial weights: the time to prune to 50%, 70% and 90%
 * (per matrix and global), the sparsity reached, and the per-step cost of
 * keeping it while fine-tuning (gpt_prune_mask_grads + gpt_prune_apply)
 * against one AdamW update of the whole model (the fastest of 3 after a
 * warm-up; the masks: the fastest of 5). Built with the benchmarks
 * against build/libtunetop.a; run by hand or from bench/run.sh:
 *
 *   gpt-prune [--preset gpt2-124m|gpt-small|gpt-tiny] [--threads N]
 *
 * The accuracy after pruning needs a trained classifier and the trainer's
 * GPT support; this measures the mechanics only.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tunetop/gpt-prune.h"
#include "tunetop/gpt.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *preset = "gpt2-124m";
	const float targets[] = { 0.5f, 0.7f, 0.9f };
	struct gpt_config c;
	struct tt_err err;
	struct gpt *g;
	struct gpt_adamw opt;
	float *init;
	double t0, adam_ms;
	int threads = 2;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--preset") == 0 && i + 1 < argc)
			preset = argv[++i];
		else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			threads = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: gpt-prune [--preset NAME] [--threads N]\n");
			return 2;
		}
	}
	openblas_set_num_threads(threads);
	if (gpt_config_preset(preset, &c) != 0) {
		fprintf(stderr, "gpt-prune: unknown preset %s\n", preset);
		return 2;
	}
	c.nlabels = 3;
	if ((g = gpt_create(&c, 1, &err)) == NULL) {
		fprintf(stderr, "gpt-prune: %s\n", err.msg);
		return 1;
	}
	init = malloc(g->nparams * sizeof *init);
	memcpy(init, g->params, g->nparams * sizeof *init);
	gpt_adamw_init(&opt, g);
	gpt_zero_grad(g);
	/* The first step touches the moments' pages: warm up, then the fastest of 3. */
	gpt_adamw_step(&opt, g, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f);
	adam_ms = 1e30;
	for (int r = 0; r < 3; r++) {
		t0 = now_ms();
		gpt_adamw_step(&opt, g, 1e-4f, 0.9f, 0.999f, 1e-8f, 0.01f);
		adam_ms = fmin(adam_ms, now_ms() - t0);
	}
	printf("%s: %zu parameters; one AdamW update of all of them: %.1f ms\n", preset,
	       g->nparams, adam_ms);
	printf("scope\ttarget\tpruned\tof\treached\tprune_ms\tmask_per_step_ms\tmask_vs_adamw\n");
	for (int scope = 0; scope <= 1; scope++) {
		for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
			struct gpt_prune p;
			double prune_ms, mask_ms;

			memcpy(g->params, init, g->nparams * sizeof *init);
			t0 = now_ms();
			if (gpt_prune_magnitude(g, targets[t], (enum gpt_prune_scope)scope, &p,
						&err) != 0) {
				fprintf(stderr, "gpt-prune: %s\n", err.msg);
				return 1;
			}
			prune_ms = now_ms() - t0;
			mask_ms = 1e30;
			for (int r = 0; r < 5; r++) {	/* the fastest of 5 */
				t0 = now_ms();
				gpt_prune_mask_grads(&p, g);
				gpt_prune_apply(&p, g);
				mask_ms = fmin(mask_ms, now_ms() - t0);
			}
			printf("%s\t%.2f\t%zu\t%zu\t%.6f\t%.1f\t%.1f\t%.3f\n",
			       gpt_prune_scope_name((enum gpt_prune_scope)scope), (double)targets[t],
			       p.pruned, p.total, gpt_prune_measure(&p, g), prune_ms, mask_ms,
			       mask_ms / adam_ms);
			gpt_prune_fini(&p);
		}
	}
	gpt_adamw_free(&opt);
	free(init);
	gpt_destroy(g);
	return 0;
}
