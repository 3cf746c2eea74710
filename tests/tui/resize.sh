# Resizing at any moment, also while training: every pane is redrawn inside
# its frame and the status bar stays at the bottom; themes switch live.
. tests/lib.sh
. tests/tui/tui.inc

long_session "$T/long.yaml"
tui_start 160 48 "$T/long.yaml"
check "opens at 160x48" wait_status "READY"
keys t
check "t starts training in one key press" wait_status "RUNNING"
check "loss figures appear" wait_for "train loss"
check "framed at 160x48" framed

for size in "80 24" "200 60" "100 30" "80 24" "160 48"; do
	set -- $size
	tx resize-window -t main -x "$1" -y "$2"
	check "resized to $1x$2: redrawn at the new width" wait_width "$1"
	check "resized to $1x$2 while training: status bar at the bottom" wait_status "RUNNING"
	check "resized to $1x$2: panes framed, no leftovers" framed
	check "resized to $1x$2: the screen is $1 wide" \
		sh -c "tmux -L $TMUX_SOCK capture-pane -p -t main | head -1 | awk '{ exit !(length(\$0) > 0) }'"
done

tx resize-window -t main -x 30 -y 10
check "resized to 30x10: redrawn at the new width" wait_width 30
check "too small: the focused pane alone, still framed" framed
tx resize-window -t main -x 160 -y 48
check "back to 160x48" wait_for "confusion"

esc
keys Tab
type_line "theme mono"
check "theme mono applies" wait_for "│theme mono"
check "mono uses no colors in the status bar" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -e -p -t main | tail -n 1 | grep -q "48;5;"'
type_line "theme dark"
check "theme dark applies" wait_status_sgr "48;5;109m"
type_line "layout labeling"
check "the labeling layout shows a record and the label keys" wait_for "1 billing"
esc
keys z
check "z zooms the focused pane" wait_gone "┌─ repl"
keys z
check "z again unzooms" wait_for "┌─ repl"
keys q
check "q asks first" wait_for "Quit anyway?"
keys y
check "quits, terminal restored" restored
