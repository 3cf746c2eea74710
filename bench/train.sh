#!/bin/sh
# bench/train.sh - training benchmark: tunetop against Debian's fastText 0.9.2
# on the SpamAssassin corpus (bench/out/spam/), with the hyperparameters issue 3
# fixes for both tools:
#     fasttext supervised -dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2
#     tunetop train --set dim=50 --set word_ngrams=2 --set epochs=25
#                   --set lr=1.0 --set threads=2 --set buckets=2000000
# Everything else is at each tool's defaults. For fastText that means softmax
# loss, 2M buckets, minCount 1 and no case folding; for tunetop, softmax loss,
# per-example Hogwild SGD (batch_size 1), linear lr decay, NFKC and lowercase.
#
# For each label scheme (2: spam/ham, 3: easy_ham/hard_ham/spam) the two tools
# train in turn, RUNS times each (default 3), alternating fastText, tunetop,
# fastText, ... so that changing load on the machine hits both alike. Each
# training run is timed with GNU time (wall time, CPU time, peak RSS), and the
# 1-minute load average is printed before it.
#   fastText  trains on train.N.txt; the wall time covers all of
#             `fasttext supervised`, including writing model.bin (about 450 MB)
#             and model.vec (about 110 MB), which it always does. The model is
#             then scored on test.N.txt: accuracy from `fasttext predict`
#             against the gold labels (checked against P@1 of `fasttext test`),
#             macro-F1 from the same predictions.
#   tunetop   trains on train.jsonl with test.jsonl given as --valid, so it is
#             scored on exactly the examples fastText is scored on (the script
#             checks that both files hold the same gold labels in the same
#             order, and that tunetop evaluated all of them). Nothing uses the
#             validation split for decisions (patience 0, no checkpoint), and
#             the reported figures are its evaluation after the last epoch.
#             --out is not given, so tunetop writes no model file. Its own
#             train_seconds (optimizer steps only: no loading, tokenizing or
#             evaluation) is reported next to the wall time.
# Per tool and scheme it reports the median wall time, the median CPU time, the
# largest peak RSS, the median accuracy and macro-F1; then the ratios
# tunetop/fastText of wall time and peak RSS and the accuracy difference in
# points, with the targets of issue 3: time ratio <= 0.77, accuracy >=
# fastText's - 0.3 points, peak RSS <= fastText's.
#
# Writes bench/out/train.tsv (one row per scheme and tool, with a header) and
# bench/out/train/runs.tsv (one row per run). Scratch files (models,
# predictions, logs) go to bench/out/train/.
#
# Exit status: 0 when every run completed, whether the targets were met or not
# (this is a benchmark: the verdict is printed); 1 when a tool is missing or a
# run failed. Environment: TUNETOP (default build/tunetop), RUNS (default 3).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS=${RUNS:-3}
FT_ARGS="-dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2"
TT_ARGS="--set dim=50 --set word_ngrams=2 --set epochs=25 --set lr=1.0 --set threads=2 --set buckets=2000000"

case $RUNS in
'' | *[!0-9]* | 0) die "RUNS must be a positive whole number (got '$RUNS')" ;;
esac
need fasttext fasttext
need python3 python3
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package time)"
if [ ! -x "$TUNETOP" ]; then
	die "$TUNETOP does not exist yet (build it with: make $TUNETOP)"
fi
for f in train.jsonl test.jsonl train.2.txt test.2.txt train.3.txt test.3.txt; do
	[ -f "$SPAM_DIR/$f" ] ||
		die "$SPAM_DIR/$f is missing; convert the corpus first: bench/run.sh or node bench/spam-convert.mjs $SPAM_DIR"
done
out=$BENCH_OUT/train
mkdir -p "$out"
runs=$out/runs.tsv

# same_examples N FIELD: test.N.txt and test.jsonl hold the same examples in
# the same order (compared by gold label; counts printed).
same_examples() {
	python3 - "$SPAM_DIR/test.jsonl" "$SPAM_DIR/test.$1.txt" "$2" <<'EOF'
import json, sys
from collections import Counter
jsonl, txt, field = sys.argv[1:]
a = [json.loads(l)[field] for l in open(jsonl, encoding="utf-8") if l.strip()]
b = [l.split(" ", 1)[0][len("__label__"):] for l in open(txt, encoding="utf-8")]
if a != b:
    sys.exit("train.sh: %s (%d records, field %s) and %s (%d lines) do not hold the same "
             "labels in the same order; convert the corpus again" % (jsonl, len(a), field, txt, len(b)))
print("  test set: %d examples, the same in %s and %s (%s)"
      % (len(a), jsonl, txt, ", ".join("%s %d" % kv for kv in sorted(Counter(a).items()))))
EOF
}

