# Durability of the edit journal.
#
# 1. A scripted burst of 1,000 label edits (with a save every 250), killed
#    with SIGKILL at a random moment, 50 times over (in rounds of 10 on the
#    same data, each starting where the last was killed). After
#    each kill the data is opened again and: every edit acknowledged with
#    "ok SEQ ID" before the kill is in the journal and in the records,
#    nothing is duplicated or out of order, and the journal and the data
#    file load. The moment: once a random number (0-1,100) of edits are
#    acknowledged, so some kills land in a save and some after the end.
#    The data lives on tmpfs (/dev/shm) when there is one, else on disk:
#    for SIGKILL only write() matters; fsync is for power loss, which no
#    test here can simulate.
# 2. A full disk (a 192 KiB tmpfs when mount works, else a file size limit
#    with SIGXFSZ ignored): edits and a save fail with a clear message and
#    nothing already saved or acknowledged is lost.
#
# DURABILITY_RUNS overrides the 50 runs, DURABILITY_SEED the random seed;
# DURABILITY_FULL=ulimit tests the full disk with the size limit.
. tests/lib.sh

# The interpreter itself: a version-manager shim costs half a second a call.
PY=$(python3 -c 'import sys; print(sys.executable)')

RUNS=${DURABILITY_RUNS:-50}
SEED=${DURABILITY_SEED:-$$}
ORIG="$PWD/sessions/demo/tickets.jsonl"

# bursts DIR N: DIR/burst.0..N, 1,000 label edits each (records and labels
# vary with the run), a save after every 250.
bursts() {
	"$PY" - "$1" "$2" <<'EOF'
import sys
labels = ["billing", "account_access", "bug_report", "feature_request", "cancellation",
          "shipping", "how_to"]
for run in range(int(sys.argv[2]) + 1):
    with open("%s/burst.%d" % (sys.argv[1], run), "w") as f:
        for k in range(1000):
            f.write("label t%04d %s\n" % ((k * 7 + run * 13) % 816 + 1, labels[(k + run) % 7]))
            if k % 250 == 249:
                f.write("save\n")
EOF
}

# next_seq DIR: one above the last seq in the journal (1 without one).
next_seq() {
	"$PY" -c 'import json,sys
m=0
try:
	for l in open(sys.argv[1]):
		try: m=max(m,json.loads(l).get("seq",0))
		except ValueError: pass
except OSError: pass
print(m+1)' "$1/tickets.jsonl.journal"
}

# verify DIR RUN: check the journal and the replayed records against the
# acknowledgements in DIR/out.RUN; prints problems, exits non-zero on any.
verify() {
	if grep -q '"op":"save"' "$1/tickets.jsonl.journal" 2>/dev/null; then
		in_save=$((in_save + 1))
	fi
	if [ -n "$(tail -c 1 "$1/tickets.jsonl.journal" 2>/dev/null)" ]; then
		torn=$((torn + 1))
	fi
	"$TUNETOP" --headless "$1/tickets.jsonl" -e "save $1/state.jsonl" >"$1/verify.out" 2>"$1/verify.err"
	vrc=$?
	"$PY" - "$1" "$2" "$vrc" "$ORIG" <<'EOF'
import json, sys
d, run, vrc, orig = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
problems = []
if vrc != 0:
    problems.append("the data does not load: " + open(d + "/verify.err").read().strip())
    print("\n".join(problems)); sys.exit(1)
script = [l.split() for l in open("%s/burst.%d" % (d, run)) if l.startswith("label ")]
acks = [l.split() for l in open("%s/out.%d" % (d, run)) if l.startswith("ok ")]
events = []
for n, l in enumerate(open(d + "/tickets.jsonl.journal"), 1):
    try:
        e = json.loads(l)
    except ValueError as x:
        problems.append("journal line %d is corrupt: %s" % (n, x)); continue
    if "seq" in e:
        events.append(e)
seqs = [e["seq"] for e in events]
if seqs != sorted(set(seqs)):
    problems.append("journal seqs repeat or go back")
by_seq = {e["seq"]: e for e in events}
# The k-th acknowledgement is the k-th label line of the burst.
for k, (_, seq, rid) in enumerate(acks):
    e = by_seq.get(int(seq))
    want = script[k]
    if e is None:
        problems.append("acknowledged edit %s %s is not in the journal" % (seq, rid))
    elif e.get("id") != rid or rid != want[1] or e.get("after") != [want[2]]:
        problems.append("acknowledged edit %s %s is %s, want %s" % (seq, rid, e, want))
# This run's events are a prefix of the burst: nothing twice, nothing out of order.
start = int(open("%s/start.%d" % (d, run)).read())
mine = [e for e in events if e["seq"] >= start and e.get("op") == "label"]
if len(mine) > len(script):
    problems.append("%d edits in the journal for %d in the burst" % (len(mine), len(script)))
for k, e in enumerate(mine[:len(script)]):
    if [e.get("id")] + e.get("after", []) != script[k][1:]:
        problems.append("journal edit %d of the run is %s, want %s" % (k, e, script[k])); break
if len(mine) < len(acks):
    problems.append("%d acknowledged, %d in the journal" % (len(acks), len(mine)))
# The records: the last edit of each wins.
last = {}
for e in events:
    if e.get("op") == "label":
        last[e["id"]] = e["after"]
for l in open(orig):
    r = json.loads(l)
    last.setdefault(r["id"], [r["label"]] if r.get("label") else [])
state = {}
for l in open(d + "/state.jsonl"):
    r = json.loads(l)
    state[r["id"]] = [r["label"]] if r.get("label") else []
bad = [i for i in last if state.get(i) != last[i]]
if bad:
    problems.append("%d records differ from the journal, e.g. %s: %s vs %s" %
                    (len(bad), bad[0], state.get(bad[0]), last[bad[0]]))
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
}

