/*
 * test-gpt-generate.c - generation (gpt-generate.h) and streaming
 * detokenization (gpt-stream.h).
 *
 * References from tests/data/gpt/make-gen-ref.py (Debian's python3-torch,
 * the plain-torch GPT-2 of make-ref.py, run once; the outputs are
 * committed, torch is not needed here):
 *   tiny-gen-ref.safetensors  greedy continuations of 3 prompts to the
 *                             context on tiny.safetensors
 *   gen/                      a model whose vocabulary matches a small
 *                             BPE, and the greedy continuation of "hello"
 * The cache's logits are checked against gpt_forward over the whole
 * sequence at every position.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunetop/bpe.h"
#include "tunetop/gpt-generate.h"
#include "tunetop/gpt-lora.h"
#include "tunetop/gpt-stream.h"
#include "tunetop/gpt-tokfind.h"
#include "tunetop/gpt.h"
#include "tunetop/safetensors.h"

#define DATA_DIR "tests/data/gpt/"

enum { TINY_V = 64, TINY_CTX = 16 };

static struct gpt *load(const char *path)
{
	struct tt_err err;
	struct gpt *g = gpt_load(path, 0, &err);

	if (!g)
		fail_msg("load %s: %s", path, err.msg);
	return g;
}

/* An I32 tensor of a reference file; *n its length. */
static int32_t *ref_ids(const struct st_file *f, const char *name, uint32_t *n)
{
	const struct st_tensor *t = st_find(f, name);
	struct tt_err err;

	if (!t)
		fail_msg("reference tensor %s missing", name);
	*n = (uint32_t)st_numel(t);
	int64_t *tmp = tt_xmalloc((*n + 1) * sizeof *tmp);
	int32_t *out = tt_xmalloc((*n + 1) * sizeof *out);

	assert_int_equal(st_copy_i64(t, tmp, *n, &err), 0);
	for (uint32_t i = 0; i < *n; i++)
		out[i] = (int32_t)tmp[i];
	free(tmp);
	return out;
}

static void expect_ids(const char *what, const int32_t *got, uint32_t ngot, const int32_t *want,
		       uint32_t nwant)
{
	for (uint32_t i = 0; i < ngot && i < nwant; i++)
		if (got[i] != want[i])
			fail_msg("%s: token %u is %d, want %d", what, i, got[i], want[i]);
	if (ngot != nwant)
		fail_msg("%s: %u tokens, want %u", what, ngot, nwant);
}

/* ---- the cache against the full forward ------------------------------ */

/* Feed seq in chunks of the given sizes; every position's logits against gpt_forward's. */
static void check_cache(struct gpt *g, const int32_t *seq, uint32_t T, const uint32_t *chunks)
{
	struct tt_err err;
	struct gpt_kv kv;
	float loss, *got = tt_xmalloc((size_t)T * TINY_V * sizeof *got);
	float last[TINY_V];
	uint32_t at = 0;

	assert_int_equal(gpt_reserve(g, 1, T, &err), 0);
	assert_int_equal(gpt_forward(g, seq, NULL, 1, T, &loss, &err), 0);
	assert_int_equal(gpt_kv_init(&kv, g, T, &err), 0);
	for (int c = 0; at < T; c++) {
		uint32_t n = chunks[c] ? chunks[c] : 1;

		if (n > T - at)
			n = T - at;
		assert_int_equal(gpt_kv_forward(&kv, g, seq + at, n, got + (size_t)at * TINY_V,
						 true, &err), 0);
		at += n;
		assert_int_equal(kv.n, at);
		if (!chunks[c])
			c--;   /* a 0 repeats: one token a step to the end */
	}
	for (size_t i = 0; i < (size_t)T * TINY_V; i++)
		if (!(fabsf(got[i] - g->a.logits[i]) <= 1e-5f))
			fail_msg("position %zu, id %zu: cache %.8g, full forward %.8g", i / TINY_V,
				 i % TINY_V, got[i], g->a.logits[i]);
	/* the last-token path: the same logits */
	gpt_kv_reset(&kv);
	assert_int_equal(gpt_kv_forward(&kv, g, seq, T - 1, NULL, false, &err), 0);
	assert_int_equal(gpt_kv_forward(&kv, g, seq + T - 1, 1, last, false, &err), 0);
	for (uint32_t v = 0; v < TINY_V; v++)
		assert_true(fabsf(last[v] - g->a.logits[(size_t)(T - 1) * TINY_V + v]) <= 1e-5f);
	/* full: one more does not fit */
	assert_int_equal(gpt_kv_forward(&kv, g, seq, 1, last, false, &err), -1);
	gpt_kv_fini(&kv);
	free(got);
}

