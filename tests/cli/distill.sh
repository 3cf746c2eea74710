# tunetop distill and the distill command: an n-gram teacher trained here
# on a constructed separable set teaches a student that has few labels and
# many unlabeled records; the student beats the same n-gram on the labels
# alone. The teacher pass's cache, alpha 0 = hard labels, the event in
# metrics.jsonl, a GPT teacher, and bad teachers (missing file, language
# model, label mismatch) with their messages.
. tests/lib.sh

export XDG_CACHE_HOME="$T/cache"
# Three classes, each with 200 keywords of its own; a text has 3 of its
# class's keywords and 5 shared noise words. 30 labeled records see few of
# the keywords; the teacher (1500 labeled) sees nearly all.
python3 - "$T" <<'PY'
import json, random, sys
rng = random.Random(7)
K = ["alpha", "bravo", "charlie"]
kw = {c: ["%s%03d" % (c[:2], i) for i in range(200)] for c in K}
noise = ["w%03d" % i for i in range(300)]
def write(path, n, labeled, classes=K):
    with open(path, "w") as f:
        for i in range(n):
            c = classes[i % len(classes)]
            o = {"text": " ".join(rng.sample(kw.get(c, noise), 3) + rng.sample(noise, 5))}
            if labeled is True or i < labeled:
                o["label"] = c
            f.write(json.dumps(o) + "\n")
d = sys.argv[1]
write(d + "/teacher.jsonl", 1500, True)
write(d + "/mixed.jsonl", 1530, 30)
write(d + "/test.jsonl", 300, True)
write(d + "/delta.jsonl", 40, True, K + ["delta"])
write(d + "/two.jsonl", 40, True, K[:2])
PY
NG="--set epochs=20 --set dim=16 --set buckets=20000 --set threads=1"
"$TUNETOP" train --data "$T/teacher.jsonl" --valid none $NG --out "$T/teacher" >/dev/null 2>"$T/terr"
TEACHER=$T/teacher/model.safetensors
if [ -s "$TEACHER" ]; then ok "teacher trained"; else not_ok "teacher trained" "$(tail -3 "$T/terr")"; fi

run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" $NG --baseline --out "$T/run" --json
expect_rc "distill --baseline --json" 0
cp "$T/out" "$T/first.json"
if python3 - "$T/out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
p = d["teacher_pass"]
assert (p["records"], p["unlabeled"], p["cached"]) == (1530, 1500, 0), p
assert d["eval_split"] == "test" and d["eval_records"] == 300, d
assert (d["temperature"], d["alpha"], d["unlabeled"]) == (2, 0.5, True), d
t, s, b = d["teacher"], d["student"], d["baseline"]
for r in (t, s, b):
    assert r["us_per_text"] > 0 and r["texts_per_second"] > 0, r
# deterministic (one thread, fixed seeds): the margins are wide
assert t["accuracy"] >= 0.95, t
assert s["accuracy"] >= 0.9, s
assert s["accuracy"] >= b["accuracy"] + 0.3, (s, b)
assert s["macro_f1"] >= b["macro_f1"] + 0.3, (s, b)
PY
then ok "the student learns the teacher's accuracy; the labels alone do not"; else
	not_ok "the student beats the baseline" "$(tail -c 600 "$T/out")"; fi
expect_err "stderr: the three scores" "baseline accuracy"
if grep -q '"key": *"distill_teacher"' "$T/run/metrics.jsonl"; then
	ok "metrics.jsonl: the distill event"; else
	not_ok "metrics.jsonl: the distill event" "$(head -c 400 "$T/run/metrics.jsonl")"; fi
if [ -s "$T/run/model.safetensors" ] && [ -s "$T/run/baseline/model.safetensors" ]; then
	ok "--out keeps the student and the baseline"; else not_ok "--out keeps both models"; fi

# Class weights count labeled records only (the unlabeled have no class):
# inverse weights stay near 1 here, and the student does not diverge.
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" $NG --set class_weights=inverse --set lr=0.5 --json
expect_rc "distill with inverse class weights" 0
if python3 -c 'import json, sys; d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); assert d["student"]["accuracy"] >= 0.9, d' "$T/out"; then
	ok "inverse class weights: the student still learns"; else
	not_ok "inverse class weights: the student still learns" "$(tail -c 300 "$T/err")"; fi

# Again: every probability from the cache, the same student.
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" $NG --json
expect_rc "distill again" 0
if python3 - "$T/out" "$T/first.json" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
f = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
assert d["teacher_pass"]["cached"] == d["teacher_pass"]["records"] == 1530, d["teacher_pass"]
assert "baseline" not in d
for k in ("accuracy", "macro_f1"):
    assert d["student"][k] == f["student"][k], (d["student"], f["student"])
