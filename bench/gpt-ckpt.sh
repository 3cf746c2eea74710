#!/bin/sh
# bench/gpt-ckpt.sh - gradient checkpointing on the GPT-2 model (gpt.h,
# gpt_set_checkpointing): a training step (zero grad, forward, backward,
# AdamW; dropout 0.1) of the small preset (vocab 8192, dim 256, 4 layers,
# 4 heads) at batch 8, context 512, with and without checkpointing, 2
# threads. Target (issue 13): activation memory down at least 40% for at
# most 35% more time per step.
#
# tunetop (bench/gpt-ckpt.c) reports its activation memory exactly
# (gpt_act_bytes: the activations arena, which checkpointing shrinks) and,
# from one short run per mode, its peak RSS. Its time is measured paired:
# one process holds both models and steps them in turn (--checkpoint 2), so
# both see the same load; the ratio is the median over steps of on / off of
# neighbouring steps (run-level alternation was noise-dominated at load 9).
# The peer, Debian's python3-torch 1.13 with torch.utils.checkpoint per
# block (bench/gpt-ckpt.py), runs off and on in turn after it, reporting
# its peak RSS. ROUNDS rounds (default 3), STEPS timed steps per run
# (default 5, after 2 warm-up steps); the script prints the medians over
# rounds and the ratios. Writes bench/out/gpt-ckpt.tsv. SKIP_TORCH=1 runs
# tunetop alone.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
CKPT=$BUILD/bench/gpt-ckpt
ROUNDS=${ROUNDS:-3}
STEPS=${STEPS:-5}
SKIP_TORCH=${SKIP_TORCH:-0}
[ -x "$CKPT" ] || die "$CKPT not built (make $CKPT)"
if [ "$SKIP_TORCH" != 1 ]; then
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
		die "Debian's python3-torch is missing (scripts/deps.sh bench; SKIP_TORCH=1 to skip it)"
fi
mkdir -p "$BENCH_OUT"
tsv=$BENCH_OUT/gpt-ckpt.tsv
args="--vocab 8192 --dim 256 --layers 4 --heads 4 --batch 8 --context 512 --steps $STEPS --warmup 2 --threads 2 --dropout-pct 10"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'round\ttool\tcheckpoint\tms_step\tms_best\tact_mb\trss_mb\tpair_ratio\n' >"$tsv"
# tunetop's memory: one step per mode, alone in its process
for c in 0 1; do
	line=$(OPENBLAS_NUM_THREADS=2 nice -n 10 "$CKPT" $args --checkpoint $c --steps 1 --warmup 0)
	echo "memory  tunetop: $line"
	echo "$line" | awk '{ printf "0\ttunetop-mem\t%s\t-\t-\t%s\t%s\t-\n", $2, $4, $10 }' >>"$tsv"
done
r=1
while [ "$r" -le "$ROUNDS" ]; do
	out=$(OPENBLAS_NUM_THREADS=2 nice -n 10 "$CKPT" $args --checkpoint 2)
	echo "$out" | sed "s/^/round $r tunetop: /"
	pr=$(echo "$out" | awk '$1 == "pair_ratio" { print $2 }')
	echo "$out" | awk -v r="$r" -v pr="$pr" '$1 == "checkpoint" { printf "%s\ttunetop\t%s\t%s\t%s\t%s\t-\t%s\n", r, $2, $6, $8, $4, pr }' >>"$tsv"
	if [ "$SKIP_TORCH" != 1 ]; then
		for c in 0 1; do
			line=$(OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE nice -n 10 /usr/bin/python3 bench/gpt-ckpt.py $args --checkpoint $c)
			echo "round $r torch:   $line"
			echo "$line" | awk -v r="$r" '{ printf "%s\ttorch\t%s\t%s\t%s\t-\t%s\t-\n", r, $2, $4, $6, $8 }' >>"$tsv"
		done
	fi
	r=$((r + 1))
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# medians over rounds, then the ratios
awk -F'\t' 'function med(a, m,   i, j, t) {
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((m + 1) / 2)]
}
NR == 1 { next }
$2 == "tunetop-mem" { act[$3] = $6; rss[$3] = $7; next }
{
	k = $2 SUBSEP $3; n[k]++; ms[k, n[k]] = $4
	if (n[k] == 1 || $5 + 0 < best[k] + 0) best[k] = $5
	if ($2 == "torch") trss[$3] = $7
	if ($2 == "tunetop" && $3 == 0) { np++; pr[np] = $8 }
}
END {
	printf "\n%-8s %-10s %10s %10s %10s %12s\n", "tool", "checkpoint", "ms/step", "best ms", "act MB", "peak RSS MB"
	for (tool = 0; tool < 2; tool++) {
		name = tool ? "torch" : "tunetop"
		if (!((name SUBSEP 0) in n)) continue
		for (c = 0; c < 2; c++) {
			k = name SUBSEP c; m = n[k]; delete a
			for (i = 1; i <= m; i++) a[i] = ms[k, i]
			md[name, c] = med(a, m)
			printf "%-8s %-10s %10.1f %10.1f %10s %12s\n", name, c ? "on" : "off", md[name, c], best[k], tool ? "-" : act[c], tool ? trss[c] : rss[c]
		}
	}
	delete a; for (i = 1; i <= np; i++) a[i] = pr[i]
	dt = med(a, np); dm = 1 - act[1] / act[0]
	printf "\ntunetop: activation memory %.1f -> %.1f MB (-%.0f%%, target >= 40%%), peak RSS %s -> %s MB, time per step %.2fx paired (median of rounds; target <= 1.35x): %s\n", \
		act[0], act[1], 100 * dm, rss[0], rss[1], dt, (dm >= 0.40 && dt <= 1.35) ? "met" : "MISSED"
	if (("torch" SUBSEP 0) in n)
		printf "torch:   peak RSS %s -> %s MB, time per step %.2fx; tunetop / torch per step: %.2fx plain, %.2fx checkpointed\n", \
			trss[0], trss[1], md["torch", 1] / md["torch", 0], md["tunetop", 0] / md["torch", 0], md["tunetop", 1] / md["torch", 1]
}' "$tsv"
