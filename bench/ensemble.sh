#!/bin/sh
# bench/ensemble.sh - ensembles of n-gram models on the SpamAssassin 3-way
# split (easy_ham / hard_ham / spam; bench/out/spam/, made by bench/run.sh).
#
# Three n-gram models are trained on train.jsonl with bench/train.sh's
# hyperparameters (dim 50, word n-grams 2, 25 epochs, lr 1.0, 2M buckets,
# 2 threads), differing in seed and character n-grams:
#     m1  seed 1, char_ngrams 0      m2  seed 2, char_ngrams 3
#     m3  seed 3, char_ngrams 5
# test.jsonl is given as --valid so no record of it is used for training;
# the final model of each run is taken (not the best on test: nothing is
# chosen on the test split). Then each model alone, their mean ensemble and
# their vote are scored by `tunetop eval` on test.jsonl (1209 messages):
# accuracy and macro-F1. Prediction time is `tunetop predict` over the 1209
# test texts repeated 10 times (stdin, one a line), timed with GNU time as
# CPU seconds, the smallest of 3 runs, minus the time the same command takes
# with no input (loading the model files), so that per-text times compare
# the predictions themselves; both are printed. The
# 1-minute load average is printed before every timed command.
#
# Writes bench/out/ensemble.tsv (one row per model or ensemble); scratch in
# bench/out/ensemble/. Exit status: 0 when every run completed, 1 when a run
# failed. Environment: TUNETOP (default build/tunetop), KEEP=1 reuses the
# models of a previous run.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

need python3 python3
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package time)"
[ -x "$TUNETOP" ] || die "$TUNETOP does not exist yet (build it with: make $TUNETOP)"
for f in train.jsonl test.jsonl; do
	[ -f "$SPAM_DIR/$f" ] ||
		die "$SPAM_DIR/$f is missing; convert the corpus first: bench/run.sh or node bench/spam-convert.mjs $SPAM_DIR"
done
out=$BENCH_OUT/ensemble
mkdir -p "$out"
check_idle

# The 3-way labels under "label" (eval reads the default field), and the texts.
python3 - "$SPAM_DIR/test.jsonl" "$out/test3.jsonl" "$out/texts.txt" <<'EOF'
import json, sys
with open(sys.argv[2], "w") as j, open(sys.argv[3], "w") as t:
    for line in open(sys.argv[1]):
        r = json.loads(line)
        r["label"] = r["label3"]
        j.write(json.dumps(r) + "\n")
        t.write(" ".join(r["text"].split()) + "\n")
EOF
# Prediction is timed over the test texts REPEAT times (default 10), so that
# it outweighs loading the model files.
REPEAT=${REPEAT:-10}
python3 -c 'import sys; t = open(sys.argv[1]).read(); open(sys.argv[1], "w").write(t * int(sys.argv[2]))' \
	"$out/texts.txt" "$REPEAT"

TT_ARGS="--set dim=50 --set word_ngrams=2 --set epochs=25 --set lr=1.0 --set threads=2 --set buckets=2000000 --set label_field=label3"
train_one() { # NAME SEED CHAR_NGRAMS
	if [ "${KEEP:-0}" = 1 ] && [ -s "$out/$1/model.safetensors" ]; then
		echo "  $1: kept from a previous run"
		return 0
	fi
	rm -rf "${out:?}/$1"
	la=$(cut -d' ' -f1 /proc/loadavg)
	# shellcheck disable=SC2086
	timed "$out/$1.train.json" "$out/$1.train.err" \
		"$TUNETOP" train --data "$SPAM_DIR/train.jsonl" --valid "$SPAM_DIR/test.jsonl" \
		$TT_ARGS --set seed="$2" --set char_ngrams="$3" --out "$out/$1" --json ||
		{ tail -5 "$out/$1.train.err" >&2; die "training $1 failed"; }
	printf '  %s: seed %s, char_ngrams %s: trained in %s s wall, %s s CPU (load %s)\n' \
		"$1" "$2" "$3" "$T_SEC" "$T_CPU" "$la"
}
echo "training three n-gram models on $(wc -l <"$SPAM_DIR/train.jsonl") messages"
train_one m1 1 0
train_one m2 2 3
train_one m3 3 5
M1=$out/m1/model.safetensors M2=$out/m2/model.safetensors M3=$out/m3/model.safetensors