static void test_cache_matches_forward(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "tiny.safetensors");
	int32_t seq[TINY_CTX];
	static const uint32_t one_by_one[] = {0};
	static const uint32_t prompt_then_one[] = {5, 0};
	static const uint32_t chunks[] = {3, 4, 2, 7};
	static const uint32_t all_at_once[] = {TINY_CTX};

	for (uint32_t i = 0; i < TINY_CTX; i++)
		seq[i] = (int32_t)((i * 37 + 11) % TINY_V);
	check_cache(g, seq, TINY_CTX, one_by_one);
	check_cache(g, seq, TINY_CTX, prompt_then_one);
	check_cache(g, seq, TINY_CTX, chunks);
	check_cache(g, seq, TINY_CTX, all_at_once);
	check_cache(g, seq, 7, prompt_then_one);
	gpt_destroy(g);
}

/* ---- greedy against torch -------------------------------------------- */

static void test_greedy_matches_torch(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "tiny.safetensors");
	struct st_file ref;
	struct tt_err err;

	assert_int_equal(st_open(&ref, DATA_DIR "tiny-gen-ref.safetensors", &err), 0);
	for (int i = 0; i < 3; i++) {
		char name[32];
		uint32_t np, nw;
		int32_t out[TINY_CTX];
		struct gpt_gen_result res;
		struct gpt_gen_opts o = {.max_tokens = 100, .stop_token = -1};

		snprintf(name, sizeof name, "prompts.%d", i);
		int32_t *prompt = ref_ids(&ref, name, &np);
		snprintf(name, sizeof name, "greedy.%d", i);
		int32_t *want = ref_ids(&ref, name, &nw);

		assert_int_equal(gpt_generate(g, prompt, np, &o, NULL, NULL, NULL, out, &res, &err),
				 0);
		expect_ids(name, out, res.produced, want, nw);
		assert_int_equal(res.stop, GPT_GEN_CONTEXT);
		assert_int_equal(res.prompt + res.produced, TINY_CTX);
		/* top_k 1 at any temperature is greedy */
		o.sample.temperature = 1.5f;
		o.sample.top_k = 1;
		o.seed = 99;
		assert_int_equal(gpt_generate(g, prompt, np, &o, NULL, NULL, NULL, out, &res, &err),
				 0);
		expect_ids("top_k 1", out, res.produced, want, nw);
		free(prompt);
		free(want);
	}
	st_close(&ref);
	gpt_destroy(g);
}

/*
 * A model loaded for generation only has no gradient memory and gives the
 * same greedy continuation as the trainable one, as does a frozen copy of
 * it (and a copy of a model with LoRA adapters generates as the adapted
 * model's forward predicts).
 */
