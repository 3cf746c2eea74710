/*
 * trainer.h - the background training thread.
 *
 * The trainer thread alone owns the model, its tokenizer, the optimizer
 * (model.h, tokenizer.h, optim.h), the tokenized data and the random
 * numbers. It drives any model through forward/backward and optim_step,
 * or the model's fused Hogwild SGD when it has one (trainer-step.c). Other threads talk to it through this API
 * only: trainer_send() queues a message (start, pause, set lr 0.1, ...)
 * that the trainer handles between optimizer steps; what it publishes (a
 * snapshot of its state and last evaluation, logged points, events) is
 * copied out under a mutex. The wake fd becomes readable when there is
 * news, at most about 20 times a second, so a poll() loop can sleep on it.
 *
 * The trainer never calls curses, readline or a command handler.
 */
#ifndef TUNETOP_TRAINER_H
#define TUNETOP_TRAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunetop/cfg.h"
#include "tunetop/dataset.h"
#include "tunetop/metrics.h"

enum trainer_state {
	TRAINER_IDLE,       /* created; waiting for start */
	TRAINER_RUNNING,
	TRAINER_PAUSED,     /* also after a divergence, with a message */
	TRAINER_DONE,       /* all epochs, or early stopping */
	TRAINER_STOPPED,    /* stopped by request */
	TRAINER_FAILED,     /* could not start (message says why) */
};

enum trainer_msg_type {
	TRAINER_START,
	TRAINER_PAUSE,
	TRAINER_RESUME,
	TRAINER_STOP,
	TRAINER_STEP,        /* n steps, then pause */
	TRAINER_SET,         /* key value */
	TRAINER_EVAL,        /* evaluate on the validation split now */
	TRAINER_EVAL_TEST,   /* evaluate on the test split (only on request) */
	TRAINER_CHECKPOINT,  /* value = path */
	TRAINER_RELOAD,      /* new labels and splits (input) at the next step */
	TRAINER_EXPORT,      /* value = path: the model alone, for predict/eval */
	TRAINER_RESTORE,     /* the setup's checkpoint and its run's metrics.jsonl, then
				PAUSED (DONE if it had finished): a reopened session */
	TRAINER_NOTE,        /* key = command, value = its words: an event in the log (freeze,
				lora, adapter...), a marker on the curves */
	TRAINER_MERGED,      /* value = path: the model with its LoRA adapters folded in */
	TRAINER_PRUNE,       /* value = sparsity, key = scope (matrix|global): gpt only */
	TRAINER_COPY_GPT,    /* a copy of the transformer for generation (trainer_copy_gpt) */
};

/*
 * What the trainer learns from: texts, labels and splits, copied out of
 * the dataset (which the UI thread keeps editing).
 */
struct trainer_input {
	size_t n;
	char *texts;            /* all texts, back to back */
	uint64_t *text_off;     /* [n + 1] */
	uint32_t *label_off;    /* [n + 1] into label_ids */
	uint32_t *label_ids;
	uint8_t *split;         /* [n] enum ds_split */
	uint32_t *src;          /* [n] the record's index in the dataset */
	char **label_names;     /* [nlabels] */
	uint32_t nlabels;
	bool multilabel;
};

/* A copy of ds (deleted records left out). */
struct trainer_input *trainer_input_from_dataset(const struct dataset *ds);
/* Append ds's records with their split forced to split (NONE: keep). */
void trainer_input_append(struct trainer_input *in, const struct dataset *ds,
			  enum ds_split split);
void trainer_input_free(struct trainer_input *in);
/*
 * Renumber in's labels so names[0..n) come first, in that order (a model's
 * output classes), then the labels in has that names lacks. The order of
 * first appearance in the records changes with edits; a model's does not.
 */
void trainer_input_align(struct trainer_input *in, char *const *names, uint32_t n);
/* Count records per split that have a label. */
void trainer_input_counts(const struct trainer_input *in, size_t *per_split);

/* One logged point of the curves. NAN where a value was not measured. */
struct trainer_point {
	uint64_t step;
	double epoch;           /* fractional */
	double train_loss;      /* mean over the steps since the last point */
	double valid_loss;      /* at evaluation points */
	double valid_metric;    /* the configured metric, at evaluation points */
	double lr;
	double tokens_per_sec;
};

