# lib.sh - helpers for shell tests (sourced). Each check prints one TAP line.
#   TUNETOP   the binary under test (set by tests/run.sh)
#   T         a scratch directory, removed at exit
#   DATA      tests/data
: "${TUNETOP:=$PWD/build/tunetop}"
DATA="$PWD/tests/data"
T=$(mktemp -d "${TMPDIR:-/tmp}/tunetop-t.XXXXXX")
trap 'rm -rf "$T"' EXIT
_failed=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; _failed=1; }

# run CMD...: runs, keeping stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect_rc NAME WANT: the last run's status.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"; else
		not_ok "$1" "status $rc, want $2" "stderr: $(head -c 400 "$T/err")"; fi
}
# expect_err NAME TEXT: stderr of the last run contains TEXT (fixed string).
expect_err() {
	if grep -qF -- "$2" "$T/err"; then ok "$1"; else
		not_ok "$1" "stderr lacks: $2" "stderr: $(head -c 400 "$T/err")"; fi
}
# expect_out NAME TEXT: stdout of the last run contains TEXT (fixed string).
expect_out() {
	if grep -qF -- "$2" "$T/out"; then ok "$1"; else
		not_ok "$1" "stdout lacks: $2" "stdout: $(head -c 400 "$T/out")"; fi
}
# expect_same NAME FILE1 FILE2: byte-identical files.
expect_same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		not_ok "$1" "$2 and $3 differ" "$(cmp "$2" "$3" 2>&1)"; fi
}
