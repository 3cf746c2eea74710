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

int main(int argc, char **argv)
{
	openblas_set_num_threads((int)arg(argc, argv, "--threads", 2));
	uint32_t B = (uint32_t)arg(argc, argv, "--batch", 8);
	uint32_t T = (uint32_t)arg(argc, argv, "--context", 512);
	int ckpt = arg(argc, argv, "--checkpoint", 0) != 0;
	int steps = (int)arg(argc, argv, "--steps", 5), warmup = (int)arg(argc, argv, "--warmup", 2);
	struct gpt_config cfg = {
		.vocab = (uint32_t)arg(argc, argv, "--vocab", 8192),
		.ctx = T,
		.dim = (uint32_t)arg(argc, argv, "--dim", 256),
		.layers = (uint32_t)arg(argc, argv, "--layers", 4),
		.heads = (uint32_t)arg(argc, argv, "--heads", 4),
		.dropout = (float)arg(argc, argv, "--dropout-pct", 10) / 100.0f,
	};
	struct tt_err err;
	struct gpt *g = gpt_create(&cfg, 1, &err);

	if (!g) {
		fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
		return 1;
	}
	gpt_set_checkpointing(g, ckpt);
	if (gpt_reserve(g, B, T, &err) < 0) {
		fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
		return 1;
	}
	size_t n = (size_t)B * T;
	int32_t *tokens = tt_xmalloc((n + 1) * sizeof *tokens);
	uint64_t s = 1;

	for (size_t i = 0; i <= n; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		tokens[i] = (int32_t)((s >> 33) % cfg.vocab);
	}
	struct gpt_adamw opt;
	double *ms = tt_xmalloc((size_t)steps * sizeof *ms);
	float loss = 0.0f;

	gpt_adamw_init(&opt, g);
	for (int i = 0; i < warmup + steps; i++) {
		double t0 = now_ms();

		gpt_set_training(g, true, (uint64_t)i);
		gpt_zero_grad(g);
		if (gpt_forward(g, tokens, tokens + 1, B, T, &loss, &err) < 0) {
			fprintf(stderr, "gpt-ckpt: %s\n", err.msg);
			return 1;
		}
		gpt_backward(g);
		gpt_adamw_step(&opt, g, 3e-4f, 0.9f, 0.999f, 1e-8f, 0.01f);
		if (i >= warmup)
			ms[i - warmup] = now_ms() - t0;
	}
	qsort(ms, (size_t)steps, sizeof *ms, cmp_double);
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("checkpoint %d act_mb %.1f ms %.1f ms_min %.1f rss_mb %.0f loss %.4f\n", ckpt,
	       gpt_act_bytes(g) / 1048576.0, ms[steps / 2], ms[0], ru.ru_maxrss / 1024.0, loss);
	gpt_adamw_free(&opt);
	free(ms);
	free(tokens);
	gpt_destroy(g);
	return 0;
}
