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

# wait_until SECONDS CMD...: CMD again every WAIT_POLL_MS (default 50) ms
# until it succeeds (0), or 1 once SECONDS have passed. The tests' one
# polling loop: they wait for an observable state (a line on screen, a
# file, a status), never for a time.
wait_until() {
	_wu_ms=${WAIT_POLL_MS:-50}
	_wu_n=$(( $1 * 1000 / _wu_ms ))
	_wu_s=$(printf '%d.%03d' $((_wu_ms / 1000)) $((_wu_ms % 1000)))
	shift
	while [ "$_wu_n" -gt 0 ]; do
		"$@" && return 0
		sleep "$_wu_s"
		_wu_n=$((_wu_n - 1))
	done
	return 1
}
# not CMD...: succeeds when CMD fails (for wait_until).
not() { ! "$@"; }
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
