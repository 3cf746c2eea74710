# Sessions: save what the workbench holds, open it again, reject bad ones
# with file:line:column.
. tests/lib.sh

cp -r sessions/demo "$T/demo"
cp sessions/demo.yaml "$T/demo.yaml"
run "$TUNETOP" --headless "$T/demo.yaml" -e "split 70/15/15 seed 9; set epochs 2; set threads 1; step 5; wait; set lr 0.25; resume; wait; checkpoint $T/demo/run.ckpt; session save $T/saved.yaml"
expect_rc "session save" 0
expect_out "saved" "session saved to $T/saved.yaml"
for want in "data: demo/tickets.jsonl" "lr: 0.25" "epochs: 2" "split: {ratios: 70/15/15, seed: 9}" \
	"- {step: 5, key: lr, old: 0.5, new: 0.25}" "checkpoint: demo/run.ckpt" "name: billing, key: 1"; do
	if grep -qF -- "$want" "$T/saved.yaml"; then ok "saved session has: $want"; else
		not_ok "saved session has: $want" "$(cat "$T/saved.yaml")"; fi
done

run "$TUNETOP" --headless "$T/saved.yaml" -e "show lr; show epochs; stats"
expect_rc "saved session opens" 0
expect_out "options restored" "lr = 0.25"
expect_out "split restored" "splits       train 572, valid 123, test 121"
run "$TUNETOP" --headless "$T/saved.yaml" -e "start $T/demo/run.ckpt; wait; status"
expect_out "checkpoint resumes where it was" "done: step 972/972"

# A broken session does not block its data: the error with file:line:col
# on stderr, then the data alone (none of the session's options, labels or
# path), and `session save` cannot overwrite the broken file.
printf 'name: x\ndata: demo/tickets.jsonl\nui:\n  layout: sideways\n' > "$T/bad-ui.yaml"
run "$TUNETOP" --headless "$T/bad-ui.yaml" -e "stats"
expect_rc "bad ui value: the data opens anyway" 0
expect_err "bad ui value has line:col" "bad-ui.yaml:4:11: ui layout: 'sideways' is not valid (expected overview|data|labeling)"
expect_err "says the data opened alone" "the session was not applied; opened its data alone: $T/demo/tickets.jsonl"
expect_out "the data is loaded" "records      816"

printf 'name: x\ndata: demo/tickets.jsonl\ncolour: red\nlabels: [how_to, billing]\noptions:\n  dim: 7\n' > "$T/bad-key.yaml"
cp "$T/bad-key.yaml" "$T/bad-key.orig"
run "$TUNETOP" --headless "$T/bad-key.yaml" -e "show dim; labels; session save"
expect_rc "unknown key: the data opens, then session save fails" 1
expect_err "unknown key has line:col" "bad-key.yaml:3:1: unknown session key 'colour'"
expect_out "the session's options are not applied" "dim = 100"
if [ "$(sed -n 1p "$T/out" | cut -c1-3)" = dim ] && [ "$(sed -n 2p "$T/out" | cut -d' ' -f1)" = bug_report ]; then
	ok "nor its label order (the data's own: bug_report first)"; else
	not_ok "nor its label order (the data's own: bug_report first)" "$(head -3 "$T/out")"; fi
expect_err "session save needs a new path" "no session file yet"
expect_same "the broken session file is untouched" "$T/bad-key.yaml" "$T/bad-key.orig"
run "$TUNETOP" --headless "$T/bad-key.yaml" -e "session save $T/fixed.yaml"
expect_rc "session save to a new path" 0
run "$TUNETOP" --headless "$T/fixed.yaml" -e "stats"
if [ "$rc" -eq 0 ] && ! grep -q "not applied" "$T/err"; then ok "the new session opens cleanly"; else
	not_ok "the new session opens cleanly" "$(cat "$T/err")"; fi

# Applying fails after the data loaded (split ratios): the options it set
# are taken back and the data is loaded again, alone, unsplit.
printf 'name: x\ndata: demo/tickets.jsonl\nsplit: {ratios: 80/abc}\noptions:\n  dim: 7\n' > "$T/bad-split.yaml"
run "$TUNETOP" --headless "$T/bad-split.yaml" -e "show dim; stats"
expect_rc "bad split: the data opens anyway" 0
expect_err "bad split is reported" "split ratios '80/abc'"
expect_out "the session's options are taken back" "dim = 100"
expect_out "the data is not split" "splits       train 0, valid 0, test 0, none 816"

