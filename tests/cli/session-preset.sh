# A session's own presets (`presets:` in the YAML): listed and applied by
# `preset NAME` before the built-in ones, `init` resolved against the
# session's directory and written back relative to it, bad values rejected
# with file:line:column. The demo's `gpt` preset fine-tunes the shipped
# pre-trained model (sessions/demo/gpt-tiny) on the tickets.
. tests/lib.sh

cp -r sessions/demo "$T/demo"
cp sessions/demo.yaml "$T/demo.yaml"
run "$TUNETOP" --headless "$T/demo.yaml" -e "preset; preset gpt; show init; show model"
expect_rc "the demo's gpt preset applies" 0
expect_out "listed as the session's" "  gpt          this session's: model=gpt objective=classify"
expect_out "init resolved against the session" "init = \"$T/demo/gpt-tiny/model.safetensors\""
expect_out "model switched" "model = gpt"
expect_out "built-in presets still listed" "  gpt-tiny     GPT-2 of ~1M parameters"

# The shipped model loads and fine-tunes (a few steps: this is not a benchmark).
run "$TUNETOP" --headless "$T/demo.yaml" -e "split 80/10/10 seed 1; preset gpt; set max_steps 4; set threads 1; start; wait; status"
expect_rc "fine-tune the pre-trained demo model" 0
expect_out "it ran from the init file" "done: step 4/4"

# Saved elsewhere: init is written as the checkpoint is, relative to the
# new file where it lies below it, else absolute; either way it opens.
mkdir -p "$T/elsewhere"
run "$TUNETOP" --headless "$T/demo.yaml" -e "session save $T/elsewhere/s.yaml"
expect_rc "session save keeps presets" 0
if grep -qF "init: $T/demo/gpt-tiny/model.safetensors" "$T/elsewhere/s.yaml"; then
	ok "saved init points at the model"; else
	not_ok "saved init points at the model" "$(cat "$T/elsewhere/s.yaml")"; fi
run "$TUNETOP" --headless "$T/demo.yaml" -e "session save $T/again.yaml"
if grep -qF "init: demo/gpt-tiny/model.safetensors" "$T/again.yaml"; then
	ok "saved beside it: init relative"; else
	not_ok "saved beside it: init relative" "$(cat "$T/again.yaml")"; fi
run "$TUNETOP" --headless "$T/elsewhere/s.yaml" -e "preset gpt; show init"
expect_out "the saved session's preset still points at the model" "init = \"$T/demo/gpt-tiny/model.safetensors\""

# `session save` over the person's file edits values in place: presets stay.
run "$TUNETOP" --headless "$T/demo.yaml" -e "set lr 0.3; session save"
expect_rc "session save in place" 0
run "$TUNETOP" --headless "$T/demo.yaml" -e "show lr; preset gpt; show lr"
expect_out "edited value kept" "lr = 0.3"
expect_out "the preset survives the in-place save" "lr = 0.0005"

# Bad presets: the place and what was expected; the session is not applied.
printf 'name: x\ndata: demo/tickets.jsonl\npresets:\n  fast:\n    lr: lots\n' >"$T/bad-value.yaml"
run "$TUNETOP" --headless "$T/bad-value.yaml" -e "stats"
expect_err "bad preset value has line:col" "bad-value.yaml:5:9:"
printf 'name: x\ndata: demo/tickets.jsonl\npresets:\n  fast:\n    colour: red\n' >"$T/bad-key.yaml"
run "$TUNETOP" --headless "$T/bad-key.yaml" -e "stats"
expect_err "unknown option in a preset has line:col" "bad-key.yaml:5:5:"
printf 'name: x\ndata: demo/tickets.jsonl\npresets: [a, b]\n' >"$T/bad-shape.yaml"
run "$TUNETOP" --headless "$T/bad-shape.yaml" -e "stats"
expect_err "presets must be a mapping" "bad-shape.yaml:3:10: presets must be a mapping of name: {option: value}"
printf 'name: x\ndata: demo/tickets.jsonl\npresets:\n  a: {lr: 0.1}\n  a: {lr: 0.2}\n' >"$T/twice.yaml"
run "$TUNETOP" --headless "$T/twice.yaml" -e "stats"
expect_err "a preset declared twice" "twice.yaml:5:3: duplicate key 'a'"
# A preset name from a file is escaped before it reaches the terminal.
printf 'name: x\ndata: demo/tickets.jsonl\npresets:\n  "a\\e[31mb": {lr: 0.1}\n' >"$T/esc.yaml"
run "$TUNETOP" --headless "$T/esc.yaml" -e "preset"
if grep -q "$(printf '\033')" "$T/out"; then not_ok "preset names escaped" "$(od -c "$T/out" | head)";
else ok "preset names escaped"; fi
expect_out "escaped name shown" 'a\x1b[31mb'
exit $_failed
