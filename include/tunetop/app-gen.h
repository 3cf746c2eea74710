/*
 * app-gen.h - text generation in the background, for the workbench
 * (cmd-generate.c starts it; the UI loop sleeps on its wake fd and moves
 * the text into the REPL as it comes).
 *
 * A job owns a thread that runs gpt_generate over a model it owns (a copy
 * of the training run's, trainer_copy_gpt) or borrows (the one gpt-load
 * loaded: app_gen_free stops the job before freeing it). Tokens are turned
 * into escaped text (gpt-stream.h) under the job's lock; the UI takes that
 * text each tick. Cancel sets an atomic flag the generation reads before
 * every token.
 */
#ifndef TUNETOP_APP_GEN_H
#define TUNETOP_APP_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tunetop/app.h"
#include "tunetop/cmd.h"
#include "tunetop/gpt-generate.h"

struct gen_job;
struct bpe;

/*
 * Start generating prompt[0..n) with o in a new thread. b is the job's to
 * free, g too when own_g (else borrowed: it must outlive the job). what
 * names the model in the summary. NULL + err when the thread cannot start
 * (what is the job's is freed then too).
 */
struct gen_job *gen_job_start(struct gpt *g, bool own_g, struct bpe *b, const int32_t *prompt,
			      uint32_t n, const struct gpt_gen_opts *o, const char *what,
			      struct tt_err *err);
/* Readable when there is new text; gen_job_take drains it. */
int gen_job_wake_fd(const struct gen_job *j);
/*
 * Append the text produced since the last call to out (escaped, newlines
 * kept). Returns 1 once the generation has ended and all its text was
 * taken; then *summary holds the closing line ("(24 tokens, ...)").
 */
int gen_job_take(struct gen_job *j, struct tt_buf *out, char *summary, size_t n);
void gen_job_cancel(struct gen_job *j);
/* Cancel, join and free. NULL is fine. */
void gen_job_destroy(struct gen_job *j);

/* The workbench's side (cmd-generate.c): is one running, its fd (-1: none). */
bool app_gen_running(const struct app *a);
int app_gen_wake_fd(const struct app *a);
/* Print the new text through ctx; a finished job prints its summary and goes. */
void app_gen_poll(struct app *a, struct cmd_ctx *ctx);
/* Stop the running generation; true if there was one. */
bool app_gen_stop(struct app *a);

#endif
