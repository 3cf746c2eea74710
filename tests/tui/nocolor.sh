# NO_COLOR: the train and valid loss curves differ in shape, not only in
# weight: valid is dashed, and the legend shows which line is which.
. tests/lib.sh
. tests/tui/tui.inc

sh tests/data/gen-classes.sh 8 > "$T/c8.jsonl"
TUI_ENV="NO_COLOR=1"
tui_start 80 24 --set epochs=5 --set threads=1 --set buckets=10000 --set dim=16 "$T/c8.jsonl"
check "opens with NO_COLOR" wait_status "READY"
keys t
check "the run finishes" wait_status "DONE" 60
check "a valid loss is drawn" wait_for "valid loss"
check "the legend: solid train, dashed valid" wait_for "loss  ━ train  ┅ valid"
check "no color reached the terminal" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -e -t main | grep -q "\[3[0-7]m\|\[38;5"'
keys q
check "quits" restored
exit $_failed
