/*
 * fuzz-yaml.c - libFuzzer target for the YAML config loader.
 *
 * Each input is loaded into a fresh config. A load either succeeds or fails
 * with a positioned message; it must never crash, leak or read past len
 * (the buffer is not NUL-terminated).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tunetop/cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c;
	struct tt_err err;

	cfg_init(&c);
	tt_err_clear(&err);
	if (cfg_load_yaml_buffer(&c, "fuzz.yaml", (const char *)data, size, &err) != 0) {
		/* A failure always says what went wrong. */
		if (err.msg[0] == '\0')
			__builtin_trap();
	}
	cfg_fini(&c);
	return 0;
}
