# Session files (issue 10 §1): each data file gets its own session, named
# after its whole file name, so small.csv and small.ft in one folder do not
# collide; opening a data file in the workbench finds and restores its
# session (an old NAME.session.yaml too) and says so; --no-session and
# headless runs open the data alone; a SESSION.yaml named on the command
# line is used whatever other session names the same data.
. tests/lib.sh
. tests/tui/tui.inc

mkdir "$T/d"
"$TUNETOP" convert sessions/demo/tickets.jsonl "$T/d/small.csv" 2>/dev/null
"$TUNETOP" convert sessions/demo/tickets.jsonl "$T/d/small.ft" 2>/dev/null
check "fixtures" test -s "$T/d/small.csv" -a -s "$T/d/small.ft"

tui_start 200 40 "$T/d/small.csv"
check "small.csv opens" wait_status "READY"
keys Tab
type_line "set dim 33"
type_line "filter label=billing"
type_line "session save"
check "session save goes to small.csv.session.yaml" wait_for "session saved to $T/d/small.csv.session.yaml"
esc
keys q
check "quits" restored
tui_stop
check "the state on quit goes beside it: small.csv.state.yaml" test -s "$T/d/small.csv.state.yaml"

tui_start 200 40 "$T/d/small.ft"
check "small.ft opens" wait_status "READY"
check "with no session of its own yet" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "restored"'
keys Tab
type_line "session save"
check "its session is small.ft.session.yaml" wait_for "session saved to $T/d/small.ft.session.yaml"
esc
keys q
check "quits" restored
tui_stop
check "two session files, one per data file" \
	sh -c 'grep -qx "data: small.csv" "$1/small.csv.session.yaml" && grep -qx "data: small.ft" "$1/small.ft.session.yaml"' - "$T/d"
check "the first was not overwritten (dim 33 is still there)" grep -qx "  dim: 33" "$T/d/small.csv.session.yaml"

tui_start 200 40 "$T/d/small.csv"
check "reopening small.csv restores its session and says so" \
	wait_for "session $T/d/small.csv.session.yaml restored (--no-session opens the data alone)"
check "its filter is back" wait_for "label=billing"
keys q
check "quits" restored
tui_stop

tui_start 200 40 --no-session "$T/d/small.csv"
check "--no-session opens the data alone" wait_status "READY"
check "all records, no filter" wait_for "816 records"
check "and no session" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "restored"'
keys q
check "quits" restored
tui_stop

# An old session name is still read when it names this data file.
rm -f "$T/d/small.csv.session.yaml" "$T/d/small.csv.state.yaml"
printf 'name: old\ndata: small.csv\nui:\n  data_filter: label=shipping\n' > "$T/d/small.session.yaml"
cp "$T/d/small.session.yaml" "$T/d/small.orig"
tui_start 200 40 "$T/d/small.csv"
check "the old small.session.yaml is read" wait_for "session $T/d/small.session.yaml restored"
check "with its filter" wait_for "label=shipping"
keys q
check "quits" restored
tui_stop
check "the old file is left as it was" cmp -s "$T/d/small.session.yaml" "$T/d/small.orig"
check "the state goes under the new name" test -s "$T/d/small.csv.state.yaml"

# Headless: the data alone, unless a session file is given.
run "$TUNETOP" --headless "$T/d/small.ft" -e "show dim"
expect_out "headless on a data file ignores its session" "dim = 100"
printf 'name: other\ndata: small.ft\noptions:\n  dim: 44\n' > "$T/d/other.yaml"
run "$TUNETOP" --headless "$T/d/other.yaml" -e "show dim"
expect_out "a session named on the command line is the one used" "dim = 44"

exit $_failed