printf 'name\tmodels\taccuracy\tmacro_f1\tload_s\tpredict_s\tus_per_text\tload_avg\n' >"$BENCH_OUT/ensemble.tsv"
ntexts=$(wc -l <"$out/texts.txt")
ntest=$(wc -l <"$out/test3.jsonl")
# score NAME MODEL-ARGS...: eval on test3.jsonl, then time predict with and without input.
score() {
	name=$1
	shift
	"$TUNETOP" eval "$@" "$out/test3.jsonl" --json >"$out/$name.eval.json" 2>"$out/$name.eval.err" ||
		{ cat "$out/$name.eval.err" >&2; die "eval $name failed"; }
	la=$(cut -d' ' -f1 /proc/loadavg)
	# The smallest of 3 runs each: on a shared machine the minimum is the
	# least disturbed figure.
	load_s=999999 total_s=999999
	for _r in 1 2 3; do
		timed "$out/$name.empty.out" "$out/$name.empty.err" "$TUNETOP" predict "$@" </dev/null ||
			die "predict $name failed"
		load_s=$(awk -v a="$load_s" -v b="$T_CPU" 'BEGIN { print (b < a ? b : a) }')
		timed "$out/$name.pred.out" "$out/$name.pred.err" "$TUNETOP" predict "$@" <"$out/texts.txt" ||
			die "predict $name failed"
		total_s=$(awk -v a="$total_s" -v b="$T_CPU" 'BEGIN { print (b < a ? b : a) }')
	done
	T_CPU=$total_s
	python3 - "$out/$name.eval.json" "$name" "$*" "$load_s" "$T_CPU" "$ntexts" "$la" \
		"$out/$name.pred.out" >>"$BENCH_OUT/ensemble.tsv" <<'EOF'
import json, sys
ev = json.load(open(sys.argv[1]))
name, models, load_s, total_s, n, la, pred = sys.argv[2:9]
assert int(n) % ev["n"] == 0, (ev["n"], n)
assert sum(1 for _ in open(pred)) == int(n)
per = max(0.0, float(total_s) - float(load_s)) / int(n) * 1e6
print("\t".join([name, models.replace("\t", " "), "%.4f" % ev["accuracy"],
                 "%.4f" % ev["macro_f1"], load_s, total_s, "%.0f" % per, la]))
EOF
}
echo "scoring on $ntest test messages; predict timed on them $REPEAT times over ($ntexts texts),"
echo "CPU seconds (user + system), the smallest of 3 runs, minus loading the models"
score m1 "$M1"
score m2 "$M2"
score m3 "$M3"
score mean --ensemble "$M1,$M2,$M3"
score vote --ensemble "$M1,$M2,$M3" --vote

python3 - "$BENCH_OUT/ensemble.tsv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print()
print("| model | test accuracy | macro-F1 | load CPU | predict CPU (all texts) | per text | load avg |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print("| %s | %s | %s | %s s | %s s | %s us | %s |" % (r["name"], r["accuracy"], r["macro_f1"],
          r["load_s"], r["predict_s"], r["us_per_text"], r["load_avg"]))
single = [r for r in rows if r["name"] not in ("mean", "vote")]
best = max(single, key=lambda r: float(r["macro_f1"]))
sum1 = sum(float(r["us_per_text"]) for r in single)
for r in rows:
    if r["name"] in ("mean", "vote"):
        print("%s: accuracy %+.2f points, macro-F1 %+.2f points against the best single model (%s); "
              "per text %.2fx the sum of its members' times" % (r["name"],
              100 * (float(r["accuracy"]) - float(best["accuracy"])),
              100 * (float(r["macro_f1"]) - float(best["macro_f1"])), best["name"],
              float(r["us_per_text"]) / sum1 if sum1 > 0 else float("nan")))
EOF
