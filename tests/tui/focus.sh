# One cursor and focus that stays put, at 80x24 on a scratch copy of the
# demo (issue 10, section 2): the labeling view starts at the data pane's
# record (also after a confusion-cell drill-down, where a label key labels
# the record on screen); every one-shot prompt (:, m, A, i, f, bulk y/n)
# gives focus back to the pane it came from; a resize never moves focus;
# U goes back to the record it changed and R says what it did; m edits the
# note, which the label pane shows; d says what it deleted; the queue starts
# with the unlabeled records; digits label in the data pane.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"

# The REPL's line when it does not have focus: focus is in a pane.
IDLE="› press : or Tab to type a command"
# cur: the id of the record in the data pane's detail ("t0042 · line 42 · ...").
cur() { screen | sed -n 's/^│\(t[0-9]*\) · line [0-9]* · .*/\1/p' | head -1; }
# label_id: the id in the label pane's header ("t0042 · no split · line 42").
label_id() { screen | sed -n 's/^│\(t[0-9]*\) · [a-z ]* · line [0-9]*.*/\1/p' | head -1; }
is_cur() { [ "$(cur)" = "$1" ]; }
is_label_id() { [ "$(label_id)" = "$1" ]; }
wait_cur() { wait_until 15 is_cur "$1"; }
wait_label_id() { wait_until 15 is_label_id "$1"; }

tui_start 80 24 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"

# ---- the queue starts with the unlabeled records ----
keys F3
check "F3: the queue is unlabeled-first" wait_for "1 of 816 · queue unlabeled"
check "its first record is unlabeled (t0010)" wait_label_id t0010
check "the data pane's cursor is on the same record" wait_for "│t0010 -"
keys 1
check "a digit labels it and goes to the next unlabeled record" wait_label_id t0020
check "the label went to the record on screen" wait_for "label t0010: (unlabeled) -> billing"
keys 1 1
check "two more" wait_for "4 of 816 · queue unlabeled"
check "t0028 labeled" wait_for "label t0028: (unlabeled) -> billing"

# ---- U goes back to the record it changed; R says what it did ----
keys U
check "U goes back to the record it changed (t0028)" wait_label_id t0028
check "U says what it undid" wait_for "undid label t0028: billing -> (unlabeled)"
check "the data pane follows (one cursor)" wait_for "│t0028 -"
keys n n
check "moved on" wait_for "5 of 816 · queue unlabeled"
keys R
check "R goes back to the record it changed" wait_label_id t0028
check "R says what happened: (unlabeled) -> billing" \
	wait_for "redid label t0028: (unlabeled) -> billing"

# ---- m shows the note to edit; the pane shows the note's text ----
keys m
check "m opens 'note ID '" wait_for "› note t0028 "
type_line "call the customer back"
check "the label pane shows the note's text" wait_for "note: call the customer back"
check "after m + Enter focus is back in the pane" wait_for "$IDLE"
keys m
check "m again shows the note to edit" wait_for "› note t0028 call the customer back"
keys End
tx send-keys -t main -l " on Monday"
keys Enter
check "the edited note replaces it" wait_for "note: call the customer back on Monday"
check "focus back in the pane again" wait_for "$IDLE"
keys n
check "after the note a key moves the label pane (not typed in the REPL)" \
	wait_for "4 of 816 · queue unlabeled"

# ---- d says what it deleted ----
id=$(label_id)
keys d
check "d says plainly what it deleted ($id)" wait_for "deleted $id (U to undo)"
keys U
check "U brings it back, on screen" wait_label_id "$id"

# ---- : commands and A return focus to the pane ----
keys :
check ": opens the command line" wait_for "Esc: back to the panes"
type_line "echo MARK-1"
check ": + a command + Enter: focus is back in the pane" wait_for "$IDLE"
before=$(label_id)
keys n
check "the next key goes to the pane ($before -> next)" wait_gone "│$before · " 15
keys A
check "A opens 'add-label '" wait_for "› add-label "
type_line "praise"
check "the label is added" wait_for "praise added on key 8"
check "A + Enter: focus is back in the label pane" wait_for "$IDLE"

