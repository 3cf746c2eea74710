# Ensembles of saved models: eval / predict --ensemble, the `ensemble` command
# headless, bad inputs.
. tests/lib.sh

D=sessions/demo/tickets.jsonl
# Two different models: another seed, and character n-grams in the second.
"$TUNETOP" train --data "$D" --set epochs=10 --set dim=16 --set buckets=20000 --set threads=1 \
	--set seed=1 --out "$T/m1" >/dev/null 2>"$T/err1"
"$TUNETOP" train --data "$D" --set epochs=10 --set dim=16 --set buckets=20000 --set threads=1 \
	--set seed=2 --set char_ngrams=4 --out "$T/m2" >/dev/null 2>"$T/err2"
M1=$T/m1/model.safetensors
M2=$T/m2/model.safetensors
if [ -s "$M1" ] && [ -s "$M2" ]; then ok "two models trained"; else
	not_ok "two models trained" "$(tail -3 "$T/err1" "$T/err2")"; fi

# Texts and labels of the labeled records, one a line, for predict.
python3 - "$D" "$T/texts" "$T/labels" <<'PY'
import json, sys
with open(sys.argv[2], "w") as t, open(sys.argv[3], "w") as l:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        if r.get("label") is None:
            continue
        t.write(r["text"].replace("\n", " ").replace("\r", " ") + "\n")
        l.write(r["label"] + "\n")
PY

# An ensemble of one model is that model, bit for bit.
"$TUNETOP" eval "$M1" "$D" --json > "$T/e1.json"
"$TUNETOP" eval --ensemble "$M1" "$D" --json > "$T/e1e.json"
expect_same "eval: an ensemble of one model equals the model" "$T/e1.json" "$T/e1e.json"
"$TUNETOP" predict "$M1" --k 7 --json < "$T/texts" > "$T/p1.json"
"$TUNETOP" predict --ensemble "$M1" --weights 2.5 --k 7 --json < "$T/texts" > "$T/p1e.json"
expect_same "predict: an ensemble of one (weighted) model equals the model" "$T/p1.json" "$T/p1e.json"

# eval's accuracy is the share of predict's top-1 that match the labels.
for mode in mean vote; do
	opt=; [ "$mode" = vote ] && opt=--vote
	run "$TUNETOP" eval --ensemble "$M1,$M2" $opt "$D" --json
	expect_rc "eval --ensemble ($mode)" 0
	cp "$T/out" "$T/eval-$mode.json"
	"$TUNETOP" predict --ensemble "$M1,$M2" $opt --json < "$T/texts" > "$T/pred-$mode.json"
	if python3 - "$T/eval-$mode.json" "$T/pred-$mode.json" "$T/labels" "$T/e1.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
preds = [json.loads(l)[0]["label"] for l in open(sys.argv[2])]
labels = [l.strip() for l in open(sys.argv[3])]
assert len(preds) == len(labels) == ev["n"], (len(preds), len(labels), ev["n"])
acc = sum(p == l for p, l in zip(preds, labels)) / len(labels)
assert abs(acc - ev["accuracy"]) < 1e-6, (acc, ev["accuracy"])
single = json.load(open(sys.argv[4]))
assert ev["accuracy"] != single["accuracy"] or ev["log_loss"] != single["log_loss"]
PY
	then ok "$mode: eval accuracy matches predict's top-1"; else
		not_ok "$mode: eval accuracy matches predict's top-1"; fi
done
# The vote's vector sums to 1 and its winner has the most votes.
if python3 - "$T/pred-vote.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    p = json.loads(line)
    assert 0.5 / 3 <= p[0]["prob"] <= 1.0, p
PY
then ok "vote: the winner holds at least one vote of two"; else not_ok "vote: winner's share"; fi

# Weights move the mean toward a member: all the weight on M2 is M2.
"$TUNETOP" predict "$M2" --k 3 < "$T/texts" > "$T/p2.txt"
"$TUNETOP" predict --ensemble "$M1,$M2" --weights 0,1 --k 3 < "$T/texts" > "$T/p2e.txt"
expect_same "weights 0,1: the second model alone" "$T/p2.txt" "$T/p2e.txt"

