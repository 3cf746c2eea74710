# check --model MODEL: the outlier kind unknown (a record whose share of
# words missing from the model's vocabulary is over check_max_unknown),
# with the rate in the JSON; the filter term outlier=unknown after it; a
# missing model file named; without a model the kind is not checked.
. tests/lib.sh

python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
with open(d + "/train.jsonl", "w") as f:
    for i in range(40):
        f.write(json.dumps({"text": "the invoice for my billing account was charged twice", "label": "billing"}) + "\n")
        f.write(json.dumps({"text": "my password reset link for the login page is broken", "label": "account"}) + "\n")
with open(d + "/new.jsonl", "w") as f:
    f.write(json.dumps({"id": "k1", "text": "the invoice was charged twice", "label": "billing"}) + "\n")
    f.write(json.dumps({"id": "k2", "text": "zorblat quinx frobnicate the invoice", "label": "billing"}) + "\n")
    f.write(json.dumps({"id": "k3", "text": "password reset zorblat link", "label": "account"}) + "\n")
PY
run "$TUNETOP" train --data "$T/train.jsonl" --valid none --set epochs=1 --set buckets=1000 --out "$T/m"
expect_rc "train a small model" 0

run "$TUNETOP" check "$T/new.jsonl" --model "$T/m/model.safetensors"
expect_rc "check --model" 0
expect_out "unknown counted" "unknown 1"
expect_out "the model named" "not in the vocabulary of $T/m/model.safetensors"

run "$TUNETOP" check --json --model "$T/m/model.safetensors" "$T/new.jsonl"
expect_rc "check --json --model" 0
if python3 - "$T/out" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["findings"]["outliers"]
assert o["counts"]["unknown"] == 1, o
assert o["unknown"]["max_rate"] == 0.5, o
(e,) = o["list"]
assert e["id"] == "k2" and e["kinds"] == ["unknown"], e
assert abs(e["unknown_rate"] - 0.6) < 1e-6, e
PY
then ok "k2 alone, 3 of 5 words unknown"; else not_ok "k2 alone, 3 of 5 words unknown" "$(head -c 600 "$T/out")"; fi

run "$TUNETOP" check --json --set check_max_unknown=0.2 --model "$T/m/model.safetensors" "$T/new.jsonl"
if python3 -c 'import json,sys; o=json.load(open(sys.argv[1]))["findings"]["outliers"]; assert sorted(e["id"] for e in o["list"]) == ["k2", "k3"], o' "$T/out"
then ok "check_max_unknown=0.2 adds k3 (1 of 4)"; else not_ok "check_max_unknown=0.2 adds k3 (1 of 4)" "$(head -c 600 "$T/out")"; fi

run "$TUNETOP" -e "check --model $T/m/model.safetensors; flag-where outlier=unknown" "$T/new.jsonl"
expect_out "the filter term outlier=unknown" "1 of 1 matching records change to flagged"
expect_out "the record it opens" "k2"

run "$TUNETOP" check "$T/new.jsonl"
expect_rc "check without a model" 0
expect_out "unknown not checked" "unknown words: not checked, check --model MODEL"

run "$TUNETOP" check "$T/new.jsonl" --model "$T/nothere.safetensors"
expect_rc "a missing model fails" 1
expect_err "the missing model named" "nothere.safetensors"
