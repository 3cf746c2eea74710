# Likely label errors in the workbench (issue 14), at 100x30 on a scratch copy
# of the demo: `label-errors run` goes to the background with its progress in
# the status bar (the person keeps working: a label key labels meanwhile) and
# `label-errors cancel` stops it; a run's outcome shows on the status line,
# the likely-errors queue starts at the record the headless ranking puts first
# (same session options, same seed; the record labeled meanwhile is not an
# error, so the head stays), and the filter term
# likely-error lists the flagged records; label_errors_every reruns it after
# edits.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"

# The headless ranking of the same data and options, first.
"$TUNETOP" --headless -e "label-errors run" "$T/demo.yaml" >"$T/headless.out" 2>&1 || true
top=$(sed -n 's/^ *1  [0-9.]* \*  \(t[0-9]*\)  .*/\1/p' "$T/headless.out" | head -1)
if [ -n "$top" ]; then ok "headless ranking: $top first"; else
	not_ok "headless ranking" "$(head -c 400 "$T/headless.out")"; fi

tui_start 100 30 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"
# First a long run (1000 epochs a fold: minutes), to see it run and cancel it.
keys :
type_line "set label_errors_epochs 1000"
keys :
type_line "label-errors run"
check "the run starts in the background" wait_for "cross-validation started in"
check "the status bar shows its progress" wait_status "label errors 1/5"
keys F3
check "the label pane works meanwhile" wait_for "queue unlabeled"
keys 1
check "a label key labels while it runs" wait_for "(unlabeled) -> billing"
check "and the run is still going" status_shows "label errors 1/5"
keys :
type_line "label-errors cancel"
check "cancel stops it" wait_for "label errors: cancelled"
check "the progress is gone" wait_status_gone "label errors 1/5"
# Then the demo's own 10 epochs, as the headless ranking had.
keys :
type_line "set label_errors_epochs 10"
keys :
type_line "label-errors run"
# 694 labeled records in the file, and the one labeled meanwhile.
check "the outcome shows on the status line" wait_for "of 695 records flagged" 120
flagged=$(screen | sed -n 's/.*label errors: \([0-9]*\) of 695 records flagged.*/\1/p' | head -1)
keys :
type_line "queue likely-errors"
esc
check "queue likely-errors in the title" wait_for "1 of 816 · queue likely-errors"
check "its head is the headless ranking's first record ($top)" wait_for "$top ·"
keys :
type_line "filter likely-error"
esc
check "the filter term lists the flagged records" wait_for "1 of $flagged · queue likely-errors"
keys :
type_line "label-errors status"
check "status tells the edits since the run started" wait_for "edits since the run started"
# label_errors_every 1: the next edit starts a new run by itself.
keys :
type_line "set label_errors_every 1"
keys :
type_line "filter off"
keys :
type_line "queue unlabeled"
esc
check "back to the unlabeled records" wait_for "1 of 816 · queue unlabeled"
keys 2
check "an edit reruns it (one more labeled record)" wait_for "of 696 records flagged" 120
tui_stop
exit $_failed
