/*
 * gpt-layers.c - GPT-2's layer kernels, forward and backward (shapes in
 * gpt-layers.h).
 *
 * Design note
 * -----------
 * The weights are in Hugging Face's Conv1D layout [in, out], so a linear
 * layer is out = inp w + b with row-major inp [N, C] and w [C, OC]:
 *
 *   forward   out   = inp w          sgemm(N, N)  (out preset to the bias)
 *   backward  dinp += dout w^T       sgemm(N, T)
 *             dw   += inp^T dout     sgemm(T, N)
 *
 * Attention runs per (sequence, head) as four small products over strided
 * views of qkv (leading dimension 3C), so q, k and v are never copied:
 *
 *   S = scale q k^T [T,T];  A = causal softmax(S);  Ad = dropout(A);  y = Ad v
 *   dAd = dy v^T;  dv += Ad^T dy;  dA = dAd * mask;
 *   dS = A * (dA - rowsum(A * dA));  dq += scale dS k;  dk += scale dS^T q
 *
 * The full T x T product is computed and the upper triangle ignored (zeroed
 * after the softmax): twice the flops of a masked kernel, but one sgemm.
 * Dropout masks are a hash of (seed, stream, index), so backward recomputes
 * them instead of storing them.
 *
 * Elementwise kernels are loops on the caller's thread, written so that
 * the compiler vectorizes them (this file is built with -O3
 * -fno-math-errno -fno-trapping-math; exp is our own branch-free one;
 * GPT_SIMD adds an AVX2+FMA version); the products use OpenBLAS's threads.
 * Threading the elementwise loops too is the next step (they are ~10-15%
 * of a step at the small preset's size, the products the rest).
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "tunetop/gpt-layers.h"

/*
 * exp for the GELU, softmax and cross-entropy loops: Cephes' expf
 * (x = n ln 2 + r, |r| <= ln 2 / 2, a degree-7 polynomial for e^r, 2^n
 * through the exponent bits), about 2e-7 relative error, with no call
 * and no branch so that the loops around it vectorize. x is clamped to
 * [-87.3, 88.3]: e^x is then a normal float (below, 1e-38 stands for 0).
 */
static inline float fast_exp(float x)
{
	x = x < -87.3f ? -87.3f : x;
	x = x > 88.3f ? 88.3f : x;
	/* round to nearest through the 2^23 + 2^22 trick (|n| < 2^22) */
	float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
	float r = x - n * 0.693359375f + n * 2.12194440e-4f;
	float p = 1.9875691500e-4f;

	p = p * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * r * r + r + 1.0f;
	int32_t bits = ((int32_t)n + 127) << 23;
	float scale;

	memcpy(&scale, &bits, sizeof scale);
	return p * scale;
}

/*
 * Sums with 8 partial accumulators, so the compiler may vectorize them
 * (a plain float sum is one dependency chain it must keep in order).
 */
