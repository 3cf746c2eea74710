# tunetop agreement and adjudicate: two annotators in one journal (set
# annotator NAME) or in two (--journal), kappa and alpha against values
# computed by hand, the disagreements queue with every answer and who gave
# it, the adjudication's provenance in the journal, and a malformed second
# journal named with file:line:column.
. tests/lib.sh

cp "$DATA/small.jsonl" "$T/d.jsonl"
run "$TUNETOP" --set annotator=ana -e "label a1 billing; label a2 access; label a3 billing; label a4 access; label a6 billing; label a7 billing" "$T/d.jsonl"
expect_rc "ana labels" 0
run "$TUNETOP" --set annotator=bob -e "label a1 billing; label a2 access; label a3 access; label a4 access; label a6 billing; label a7 billing" "$T/d.jsonl"
expect_rc "bob labels" 0
if grep -q '"annotator":"bob","id":"a3","op":"label"' "$T/d.jsonl.journal"; then
	ok "the journal records who labeled"
else
	not_ok "the journal records who labeled" "$(tail -n 2 "$T/d.jsonl.journal")"
fi

# 6 records both answered, 5 agree; ana billing 4 access 2, bob 3 and 3:
# kappa = (5/6 - 1/2) / (1/2) = 0.667; alpha = 1 - 11 * 2 / (2 * 7 * 5) = 0.686
run "$TUNETOP" agreement "$T/d.jsonl"
expect_rc "agreement" 0
expect_out "agreement names the annotators" "agreement of 2 annotators: ana, bob"
expect_out "kappa by hand" "Cohen's kappa                    0.667   (6 records both answered)"
expect_out "alpha by hand" "Krippendorff's alpha, nominal    0.686"
expect_out "one disagreement left" "disagreeing 1 (0 adjudicated, 1 left"
run "$TUNETOP" agreement "$T/d.jsonl" --json
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["annotators"] == ["ana", "bob"], d
assert abs(d["kappa"] - 2 / 3) < 1e-6 and abs(d["alpha"] - 48 / 70) < 1e-6, d
assert d["both"] == 6 and d["disagree"] == 1, d
lab = {l["label"]: l for l in d["labels"]}
assert lab["billing"]["count"] == {"ana": 4, "bob": 3}, lab
assert abs(lab["billing"]["kappa"] - 2 / 3) < 1e-6   # two labels: each one's kappa is the overall
PY
then ok "agreement --json figures"; else not_ok "agreement --json figures" "$(cat "$T/out")"; fi

run "$TUNETOP" queue "$T/d.jsonl" --order disagreements
expect_rc "queue disagreements" 0
if [ "$(head -n 1 "$T/out" | cut -f 2,6)" = "$(printf 'a3\tana billing · bob access')" ]; then
	ok "the disagreement comes first with every answer and who gave it"
else
	not_ok "the disagreement comes first with every answer and who gave it" "$(head -n 3 "$T/out")"
fi

run "$TUNETOP" --set annotator=lead -e "adjudicate a3 access; agreement" "$T/d.jsonl"
expect_rc "adjudicate" 0
expect_out "adjudicated counted" "disagreeing 1 (1 adjudicated, 0 left"
if tail -n 1 "$T/d.jsonl.journal" | grep -qF '"annotator":"lead","id":"a3","op":"label","before":["access"],"after":["access"],"adjudicates":[{"annotator":"ana","label":["billing"]},{"annotator":"bob","label":["access"]}]'; then
	ok "the adjudication is journaled with the answers it settled"
else
	not_ok "the adjudication is journaled with the answers it settled" "$(tail -n 1 "$T/d.jsonl.journal")"
fi
run "$TUNETOP" queue "$T/d.jsonl" --order disagreements --limit 1
if [ "$(cut -f 2 "$T/out")" = a1 ]; then ok "settled: no longer first"; else
	not_ok "settled: no longer first" "$(cat "$T/out")"; fi
run "$TUNETOP" export --provenance "$T/d.jsonl" "$T/prov.jsonl"
if grep -q '"adjudicates":\[{"annotator":"ana"' "$T/prov.jsonl"; then ok "provenance export keeps it"; else
	not_ok "provenance export keeps it" "$(tail -n 1 "$T/prov.jsonl")"; fi
run "$TUNETOP" -e "adjudicate a5 billing" "$T/d.jsonl"
expect_rc "adjudicate without answers fails" 1
expect_err "adjudicate without answers explained" "record a5 has no answers to settle"

# Two journals: bob labeled his own copy of the same file.
mkdir "$T/ana" "$T/bob"
cp "$DATA/small.jsonl" "$T/ana/d.jsonl"
cp "$DATA/small.jsonl" "$T/bob/d.jsonl"
"$TUNETOP" --set annotator=ana -e "label a1 billing; label a2 access; label a3 billing; label a4 access; label a6 billing; label a7 billing" "$T/ana/d.jsonl" >/dev/null
"$TUNETOP" --set annotator=bob -e "label a1 billing; label a2 access; label a3 access; label a4 access; label a6 billing; label a7 billing" "$T/bob/d.jsonl" >/dev/null
run "$TUNETOP" agreement "$T/ana/d.jsonl"
expect_rc "one annotator is not enough" 1
expect_err "one annotator explained" "answers from two annotators are needed, found 1 (ana)"
run "$TUNETOP" agreement "$T/ana/d.jsonl" --journal "$T/bob/d.jsonl.journal"
expect_rc "agreement of two journals" 0
expect_out "two journals: the same kappa" "Cohen's kappa                    0.667"
run "$TUNETOP" --headless -e "agreement --journal $T/bob/d.jsonl.journal; adjudicate a3 billing" "$T/ana/d.jsonl"
expect_rc "adjudicate over two journals" 0
if tail -n 1 "$T/ana/d.jsonl.journal" | grep -qF '"adjudicates":[{"annotator":"ana","label":["billing"]},{"annotator":"bob","label":["access"]}]'; then
	ok "the other journal's answer is in the provenance"
else
	not_ok "the other journal's answer is in the provenance" "$(tail -n 1 "$T/ana/d.jsonl.journal")"
fi

head -n 2 "$T/bob/d.jsonl.journal" > "$T/bad.journal"
printf '{"seq":9,"time":"t","annotator":"bob","id":"a1","op":"label","before":[],"after":"billing"}\n' >> "$T/bad.journal"
run "$TUNETOP" agreement "$T/ana/d.jsonl" --journal "$T/bad.journal"
expect_rc "malformed second journal fails" 1
expect_err "malformed second journal: file:line:column" "bad.journal:3:74: \"after\" of a label event is not an array"
run "$TUNETOP" agreement "$T/ana/d.jsonl" --journal "$T/missing.journal"
expect_rc "missing second journal fails" 1
expect_err "missing second journal named" "missing.journal: cannot open"
