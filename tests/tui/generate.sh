# generate in the workbench at 80x24: gpt-load and generate typed in the
# REPL put the continuation (control bytes escaped) and its summary on the
# screen; a bad argument says what it expected.
. tests/lib.sh
. tests/tui/tui.inc

demo_session "$T/demo.yaml"
tui_start 80 24 "$T/demo.yaml"
check "opens the session" wait_status "READY"
keys :
type_line "gpt-load tests/data/gpt/gen/model.safetensors"
check "gpt-load: the model's shape" wait_for "2 layers, dim 32, 4 heads"
keys :
type_line "generate hello 20 0"
check "generate: the summary" wait_for "(20 tokens,"
# the greedy text starts with bytes e0 e1 d5 0f: escaped, never raw
check "generate: the text, control bytes escaped" wait_for '\xe0\xe1\xd5\x0f\xe6P'
keys :
type_line "generate hello lots"
check "generate: a bad max_tokens is explained" wait_for "max_tokens expects a whole"
tui_stop
