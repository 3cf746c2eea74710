/*
 * trainer-impl.h - the trainer's insides, shared by trainer.c (thread,
 * messages, publication), trainer-run.c (data, model, evaluation),
 * trainer-step.c (optimizer steps and rounds) and trainer-ckpt.c
 * (checkpoints). Not for other modules: use trainer.h.
 */
#ifndef TUNETOP_TRAINER_IMPL_H
#define TUNETOP_TRAINER_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "tunetop/chan.h"
#include "tunetop/model.h"
#include "tunetop/optim.h"
#include "tunetop/sched.h"
#include "tunetop/tokenize.h"
#include "tunetop/tokenizer.h"
#include "tunetop/trainer.h"

struct trainer_msg {
	uint64_t id;
	enum trainer_msg_type type;
	char *key;
	char *value;
	uint64_t n;
	struct trainer_input *input;
};

/* Hyperparameters in effect, read from the trainer's cfg before each round. */
struct trainer_hp {
	double base_lr;
	enum sched_kind schedule;
	uint64_t warmup;
	uint32_t batch;
	uint32_t epochs;
	uint32_t threads;
	uint64_t seed;
	enum optim_kind optim;
	uint64_t eval_every;
	uint64_t log_every;
	uint32_t patience;
	uint64_t max_steps;             /* 0: none */
	uint32_t context;               /* gpt: most tokens of an example */
	struct model_hparams model;
};

/* Tokenized data: token ids per record and the labeled rows per split. */
struct trainer_data {
	uint32_t *ids;
	uint64_t *off;                  /* [n + 1] */
	uint32_t *rows[DS_NSPLITS];     /* labeled record indices per split */
	size_t nrows[DS_NSPLITS];
	uint64_t train_tokens;
	uint32_t *perm;                 /* this epoch's order of train rows */
	/* objective lm (trainer-gpt.c): rows are chunks of these, not records */
	uint32_t *lm_ids;
	uint64_t *lm_off;               /* [lm_nchunks + 1] */
	size_t lm_nchunks;
};

/* How many handled messages keep their outcome for trainer_reply. */
enum { TRAINER_REPLIES = 16 };

struct trainer {
	/* ---- shared: guarded by lock ---- */
	pthread_mutex_t lock;
	pthread_cond_t cond;            /* handled messages, state changes */
	struct trainer_snapshot snap;
	struct trainer_point *points;
	size_t npoints, points_cap;
	struct trainer_event *events;
	size_t nevents, events_cap;
	struct trainer_predictions preds;
	uint64_t next_id;
	uint64_t handled_id;            /* messages are handled in order */
	/* The outcome of the last TRAINER_REPLIES messages, at id % TRAINER_REPLIES. */
	struct trainer_outcome {
		uint64_t id;
		int rc;
		char reply[1024];
	} outcomes[TRAINER_REPLIES];
	double last_wake;
	struct chan inbox;              /* UI -> trainer messages */
	struct chan news;               /* only its wake pipe: trainer -> UI */
	atomic_int interrupt;           /* a message is waiting: end the round */
	atomic_int want_predictions;    /* someone reads them: compute at epoch ends */
	atomic_int want_probs;          /* ...with every class's probability */
	atomic_int want_layers;         /* someone shows them: per-layer statistics */
	pthread_t thread;

	/* ---- the trainer thread's own ---- */
	struct cfg cfg;
	struct trainer_hp hp;
	struct trainer_input *in;
	struct trainer_input *pending;  /* reload at the next step */
	struct trainer_data data;
	struct tokenizer *tok;          /* the model's: encodes every text */
	struct model *model;
	struct optim *opt;              /* NULL on the SGD fast path (model_sgd_fast) */
	struct model_ws *ws;            /* the trainer thread's scratch */
	float *class_weights;
	double pred_next;               /* tt_now() before which epoch ends skip predicting */
	enum trainer_state state;
	int quit;
	int diverged;
	char *out_dir;
	char *resume_from;
	FILE *log;                      /* out_dir/metrics.jsonl */
	uint64_t step;
	uint32_t epoch;
	size_t pos;                     /* next position in the epoch's order */
	uint64_t pause_at;              /* UINT64_MAX: none */
	uint64_t next_point;
	uint64_t next_eval;
	double loss_sum;                /* since the last point */
	uint64_t loss_steps;
	uint64_t tokens_since;
	double time_since;
	double run_seconds;
	uint64_t run_steps;             /* steps taken in run_seconds (ETA) */
	double tokens_per_sec;
	double best;
	uint64_t best_step;
	uint32_t since_best;
	double lr_now;
	/* general-path step times (trainer-step.c), for step_ms_median */
	float *step_ms;
	size_t nstep_ms, step_ms_cap;
	uint64_t steps_timed;
	double step_ms_median;
	struct distill_soft *soft;      /* distill_teacher's probabilities, or NULL */
	/* pruning (trainer-prune.c): NULL when the run is not pruned */
	struct gpt_prune *prune;
	double prune_measured;          /* its last measured sparsity */
	/* per-layer statistics (trainer-layers.c): NULL until the first point */
	struct trainer_lstats *lstats;
	struct trainer_layers layers;   /* published: guarded by lock */
	/* model gpt: published as snap.flops_per_token / peak_gflops (trainer-flops.c) */
	double flops_per_token;
	double peak_gflops;
	uint32_t peak_threads;          /* the thread count peak_gflops is for; 0: none yet */
	bool peak_rechecked;            /* trainer_gpt_peak_check measured it again */
	/* guarded by lock: a copy for generation until the caller takes it (trainer-copy.c) */
	struct {
		struct gpt *g;
		struct bpe *b;
		uint64_t step;
	} copy;
};

