#!/bin/sh
# bench/prune.sh - magnitude pruning of a fine-tuned GPT classifier (issue 13):
# test accuracy and macro-F1 at 0, 50, 70 and 90% sparsity.
#
#   1. the pre-trained small GPT language model (bench/pretrain-helps.sh with
#      PRESET=gpt-small writes it; PRUNE_LM names another) is copied to
#      $BENCH_OUT/prune/lm.safetensors - the original is never touched;
#   2. fine-tuned (--init) into a classifier on PRUNE_LABELS records drawn
#      from SpamAssassin's 3-way train split (easy_ham, hard_ham, spam) for
#      PRUNE_EPOCHS epochs;
#   3. for each sparsity: pruned per matrix (prune_sparsity, the block
#      matrices; gpt-prune.h) and evaluated as is, then pruned and fine-tuned
#      for PRUNE_STEPS more steps at each learning rate of PRUNE_LRS with the
#      masks held (pruned weights stay 0);
#   4. `tunetop eval` of each on the whole test split.
# Everything runs under nice -n 10 with threads=1.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

LM=${PRUNE_LM:-$BENCH_OUT/small/pretrain-helps/lm/model.safetensors}
LABELS=${PRUNE_LABELS:-1200}
EPOCHS=${PRUNE_EPOCHS:-2}
STEPS=${PRUNE_STEPS:-60}
LRS=${PRUNE_LRS:-0.0001 0.00003}
OUT=$BENCH_OUT/prune
[ -f "$LM" ] || die "no pre-trained model at $LM (run PRESET=gpt-small bench/pretrain-helps.sh, or set PRUNE_LM)"
[ -x "$TUNETOP" ] || die "$TUNETOP is not built (make)"
ensure_spam
mkdir -p "$OUT"
cp "$LM" "$OUT/lm.safetensors"

# The labeled sample and the test split, labels from the 3-way field. A run
# whose evaluation is there is kept (remove $OUT to measure everything again).
[ -f "$OUT/labeled.jsonl" ] && [ "$(wc -l <"$OUT/labeled.jsonl")" -eq "$LABELS" ] ||
python3 - "$SPAM_DIR" "$OUT" "$LABELS" <<'PY'
import json, os, random, sys
spam, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(p):
    with open(p, encoding="utf-8") as f:
        return [json.loads(l) for l in f]
def write(p, recs):
    with open(p, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"id": r["id"], "text": r["text"], "label": r["label3"]}) + "\n")
train = load(os.path.join(spam, "train.jsonl"))
random.Random(1).shuffle(train)
write(os.path.join(out, "labeled.jsonl"), train[:n])
write(os.path.join(out, "test.jsonl"), load(os.path.join(spam, "test.jsonl")))
PY

FT="--set lr=0.0003 --set warmup=20 --set batch_size=8 --set dropout=0.1 --set weight_decay=0.01
    --set pooling=mean --set threads=1 --set eval_every=0 --set seed=1"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# train NAME ARGS...: train into $OUT/NAME, evaluate on the test split, one line.
train() {
	name=$1
	shift
	t0=$(date +%s)
	if [ -s "$OUT/$name.eval.json" ] && [ -s "$OUT/$name.json" ]; then
		echo "$name: kept from an earlier run"
		return 0
	fi
	# shellcheck disable=SC2086
	nice -n 10 "$TUNETOP" train --data "$OUT/labeled.jsonl" --valid none --out "$OUT/$name" \
		--json "$@" >"$OUT/$name.json" 2>"$OUT/$name.err" ||
		die "train $name failed: $(tail -c 600 "$OUT/$name.err")"
	nice -n 10 "$TUNETOP" eval "$OUT/$name/model.safetensors" "$OUT/test.jsonl" --json \
		>"$OUT/$name.eval.json" 2>"$OUT/$name.eval.err" ||
		die "eval $name failed: $(tail -c 600 "$OUT/$name.eval.err")"
	python3 - "$OUT/$name.json" "$OUT/$name.eval.json" "$name" "$(($(date +%s) - t0))" <<'PY'
import json, sys
tr = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
ev = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
sp = tr.get("sparsity")
print("%-14s sparsity %-6s steps %4d  step_ms_median %6.0f  test accuracy %.4f  macro-F1 %.4f  (%s s)" %
      (sys.argv[3], "%.4f" % sp if sp is not None else "0", tr["steps"],
       tr["step_ms_median"] or 0, ev["accuracy"], ev["macro_f1"], sys.argv[4]), flush=True)
PY
}

# shellcheck disable=SC2086
train ft --model gpt --init "$OUT/lm.safetensors" $FT --set epochs="$EPOCHS"
for s in 50 70 90; do
	# Pruned alone: one step at lr 1e-9 writes the pruned weights unchanged.
	# shellcheck disable=SC2086
	train "p$s-noft" --model gpt --init "$OUT/ft/model.safetensors" $FT \
		--set prune_sparsity=0.$s --set max_steps=1 --set lr=0.000000001 --set warmup=0
	for lr in $LRS; do
		# shellcheck disable=SC2086
		train "p$s-lr$lr" --model gpt --init "$OUT/ft/model.safetensors" $FT \
			--set prune_sparsity=0.$s --set max_steps="$STEPS" --set lr="$lr" --set warmup=5
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$OUT" $LRS <<'PY'
import json, sys
out, lrs = sys.argv[1], sys.argv[2:]
def ev(n):
    return json.loads(open("%s/%s.eval.json" % (out, n)).read().strip().splitlines()[-1])
def sp(n):
    return json.loads(open("%s/%s.json" % (out, n)).read().strip().splitlines()[-1]).get("sparsity") or 0
print()
print("| sparsity (block matrices) | pruned, no fine-tuning: acc / macro-F1 | " +
      " | ".join("then fine-tuned at lr %s: acc / macro-F1" % lr for lr in lrs) + " |")
print("|---|---|" + "---|" * len(lrs))
f = ev("ft")
print("| 0%% (fine-tuned) | %.3f / %.3f |" % (f["accuracy"], f["macro_f1"]) + " - |" * len(lrs))
for s in (50, 70, 90):
    a = ev("p%d-noft" % s)
    row = "| %.1f%% | %.3f / %.3f |" % (100 * sp("p%d-noft" % s), a["accuracy"], a["macro_f1"])
    for lr in lrs:
        b = ev("p%d-lr%s" % (s, lr))
        row += " %.3f / %.3f |" % (b["accuracy"], b["macro_f1"])
    print(row)
PY
