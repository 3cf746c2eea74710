#!/bin/sh
# bench/pretrain.sh - pre-train the demo's tiny GPT (sessions/demo/gpt-tiny/).
#
# The corpus is English prose from Debian packages (bench/pretrain-corpus.sh,
# 9.8 MB, its split field gives train/valid/test). The shape is preset
# gpt-tiny (dim 128, 2 layers, 4 heads, context 128) with a vocabulary of
# 4096 byte-level BPE tokens learned from the train texts: at dim 128 the
# embedding alone is vocab x 128 weights, 0.52M of the model's 0.94M; 8192
# tokens would double it and leave the transformer a third of the model.
#
# Settings (the README's "The demo's pre-trained model" section has the
# perplexities they gave): lr 1e-3 (a 1M-parameter model takes a larger rate
# than the preset's 3e-4, as nanoGPT's small character models do), warmup
# 200 steps then cosine decay to 0 at PRETRAIN_STEPS, batch 8 x 128 tokens,
# dropout 0 (under two epochs of 2.6M tokens do not overfit a 1M model), one
# BLAS thread (the machine is shared), seed 42, validation every
# PRETRAIN_EVAL steps.
#
# Writes bench/out/pretrain/tiny/ (model, log, JSON) and, with --install,
# copies the model and its tokenizer files (bench/pretrain-export.py) to
# sessions/demo/gpt-tiny/.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
STEPS=${PRETRAIN_STEPS:-4500}
EVAL=${PRETRAIN_EVAL:-500}
OUT=$BENCH_OUT/pretrain/tiny
[ -x "$TUNETOP" ] || die "build $TUNETOP first (make)"
bench/pretrain-corpus.sh
mkdir -p "$OUT"

# The trainer learns its BPE from the train split's texts itself; the same
# texts through `tokenize train` give the vocab.json + merges.txt shipped
# beside the weights, for tools that read GPT-2's files.
python3 -c 'import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["split"] == "train":
        print(r["text"])' <"$BENCH_OUT/pretrain/corpus.jsonl" >"$OUT/train.txt"
"$TUNETOP" tokenize train --vocab-size 4096 --out "$OUT" "$OUT/train.txt"

echo "pre-training gpt-tiny for $STEPS steps (nice -n 10; load $(cut -d' ' -f1-3 /proc/loadavg))"
timed "$OUT/train.json" "$OUT/train.log" nice -n 10 "$TUNETOP" train --model gpt --objective lm \
	--preset gpt-tiny --data "$BENCH_OUT/pretrain/corpus.jsonl" \
	--set vocab_size=4096 --set lr=0.001 --set warmup=200 --set dropout=0 \
	--set epochs=10 --set max_steps="$STEPS" --set eval_every="$EVAL" \
	--set threads=1 --set seed=42 --out "$OUT" --json ||
	die "pre-training failed: $(tail -n 3 "$OUT/train.log")"
echo "done in ${T_SEC}s wall, ${T_CPU}s CPU, peak RSS $((T_KB / 1024)) MB (load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "validation perplexity by step:"
python3 -c 'import json, math, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "valid_loss" in d:
        print("  step %5d  train loss %.3f  valid perplexity %.2f" %
              (d["step"], d["train_loss"], math.exp(d["valid_loss"])))' "$OUT/metrics.jsonl"
python3 -c 'import json, sys
d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print("final: valid perplexity %.2f, test perplexity %.2f, step_ms_median %.1f" %
      (d["valid"]["perplexity"], d["test"]["perplexity"], d["step_ms_median"]))' "$OUT/train.json"

# The tokenizer inside the model, as GPT-2's files: these are shipped. They
# must equal what `tokenize train` wrote from the same texts.
python3 bench/pretrain-export.py "$OUT/model.safetensors" "$OUT/export"
if cmp -s "$OUT/export/merges.txt" "$OUT/merges.txt" && python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$OUT/export/vocab.json" "$OUT/vocab.json"; then
	echo "the model's tokenizer equals tokenize train's vocab.json + merges.txt"
else
	die "the model's tokenizer differs from tokenize train's on the same texts"
fi

if [ "${1:-}" = --install ]; then
	dst=sessions/demo/gpt-tiny
	mkdir -p "$dst"
	cp "$OUT/model.safetensors" "$dst/model.safetensors.tmp"
	mv "$dst/model.safetensors.tmp" "$dst/model.safetensors"
	cp "$OUT/export/vocab.json" "$OUT/export/merges.txt" "$dst/"
	echo "installed in $dst: $(du -sh "$dst" | cut -f1)"
fi
