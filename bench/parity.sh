#!/bin/sh
# bench/parity.sh - tunetop against Debian's fastText 0.9.2 on many-class
# short texts (issue 11): accuracy parity, an ablation of fastText's recipe,
# model file sizes, and wall time and peak memory with --out.
#
# Data: bench/make-many-class.py builds two sets from Debian's own data
#   fortunes  39 classes (the cookie files of the package `fortunes`)
#   debsec    50 classes (a package's short description -> archive section)
# written in fastText's format, which both tools read.
#
# Both tools:  -dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2, seeds 1 2 3,
# everything else at the defaults (fastText: softmax, 2M buckets, minCount 1;
# tunetop: the same, plus NFKC and case folding and, since issue 11, the
# end-of-line word </s>). For each set and seed the runs alternate: fastText,
# then each tunetop variant, so load changes on the machine hit all alike.
#
#   fastText   `fasttext supervised` (timed: it always writes model.bin and
#              model.vec), accuracy from `fasttext predict` on test.txt
#   tunetop    `tunetop train --data train.txt --test test.txt --valid none
#              --out DIR` (timed, writes model.safetensors), accuracy of the
#              test evaluation in its JSON; then the ablation variants
#              (without --out, not timed):
#                noeos     --set eos_token=false (the recipe before issue 11)
#                rawtext   --set lowercase=false --set normalize=none
#                          (fastText's preprocessing: bytes split on spaces)
#                raw+noeos both
#              and the announced default carve-out: no --valid, 10% of the
#              training file held out for validation, with --out (timed: it
#              rewrites best.safetensors at every improvement).
#
# Prints, per set: mean and spread (min..max) of the accuracy of every
# variant over the seeds, the difference to fastText's mean in points, the
# median wall time and largest peak RSS of the timed runs with their ratios
# to fastText's, and the model file sizes. Writes bench/out/parity/runs.tsv
# (one row per run) and bench/out/parity/summary.md (the tables).
#
# Environment: TUNETOP (default build/tunetop), SEEDS (default "1 2 3"),
# SETS (default "fortunes debsec"). Exit status 0 when every run completed.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

SEEDS=${SEEDS:-1 2 3}
SETS=${SETS:-fortunes debsec}
FT_ARGS="-dim 50 -wordNgrams 2 -epoch 25 -lr 1.0 -thread 2"
TT_ARGS="--set dim=50 --set word_ngrams=2 --set epochs=25 --set lr=1.0 --set threads=2 --set buckets=2000000"
need fasttext fasttext
need python3 python3
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package time)"
[ -x "$TUNETOP" ] || die "$TUNETOP does not exist yet (build it with: make $TUNETOP)"
data=$BENCH_OUT/many
out=$BENCH_OUT/parity
mkdir -p "$out"
python3 bench/make-many-class.py "$data"
check_idle
runs=$out/runs.tsv
printf 'set\tseed\ttool\tvariant\taccuracy\twall_s\tpeak_kib\tmodel_bytes\n' >"$runs"

# ft_acc TEST PRED: accuracy of fastText's predictions against the gold labels.
ft_acc() {
	awk 'NR == FNR { gold[FNR] = $1; n = FNR; next }
	     { if ($1 == gold[FNR]) ok++; m = FNR }
	     END { if (m != n) { print "lines differ" > "/dev/stderr"; exit 1 }
		   printf "%.4f\n", ok / n }' "$1" "$2"
}

# tt_acc JSON: the test accuracy in tunetop's --json output.
tt_acc() {
	python3 -c 'import json, sys; print("%.4f" % json.load(open(sys.argv[1]))["test"]["accuracy"])' "$1"
}

row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$runs"
}