enum trainer_event_kind {
	TRAINER_EV_START,
	TRAINER_EV_SET,          /* a hyperparameter changed */
	TRAINER_EV_PAUSE,
	TRAINER_EV_RESUME,
	TRAINER_EV_CHECKPOINT,
	TRAINER_EV_BEST,
	TRAINER_EV_DIVERGED,
	TRAINER_EV_RELOAD,
	TRAINER_EV_STOP,
	TRAINER_EV_DONE,
	TRAINER_EV_PRUNE,        /* key prune_sparsity, old and new sparsity */
};

struct trainer_event {
	uint64_t step;
	enum trainer_event_kind kind;
	char key[32];           /* SET: the option */
	char old_value[32];
	char new_value[32];
	char text[128];         /* human-readable, e.g. "lr 0.5 -> 0.25" */
};

struct trainer_snapshot {
	uint64_t seq;           /* grows with every publication */
	enum trainer_state state;
	uint64_t step;
	uint64_t total_steps;
	double epoch;           /* fractional */
	uint32_t epochs;
	double lr;              /* in effect (base lr x schedule) */
	double base_lr;
	double tokens_per_sec;
	double eta_seconds;     /* NAN when unknown */
	double elapsed;         /* seconds spent running */
	double steps_per_sec;   /* over the steps those seconds took (a restored run's own) */
	double train_loss;      /* last logged */
	bool has_eval;
	uint64_t eval_step;
	struct metrics_report eval;   /* last validation report */
	bool has_test;
	struct metrics_report test;   /* last test report (on request) */
	double best_metric;
	uint64_t best_step;
	char metric_name[32];   /* a copy: `set metric` frees the option's text */
	uint32_t nlabels;
	char **label_names;     /* owned by the snapshot copy */
	size_t npoints;
	size_t nevents;
	char message[256];      /* the latest notice: divergence, errors, early stop */
	char phase[96];         /* while starting: what it is doing ("" otherwise) */
	bool message_is_error;
	uint64_t pred_seq;      /* grows with every new set of predictions */
	/*
	 * Median time of one optimizer step (forward, backward, update) after
	 * the run's first 5 steps, evaluation excluded; NAN on the n-gram
	 * fast path (Hogwild steps are not timed) or before step 6.
	 */
	double step_ms_median;
	bool lm;                /* a language model: eval loss is per token, perplexity exp(loss) */
	/* The model's parameters (all, and in trainable views: frozen layers
	 * and LoRA make the difference) and the optimizer state's bytes. */
	uint64_t params_total;
	uint64_t params_trainable;
	uint64_t optim_bytes;
	uint64_t grad_bytes;    /* gpt: the gradient arena (trainable views only) */
	/*
	 * Model gpt (trainer-flops.c): FLOPs per trained token (flops.h,
	 * flops_gpt_token) and this machine's sgemm peak in GFLOP/s at the
	 * run's thread count (flops_peak, cached); 0 when unknown (n-gram).
	 * GFLOP/s = flops_per_token x tokens_per_sec / 1e9, MFU = that / peak.
	 */
	double flops_per_token;
	double peak_gflops;
	double sparsity;        /* share of zeros in the pruned matrices; NAN: not pruned */
	uint64_t layers_seq;    /* grows with every new per-layer point (trainer_layers_get) */
	double layers_ms;       /* mean time of one per-layer measurement; NAN: none */
};

/*
 * Per layer, how it learns (trainer-layers.c): at every logged point, the
 * gradient norm of the last step and the relative weight change per step
 * since the previous point, ||W_now - W_prev|| / (steps * ||W_prev||).
 * Layers: gpt "embed" (wte, wpe), "block N" (h.N.*, adapters included),
 * "ln_f", "head"; other models one per parameter view ("input", "output").
 */
enum { TRAINER_LAYER_HIST = 96 };

struct trainer_layer {
	char name[24];
	bool frozen;            /* none of its views is trainable */
	uint64_t nparams;
	size_t n;               /* values in the history, oldest first */
	float grad_norm[TRAINER_LAYER_HIST];    /* NAN: none (fused fast path, frozen) */
	float update_ratio[TRAINER_LAYER_HIST]; /* NAN: not yet (the first point) */
};

struct trainer_layers {
	uint64_t seq;           /* as snapshot.layers_seq */
	uint64_t step;          /* of the latest values */
	size_t n;
	struct trainer_layer *l;        /* [n] */
};

/*
 * The model's view of every record, refreshed at each epoch end and on
 * eval: predicted label, its probability, the margin to the runner-up and
 * the entropy of the distribution (for "least confident first").
 */
