# Fine-tuning modes from the command line (trainer-ftmodes.c): the options
# in `help options`, trainable/total parameters and optimizer bytes in
# --json, a LoRA run's --out (PEFT's two files + tunetop.json, no copy of
# the base) that eval and predict load on its base, `tunetop merge` of it
# giving the same figures, bad values with what was expected, the n-gram
# model refusing gpt-only options, and the REPL commands headless.
# Tiny shapes (dim 32, 2 layers, context 32) so each run takes a second.
. tests/lib.sh

TINY="--set dim=32 --set layers=2 --set heads=2 --set context=32 --set vocab_size=400 --set threads=1"
D=sessions/demo/tickets.jsonl

run "$TUNETOP" -e 'help options'
for k in freeze_layers lora_rank lora_alpha lora_dropout lora_targets grad_checkpoint grad_accum; do
	expect_out "help options lists $k" "$k"
done

# a base: a tiny language model on the tickets
run "$TUNETOP" train --data "$D" --model gpt --objective lm $TINY --set epochs=1 \
	--set lr=0.003 --out "$T/lm"
expect_rc "train the base" 0
BASE=$T/lm/model.safetensors

FT="--model gpt --init $BASE --set epochs=2 --set lr=0.003 --set batch_size=8 --set threads=1 --set pooling=mean"
run "$TUNETOP" train --data "$D" $FT --out "$T/full" --json
expect_rc "full fine-tuning" 0
cp "$T/out" "$T/full.json"
run "$TUNETOP" train --data "$D" $FT --set freeze_layers=1 --out "$T/frozen" --json
expect_rc "freeze_layers 1" 0
cp "$T/out" "$T/frozen.json"
run "$TUNETOP" train --data "$D" $FT --set lora_rank=4 --set lora_alpha=8 --set grad_accum=2 \
	--set grad_checkpoint=true --out "$T/lora" --json
expect_rc "lora_rank 4 with grad_accum 2 and checkpointing" 0
cp "$T/out" "$T/lora.json"
expect_err "the run says where its adapter is" "LoRA adapter written: $T/lora"
if python3 - "$T" <<'PY'
import json, os, sys
t = sys.argv[1]
full, frozen, lora = (json.loads(open(os.path.join(t, n + '.json')).read().strip().splitlines()[-1])
                      for n in ('full', 'frozen', 'lora'))
assert full['params_trainable'] == full['params'] > 0, full
assert 0 < frozen['params_trainable'] < full['params_trainable'], frozen
assert frozen['params'] == full['params']
# AdamW: two moments per trainable parameter (plus a step counter)
for d in (full, frozen, lora):
    assert 8 * d['params_trainable'] <= d['optimizer_bytes'] <= 8 * d['params_trainable'] + 64, d
# rank 4 on c_attn (32 -> 96) and attn.c_proj (32 -> 32), 2 layers, + the head
k = len(lora['valid']['per_class'])
assert lora['params_trainable'] == 2 * (4 * 32 + 96 * 4 + 4 * 32 + 32 * 4) + k * 32, lora
assert lora['params'] == full['params'] + 2 * (4 * 32 + 96 * 4 + 4 * 32 + 32 * 4)
assert lora['model'] == os.path.join(t, 'lora'), lora['model']
files = sorted(f for f in os.listdir(os.path.join(t, 'lora')) if not f.startswith('.'))
assert 'adapter_model.safetensors' in files and 'adapter_config.json' in files, files
assert 'tunetop.json' in files and 'model.safetensors' not in files, files
size = os.path.getsize(os.path.join(t, 'lora', 'adapter_model.safetensors'))
assert size * 10 < os.path.getsize(os.path.join(t, 'lm', 'model.safetensors')), size
c = json.load(open(os.path.join(t, 'lora', 'adapter_config.json')))
assert c['r'] == 4 and c['lora_alpha'] == 8 and c['target_modules'] == ['c_attn', 'attn.c_proj'], c
assert c['base_model_name_or_path'] == os.path.realpath(os.path.join(t, 'lm', 'model.safetensors'))
assert len(c['base_model_xxh3_128']) == 32
PY
then ok "--json parameters and optimizer bytes; the adapter directory's contents"; else
	not_ok "--json parameters / adapter contents" "$(tail -c 600 "$T/lora.json")"; fi

