/*
 * fuzz-csv.c - libFuzzer target for the CSV and TSV readers and writer.
 *
 * Each input is loaded as CSV and as TSV, strictly and with skip_bad. A
 * strict load that succeeds must write back the same bytes (the round-trip
 * promise); a skip_bad load must write without trouble, and what it
 * writes must load strictly again with the same number of records.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_csv_one(const uint8_t *data, size_t size, enum ds_format_id fmt, bool skip_bad)
{
	struct dataset ds, again;
	struct ds_options o;
	struct tt_err err;
	struct tt_buf out;

	ds_options_default(&o);
	o.format = fmt;
	o.skip_bad = skip_bad;
	o.max_record_bytes = 4096;   /* reach the limit with small inputs too */
	if (dataset_load_buffer(&ds, "fuzz", (const char *)data, size, &o, &err) != 0) {
		if (err.msg[0] == '\0')
			abort();   /* every failure says why */
		dataset_fini(&ds);
		return;
	}
	tt_buf_init(&out);
	if (dataset_write(&ds, DS_FMT_AUTO, &out, &err) != 0)
		abort();
	if (!skip_bad && (out.len != size || memcmp(out.data, data, size) != 0))
		abort();
	if (skip_bad && ds.n > 0) {
		o.skip_bad = false;
		if (dataset_load_buffer(&again, "fuzz", out.data, out.len, &o, &err) != 0)
			abort();
		if (again.n != ds.n)
			abort();
		dataset_fini(&again);
	}
	tt_buf_fini(&out);
	dataset_fini(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_csv_one(data, size, DS_FMT_CSV, false);
	fuzz_csv_one(data, size, DS_FMT_CSV, true);
	fuzz_csv_one(data, size, DS_FMT_TSV, false);
	fuzz_csv_one(data, size, DS_FMT_TSV, true);
	return 0;
}
