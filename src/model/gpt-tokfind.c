/*
 * gpt-tokfind.c - find and load a model file's tokenizer (gpt-tokfind.h).
 */
#include <stdio.h>
#include <string.h>

#include "tunetop/gpt-tokfind.h"
#include "tunetop/safetensors.h"

/* A bundle's own tokenizer: 1 loaded, 0 none, -1 bad. */
static int tokfind_bundled(const char *model, struct bpe **out, struct tt_err *err)
{
	struct st_file f;
	const struct st_tensor *t;
	int rc = 0;

	if (st_open(&f, model, err) != 0)
		return -1;
	t = st_find(&f, "tokenizer.bpe");
	if (t != NULL) {
		*out = bpe_deserialize(t->data, (size_t)t->nbytes, err);
		rc = *out ? 1 : -1;
	}
	st_close(&f);
	return rc;
}

static int tokfind_exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f)
		fclose(f);
	return f != NULL;
}

struct bpe *gpt_tokfind(const char *model, struct tt_err *err)
{
	static const char *const pairs[][2] = {{"vocab.json", "merges.txt"},
					       {"encoder.json", "vocab.bpe"}};
	struct bpe *b = NULL;
	const char *slash = strrchr(model, '/');
	int dirlen = slash ? (int)(slash - model) + 1 : 0;
	char v[4096], m[4096];

	if (tokfind_bundled(model, &b, err) != 0)
		return b;
	for (size_t i = 0; i < 2; i++) {
		snprintf(v, sizeof v, "%.*s%s", dirlen, model, pairs[i][0]);
		snprintf(m, sizeof m, "%.*s%s", dirlen, model, pairs[i][1]);
		if (tokfind_exists(v) || tokfind_exists(m))
			return bpe_load(v, m, err);
	}
	tt_err_set(err, model, 0, 0,
		   "no tokenizer: expected vocab.json and merges.txt (or encoder.json and "
		   "vocab.bpe) beside the model, or --vocab FILE --merges FILE");
	return NULL;
}