struct trainer_predictions {
	uint64_t step;          /* when they were computed; 0 = never */
	size_t n;
	uint32_t *src;          /* [n] dataset record index */
	uint32_t *label;        /* [n] predicted label (the trainer's label ids) */
	float *conf;            /* [n] its probability */
	float *margin;          /* [n] top-1 minus top-2 probability */
	float *entropy;         /* [n] in nats */
	/* Every class's probability, only after trainer_want_probs (else NULL, 0). */
	uint32_t nprobs;        /* classes per row */
	float *probs;           /* [n * nprobs] */
};

struct trainer_setup {
	const struct cfg *cfg;        /* copied */
	struct trainer_input *input;  /* ownership passes to the trainer */
	const char *out_dir;          /* metrics.jsonl, best and final model; NULL: none */
	const char *resume_from;      /* a checkpoint to continue from, or NULL */
};

struct trainer;

/* Starts the thread (state IDLE). NULL + err if the setup is unusable. */
struct trainer *trainer_create(const struct trainer_setup *setup, struct tt_err *err);
/* Stops the run if needed and joins the thread. */
void trainer_destroy(struct trainer *t);

/*
 * Queue a message; returns its id (> 0). key/value are copied; input
 * (TRAINER_RELOAD) passes to the trainer. Never blocks on training.
 */
uint64_t trainer_send(struct trainer *t, enum trainer_msg_type type, const char *key,
		      const char *value, uint64_t n, struct trainer_input *input);
/*
 * Wait until message id was handled; 0 if it succeeded, -1 if it was
 * refused. reply (may be NULL) receives the trainer's answer.
 */
int trainer_wait_handled(struct trainer *t, uint64_t id, char *reply, size_t reply_len);
/*
 * Without waiting: 0 while message id is not handled yet, then 1 if it
 * succeeded or -1 if it was refused, with the trainer's answer in reply
 * ("" once TRAINER_REPLIES later messages have been handled).
 */
int trainer_reply(struct trainer *t, uint64_t id, char *reply, size_t reply_len);
/* Block while the trainer is running (timeout < 0: forever). Returns the state. */
enum trainer_state trainer_wait_stopped(struct trainer *t, double timeout);

/* Copy the published snapshot; free with trainer_snapshot_fini. */
void trainer_snapshot_get(struct trainer *t, struct trainer_snapshot *out);
void trainer_snapshot_fini(struct trainer_snapshot *s);
/*
 * Copy the latest predictions (empty when none yet); free with _fini. The
 * first call asks the trainer to compute them at every epoch end from then
 * on (a run nobody reads them from skips the work).
 */
void trainer_predictions_get(struct trainer *t, struct trainer_predictions *out);
void trainer_predictions_fini(struct trainer_predictions *p);
/* Ask for predictions at every epoch end from the start (the workbench does). */
void trainer_want_predictions(struct trainer *t);
/* Predictions with the full probability vectors (out-of-fold predictions want them). */
void trainer_want_probs(struct trainer *t);
/* Copy points / events with index >= since; returns how many were copied. */
size_t trainer_points(struct trainer *t, size_t since, struct trainer_point *out, size_t max);
size_t trainer_events(struct trainer *t, size_t since, struct trainer_event *out, size_t max);

/*
 * Measure the per-layer statistics from the next logged point on (the
 * layers view asks when it opens; option layer_stats measures them always).
 */
void trainer_want_layers(struct trainer *t);
/* Copy the per-layer history (empty before the first point); free with _fini. */
void trainer_layers_get(struct trainer *t, struct trainer_layers *out);
void trainer_layers_fini(struct trainer_layers *l);

/* Readable when there is news; drain it before polling again. */
int trainer_wake_fd(const struct trainer *t);
void trainer_drain_wake(struct trainer *t);

/*
 * A copy of a language-model run's transformer (frozen: no gradients;
 * LoRA adapters folded in) and of its tokenizer, made by the trainer
 * thread between two optimizer steps, so generating from it never races
 * training (trainer-copy.c). The caller owns *g and *b (gpt_destroy,
 * bpe_destroy); *step is the step the weights are from. Waits for at most
 * the step in progress. -1 with why when there is nothing to copy: the
 * run is starting, has no model yet, is an n-gram model or a classifier.
 */
struct gpt;
struct bpe;
int trainer_copy_gpt(struct trainer *t, struct gpt **g, struct bpe **b, uint64_t *step,
		     char *why, size_t n);

const char *trainer_state_name(enum trainer_state s);
/* Options that may change while training runs. */
bool trainer_key_is_live(const char *key);

#endif
