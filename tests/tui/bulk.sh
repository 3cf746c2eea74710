# Bulk edits in the workbench at 80x24, on a scratch copy of the demo:
# `relabel` from the REPL shows its preview and asks; `n` changes nothing;
# another command cancels it (a late `y` then finds nothing to apply); `y`
# applies it to every matching record, `undo` reverts them all in one step
# and a save writes the original bytes back. From a key (a bound
# flag-where), the question is in the status bar, another key cancels it
# and the `y` key applies it.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"
cp "$T/demo/tickets.jsonl" "$T/orig.jsonl"
D=$T/demo/tickets.jsonl
# The billing tickets that mention a refund: what the relabel changes.
n=$(grep '"label": "billing"' "$D" | grep -ci refund)

# since MARK TEXT: the screen shows TEXT below the first line with MARK
# (`echo MARK` before each step keeps earlier output from matching).
shows_since() { screen | sed -n "/$1/,\$p" | grep -qF -- "$2"; }
since() { wait_until 15 shows_since "$1" "$2"; }
mark() { type_line "echo $1"; wait_for "$1"; }
# count NAME N: a row of `labels` ("billing                  141").
count() { printf '%-24s %s' "$1" "$2"; }

tui_start 80 24 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"
keys F2
check "F2 shows the data pane" wait_for "t0001"
keys Tab
type_line "zoom"	# the REPL alone: the preview's lines are not wrapped
check "the REPL is zoomed" wait_gone "t0001"

mark MARK-1
type_line "relabel label=billing text~/refund/i billing-refund"
check "the preview counts the records ($n)" since MARK-1 \
	"relabel: $n of $n matching records change to 'billing-refund'; for example:"
check "the preview shows a sample" since MARK-1 "billing -> billing-refund"
check "the question is asked" since MARK-1 "relabel $n records to 'billing-refund'? (y/n)"
check "the prompt asks y/n" since MARK-1 "y/n › "
check "the status bar asks too" wait_status "y/n: relabel $n records"
check "the screen stays framed while asking" framed

type_line "n"
check "n cancels" since MARK-1 "relabel: cancelled, nothing changed"
check "the question is gone from the status bar" wait_status_gone "y/n"
mark MARK-2
type_line "labels"
check "n changed nothing (billing still has 141)" since MARK-2 "$(count billing 141)"
check "and made no new label" sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t main | sed -n '/MARK-2/,\$p' | grep -q 'billing-refund'"

mark MARK-3
type_line "relabel label=billing text~/refund/i billing-refund"
check "asked again" since MARK-3 "(y/n)"
type_line "version"
check "another command cancels it, saying so" since MARK-3 \
	"relabel: not applied (another command came first); nothing changed"
mark MARK-4
type_line "y"
check "a late y finds nothing to apply" since MARK-4 "no bulk edit is waiting for an answer"
type_line "labels"
check "the cancelled edit changed nothing" since MARK-4 "$(count billing 141)"

mark MARK-5
type_line "relabel label=billing text~/refund/i billing-refund"
check "asked a third time" since MARK-5 "(y/n)"
type_line "y"
check "y applies it to every record" since MARK-5 "relabel: changed $n records; 'undo' reverts them all"
check "as one journal step" since MARK-5 "label on $n records (one undo step, saved"
mark MARK-6
type_line "labels"
check "the new label has the records" since MARK-6 "$(count billing-refund "$n")"
check "billing has them no more" since MARK-6 "$(count billing $((141 - n)))"
type_line "save"
check "saved" since MARK-6 "saved 816 records"
if [ "$(grep -c '"label": "billing-refund"' "$D")" -eq "$n" ]; then
	ok "the file has $n records relabeled"; else
	not_ok "the file has $n records relabeled" "$(grep -c billing-refund "$D")"; fi

mark MARK-7
type_line "undo"
check "one undo reverts the whole bulk edit" since MARK-7 "undid label on $n records (one undo step"
type_line "labels"
check "billing has its records back" since MARK-7 "$(count billing 141)"
check "the new label has none" since MARK-7 "$(count billing-refund 0)"
type_line "save"
check "saved again" since MARK-7 "saved 816 records"
expect_same "after undo and save the file is the original" "$D" "$T/orig.jsonl"

# From a key: the question in the status bar; y and other keys as keys.
type_line "bind F9 flag-where label=billing text~/refund/i"
type_line "zoom"
esc
check "back in the data pane" wait_for "t0001"
keys F9
check "the key's bulk edit asks in the status bar" wait_status "y/n: flag $n records?"
keys j
check "another key cancels it" wait_for "flag-where: not applied (a key other than y or n was pressed)"
check "and moves on (the cursor moved)" wait_for "t0002 · line 2"
keys F9
check "asked again by key" wait_status "y/n: flag $n records?"
keys y
check "the y key applies it" wait_for "flag-where: changed $n records"
check "the status bar no longer asks" wait_status_gone "y/n"
keys F9
check "nothing left to flag" wait_for "flag-where: $n records match"
keys :
type_line "undo"
check "undo unflags them in one step" wait_for "undid flag on $n records (one undo step"
esc
keys q
check "quits" restored
tui_stop

run "$TUNETOP" --headless "$T/demo.yaml" -e 'journal all'
# The save after the relabel's undo dropped its redo; the flag's is left.
check "the journal: both bulk steps undone, the flag step left to redo" \
	grep -q "0 undo steps, 1 redo" "$T/out"
