# tunetop generate: a GPT-2 model in Hugging Face's layout with its BPE
# beside it (tests/data/gpt/gen, written by tests/data/gpt/make-gen-ref.py):
# greedy output equals the torch greedy loop's tokens (gen/greedy.txt; the
# unit test test-gpt-generate checks that file against torch's ids), seeds
# replay, top-k 1 is greedy, control bytes arrive escaped; bad input.
. tests/lib.sh

G="$DATA/gpt/gen"
M="$G/model.safetensors"

run "$TUNETOP" generate "$M" hello --temperature 0 --max-tokens 20
expect_rc "generate: greedy, status 0" 0
expect_same "generate: greedy text = torch's greedy tokens, escaped" "$T/out" "$G/greedy.txt"
expect_err "generate: a summary on stderr" "20 tokens in"
expect_err "generate: why it stopped" "stopped: max_tokens"
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" "$T/out"; then
	not_ok "generate: no raw control byte reaches stdout" "$(od -c "$T/out" | head -3)"; else
	ok "generate: no raw control byte reaches stdout"; fi

run "$TUNETOP" generate "$M" hello --temperature 2.5 --top-k 1 --seed 5 --max-tokens 20
expect_same "generate: --top-k 1 is greedy at any temperature" "$T/out" "$G/greedy.txt"

"$TUNETOP" generate "$M" hello --seed 7 --max-tokens 25 > "$T/s7a" 2>/dev/null
"$TUNETOP" generate "$M" hello --seed 7 --max-tokens 25 > "$T/s7b" 2>/dev/null
"$TUNETOP" generate "$M" hello --seed 8 --max-tokens 25 > "$T/s8" 2>/dev/null
expect_same "generate: the same seed, the same sample" "$T/s7a" "$T/s7b"
if cmp -s "$T/s7a" "$T/s8"; then not_ok "generate: another seed, another sample"; else
	ok "generate: another seed, another sample"; fi

# the context (32 positions): prompt + output never pass it
run "$TUNETOP" generate "$M" hello --temperature 0 --max-tokens 1000
expect_err "generate: stops when the context is full" "31 tokens in"
expect_err "generate: says so" "stopped: context full"

# tokenizer given, or encoder.json + vocab.bpe beside the model
mkdir -p "$T/oa"
cp "$M" "$T/oa/m.safetensors"
run "$TUNETOP" generate "$T/oa/m.safetensors" hello --temperature 0 --max-tokens 20
expect_rc "generate: no tokenizer beside the model: status 1" 1
expect_err "generate: no tokenizer: says what it looked for" "vocab.json and merges.txt"
cp "$G/vocab.json" "$T/oa/encoder.json"
cp "$G/merges.txt" "$T/oa/vocab.bpe"
run "$TUNETOP" generate "$T/oa/m.safetensors" hello --temperature 0 --max-tokens 20
expect_same "generate: encoder.json + vocab.bpe beside the model" "$T/out" "$G/greedy.txt"
run "$TUNETOP" generate "$T/oa/m.safetensors" hello --temperature 0 --max-tokens 20 \
	--vocab "$G/vocab.json" --merges "$G/merges.txt"
expect_same "generate: --vocab and --merges" "$T/out" "$G/greedy.txt"

# ---- bad input ----

run "$TUNETOP" generate "$M" "$(printf 'hello %.0s' $(seq 40))"
expect_rc "generate: a prompt longer than the context: status 1" 1
expect_err "generate: a prompt longer than the context: says the sizes" "the model's context is 32"
run "$TUNETOP" generate "$M" "$(printf 'ab\377')"
expect_rc "generate: invalid UTF-8 in the prompt: status 1" 1
expect_err "generate: invalid UTF-8: the column" "prompt:1:3: invalid UTF-8 (byte 0xff)"
run "$TUNETOP" generate "$DATA/gpt/tiny.safetensors" hello --vocab "$G/vocab.json" --merges "$G/merges.txt"
expect_rc "generate: a tokenizer larger than the model's vocabulary: status 1" 1
expect_err "generate: says both sizes" "261 tokens, more than the model's vocabulary of 64"
head -c 1000 "$M" > "$T/trunc.safetensors"
run "$TUNETOP" generate "$T/trunc.safetensors" hello
expect_rc "generate: a truncated model file: status 1" 1
expect_err "generate: a truncated model file: names it" "trunc.safetensors"
run "$TUNETOP" generate "$T/nonexistent.safetensors" hello
expect_rc "generate: a missing model file: status 1" 1
for bad in "--max-tokens -3" "--max-tokens x" "--temperature -1" "--temperature nan" \
	"--top-k 1.5" "--seed -1" "--vocab $G/vocab.json" "--frobnicate 1"; do
	# shellcheck disable=SC2086
	run "$TUNETOP" generate "$M" hello $bad
	expect_rc "generate $bad: status 2" 2
done
run "$TUNETOP" generate "$M"
expect_rc "generate without a prompt: status 2" 2
expect_err "generate without a prompt: usage" "usage: tunetop generate MODEL PROMPT"
run "$TUNETOP" generate "$M" "" --temperature 0 --max-tokens 3
expect_rc "generate: an empty prompt starts from <|endoftext|>" 0

# ---- the REPL/headless commands gpt-load and generate ----

run "$TUNETOP" --headless -e "gpt-load $M; generate hello 20 0"
expect_rc "gpt-load + generate: status 0" 0
head -c "$(($(wc -c < "$G/greedy.txt") - 1))" "$G/greedy.txt" > "$T/greedy.line"
if [ "$(sed -n 2p "$T/out")" = "$(cat "$T/greedy.line")" ]; then
	ok "generate (command): the same greedy text as the CLI"; else
	not_ok "generate (command): the same greedy text as the CLI" "$(cat "$T/out")"; fi
expect_out "generate (command): the count and why it stopped" "(20 tokens,"
run "$TUNETOP" --headless -e "generate hello"
expect_rc "generate without a model: status 1" 1
expect_err "generate without a model: says how to load one" "gpt-load FILE"
run "$TUNETOP" --headless -e "gpt-load $M; generate hello upon a time"
expect_err "generate: a bad max_tokens says to quote the prompt" "quote a prompt"
run "$TUNETOP" --headless -e "gpt-load $DATA/gpt/tiny.safetensors"
expect_rc "gpt-load: no tokenizer at all: status 1" 1
expect_err "gpt-load: no tokenizer: says where it looked" "no tokenizer"
run "$TUNETOP" --headless -e "gpt-load $T/trunc.safetensors"
expect_err "gpt-load: a truncated file: names it" "trunc.safetensors"