# ft_score TEST PRED TESTOUT: prints "accuracy macro_f1 n" of fastText's
# predictions; fails when predict's accuracy disagrees with test's P@1.
ft_score() {
	python3 - "$@" <<'EOF'
import sys
test, pred, testout = sys.argv[1:]
def label(line):
    tok = line.split(" ", 1)[0].strip()
    if not tok.startswith("__label__"):
        sys.exit("train.sh: no __label__ at the start of: " + line[:60])
    return tok[len("__label__"):]
gold = [label(l) for l in open(test, encoding="utf-8")]
got = [label(l) for l in open(pred, encoding="utf-8")]
if len(gold) != len(got):
    sys.exit("train.sh: %d test lines but %d fastText predictions" % (len(gold), len(got)))
p_at_1 = None
for l in open(testout):
    f = l.split()
    if len(f) == 2 and f[0] == "P@1":
        p_at_1 = float(f[1])
if p_at_1 is None:
    sys.exit("train.sh: no P@1 line in the output of fasttext test")
f1 = []
for c in sorted(set(gold) | set(got)):
    tp = sum(1 for g, p in zip(gold, got) if g == c and p == c)
    fp = sum(1 for g, p in zip(gold, got) if g != c and p == c)
    fn = sum(1 for g, p in zip(gold, got) if g == c and p != c)
    f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
acc = sum(g == p for g, p in zip(gold, got)) / len(gold)
if abs(acc - p_at_1) > 0.0006:  # fasttext test prints 3 decimals
    sys.exit("train.sh: predict accuracy %.4f disagrees with P@1 %.3f" % (acc, p_at_1))
print("%.6f %.6f %d" % (acc, sum(f1) / len(f1), len(gold)))
EOF
}

# tt_score JSON N: prints "accuracy macro_f1 n train_seconds" from the JSON
# object `tunetop train --json` printed; fails unless all N test examples
# were evaluated after a completed run.
tt_score() {
	python3 - "$@" <<'EOF'
import json, sys
path, want = sys.argv[1], int(sys.argv[2])
lines = [l for l in open(path, encoding="utf-8") if l.strip()]
if not lines:
    sys.exit("train.sh: tunetop train --json printed nothing on stdout")
try:
    o = json.loads(lines[-1])
except ValueError as e:
    sys.exit("train.sh: the last line tunetop printed is not JSON (%s): %s" % (e, lines[-1][:80]))
v = o.get("valid")
if not isinstance(v, dict):
    sys.exit("train.sh: tunetop's JSON has no \"valid\" object: " + lines[-1][:200])
if o.get("state") not in (None, "done"):
    sys.exit("train.sh: tunetop ended in state %r, not done" % o.get("state"))
if v.get("n", want) != want:
    sys.exit("train.sh: tunetop evaluated %s examples, the test set has %d" % (v.get("n"), want))
print("%.6f %.6f %d %.3f" % (v["accuracy"], v["macro_f1"], v.get("n", want), o["train_seconds"]))
EOF
}

# report: prints one run's figures and adds them to $runs; the scores come
# from $score ("accuracy macro_f1 n [train_seconds]"), the times from timed.
report() {
	# shellcheck disable=SC2086
	set -- $score
	printf '  run %d %-8s load %-5s  wall %6.2f s  cpu %6.2f s  RSS %4.0f MB  acc %.4f  macro-F1 %.4f%s\n' \
		"$i" "$tool" "$la" "$T_SEC" "$T_CPU" "$(awk -v k="$T_KB" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')" \
		"$1" "$2" "${4:+  (train_seconds $4)}"
	printf '%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$i" "$la" "$T_SEC" \
		"$T_CPU" "$T_KB" "${4:--}" "$1" "$2" "$3" >>"$runs"
}

# fail LOG WHAT: the last lines of a failed run's log, then exit 1.
fail() {
	echo "train: $2 failed; the end of its log ($1):" >&2
	tr '\r' '\n' <"$1" | tail -n 8 | sed 's/^/  | /' >&2
	exit 1
}

check_idle
echo "fastText: $(command -v fasttext), Debian package $(dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo '?')"
echo "  fasttext supervised $FT_ARGS"
echo "tunetop: $TUNETOP"
echo "  tunetop train --data train.jsonl --valid test.jsonl $TT_ARGS [--set label_field=label3] --json"
echo "$RUNS runs per tool and scheme, alternating; 'load' is the 1-minute load average before each run"
printf 'scheme\ttool\trun\tload1\twall_s\tcpu_s\tpeak_kib\ttrain_s\taccuracy\tmacro_f1\tn\n' >"$runs"
for n in 2 3; do
	if [ "$n" = 2 ]; then field=label; else field=label3; fi
	train=$SPAM_DIR/train.$n.txt test=$SPAM_DIR/test.$n.txt model=$out/ft.$n
	echo
	echo "labels: $n-way (field $field; $(wc -l <"$train") train examples)"
	same_examples "$n" "$field"
	ntest=$(wc -l <"$test")
	i=1
	while [ "$i" -le "$RUNS" ]; do
		tool=fastText la=$(cut -d' ' -f1 /proc/loadavg)
		# shellcheck disable=SC2086
		timed "$out/ft.$n.out" "$out/ft.$n.err" \
			fasttext supervised -input "$train" -output "$model" $FT_ARGS ||
			fail "$out/ft.$n.err" "fasttext supervised ($n-way, run $i)"
		rm -f "$model.vec"
		fasttext test "$model.bin" "$test" >"$out/ft-test.$n.out" 2>&1 ||
			fail "$out/ft-test.$n.out" "fasttext test"
		fasttext predict "$model.bin" "$test" >"$out/ft-pred.$n.txt" 2>"$out/ft-pred.$n.err" ||
			fail "$out/ft-pred.$n.err" "fasttext predict"
		rm -f "$model.bin"
		score=$(ft_score "$test" "$out/ft-pred.$n.txt" "$out/ft-test.$n.out")
		report

		tool=tunetop la=$(cut -d' ' -f1 /proc/loadavg)
		# shellcheck disable=SC2086
		timed "$out/tt.$n.json" "$out/tt.$n.err" \
			"$TUNETOP" train --data "$SPAM_DIR/train.jsonl" --valid "$SPAM_DIR/test.jsonl" \
			$TT_ARGS --set label_field="$field" --json ||
			fail "$out/tt.$n.err" "tunetop train ($n-way, run $i)"
		score=$(tt_score "$out/tt.$n.json" "$ntest")
		report
		i=$((i + 1))
	done
