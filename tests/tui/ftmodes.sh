# Fine-tuning modes in the workbench at 160x30: a gpt classifier with only
# its head trainable (freeze body) shows trainable/total parameters in the
# status line; changing freeze while the run is paused says it applies at
# the next start and offers restart; restart starts a new run with the
# change (all trainable again), and its status line follows.
# (The head: 7 labels x dim 32 = 224 parameters.)
. tests/lib.sh
. tests/tui/tui.inc
status_shows_re() { screen | tail -n 1 | grep -Eq -- "$1"; }

demo_session "$T/demo.yaml"
tui_start 160 30 "$T/demo.yaml"
check "opens the session" wait_status "READY"

keys Tab
type_line "split 80/10/10"
type_line "preset gpt-tiny"
type_line "set dim 32"
type_line "set layers 1"
type_line "set heads 2"
type_line "set context 32"
type_line "set vocab_size 300"
type_line "freeze body"
type_line "step 3"
check "the run steps and pauses" wait_status "PAUSED" 60
check "the status line shows trainable/total" wait_until 30 status_shows_re ' 224/[0-9.]+k trainable'
type_line "freeze none"
check "freeze while paused: applies at the next start, restart offered" \
	wait_for "not to this paused run: 'restart' starts a new"
type_line "set max_steps 6"
type_line "restart"
check "restart: a new run from the weights" wait_for "restart: a new run from" 60
check "the new run's status line: everything trainable" \
	wait_until 60 status_shows_re ' ([0-9.]+k)/\1 trainable'
check "the new run ends at max_steps" wait_status "DONE" 60
esc
keys q
check "q quits, terminal restored" restored