GPT_SIMD static float sum_exp(const float *x, size_t n, float shift)
{
	float acc[8] = {0};
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		for (int k = 0; k < 8; k++)
			acc[k] += fast_exp(x[i + k] - shift);
	for (; i < n; i++)
		acc[0] += fast_exp(x[i] - shift);
	return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/*
 * tanh(u) = 1 - 2 / (e^{2u} + 1): absolute error a few 1e-7 (the relative
 * error grows only where |tanh| is tiny, and the GELU multiplies it by x).
 */
static inline float fast_tanh(float u)
{
	return 1.0f - 2.0f / (fast_exp(2.0f * u) + 1.0f);
}

GPT_SIMD void gpt_encoder_forward(float *out, const int32_t *tokens, const float *wte,
				  const float *wpe, uint32_t B, uint32_t T, uint32_t C)
{
	for (size_t b = 0; b < B; b++) {
		for (size_t t = 0; t < T; t++) {
			float *o = out + (b * T + t) * C;
			const float *e = wte + (size_t)tokens[b * T + t] * C;
			const float *p = wpe + t * C;

			for (size_t i = 0; i < C; i++)
				o[i] = e[i] + p[i];
		}
	}
}

GPT_SIMD void gpt_encoder_backward(float *dwte, float *dwpe, const float *dout,
				   const int32_t *tokens, uint32_t B, uint32_t T, uint32_t C)
{
	for (size_t b = 0; b < B; b++) {
		for (size_t t = 0; t < T; t++) {
			const float *d = dout + (b * T + t) * C;

			if (dwte) {
				float *de = dwte + (size_t)tokens[b * T + t] * C;

				for (size_t i = 0; i < C; i++)
					de[i] += d[i];
			}
			if (dwpe) {
				float *dp = dwpe + t * C;

				for (size_t i = 0; i < C; i++)
					dp[i] += d[i];
			}
		}
	}
}

GPT_SIMD void gpt_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
			   const float *w, const float *b, size_t N, uint32_t C)
{
	for (size_t r = 0; r < N; r++) {
		const float *x = inp + r * C;
		float *o = out + r * C;
		float m = 0.0f, v = 0.0f;

		for (uint32_t i = 0; i < C; i++)
			m += x[i];
		m /= (float)C;
		for (uint32_t i = 0; i < C; i++)
			v += (x[i] - m) * (x[i] - m);
		v /= (float)C;
		float s = 1.0f / sqrtf(v + 1e-5f);

		for (uint32_t i = 0; i < C; i++)
			o[i] = (x[i] - m) * s * w[i] + b[i];
		mean[r] = m;
		rstd[r] = s;
	}
}

GPT_SIMD void gpt_layernorm_backward(float *dinp, float *dw, float *db, const float *dout,
			    const float *inp, const float *w, const float *mean,
			    const float *rstd, size_t N, uint32_t C)
{
	for (size_t r = 0; r < N; r++) {
		const float *d = dout + r * C;
		const float *x = inp + r * C;
		float m = mean[r], s = rstd[r];
		float dmean = 0.0f, dnorm_mean = 0.0f;

		for (uint32_t i = 0; i < C; i++) {
			float n = (x[i] - m) * s;
			float dn = w[i] * d[i];

			dmean += dn;
			dnorm_mean += dn * n;
		}
		dmean /= (float)C;
		dnorm_mean /= (float)C;
		if (db)
			for (uint32_t i = 0; i < C; i++)
				db[i] += d[i];
		if (dw)
			for (uint32_t i = 0; i < C; i++)
				dw[i] += (x[i] - m) * s * d[i];
		if (dinp) {
			float *dx = dinp + r * C;

			for (uint32_t i = 0; i < C; i++) {
				float n = (x[i] - m) * s;
				float dn = w[i] * d[i];

				dx[i] += (dn - dmean - n * dnorm_mean) * s;
			}
		}
	}
}

void gpt_matmul_forward(float *out, const float *inp, const float *w, const float *bias,
			size_t N, uint32_t C, uint32_t OC)
{
	float beta = 0.0f;

	if (bias) {
		for (size_t r = 0; r < N; r++)
			memcpy(out + r * OC, bias, OC * sizeof(float));
		beta = 1.0f;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)OC, (int)C, 1.0f, inp,
		    (int)C, w, (int)OC, beta, out, (int)OC);
}

GPT_SIMD void gpt_matmul_backward(float *dinp, float *dw, float *dbias, const float *dout,
			 const float *inp, const float *w, size_t N, uint32_t C, uint32_t OC)
{
	if (dinp)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)C, (int)OC, 1.0f,
			    dout, (int)OC, w, (int)OC, 1.0f, dinp, (int)C);
	if (dw)
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)C, (int)OC, (int)N, 1.0f,
			    inp, (int)C, dout, (int)OC, 1.0f, dw, (int)OC);
	if (dbias) {
		for (size_t r = 0; r < N; r++) {
			const float *d = dout + r * OC;

			for (uint32_t o = 0; o < OC; o++)
				dbias[o] += d[o];
		}
	}
}

/* splitmix64's output function. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

GPT_SIMD void gpt_dropout(float *x, size_t n, float p, uint64_t seed, uint64_t stream)
{
	if (p <= 0.0f)
		return;
	uint64_t base = mix64(seed ^ mix64(stream + 0x9e3779b97f4a7c15ULL));
	/* keep when the top 24 bits, as a fraction, are >= p */
	uint32_t threshold = (uint32_t)(p * 16777216.0f);
	float keep = 1.0f / (1.0f - p);

	for (size_t i = 0; i < n; i++) {
		uint32_t r = (uint32_t)(mix64(base + i * 0x9e3779b97f4a7c15ULL) >> 40);

		x[i] = r >= threshold ? x[i] * keep : 0.0f;
	}
}

