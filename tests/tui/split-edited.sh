# `t` on data without splits splits it 80/10/10 (issue 10 §3): that split
# lives in the session, so it marks no record as edited (`*` stays the
# person's edits) and `save` leaves the file's rows as they were, unless
# the person asks for `save with-split`.
. tests/lib.sh
. tests/tui/tui.inc

"$TUNETOP" convert sessions/demo/tickets.jsonl "$T/t.csv" 2>/dev/null
cp "$T/t.csv" "$T/t.orig"
tui_start 120 30 --set dim=10 --set buckets=1000 --set epochs=2 "$T/t.csv"
check "opens" wait_status "READY"
keys t
check "t splits and trains" wait_status "DONE"
keys F2
check "the data pane shows the split" wait_for "t0001 bug_report      train"
check "and no record is marked edited" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "^│t[0-9]* .* \* "'
keys Tab
type_line "label t0003 billing"
check "a person's edit is marked" \
	wait_until 15 shows_re "^│t0003 billing +train +\* "
type_line "save"
check "save says the split stays in the session" wait_for "stays in the session"
check "the file gets the edit and no split column" \
	sh -c 'head -1 "$1" | grep -qx "id,text,label" && grep -q "^t0003,.*,billing$" "$1"' - "$T/t.csv"
check "every other row is as it was" \
	sh -c '[ "$(diff "$1" "$2" | grep -c "^>")" = 1 ]' - "$T/t.orig" "$T/t.csv"
esc
keys q
check "quits" restored
tui_stop
check "the split is kept in the state beside the data" grep -q "^split: {ratios: 80/10/10" "$T/t.csv.state.yaml"

tui_start 120 30 "$T/t.csv"
check "reopened after an edit that changed the order labels first appear in: the run is back" \
	wait_for "last run restored: finished at step"
keys F2
check "the records have their split again" wait_for "t0001 bug_report      train"
keys Tab
type_line "save with-split"
check "save with-split writes it into the data" wait_for "saved 816 records"
check "a split column" sh -c 'head -1 "$1" | grep -qx "id,text,label,split"' - "$T/t.csv"
esc
keys q
check "quits" restored
tui_stop
exit $_failed
