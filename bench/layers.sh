#!/bin/sh
# bench/layers.sh - what the layers view's statistics cost (issue 13): the
# small GPT (PRUNE_LM, the pre-trained small LM of bench/pretrain-helps.sh:
# dim 256, 4 layers, vocab 8192) fine-tuned on the demo for STEPS steps with
# a point logged at every step (log_every 1, the worst case), layer_stats
# on and off, interleaved, REPS times each. The statistics run between
# steps, not inside them, so step_ms_median cannot see them: the trainer
# times each measurement (train --json: layer_stats_ms), and the CPU time
# (user + system, threads=1) of the whole runs is compared too.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh

LM=${PRUNE_LM:-$BENCH_OUT/small/pretrain-helps/lm/model.safetensors}
STEPS=${STEPS:-60}
REPS=${REPS:-3}
OUT=$BENCH_OUT/layers
[ -f "$LM" ] || die "no pre-trained model at $LM (set PRUNE_LM)"
mkdir -p "$OUT"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for r in $(seq 1 "$REPS"); do
	for on in true false; do
		timed "$OUT/$on.$r.json" "$OUT/$on.$r.err" nice -n 10 "$TUNETOP" train \
			--data sessions/demo/tickets.jsonl --model gpt --init "$LM" --valid none \
			--set threads=1 --set max_steps="$STEPS" --set log_every=1 --set eval_every=0 \
			--set layer_stats=$on --json || die "train failed: $(tail -c 400 "$OUT/$on.$r.err")"
		set -- $(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read().strip().splitlines()[-1]); print(d["step_ms_median"], d.get("layer_stats_ms", 0))' "$OUT/$on.$r.json")
		printf 'layer_stats=%-5s run %d: %.1f s CPU, step_ms_median %.1f, one measurement %.2f ms\n' "$on" "$r" "$T_CPU" "$1" "$2"
		echo "$on $T_CPU $1 $2" >>"$OUT/runs.$$"
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v steps="$STEPS" '
	{ cpu[$1] += $2; ms[$1] += $3; lm[$1] += $4; n[$1]++ }
	END {
		on = cpu["true"] / n["true"]; off = cpu["false"] / n["false"]
		d = 1000 * (on - off) / steps; m = ms["false"] / n["false"]
		printf "CPU per run: on %.2f s, off %.2f s: %+.1f ms CPU per logged point, %.1f%% of a step (median %.0f ms without)\n",
			on, off, d, 100 * d / m, m
		l = lm["true"] / n["true"]
		printf "one measurement as the trainer times it: %.2f ms, %.1f%% of a step\n", l, 100 * l / m
	}' "$OUT/runs.$$"
rm -f "$OUT/runs.$$"
