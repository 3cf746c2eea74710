# A transformer run headless: `status` shows tokens/s, GFLOP/s and MFU (and
# before a run the estimated duration), the logged lr is the last step's,
# a fresh run takes --vocab/--merges as its tokenizer, `set model gpt`
# fills the options still at their default, and `generate` uses the run's
# language model (a copy taken between steps) but refuses a classifier.
. tests/lib.sh

# the sgemm peak's cache goes to the scratch directory, not the user's
export XDG_CACHE_HOME="$T/cache"
D=sessions/demo/tickets.jsonl
TINY="set dim 32; set layers 1; set heads 2; set context 32; set vocab_size 400; set threads 1"

# ---- status: estimate before, speed during and after ----
run "$TUNETOP" --headless --no-session -e "set model gpt; $TINY; split 80/10/10; status" "$D"
expect_rc "status before a gpt run: status 0" 0
if grep -Eq '^no training run yet; model gpt: estimated duration [0-9]+:[0-9]{2} \([0-9.e+-]+ TFLOP at [0-9.]+ GFLOP/s sgemm peak x MFU [0-9]+% \(a guess\)\)$' "$T/out"
then ok "status before a gpt run: the estimated duration and its basis"; else
	not_ok "status before a gpt run: the estimated duration" "$(cat "$T/out")"; fi
if [ -f "$T/cache/tunetop/sgemm-peak" ] && grep -Eq '^threads [0-9]+ gflops [0-9.]+$' "$T/cache/tunetop/sgemm-peak"
then ok "the sgemm peak is cached"; else not_ok "the sgemm peak is cached" "$(ls -R "$T/cache")"; fi
run "$TUNETOP" --headless --no-session -e "status" "$D"
expect_rc "status without a run of model ngram: still an error" 1
expect_err "status without a run: says so" "no training run"

run "$TUNETOP" --headless --no-session -e "set model gpt; set objective lm; $TINY; set max_steps 20; split 80/10/10; start; wait; status" "$D"
expect_rc "a gpt lm run headless" 0
if grep -Eq '^speed: [0-9]+ tokens/s, [0-9.]+ GFLOP/s \([0-9.]+ MFLOP a token\), MFU [0-9.]+% of [0-9.]+ GFLOP/s sgemm peak, ETA [0-9:]+$' "$T/out"
then ok "status of a gpt run: tokens/s, GFLOP/s, MFU"; else
	not_ok "status of a gpt run: tokens/s, GFLOP/s, MFU" "$(cat "$T/out")"; fi
if grep -Eq '^next run: estimated duration [0-9]+:[0-9]{2} \(.* x MFU [0-9]+% \(the last gpt run.s\)\)$' "$T/out"
then ok "status after a gpt run: the next run's estimate, at the MFU measured"; else
	not_ok "status after a gpt run: the next run's estimate" "$(cat "$T/out")"; fi
# the FLOPs per token of dim 32, 1 layer, vocab 400 (an lm), context 32:
# 6 x (400x32 + 32x32 + 12x32^2 + 13x32 + 2x32) + 12 x 1 x 32 x 32
want=$(awk 'BEGIN { p = 400*32 + 32*32 + 12*32*32 + 13*32 + 2*32; printf "%.3g", (6*p + 12*32*32) / 1e6 }')
expect_out "status: FLOPs per token as flops.h counts them" "($want MFLOP a token)"

# ---- the logged lr is the one the last step of a round took ----
run "$TUNETOP" train --data "$D" --model gpt --objective lm --set dim=32 --set layers=1 \
	--set heads=2 --set context=32 --set vocab_size=400 --set threads=1 --set max_steps=12 \
	--set log_every=4 --set warmup=10 --set lr=0.01 --out "$T/lr"