for set in $SETS; do
	train=$data/$set/train.txt test=$data/$set/test.txt
	echo "== $set: $(wc -l <"$train") train, $(wc -l <"$test") test, $(cut -d' ' -f1 "$train" | sort -u | wc -l) classes"
	for seed in $SEEDS; do
		# fastText
		m=$out/ft.$set
		# shellcheck disable=SC2086
		timed "$out/ft.out" "$out/ft.err" fasttext supervised -input "$train" -output "$m" \
			$FT_ARGS -seed "$seed" || die "fasttext failed: $(tail -n 3 "$out/ft.err")"
		fasttext predict "$m.bin" "$test" >"$out/ft.pred"
		acc=$(ft_acc "$test" "$out/ft.pred")
		row "$set" "$seed" fasttext default "$acc" "$T_SEC" "$T_KB" "$(stat -c %s "$m.bin")"
		printf '  seed %s fastText            acc %s  %6.2f s  %7d KiB  model.bin %s bytes\n' \
			"$seed" "$acc" "$T_SEC" "$T_KB" "$(stat -c %s "$m.bin")"
		rm -f "$m.vec"
		# tunetop, all training data, --out (timed)
		d=$out/tt.$set
		rm -rf "$d"
		# shellcheck disable=SC2086
		timed "$out/tt.json" "$out/tt.err" "$TUNETOP" train --data "$train" --test "$test" \
			--valid none $TT_ARGS --set seed="$seed" --out "$d" --json ||
			die "tunetop failed: $(tail -n 3 "$out/tt.err")"
		acc=$(tt_acc "$out/tt.json")
		size=$(stat -c %s "$d/model.safetensors")
		row "$set" "$seed" tunetop default "$acc" "$T_SEC" "$T_KB" "$size"
		printf '  seed %s tunetop             acc %s  %6.2f s  %7d KiB  model %s bytes\n' \
			"$seed" "$acc" "$T_SEC" "$T_KB" "$size"
		# ablations (not timed, no model written)
		for v in noeos rawtext raw+noeos; do
			case $v in
			noeos) extra="--set eos_token=false" ;;
			rawtext) extra="--set lowercase=false --set normalize=none" ;;
			raw+noeos) extra="--set eos_token=false --set lowercase=false --set normalize=none" ;;
			esac
			# shellcheck disable=SC2086
			"$TUNETOP" train --data "$train" --test "$test" --valid none $TT_ARGS $extra \
				--set seed="$seed" --json >"$out/tt.json" 2>"$out/tt.err" ||
				die "tunetop ($v) failed: $(tail -n 3 "$out/tt.err")"
			acc=$(tt_acc "$out/tt.json")
			row "$set" "$seed" tunetop "$v" "$acc" "" "" ""
			printf '  seed %s tunetop %-11s acc %s\n' "$seed" "$v" "$acc"
		done
		# the default carve-out: 10% of train.txt validates, --out (timed)
		rm -rf "$d"
		# shellcheck disable=SC2086
		timed "$out/tt.json" "$out/tt.err" "$TUNETOP" train --data "$train" --test "$test" \
			$TT_ARGS --set seed="$seed" --out "$d" --json ||
			die "tunetop (carve-out) failed: $(tail -n 3 "$out/tt.err")"
		acc=$(tt_acc "$out/tt.json")
		size=$(stat -c %s "$d/best.safetensors")
		row "$set" "$seed" tunetop carve-out "$acc" "$T_SEC" "$T_KB" "$size"
		printf '  seed %s tunetop carve-out   acc %s  %6.2f s  %7d KiB  best %s bytes\n' \
			"$seed" "$acc" "$T_SEC" "$T_KB" "$size"
	done
done
echo "load average after: $(cut -d' ' -f1 /proc/loadavg)"

python3 - "$runs" "$out/summary.md" <<'EOF'
import csv, statistics, sys
runs, md = sys.argv[1:]
rows = list(csv.DictReader(open(runs), delimiter="\t"))
sets = list(dict.fromkeys(r["set"] for r in rows))
variants = [("fasttext", "default", "fastText 0.9.2"),
            ("tunetop", "default", "tunetop (eos, NFKC + case folding)"),
            ("tunetop", "rawtext", "tunetop, fastText's preprocessing"),
            ("tunetop", "noeos", "tunetop without </s> (before issue 11)"),
            ("tunetop", "raw+noeos", "tunetop without </s>, fastText's preprocessing"),
            ("tunetop", "carve-out", "tunetop, 10% of train held out (no --valid)")]
out = []
for s in sets:
    sel = lambda tool, v: [r for r in rows if r["set"] == s and r["tool"] == tool and r["variant"] == v]
    ft = [float(r["accuracy"]) for r in sel("fasttext", "default")]
    ftm = statistics.mean(ft)
    out.append("### %s\n" % s)
    out.append("| variant | accuracy per seed | mean | spread | vs fastText |")
    out.append("|---|---|---|---|---|")
    for tool, v, name in variants:
        a = [float(r["accuracy"]) for r in sel(tool, v)]
        if not a:
            continue
        m = statistics.mean(a)
        diff = "" if tool == "fasttext" else "%+.2f pt" % (100 * (m - ftm))
        out.append("| %s | %s | %.4f | %.4f..%.4f | %s |" % (
            name, " ".join("%.4f" % x for x in a), m, min(a), max(a), diff))
    out.append("")
    out.append("| run (with --out) | median wall s | ratio | peak MB | ratio | model file MB | ratio |")
    out.append("|---|---|---|---|---|---|---|")
    fr = sel("fasttext", "default")
    fw = statistics.median(float(r["wall_s"]) for r in fr)
    fk = max(int(r["peak_kib"]) for r in fr)
    fb = statistics.median(int(r["model_bytes"]) for r in fr)
    for tool, v, name in (("fasttext", "default", "fastText (model.bin + .vec)"),
                          ("tunetop", "default", "tunetop --valid none"),
                          ("tunetop", "carve-out", "tunetop, 10% validation (best.safetensors)")):
        r = sel(tool, v)
        w = statistics.median(float(x["wall_s"]) for x in r)
        k = max(int(x["peak_kib"]) for x in r)
        b = statistics.median(int(x["model_bytes"]) for x in r)
        out.append("| %s | %.2f | %.2fx | %.0f | %.2fx | %.1f | %.3fx |" % (
            name, w, w / fw, k * 1024 / 1e6, k / fk, b / 1e6, b / fb))
    out.append("")
text = "\n".join(out)
open(md, "w").write(text + "\n")
print(text)
EOF
echo "runs: $runs; tables: $out/summary.md"
