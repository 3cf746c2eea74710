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

int cli_train(int argc, char **argv);
/* cli-distill.c: tunetop distill --teacher MODEL --data TRAIN ... */
int cli_distill(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_tokenize(int argc, char **argv);
int cli_queue(int argc, char **argv);
int cli_agreement(int argc, char **argv);
int cli_merge(int argc, char **argv);     /* cli-merge.c: fold a LoRA adapter */

/* cli-lm.c: eval and predict on a language model (model->cfg.lm). */
#include "tunetop/bundle.h"
#include "tunetop/dataset.h"
int cli_eval_lm(const struct bundle *b, const struct dataset *ds, const char *path, int json);
/* The k most likely next tokens after text; probs [vocab] is scratch. */
void cli_predict_lm(const struct bundle *b, struct model_ws *ws, const char *text, size_t len,
		    int k, int json, float *probs);
int cli_generate(int argc, char **argv);

#endif