PY
then ok "a re-run takes the teacher's probabilities from the cache"; else
	not_ok "cache hit on re-run" "$(tail -c 400 "$T/out")"; fi

# alpha 0: the hard labels alone, bit for bit (same predictions as the baseline).
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" $NG --set distill_alpha=0 --baseline --out "$T/a0"
expect_rc "distill alpha 0" 0
"$TUNETOP" eval "$T/a0/model.safetensors" "$T/test.jsonl" --json >"$T/a0s.json" 2>/dev/null
"$TUNETOP" eval "$T/a0/baseline/model.safetensors" "$T/test.jsonl" --json >"$T/a0b.json" 2>/dev/null
if [ -s "$T/a0s.json" ]; then
	expect_same "alpha 0 trains as the labels alone" "$T/a0s.json" "$T/a0b.json"; else
	not_ok "alpha 0 eval"; fi
"$TUNETOP" eval "$T/run/model.safetensors" "$T/test.jsonl" --json >"$T/a5.json" 2>/dev/null
if ! cmp -s "$T/a5.json" "$T/a0b.json"; then ok "alpha 0.5 differs from the labels alone"; else
	not_ok "alpha 0.5 differs from the labels alone"; fi

# The workbench command, headless: distill MODEL starts the run.
run "$TUNETOP" --headless -e "set epochs 2" -e "set buckets 20000" -e "set dim 16" \
	-e "split 80/10/10" -e "distill $TEACHER" -e "wait" -e "status" "$T/mixed.jsonl"
expect_rc "headless distill MODEL" 0
expect_out "the run reports its soft targets" "soft targets from the teacher"
expect_out "the run finished" "finished at step"
run "$TUNETOP" --headless -e "set distill_alpha 0.7" -e "distill" "$T/mixed.jsonl"
expect_out "distill without MODEL shows the options" "alpha 0.7"

# A GPT teacher: another tokenizer, the same interface.
TINY="--set dim=32 --set layers=1 --set heads=2 --set context=32 --set vocab_size=300 --set threads=1"
"$TUNETOP" train --data "$T/two.jsonl" --valid none --model gpt $TINY --set epochs=1 \
	--out "$T/gpt" >/dev/null 2>"$T/gerr"
"$TUNETOP" train --data "$T/two.jsonl" --valid none --model gpt --objective lm $TINY \
	--set max_steps=2 --out "$T/lm" >/dev/null 2>"$T/lerr"
head -n 20 "$T/two.jsonl" >"$T/two-test.jsonl"
run "$TUNETOP" distill --teacher "$T/gpt/model.safetensors" --data "$T/two.jsonl" \
	--valid none --test "$T/two-test.jsonl" $NG --json
expect_rc "a GPT classifier teaches the n-gram model" 0
expect_out "GPT teacher: 40 soft targets" '"records":40'

# Bad teachers: a clear message naming the file and what was expected.
run "$TUNETOP" distill --teacher "$T/nope.safetensors" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" $NG
expect_rc "missing teacher: status 1" 1
expect_err "missing teacher: the file" "$T/nope.safetensors: cannot read the teacher model"
run "$TUNETOP" distill --teacher "$T/lm/model.safetensors" --data "$T/two.jsonl" --valid none \
	--test "$T/two-test.jsonl" $NG
expect_rc "language-model teacher: status 1" 1
expect_err "language-model teacher: said so" "$T/lm/model.safetensors: the teacher is a language model"
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/delta.jsonl" --valid none \
	--test "$T/test.jsonl" $NG
expect_rc "a label the teacher lacks: status 1" 1
expect_err "a label the teacher lacks: what was expected" \
	"the data's label 'delta' is not one of the teacher's labels (expected one of: alpha, bravo, charlie)"
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/two.jsonl" --valid none \
	--test "$T/two-test.jsonl" $NG
expect_rc "a teacher label the student lacks: status 1" 1
expect_err "a teacher label the student lacks: named" \
	"the teacher's label 'charlie' is not a label of the data (the student knows: alpha, bravo)"
run "$TUNETOP" distill --teacher "$TEACHER" --data "$T/mixed.jsonl" --valid none \
	--test "$T/test.jsonl" --set model=gpt
expect_rc "a gpt student: refused" 1
expect_err "a gpt student: said so" "the student is the n-gram model"
run "$TUNETOP" --headless -e "load $T/delta.jsonl" -e "split 80/10/10" -e "distill $TEACHER"
expect_err "the command: a label mismatch stops the start" "the data's label 'delta'"

exit $_failed
