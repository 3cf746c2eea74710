# tunetop check: the health report, JSON output, and clear errors.
. tests/lib.sh

run "$TUNETOP" check sessions/demo/tickets.jsonl
expect_rc "check demo" 0
expect_out "demo record count" "records      816"
expect_out "demo unlabeled" "unlabeled    122 (15.0%)"
expect_out "demo duplicates" "duplicates   5 records repeat an earlier text"
expect_out "demo warns on small classes" "labels have under 1,000 examples"

run "$TUNETOP" check --json "$DATA/small.jsonl"
expect_rc "check --json" 0
if python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["records"] == 8, d
assert d["unlabeled"] == 1
assert d["labels"]["billing"]["count"] == 4
assert d["labels"]["access"]["count"] == 3
assert d["duplicates"]["records"] == 1
assert d["length_words"]["max"] == 7
PY
then ok "check --json figures"; else not_ok "check --json figures" "$(cat "$T/out")"; fi

# A test split under 1,000 records warns (issue 14), in text and in JSON; none, no warning.
awk 'BEGIN { for (i = 0; i < 30; i++) printf "{\"text\": \"t %d\", \"label\": \"%s\", \"split\": \"%s\"}\n", i, i % 2 ? "a" : "b", i < 6 ? "test" : "train" }' >"$T/smalltest.jsonl"
run "$TUNETOP" check "$T/smalltest.jsonl"
expect_out "a small test split warns" "the test split has 6 records (under 1,000): its accuracy has a wide confidence interval"
run "$TUNETOP" check --json "$T/smalltest.jsonl"
if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["findings"]["class_balance"]["test_under_1000"] is True, d["findings"]' "$T/out"
then ok "check --json: test_under_1000"; else not_ok "check --json: test_under_1000" "$(head -c 400 "$T/out")"; fi
run "$TUNETOP" check "$DATA/small.jsonl"
if grep -qF "the test split has" "$T/out"; then not_ok "no test split, no test-split warning"; else ok "no test split, no test-split warning"; fi

run "$TUNETOP" check "$T/missing.jsonl"
expect_rc "missing file fails" 1
expect_err "missing file explained" "missing.jsonl: cannot open: No such file or directory"

run "$TUNETOP" check "$T"
expect_err "directory explained" "is a directory"

: > "$T/empty.jsonl"
run "$TUNETOP" check "$T/empty.jsonl"
expect_err "empty file explained" "empty.jsonl:1:1: empty file"

printf '{"text": "ok"}\n{"text": "bad \377"}\n' > "$T/utf8.jsonl"
run "$TUNETOP" check "$T/utf8.jsonl"
expect_err "invalid UTF-8 has line:col" "utf8.jsonl:2:15: invalid UTF-8"

printf '{"text": "ok"}\n{"text": "nul \000 here"}\n' > "$T/nul.jsonl"
run "$TUNETOP" check "$T/nul.jsonl"
expect_err "NUL byte has line:col" "nul.jsonl:2:15: NUL byte"

printf '{"text": "ok"}\n{"text": 3}\n{"text": "fine"}\n{oops\n' > "$T/mixed.jsonl"
run "$TUNETOP" check "$T/mixed.jsonl"
expect_rc "strict load stops" 1
expect_err "first bad line reported" "mixed.jsonl:2:10: field \"text\" is a number"
run "$TUNETOP" check --skip-bad "$T/mixed.jsonl"
expect_rc "skip-bad goes on" 0
expect_err "skip-bad lists line 2" "mixed.jsonl:2:10: skipped"
expect_err "skip-bad lists line 4" "mixed.jsonl:4:"
expect_out "skip-bad counts the rest" "records      2"

# A single line of 100 MB is refused with a clear message, not a crash.
python3 -c 'import sys; sys.stdout.write("{\"text\": \"" + "x" * (100 << 20) + "\"}\n")' > "$T/huge.jsonl"
run "$TUNETOP" check "$T/huge.jsonl"
expect_rc "100 MB line fails" 1
expect_err "100 MB line explained" "huge.jsonl:1:1: record is 104857612 bytes (expected at most 16777216; raise max_record_mb)"
run "$TUNETOP" check --set max_record_mb=200 "$T/huge.jsonl"
expect_rc "100 MB line loads when allowed" 0
rm -f "$T/huge.jsonl"

run "$TUNETOP" check "$DATA/small.csv"
expect_rc "check csv" 0
expect_out "csv records" "records      3"
