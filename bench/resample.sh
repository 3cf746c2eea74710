#!/bin/sh
# bench/resample.sh - class balance fixes on SpamAssassin 3-way (easy_ham
# 3,120, spam 1,517, hard_ham 200 training messages): macro-F1 and accuracy
# on the 1,209 test messages for resample none|oversample|undersample, each
# with class_weights none and inverse (`tunetop train --set resample=...`).
# The n-gram model with 10 epochs, 200,000 buckets and one thread, so the
# figures do not depend on the load (the times do). Figures: README.md,
# "Cleaning" (class balance).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
mkdir -p "$BENCH_OUT/resample"
printf '| resample | class_weights | train rows | macro-F1 | accuracy | train s |\n|---|---|---:|---:|---:|---:|\n'
for m in none oversample undersample; do
	for cw in none inverse; do
		out="$BENCH_OUT/resample/$m-$cw.json"
		"$TUNETOP" train --data "$SPAM_DIR/train.jsonl" --valid none --test "$SPAM_DIR/test.jsonl" \
			--set label_field=label3 --set threads=1 --set buckets=200000 --set epochs=10 \
			--set resample="$m" --set class_weights="$cw" --json >"$out" 2>"$out.err"
		python3 - "$out" "$m" "$cw" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
t = d["test"]
# the trainer's own count of training examples, after resampling
rows = int(re.search(r"training: (\d+) train", open(sys.argv[1] + ".err").read()).group(1))
print("| %s | %s | %d | %.4f | %.4f | %.1f |" % (sys.argv[2], sys.argv[3], rows, t["macro_f1"],
                                               t["accuracy"], d["train_seconds"]))
PY
	done
done