# ---- the data pane: digits label, i and f return focus, resize keeps it ----
lid=$(label_id)
keys F2
check "F2 shows the data pane" wait_for "data · 816 records"
keys Enter
check "its detail shows the label pane's record ($lid): one cursor" wait_cur "$lid"
keys Enter
check "back to the list" wait_for "Enter: detail"
keys k
moved_from() { _c=$(cur); [ -n "$_c" ] && [ "$_c" != "$1" ]; }
check "k moves the data cursor" wait_until 15 moved_from "$lid"
moved=$(cur)
keys 2
check "a digit labels the data pane's record ($moved)" wait_for "label $moved: "
check "... with the label on that key" sh -c "tmux -L $TMUX_SOCK capture-pane -p -J -t main | grep -q 'label $moved: .*-> account_access'"
keys f
check "f opens 'filter '" wait_for "› filter "
type_line "label=billing"
check "the filter applies" wait_for "of 816 records · label=billing"
check "f + Enter: focus is back in the data pane" wait_for "$IDLE"
keys i
check "i opens the text to edit" wait_for "› edit-text @"
keys Escape
check "Esc leaves it, focus back" wait_for "$IDLE"
tx resize-window -t main -x 30 -y 10
check "30x10: the focused data pane alone" wait_for "┌─ data · 144 of 816"
check "30x10: the REPL did not take focus (not shown)" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t main | grep -q 'repl'"
tx resize-window -t main -x 80 -y 24
check "80x24 again" wait_for "$IDLE"
first=$(screen | sed -n 's/^│\(t[0-9]*\) billing .*/\1/p' | sed -n 1p)
keys Enter
check "keys still go to the data pane after the resize" wait_for "Enter: list"
keys Enter

# ---- a bulk edit's y/n: single keys, focus where it came from ----
keys :
type_line "flag-where label=billing text~/refund/i"
check "the bulk edit asks" wait_status "y/n:"
check "asked from a pane, focus is back in the pane" wait_for "$IDLE"
keys y
check "y as a single key applies it" wait_for "flag-where: changed"
keys Tab
type_line "flag-where label=billing text~/charge/i"
check "asked in the REPL" wait_status "y/n:"
keys n
check "n as a single key in the REPL answers" wait_for "flag-where: cancelled, nothing changed"
keys Escape
check "Esc leaves the REPL" wait_for "$IDLE"
keys q
check "quits" restored
tui_stop

# ---- F3 after a confusion-cell drill-down labels the record on screen ----
long_session "$T/long.yaml"
sed -i "s#^data: .*#data: $T/demo/tickets.jsonl#" "$T/long.yaml"
tui_start 80 24 "$T/long.yaml"
check "drill-down: opens" wait_status "READY"
keys Tab
type_line "split 80/10/10"
type_line "step 40"
check "a short run" wait_status "PAUSED" 60
type_line "eval"
check "the matrix is filled" wait_for "confusion · step" 60
esc
keys F6
keys Enter
check "Enter on a cell opens its records" wait_for "valid records labeled"
keys Enter j j
drilled=$(cur)
check "the data pane shows a record of the cell ($drilled)" test -n "$drilled"
keys F3
check "F3 starts at the data pane's record ($drilled)" wait_label_id "$drilled"
check "and follows its filter" wait_for "of "
keys 6
check "the label goes to the record on screen ($drilled)" wait_for "label $drilled: "
keys U
check "U: back on it" wait_label_id "$drilled"
keys F2
check "F2: the same record is current ($drilled)" wait_cur "$drilled"
keys Enter
check "the cell's list again" wait_for "│id    label"
true_label=$(tx capture-pane -p -J -t main | sed -n 's/.*valid records labeled \([a-z_]*\) predicted.*/\1/p' | tail -1)
if [ "$true_label" = how_to ]; then key=1 want=billing; else key=7 want=how_to; fi
keys $key
check "a digit labels in a confusion cell's list too ($drilled: $true_label -> $want)" \
	wait_for "label $drilled: $true_label -> $want"
keys q
wait_for "Quit anyway?" 5 && keys y
check "quits after the drill-down" wait_for "EXITED 0"
tui_stop
