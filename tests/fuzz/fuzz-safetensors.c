/*
 * fuzz-safetensors.c - libFuzzer target for the safetensors reader.
 * Whatever the input: no crash, no out-of-bounds read. A file that opens
 * has every tensor's bytes read (summed), its metadata looked up, its
 * elements converted where the dtype allows, and is written back and read
 * again with the same tensors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/safetensors.h"

static volatile unsigned fuzz_sink;

static void fuzz_touch(const struct st_file *f)
{
	unsigned sum = 0;

	for (size_t i = 0; i < st_count(f); i++) {
		const struct st_tensor *t = &f->tensors[i];
		const unsigned char *p = t->data;

		for (uint64_t k = 0; k < t->nbytes; k++)
			sum += p[k];
		if (st_find(f, t->name) == NULL)
			abort();
	}
	for (size_t i = 0; i < f->nmeta; i++)
		if (st_meta(f, f->meta_keys[i]) == NULL)
			abort();
	fuzz_sink = sum;
}

static void fuzz_convert(const struct st_tensor *t)
{
	uint64_t n = st_numel(t);
	struct tt_err err;
	float *x;
	int64_t *v;

	if (n > 65536)
		return;
	x = malloc((n + 1) * sizeof *x);
	v = malloc((n + 1) * sizeof *v);
	if (x != NULL && v != NULL) {
		(void)st_copy_f32(t, x, n, &err);
		(void)st_copy_i64(t, v, n, &err);
	}
	free(x);
	free(v);
}

static void fuzz_rewrite(const struct st_file *f)
{
	struct st_file g;
	struct tt_buf b;
	struct tt_err err;

	tt_buf_init(&b);
	if (st_write_buffer(&b, f->tensors, f->ntensors, (const char *const *)f->meta_keys,
			    (const char *const *)f->meta_values, f->nmeta, &err) != 0)
		abort();
	if (st_open_buffer(&g, "again", b.data, b.len, &err) != 0)
		abort();
	if (st_count(&g) != st_count(f) || g.nmeta != f->nmeta)
		abort();
	for (size_t i = 0; i < st_count(f); i++) {
		const struct st_tensor *a = &f->tensors[i], *c = &g.tensors[i];

		if (strcmp(a->name, c->name) != 0 || a->dtype != c->dtype || a->nbytes != c->nbytes ||
		    (a->nbytes > 0 && memcmp(a->data, c->data, a->nbytes) != 0))
			abort();
	}
	st_close(&g);
	tt_buf_fini(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_file f;
	struct tt_err err;

	if (st_open_buffer(&f, "fuzz.safetensors", data, size, &err) == 0) {
		fuzz_touch(&f);
		for (size_t i = 0; i < st_count(&f); i++)
			fuzz_convert(&f.tensors[i]);
		fuzz_rewrite(&f);
	}
	st_close(&f);
	return 0;
}
