# tunetop train / eval / predict, headless trainer commands, bad arguments.
. tests/lib.sh

run "$TUNETOP" train --data sessions/demo/tickets.jsonl --set epochs=25 --set dim=32 \
	--set buckets=20000 --set threads=1 --out "$T/run" --json
expect_rc "train the demo" 0
expect_err "reports the split it made" "made a stratified 80/10/10 split"
expect_err "progress lines" "step "
if python3 - "$T/out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().strip().splitlines()
d = json.loads(lines[-1])
for k in ("train_seconds", "ms_per_step", "tokens_per_second"):
    assert d[k] > 0, k
for split in ("valid", "test"):
    s = d[split]
    assert 0.4 < s["accuracy"] <= 1, (split, s["accuracy"])
    assert "macro_f1" in s and "loss" in s and "billing" in s["per_class"]
PY
then ok "train --json object"; else not_ok "train --json object" "$(tail -c 300 "$T/out")"; fi
for f in metrics.jsonl model.safetensors best.safetensors; do
	if [ -s "$T/run/$f" ]; then ok "run wrote $f"; else not_ok "run wrote $f"; fi
done

run "$TUNETOP" predict "$T/run/model.safetensors" --k 2 "I was charged twice on my invoice"
expect_rc "predict" 0
if grep -Eq '^billing 0\.[0-9]+  [a-z_]+ 0\.[0-9]+$' "$T/out"; then ok "predict top-2 line";
else not_ok "predict top-2 line" "$(cat "$T/out")"; fi
printf 'reset my password please\nthe dock arrived broken\n' | "$TUNETOP" predict --json "$T/run/model.safetensors" > "$T/pred.json"
if [ "$(grep -c '"label"' "$T/pred.json")" -eq 2 ]; then ok "predict reads stdin lines"; else
	not_ok "predict reads stdin lines" "$(cat "$T/pred.json")"; fi

run "$TUNETOP" eval "$T/run/model.safetensors" sessions/demo/tickets.jsonl --json
expect_rc "eval" 0
expect_out "eval json has accuracy" '"accuracy"'

printf 'not a model' > "$T/bad.safetensors"
run "$TUNETOP" predict "$T/bad.safetensors" hello
expect_rc "bad model file fails" 1
expect_err "bad model explained" "bad.safetensors"

run "$TUNETOP" train --data sessions/demo/tickets.jsonl --set epochs=0
expect_rc "bad option fails" 1
expect_err "bad option explained" "epochs: 0 is out of range"

run "$TUNETOP" train
expect_rc "train without --data is a usage error" 2

# Headless trainer control: step counts are exact and pausing holds.
run "$TUNETOP" --headless sessions/demo.yaml -e "split 80/10/10; set threads 1; step 7; wait; status; step 3; wait; status"
expect_rc "step and status" 0
expect_out "seven steps" "paused: step 7/"
expect_out "ten steps" "paused: step 10/"
run "$TUNETOP" --headless sessions/demo.yaml -e "split 80/10/10; step 5; wait; set lr 0.25; status"
expect_out "live set reports the step" "lr = 0.25 (was 0.5) from step 5"
run "$TUNETOP" -e "pause"
expect_rc "pause without a run fails" 1
expect_err "pause explained" "no training run"
run "$TUNETOP" --headless sessions/demo.yaml -e "split 80/10/10; step 2; wait; checkpoint $T/c.ckpt; start $T/c.ckpt; status; stop"
expect_out "checkpoint written" "checkpoint written at step 2"

# --valid none: every record of --data trains, whatever its split field says;
# no validation, no best model, "valid": null; the test set only with --test.
python3 - "$T/splits.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i, l in enumerate(open("sessions/demo/tickets.jsonl")):
        r = json.loads(l)
        if r.get("label") is None:
            continue
        r["split"] = ("train", "valid", "test")[i % 3]
        f.write(json.dumps(r) + "\n")
PY
n=$(wc -l <"$T/splits.jsonl")
run "$TUNETOP" train --data "$T/splits.jsonl" --valid none --set epochs=3 --set dim=16 \
	--set buckets=20000 --out "$T/vn" --json
expect_rc "train --valid none" 0
expect_err "--valid none announced" "--valid none: all $n records train"
expect_err "every record trains, none validates" "training: $n train, 0 valid examples"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert d["valid"] is None and d["test"] is None, (d["valid"], d["test"])
PY
then ok "--valid none: valid and test are null"; else not_ok "--valid none: valid and test are null" "$(tail -c 300 "$T/out")"; fi
if [ -s "$T/vn/model.safetensors" ] && [ ! -e "$T/vn/best.safetensors" ]; then
	ok "--valid none: a model, no best model"; else not_ok "--valid none: a model, no best model" "$(ls "$T/vn")"; fi
expect_err "says where the model was written" "model written: $T/vn/model.safetensors"
if [ -z "$(grep '^step ' "$T/err" | sort | uniq -d)" ] && [ "$(grep -c '^step ' "$T/err")" -ge 1 ]; then
	ok "each progress line printed once"; else not_ok "each progress line printed once" "$(grep '^step ' "$T/err" | sort | uniq -d | head -3)"; fi
run "$TUNETOP" train --data "$T/splits.jsonl" --valid none --test "$T/splits.jsonl" \
	--set epochs=3 --set dim=16 --set buckets=20000 --json
if python3 - "$T/out" "$n" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert d["valid"] is None and d["test"]["n"] == int(sys.argv[2]), d["test"]
PY
then ok "--valid none --test: the test file is evaluated"; else not_ok "--valid none --test: the test file is evaluated" "$(tail -c 300 "$T/out")"; fi
# A file named none is ./none.
cp "$T/splits.jsonl" "$T/none"
(cd "$T" && "$TUNETOP" train --data splits.jsonl --valid ./none --set epochs=1 --set dim=16 \
	--set buckets=20000 --json >"$T/out" 2>"$T/err")
rc=$?
expect_rc "--valid ./none reads the file" 0
expect_err "./none validates" "valid examples"
if grep -q "training: [0-9]* train, $n valid examples" "$T/err"; then ok "./none: all its records validate";
else not_ok "./none: all its records validate" "$(grep training: "$T/err")"; fi
