# tunetop check --near-dups --json: duplicate and near-duplicate groups, a
# leak across splits, outliers, with record ids; bad options refused.
. tests/lib.sh

cat > "$T/nd.jsonl" <<'J'
{"id": "a1", "text": "The invoice for March was charged twice to our company card", "label": "billing", "split": "train"}
{"id": "a2", "text": "the invoice for March was charged twice to our company card.", "label": "billing", "split": "test"}
{"id": "b1", "text": "Please add a dark mode to the calendar view on mobile devices", "label": "feature", "split": "train"}
{"id": "b2", "text": "PLEASE add a dark mode to the calendar  view on mobile devices", "label": "bug", "split": "train"}
{"id": "c1", "text": "Login fails with an error after the latest update on Android phones", "label": "bug", "split": "train"}
{"id": "c2", "text": "Login fails with an error after the newest update on Android", "label": "bug", "split": "valid"}
{"id": "d1", "text": "How do I export all events to a spreadsheet for the finance team", "label": "howto", "split": "train"}
{"text": "   ", "label": "bug", "split": "train"}
{"id": "e1", "text": "$$$ 100% !!! 555-1234 ### ***", "label": "billing", "split": "train"}
J
run "$TUNETOP" check --near-dups --json "$T/nd.jsonl"
expect_rc "check --near-dups --json" 0
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["findings"]
ids = lambda g: [m["id"] for m in g["records"]]
dups = d["duplicates"]["list"]
# b1/b2 differ only by case and spaces, with other labels: listed first
assert [ids(g) for g in dups] == [["b1", "b2"]], dups
assert dups[0]["labels_disagree"] is True
near = d["near_duplicates"]
assert near["shingle"] == "char5" and near["perm"] == 128 and near["threshold"] == 0.5, near
groups = [ids(g) for g in near["list"]]
assert groups[0] == ["b1", "b2"], groups          # disagreeing labels first
assert ["a1", "a2"] in groups and ["c1", "c2"] in groups, groups
assert not any("d1" in g for g in groups), groups
leaks = [ids(g) for g in near["list"] if g["leak"]]
assert sorted(leaks) == [["a1", "a2"], ["c1", "c2"]], leaks
assert d["leaks"]["records"] == 4, d["leaks"]
out = {str(o["id"]): o["kinds"] for o in d["outliers"]["list"]}
assert out.get("8") == ["empty"], out             # no id: the record number
assert "nonletter" in out.get("e1", []), out
assert d["class_balance"]["min_class"] == 1000
PY
then ok "near-dup groups, leaks and outliers with ids"; else not_ok "near-dup groups, leaks and outliers with ids" "$(cat "$T/out")"; fi

run "$TUNETOP" check "$T/nd.jsonl"
expect_rc "check (text)" 0
expect_out "text: near dups are opt-in" "near-dup     not checked (check --near-dups)"
expect_out "text: normalized duplicates" "dup          2 records in 1 groups"
expect_out "text: leak line" "leak         0 records"

run "$TUNETOP" check --near-dups "$T/nd.jsonl"
expect_out "text: near-dup groups" "near-dup     6 records in 3 groups (char5, 128 permutations, 42 bands x 3 rows"
expect_out "text: leaks" "leak         4 records in 2 groups span train and valid/test"
expect_out "text: the disagreeing group first" "near-dup group 1 (2 records), labels disagree:"

run "$TUNETOP" check --near-dups --set neardup_shingle=word2 --json "$T/nd.jsonl"
expect_rc "word shingles" 0
expect_out "word2 reported" '"shingle": "word2"'

run "$TUNETOP" check --near-dups --set neardup_perm=8 "$T/nd.jsonl"
expect_rc "perm out of range" 2
expect_err "perm range explained" "neardup_perm"
run "$TUNETOP" check --near-dups --set neardup_threshold=0 "$T/nd.jsonl"
expect_err "threshold range explained" "neardup_threshold"
run "$TUNETOP" check --near-dups --set neardup_shingle=line3 "$T/nd.jsonl"
expect_err "shingle choices listed" "expected one of char3, char4, char5"
run "$TUNETOP" check --near-dups --set neardup_perm=100 "$T/nd.jsonl"
expect_rc "perm not a multiple of 8" 1
expect_err "perm multiple explained" "neardup_perm: 100 is out of range (expected a multiple of 8"
run "$TUNETOP" check --near-dups --set neardup_perm=64 --set neardup_bands=65 "$T/nd.jsonl"
expect_err "bands above perm explained" "neardup_bands: 65 is out of range"
run "$TUNETOP" check --near-dups --set check_outlier_z=-1 "$T/nd.jsonl"
expect_err "z range explained" "check_outlier_z"


