# A broken session at 80x24: the workbench still opens with the session's
# data, says that the session was not applied and why (file:line:column),
# and `session save` refuses to overwrite the broken file.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"
sed 's/^name:/colour: red\nname:/' "$TUI_ROOT/sessions/demo.yaml" > "$T/broken.yaml"
cp "$T/broken.yaml" "$T/broken.orig"
line=$(grep -n '^colour:' "$T/broken.yaml" | cut -d: -f1)

tui_start 80 24 "$T/broken.yaml"
check "the workbench opens on the data" wait_status "816 records"
check "the status bar says the session was not applied" wait_status "session not applied"
check "the screen is framed" framed
keys F2
check "the data pane lists the records" wait_for "t0001"
keys :
type_line "zoom"	# the REPL alone: its lines are not wrapped
check "the REPL says why, with file:line:column" \
	wait_for "broken.yaml:$line:1: unknown session"
# (short fragments: the REPL word-wraps the notice, so a long one can straddle lines)
check "and what was opened instead" wait_for "demo/tickets.jsonl alone"
check "and what that means for a save" wait_for "'session save' needs a new"
type_line "session save"
check "session save without a path refuses" wait_for "no session file yet"
expect_same "the broken session is untouched" "$T/broken.yaml" "$T/broken.orig"
type_line "zoom"
esc
keys q
check "quits" restored