expect_rc "lr run" 0
# warmup 10: step s (1-based) takes lr 0.01 x s / 10; step 12 is half way down the cosine
if grep '"lr"' "$T/lr/metrics.jsonl" | python3 -c '
import json, sys
got = [(d["step"], d["lr"]) for d in map(json.loads, sys.stdin)]
assert got == [(4, 0.004), (8, 0.008), (12, 0.005)], got'
then ok "metrics.jsonl: the lr of each point is its step's, not one report behind"; else
	not_ok "metrics.jsonl lr" "$(grep '"lr"' "$T/lr/metrics.jsonl")"; fi
expect_err "the progress line: the last step's lr" "lr 0.005"
if grep -q '"valid_perplexity"' "$T/lr/metrics.jsonl" && ! grep -q '"valid_macro_f1"' "$T/lr/metrics.jsonl"
then ok "metrics.jsonl: a language model's metric is named perplexity"; else
	not_ok "metrics.jsonl: valid_perplexity" "$(tail -2 "$T/lr/metrics.jsonl")"; fi

# ---- a fresh run takes --vocab/--merges as its tokenizer ----
G="$DATA/gpt/gen"
run "$TUNETOP" train --data "$D" --model gpt --objective lm --set dim=32 --set layers=1 \
	--set heads=2 --set context=32 --set threads=1 --set max_steps=3 \
	--vocab "$G/vocab.json" --merges "$G/merges.txt" --out "$T/voc"
expect_rc "a fresh lm run with --vocab/--merges" 0
if python3 - "$T/voc/model.safetensors" <<'PY'
import json, struct, sys
f = open(sys.argv[1], "rb")
n = struct.unpack("<Q", f.read(8))[0]
h = json.loads(f.read(n))
shape = [v["shape"] for k, v in h.items() if k.endswith("wte.weight")][0]
assert shape[0] == 261, shape   # the given BPE's 261 tokens, not a learned 400
PY
then ok "the model's vocabulary is the given tokenizer's"; else
	not_ok "the model's vocabulary is the given tokenizer's"; fi
run "$TUNETOP" train --data "$D" --model gpt --objective lm --set threads=1 --set max_steps=1 \
	--vocab "$G/vocab.json" --out "$T/voc1"
expect_rc "--vocab without --merges: refused" 1
expect_err "--vocab without --merges: says what is missing" "needs both bpe_vocab and bpe_merges"

# ---- set model gpt from the defaults ----
run "$TUNETOP" --headless --no-session -e "set lr 0.002; set model gpt; show optimizer; show dim; show lr" "$D"
expect_out "set model gpt: says which options took gpt-tiny's values" "options at their default take preset gpt-tiny's values: optimizer adamw"
expect_out "set model gpt: AdamW" "optimizer = adamw"
expect_out "set model gpt: gpt-tiny's width" "dim = 128"
expect_out "set model gpt: an lr the person set is kept" "lr = 0.002"

# ---- generate from the run ----
run "$TUNETOP" --headless --no-session -e "set model gpt; set objective lm; $TINY; set max_steps 5; split 80/10/10; start; wait; generate \"my invoice\" 8 0; generate \"my invoice\" 8 0" "$D"
expect_rc "generate from a finished lm run" 0
if [ "$(grep -c '(8 tokens, .* stopped: max_tokens; the run.s model at step 5)' "$T/out")" -eq 2 ]
then ok "generate: the run's model, named with its step"; else
	not_ok "generate: the run's model" "$(cat "$T/out")"; fi
run "$TUNETOP" --headless --no-session -e "set model gpt; $TINY; set max_steps 2; split 80/10/10; start; wait; generate hello 5" "$D"
expect_rc "generate from a classifier run: refused" 1
expect_err "generate: a classifier cannot generate" "the run trains a classifier (objective classify), which cannot generate text"
run "$TUNETOP" --headless --no-session -e "set model gpt; $TINY; set max_steps 2; split 80/10/10; start; wait; gpt-load $G/model.safetensors; generate hello 20 0" "$D"
expect_rc "a classifier run and a gpt-load model: the loaded one generates" 0
expect_out "generate: says why the run's model is not used" "generating with gpt-load's model"
expect_out "generate: the loaded model's greedy text" "$(head -c 20 "$G/greedy.txt")"