# Headless: the ensemble becomes the filters' prediction source.
python3 -c 'import json, sys
for l in open(sys.argv[1]): print(json.loads(l)["text"].replace("\n", " ").replace("\r", " "))' \
	"$D" > "$T/alltexts"
n_billing=$("$TUNETOP" predict --ensemble "$M1,$M2" < "$T/alltexts" | grep -c '^billing ')
cp "$D" "$T/d.jsonl"
run "$TUNETOP" --headless -e "ensemble $M1 $M2" -e "ensemble" -e "flag-where pred=billing --yes" \
	"$T/d.jsonl"
expect_rc "ensemble headless" 0
expect_out "ensemble says what it uses" "suggestions come from an ensemble of 2 models (mean)"
expect_out "flag-where follows the ensemble" "flag-where: $n_billing of $n_billing matching records"
run "$TUNETOP" --headless -e "ensemble $M1 --vote" -e "ensemble off" -e "flag-where pred=billing --yes" \
	"$T/d.jsonl"
expect_rc "ensemble off: no predictions left headless" 1
expect_out "off said" "suggestions come from the live model again"
expect_err "off: the filter has no source" "need a model's predictions"

# Bad inputs: clear errors naming the file, exit 1 (usage 2).
run "$TUNETOP" eval --ensemble "$M1,$T/none.safetensors" "$D"
expect_rc "missing model fails" 1
expect_err "missing model named" "none.safetensors: cannot open"
printf 'not a model' > "$T/bad.safetensors"
run "$TUNETOP" predict --ensemble "$M1,$T/bad.safetensors" hello
expect_rc "corrupt model fails" 1
expect_err "corrupt model named" "bad.safetensors"
sed 's/"billing"/"spam"/; s/"access"/"ham"/' tests/data/small.jsonl > "$T/other.jsonl"
"$TUNETOP" train --data "$T/other.jsonl" --set epochs=2 --set dim=4 --set buckets=100 \
	--set threads=1 --out "$T/mo" >/dev/null 2>&1
run "$TUNETOP" eval --ensemble "$M1,$T/mo/model.safetensors" "$D"
expect_rc "disjoint labels fail" 1
expect_err "disjoint labels explained" "mo/model.safetensors: its labels share none with the first model's"
run "$TUNETOP" --headless -e "ensemble $M1 $T/mo/model.safetensors" "$T/d.jsonl"
expect_rc "ensemble command: disjoint labels fail" 1
expect_err "ensemble command explains" "its labels share none"
"$TUNETOP" train --data tests/data/small.jsonl --set epochs=2 --set dim=4 --set buckets=100 \
	--set threads=1 --out "$T/ms" >/dev/null 2>&1
run "$TUNETOP" eval --ensemble "$M1,$T/ms/model.safetensors" "$D"
expect_rc "partly shared labels work" 0
expect_err "missing labels noted" "get probability 0 from those that lack them: bug_report (1 of 2)"
run "$TUNETOP" eval --ensemble "$M1,$M2" --weights 1 "$D"
expect_rc "wrong number of weights" 1
expect_err "weights explained" "1 weights for 2 models"
run "$TUNETOP" eval --ensemble "$M1,$M2" --vote --weights 1,2 "$D"
expect_rc "weights with vote refused" 1
expect_err "vote weights explained" "weights apply to the mean, not to a vote"
run "$TUNETOP" eval "$M1" --vote "$D"
expect_rc "--vote without --ensemble" 1
expect_err "--vote explained" "go with --ensemble"
run "$TUNETOP" eval --ensemble "$M1" "$M2" "$D"
expect_rc "--ensemble and two files: usage" 2
run "$TUNETOP" predict "$M1" --ensemble "$M2" hello
expect_rc "MODEL and --ensemble: usage" 2
exit $_failed
