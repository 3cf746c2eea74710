# Reopen where you left off (issue 10 §1): a workbench run writes into
# SESSION.runs/N; quitting checkpoints it and saves the state beside the
# session (not into the person's file); reopening brings back the step,
# the curves, the matrix and the predictions, `t` resumes the same run, and
# a finished run shows as finished.
. tests/lib.sh
. tests/tui/tui.inc

long_session "$T/long.yaml"
cp "$T/long.yaml" "$T/long.orig"
tui_start 100 30 "$T/long.yaml"
check "opens the session" wait_status "READY"
keys Tab
type_line "split 80/10/10"
type_line "step 600"
check "step 600 runs and pauses" wait_status "PAUSED"
check "the epoch's evaluation fills the matrix" wait_for "confusion · step 554"
esc
keys q
check "q asks first" wait_for "Quit anyway?"
keys y
check "quits" restored
check "the run wrote its log into long.runs/1" test -s "$T/long.runs/1/metrics.jsonl"
check "and its checkpoint on quit" test -s "$T/long.runs/1/checkpoint.safetensors"
check "the state file names the run" grep -qx "run: long.runs/1" "$T/long.state.yaml"
check "and the checkpoint" grep -qx "checkpoint: long.runs/1/checkpoint.safetensors" "$T/long.state.yaml"
check "the person's session file is untouched on quit" cmp -s "$T/long.yaml" "$T/long.orig"
tui_stop

tui_start 100 30 "$T/long.yaml"
check "reopened: back at step 600" wait_status "step 600/"
check "paused, waiting for t" wait_status "PAUSED"
check "the status line says so" wait_for "last run restored at step 600"
check "the curves are back" wait_for "· train loss 1."
check "the matrix is back, at the restored step" wait_for "confusion · step 600"
keys F2
check "the predictions are back in the data pane" \
	wait_until 15 shows_re "^│t0002 .* [01]\.[0-9]{2,} "
keys Tab
type_line "sort conf desc"
check "sort conf works at once" wait_status "sort conf desc"
check "no 'no predictions yet'" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "no predictions yet"'
esc
keys t
check "t resumes the run" wait_status "RUNNING"
check "and it moves past step 600" \
	wait_status_gone "step 600/" 15
keys Space
check "space pauses it" wait_status "PAUSED"
step=$(screen | tail -n 1 | sed -n 's/.*step \([0-9]*\)\/.*/\1/p')
check "it went on from step 600 (now $step)" sh -c "[ '${step:-0}' -gt 600 ]"
check "in the same run directory" sh -c "[ ! -e '$T/long.runs/2' ] && grep -q '\"step\": $step, \"event\": \"pause\"' '$T/long.runs/1/metrics.jsonl'"
check "its log holds no step twice (restored points were not logged again)" \
	sh -c "grep -v event '$T/long.runs/1/metrics.jsonl' | sed 's/,.*//' | sort | uniq -d | grep -q . && exit 1 || exit 0"
keys q
keys y
check "quits again" restored
tui_stop

# A finished run shows as finished; t then starts a new run (runs/2).
demo_session "$T/fin.yaml"
sed -i 's/^  epochs: .*/  epochs: 3/' "$T/fin.yaml"
tui_start 100 30 "$T/fin.yaml"
check "opens" wait_status "READY"
keys t
check "trains to the end" wait_status "DONE"
keys q
check "quits" restored
tui_stop
tui_start 100 30 "$T/fin.yaml"
check "reopened: the finished run shows as finished" wait_status "DONE"
check "and says so" wait_for "last run restored: finished at step"
check "with its matrix" wait_for "confusion · step"
keys t
check "t starts a new run in its own directory" \
	wait_until 30 test -s "$T/fin.runs/2/metrics.jsonl"
check "which finishes too" wait_status "DONE"
keys q
check "quits" restored
tui_stop

exit $_failed
