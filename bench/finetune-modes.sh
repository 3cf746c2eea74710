#!/bin/sh
# bench/finetune-modes.sh - fine-tuning modes (issue 13, section 4): full
# fine-tuning vs freezing the lower half vs LoRA rank 8 vs head only, from
# the same pre-trained small GPT, on SpamAssassin 3-way: test macro-F1,
# ms per step, peak RSS, optimizer memory and the size of what is saved
# (bench/finetune-modes.py). BASE is the pre-trained model; without it,
# $BENCH_OUT/finetune-modes/base.safetensors, pre-trained first when missing
# as bench/pretrain-helps.sh does with PRESET=gpt-small (the small preset,
# a language model on the train texts without labels, PRETRAIN_STEPS 1000).
# STEPS and SEED as the driver's options. Figures: README.md, "Fine-tuning
# modes", and bench/README-figures.md.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
OUT=$BENCH_OUT/finetune-modes
mkdir -p "$OUT"
PRE=""
if [ -z "${BASE:-}" ]; then
	BASE=$OUT/base.safetensors
	[ -f "$BASE" ] || PRE="--pretrain ${PRETRAIN_STEPS:-1000}"
fi
echo "finetune-modes: base $BASE, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/finetune-modes.py "$OUT" "$SPAM_DIR" "$BASE" --steps "${STEPS:-250}" --seed "${SEED:-1}" $PRE