static void test_frozen_load_and_copy(void **state)
{
	(void)state;
	struct tt_err err;
	struct gpt *g = gpt_load_frozen(DATA_DIR "tiny.safetensors", 0, &err);
	struct gpt *full = load(DATA_DIR "tiny.safetensors");
	struct st_file ref;
	uint32_t np, nw;
	int32_t out[TINY_CTX];
	struct gpt_gen_result res;
	struct gpt_gen_opts o = {.max_tokens = 100, .stop_token = -1};

	if (!g)
		fail_msg("gpt_load_frozen: %s", err.msg);
	assert_int_equal(g->ngrads, 0);
	for (size_t i = 0; i < g->nviews; i++) {
		assert_null(g->views[i].grad);
		assert_false(g->views[i].trainable);
	}
	assert_true(full->ngrads > 0);
	assert_int_equal(st_open(&ref, DATA_DIR "tiny-gen-ref.safetensors", &err), 0);
	int32_t *prompt = ref_ids(&ref, "prompts.1", &np);
	int32_t *want = ref_ids(&ref, "greedy.1", &nw);

	assert_int_equal(gpt_generate(g, prompt, np, &o, NULL, NULL, NULL, out, &res, &err), 0);
	expect_ids("frozen", out, res.produced, want, nw);
	struct gpt *copy = gpt_copy_frozen(full, &err);

	assert_non_null(copy);
	assert_int_equal(copy->ngrads, 0);
	assert_int_equal(gpt_generate(copy, prompt, np, &o, NULL, NULL, NULL, out, &res, &err), 0);
	expect_ids("copy", out, res.produced, want, nw);
	gpt_destroy(copy);

	/* LoRA: B made nonzero so the adapter changes the output */
	struct gpt_lora_config lc = {.r = 2, .alpha = 4, .dropout = 0,
				     .targets = GPT_LORA_C_ATTN | GPT_LORA_MLP_FC};
	float *want_logits = tt_xmalloc((size_t)TINY_V * sizeof *want_logits);
	float *got = tt_xmalloc((size_t)TINY_V * sizeof *got);
	float loss, maxdiff = 0, moved = 0;
	struct gpt_kv kv;

	assert_int_equal(gpt_lora_add(full, &lc, 7, &err), 0);
	for (size_t i = full->nbase_views; i < full->nviews; i++)
		for (size_t j = 0; j < full->views[i].numel; j++)
			full->views[i].data[j] = 0.05f * (float)((i * 31 + j * 7) % 13) - 0.3f;
	assert_int_equal(gpt_reserve(full, 1, np, &err), 0);
	assert_int_equal(gpt_forward(full, prompt, NULL, 1, np, &loss, &err), 0);
	memcpy(want_logits, full->a.logits + (size_t)(np - 1) * TINY_V, TINY_V * sizeof(float));
	copy = gpt_copy_frozen(full, &err);
	assert_non_null(copy);
	assert_int_equal(gpt_kv_init(&kv, copy, TINY_CTX, &err), 0);
	assert_int_equal(gpt_kv_forward(&kv, copy, prompt, np, got, false, &err), 0);
	for (uint32_t v = 0; v < TINY_V; v++) {
		float d = fabsf(got[v] - want_logits[v]);

		maxdiff = d > maxdiff ? d : maxdiff;
	}
	/* the adapter did change the model: the base copy differs */
	gpt_kv_fini(&kv);
	assert_int_equal(gpt_kv_init(&kv, g, TINY_CTX, &err), 0);
	assert_int_equal(gpt_kv_forward(&kv, g, prompt, np, got, false, &err), 0);
	for (uint32_t v = 0; v < TINY_V; v++)
		moved = fmaxf(moved, fabsf(got[v] - want_logits[v]));
	gpt_kv_fini(&kv);
	if (!(maxdiff < 1e-4f) || !(moved > 1e-3f))
		fail_msg("LoRA copy: max |diff| %g (want < 1e-4), base moved %g (want > 1e-3)",
			 maxdiff, moved);
	free(want_logits);
	free(got);
	free(prompt);
	free(want);
	st_close(&ref);
	gpt_destroy(copy);
	gpt_destroy(full);
	gpt_destroy(g);
}

/* ---- sampling ---------------------------------------------------------- */