# eval and predict through the adapter directory, and through the merged model
run "$TUNETOP" eval "$T/lora" "$D" --json
expect_rc "eval on the adapter directory" 0
cp "$T/out" "$T/eval-adapter.json"
run "$TUNETOP" merge "$BASE" "$T/lora" "$T/merged.safetensors"
expect_rc "tunetop merge of a tunetop adapter" 0
run "$TUNETOP" eval "$T/merged.safetensors" "$D" --json
expect_rc "eval on the merged model" 0
if python3 - "$T/eval-adapter.json" "$T/out" <<'PY'
import json, sys
a, m = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[1:])
assert a['n'] == m['n'] > 0
assert abs(a['log_loss'] - m['log_loss']) < 1e-4, (a['log_loss'], m['log_loss'])
assert a['confusion'] == m['confusion']
PY
then ok "the adapter on its base and the merged model agree"; else
	not_ok "adapter vs merged eval" "$(head -c 300 "$T/eval-adapter.json")"; fi
run "$TUNETOP" predict "$T/lora" --k 1 "I was charged twice on my invoice"
expect_rc "predict on the adapter directory" 0

# the base replaced: the adapter is refused by its hash
cp "$BASE" "$T/base.keep"
cp "$T/merged.safetensors" "$BASE"
run "$TUNETOP" eval "$T/lora" "$D"
expect_rc "an adapter on another base fails" 1
expect_err "the hash mismatch is named" "this adapter was made for base"
cp "$T/base.keep" "$BASE"

# bad values: what was expected
run "$TUNETOP" train --data "$D" $FT --set freeze_layers=-2
expect_rc "freeze_layers -2" 1
expect_err "its range" "freeze_layers"
run "$TUNETOP" train --data "$D" $FT --set lora_rank=2 --set lora_targets=c_attn,q_proj
expect_rc "an unknown LoRA target" 1
expect_err "the target is named, the known ones listed" "q_proj"
expect_err "the known targets listed" "mlp.c_proj"
run "$TUNETOP" train --data "$D" $FT --set freeze_layers=5
expect_rc "freeze_layers above the layers" 1
expect_err "the layers are said" "the model has 2 layers (expected -1 to 2)"
run "$TUNETOP" train --data "$D" --set lora_rank=8
expect_rc "lora_rank on the n-gram model" 1
expect_err "gpt only, clearly" "lora_rank = 8 is for model gpt only"
run "$TUNETOP" train --data "$D" --model gpt --objective lm $TINY --set freeze_layers=-1
expect_rc "freeze_layers -1 on a language model" 1
expect_err "no head to train" "a language model has none"

# the REPL commands, headless
run "$TUNETOP" --headless -e "load $D" -e 'split 80/10/10 seed 1' -e 'set model gpt' -e "set init $BASE" \
	-e 'set optimizer adamw' -e 'set batch_size 8' -e 'set max_steps 4' -e 'set threads 1' \
	-e 'freeze 1' -e 'start' -e 'wait' -e 'status' -e 'lora 2 4 c_attn' \
	-e "restart $T/restart.safetensors" -e 'wait' -e 'status' \
	-e "merge-adapter $T/m2.safetensors" -e "adapter load $T/lora mine" -e 'adapter list' \
	-e 'adapter use mine' -e 'adapter use none' -e 'freeze 9x'
expect_rc "freeze 9x fails the script" 1
expect_out "status after freeze 1 shows trainable of total" "trainable of"
expect_out "restart says what it does" "restart: a new run from $T/restart.safetensors"
expect_out "the merged model is written" "merged model written at step 4: $T/m2.safetensors"
expect_out "adapter list marks none active yet" "  mine  $T/lora  rank 4 alpha 8"
expect_out "adapter use" "suggestions come from adapter mine"
expect_err "freeze's bad value says what was expected" "freeze: expected a number of layers K >= 0, body or none, got '9x'"
if python3 - "$T/out" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
t = [int(x) for x in re.findall(r'parameters: (\d+) trainable of', s)]
assert len(t) == 2 and t[1] < t[0], t   # LoRA rank 2 on c_attn < the unfrozen top block
PY
then ok "the restarted run is a LoRA run"; else not_ok "restart applies lora" "$(cat "$T/out")"; fi
run "$TUNETOP" --headless -e "load $D" -e 'freeze 1'
expect_rc "freeze on the n-gram model fails" 1
expect_err "freeze says gpt only" "freeze: for model gpt only"
exit $_failed
