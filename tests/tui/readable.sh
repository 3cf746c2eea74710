# Nothing hidden at 80x24 (issue 10, section 3, the label pane's part):
# 150 labels are labeled with the type-ahead picker in a few keys; a
# 3,000-word record scrolls in the label pane and the record detail
# (PgDn/PgUp, J/K, "lines 1-4 of 219", zoom shows more, Space still
# pauses); the key help scrolls and shows every command; q while paused
# says paused; TERM=dumb gets a message naming --headless and exit 2;
# Ctrl-\ saves, restores the terminal and exits 131 without a core dump.
. tests/lib.sh
. tests/tui/tui.inc

# where: the "lines A-B of C" a view shows, as "A B C".
where() { screen | sed -n 's/.*lines \([0-9]*\)-\([0-9]*\) of \([0-9]*\).*/\1 \2 \3/p' | head -1; }
# wait_where_from A: the view shows lines A-...
wait_where_from() { wait_until 15 shows_re "lines $1-[0-9]* of "; }

# ---- 150 labels: the type-ahead picker ----
awk 'BEGIN {
	split("amber basil cedar delta ember fjord garnet harbor iris juniper kelp lotus maple nickel onyx", A, " ")
	split("alpha bravo copper dune echo forest glacier hollow island jade", B, " ")
	for (r = 0; r < 300; r++) {
		i = r % 150; a = A[i % 15 + 1]; b = B[int(i / 15) + 1]
		lab = r < 150 ? "\"" a "_" b "\"" : "null"
		printf "{\"id\": \"r%03d\", \"text\": \"record %d about %s and %s\", \"label\": %s}\n", r, r, a, b, lab
	}
}' > "$T/many.jsonl"
tui_start 80 24 "$T/many.jsonl"
check "150 labels: opens" wait_status "READY"
keys F3
check "the labeling view starts at the first unlabeled record" wait_for "│r150 · "
check "labels past the keys are offered by the picker" wait_for "' type a label (133 without a key)"
keys "'"
check "' opens the picker with every label" wait_for "type a label: "
check "150 matches" wait_for "150 matches"
tx send-keys -t main -l "onyx_d"
check "a few letters narrow it to one" wait_for "1 match "
keys Enter
check "Enter labels the record with it" wait_for "label r150: (unlabeled) -> onyx_dune"
check "and moves on" wait_for "│r151 · "
keys "'"
tx send-keys -t main -l "nick"
check "nick: the ten nickel labels" wait_for "10 matches"
keys Down Enter
check "Down chooses the next match" wait_for "label r151: (unlabeled) -> nickel_bravo"
keys "'"
tx send-keys -t main -l "zz"
check "no match says so" wait_for "0 matches"
keys Escape
check "Esc leaves the picker" wait_for "' type a label (133 without a key)"
check "without labeling" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t main | grep -q 'label r152'"
check "framed with the picker's labels" framed
keys q
check "150 labels: quits" restored
tui_stop

# ---- a 3,000-word record ----
awk 'BEGIN {
	printf "{\"id\": \"r1\", \"text\": \"short one\", \"label\": \"a\"}\n"
	printf "{\"id\": \"long\", \"text\": \"BEGIN"
	for (i = 1; i <= 3000; i++) printf " w%d", i
	printf " END\", \"label\": null}\n"
	printf "{\"id\": \"r3\", \"text\": \"short three\", \"label\": \"b\"}\n"
}' > "$T/long.jsonl"
tui_start 80 24 "$T/long.jsonl"
check "long record: opens" wait_status "READY"
keys F3
check "the label pane shows the long record" wait_for "│long · "
check "it says which lines are shown" wait_where_from 1
set -- $(where)
check "only part of it fits ($1-$2 of $3)" test "$3" -gt 100 -a "$2" -lt "$3"
keys PgDn
check "PgDn: further down" wait_gone "lines 1-" 15
a=$(where | cut -d" " -f1)
keys J
check "J: one line further ($a -> $((a + 1)))" wait_where_from $((a + 1))
keys K K
check "K: back up" wait_where_from $((a - 1))
keys PgUp PgUp PgUp
check "PgUp: back to the top" wait_where_from 1
check "the first words again" wait_for "BEGIN w1 w2"
keys Space
check "Space is still toggle-pause" wait_for "toggle-pause: no training run yet"
check "and did not scroll" wait_where_from 1
keys z
# shows_lines_to N: the view shows lines up to N or further.
shows_lines_to() { _to=$(where | cut -d" " -f2); [ -n "$_to" ] && [ "$_to" -ge "$1" ]; }
check "zoom shows as much as fits" wait_until 15 shows_lines_to 15
i=0
while [ "$i" -lt 20 ]; do keys PgDn; i=$((i + 1)); done
check "PgDn reaches the end of the record" wait_for "w3000 END"
set -- $(where)
check "the end says so ($1-$2 of $3)" test "$2" = "$3"
keys z
check "unzoomed" wait_for "data · 3 records"
keys F2
check "F2: the data pane on the same record" wait_for "│long · line 2"
keys Enter
check "Enter: the detail of the long record" wait_for "Enter: list"
check "the detail says which lines it shows, where the label pane left it" wait_for "lines 204-"
i=0
while [ "$i" -lt 40 ]; do keys PgUp; i=$((i + 1)); done
check "PgUp in the detail goes back to the top" wait_where_from 1
check "on the same record" wait_for "record 2 of 3"
keys PgDn
check "PgDn in the detail scrolls the record" wait_gone "lines 1-" 15
check "not the list" wait_for "record 2 of 3"
b=$(where | cut -d" " -f1)
keys J
check "J scrolls the detail too" wait_where_from $((b + 1))
keys K
check "K back" wait_where_from "$b"
keys q
check "long record: quits" restored
tui_stop