static void test_same_seed_same_sample(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "tiny.safetensors");
	struct tt_err err;
	int32_t prompt[] = {1, 2, 3}, a[TINY_CTX], b[TINY_CTX], c[TINY_CTX];
	struct gpt_gen_result ra, rb, rc;
	struct gpt_gen_opts o = {.max_tokens = 12, .stop_token = -1, .seed = 7,
				 .sample = {.temperature = 1.0f}};

	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, a, &ra, &err), 0);
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, b, &rb, &err), 0);
	assert_int_equal(ra.produced, 12);
	assert_int_equal(ra.stop, GPT_GEN_MAX_TOKENS);
	assert_memory_equal(a, b, 12 * sizeof *a);
	o.seed = 8;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, c, &rc, &err), 0);
	assert_true(memcmp(a, c, 12 * sizeof *a) != 0);
	gpt_destroy(g);
}

/* Draw counts against the softmax probabilities (fixed seed: no flake). */
static void test_sample_distribution(void **state)
{
	(void)state;
	float logits[6] = {0.0f, logf(2.0f), logf(4.0f), logf(1.0f), -1e30f, logf(8.0f)};
	float scratch[6];
	unsigned count[6] = {0};
	struct gpt_rng rng;
	struct gpt_sample_opts o = {.temperature = 1.0f};
	const int n = 60000;

	gpt_rng_seed(&rng, 1);
	for (int i = 0; i < n; i++)
		count[gpt_sample(logits, 6, &o, &rng, scratch)]++;
	/* probabilities 1, 2, 4, 1, 0, 8 over 16 */
	static const double want[6] = {1 / 16.0, 2 / 16.0, 4 / 16.0, 1 / 16.0, 0, 8 / 16.0};

	for (int k = 0; k < 6; k++)
		if (fabs(count[k] / (double)n - want[k]) > 0.01)
			fail_msg("id %d drawn %u of %d, want p %.4f", k, count[k], n, want[k]);
	/* top_k 2: only ids 5 and 2, as 8 : 4 */
	memset(count, 0, sizeof count);
	o.top_k = 2;
	for (int i = 0; i < n; i++)
		count[gpt_sample(logits, 6, &o, &rng, scratch)]++;
	assert_int_equal(count[0] + count[1] + count[3] + count[4], 0);
	assert_true(fabs(count[5] / (double)n - 2.0 / 3.0) < 0.01);
	/* temperature 0.5 squares the odds: 64 : 16 */
	o.temperature = 0.5f;
	memset(count, 0, sizeof count);
	for (int i = 0; i < n; i++)
		count[gpt_sample(logits, 6, &o, &rng, scratch)]++;
	assert_true(fabs(count[5] / (double)n - 0.8) < 0.01);
	/* limit: ids >= 5 are not the tokenizer's */
	o.top_k = 0;
	o.temperature = 0.0f;
	o.limit = 5;
	assert_int_equal(gpt_sample(logits, 6, &o, &rng, scratch), 2);
	o.limit = 0;
	assert_int_equal(gpt_sample(logits, 6, &o, &rng, scratch), 5);
	/* greedy takes the first of equal maxima, as torch.argmax */
	float ties[4] = {1.0f, 3.0f, 3.0f, 0.0f};

	assert_int_equal(gpt_sample(ties, 4, &o, &rng, scratch), 1);
	/* top_k with ties at the k-th value keeps them all */
	o.temperature = 1.0f;
	o.top_k = 2;
	float ties3[4] = {5.0f, 2.0f, 2.0f, -3.0f};

	memset(count, 0, sizeof count);
	for (int i = 0; i < 3000; i++)
		count[gpt_sample(ties3, 4, &o, &rng, scratch)]++;
	assert_true(count[1] > 0 && count[2] > 0);
	assert_int_equal(count[3], 0);
}

/* ---- stopping ---------------------------------------------------------- */

struct collect {
	int32_t ids[64];
	int n;
	int stop_after;          /* return nonzero after this many; 0 never */
	atomic_bool *cancel;     /* set after the second token when non-NULL */
};

