/*
 * gpt-ckpt.c - one GPT training step (zero_grad, forward, backward, AdamW)
 * with and without gradient checkpointing, for bench/gpt-ckpt.sh; built
 * against build/libtunetop.a like bench/gpt-step.c.
 *
 *   gpt-ckpt [--checkpoint 0|1] [--vocab V --dim C --layers L --heads H]
 *            [--batch B] [--context T] [--steps S] [--warmup W] [--threads N]
 *            [--dropout-pct P]
 *
 * Prints one line: checkpoint flag, activation bytes (gpt_act_bytes: the
 * activation arena, the part checkpointing shrinks), ms per step (median
 * and fastest of S after W warm-up steps), peak RSS, last loss. Tokens are
 * fixed random ids (seed 1), targets the next token.
 *
 * --checkpoint 2 (paired): two models in one process, one with and one
 * without checkpointing, stepping in turn (off, on, off, on...), so both
 * see the same load; prints a line per model (rss_mb 0: the process holds
 * both) and "pair_ratio R", the median over steps of on / off of
 * neighbouring steps.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "tunetop/gpt.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long arg(int argc, char **argv, const char *name, long dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return dflt;
}

struct run {
	struct gpt *g;
	struct gpt_adamw opt;
	double *ms;
	float loss;
};

static int run_init(struct run *r, const struct gpt_config *cfg, int ckpt, uint32_t B,
		    uint32_t T, int steps)
{
	struct tt_err err;

	r->g = gpt_create(cfg, 1, &err);
	if (!r->g) {
		fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
		return -1;
	}
	gpt_set_checkpointing(r->g, ckpt);
	if (gpt_reserve(r->g, B, T, &err) < 0) {
		fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
		return -1;
	}
	gpt_adamw_init(&r->opt, r->g);
	r->ms = tt_xcalloc((size_t)steps + 1, sizeof *r->ms);
	return 0;
}

/* One training step; its time in ms, or a negative number on error. */
static double run_step(struct run *r, const int32_t *tokens, uint32_t B, uint32_t T, int i)
{
	struct tt_err err;
	double t0 = now_ms();

	gpt_set_training(r->g, true, (uint64_t)i);
	gpt_zero_grad(r->g);
	if (gpt_forward(r->g, tokens, tokens + 1, B, T, &r->loss, &err) < 0) {
		fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
		return -1.0;
	}
	gpt_backward(r->g);
	gpt_adamw_step(&r->opt, r->g, 3e-4f, 0.9f, 0.999f, 1e-8f, 0.01f);
	return now_ms() - t0;
}

static void run_report(struct run *r, int steps, double rss_mb)
{
	double *sorted = tt_xmalloc((size_t)steps * sizeof *sorted);

	memcpy(sorted, r->ms, (size_t)steps * sizeof *sorted);
	qsort(sorted, (size_t)steps, sizeof *sorted, cmp_double);
	printf("checkpoint %d act_mb %.1f ms %.1f ms_min %.1f rss_mb %.0f loss %.4f\n",
	       r->g->checkpoint, gpt_act_bytes(r->g) / 1048576.0, sorted[steps / 2], sorted[0],
	       rss_mb, r->loss);
	free(sorted);
}

static void run_free(struct run *r)
{
	gpt_adamw_free(&r->opt);
	free(r->ms);
	gpt_destroy(r->g);
}

int main(int argc, char **argv)
{
	openblas_set_num_threads((int)arg(argc, argv, "--threads", 2));
	uint32_t B = (uint32_t)arg(argc, argv, "--batch", 8);
	uint32_t T = (uint32_t)arg(argc, argv, "--context", 512);
	int mode = (int)arg(argc, argv, "--checkpoint", 0);
	int steps = (int)arg(argc, argv, "--steps", 5), warmup = (int)arg(argc, argv, "--warmup", 2);
	struct gpt_config cfg = {
		.vocab = (uint32_t)arg(argc, argv, "--vocab", 8192),
		.ctx = T,
		.dim = (uint32_t)arg(argc, argv, "--dim", 256),
		.layers = (uint32_t)arg(argc, argv, "--layers", 4),
		.heads = (uint32_t)arg(argc, argv, "--heads", 4),
		.dropout = (float)arg(argc, argv, "--dropout-pct", 10) / 100.0f,
	};
	int nruns = mode == 2 ? 2 : 1;
	struct run runs[2];

	if (steps < 1)
		steps = 1;
	for (int k = 0; k < nruns; k++)
		if (run_init(&runs[k], &cfg, mode == 2 ? k : mode != 0, B, T, steps) < 0)
			return 1;
	size_t n = (size_t)B * T;
	int32_t *tokens = tt_xmalloc((n + 1) * sizeof *tokens);
	uint64_t s = 1;

	for (size_t i = 0; i <= n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		tokens[i] = (int32_t)((s >> 33) % cfg.vocab);
	}
	for (int i = 0; i < warmup + steps; i++) {
		for (int k = 0; k < nruns; k++) {
			double t = run_step(&runs[k], tokens, B, T, i);

			if (t < 0)
				return 1;
			if (i >= warmup)
				runs[k].ms[i - warmup] = t;
		}
	}
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	for (int k = 0; k < nruns; k++)
		run_report(&runs[k], steps, nruns == 1 ? ru.ru_maxrss / 1024.0 : 0.0);
	if (nruns == 2) {
		double *ratio = tt_xmalloc((size_t)steps * sizeof *ratio);

		for (int i = 0; i < steps; i++)
			ratio[i] = runs[1].ms[i] / runs[0].ms[i];
		qsort(ratio, (size_t)steps, sizeof *ratio, cmp_double);
		printf("pair_ratio %.3f\n", ratio[steps / 2]);
		free(ratio);
	}
	for (int k = 0; k < nruns; k++)
		run_free(&runs[k]);
	free(tokens);
	return 0;
}