# Clean up on any exit, signals too: a tmpfs may be mounted below $T.
F="$T/full"
W=""
cleanup() {
	umount "$F" 2>/dev/null
	case "$W" in /dev/shm/*) rm -rf "$W" ;; esac
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

# A copy of the binary: a rebuild during the test must not pull it away.
cp "$TUNETOP" "$T/tunetop"
TUNETOP="$T/tunetop"
# tmpfs when there is one (for SIGKILL only write() matters), else disk.
where="disk"
W="$T/disk"
if [ -d /dev/shm ] && [ -w /dev/shm ] && W=$(mktemp -d /dev/shm/tunetop-dur.XXXXXX 2>/dev/null); then
	where="tmpfs"
else
	W="$T/disk"
fi
mkdir -p "$W"
bursts "$W" "$RUNS"
# One whole burst, to know how long one takes.
cp "$ORIG" "$W/tickets.jsonl"
t0=$(date +%s%N)
"$TUNETOP" --headless "$W/tickets.jsonl" --script "$W/burst.0" >/dev/null 2>&1
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# a burst of 1,000 edits takes ${ms} ms on $where; seed $SEED"
rm -f "$W/tickets.jsonl.journal"
cp "$ORIG" "$W/tickets.jsonl"

# acked_in FILE: how many edits FILE acknowledges (0 when it cannot be read).
acked_in() {
	_c=$(grep -c '^ok' "$1" 2>/dev/null)
	case $_c in
	''|*[!0-9]*) echo 0 ;;
	*) echo "$_c" ;;
	esac
}

# acked_or_ended PID FILE N: FILE acknowledges N edits, or PID has ended.
acked_or_ended() { ! kill -0 "$1" 2>/dev/null || [ "$(acked_in "$2")" -ge "$3" ]; }

failed_runs=0
in_save=0
torn=0
run_i=1
while [ $run_i -le "$RUNS" ]; do
	# Rounds of 10 runs on one copy, so replays stay short.
	if [ $((run_i % 10)) -eq 1 ]; then
		rm -f "$W/tickets.jsonl.journal"
		cp "$ORIG" "$W/tickets.jsonl"
	fi
	next_seq "$W" > "$W/start.$run_i"
	# A random moment: once a random number of edits (0-1,100) are acknowledged.
	want=$(awk -v s="$SEED" -v r="$run_i" 'BEGIN { srand(s * 1000 + r); printf "%d", rand() * 1100 }')
	# The output file exists before the child starts: the child opens it
	# only once it runs, and a count of a missing file would end the wait.
	: > "$W/out.$run_i"
	"$TUNETOP" --headless "$W/tickets.jsonl" --script "$W/burst.$run_i" >>"$W/out.$run_i" 2>"$W/err.$run_i" &
	pid=$!
	WAIT_POLL_MS=2 wait_until 120 acked_or_ended $pid "$W/out.$run_i" "$want"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	verify "$W" $run_i >"$W/problems" 2>&1
	if [ $? -ne 0 ]; then
		failed_runs=$((failed_runs + 1))
		echo "# run $run_i (killed after $(grep -c '^ok' "$W/out.$run_i") acknowledged):"
		sed 's/^/#   /' "$W/problems" | head -5
	fi
	run_i=$((run_i + 1))
done
acked=$(cat "$W"/out.* | grep -c '^ok')
echo "# kills that left a save marker (in or after a save): $in_save; a torn last line: $torn"
if [ $failed_runs -eq 0 ]; then
	ok "$RUNS SIGKILLs in a 1,000-edit burst: every acknowledged edit kept ($acked), none twice, files load"
else
	not_ok "$RUNS SIGKILLs in a 1,000-edit burst" "$failed_runs runs lost or broke something (seed $SEED)"
fi
# The journal kept the whole history through the saves.
run "$TUNETOP" --headless "$W/tickets.jsonl" -e "journal 1"
expect_rc "after the kills the journal reads" 0

# ---- a full disk ----

mkdir -p "$F"
how=""
if [ "${DURABILITY_FULL:-}" != ulimit ] && [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=192k tmpfs "$F" 2>/dev/null; then
	how="tmpfs"
else
	how="ulimit"
fi
echo "# full disk by $how"
cp "$ORIG" "$F/tickets.jsonl"
cp "$ORIG" "$T/saved.jsonl"
i=1; : > "$T/fill.tt"
while [ $i -le 800 ]; do
	printf 'label t%04d %s\n' $i "$(if [ $((i % 2)) = 0 ]; then echo billing; else echo how_to; fi)" >> "$T/fill.tt"
	i=$((i + 1))
done
# limited CMD...: run with the size limit when there is no tmpfs.
limited() {
	if [ "$how" = ulimit ]; then
		( trap '' XFSZ; ulimit -f 100; "$@" )
	else
		"$@"
	fi
}
limited "$TUNETOP" --headless "$F/tickets.jsonl" --script "$T/fill.tt" >"$T/out" 2>"$T/err"
rc=$?
expect_rc "edits on a full disk fail" 1
if grep -qE "cannot write the journal: (No space left on device|File too large)" "$T/err"; then
	ok "full disk: a clear message"; else not_ok "full disk: a clear message" "$(cat "$T/err")"; fi
expect_err "full disk: the edit was not made" "label: nothing was changed"
nacked=$(grep -c '^ok' "$T/out")
if [ "$nacked" -gt 10 ] && [ "$nacked" -lt 800 ]; then ok "full disk: $nacked edits acknowledged before it filled"; else
	not_ok "full disk: some edits acknowledged before it filled" "$nacked"; fi
limited "$TUNETOP" --headless "$F/tickets.jsonl" -e "save" >"$T/out2" 2>"$T/err2"
if [ $? -eq 1 ] && grep -qE "(No space left on device|File too large)" "$T/err2"; then
	ok "full disk: save fails with a clear message"; else not_ok "full disk: save fails with a clear message" "$(cat "$T/err2")"; fi
expect_same "full disk: the saved data file is unchanged" "$F/tickets.jsonl" "$T/saved.jsonl"
if ls "$F" | grep -q '\.tmp\.'; then not_ok "full disk: no temporary file left" "$(ls "$F")"; else
	ok "full disk: no temporary file left"; fi
# Every acknowledged edit is still there (read the data where there is room).
"$TUNETOP" --headless "$F/tickets.jsonl" -e "save $T/after.jsonl" >/dev/null 2>"$T/err3"
if "$PY" - "$T/out" "$T/fill.tt" "$T/after.jsonl" <<'EOF'
import json, sys
acks = [l.split() for l in open(sys.argv[1]) if l.startswith("ok ")]
script = [l.split() for l in open(sys.argv[2])]
state = {json.loads(l)["id"]: json.loads(l).get("label") for l in open(sys.argv[3])}
bad = [a for k, a in enumerate(acks) if state.get(a[2]) != script[k][2]]
sys.exit(1 if bad or not acks else 0)
EOF
then ok "full disk: every acknowledged edit kept"; else
	not_ok "full disk: every acknowledged edit kept" "$(cat "$T/err3")"; fi
