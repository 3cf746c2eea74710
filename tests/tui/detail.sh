# The record detail shows every field of a record, its note and its edits
# from the journal; the filter `edited by=NAME` lists this session's edits.
. tests/lib.sh
. tests/tui/tui.inc

printf '%s\n' '{"id":"a1","text":"my card was charged twice","label":"billing","source":"email","meta":{"lang":"en"}}' \
	'{"id":"a2","text":"cannot log in","label":"access","source":"chat"}' \
	'{"id":"a3","text":"refund please","label":"billing","source":"phone"}' > "$T/d.jsonl"
TUI_ENV="USER=alice"
tui_start 80 24 "$T/d.jsonl"
check "opens" wait_status "READY"
keys Tab
type_line "label a1 access"
check "the label is saved" wait_for "label a1: billing -> access"
type_line "note a1 customer is angry"
check "the note is saved" wait_for "note a1"
type_line "layout data"
check "the data pane" wait_for "split  flg  text"
keys Enter
check "Enter: the record in full" wait_for "record 1 of 3"
check "the detail shows the other fields" wait_for "│source: email"
check "nested fields as JSON" wait_for '│meta: {"lang":"en"}'
check "the note" wait_for "│note: customer is angry"
check "its edits, with who made them" wait_for "alice label billing -> access"
check "and the note's" wait_for 'alice note (none) -> "customer is angry"'
keys Enter
check "Enter: back to the list" wait_for "Enter: detail"
keys f
type_line "edited by=alice"
check "the filter lists alice's edits this session" wait_for "data · 1 of 3 records · edited by=alice"
keys j
check "only a1 is listed" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "^│a2 "'
keys q
check "quits" restored
tui_stop

# CSV: the other columns, decoded ("" inside quotes).
printf '%s\n' 'id,text,label,source,customer' 'c1,"my card, charged twice",billing,email,"ACME ""big"" Ltd"' \
	'c2,cannot log in,access,chat,Foo' > "$T/d.csv"
tui_start 80 24 "$T/d.csv"
check "opens the CSV" wait_status "READY"
keys F2 Enter
check "the CSV record in full" wait_for "record 1 of 2"
check "its other columns" wait_for "│source: email"
check "quoted values decoded" wait_for '│customer: ACME "big" Ltd'
keys q
check "quits after the CSV" restored
exit $_failed
