#!/bin/sh
# bench/pretrain-corpus.sh - the English corpus the demo's tiny GPT is
# pre-trained on (bench/pretrain.sh), from Debian packages only: fortunes,
# python3.11-doc, debian-reference-en and doc-debian (installed by
# scripts/deps.sh bench). Writes bench/out/pretrain/corpus.txt (one
# deduplicated paragraph a line) and corpus.jsonl (text + a train/valid/test
# split by hash); bench/pretrain-corpus.py says what it keeps.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
scripts/deps.sh bench
OUT=$BENCH_OUT/pretrain
if [ -f "$OUT/corpus.jsonl" ] && [ -n "$(find "$OUT/corpus.jsonl" -newer bench/pretrain-corpus.py)" ]; then
	echo "pretrain corpus: up to date in $OUT (remove it to build again)"
	printf '  %s records, %s bytes\n' "$(wc -l <"$OUT/corpus.txt")" "$(wc -c <"$OUT/corpus.txt")"
	exit 0
fi
echo "pretrain corpus: English prose from Debian packages -> $OUT"
nice -n 10 python3 bench/pretrain-corpus.py "$OUT"
