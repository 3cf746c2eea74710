# tunetop train --model gpt (classify and lm), eval and predict on its
# bundles, --init (ours and Hugging Face layout), --preset, bad input.
# Tiny shapes (dim 32, 1-2 layers, context 32) so each run takes a second.
. tests/lib.sh

TINY="--set dim=32 --set layers=1 --set heads=2 --set context=32 --set vocab_size=400 --set threads=1"

run "$TUNETOP" train --data sessions/demo/tickets.jsonl --model gpt $TINY --set epochs=10 \
	--set lr=0.001 --set warmup=10 --set pooling=mean --out "$T/cls" --json
expect_rc "train gpt classify" 0
if python3 - "$T/out" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
for k in ("train_seconds", "ms_per_step", "tokens_per_second", "steps", "epochs", "state", "model"):
    assert k in d, k
assert d["objective"] == "classify"
assert d["step_ms_median"] > 0, d["step_ms_median"]
for split in ("valid", "test"):
    s = d[split]
    assert "macro_f1" in s and "billing" in s["per_class"], split
    # 7 classes, the largest about 20%: the transformer learned something
    assert 0.3 < s["accuracy"] <= 1, (split, s["accuracy"])
PY
then ok "gpt classify --json keys, step_ms_median, accuracy above chance"; else
	not_ok "gpt classify --json" "$(tail -c 400 "$T/out")"; fi

run "$TUNETOP" predict "$T/cls/model.safetensors" --k 2 "I was charged twice on my invoice"
expect_rc "predict with a gpt bundle" 0
if grep -Eq '^[a-z_]+ 0\.[0-9]+  [a-z_]+ 0\.[0-9]+$' "$T/out"; then ok "gpt predict top-2 line";
else not_ok "gpt predict top-2 line" "$(cat "$T/out")"; fi
run "$TUNETOP" eval "$T/cls/model.safetensors" sessions/demo/tickets.jsonl --json
expect_rc "eval with a gpt bundle" 0
expect_out "gpt eval json has macro_f1" '"macro_f1"'

# A language model on the same texts: perplexity under valid and test.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --model gpt --objective lm $TINY \
	--set epochs=2 --set lr=0.003 --set warmup=5 --out "$T/lm" --json
expect_rc "train gpt lm" 0
if python3 - "$T/out" <<'PY'
import json, math, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert d["objective"] == "lm" and d["step_ms_median"] > 0
for split in ("valid", "test"):
    s = d[split]
    assert s["tokens"] > 1000, s
    assert abs(s["perplexity"] - math.exp(s["loss"])) < 1e-3 * s["perplexity"], s
    # far below a uniform guess over the 400 tokens
    assert 1 < s["perplexity"] < 200, s
PY
then ok "gpt lm --json perplexity under valid and test"; else
	not_ok "gpt lm --json" "$(tail -c 400 "$T/out")"; fi
run "$TUNETOP" eval "$T/lm/model.safetensors" sessions/demo/tickets.jsonl --json
expect_rc "eval a language model" 0
expect_out "lm eval gives perplexity" '"perplexity"'
run "$TUNETOP" predict "$T/lm/model.safetensors" --k 3 --json "my invoice is"
expect_rc "predict with a language model" 0
if [ "$(grep -o '"token"' "$T/out" | wc -l)" -eq 3 ]; then ok "lm predict gives 3 next tokens";
else not_ok "lm predict gives 3 next tokens" "$(cat "$T/out")"; fi

# Fine-tune the language model into a classifier: tokenizer and shape from the file.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/lm/model.safetensors" \
	--objective classify --set epochs=1 --set threads=1 --set dim=999 --json
expect_rc "classify from --init (our bundle)" 0
expect_out "fine-tune reports valid metrics" '"macro_f1"'
if grep -q "learning a BPE" "$T/err"; then not_ok "--init keeps the file's tokenizer"; else
	ok "--init keeps the file's tokenizer"; fi

# A Hugging Face layout file (transformer. prefix, Conv1D [in, out], attn.bias
# buffers) with vocab.json + merges.txt beside it.
run "$TUNETOP" tokenize train --vocab-size 300 --out "$T/hf" sessions/demo/tickets.jsonl
expect_rc "tokenize train for the HF test" 0
python3 - "$T/hf" <<'PY'
import json, random, struct, sys
d = sys.argv[1]
V = len(json.load(open(d + "/vocab.json")))
C, L, CTX = 16, 1, 24
shapes = [("transformer.wte.weight", [V, C]), ("transformer.wpe.weight", [CTX, C])]
for l in range(L):
    p = "transformer.h.%d." % l
    shapes += [(p + "ln_1.weight", [C]), (p + "ln_1.bias", [C]),
               (p + "attn.c_attn.weight", [C, 3 * C]), (p + "attn.c_attn.bias", [3 * C]),
               (p + "attn.c_proj.weight", [C, C]), (p + "attn.c_proj.bias", [C]),
               (p + "ln_2.weight", [C]), (p + "ln_2.bias", [C]),
               (p + "mlp.c_fc.weight", [C, 4 * C]), (p + "mlp.c_fc.bias", [4 * C]),
               (p + "mlp.c_proj.weight", [4 * C, C]), (p + "mlp.c_proj.bias", [C]),
               (p + "attn.bias", [1, 1, CTX, CTX])]