# ---- the key help at 80x24 ----
demo_session "$T/demo.yaml"
tui_start 80 24 "$T/demo.yaml"
check "keys: opens" wait_status "READY"
keys F2
check "the data pane" wait_for "Enter: detail"
keys '?'
check "? over the data pane: its keys first" wait_for "data keys:"
check "every column has its commands" wait_for "cursor down"
check "what does not fit is counted" wait_for "Down/PgDn/Up scroll"
check "the last keys are not shown yet" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t main | grep -q ' redraw  '"
check "the help is framed" framed
keys PgDn
check "PgDn scrolls the help to its end" wait_for "redraw"
check "still framed" framed
keys x
check "another key closes it" wait_for "Enter: detail"
keys q
check "keys: quits" restored
tui_stop

# ---- q while paused says paused ----
long_session "$T/long.yaml"
tui_start 80 24 "$T/long.yaml"
check "paused: opens" wait_status "READY"
keys Tab
type_line "split 80/10/10"
type_line "step 5"
check "a paused run" wait_status "PAUSED" 60
esc
keys q
check "q says the run is paused, not running" wait_for "Training is paused"
check "the status bar too" wait_status "Training is paused. Quit anyway?"
keys y
check "y quits" wait_for "EXITED 0"
tui_stop

# ---- TERM=dumb ----
TUI_ENV="TERM=dumb"
tui_start 80 24 "$T/demo.yaml"
joined_shows_re() { tx capture-pane -p -J -t main | grep -q -- "$1"; }
check "TERM=dumb: a clear message naming --headless" \
	wait_until 15 joined_shows_re 'cannot draw on this terminal (TERM=dumb.*--headless'
check "TERM=dumb: exit status 2" wait_for "EXITED 2"
check "TERM=dumb: nothing was drawn" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t main | grep -q 'READY'"
tui_stop
TUI_ENV=""

# ---- Ctrl-\ (SIGQUIT) ----
# A fresh start: an earlier part of this file left a run to restore.
rm -rf "$T/long.runs" "$T/long.state.yaml"
cp "$T/long.yaml" "$T/long.orig"
tui_start 80 24 "$T/long.yaml"
check "SIGQUIT: opens" wait_status "READY"
keys t
check "SIGQUIT: training" wait_status "RUNNING" 30
keys 'C-\'
check "Ctrl-\\: exit status 131" wait_for "EXITED 131"
check "Ctrl-\\: the terminal is restored" wait_for "icanon echo MODES"
check "Ctrl-\\: the alternate screen is off" test "$(tx display -p -t main '#{alternate_on}')" = 0
check "Ctrl-\\: no core dump" sh -c "! tmux -L $TMUX_SOCK capture-pane -p -t main | grep -qi 'core dumped\\|^Quit'"
check "Ctrl-\\: the run was checkpointed" test -s "$T/long.runs/1/checkpoint.safetensors"
check "Ctrl-\\: the state was saved" wait_for "state saved to $T/long.state.yaml"
check "Ctrl-\\: the person's session file is untouched" cmp -s "$T/long.yaml" "$T/long.orig"
tui_stop
