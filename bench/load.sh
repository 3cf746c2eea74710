#!/bin/sh
# bench/load.sh - how fast `tunetop check` loads a big dataset, and in how much
# memory.
#
# Generates bench/out/big.jsonl (1,000,000 records, about 200 MB; see
# make-big-jsonl.py) if it is missing, then runs `tunetop check FILE` and
# `tunetop check --json FILE` RUNS times each (default 3) under GNU time and
# prints the best wall time, the largest peak RSS, the file size and
# RSS / file size. Targets (issue 2): under 4 s and under 2x the file size.
# Then times `tunetop check` on the SpamAssassin corpus (bench/out/spam).
#
# Runs are back to back, so all but the first read the file from the page
# cache; the best time is a warm-cache figure.
#
# Exit status: 0 when every run completed (targets met or not: this is a
# benchmark, the verdict is printed), 1 when tunetop is missing, `check` is not
# implemented or a run failed. Environment: TUNETOP (default build/tunetop),
# RUNS (default 3), BIG (default bench/out/big.jsonl).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

RUNS=${RUNS:-3}
BIG=${BIG:-$BENCH_OUT/big.jsonl}
mkdir -p "$BENCH_OUT"

# Is there a tunetop with a working `check`? Ask it about a two-line file.
if [ ! -x "$TUNETOP" ]; then
	echo "load: $TUNETOP does not exist yet (build it with: make $TUNETOP)." >&2
	echo "load: no figures measured." >&2
	exit 1
fi
probe=$BENCH_OUT/probe.jsonl
printf '%s\n' '{"id": "1", "text": "hello world", "label": "a"}' \
	'{"id": "2", "text": "caf\u00e9 au lait", "label": "b"}' >"$probe"
if ! "$TUNETOP" check "$probe" >"$BENCH_OUT/probe.out" 2>"$BENCH_OUT/probe.err"; then
	echo "load: '$TUNETOP check' does not work yet on a two-record JSONL file:" >&2
	sed 's/^/  | /' "$BENCH_OUT/probe.err" "$BENCH_OUT/probe.out" | head -n 20 >&2
	echo "load: no figures measured." >&2
	exit 1
fi

if [ ! -f "$BIG" ]; then
	echo "load: generating $BIG (about 200 MB, about 20 s)"
	python3 bench/make-big-jsonl.py "$BIG"
fi
size=$(stat -c %s "$BIG")
lines=$(wc -l <"$BIG")

# bench NAME FILE ARGS...: RUNS runs of `tunetop ARGS FILE`; sets BEST_SEC,
# BEST_CPU and MAX_KB; keeps the last run's output in bench/out/NAME.out / .err.
bench() {
	_name=$1 _file=$2
	shift 2
	BEST_SEC="" BEST_CPU="" MAX_KB=0
	_i=1
	while [ "$_i" -le "$RUNS" ]; do
		if ! timed "$BENCH_OUT/$_name.out" "$BENCH_OUT/$_name.err" "$TUNETOP" "$@" "$_file"; then
			echo "load: run $_i of '$TUNETOP $* $_file' failed:" >&2
			sed 's/^/  | /' "$BENCH_OUT/$_name.err" | head -n 20 >&2
			exit 1
		fi
		printf '  run %d: %6.2f s wall  %6.2f s cpu  %8d KiB\n' "$_i" "$T_SEC" "$T_CPU" "$T_KB"
		if [ -z "$BEST_SEC" ] || awk -v a="$T_SEC" -v b="$BEST_SEC" 'BEGIN { exit !(a < b) }'; then
			BEST_SEC=$T_SEC
		fi
		if [ -z "$BEST_CPU" ] || awk -v a="$T_CPU" -v b="$BEST_CPU" 'BEGIN { exit !(a < b) }'; then
			BEST_CPU=$T_CPU
		fi
		[ "$T_KB" -gt "$MAX_KB" ] && MAX_KB=$T_KB
		_i=$((_i + 1))
	done
}

# verdict SEC CPU KB: print the figures against the targets.
verdict() {
	awk -v s="$1" -v cpu="$2" -v kb="$3" -v size="$size" 'BEGIN {
		ratio = kb * 1024 / size
		printf "  best %.2f s wall (target < 4 s: %s; best cpu %.2f s), peak RSS %.1f MB = %.2fx the file (target < 2x: %s)\n",
		    s, s < 4 ? "met" : "MISSED", cpu, kb * 1024 / 1e6, ratio, ratio < 2 ? "met" : "MISSED"
	}'
}

check_idle
echo "file: $BIG, $lines records, $size bytes ($(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"

echo "$TUNETOP check $BIG  ($RUNS runs)"
bench check-big "$BIG" check
verdict "$BEST_SEC" "$BEST_CPU" "$MAX_KB"
t1=$BEST_SEC c1=$BEST_CPU k1=$MAX_KB

echo "$TUNETOP check --json $BIG  ($RUNS runs)"
bench check-big-json "$BIG" check --json
verdict "$BEST_SEC" "$BEST_CPU" "$MAX_KB"
t2=$BEST_SEC c2=$BEST_CPU k2=$MAX_KB
if ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$BENCH_OUT/check-big-json.out" 2>/dev/null; then
	echo "  warning: the output of check --json is not one valid JSON document (see $BENCH_OUT/check-big-json.out)"
fi

spam=$SPAM_DIR/spam.jsonl
if [ -f "$spam" ]; then
	echo "$TUNETOP check $spam  ($(wc -l <"$spam") records, $(stat -c %s "$spam") bytes; $RUNS runs)"
	bench check-spam "$spam" check
	printf '  best %.2f s wall (best cpu %.2f s), peak RSS %.1f MB\n' "$BEST_SEC" "$BEST_CPU" \
		"$(awk -v k="$MAX_KB" 'BEGIN { print k * 1024 / 1e6 }')"
	t3=$BEST_SEC c3=$BEST_CPU k3=$MAX_KB
else
	echo "spam corpus not converted ($spam missing): run bench/run.sh, or node bench/spam-convert.mjs"
	t3=- c3=- k3=-
fi

# One line per measurement for scripts: name, best wall s, best cpu s, peak
# KiB, file bytes.
{
	printf 'check\t%s\t%s\t%s\t%s\n' "$t1" "$c1" "$k1" "$size"
	printf 'check_json\t%s\t%s\t%s\t%s\n' "$t2" "$c2" "$k2" "$size"
	printf 'check_spam\t%s\t%s\t%s\t%s\n' "$t3" "$c3" "$k3" "$( [ -f "$spam" ] && stat -c %s "$spam" || echo -)"
} >"$BENCH_OUT/load.tsv"
echo "figures also in $BENCH_OUT/load.tsv (name, best wall s, best cpu s, peak KiB, file bytes)"
