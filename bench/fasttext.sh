#!/bin/sh
# bench/fasttext.sh - the peer: Debian's fastText 0.9.2 on the SpamAssassin
# corpus, with the hyperparameters issue 3 fixes for both tools:
#     -dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2
# (everything else at fastText's defaults: softmax loss, 2M buckets, minCount 1).
#
# For each label scheme (2: spam/ham, 3: easy_ham/hard_ham/spam) it trains on
# bench/out/spam/train.N.txt, measuring wall time and peak RSS of
# `fasttext supervised` with GNU time (this includes writing model.bin and the
# .vec file, as fastText always does), then evaluates on test.N.txt:
#   accuracy  P@1 of `fasttext test` (one gold label per line, so P@1 is the
#             accuracy)
#   macro_f1  mean F1 over the classes, from `fasttext predict` against the
#             gold labels (a class never predicted has F1 0)
# and checks that predict's accuracy agrees with P@1.
#
# Writes bench/out/fasttext.tsv: scheme, best train wall s, best cpu s, peak
# KiB, accuracy, macro-F1, per-class F1. Models go to bench/out/ft/ (about 450 MB each; the
# .vec files are deleted). Environment: RUNS (default 1) trains RUNS times per
# scheme and reports the best time, the largest RSS and the last run's scores.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS=${RUNS:-1}
FT_ARGS="-dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2"
need fasttext fasttext
need python3 python3
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package time)"
for n in 2 3; do
	for s in train test; do
		[ -f "$SPAM_DIR/$s.$n.txt" ] ||
			die "$SPAM_DIR/$s.$n.txt is missing; convert the corpus first: bench/run.sh or node bench/spam-convert.mjs"
	done
done
ft=$BENCH_OUT/ft
mkdir -p "$ft"

check_idle
echo "fastText: $(command -v fasttext), Debian package $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?')"
echo "  fasttext supervised $FT_ARGS"
: >"$BENCH_OUT/fasttext.tsv"
for n in 2 3; do
	train=$SPAM_DIR/train.$n.txt test=$SPAM_DIR/test.$n.txt model=$ft/model.$n
	echo "labels: $n-way ($(wc -l <"$train") train, $(wc -l <"$test") test)"
	best="" bestcpu="" maxkb=0 i=1
	while [ "$i" -le "$RUNS" ]; do
		# shellcheck disable=SC2086
		if ! timed "$ft/train.$n.out" "$ft/train.$n.err" \
			fasttext supervised -input "$train" -output "$model" $FT_ARGS; then
			echo "fasttext: training failed:" >&2
			tr '\r' '\n' <"$ft/train.$n.err" | tail -n 5 >&2
			exit 1
		fi
		printf '  train run %d: %6.2f s wall  %6.2f s cpu  %8d KiB\n' "$i" "$T_SEC" "$T_CPU" "$T_KB"
		if [ -z "$best" ] || awk -v a="$T_SEC" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$T_SEC
		fi
		if [ -z "$bestcpu" ] || awk -v a="$T_CPU" -v b="$bestcpu" 'BEGIN { exit !(a < b) }'; then
			bestcpu=$T_CPU
		fi
		[ "$T_KB" -gt "$maxkb" ] && maxkb=$T_KB
		i=$((i + 1))
	done
	rm -f "$model.vec"
	fasttext test "$model.bin" "$test" >"$ft/test.$n.out"
	fasttext predict "$model.bin" "$test" >"$ft/pred.$n.txt"
	python3 - "$test" "$ft/pred.$n.txt" "$ft/test.$n.out" "$n" "$best" "$bestcpu" "$maxkb" \
		>>"$BENCH_OUT/fasttext.tsv" <<'EOF'
import sys
test, pred, testout, scheme, sec, cpu, kb = sys.argv[1:]
def label(line):
    tok = line.split(" ", 1)[0].strip()
    if not tok.startswith("__label__"):
        sys.exit("fasttext.sh: no __label__ at the start of: " + line[:60])
    return tok[len("__label__"):]
gold = [label(l) for l in open(test, encoding="utf-8")]
got = [label(l) for l in open(pred, encoding="utf-8")]
if len(gold) != len(got):
    sys.exit("fasttext.sh: %d test lines but %d predictions" % (len(gold), len(got)))
p_at_1 = None
for l in open(testout):
    f = l.split()
    if len(f) == 2 and f[0] == "P@1":
        p_at_1 = float(f[1])
if p_at_1 is None:
    sys.exit("fasttext.sh: no P@1 line in the output of fasttext test")
classes = sorted(set(gold) | set(got))
f1 = {}
for c in classes:
    tp = sum(1 for g, p in zip(gold, got) if g == c and p == c)
    fp = sum(1 for g, p in zip(gold, got) if g != c and p == c)
    fn = sum(1 for g, p in zip(gold, got) if g == c and p != c)
    f1[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
acc = sum(g == p for g, p in zip(gold, got)) / len(gold)
macro = sum(f1.values()) / len(f1)
if abs(acc - p_at_1) > 0.0006:  # fasttext test prints 3 decimals
    sys.exit("fasttext.sh: predict accuracy %.4f disagrees with P@1 %.3f" % (acc, p_at_1))
per = " ".join("%s=%.4f" % (c, f1[c]) for c in classes)
print("%s\t%s\t%s\t%s\t%.4f\t%.4f\t%s" % (scheme, sec, cpu, kb, acc, macro, per))
sys.stderr.write("  best %.2f s wall (cpu %.2f s), peak RSS %.0f MB, test accuracy %.4f (P@1 %.3f),"
                 " macro-F1 %.4f\n  per-class F1: %s\n"
                 % (float(sec), float(cpu), int(kb) * 1024 / 1e6, acc, p_at_1, macro, per))
EOF
done
echo "figures also in $BENCH_OUT/fasttext.tsv (scheme, wall s, cpu s, peak KiB, accuracy, macro-F1, per-class F1)"
