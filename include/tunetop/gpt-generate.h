/*
 * gpt-generate.h - text generation with a GPT-2 model (gpt.h): incremental
 * decoding over a key/value cache, and sampling (greedy, temperature,
 * top-k, seeded).
 *
 *   struct gpt_kv kv;                         one cache per sequence
 *   gpt_kv_init(&kv, g, positions, &err);     positions <= g->cfg.ctx
 *   gpt_kv_forward(&kv, g, ids, n, logits, all, &err);   feed n more tokens
 *   gpt_kv_fini(&kv);
 *
 * or, in one call, gpt_generate(g, prompt, n, &opts, on_token, ctx,
 * cancel, &result, &err).
 *
 * The cache holds, for every layer, the keys and values of the positions
 * fed so far ([L, positions, C] each); feeding a token computes its
 * query, key and value only and attends over the cache, so one new token
 * costs one pass over the weights instead of a forward over the whole
 * sequence. The model is only read (its activation arena is not used), so
 * a trainer's forward and a generation may use one struct gpt in turn;
 * several generations may share it at once, each with its own cache.
 *
 * At the context limit (ctx positions, GPT-2's 1024) generation stops:
 * every token of prompt + output has a learned position, none is dropped
 * (sliding the window would mean recomputing the whole cache per token,
 * since positions are absolute). result->stop says why it stopped.
 */
#ifndef TUNETOP_GPT_GENERATE_H
#define TUNETOP_GPT_GENERATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "tunetop/gpt.h"

struct gpt_kv {
	uint32_t cap;     /* positions the cache holds at most (<= ctx) */
	uint32_t n;       /* positions fed so far */
	uint32_t L, C;
	float *k, *v;     /* [L, cap, C] each: heads side by side in a row */
	/* scratch for up to cap rows at once */
	float *x;         /* [cap, C] residual stream */
	float *ln;        /* [cap, C] */
	float *qkv;       /* [cap, 3C] */
	float *atty;      /* [cap, C] */
	float *tmp;       /* [cap, C] */
	float *fch;       /* [cap, 4C] */
	float *att;       /* [cap, cap] one head's scores */
	float *mean, *rstd; /* [cap] */
};

/* A cache for up to positions tokens (1..g->cfg.ctx). 0, or -1 with err. */
int gpt_kv_init(struct gpt_kv *kv, const struct gpt *g, uint32_t positions, struct tt_err *err);
void gpt_kv_fini(struct gpt_kv *kv);
/* Forget the positions fed (the memory stays). */
void gpt_kv_reset(struct gpt_kv *kv);

/*
 * Feed tokens[0..n) at positions kv->n .. kv->n + n - 1 (a prompt at
 * once, then one token a step), appending their keys and values. logits:
 * all false, [V] of the last token; all true, [n, V] for each of them
 * (what gpt_forward gives over the whole sequence at those positions).
 * logits may be NULL (only fill the cache). 0, or -1 with err when a
 * token is outside the vocabulary or the cache is full.
 */
int gpt_kv_forward(struct gpt_kv *kv, const struct gpt *g, const int32_t *tokens, uint32_t n,
		   float *logits, bool all, struct tt_err *err);

/*
 * A frozen copy of src (gpt_create_frozen: no gradients) with src's
 * weights, LoRA adapters folded in, dropout 0: what a generation reads
 * while src goes on training. src is only read. NULL + err.
 */
struct gpt *gpt_copy_frozen(const struct gpt *src, struct tt_err *err);

/* ---- sampling ---------------------------------------------------------- */

struct gpt_sample_opts {
	float temperature;  /* 0: greedy (the first of the largest logits) */
	uint32_t top_k;     /* keep the k largest logits; 0: all. 1 is greedy */
	uint32_t limit;     /* sample among ids < limit (a tokenizer smaller than the
			       model's vocabulary); 0: every id */
};

/* splitmix64: one word of state, so a seed replays a sample exactly. */
struct gpt_rng {
	uint64_t s;
};
void gpt_rng_seed(struct gpt_rng *r, uint64_t seed);
uint64_t gpt_rng_next(struct gpt_rng *r);

/*
 * One id drawn from softmax(logits / temperature) over the top_k largest
 * (ties at the k-th value all kept) of logits[0..limit). scratch: V
 * floats. logits is not changed.
 */
int32_t gpt_sample(const float *logits, uint32_t V, const struct gpt_sample_opts *o,
		   struct gpt_rng *rng, float *scratch);

/* ---- generation -------------------------------------------------------- */

struct gpt_gen_opts {
	uint32_t max_tokens;     /* new tokens at most */
	struct gpt_sample_opts sample;
	uint64_t seed;
	int32_t stop_token;      /* stop after producing it (<|endoftext|>); -1: none */
};

enum gpt_gen_stop {
	GPT_GEN_MAX_TOKENS,  /* max_tokens produced */
	GPT_GEN_STOP_TOKEN,  /* stop_token produced (it is passed to on_token too) */
	GPT_GEN_CONTEXT,     /* prompt + output filled the context */
	GPT_GEN_CANCELLED,   /* *cancel became true */
	GPT_GEN_CALLER,      /* on_token returned nonzero */
};

struct gpt_gen_result {
	enum gpt_gen_stop stop;
	uint32_t prompt;     /* prompt tokens */
	uint32_t produced;   /* new tokens */
	double prefill_s;    /* seconds for the prompt, and for the new tokens */
	double decode_s;
};

/*
 * Called with every new token as it is produced; nonzero stops.
 */
typedef int (*gpt_gen_token_fn)(void *ctx, int32_t token);

/*
 * Continue prompt[0..n) (1 <= n <= ctx) for up to o->max_tokens tokens,
 * calling on_token (may be NULL) with each. cancel (may be NULL) is read
 * before every token, so another thread may set it. The output tokens are
 * also appended to out (may be NULL; out must hold max_tokens ids).
 * 0 (result says why it stopped), or -1 with err (a bad prompt or option).
 */
int gpt_generate(const struct gpt *g, const int32_t *prompt, uint32_t n,
		 const struct gpt_gen_opts *o, gpt_gen_token_fn on_token, void *ctx,
		 const atomic_bool *cancel, int32_t *out, struct gpt_gen_result *result,
		 struct tt_err *err);

/* "max_tokens", "stop token", "context full", "cancelled", "stopped by caller". */
const char *gpt_gen_stop_name(enum gpt_gen_stop s);

#endif