/* Row t of a causal softmax over s[0..t]; zero after. */
GPT_SIMD static void softmax_causal_row(float *row, uint32_t t, uint32_t T)
{
	float mx = row[0];

	for (uint32_t j = 1; j <= t; j++)
		if (row[j] > mx)
			mx = row[j];
	float sum = 0.0f;

	for (uint32_t j = 0; j <= t; j++)
		row[j] = fast_exp(row[j] - mx);
	for (uint32_t j = 0; j <= t; j++)
		sum += row[j];
	float inv = 1.0f / sum;

	for (uint32_t j = 0; j <= t; j++)
		row[j] *= inv;
	for (uint32_t j = t + 1; j < T; j++)
		row[j] = 0.0f;
}

/* The dropout stream of head (b, h) of an attention layer. */
static uint64_t att_stream(uint64_t stream, size_t b, uint32_t h, uint32_t NH)
{
	return stream * 1000003u + b * NH + h;
}

void gpt_attention_forward(float *out, float *att, const float *qkv, uint32_t B, uint32_t T,
			   uint32_t C, uint32_t NH, float p, uint64_t seed, uint64_t stream,
			   float *scratch)
{
	uint32_t hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);
	size_t TT = (size_t)T * T;

	for (size_t b = 0; b < B; b++) {
		for (uint32_t h = 0; h < NH; h++) {
			const float *q = qkv + b * T * C3 + h * hs;
			const float *k = q + C;
			const float *v = q + 2 * C;
			float *a = att + (b * NH + h) * TT;
			const float *ad = a;

			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)T, (int)T, (int)hs,
				    scale, q, (int)C3, k, (int)C3, 0.0f, a, (int)T);
			for (uint32_t t = 0; t < T; t++)
				softmax_causal_row(a + (size_t)t * T, t, T);
			if (p > 0.0f) {
				memcpy(scratch, a, TT * sizeof(float));
				gpt_dropout(scratch, TT, p, seed, att_stream(stream, b, h, NH));
				ad = scratch;
			}
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)hs, (int)T,
				    1.0f, ad, (int)T, v, (int)C3, 0.0f, out + b * T * C + h * hs,
				    (int)C);
		}
	}
}

GPT_SIMD void gpt_attention_backward(float *dqkv, const float *dout, const float *qkv,
				     const float *att, uint32_t B, uint32_t T, uint32_t C,
				     uint32_t NH, float p, uint64_t seed, uint64_t stream,
				     float *scratch)
{
	uint32_t hs = C / NH, C3 = 3 * C;
	float scale = 1.0f / sqrtf((float)hs);
	size_t TT = (size_t)T * T;
	float *da = scratch, *ad_buf = scratch + TT;

	for (size_t b = 0; b < B; b++) {
		for (uint32_t h = 0; h < NH; h++) {
			size_t off = b * T * C3 + h * hs;
			const float *q = qkv + off, *k = q + C, *v = q + 2 * C;
			float *dq = dqkv + off, *dk = dq + C, *dv = dq + 2 * C;
			const float *dy = dout + b * T * C + h * hs;
			const float *a = att + (b * NH + h) * TT;
			const float *ad = a;
			uint64_t st = att_stream(stream, b, h, NH);

			if (p > 0.0f) {
				memcpy(ad_buf, a, TT * sizeof(float));
				gpt_dropout(ad_buf, TT, p, seed, st);
				ad = ad_buf;
			}
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)T, (int)T, (int)hs,
				    1.0f, dy, (int)C, v, (int)C3, 0.0f, da, (int)T);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)T, (int)hs, (int)T,
				    1.0f, ad, (int)T, dy, (int)C, 1.0f, dv, (int)C3);
			if (p > 0.0f)
				gpt_dropout(da, TT, p, seed, st);
			for (uint32_t t = 0; t < T; t++) {
				const float *ar = a + (size_t)t * T;
				float *dr = da + (size_t)t * T;
				float dot = 0.0f;

				for (uint32_t j = 0; j <= t; j++)
					dot += ar[j] * dr[j];
				for (uint32_t j = 0; j <= t; j++)
					dr[j] = ar[j] * (dr[j] - dot);
				for (uint32_t j = t + 1; j < T; j++)
					dr[j] = 0.0f;
			}
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)hs, (int)T,
				    scale, da, (int)T, k, (int)C3, 1.0f, dq, (int)C3);
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)T, (int)hs, (int)T,
				    scale, da, (int)T, q, (int)C3, 1.0f, dk, (int)C3);
		}
	}
}

