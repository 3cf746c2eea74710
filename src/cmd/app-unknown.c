/*
 * app-unknown.c - the model vocabulary behind the outlier kind unknown
 * (unkrate.h, findings.h): `check --model MODEL` loads the tokenizer of a
 * model file; in the workbench a `check` without --model takes the current
 * run's saved model when there is no such file, since the live model's
 * vocabulary is fixed when its run starts and every saved file of the run
 * carries it. Only the tokenizer is loaded, never the weights.
 */
#include "tunetop/app.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "tunetop/bundle.h"
#include "tunetop/unkrate.h"

void app_unknown_reset(struct app *a)
{
	tokenizer_destroy(a->unknown.tok);
	free(a->unknown.model);
	a->unknown.tok = NULL;
	a->unknown.model = NULL;
	a->unknown.from_run = false;
}

int app_unknown_load(struct app *a, const char *path, struct tt_err *err)
{
	struct tokenizer *tok = bundle_load_tokenizer(path, err);

	if (tok == NULL)
		return -1;
	if (tokenizer_ngram_vocab(tok) == NULL) {
		tt_err_set(err, path, 0, 0, "the model's tokenizer is %s: it has no unknown words "
			   "(the unknown-word rate needs an n-gram model)", tokenizer_name(tok));
		tokenizer_destroy(tok);
		return -1;
	}
	app_unknown_reset(a);
	a->unknown.tok = tok;
	a->unknown.model = tt_xstrdup(path);
	return 0;
}

int app_unknown_from_run(struct app *a, struct tt_err *err)
{
	static const char *const names[] = { "model", "best", "checkpoint" };
	struct stat st;
	size_t i;

	if (a->unknown.from_run)	/* an older run's vocabulary is not the live one */
		app_unknown_reset(a);
	if (a->run_dir == NULL)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *path = tt_xprintf("%s/%s.safetensors", a->run_dir, names[i]);
		int rc = stat(path, &st) == 0 ? app_unknown_load(a, path, err) : 1;

		free(path);
		if (rc == 0)
			a->unknown.from_run = true;
		if (rc <= 0)
			return rc == 0 ? 1 : -1;
	}
	return 0;
}

float *app_unknown_rates(struct app *a, struct tt_err *err)
{
	float *rate;

	if (a->unknown.tok == NULL)
		return NULL;
	rate = tt_xmalloc((a->ds.n + 1) * sizeof *rate);
	if (unkrate_compute(a->unknown.tok, &a->ds, rate, err) != 0) {
		free(rate);
		return NULL;
	}
	return rate;
}