static int on_token(void *ctx, int32_t tok)
{
	struct collect *c = ctx;

	c->ids[c->n++] = tok;
	if (c->cancel && c->n == 2)
		atomic_store(c->cancel, true);
	return c->stop_after && c->n >= c->stop_after;
}

static void test_stops(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "tiny.safetensors");
	struct tt_err err;
	int32_t prompt[] = {1, 2, 3}, out[TINY_CTX], greedy[TINY_CTX];
	struct gpt_gen_result res;
	struct gpt_gen_opts o = {.max_tokens = 50, .stop_token = -1};
	struct collect c = {0};
	atomic_bool cancel = false;

	assert_int_equal(gpt_generate(g, prompt, 3, &o, on_token, &c, NULL, greedy, &res, &err),
			 0);
	assert_int_equal(res.produced, TINY_CTX - 3);
	assert_int_equal(c.n, TINY_CTX - 3);
	assert_memory_equal(c.ids, greedy, res.produced * sizeof *greedy);
	/* max_tokens */
	o.max_tokens = 4;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), 0);
	assert_int_equal(res.stop, GPT_GEN_MAX_TOKENS);
	assert_int_equal(res.produced, 4);
	o.max_tokens = 0;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), 0);
	assert_int_equal(res.produced, 0);
	/* the stop token: produced, then the end */
	o.max_tokens = 50;
	o.stop_token = greedy[5];
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), 0);
	assert_int_equal(res.stop, GPT_GEN_STOP_TOKEN);
	assert_true(res.produced <= 6);
	assert_int_equal(out[res.produced - 1], greedy[5]);
	o.stop_token = -1;
	/* the caller stops */
	memset(&c, 0, sizeof c);
	c.stop_after = 3;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, on_token, &c, NULL, out, &res, &err), 0);
	assert_int_equal(res.stop, GPT_GEN_CALLER);
	assert_int_equal(res.produced, 3);
	/* cancel: read before every token */
	memset(&c, 0, sizeof c);
	c.cancel = &cancel;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, on_token, &c, &cancel, out, &res, &err), 0);
	assert_int_equal(res.stop, GPT_GEN_CANCELLED);
	assert_int_equal(res.produced, 2);
	/* a prompt that fills the context: nothing to add */
	int32_t full[TINY_CTX] = {0};

	assert_int_equal(gpt_generate(g, full, TINY_CTX, &o, NULL, NULL, NULL, out, &res, &err), 0);
	assert_int_equal(res.stop, GPT_GEN_CONTEXT);
	assert_int_equal(res.produced, 0);
	gpt_destroy(g);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "tiny.safetensors");
	struct tt_err err;
	int32_t prompt[TINY_CTX + 1] = {1, 2, 3}, out[4];
	struct gpt_gen_result res;
	struct gpt_gen_opts o = {.max_tokens = 4, .stop_token = -1};
	struct gpt_kv kv;

	assert_int_equal(gpt_generate(g, prompt, 0, &o, NULL, NULL, NULL, out, &res, &err), -1);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(gpt_generate(g, prompt, TINY_CTX + 1, &o, NULL, NULL, NULL, out, &res,
				      &err), -1);
	assert_non_null(strstr(err.msg, "context is 16"));
	prompt[1] = TINY_V;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), -1);
	assert_non_null(strstr(err.msg, "outside [0, 64)"));
	prompt[1] = 2;
	o.sample.temperature = -1.0f;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), -1);
	assert_non_null(strstr(err.msg, "temperature"));
	o.sample.temperature = NAN;
	assert_int_equal(gpt_generate(g, prompt, 3, &o, NULL, NULL, NULL, out, &res, &err), -1);
	assert_int_equal(gpt_kv_init(&kv, g, 0, &err), -1);
	assert_int_equal(gpt_kv_init(&kv, g, TINY_CTX + 1, &err), -1);
	gpt_destroy(g);
}

/* ---- a model with its tokenizer, and streaming text ------------------- */