done

echo
python3 - "$runs" "$BENCH_OUT/train.tsv" <<'EOF'
import csv, statistics, sys
runs_path, tsv_path = sys.argv[1:]
rows = list(csv.DictReader(open(runs_path), delimiter="\t"))
med = lambda xs: statistics.median(xs)
summ = {}
for r in rows:
    summ.setdefault((r["scheme"], r["tool"]), []).append(r)
names = {"2": "spam/ham", "3": "3-way"}
out = open(tsv_path, "w")
out.write("scheme\ttool\truns\twall_s_median\tcpu_s_median\ttrain_s_median\tpeak_kib_max"
          "\taccuracy_median\tmacro_f1_median\taccuracy_min\taccuracy_max\tload1_min\tload1_max"
          "\ttime_ratio\trss_ratio\taccuracy_diff_points\n")
print("%-9s %-9s %8s %8s %8s %8s %9s %9s %s" % ("scheme", "tool", "wall s", "cpu s", "train s",
      "RSS MB", "accuracy", "macro-F1", "load"))
verdicts = []
for scheme in sorted({k[0] for k in summ}):
    fig = {}
    for tool in ("fastText", "tunetop"):
        rs = summ[(scheme, tool)]
        f = lambda key: [float(r[key]) for r in rs]
        fig[tool] = d = {
            "wall": med(f("wall_s")), "cpu": med(f("cpu_s")),
            "train": med(f("train_s")) if rs[0]["train_s"] != "-" else None,
            "kib": max(int(r["peak_kib"]) for r in rs),
            "acc": med(f("accuracy")), "f1": med(f("macro_f1")),
            "acc_lo": min(f("accuracy")), "acc_hi": max(f("accuracy")),
            "load_lo": min(f("load1")), "load_hi": max(f("load1")), "runs": len(rs)}
    ft, tt = fig["fastText"], fig["tunetop"]
    ratio_t = tt["wall"] / ft["wall"]
    ratio_m = tt["kib"] / ft["kib"]
    dacc = 100 * (tt["acc"] - ft["acc"])
    for tool, d in fig.items():
        print("%-9s %-9s %8.2f %8.2f %8s %8.0f %9.4f %9.4f %.2f-%.2f"
              % (names[scheme], tool, d["wall"], d["cpu"],
                 "%.2f" % d["train"] if d["train"] is not None else "-",
                 d["kib"] * 1024 / 1e6, d["acc"], d["f1"], d["load_lo"], d["load_hi"]))
        is_tt = tool == "tunetop"
        out.write("%s\t%s\t%d\t%.2f\t%.2f\t%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.2f\t%.2f\t%s\t%s\t%s\n"
                  % (scheme, tool, d["runs"], d["wall"], d["cpu"],
                     "%.2f" % d["train"] if d["train"] is not None else "-", d["kib"],
                     d["acc"], d["f1"], d["acc_lo"], d["acc_hi"], d["load_lo"], d["load_hi"],
                     "%.3f" % ratio_t if is_tt else "-", "%.3f" % ratio_m if is_tt else "-",
                     "%+.2f" % dacc if is_tt else "-"))
    ok = lambda c: "met" if c else "MISSED"
    verdicts.append("%-9s tunetop/fastText: time %.3f (target <= 0.77: %s), peak RSS %.3f "
                    "(target <= 1: %s), accuracy %+.2f points (target >= -0.3: %s), macro-F1 %+.2f points"
                    % (names[scheme], ratio_t, ok(ratio_t <= 0.77), ratio_m, ok(ratio_m <= 1.0),
                       dacc, ok(dacc >= -0.3), 100 * (tt["f1"] - ft["f1"])))
out.close()
print("(wall and cpu: median of the runs; train s: tunetop's own train_seconds; RSS: largest peak;"
      " accuracy, macro-F1: median)")
print()
for v in verdicts:
    print(v)
EOF
echo "figures in $BENCH_OUT/train.tsv, every run in $runs"
