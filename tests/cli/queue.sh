# tunetop queue: the labeling queue headless, in every order; the orders
# that follow a model need one; uncertain never puts two records of one
# near-duplicate group next to each other while others are left.
. tests/lib.sh

run "$TUNETOP" queue "$DATA/small.jsonl"
expect_rc "queue (unlabeled first)" 0
if [ "$(head -n 1 "$T/out" | cut -f 2,3)" = "$(printf 'a5\t-')" ] &&
   [ "$(sed -n 2p "$T/out" | cut -f 2)" = a1 ] && [ "$(wc -l <"$T/out")" -eq 8 ]; then
	ok "unlabeled record first, then file order"
else
	not_ok "unlabeled record first, then file order" "$(cat "$T/out")"
fi
# a1 and a6 have the same text: one group (the first group: 0)
if [ "$(awk -F '\t' '$2 == "a1" || $2 == "a6" { print $5 }' "$T/out" | sort -u)" = 0 ]; then
	ok "duplicates share a group"
else
	not_ok "duplicates share a group" "$(cat "$T/out")"
fi

run "$TUNETOP" queue "$DATA/small.jsonl" --order random --seed 7 --json
expect_rc "queue random --json" 0
cp "$T/out" "$T/r7"
run "$TUNETOP" queue "$DATA/small.jsonl" --order random --seed 7 --json
expect_same "random: the same seed, the same order" "$T/r7" "$T/out"

run "$TUNETOP" queue "$DATA/small.jsonl" --order uncertain
expect_rc "uncertain without a model is a usage error" 2
expect_err "uncertain without a model explained" "order uncertain follows a model: give --model MODEL"

run "$TUNETOP" queue "$DATA/small.jsonl" --order confident
expect_rc "unknown order" 2
expect_err "unknown order named" "unknown order 'confident'"

run "$TUNETOP" queue "$DATA/small.jsonl" --order margin --model "$T/none.safetensors"
expect_rc "missing model fails" 1
expect_err "missing model named" "none.safetensors"

# A model on the demo, then the uncertain order over it.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --valid none --out "$T/m" \
	--set epochs=2 --set threads=1 --set buckets=100000
expect_rc "train a model for the queue" 0
run "$TUNETOP" queue sessions/demo/tickets.jsonl --order uncertain --model "$T/m/model.safetensors" --json
expect_rc "queue uncertain --json" 0
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
q = d["queue"]
assert d["order"] == "uncertain" and d["n"] == len(q) == 816, (d["order"], d["n"])
groups = [e["group"] for e in q]
assert len(set(groups)) < len(groups), "the demo has duplicates"
for i in range(len(q) - 1):
    if groups[i] == groups[i + 1]:
        assert all(g == groups[i] for g in groups[i:]), ("in a row", i, q[i], q[i + 1])
# the spread keeps the margins nearly sorted: the first 50 are among the 100 smallest
ms = sorted(e["score"] for e in q)
assert all(e["score"] <= ms[99] for e in q[:50])
PY
then ok "uncertain: no two of one group in a row, most uncertain first"; else not_ok "uncertain: no two of one group in a row, most uncertain first" "$(head -c 300 "$T/out")"; fi
run "$TUNETOP" queue sessions/demo/tickets.jsonl --order margin --model "$T/m/model.safetensors" --limit 5
expect_rc "queue margin --limit" 0
if [ "$(wc -l <"$T/out")" -eq 5 ] && sort -t "$(printf '\t')" -k4,4g -c "$T/out"; then
	ok "margin: smallest first, 5 lines"
else
	not_ok "margin: smallest first, 5 lines" "$(cat "$T/out")"
fi

run "$TUNETOP" queue "$DATA/small.jsonl" --order file --unlabeled
if [ "$rc" -eq 0 ] && [ "$(cut -f 2 "$T/out")" = a5 ]; then ok "--unlabeled: only the unlabeled record"; else
	not_ok "--unlabeled: only the unlabeled record" "$(cat "$T/out")"; fi
run "$TUNETOP" queue "$DATA/small.jsonl" --spread x
expect_rc "a bad --spread is a usage error" 2
expect_err "a bad --spread explained" "--spread expects a number, not 'x'"