static void test_gen_model_with_bpe(void **state)
{
	(void)state;
	struct gpt *g = load(DATA_DIR "gen/model.safetensors");
	struct tt_err err;
	struct bpe *b = bpe_load(DATA_DIR "gen/vocab.json", DATA_DIR "gen/merges.txt", &err);
	struct bpe_ids ids;
	struct st_file ref;
	uint32_t np, nw;
	size_t bad;

	if (!b)
		fail_msg("bpe: %s", err.msg);
	assert_int_equal(bpe_vocab_size(b), g->cfg.vocab);
	bpe_ids_init(&ids);
	assert_int_equal(bpe_encode(b, NULL, "hello", 5, &ids, &bad), 0);
	assert_int_equal(st_open(&ref, DATA_DIR "gen/greedy.safetensors", &err), 0);
	int32_t *prompt = ref_ids(&ref, "prompt", &np);
	int32_t *want = ref_ids(&ref, "greedy", &nw);

	assert_int_equal(ids.n, np);
	assert_int_equal((int32_t)ids.v[0], prompt[0]);
	int32_t out[32];
	struct gpt_gen_result res;
	struct gpt_gen_opts o = {.max_tokens = 20, .stop_token = (int32_t)bpe_eot(b)};

	assert_int_equal(gpt_generate(g, prompt, np, &o, NULL, NULL, NULL, out, &res, &err), 0);
	expect_ids("gen greedy", out, res.produced, want, nw);
	/* streamed text = the escaped bytes at once, and what the CLI test expects */
	struct gpt_stream s;
	struct tt_buf streamed, whole, bytes;
	size_t n;

	tt_buf_init(&streamed);
	tt_buf_init(&whole);
	tt_buf_init(&bytes);
	gpt_stream_init(&s, b, TT_ESC_KEEP_NL);
	for (uint32_t i = 0; i < res.produced; i++)
		assert_int_equal(gpt_stream_push(&s, (uint32_t)out[i], &streamed), 0);
	gpt_stream_finish(&s, &streamed);
	assert_int_equal(gpt_stream_push(&s, 9999, &streamed), -1);
	gpt_stream_fini(&s);
	assert_int_equal(bpe_decode(b, (const uint32_t *)out, res.produced, &bytes, &n), 0);
	tt_esc_buf(&whole, bytes.data, bytes.len, TT_ESC_KEEP_NL);
	assert_int_equal(streamed.len, whole.len);
	assert_memory_equal(streamed.data, whole.data, whole.len);
	char *file = NULL;
	size_t flen = 0;

	assert_int_equal(tt_read_file(DATA_DIR "gen/greedy.txt", &file, &flen, &err), 0);
	assert_int_equal(flen, whole.len + 1);
	assert_memory_equal(file, whole.data, whole.len);
	free(file);
	tt_buf_fini(&streamed);
	tt_buf_fini(&whole);
	tt_buf_fini(&bytes);
	bpe_ids_fini(&ids);
	free(prompt);
	free(want);
	st_close(&ref);
	bpe_destroy(b);
	gpt_destroy(g);
}