/* trainer-run.c */
/* Every input text normalized once, for vocabulary and features (trainer-norm.c). */
struct trainer_norm {
	size_t n;
	struct tt_buf buf[2];           /* the two halves' normalized texts */
	size_t *off;                    /* [n] into its half's buffer */
	size_t *len;                    /* [n] */
	size_t *nwords;                 /* [n] what tok_normalize returned */
	const char **text;              /* [n] the normalized text of record i */
};
void trainer_norm_build(struct trainer_norm *nm, const struct trainer_input *in,
			const struct tok_config *cfg);
void trainer_norm_fini(struct trainer_norm *nm);
/* The record where the first half of the text bytes ends (work split in two). */
size_t trainer_norm_middle(const struct trainer_input *in);
/* Record row as an example (tokens and label targets). */
void trainer_example(const struct trainer *t, uint32_t row, struct model_example *ex);

int trainer_prepare(struct trainer *t, struct tt_err *err);
void trainer_release(struct trainer *t);
void trainer_read_hp(struct trainer *t);
void trainer_after_round(struct trainer *t);
void trainer_data_reencode(struct trainer *t);
void trainer_reweight(struct trainer *t);
void trainer_predict_all(struct trainer *t);
uint64_t trainer_steps_per_epoch(const struct trainer *t);
uint64_t trainer_total_steps(const struct trainer *t);
void trainer_evaluate(struct trainer *t, enum ds_split split, struct metrics_report *out);
double trainer_metric_value(const struct trainer *t, const struct metrics_report *r);
int trainer_apply_input(struct trainer *t, struct trainer_input *in, struct tt_err *err);

/* Every record's ids through t->tok, then the rows of each split (chunks for lm). */
void trainer_encode(struct trainer *t, const struct trainer_norm *nm);

/* trainer-gpt.c: model gpt */
int trainer_is_gpt(const struct trainer *t);
/* 1 for a language-model run (model gpt, objective lm). */
int trainer_is_lm(const struct trainer *t);
/* A gpt run's tokenizer (init file's or a learned BPE; with init, the model too), and the ids. */
int trainer_gpt_tokenizer(struct trainer *t, struct tt_err *err);
/* OpenBLAS's threads from the threads option (model gpt only). */
void trainer_gpt_threads(const struct trainer *t);
/* The gpt model (unless init made it), OpenBLAS's threads set. */
int trainer_gpt_model(struct trainer *t, struct tt_err *err);
/* The lm chunks of each split from the records' ids (rows = chunk numbers). */
void trainer_lm_chunks(struct trainer *t);
void trainer_lm_example(const struct trainer *t, uint32_t row, struct model_example *ex);
/* A gpt classifier's probabilities on a split's records, in batches, into acc. */
void trainer_gpt_eval_classify(struct trainer *t, enum ds_split split, struct metrics_eval *acc);
/* Loss (mean per target token) and next-token accuracy of a split. */
void trainer_lm_evaluate(struct trainer *t, enum ds_split split, struct metrics_report *out);

/* trainer-ftmodes.c: freeze, LoRA, checkpointing, accumulation (gpt) */
/* Apply the run's modes to its new model, before the optimizer; -1 + err
 * (an n-gram run with a gpt-only option set, a bad target list...). */
int trainer_modes_apply(struct trainer *t, struct tt_err *err);
/* Trainable and total parameters, optimizer bytes into the snapshot. */
void trainer_modes_publish(struct trainer *t);
/* Examples per micro-batch (grad_accum) of a step of n. */
uint32_t trainer_micro_batch(const struct trainer *t, uint32_t n);
/* forward + backward of a step's batch in grad_accum micro-batches; the mean loss. */
double trainer_accum_forward_backward(struct trainer *t, struct model_ws *ws,
				      const struct model_example *ex, size_t n,
				      const struct model_hparams *hp, struct model_rng *rng);
