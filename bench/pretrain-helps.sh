#!/bin/sh
# bench/pretrain-helps.sh - does pre-training help? (issue 12, section 6)
# Pre-train a GPT language model on the SpamAssassin train texts without
# labels, fine-tune it on 100 labeled records (3-way), and compare test
# macro-F1 with the same shape trained from scratch on those 100 and with
# the n-gram model on those 100 (bench/pretrain-helps.py; SEEDS, STEPS,
# LABELS and PRESET change the seeds, the pre-training steps, the labels and
# the shape: PRESET=gpt-small for the issue's small model).
# Figures: README.md, "Does pre-training help?".
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
python3 bench/pretrain-helps.py "$BENCH_OUT/pretrain-helps" "$SPAM_DIR" \
	--seeds "${SEEDS:-3}" --steps "${STEPS:-1500}" --labels "${LABELS:-100}"
