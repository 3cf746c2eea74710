#!/bin/sh
# bench/neardup.sh - near duplicates (issue 14, section 4): how many planted
# edited copies `tunetop check --near-dups` finds, and its time and memory
# on 1,000,000 records.
#
#   1. recall   bench/neardup-plant.py plants 500 copies of records of at
#               least 20 words, each with 1 to 3 words changed, added or
#               dropped (seed 1), in the SpamAssassin corpus (bench/out/spam/
#               spam.jsonl) and in the demo (sessions/demo/tickets.jsonl);
#               bench/neardup-score.py reports the share found in one group
#               with their source (target: at least 95% at the defaults) and
#               the false groups (a member whose exact character 5-gram
#               Jaccard to every other member is under threshold - 0.1).
#               Default settings first, then other shingles for comparison
#               (word5 at 0.7 is the web-page recipe of the dedup tools).
#   2. scale    `tunetop check --near-dups` on bench/out/big.jsonl (1M
#               records, ~200 MB; generated if missing) against plain
#               `tunetop check` (the load) in the same run: wall and CPU
#               seconds, peak RSS, RSS / file size (targets: under 60 s,
#               under 3x the file).
#
# The machine is shared: wall times move with other load; CPU times less.
# Environment: TUNETOP (default build/tunetop), BIG (bench/out/big.jsonl).
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

BIG=${BIG:-$BENCH_OUT/big.jsonl}
mkdir -p "$BENCH_OUT/neardup"
W=$BENCH_OUT/neardup
[ -x "$TUNETOP" ] || die "$TUNETOP does not exist (make $TUNETOP)"

SETTINGS="
--set neardup_threshold=0.7
--set neardup_shingle=word2
--set neardup_shingle=word5 --set neardup_threshold=0.7"

recall() {    # recall NAME DATA: the defaults (the empty line) and each of SETTINGS
	_name=$1 _data=$2
	python3 bench/neardup-plant.py "$_data" "$W/$_name.jsonl" "$W/$_name.truth"
	echo "$SETTINGS" | while read -r _s; do
		_t=$(echo "$_s" | sed -n 's/.*neardup_threshold=\([0-9.]*\).*/\1/p')
		# shellcheck disable=SC2086
		timed "$W/$_name.json" "$W/$_name.err" "$TUNETOP" check --near-dups --json \
			$_s "$W/$_name.jsonl" || die "check failed on $_name: $(head -c 300 "$W/$_name.err")"
		printf '%-6s %-52s %s time=%ss\n' "$_name" "${_s:-(defaults)}" \
			"$(python3 bench/neardup-score.py --threshold "${_t:-0.5}" "$W/$_name.json" \
				"$W/$_name.truth" "$W/$_name.jsonl")" "$T_SEC"
	done
}

echo "-- recall of 500 planted copies (1-3 words changed, added or dropped)"
if (ensure_spam) >/dev/null 2>&1; then
	recall spam "$SPAM_DIR/spam.jsonl"
else
	echo "spam: corpus not available (npm); skipped" >&2
fi
recall demo sessions/demo/tickets.jsonl

echo
echo "-- 1,000,000 records"
if [ ! -f "$BIG" ]; then
	echo "generating $BIG (about 200 MB)"
	python3 bench/make-big-jsonl.py "$BIG"
fi
size=$(stat -c %s "$BIG")
timed "$W/big-check.out" "$W/big-check.err" "$TUNETOP" check "$BIG" || die "check failed"
c_sec=$T_SEC c_cpu=$T_CPU c_kb=$T_KB
timed "$W/big-near.out" "$W/big-near.err" "$TUNETOP" check --near-dups "$BIG" ||
	die "check --near-dups failed"
awk -v s="$size" -v cs="$c_sec" -v cc="$c_cpu" -v ck="$c_kb" -v ns="$T_SEC" -v nc="$T_CPU" \
	-v nk="$T_KB" 'BEGIN {
	printf "%-22s %8s %8s %10s %10s\n", "", "wall s", "cpu s", "peak MB", "RSS/file"
	printf "%-22s %8.2f %8.2f %10.0f %10.2f\n", "check (load)", cs, cc, ck / 1024, ck * 1024 / s
	printf "%-22s %8.2f %8.2f %10.0f %10.2f\n", "check --near-dups", ns, nc, nk / 1024, nk * 1024 / s
	printf "file %.0f MB; near-dups / load: %.1fx wall; targets: < 60 s %s, < 3x file %s\n",
		s / 1048576, ns / cs, ns < 60 ? "met" : "MISSED", nk * 1024 < 3 * s ? "met" : "MISSED"
}'
grep '^near-dup' "$W/big-near.out" || true
