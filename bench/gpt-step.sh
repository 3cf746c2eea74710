#!/bin/sh
# bench/gpt-step.sh - one GPT-2 training step (zero grad, forward, backward,
# AdamW), tunetop against Debian's python3-torch 1.13, both with 2 threads
# (tunetop: OpenBLAS's threads; torch: torch.set_num_threads(2),
# OMP_NUM_THREADS=2, OMP_WAIT_POLICY=PASSIVE), in one invocation, on
#   small  vocab 8192, dim 256, 4 layers, 4 heads, batch 8, context 64
#   124m   GPT-2 124M's shape (vocab 50257, dim 768, 12 layers, 12 heads),
#          batch 4, context 64
# Each configuration runs ROUNDS times (default 3), alternating tunetop and
# torch so that changing load hits both alike; each run reports the median
# and the fastest ms per step after warm-up steps (bench/gpt-step.c,
# bench/gpt-step.py) and its peak RSS. The script prints, per tool, the
# median over rounds of the runs' medians and the fastest step of all
# rounds (on a loaded machine the fastest step is the one least disturbed),
# the ratios tunetop / torch of both (target <= 0.8) and the model FLOP
# utilization (from the median)
#   MFU = (6 x params x tokens + 12 x layers x context x dim x tokens)
#         / (ms / 1000) / peak
# where tokens = batch x context per step and peak is the best rate of a
# 1024 x 1024 x 1024 sgemm with 2 OpenBLAS threads measured at the start
# of this run. Dropout is 0.1 in both (DROPOUT_PCT=0 to turn it off).
# CONFIGS="small" runs one of them; SMALL_STEPS and BIG_STEPS set the timed
# steps per run (20 and 5). Writes bench/out/gpt-step.tsv.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
STEP=$BUILD/bench/gpt-step
ROUNDS=${ROUNDS:-3}
DROPOUT_PCT=${DROPOUT_PCT:-10}
CONFIGS=${CONFIGS:-small 124m}
[ -x "$STEP" ] || die "$STEP not built (make $STEP)"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
	die "Debian's python3-torch is missing (scripts/deps.sh bench)"
mkdir -p "$BENCH_OUT"
tsv=$BENCH_OUT/gpt-step.tsv

peak=$(OPENBLAS_NUM_THREADS=2 "$STEP" --peak --threads 2 | awk '{ print $2 }')
echo "sgemm 1024^3 peak with 2 threads: $peak GFLOP/s (load average $(cut -d' ' -f1 /proc/loadavg))"
printf 'config\ttool\tms_step\tms_best\trss_mb\tparams\ttokens\tmfu\n' >"$tsv"

# field NAME LINE: the value after NAME in a "name value ..." line.
field() {
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_config NAME STEPS WARMUP ARGS...
run_config() {
	name=$1 steps=$2 warmup=$3
	shift 3
	: >"$BENCH_OUT/gpt-step.tt" >"$BENCH_OUT/gpt-step.pt"
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		OPENBLAS_NUM_THREADS=2 "$STEP" "$@" --steps "$steps" --warmup "$warmup" \
			--threads 2 --dropout-pct "$DROPOUT_PCT" >>"$BENCH_OUT/gpt-step.tt"
		OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/gpt-step.py "$@" \
			--steps "$steps" --warmup "$warmup" --threads 2 \
			--dropout-pct "$DROPOUT_PCT" >>"$BENCH_OUT/gpt-step.pt"
		r=$((r + 1))
	done
	for tool in tt pt; do
		f=$BENCH_OUT/gpt-step.$tool
		last=$(tail -n 1 "$f")
		ms=$(awk '{ for (i = 1; i < NF; i++) if ($i == "ms") print $(i + 1) }' "$f" | median)
		best=$(awk '{ for (i = 1; i < NF; i++) if ($i == "ms_min") print $(i + 1) }' "$f" | sort -n | head -n 1)
		rss=$(awk '{ for (i = 1; i < NF; i++) if ($i == "rss_mb") print $(i + 1) }' "$f" | sort -n | tail -n 1)
		params=$(field params "$last")
		tokens=$(field tokens "$last")
		mfu=$(awk -v p="$params" -v n="$tokens" -v ms="$ms" -v pk="$peak" -v a="$*" 'BEGIN {
			split(a, w, " ")
			for (i = 1; i < length(w); i++) arg[w[i]] = w[i + 1]
			fl = 6 * p * n + 12 * arg["--layers"] * arg["--context"] * arg["--dim"] * n
			printf "%.1f", 100 * fl / (ms / 1000) / (pk * 1e9) }')
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$ms" "$best" "$rss" "$params" "$tokens" "$mfu" >>"$tsv"
		eval "${tool}_ms=\$ms ${tool}_best=\$best ${tool}_rss=\$rss ${tool}_mfu=\$mfu ${tool}_params=\$params"
	done
	ratio=$(awk -v a="$tt_ms" -v b="$pt_ms" 'BEGIN { printf "%.2f", a / b }')
	bratio=$(awk -v a="$tt_best" -v b="$pt_best" 'BEGIN { printf "%.2f", a / b }')
	mem=$(awk -v a="$tt_rss" -v b="$pt_rss" 'BEGIN { printf "%.2f", a / b }')
	printf '%s (%s params, load average %s)\n' "$name" "$tt_params" "$(cut -d' ' -f1 /proc/loadavg)"
	printf '  tunetop %8.1f ms/step (best %8.1f) %6s MB  MFU %5s%%\n' "$tt_ms" "$tt_best" "$tt_rss" "$tt_mfu"
	printf '  torch   %8.1f ms/step (best %8.1f) %6s MB  MFU %5s%%\n' "$pt_ms" "$pt_best" "$pt_rss" "$pt_mfu"
	printf '  ratio tunetop/torch: time %sx (best %sx; target <= 0.8), peak RSS %sx\n' "$ratio" "$bratio" "$mem"
	[ "$tt_params" = "$pt_params" ] || echo "  note: parameter counts differ ($tt_params vs $pt_params)"
}

for c in $CONFIGS; do
	case $c in
	small) run_config small "${SMALL_STEPS:-20}" 3 --vocab 8192 --dim 256 --layers 4 --heads 4 \
		--batch 8 --context 64 ;;
	124m) run_config 124m "${BIG_STEPS:-5}" 2 --vocab 50257 --dim 768 --layers 12 --heads 12 \
		--batch 4 --context 64 ;;
	*) die "unknown configuration '$c' in CONFIGS (small, 124m)" ;;
	esac
done
echo "gpt-step: figures in $tsv (machine shared: load average $(cut -d' ' -f1 /proc/loadavg))"
