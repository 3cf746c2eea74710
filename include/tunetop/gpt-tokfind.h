/*
 * gpt-tokfind.h - the tokenizer that goes with a GPT-2 model file: a
 * "tokenizer.bpe" tensor inside it (tunetop's bundles, bpe_serialize),
 * else vocab.json + merges.txt beside it (Hugging Face), else encoder.json
 * + vocab.bpe beside it (OpenAI).
 */
#ifndef TUNETOP_GPT_TOKFIND_H
#define TUNETOP_GPT_TOKFIND_H

#include "tunetop/bpe.h"
#include "tunetop/util.h"

/* The tokenizer, or NULL with err (a bad file, or none found: the message
 * says where it looked). */
struct bpe *gpt_tokfind(const char *model_path, struct tt_err *err);

#endif
