#!/bin/sh
# bench/gpt-generate.sh - tokens per second of GPT-2 generation with a
# key/value cache, tunetop (bench/gpt-gen.c over gpt-generate.h) against
# Debian's python3-torch 1.13 with a past_key_values-style cache
# (bench/gpt-generate.py), both with 2 threads (tunetop: OpenBLAS's threads;
# torch: torch.set_num_threads(2), OMP_NUM_THREADS=2,
# OMP_WAIT_POLICY=PASSIVE), random weights, greedy, batch 1, in one
# invocation, on
#   small  the gpt-small preset: vocab 8192, dim 256, 4 layers, 4 heads
#   124m   the gpt2-124m preset: vocab 50257, dim 768, 12 layers, 12 heads
# A prompt of PROMPT random tokens (16), then TOKENS new ones (128 small, 64
# 124m); each tool runs ROUNDS times (3) per configuration, alternating so
# that changing load hits both alike; a run reports the median of 3
# generations. Printed: per tool the median over rounds of tokens/s (new
# tokens over the decoding time, the prompt's forward excluded), the best,
# the prompt's forward in ms and peak RSS, and the ratio tunetop / torch of
# tokens/s (above 1: tunetop is faster). Writes bench/out/gpt-generate.tsv.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
BUILD=${BUILD:-build}
GEN=$BUILD/bench/gpt-gen
ROUNDS=${ROUNDS:-3}
PROMPT=${PROMPT:-16}
CONFIGS=${CONFIGS:-small 124m}
[ -x "$GEN" ] || die "$GEN not built (make $GEN)"
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null ||
	die "Debian's python3-torch is missing (scripts/deps.sh bench)"
mkdir -p "$BENCH_OUT"
tsv=$BENCH_OUT/gpt-generate.tsv
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
printf 'config\ttool\ttok_s\ttok_s_best\tprefill_ms\trss_mb\n' >"$tsv"

field() {
	echo "$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# run_config NAME PRESET TOKENS TORCH_ARGS...
run_config() {
	name=$1 preset=$2 tokens=$3
	shift 3
	: >"$BENCH_OUT/gpt-gen.tt"
	: >"$BENCH_OUT/gpt-gen.pt"
	r=0
	while [ "$r" -lt "$ROUNDS" ]; do
		OPENBLAS_NUM_THREADS=2 "$GEN" --preset "$preset" --prompt "$PROMPT" \
			--tokens "$tokens" --rounds 3 --threads 2 >>"$BENCH_OUT/gpt-gen.tt"
		OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/gpt-generate.py \
			"$@" --prompt "$PROMPT" --tokens "$tokens" --rounds 3 --threads 2 \
			>>"$BENCH_OUT/gpt-gen.pt"
		r=$((r + 1))
	done
	for tool in tunetop torch; do
		f=$BENCH_OUT/gpt-gen.tt
		[ "$tool" = torch ] && f=$BENCH_OUT/gpt-gen.pt
		tps=$(awk '{ print $2 }' "$f" | median)
		best=$(awk '{ print $4 }' "$f" | sort -n | tail -1)
		pre=$(awk '{ print $6 }' "$f" | median)
		rss=$(awk '{ print $8 }' "$f" | sort -n | tail -1)
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$tool" "$tps" "$best" "$pre" "$rss" >>"$tsv"
		printf '  %-6s %-8s %9.1f tokens/s (best %9.1f)  prompt %3d tokens %8.2f ms  peak RSS %7.1f MB\n' \
			"$name" "$tool" "$tps" "$best" "$PROMPT" "$pre" "$rss"
	done
	awk -F'\t' -v n="$name" '$1 == n && $2 == "tunetop" { a = $3 } $1 == n && $2 == "torch" { b = $3 }
		END { printf "  %-6s tunetop / torch tokens/s: %.2fx\n", n, a / b }' "$tsv"
}

for c in $CONFIGS; do
	case $c in
	small) run_config small gpt-small 128 --vocab 8192 --ctx 256 --dim 256 --layers 4 --heads 4 ;;
	124m) run_config 124m gpt2-124m 64 --vocab 50257 --ctx 1024 --dim 768 --layers 12 --heads 12 ;;
	*) die "unknown config $c (small, 124m)" ;;
	esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
