# Multi-label data: the validation loss is finite in train, eval and the
# headless REPL (the one-vs-all objective, metrics.h), with per-label figures.
. tests/lib.sh

sh tests/data/gen-multilabel.sh > "$T/ml.ft"

run "$TUNETOP" train --data "$T/ml.ft" --set epochs=5 --set threads=1 --set buckets=10000 --set dim=16 --out "$T/run" --json
expect_rc "train on multi-label data" 0
if python3 - "$T/out" <<'PY'
import json, math, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
for split in ("valid", "test"):
    s = d[split]
    assert s["loss"] is not None and math.isfinite(s["loss"]) and s["loss"] > 0, (split, s["loss"])
    assert s["log_loss"] == s["loss"], split
    assert s["per_class"]["food"]["support"] > 0
PY
then ok "multi-label valid and test loss are finite"; else
	not_ok "multi-label valid and test loss are finite" "$(tail -c 400 "$T/out")"; fi
expect_err "progress shows a finite valid loss" "macro-F1"
if grep -q "loss nan" "$T/err"; then not_ok "no NaN loss in progress" "$(tail -c 300 "$T/err")";
else ok "no NaN loss in progress"; fi

run "$TUNETOP" eval "$T/run/model.safetensors" "$T/ml.ft" --json
expect_rc "eval multi-label" 0
if python3 -c 'import json,math,sys; d=json.load(open(sys.argv[1])); assert math.isfinite(d["loss"])' "$T/out"
then ok "eval multi-label loss is finite"; else not_ok "eval multi-label loss is finite" "$(head -c 300 "$T/out")"; fi

run "$TUNETOP" --headless -e 'split 80/10/10; set epochs 3; set buckets 10000; set dim 16; start; wait; eval test' "$T/ml.ft"
expect_rc "headless eval test on multi-label data" 0
if grep -Eq '^test: accuracy [0-9.]+, macro-F1 [0-9.]+, loss [0-9]+\.[0-9]+ ' "$T/out"; then
	ok "headless eval test prints a finite loss"; else
	not_ok "headless eval test prints a finite loss" "$(cat "$T/out")"; fi
exit $_failed
