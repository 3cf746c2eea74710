/*
 * cli.h - the model subcommands of the tunetop binary:
 *
 *   tunetop train --data TRAIN [--valid V] [--test T] [--config F] [--set k=v]...
 *                 [--model ngram|gpt] [--objective classify|lm] [--preset NAME]
 *                 [--init FILE [--vocab F --merges F]] [--out DIR] [--json]
 *   tunetop eval MODEL DATA [--json]   (--ensemble M1,M2 [--vote|--weights W] instead of MODEL)
 *   tunetop predict MODEL [--k K] [--json] [TEXT...]   (stdin lines without TEXT)
 *   tunetop tokenize --vocab FILE --merges FILE [--pieces] [TEXTFILE]
 *   tunetop tokenize train --vocab-size N [--out DIR] [CORPUS]   (cli-tokenize.c)
 *   tunetop queue DATA [--order ORDER] [--model MODEL] [--json] ...   (cli-queue.c)
 *   tunetop agreement DATA [--journal FILE]... [--json]                (cli-agree.c)
 *   tunetop generate MODEL PROMPT [--max-tokens N] [--temperature T] [--top-k K]
 *                    [--seed S] [--vocab FILE --merges FILE]        (cli-generate.c)
 *
 * Each returns the process exit status: 0, 1 (failed), 2 (usage).
 */
#ifndef TUNETOP_CLI_H
#define TUNETOP_CLI_H

#include "tunetop/bundle.h"
#include "tunetop/dataset.h"
#include "tunetop/util.h"

int cli_train(int argc, char **argv);
/* "tunetop CMD: " (or "tunetop: " when cmd is NULL) and err, escaped, on stderr. */
void cli_report(const char *cmd, const struct tt_err *err);
/*
 * cli-train.c: the records a `train` or `distill` run (cmd) learns from:
 * app->ds with its own split, or a fresh stratified one (80/10/10, 90/10
 * with a test file), or every record training (no_valid, or with a valid
 * file); then the valid and test files' records. NULL after a message.
 */
struct app;
struct trainer_input;
/* cli-train.c: --preset, then --config, then each --set into app->cfg
 * (preset and config may be NULL); -1 after a message naming cmd. */
int cli_configure(struct app *app, const char *cmd, const char *preset, const char *config,
		  const char *const *sets, int nsets);
struct trainer_input *cli_train_input(struct app *app, const char *cmd, const char *valid,
				      const char *test, bool no_valid);
/* cli-distill.c: tunetop distill --teacher MODEL --data TRAIN ... */
int cli_distill(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_tokenize(int argc, char **argv);
int cli_queue(int argc, char **argv);
int cli_agreement(int argc, char **argv);
int cli_merge(int argc, char **argv);     /* cli-merge.c: fold a LoRA adapter */

/* cli-lm.c: eval and predict on a language model (model->cfg.lm). */
int cli_eval_lm(const struct bundle *b, const struct dataset *ds, const char *path, int json);
/* The k most likely next tokens after text; probs [vocab] is scratch. */
void cli_predict_lm(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    int k, int json, float *probs);
int cli_generate(int argc, char **argv);

#endif
