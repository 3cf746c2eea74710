/*
 * gpt-lora.h - LoRA adapters on the GPT-2 transformer (gpt.h), as PEFT
 * makes them.
 *
 * A targeted product y = x W + b (W [in, out], GPT-2's Conv1D layout)
 * becomes
 *
 *   y = x W + b + s * drop(x) A^T B^T,   s = alpha / r
 *
 * with A [r, in] (Kaiming-uniform, bound 1/sqrt(in), as PEFT's
 * kaiming_uniform_(a = sqrt(5))) and B [out, r] (zero at the start), so a
 * new adapter leaves the model's output unchanged. Targets, as GPT-2 names
 * its modules: c_attn (fused q, k, v; in C, out 3C), attn.c_proj (C, C),
 * mlp.c_fc (C, 4C), mlp.c_proj (4C, C); the default is c_attn and
 * attn.c_proj. Dropout on x is inverted dropout with masks from the
 * model's seed (stream 2^32 + 4 l + target), active while training.
 *
 * gpt_lora_add appends, per layer and target, the views
 * h.N.<module>.lora_A.weight and h.N.<module>.lora_B.weight, <module> the
 * target's full path (attn.c_attn, attn.c_proj, mlp.c_fc, mlp.c_proj) (flag lora,
 * trainable) and freezes every base view but score.weight (a classifier's
 * head trains with its adapter, PEFT's modules_to_save). Forward keeps
 * u = drop(x) A^T [N, r] per targeted product for backward.
 *
 * Files (PEFT's): DIR/adapter_model.safetensors holds
 * base_model.model.transformer.h.N.<module>.lora_A.weight [r, in] and
 * .lora_B.weight [out, r] (F32), and base_model.model.score.weight when the
 * model has a head; DIR/adapter_config.json holds peft_type LORA, r,
 * lora_alpha, lora_dropout, target_modules, fan_in_fan_out true,
 * base_model_name_or_path (the base file) and base_model_xxh3_128 (the hex
 * XXH3-128 of the base file's bytes), which loading checks.
 */
#ifndef TUNETOP_GPT_LORA_H
#define TUNETOP_GPT_LORA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/gpt.h"

/* Target indices, and their bits in gpt_lora_config.targets. */
enum gpt_lora_t {
	GPT_LORA_T_C_ATTN,
	GPT_LORA_T_ATTN_PROJ,
	GPT_LORA_T_MLP_FC,
	GPT_LORA_T_MLP_PROJ,
	GPT_LORA_NT
};
enum {
	GPT_LORA_C_ATTN = 1u << GPT_LORA_T_C_ATTN,
	GPT_LORA_ATTN_PROJ = 1u << GPT_LORA_T_ATTN_PROJ,
	GPT_LORA_MLP_FC = 1u << GPT_LORA_T_MLP_FC,
	GPT_LORA_MLP_PROJ = 1u << GPT_LORA_T_MLP_PROJ,
	GPT_LORA_DEFAULT = GPT_LORA_C_ATTN | GPT_LORA_ATTN_PROJ
};

struct gpt_lora_config {
	uint32_t r;        /* rank, >= 1 */
	float alpha;       /* scale = alpha / r */
	float dropout;     /* on the adapter's input, [0, 1) */
	unsigned targets;  /* GPT_LORA_* bits, not 0 */
};

/* The module name of target t ("c_attn", "attn.c_proj", ...). */
const char *gpt_lora_target_name(int t);
/* "c_attn,attn.c_proj" (comma or space separated; "c_proj" means both
 * attn.c_proj and mlp.c_proj, as PEFT's suffix match does) into bits.
 * -1 + err naming the unknown module. */
int gpt_lora_parse_targets(const char *list, unsigned *out, struct tt_err *err);

/*
 * Add adapters (A from seed) and freeze the base (see the top); lays the
 * grads arena out again. g->views grows (it may move: take view pointers
 * after this). -1 + err on a bad configuration or when the model already
 * has adapters.
 */
int gpt_lora_add(struct gpt *g, const struct gpt_lora_config *c, uint64_t seed,
		 struct tt_err *err);
/* The adapters' configuration, or NULL when the model has none. */
const struct gpt_lora_config *gpt_lora_config_of(const struct gpt *g);
/* Remove the adapters (unmerged first if merged, which gives the base
 * weights back within rounding): the base views are all
 * trainable again, the grads arena laid out again. No-op without any. */
void gpt_lora_remove(struct gpt *g);
/* Fold the adapters into the base weights (W += s (B A)^T) and stop
 * applying them; unmerge subtracts them again. Idempotent. */
void gpt_lora_merge(struct gpt *g);
void gpt_lora_unmerge(struct gpt *g);
/* Add src's adapters (unless merged) into dst's base weights; dst has
 * src's shapes (a frozen copy for generation). src is not changed. */
void gpt_lora_fold_into(const struct gpt *src, struct gpt *dst);

/* The hex XXH3-128 of a file's bytes into out[33]. -1 + err. */
int gpt_file_hash(const char *path, char out[33], struct tt_err *err);

/* Write DIR/adapter_model.safetensors and DIR/adapter_config.json
 * (atomically each; DIR is created when missing). base_path names the base
 * file in the config, with its hash (NULL: neither, as a PEFT adapter
 * whose base is unknown). -1 + err. */
int gpt_lora_save(const struct gpt *g, const char *dir, const char *base_path,
		  struct tt_err *err);
/* Read DIR's config into *c (targets, rank...) and, when base_file is not
 * NULL, a copy of base_model_name_or_path (free it). -1 + err. */
int gpt_lora_read_config(const char *dir, struct gpt_lora_config *c, char **base_file,
			 struct tt_err *err);
/*
 * Load DIR's adapter onto g (which has no adapters yet): checks, when
 * base_path is not NULL, that the base file's hash is the config's, then
 * adds the adapters and copies every tensor (shapes checked; errors name
 * the tensor), the head included. -1 + err.
 */
int gpt_lora_load(struct gpt *g, const char *dir, const char *base_path, struct tt_err *err);

/* ---- hooks for gpt.c and gpt-forward.c ---- */

/* out [N, out] += s drop(inp) A^T B^T for layer l's target t (no-op
 * without that adapter or when merged). */
void gpt_lora_forward(struct gpt *g, uint32_t l, int t, float *out, const float *inp, size_t N);
/* dA, dB += their gradients; dinp (may be NULL) += the input's. */
void gpt_lora_backward(struct gpt *g, uint32_t l, int t, float *dinp, const float *dout,
		       const float *inp, size_t N);
/* Has layer l an adapter with a gradient? */
int gpt_lora_layer_trainable(const struct gpt *g, uint32_t l);
/* Size the per-batch buffers for g->Bmax x g->Tmax (gpt_reserve calls it). */
void gpt_lora_reserve(struct gpt *g);
size_t gpt_lora_act_bytes(const struct gpt *g);
void gpt_lora_free(struct gpt *g);

#endif
