#!/bin/sh
# stress-run.sh [RUNS] - `make test` RUNS times (default 1) with two
# busy-looping processes beside it, as on a loaded 2-core CI machine.
# The loops are stopped by pid afterwards, also on Ctrl-C. Prints one line
# per run and "N of M runs passed"; exits non-zero when any run failed.
# Each run's full output is kept in $STRESS_LOG (default build/stress).
set -u
cd "$(dirname "$0")/.."
runs=${1:-1}
logdir=${STRESS_LOG:-build/stress}
mkdir -p "$logdir"

busy1="" busy2=""
stop_busy() {
	for p in $busy1 $busy2; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	busy1="" busy2=""
}
trap 'stop_busy' EXIT
trap 'stop_busy; exit 130' INT TERM HUP

sh -c 'while :; do :; done' & busy1=$!
sh -c 'while :; do :; done' & busy2=$!
echo "stress-run: busy loops $busy1 and $busy2 beside make test"

passed=0
i=1
while [ "$i" -le "$runs" ]; do
	t0=$(date +%s)
	make test >"$logdir/run.$i" 2>&1
	rc=$?
	t1=$(date +%s)
	echo "run $i: $(tail -n 1 "$logdir/run.$i") (exit $rc, $((t1 - t0)) s, log $logdir/run.$i)"
	[ "$rc" -eq 0 ] && passed=$((passed + 1))
	i=$((i + 1))
done
stop_busy
echo "$passed of $runs runs passed"
[ "$passed" -eq "$runs" ]
