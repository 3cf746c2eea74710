# tunetop convert: between formats, byte-for-byte within one, and never
# touching OUT when IN is bad.
. tests/lib.sh

run "$TUNETOP" convert sessions/demo/tickets.jsonl "$T/same.jsonl"
expect_rc "jsonl to jsonl" 0
expect_same "unedited round trip is byte for byte" sessions/demo/tickets.jsonl "$T/same.jsonl"

run "$TUNETOP" convert "$DATA/small.csv" "$T/same.csv"
expect_same "csv round trip is byte for byte" "$DATA/small.csv" "$T/same.csv"

run "$TUNETOP" convert sessions/demo/tickets.jsonl "$T/demo.csv"
expect_rc "jsonl to csv" 0
run "$TUNETOP" convert "$T/demo.csv" "$T/back.jsonl"
expect_rc "csv to jsonl" 0
"$TUNETOP" check --json sessions/demo/tickets.jsonl > "$T/a.json"
"$TUNETOP" check --json "$T/back.jsonl" > "$T/b.json"
if python3 - "$T/a.json" "$T/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("records", "labeled", "unlabeled", "labels", "length_chars", "duplicates"):
    assert a[k] == b[k], (k, a[k], b[k])
PY
then ok "jsonl -> csv -> jsonl keeps texts and labels"; else not_ok "jsonl -> csv -> jsonl keeps texts and labels"; fi

run "$TUNETOP" convert --to fasttext "$DATA/small.jsonl" "$T/small.txt"
expect_rc "jsonl to fasttext" 0
if grep -q '^__label__billing my card was charged twice$' "$T/small.txt"; then
	ok "fasttext line written"; else not_ok "fasttext line written" "$(head -3 "$T/small.txt")"; fi

echo 'keep me' > "$T/out.jsonl"
printf '{"text": "a"}\n{"text": \n' > "$T/bad.jsonl"
run "$TUNETOP" convert "$T/bad.jsonl" "$T/out.jsonl"
expect_rc "bad input fails" 1
expect_err "bad input has line:col" "bad.jsonl:2:"
if [ "$(cat "$T/out.jsonl")" = "keep me" ]; then ok "OUT untouched on bad input"; else
	not_ok "OUT untouched on bad input"; fi

run "$TUNETOP" convert "$DATA/small.jsonl"
expect_rc "missing OUT is a usage error" 2