/* out_dir/NAME.safetensors, or for a LoRA run its adapter (out_dir, out_dir/best). */
int trainer_save_model(struct trainer *t, const char *name, struct tt_err *err);
/* The weights with the adapters folded in, as a model file (the run untouched). */
int trainer_save_merged(struct trainer *t, const char *path, struct tt_err *err);
/* trainer-flops.c: FLOPs per token and the sgemm peak of a gpt run (again after `set threads`) */
void trainer_gpt_flops(struct trainer *t);
/* A run faster than the peak: measure the peak again, once (trainer-flops.c). */
void trainer_gpt_peak_check(struct trainer *t);

/* trainer-copy.c: TRAINER_COPY_GPT's handler; free a copy nobody took (destroy) */
int trainer_msg_copy(struct trainer *t, char *reply, size_t n);
void trainer_copy_fini(struct trainer *t);

/* trainer-step.c */
/* 1 when steps take the model's fused Hogwild SGD (no optimizer object). */
int trainer_fast_path(const struct trainer *t);
/* The optimizer the run's settings ask for (none on the fast path); -1 + err. */
int trainer_make_optim(struct trainer *t, struct tt_err *err);
void trainer_run_round(struct trainer *t);
/* The median of the step times so far (NAN when none), into t->step_ms_median. */
void trainer_step_median(struct trainer *t);

/* trainer-distill.c: distill_teacher (distill.h) */
struct distill_soft;
void trainer_distill_free(struct trainer *t);
/* The teacher pass when the run starts (nothing without distill_teacher); -1 + err. */
int trainer_distill_prepare(struct trainer *t, struct tt_err *err);
/* After new labels or splits: the soft targets again (mostly from the cache). */
void trainer_distill_reload(struct trainer *t);
/* alpha (0 when off) and the temperature into t->hp.model. */
void trainer_distill_hp(struct trainer *t);
/* 1 if record i trains without a label (unlabeled, with a soft target). */
int trainer_distill_row(const struct trainer *t, size_t i);
/* Record row's soft target [nlabels], or NULL. */
const float *trainer_distill_soft(const struct trainer *t, uint32_t row);
/* A started run: the event in metrics.jsonl and a note after the reply. */
void trainer_distill_started(struct trainer *t, char *reply, size_t n);
/* trainer-prune.c: magnitude pruning of a gpt run (gpt-prune.h) */
/* At a run's start: prune to prune_sparsity if it is > 0 (gpt only); -1 + err. */
int trainer_prune_start(struct trainer *t, struct tt_err *err);
/* After backward: pruned weights get no gradient. After the update: back to zero. */
void trainer_prune_grads(struct trainer *t);
void trainer_prune_weights(struct trainer *t);
/* The `prune` message: value = sparsity, key = scope or NULL. */
int trainer_prune_msg(struct trainer *t, const char *value, const char *scope, char *reply,
		      size_t n);
/*
 * Zeros in the pruned matrices, or NAN when the run is not pruned: counted
 * again unless the run is running (a pass over the matrices; the masks keep
 * it constant between two prunes anyway).
 */
double trainer_prune_sparsity(struct trainer *t);
void trainer_prune_free(struct trainer *t);

/* trainer-layers.c: per-layer gradient norms and update ratios at logged points */
void trainer_layers_point(struct trainer *t);
void trainer_layers_free(struct trainer *t);

/* trainer.c: publication, used by the run */
struct json_t;
/* One line of metrics.jsonl (takes the reference); a failed write ends the log. */
void trainer_log_json(struct trainer *t, struct json_t *o);
void trainer_add_point(struct trainer *t, const struct trainer_point *p);
/* Publish without logging (a restored run's history). */
void trainer_push_point(struct trainer *t, const struct trainer_point *p);
void trainer_push_event(struct trainer *t, const struct trainer_event *ev);
const char *trainer_event_kind_name(enum trainer_event_kind kind);
void trainer_add_event(struct trainer *t, enum trainer_event_kind kind, const char *key,
		       const char *old_value, const char *new_value, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void trainer_publish(struct trainer *t, int force_wake);
void trainer_notice(struct trainer *t, int is_error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* What a start is doing, published at once ("" when it is done). */
void trainer_phase(struct trainer *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* trainer-ckpt.c */
int trainer_save(struct trainer *t, const char *path, int with_optimizer, struct tt_err *err);
int trainer_restore(struct trainer *t, const char *path, struct tt_err *err);

/* trainer-log.c: a restored run's points and events from out_dir/metrics.jsonl */
int trainer_log_load(struct trainer *t, struct tt_err *err);

#endif
