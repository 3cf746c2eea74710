# A transformer from the workbench at 100x30: preset gpt-tiny with tiny
# shapes, a language-model run stepped with evaluations, the curves show
# its validation perplexity and the confusion pane survives a run with no
# labels to confuse. (Classifier runs: tests/cli/gpt.sh, test-trainer-gpt.c.)
. tests/lib.sh
. tests/tui/tui.inc

demo_session "$T/demo.yaml"
tui_start 100 30 "$T/demo.yaml"
check "opens the session" wait_status "READY"

keys Tab
type_line "split 80/10/10"
type_line "preset gpt-tiny"
type_line "set objective lm"
type_line "set dim 32"
type_line "set layers 1"
type_line "set heads 2"
type_line "set context 32"
type_line "set vocab_size 300"
type_line "set eval_every 4"
type_line "step 8"
check "a gpt lm run steps and pauses" wait_status "PAUSED" 60
check "the curves show the validation perplexity" wait_for "valid perplexity" 30
type_line "eval"
check "eval reports perplexity" wait_for "valid: perplexity" 30
esc
keys q
check "q asks before ending the run" wait_for "Quit anyway?"
keys y
check "y quits, terminal restored" restored
