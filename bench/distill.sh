#!/bin/sh
# bench/distill.sh - distillation (issue 13, section 2) on SpamAssassin
# 3-way: a GPT classifier (teacher) fine-tuned from a pre-trained small LM on
# LABELS labeled train records (default 200), the n-gram student trained on
# the teacher's probabilities for every train record (labeled and the
# unlabeled rest), and the same n-gram on the labeled records' hard labels
# alone; test accuracy, macro-F1 and prediction time per text of each
# (bench/distill.py; `tunetop distill --baseline --json` does the work).
#
# The pre-trained LM: $LM, else bench/out/distill/lm/model.safetensors, else
# the one bench/pretrain-helps.sh leaves (PRESET=gpt-small for the small
# shape). Figures: README.md, "Distillation".
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
LM=${LM:-$BENCH_OUT/distill/lm/model.safetensors}
if [ ! -f "$LM" ]; then
	[ -f "$BENCH_OUT/pretrain-helps/lm/model.safetensors" ] || bench/pretrain-helps.sh
	LM=$BENCH_OUT/pretrain-helps/lm/model.safetensors
fi
echo "distill: load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
python3 bench/distill.py "$BENCH_OUT/distill" "$SPAM_DIR" "$LM" \
	--labels "${LABELS:-200}" --seed "${SEED:-1}"
[ "${DEMO:-1}" = 0 ] || python3 bench/distill.py --demo "$BENCH_OUT/distill-demo" --seed "${SEED:-1}"