shapes += [("transformer.ln_f.weight", [C]), ("transformer.ln_f.bias", [C])]
rnd = random.Random(1)
header, blobs, off = {"__metadata__": {"n_head": "2"}}, [], 0
for name, shape in shapes:
    n = 1
    for s in shape:
        n *= s
    if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
        vals = [1.0] * n
    else:
        vals = [rnd.gauss(0, 0.02) for _ in range(n)]
    b = struct.pack("<%df" % n, *vals)
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
h = json.dumps(header).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open(d + "/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
PY
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/hf/model.safetensors" \
	--set epochs=1 --set threads=1 --set lr=0.001 --out "$T/ft" --json
expect_rc "classify from a Hugging Face layout --init" 0
run "$TUNETOP" predict "$T/ft/model.safetensors" "reset my password"
expect_rc "predict with the fine-tuned model" 0
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/hf/model.safetensors" \
	--objective lm --set max_steps=4 --set threads=1 --json
expect_rc "continued pre-training from a Hugging Face layout --init" 0
expect_out "continued pre-training reports perplexity" '"perplexity"'

# Bad input: clear errors, no crash.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$DATA/gpt/tiny.safetensors"
expect_rc "--init without tokenizer files fails" 1
expect_err "missing tokenizer files explained" "no vocab.json or encoder.json beside the init file"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$DATA/gpt/tiny.safetensors" \
	--vocab "$DATA/gpt2/encoder.json" --merges "$DATA/gpt2/vocab.bpe"
expect_rc "--init with another vocabulary fails" 1
expect_err "vocabulary mismatch explained" "the model has 64 tokens but the tokenizer"
printf 'not a model' > "$T/bad.safetensors"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/bad.safetensors"
expect_rc "--init with a bad file fails" 1
expect_err "bad init file named" "bad.safetensors"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/nonexistent.safetensors"
expect_rc "--init with a missing file fails" 1
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --model gpt $TINY --set heads=3
expect_rc "heads not dividing dim fails" 1
expect_err "heads explained" "heads must divide dim"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --model gpt --set context=1
expect_rc "context out of range fails" 1
expect_err "context explained" "context: 1 is out of range"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --preset nope
expect_rc "unknown preset fails" 1
expect_err "unknown preset explained" "unknown preset 'nope'"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --model gpt --objective poem
expect_rc "unknown objective fails" 1
expect_err "objective explained" "objective"

# --preset applies before --set; max_steps stops the run.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --preset gpt-tiny $TINY \
	--set max_steps=7 --json
expect_rc "preset then set, max_steps" 0
if python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); assert d["steps"] == 7, d["steps"]' "$T/out"
then ok "max_steps=7 stops after 7 steps"; else not_ok "max_steps" "$(tail -c 300 "$T/out")"; fi
expect_out "max_steps ends the run as done" '"state":"done"'

# Pre-training text without labels: an lm run still splits, validates and tests;
# with max_steps the run ends with an evaluation.
python3 - "$T/unlabeled.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for l in open("sessions/demo/tickets.jsonl"):
        f.write(json.dumps({"text": json.loads(l)["text"]}) + "\n")
PY
run "$TUNETOP" train --data "$T/unlabeled.jsonl" --model gpt --objective lm $TINY --set max_steps=6 --json
expect_rc "lm on unlabeled texts" 0
if python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); assert d["steps"] == 6 and d["valid"]["perplexity"] > 1 and d["test"]["perplexity"] > 1, d' "$T/out"
then ok "unlabeled lm reports valid and test perplexity"; else not_ok "unlabeled lm" "$(tail -c 300 "$T/out")"; fi
run "$TUNETOP" train --data "$T/unlabeled.jsonl" --model gpt $TINY --set max_steps=2
expect_rc "classify on unlabeled texts fails" 1
expect_err "no labels explained" "no labels"

# --init with an n-gram model, or tokenizer files that are not: named, clear.
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/ngram/model.safetensors"
expect_rc "--init with a missing model fails" 1
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --set epochs=1 --set dim=8 \
	--set buckets=1000 --out "$T/ngram"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$T/ngram/model.safetensors"
expect_rc "--init with an n-gram model fails" 1
expect_err "n-gram init explained" "the model is ngram, not gpt"
printf '{"a": 0,\n' > "$T/badvocab.json"
run "$TUNETOP" train --data sessions/demo/tickets.jsonl --init "$DATA/gpt/tiny.safetensors" \
	--vocab "$T/badvocab.json" --merges "$DATA/gpt2/vocab.bpe"
expect_rc "--init with a broken vocab.json fails" 1
expect_err "broken vocab.json named with its line" "badvocab.json:2:"
