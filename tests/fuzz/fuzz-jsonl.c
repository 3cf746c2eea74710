/*
 * fuzz-jsonl.c - libFuzzer target for the JSONL reader and writer.
 * Whatever the input: no crash, and any input that loads (strictly or with
 * skip_bad, which keeps skipped lines) is written back byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

static void fuzz_one(const uint8_t *data, size_t size, int skip_bad)
{
	struct ds_options o;
	struct dataset ds;
	struct tt_err err;
	struct tt_buf out;

	ds_options_default(&o);
	o.format = DS_FMT_JSONL;
	o.skip_bad = skip_bad;
	o.max_record_bytes = 4096;
	if (dataset_load_buffer(&ds, "fuzz.jsonl", (const char *)data, size, &o, &err) == 0) {
		tt_buf_init(&out);
		if (dataset_write(&ds, DS_FMT_AUTO, &out, &err) != 0)
			abort();
		if (out.len != size || memcmp(out.data, data, size) != 0)
			abort();
		/* Marking every record dirty must still produce loadable JSONL. */
		for (size_t i = 0; i < ds.n; i++)
			ds.recs[i].flags |= DS_FLAG_DIRTY;
		tt_buf_clear(&out);
		if (dataset_write(&ds, DS_FMT_AUTO, &out, &err) != 0)
			abort();
		tt_buf_fini(&out);
	}
	dataset_fini(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_one(data, size, 0);
	fuzz_one(data, size, 1);
	return 0;
}
