#!/bin/sh
# bench/finetune-modes.sh - fine-tuning modes (issue 13, section 4): full
# fine-tuning vs freezing the lower half vs LoRA rank 8 vs head only, from
# the same pre-trained small GPT, on SpamAssassin 3-way: test macro-F1,
# ms per step, peak RSS, optimizer memory and the size of what is saved
# (bench/finetune-modes.py). BASE is the pre-trained model (default: the
# small model bench/pretrain-helps.sh makes with PRESET=gpt-small, copied
# to $BENCH_OUT/finetune-modes/base.safetensors); STEPS and SEED as the
# driver's options. Figures: README.md, "Fine-tuning modes".
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
OUT=$BENCH_OUT/finetune-modes
mkdir -p "$OUT"
if [ -z "${BASE:-}" ]; then
	BASE=$OUT/base.safetensors
	if [ ! -f "$BASE" ]; then
		SMALL=$BENCH_OUT/pretrain-helps/lm/model.safetensors
		[ -f "$SMALL" ] || die "no pre-trained model: run PRESET=gpt-small SEEDS=1 STEPS=1000 bench/pretrain-helps.sh first, or give BASE=FILE"
		cp "$SMALL" "$BASE"
	fi
fi
echo "finetune-modes: base $BASE, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/finetune-modes.py "$OUT" "$SPAM_DIR" "$BASE" --steps "${STEPS:-250}" --seed "${SEED:-1}"
