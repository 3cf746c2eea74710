/*
 * fuzz-bpe.c - libFuzzer target for the BPE file parsers and the blob.
 * The input is split at the first "\n--\n"
 * into a vocab.json and a merges.txt (all of it is the vocabulary when the
 * separator is missing, with an empty merges file). Whatever the input: no
 * crash, no out-of-bounds read, and an error carries a message. A
 * tokenizer that loads is checked as a property: it encodes its own input
 * and decodes it back byte for byte when the input is UTF-8, it survives
 * serialize -> deserialize with the same blob, and the blob loader is fed
 * the input too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunetop/bpe.h"

static void fuzz_property(const struct bpe *b, const char *text, size_t len)
{
	struct bpe_ids ids;
	struct tt_buf out, blob, again;
	struct tt_err err;
	struct bpe *c;
	size_t bad;

	bpe_ids_init(&ids);
	tt_buf_init(&out);
	if (len > 4096)
		len = 4096;
	if (bpe_encode(b, NULL, text, len, &ids, &bad) == 0) {
		if (bpe_decode(b, ids.v, ids.n, &out, &bad) != 0 || out.len != len ||
		    (len > 0 && memcmp(out.data, text, len) != 0))
			abort();
	} else if (bad >= len) {
		abort();
	}
	tt_buf_init(&blob);
	tt_buf_init(&again);
	bpe_serialize(b, &blob);
	if ((c = bpe_deserialize(blob.data, blob.len, &err)) == NULL)
		abort();
	bpe_serialize(c, &again);
	if (again.len != blob.len || memcmp(again.data, blob.data, blob.len) != 0)
		abort();
	bpe_destroy(c);
	tt_buf_fini(&blob);
	tt_buf_fini(&again);
	tt_buf_fini(&out);
	bpe_ids_fini(&ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *sep = memmem(text, size, "\n--\n", 4);
	size_t vlen = sep != NULL ? (size_t)(sep - text) : size;
	const char *merges = sep != NULL ? sep + 4 : "";
	size_t mlen = sep != NULL ? size - vlen - 4 : 0;
	struct tt_err err;
	struct bpe *b;

	tt_err_clear(&err);
	b = bpe_load_buffers("fuzz.json", text, vlen, "fuzz.txt", merges, mlen, &err);
	if (b != NULL) {
		fuzz_property(b, text, size);
		bpe_destroy(b);
	} else if (err.msg[0] == '\0') {
		abort();
	}
	if ((b = bpe_deserialize(data, size, &err)) != NULL)
		bpe_destroy(b);
	return 0;
}
