#!/bin/sh
# run.sh [unit|cli|tui] - run the tests and count them.
#
# Every test prints TAP lines ("ok - name" / "not ok - name"): cmocka unit
# binaries through CMOCKA_MESSAGE_OUTPUT=TAP, shell tests through
# tests/lib.sh. This script sums them and ends with the one line
# "N passed, N failed"; it exits non-zero when any test failed or a test
# program died without reporting. Each file's line gives its time, so slow
# tests are visible.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export TUNETOP="$PWD/$BUILD/tunetop"
export CMOCKA_MESSAGE_OUTPUT=TAP
export LC_ALL=C.UTF-8
what=${1:-all}
log=$(mktemp -d "${TMPDIR:-/tmp}/tunetop-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT
pass=0
fail=0

# run_one NAME CMD... : run, echo failures, count TAP lines.
run_one() {
	name=$1; shift
	out="$log/out"
	t0=$(date +%s%N)
	"$@" >"$out" 2>&1
	rc=$?
	t1=$(date +%s%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }')
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # died or failed without a TAP failure line: count it
		echo "not ok - $name exited with status $rc"
	fi
	if [ "$f" -gt 0 ]; then
		echo "== $name: $f failed ($secs)"
		grep -v '^ok ' "$out" | head -60
	else
		echo "== $name: $p passed ($secs)"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	run_one "layers" scripts/layers.sh
	for t in "$BUILD"/tests/test-*; do
		[ -x "$t" ] || continue
		run_one "unit/$(basename "$t")" "$t"
	done
fi
if [ "$what" = all ] || [ "$what" = cli ]; then
	for t in tests/cli/*.sh; do
		[ -f "$t" ] || continue
		run_one "cli/$(basename "$t" .sh)" sh "$t"
	done
fi
if [ "$what" = all ] || [ "$what" = tui ]; then
	for t in tests/tui/*.sh; do
		[ -f "$t" ] || continue
		run_one "tui/$(basename "$t" .sh)" sh "$t"
	done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
