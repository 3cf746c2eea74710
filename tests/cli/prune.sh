# Pruning from the command line: --set prune_sparsity on a run from a
# fine-tuned model (--init), the sparsity in the --json report; the
# `prune` command; bad values and the n-gram model refused with what is
# expected. Tiny shapes (dim 32, 1 layer) so each run takes a second.
. tests/lib.sh

TINY="--set dim=32 --set layers=1 --set heads=2 --set context=32 --set vocab_size=400 --set threads=1"
DEMO=sessions/demo/tickets.jsonl

run "$TUNETOP" train --data $DEMO --model gpt $TINY --set epochs=3 --set lr=0.001 \
	--set warmup=10 --out "$T/ft"
expect_rc "fine-tune a tiny gpt classifier" 0

run "$TUNETOP" train --data $DEMO --model gpt --init "$T/ft/model.safetensors" \
	--set prune_sparsity=0.7 --set epochs=1 --set threads=1 --set lr=0.0005 --out "$T/pr" --json
expect_rc "train --init --set prune_sparsity=0.7" 0
if python3 - "$T/out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
# per matrix: round(0.7 * numel) of each, so within a weight of 70% each
assert abs(d["sparsity"] - 0.7) < 1e-3, d["sparsity"]
assert d["state"] == "done" and d["test"]["macro_f1"] is not None, d
PY
then ok "the JSON reports the sparsity reached"; else
	not_ok "the JSON reports the sparsity reached" "$(tail -c 400 "$T/out")"; fi

# The exported model really has those zeros: eval still runs on it.
run "$TUNETOP" eval "$T/pr/model.safetensors" $DEMO --json
expect_rc "eval on the pruned model" 0

run "$TUNETOP" train --data $DEMO --model gpt --init "$T/ft/model.safetensors" \
	--set prune_sparsity=0.9 --set prune_scope=global --set epochs=1 --set threads=1 --json
expect_rc "global pruning to 90%" 0
if python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); assert abs(d["sparsity"]-0.9) < 1e-4, d["sparsity"]' "$T/out"; then
	ok "global sparsity exact"; else not_ok "global sparsity exact" "$(tail -c 300 "$T/out")"; fi

run "$TUNETOP" train --data $DEMO --model gpt --set prune_sparsity=1.5
expect_rc "prune_sparsity 1.5 refused" 1
expect_err "the range expected" "prune_sparsity: 1.5 is out of range (expected a number from 0 to 0.99)"
run "$TUNETOP" train --data $DEMO --model gpt --set prune_scope=rows
expect_err "the scopes expected" "expected one of matrix, global"
run "$TUNETOP" -e "prune 1"
expect_rc "prune 1 fails" 1
expect_err "prune: the range expected" "prune: sparsity '1' is out of range (expected a number from 0 to 0.99"
run "$TUNETOP" -e "prune half"
expect_err "prune: not a number" "prune: sparsity 'half' is out of range"
run "$TUNETOP" -e "prune 0.5 rows"
expect_err "prune: unknown scope" "prune: scope 'rows' is unknown (expected matrix or global)"

# The n-gram model: refused, at the start of a run and by the command.
run "$TUNETOP" train --data $DEMO --model ngram --set prune_sparsity=0.5
if [ "$rc" -ne 0 ]; then ok "ngram run with prune_sparsity fails"; else
	not_ok "ngram run with prune_sparsity fails"; fi
expect_err "ngram run: why" "prune_sparsity 0.5: pruning needs model gpt (this run's model is ngram"
run "$TUNETOP" -e "load $DEMO; split 80/10/10; set epochs 1; start; wait; prune 0.5"
expect_rc "prune on an n-gram run fails" 1
expect_err "prune on an n-gram run: why" "pruning needs model gpt (this run's model is ngram"

# The command on a gpt run: prunes the trainer's model now.
run "$TUNETOP" -e "load $DEMO; split 80/10/10; set model gpt; set dim 32; set layers 1; set heads 2; set context 32; set vocab_size 400; set threads 1; set epochs 1; start; wait; prune 0.5; prune 0.8 global"
expect_rc "prune on a finished gpt run" 0
expect_out "prune reports per matrix" "6144 of 12288 block-matrix weights are zero (50.00%, matrix)"
expect_out "prune reports global" "(80.00%, global)"

[ "$_failed" -eq 0 ]