/* The tokenizer beside a model, inside it (tokenizer.bpe), or none. */
static void test_tokfind(void **state)
{
	(void)state;
	struct tt_err err;
	struct bpe *b = gpt_tokfind(DATA_DIR "gen/model.safetensors", &err);
	struct st_file f;
	struct tt_buf blob;
	char path[] = "/tmp/tunetop-tokfind-XXXXXX";
	int fd = mkstemp(path);

	if (!b)
		fail_msg("tokfind: %s", err.msg);
	assert_int_equal(bpe_vocab_size(b), 261);
	assert_null(gpt_tokfind(DATA_DIR "tiny.safetensors", &err));
	assert_non_null(strstr(err.msg, "no tokenizer"));
	/* the model's tensors plus its BPE as a U8 tensor, in a directory without files */
	assert_true(fd >= 0);
	close(fd);
	tt_buf_init(&blob);
	bpe_serialize(b, &blob);
	assert_int_equal(st_open(&f, DATA_DIR "gen/model.safetensors", &err), 0);
	struct st_tensor *ts = tt_xcalloc(f.ntensors + 1, sizeof *ts);

	memcpy(ts, f.tensors, f.ntensors * sizeof *ts);
	ts[f.ntensors] = (struct st_tensor){.name = "tokenizer.bpe", .dtype = ST_U8, .ndim = 1,
					    .shape = {blob.len}, .data = blob.data,
					    .nbytes = blob.len};
	if (st_write(path, ts, f.ntensors + 1, NULL, NULL, 0, &err) != 0)
		fail_msg("write: %s", err.msg);
	struct bpe *inside = gpt_tokfind(path, &err);
	struct gpt *g = gpt_load(path, 0, &err);

	if (!inside || !g)
		fail_msg("bundled: %s", err.msg);
	assert_int_equal(bpe_vocab_size(inside), 261);
	assert_int_equal(g->cfg.vocab, 261);
	/* a damaged tokenizer tensor is an error, not a silent fallback */
	blob.data[blob.len / 2] ^= 0x55;
	assert_int_equal(st_write(path, ts, f.ntensors + 1, NULL, NULL, 0, &err), 0);
	assert_null(gpt_tokfind(path, &err));
	unlink(path);
	gpt_destroy(g);
	bpe_destroy(inside);
	free(ts);
	st_close(&f);
	tt_buf_fini(&blob);
	bpe_destroy(b);
}

/* Push bytes in the given pieces; the output after each piece. */
static void test_stream_holds_partial_utf8(void **state)
{
	(void)state;
	struct gpt_stream s;
	struct tt_buf out;

	tt_buf_init(&out);
	gpt_stream_init(&s, NULL, TT_ESC_KEEP_NL);
	gpt_stream_push_bytes(&s, "caf\xc3", 4, &out);
	assert_int_equal(out.len, 3);              /* "caf", the lead byte held */
	gpt_stream_push_bytes(&s, "\xa9!", 2, &out);
	assert_int_equal(out.len, 6);
	assert_memory_equal(out.data, "caf\xc3\xa9!", 6);
	/* a 4-byte emoji over three pushes */
	gpt_stream_push_bytes(&s, "\xf0\x9f", 2, &out);
	gpt_stream_push_bytes(&s, "\x98", 1, &out);
	assert_int_equal(out.len, 6);
	gpt_stream_push_bytes(&s, "\x80\n", 2, &out);
	assert_memory_equal(out.data + 6, "\xf0\x9f\x98\x80\n", 5);
	/* a control byte, a stray continuation, a lead byte cut by a new lead */
	out.len = 0;
	gpt_stream_push_bytes(&s, "\x1b[2J\x80", 5, &out);
	gpt_stream_push_bytes(&s, "\xe2\x82", 2, &out);
	gpt_stream_push_bytes(&s, "a", 1, &out);
	tt_buf_addc(&out, '\0');
	assert_string_equal(out.data, "\\x1b[2J\\x80\\xe2\\x82a");
	/* an incomplete character at the end */
	out.len = 0;
	gpt_stream_push_bytes(&s, "\xe2\x82", 2, &out);
	assert_int_equal(out.len, 0);
	gpt_stream_finish(&s, &out);
	tt_buf_addc(&out, '\0');
	assert_string_equal(out.data, "\\xe2\\x82");
	gpt_stream_fini(&s);
	tt_buf_fini(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_matches_forward),
		cmocka_unit_test(test_greedy_matches_torch),
		cmocka_unit_test(test_frozen_load_and_copy),
		cmocka_unit_test(test_same_seed_same_sample),
		cmocka_unit_test(test_sample_distribution),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_gen_model_with_bpe),
		cmocka_unit_test(test_stream_holds_partial_utf8),
		cmocka_unit_test(test_tokfind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
