# The data pane on a scratch copy of the demo at 80x24: search and jump
# (/ then n and N, the match highlighted), combined filters shown in the
# title and the status bar, sorting by a column, editing a record's text in
# place (journaled: it is there after a restart), and the filter, sort and
# search restored from a saved session.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"

# highlighted WORD: the screen draws WORD in its own colors (an SGR
# sequence right before it) somewhere in the data pane.
highlighted() {
	screen -e | grep -q "$(printf '\033')\[[0-9;]*m$1"
}

tui_start 80 24 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"
keys F2
check "F2 shows the data list" wait_for "t0001"
keys /
check "/ opens the search prompt" wait_for "search "
type_line "refund"
check "search jumps to the first match (t0032)" wait_for "t0032 · line 32"
check "the status bar shows the search" wait_status "/refund/"
check "the match is highlighted" highlighted "refund"
keys n
check "n jumps to the next match (t0180, Refund in capitals)" wait_for "t0180 · line 180"
check "the match keeps its case and is highlighted" highlighted "Refund"
keys n
check "n again: t0283" wait_for "t0283 · line 283"
keys N
check "N goes back: t0180" wait_for "t0180 · line 180"
keys j
check "focus is back on the list after the search (j moves on)" wait_for "t0181 · line 181"
keys /
type_line "zzz-no-such-thing"
check "a search without a match says so" wait_for "no record matches /zzz-no-such-thing/"
keys /
type_line "(unclosed"
check "a bad regular expression is an error" wait_for "bad regular expression"

keys f
check "f opens the filter prompt" wait_for "filter "
type_line "label=billing text~/refund/i"
check "filters combine: title counts the matches" wait_for "of 816 records · label=billing text~/refund/i"
check "the status bar shows the filter" wait_status "filter label=billing text~/refund/i"
n=$(screen | sed -n 's/.*data · \([0-9]*\) of 816 records.*/\1/p')
want=$(grep -ci '"text": "[^"]*refund[^"]*", "label": "billing"' "$T/demo/tickets.jsonl")
check "the filter lists exactly the matching records ($n = $want)" [ "$n" = "$want" ]
keys F
type_line "text!~/twice/"
check "F adds a term" wait_for "label=billing text~/refund/i text!~/twice/"
keys f
type_line "label=nosuch"
check "a bad term is an error with what was expected" wait_for "no label 'nosuch'"
check "the filter in force stays" wait_for "text!~/twice/"
keys Escape
check "Esc clears the filter" wait_for "data · 816 records"

keys o
type_line "length desc"
check "sort by length, longest first" wait_for "text (by length)↓"
check "the status bar shows the sort" wait_status "sort length desc"
keys g I
check "I reverses the sort" wait_for "text (by length)↑"
keys o
type_line "file"
keys g
check "sort file: back to t0001 first" wait_for "t0001 · line 1"

keys i
check "i puts the record's text on the command line" wait_for '@1 "Hey, the client portal'
esc
check "Esc leaves the text as it was" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "@1 \"Hey"'
keys i
check "i again" wait_for '@1 "Hey, the client portal'
keys End
keys -l " [edited here]"
keys Enter
check "the edit is journaled and shown" wait_for "[edited"
check "focus returns to the list" wait_for "data · 816 records"
keys /
type_line "edited here"
keys :
type_line "session save"
check "session saved" wait_for "session saved to"
esc
keys q
check "quits" wait_for "EXITED 0" 30
tui_stop

tui_start 80 24 "$T/demo.yaml"
check "reopens" wait_status "READY"
check "the layout, search and cursor come back" wait_for "t0001 · line 1"
check "the edited text survived the restart" wait_for "[edited"
check "the search is restored (status bar)" wait_status "/edited here/"
keys o
type_line "length desc"
keys q
check "quit says the state was saved beside the session" wait_for "state saved to $T/demo.state.yaml" 30
tui_stop
check "the session file keeps the search" grep -q 'search: edited here' "$T/demo.yaml"
check "quitting saved the state (the new sort)" grep -q 'data_sort: length desc' "$T/demo.state.yaml"
check "not into the person's session file" sh -c "! grep -q 'data_sort: length desc' '$T/demo.yaml'"

# Opened on a data file, the state is saved next to it on quit.
tui_start 80 24 "$T/demo/tickets.jsonl"
check "opens the data file alone" wait_status "READY"
keys F2
keys q
check "quit saves DATA.state.yaml next to the data" wait_for "state saved to $T/demo/tickets.jsonl.state.yaml" 30
tui_stop
tui_start 80 24 "$T/demo/tickets.jsonl"
check "which the data file opens with again (the data layout)" wait_for "┌─ data"
keys q
tui_stop
