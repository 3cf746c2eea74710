/*
 * gpt-layers.h - the GPT-2 layer kernels, forward and backward, as plain
 * functions with their shapes written down (llm.c's x_forward(out, inp, w,
 * b, ...) / x_backward(dinp, dw, db, dout, ...)).
 *
 * Row-major; N = B * T rows. Every backward ADDS into its gradients (dinp,
 * dw, db), so the caller zeroes them first; the only exception is
 * gpt_crossentropy_backward, which overwrites the logits with d logits.
 * Matrix products go through cblas_sgemm.
 */
#ifndef TUNETOP_GPT_LAYERS_H
#define TUNETOP_GPT_LAYERS_H

#include <stddef.h>
#include <stdint.h>

/*
 * GPT_SIMD on a loop kernel's definition: compiled twice, for baseline
 * x86-64 (SSE2) and for x86-64-v3 (AVX2 and FMA), and the dynamic loader
 * picks one for the CPU (GCC's function multiversioning through an ifunc;
 * torch dispatches its kernels at run time too). The two differ in the
 * last bits (FMA contraction). One version on other targets, with clang
 * (14 names the dispatcher "f.ifunc", which other files calling f do not
 * see), and under ThreadSanitizer, whose runtime is not ready when the
 * loader runs ifunc resolvers.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(__SANITIZE_THREAD__)
#define GPT_SIMD __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GPT_SIMD
#endif

/* out[b,t,:] = wte[tokens[b,t]] + wpe[t]   (out [B,T,C]); in the backward
 * dwte or dwpe may be NULL (frozen: skipped). */
void gpt_encoder_forward(float *out, const int32_t *tokens, const float *wte, const float *wpe,
			 uint32_t B, uint32_t T, uint32_t C);
void gpt_encoder_backward(float *dwte, float *dwpe, const float *dout, const int32_t *tokens,
			  uint32_t B, uint32_t T, uint32_t C);

/* out = (inp - mean) * rstd * w + b per row; mean, rstd [N] kept; eps 1e-5.
 * In the backward, any of dinp, dw, db may be NULL (not wanted). */
void gpt_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
			   const float *w, const float *b, size_t N, uint32_t C);
void gpt_layernorm_backward(float *dinp, float *dw, float *db, const float *dout,
			    const float *inp, const float *w, const float *mean,
			    const float *rstd, size_t N, uint32_t C);

/* out [N,OC] = inp [N,C] w [C,OC] + bias [OC] (bias may be NULL). */
void gpt_matmul_forward(float *out, const float *inp, const float *w, const float *bias,
			size_t N, uint32_t C, uint32_t OC);
/* dinp += dout w^T; dw += inp^T dout; dbias += sum rows (each may be NULL). */
void gpt_matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
			 const float *inp, const float *w, size_t N, uint32_t C, uint32_t OC);

/*
 * Causal self-attention. qkv [B,T,3C] (q, k, v, each NH heads of C/NH),
 * att [B,NH,T,T] the softmax (zero above the diagonal), out [B,T,C].
 * Dropout p on the attention weights with masks from (seed, stream);
 * p == 0 for none. scratch: 2*T*T floats.
 */
void gpt_attention_forward(float *out, float *att, const float *qkv, uint32_t B, uint32_t T,
			   uint32_t C, uint32_t NH, float p, uint64_t seed, uint64_t stream,
			   float *scratch);
void gpt_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att,
			    uint32_t B, uint32_t T, uint32_t C, uint32_t NH, float p,
			    uint64_t seed, uint64_t stream, float *scratch);

/* GPT-2's GELU (tanh approximation). */
void gpt_gelu_forward(float *out, const float *inp, size_t n);
void gpt_gelu_backward(float *dinp, const float *inp, const float *dout, size_t n);

/* out = a + b */
void gpt_residual_forward(float *out, const float *a, const float *b, size_t n);

/*
 * Inverted dropout in place: x[i] *= keep_i / (1 - p), keep_i true with
 * probability 1 - p, a pure function of (seed, stream, i); the backward is
 * the same call on the gradient. p == 0: nothing.
 */
void gpt_dropout(float *x, size_t n, float p, uint64_t seed, uint64_t stream);

/*
 * Softmax cross-entropy per row of logits [N,V]: lse[i] = log sum exp,
 * returns the summed loss over rows whose target is not -1 and sets *count
 * to their number. targets may be NULL (lse only, returns 0).
 */
double gpt_crossentropy_forward(float *lse, const float *logits, const int32_t *targets,
				size_t N, uint32_t V, uint32_t *count);
/* logits [N,V] becomes (softmax - onehot) * scale; zero rows where target is -1. */
void gpt_crossentropy_backward(float *logits, const float *lse, const int32_t *targets,
			       size_t N, uint32_t V, float scale);

/* Pooling of inp [B,T,C] into out [B,C] over the first lengths[b] tokens:
 * mean != 0 the mean, else the last of them. */
void gpt_pool_forward(float *out, const float *inp, const uint32_t *lengths, uint32_t B,
		      uint32_t T, uint32_t C, int mean);
void gpt_pool_backward(float *dinp, const float *dout, const uint32_t *lengths, uint32_t B,
		       uint32_t T, uint32_t C, int mean);

#endif