printf 'name: x\ndata: demo/missing.jsonl\ncolour: red\n' > "$T/bad-nodata.yaml"
run "$TUNETOP" --headless "$T/bad-nodata.yaml" -e "stats"
expect_rc "broken session whose data is missing fails" 1
expect_err "names the missing data" "demo/missing.jsonl: cannot open"
printf 'name: [x\ndata: demo/tickets.jsonl\n' > "$T/bad-yaml.yaml"
run "$TUNETOP" --headless "$T/bad-yaml.yaml" -e "stats"
expect_rc "a session that does not parse fails" 1
expect_err "with line:col" "bad-yaml.yaml:2:5: YAML error"
expect_err "and says no data was found" "found no data file in $T/bad-yaml.yaml"

printf 'name: x\ndata: demo/tickets.jsonl\nhistory:\n  - {key: lr}\n' > "$T/bad-hist.yaml"
run "$TUNETOP" --headless "$T/bad-hist.yaml" -e "stats"
expect_err "history entry needs a step" "bad-hist.yaml:4:5: a history entry needs step and key"

run "$TUNETOP" -e "session save"
expect_rc "session save without a path fails" 1
expect_err "explained" "no session file yet"

# `session save` over a hand-written session keeps its comments, order and
# layout: only the values that changed move (sessions/demo.yaml lost all
# its comments before).
cp sessions/demo.yaml "$T/kept.yaml"
run "$TUNETOP" --headless "$T/kept.yaml" -e "set lr 0.25; split 80/10/10; session save"
expect_rc "session save over the demo session" 0
diff sessions/demo.yaml "$T/kept.yaml" > "$T/diff"
if [ "$(grep -c '^[<>]' "$T/diff")" = 3 ] && grep -qx '> *lr: 0.25' "$T/diff" &&
	grep -qx '> split: {ratios: 80/10/10, seed: 42}' "$T/diff"; then
	ok "only the changed value and the new key differ"; else
	not_ok "only the changed value and the new key differ" "$(cat "$T/diff")"; fi
if [ "$(grep -c '^ *#' "$T/kept.yaml")" = "$(grep -c '^ *#' sessions/demo.yaml)" ]; then
	ok "every comment is kept"; else not_ok "every comment is kept" "$(head -20 "$T/kept.yaml")"; fi
run "$TUNETOP" --headless "$T/kept.yaml" -e "show lr; stats"
expect_out "it opens with the new value" "lr = 0.25"
expect_out "and the split" "train 652, valid 82, test 82"

# A duplicate key and an empty file are errors with file:line:column.
printf 'name: x\ndata: demo/tickets.jsonl\noptions:\n  dim: 5\n  dim: 6\n' > "$T/dup.yaml"
run "$TUNETOP" --headless "$T/dup.yaml" -e "show dim"
expect_err "a duplicate key is an error with line:col" \
	"dup.yaml:5:3: duplicate key 'dim' (first given at line 4)"
expect_out "and the session is not applied" "dim = 100"
printf 'data: demo/tickets.jsonl\nname: a\ndata: demo/other.jsonl\n' > "$T/dup-top.yaml"
run "$TUNETOP" --headless "$T/dup-top.yaml" -e "stats"
expect_err "a duplicate top-level key too" "dup-top.yaml:3:1: duplicate key 'data' (first given at line 1)"
: > "$T/empty.yaml"
run "$TUNETOP" --headless "$T/empty.yaml" -e "stats"
expect_rc "an empty session file fails" 1
expect_err "with file:line:col" "empty.yaml:1:1: the session file is empty"

# The state file (saved on quit) is read after the session; a broken one is
# reported with file:line:col and skipped, and one that names other data is
# not read.
printf 'options:\n  dim: 61\nui:\n  layout: data\n' > "$T/kept.state.yaml"
run "$TUNETOP" --headless "$T/kept.yaml" -e "show dim"
expect_out "the state is read after the session" "dim = 61"
printf 'options: [\n' > "$T/kept.state.yaml"
run "$TUNETOP" --headless "$T/kept.yaml" -e "show dim; show lr"
expect_rc "a broken state does not stop the session" 0
expect_err "it is reported with line:col" "kept.state.yaml:2:1: YAML error"
expect_out "and the session applies" "lr = 0.25"
printf 'data: elsewhere.jsonl\noptions:\n  dim: 62\n' > "$T/kept.state.yaml"
: > "$T/elsewhere.jsonl"
run "$TUNETOP" --headless "$T/kept.yaml" -e "show dim"
expect_out "a state naming other data is not read" "dim = 50"

exit $_failed
