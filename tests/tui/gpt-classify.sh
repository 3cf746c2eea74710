# The demo's transformer from the workbench (issue 12 §5): `preset gpt`
# fine-tunes the pre-trained gpt-tiny into a ticket classifier at 80x24.
# Before the run the status bar estimates its duration; stepped runs pause
# with tokens/s and MFU on the status bar; `set lr` live leaves a marker on
# the curves; the matrix and the label pane's suggestion come from the
# transformer; quit checkpoints and reopening (100x30) restores the run,
# with GFLOP/s; generate refuses a classifier. Then a language-model run
# keeps training while `generate` streams from a copy of its model.
. tests/lib.sh
. tests/tui/tui.inc

demo_session "$T/demo.yaml"
sed -i "s#^    init: demo/#    init: $TUI_ROOT/sessions/demo/#" "$T/demo.yaml"
tui_start 80 24 "$T/demo.yaml"
check "opens the session" wait_status "READY"
keys Tab
type_line "split 80/10/10"
type_line "preset gpt"
check "preset gpt: the estimated duration on the status bar" wait_status "est "
type_line "step 40"
check "a gpt-tiny classifier steps 40 and pauses" wait_status "PAUSED  step 40/" 180
check "the status bar shows tokens/s" wait_status "tok/s"
check "and the model FLOP utilization" wait_until 30 shows_re "MFU [0-9]+%"
type_line "set lr 0.001"
check "set lr is taken live" wait_for "lr 0.0005 -> 0.001"
type_line "step 20"
check "20 more steps" wait_status "PAUSED  step 60/" 180
check "the curves mark the change" wait_for "lr 0.001"
type_line "eval"
check "the matrix comes from the transformer" wait_for "confusion · step 60" 120
esc
keys F3
check "the label pane suggests the transformer's label" wait_for "(a: accept)" 60
keys q
check "q asks before ending the run" wait_for "Quit anyway?"
keys y
check "quits, terminal restored" restored
check "and checkpoints the run" test -s "$T/demo.runs/1/checkpoint.safetensors"
tui_stop

tui_start 100 30 "$T/demo.yaml"
check "reopened: the run is back at step 60" wait_for "last run restored at step 60" 60
check "reopened: GFLOP/s on the status bar" wait_status "GFLOP/s"
keys Tab
type_line "generate hello"
check "a classifier cannot generate: says so" wait_for "which cannot generate text"
esc
keys q
check "q asks" wait_for "Quit anyway?"
keys y
check "quits again" restored
tui_stop

# a language model: generate streams from a copy while training goes on
demo_session "$T/lm.yaml"
tui_start 80 24 "$T/lm.yaml"
check "opens a second session" wait_status "READY"
keys Tab
for c in "split 80/10/10" "preset gpt-tiny" "set objective lm" "set dim 32" "set layers 1" \
	"set heads 2" "set context 32" "set vocab_size 300" "set epochs 10000" "start"; do
	type_line "$c"
done
check "a language model runs" wait_status "RUNNING" 120
type_line 'generate "my invoice" 20 0'
check "generate: the summary" wait_for "(20 tokens," 60
# the REPL wraps the summary at its width: look for it with the frame and spaces gone
said() { screen | tr -d ' \n│' | grep -qF -- "$1"; }
check "generate: from the run's model at its step" wait_until 10 said "max_tokens;therun'smodelatstep"
check "the run goes on" wait_status "RUNNING"
type_line "generate-stop"
check "generate-stop with nothing running says so" wait_for "generate-stop: no generation is"
type_line "pause"
check "pauses" wait_status "PAUSED" 60
esc
keys q
check "q asks" wait_for "Quit anyway?"
keys y
check "quits" restored
