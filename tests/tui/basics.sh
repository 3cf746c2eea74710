# The workbench at 80x24 without training: the first screen tells a
# newcomer how to begin, the keys overlay, the data layout and record
# detail, the REPL (errors in place, completion), themes, quitting with the
# terminal restored.
. tests/lib.sh
. tests/tui/tui.inc

demo_session "$T/demo.yaml"
tui_start 80 24 "$T/demo.yaml"
check "opens the demo at 80x24" wait_status "READY"
check "the status bar says how to begin" wait_status "t train"
check "the curves pane says how to begin" wait_for "press t to train"
check "panes are framed at 80x24" framed

keys '?'
check "? shows the key bindings" wait_for "toggle-pause"
check "the overlay lists the layout keys" wait_for "layout overview"
keys x
check "any key closes the overlay" wait_gone "toggle-pause"

keys F2
check "F2 shows the data layout" wait_for "t0001"
check "the data list has its columns" wait_for "split  flg  text"
keys j j
check "j moves the cursor (record 3 in the detail)" wait_for "t0003 · line 3"
keys Enter
check "Enter shows the record detail" wait_for "record 3 of 816 · Enter: list"
keys Enter
keys G
check "G goes to the last record" wait_for "t0816"

keys Tab
type_line "frobnicate"
check "REPL errors are shown inline" wait_for "unknown command 'frobnicate'"
check "the REPL history is saved under XDG_STATE_HOME" grep -qx frobnicate "$T/state/tunetop/history"
type_line "filter label billing"
check "filter by label" wait_for "· label=billing"
keys -l "help ke"
keys Tab Enter
check "tab completes and help keys lists bindings" wait_for "change them with"
type_line "theme light"
check "theme switches live" wait_for "│theme light"
check "the light theme's status colors" wait_status_sgr "48;5;24m"
type_line "theme nosuch"
check "unknown theme is an error" wait_for "no theme 'nosuch'"
type_line "session save $T/s.yaml"
check "session save says where" wait_for "session saved to $T/s.yaml"
check "session save records the workbench" sh -c "grep -q 'layout: data' '$T/s.yaml' &&
	grep -q 'theme: light' '$T/s.yaml' && grep -q 'data_filter: label=billing' '$T/s.yaml'"
esc
keys F1
check "F1 back to the overview" wait_for "curves"
keys q
check "q quits at once when nothing runs, terminal restored" restored

tui_stop
tui_start 80 24 "$T/s.yaml"
check "reopening restores the state at quit: the overview" wait_for "┌─ curves"
check "and the filter" wait_status "filter label=billing"
check "and the theme" wait_status_sgr "48;5;24m"
keys q
check "quits again" restored
