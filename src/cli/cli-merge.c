/*
 * cli-merge.c - fold a LoRA adapter into its base model's weights:
 *
 *   tunetop merge [--no-hash-check] BASE ADAPTER_DIR OUT
 *
 * BASE is a GPT-2 safetensors file, ADAPTER_DIR holds PEFT's
 * adapter_model.safetensors and adapter_config.json (gpt-lora.h). The
 * adapter must have been made for BASE: the config's base_model_xxh3_128
 * is checked against BASE's bytes (an adapter written by PEFT has no such
 * key and is not checked; --no-hash-check skips the check). OUT receives
 * every base tensor with W += (alpha / r) (B A)^T on each target, and the
 * adapter's classification head, written atomically: a failed merge leaves
 * OUT as it was. Exit status 0, 1 on a failure (named on stderr), 2 on a
 * bad command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tunetop/bundle.h"

#include "tunetop/cli.h"
#include "tunetop/gpt-lora.h"
#include "tunetop/gpt.h"

enum {
	CLI_MERGE_OK = 0,
	CLI_MERGE_FAILED = 1,
	CLI_MERGE_USAGE = 2,
};

static void cli_merge_usage(FILE *f)
{
	fputs("usage: tunetop merge [--no-hash-check] BASE ADAPTER_DIR OUT\n", f);
}

/* An adapter written by a tunetop LoRA run (tunetop.json beside PEFT's files). */
static int cli_merge_tunetop(const char *dir)
{
	char *p = tt_xprintf("%s/tunetop.json", dir);
	struct stat st;
	int yes = stat(p, &st) == 0;

	free(p);
	return yes;
}

int cli_merge(int argc, char **argv)
{
	const char *files[3];
	int nfiles = 0, check = 1;
	struct tt_err err;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_merge_usage(stdout);
			return CLI_MERGE_OK;
		} else if (strcmp(argv[i], "--no-hash-check") == 0) {
			check = 0;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			tt_esc_printf(stderr, "tunetop merge: unknown option %s\n", argv[i]);
			cli_merge_usage(stderr);
			return CLI_MERGE_USAGE;
		} else if (nfiles < 3) {
			files[nfiles++] = argv[i];
		} else {
			tt_esc_printf(stderr, "tunetop merge: unexpected argument %s\n", argv[i]);
			cli_merge_usage(stderr);
			return CLI_MERGE_USAGE;
		}
	}
	if (nfiles != 3) {
		fputs("tunetop merge: expected BASE ADAPTER_DIR OUT\n", stderr);
		cli_merge_usage(stderr);
		return CLI_MERGE_USAGE;
	}
	if (cli_merge_tunetop(files[1])) {
		/* ours: a tunetop base (tokenizer, labels) and tunetop.json: a tunetop model */
		if (bundle_merge_adapter(files[0], files[1], files[2], check, &err) != 0) {
			cli_report("merge", &err);
			return CLI_MERGE_FAILED;
		}
		tt_esc_printf(stderr, "tunetop merge: wrote %s (a tunetop model: the base's tokenizer, "
			      "the adapter's labels and head, the adapter folded in)\n", files[2]);
		return CLI_MERGE_OK;
	}
	struct gpt *g = gpt_load(files[0], 0, &err);

	if (!g) {
		cli_report("merge", &err);
		return CLI_MERGE_FAILED;
	}
	if (gpt_lora_load(g, files[1], check ? files[0] : NULL, &err) < 0 ||
	    (gpt_lora_merge(g), gpt_save(g, files[2], &err)) < 0) {
		cli_report("merge", &err);
		gpt_destroy(g);
		return CLI_MERGE_FAILED;
	}
	const struct gpt_lora_config *c = gpt_lora_config_of(g);

	tt_esc_printf(stderr, "tunetop merge: wrote %s (%zu tensors; rank %u, alpha %g, %zu "
		      "adapter tensors folded)\n", files[2], g->nbase_views, c->r, (double)c->alpha,
		      g->nviews - g->nbase_views);
	gpt_destroy(g);
	return CLI_MERGE_OK;
}
