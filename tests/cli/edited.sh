# The filter terms `edited` (since the data was opened) and `by=NAME`
# (the journal's annotator), through flag-where in headless runs.
. tests/lib.sh

printf '%s\n' '{"id":"a1","text":"my card was charged twice","label":"billing"}' \
	'{"id":"a2","text":"cannot log in","label":"access"}' \
	'{"id":"a3","text":"refund please","label":"billing"}' > "$T/d.jsonl"
USER=alice run "$TUNETOP" --headless -e 'label a1 access' "$T/d.jsonl"
expect_rc "alice labels a1" 0
USER=bob run "$TUNETOP" --headless -e 'label a2 billing' -e 'flag-where by=alice --yes' \
	-e 'flag-where edited --yes' "$T/d.jsonl"
expect_rc "bob labels a2 and flags by filters" 0
expect_out "by=alice: alice's record only" "flag-where: 1 of 1 matching records change to flagged"
expect_out "edited: this session's records (a2 by bob, and a1's flag)" \
	"flag-where: 1 of 2 matching records change to flagged"
if grep -q "a3" "$T/out"; then not_ok "a3 was never edited" "$(cat "$T/out")"; else
	ok "a3 was never edited"; fi
USER=carol run "$TUNETOP" --headless -e 'flag-where edited --yes' "$T/d.jsonl"
expect_out "edited is empty in a new session" "0 records match 'edited'"
USER=carol run "$TUNETOP" --headless -e 'flag-where edited by=bob --yes' "$T/d.jsonl"
expect_out "edited by=bob: none in carol's session" "0 records match 'edited by=bob'"
USER=carol run "$TUNETOP" --headless -e 'flag-where by=bob --yes' "$T/d.jsonl"
expect_out "by=bob: bob's records from his session (a2, a1; both flagged already)" \
	"flag-where: 2 records match 'by=bob'; none would change"
USER=carol run "$TUNETOP" --headless -e 'flag-where by=nobody --yes' "$T/d.jsonl"
expect_out "an unknown annotator matches nothing" "0 records match 'by=nobody'"
exit $_failed
