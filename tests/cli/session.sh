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

printf 'name: x\ndata: demo/tickets.jsonl\nui:\n  layout: sideways\n' > "$T/bad-ui.yaml"
run "$TUNETOP" --headless "$T/bad-ui.yaml" -e "stats"
expect_rc "bad ui value fails" 1
expect_err "bad ui value has line:col" "bad-ui.yaml:4:11: ui layout: 'sideways' is not valid (expected overview|data|labeling)"

printf 'name: x\ndata: demo/tickets.jsonl\nhistory:\n  - {key: lr}\n' > "$T/bad-hist.yaml"
run "$TUNETOP" --headless "$T/bad-hist.yaml" -e "stats"
expect_err "history entry needs a step" "bad-hist.yaml:4:5: a history entry needs step and key"

run "$TUNETOP" -e "session save"
expect_rc "session save without a path fails" 1
expect_err "explained" "no session file yet"
