/*
 * gpt-gen.c - the tunetop side of bench/gpt-generate.sh: tokens per second
 * of greedy generation with the KV cache (gpt-generate.h) on a GPT-2 shape
 * with random weights (gpt_create_frozen's initialization: a model for
 * generation has no gradient arena).
 *
 *   gpt-gen [--preset NAME] [--prompt P] [--tokens N] [--rounds R] [--threads T]
 *   gpt-gen --preset NAME --save FILE     write the random model (no timing), so
 *                                         `tunetop generate FILE` can be measured
 *
 * A prompt of P random tokens, then N new tokens (no stop token), R times
 * after one warm-up run of 8 tokens. Prints one line:
 *   tok_s MEDIAN best BEST prefill_ms MS rss_mb MB
 * where tok_s counts the new tokens over the decoding time (the prompt's
 * forward excluded; prefill_ms is its median).
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tunetop/gpt-generate.h"
#include "tunetop/gpt.h"

static const char *sarg(int argc, char **argv, const char *name, const char *dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return dflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct gpt_config cfg;
	struct tt_err err;
	uint32_t P = (uint32_t)atoi(sarg(argc, argv, "--prompt", "16"));
	uint32_t N = (uint32_t)atoi(sarg(argc, argv, "--tokens", "64"));
	int rounds = atoi(sarg(argc, argv, "--rounds", "3"));

	openblas_set_num_threads(atoi(sarg(argc, argv, "--threads", "2")));
	if (gpt_config_preset(sarg(argc, argv, "--preset", "gpt-small"), &cfg) < 0 || rounds < 1) {
		fprintf(stderr, "gpt-gen: unknown preset or bad --rounds\n");
		return 2;
	}
	cfg.dropout = 0.0f;
	struct gpt *g = gpt_create_frozen(&cfg, 1, &err);

	if (!g) {
		fprintf(stderr, "gpt-gen: %s\n", err.msg);
		return 1;
	}
	if (strcmp(sarg(argc, argv, "--save", ""), "") != 0) {
		int rc = gpt_save(g, sarg(argc, argv, "--save", ""), &err);

		if (rc != 0)
			fprintf(stderr, "gpt-gen: %s\n", err.msg);
		gpt_destroy(g);
		return rc != 0;
	}
	int32_t *prompt = tt_xmalloc(P * sizeof *prompt);
	uint64_t s = 1;

	for (uint32_t i = 0; i < P; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		prompt[i] = (int32_t)((s >> 33) % cfg.vocab);
	}
	struct gpt_gen_opts o = {.max_tokens = 8, .stop_token = -1};
	struct gpt_gen_result r;
	double *tps = tt_xmalloc((size_t)rounds * sizeof *tps);
	double *pre = tt_xmalloc((size_t)rounds * sizeof *pre);

	if (gpt_generate(g, prompt, P, &o, NULL, NULL, NULL, NULL, &r, &err) < 0) {
		fprintf(stderr, "gpt-gen: %s\n", err.msg);
		return 1;
	}
	o.max_tokens = N;
	for (int i = 0; i < rounds; i++) {
		gpt_generate(g, prompt, P, &o, NULL, NULL, NULL, NULL, &r, &err);
		/* the first token comes from the prompt's logits: N - 1 decode steps */
		tps[i] = (r.produced - 1) / r.decode_s;
		pre[i] = r.prefill_s * 1000.0;
	}
	qsort(tps, (size_t)rounds, sizeof *tps, cmp_double);
	qsort(pre, (size_t)rounds, sizeof *pre, cmp_double);
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("tok_s %.2f best %.2f prefill_ms %.2f rss_mb %.1f\n", tps[rounds / 2],
	       tps[rounds - 1], pre[rounds / 2], ru.ru_maxrss / 1024.0);
	gpt_destroy(g);
	free(prompt);
	free(tps);
	free(pre);
	return 0;
}