#define GPT_GELU_K 0.7978845608028654f /* sqrt(2 / pi) */

GPT_SIMD void gpt_gelu_forward(float *out, const float *inp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float x = inp[i];

		out[i] = 0.5f * x * (1.0f + fast_tanh(GPT_GELU_K * (x + 0.044715f * x * x * x)));
	}
}

GPT_SIMD void gpt_gelu_backward(float *dinp, const float *inp, const float *dout, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		float x = inp[i];
		float th = fast_tanh(GPT_GELU_K * (x + 0.044715f * x * x * x));
		float sech2 = 1.0f - th * th;
		float g = 0.5f * (1.0f + th) +
			  0.5f * x * sech2 * GPT_GELU_K * (1.0f + 3.0f * 0.044715f * x * x);

		dinp[i] += g * dout[i];
	}
}

GPT_SIMD void gpt_residual_forward(float *out, const float *a, const float *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = a[i] + b[i];
}

GPT_SIMD double gpt_crossentropy_forward(float *lse, const float *logits, const int32_t *targets,
				size_t N, uint32_t V, uint32_t *count)
{
	double loss = 0.0;
	uint32_t n = 0;

	for (size_t r = 0; r < N; r++) {
		const float *l = logits + r * V;
		float mx = l[0];

		for (uint32_t i = 1; i < V; i++)
			if (l[i] > mx)
				mx = l[i];
		lse[r] = mx + logf(sum_exp(l, V, mx));
		if (targets && targets[r] >= 0) {
			loss += (double)lse[r] - (double)l[targets[r]];
			n++;
		}
	}
	if (count)
		*count = n;
	return loss;
}

GPT_SIMD void gpt_crossentropy_backward(float *logits, const float *lse, const int32_t *targets,
			       size_t N, uint32_t V, float scale)
{
	for (size_t r = 0; r < N; r++) {
		float *l = logits + r * V;

		if (targets[r] < 0) {
			memset(l, 0, V * sizeof(float));
			continue;
		}
		for (uint32_t i = 0; i < V; i++)
			l[i] = fast_exp(l[i] - lse[r]) * scale;
		l[targets[r]] -= scale;
	}
}

void gpt_pool_forward(float *out, const float *inp, const uint32_t *lengths, uint32_t B,
		      uint32_t T, uint32_t C, int mean)
{
	for (size_t b = 0; b < B; b++) {
		float *o = out + b * C;
		uint32_t n = lengths[b];

		if (!mean) {
			memcpy(o, inp + (b * T + n - 1) * C, C * sizeof(float));
			continue;
		}
		memset(o, 0, C * sizeof(float));
		for (uint32_t t = 0; t < n; t++) {
			const float *x = inp + (b * T + t) * C;

			for (uint32_t i = 0; i < C; i++)
				o[i] += x[i];
		}
		for (uint32_t i = 0; i < C; i++)
			o[i] /= (float)n;
	}
}

void gpt_pool_backward(float *dinp, const float *dout, const uint32_t *lengths, uint32_t B,
		       uint32_t T, uint32_t C, int mean)
{
	for (size_t b = 0; b < B; b++) {
		const float *d = dout + b * C;
		uint32_t n = lengths[b];
		uint32_t first = mean ? 0 : n - 1;
		float w = mean ? 1.0f / (float)n : 1.0f;

		for (uint32_t t = first; t < n; t++) {
			float *dx = dinp + (b * T + t) * C;

			for (uint32_t i = 0; i < C; i++)
				dx[i] += d[i] * w;
		}
	}
}
