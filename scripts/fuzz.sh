#!/bin/sh
# fuzz.sh [SECONDS] - build every tests/fuzz/fuzz-*.c with clang's libFuzzer
# (plus ASan and UBSan) and run each for SECONDS (default 30), seeded with
# the fixtures in tests/data. Any crash fails the run; the input that
# crashed is left as build-fuzz/crash-*: copy it into tests/data/<format>/ under a
# fuzz-* name (crash-* is git-ignored) and replay it in the unit tests.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-30}
[ -n "$secs" ] || secs=30
out=build-fuzz
mkdir -p "$out"
pkgs="yaml-0.1 jansson libutf8proc libxxhash ncursesw readline openblas"
srcs=$(ls src/*/*.c | grep -v '/main\.c$')
status=0
for t in tests/fuzz/fuzz-*.c; do
	name=$(basename "$t" .c)
	echo "== $name: building"
	# shellcheck disable=SC2086
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Iinclude $(pkg-config --cflags $pkgs) \
		"$t" $srcs $(pkg-config --libs $pkgs) -lm -pthread -o "$out/$name"
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	case "$name" in
	fuzz-jsonl | fuzz-jsonl-scan) seeds="tests/data/*.jsonl tests/data/jsonl sessions/demo/tickets.jsonl" ;;
	fuzz-csv) seeds="tests/data/*.csv tests/data/csv" ;;
	fuzz-fasttext) seeds="tests/data/fasttext" ;;
	fuzz-yaml) seeds="tests/data/cfg sessions/demo.yaml" ;;
	fuzz-safetensors) seeds="tests/data/safetensors" ;;
	fuzz-bpe) seeds="tests/data/bpe" ;;
	*) seeds="" ;;
	esac
	for s in $seeds; do
		[ -e "$s" ] && cp -r "$s" "$corpus/" 2>/dev/null || true
	done
	echo "== $name: fuzzing for ${secs}s"
	if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 "./$name" -max_total_time="$secs" \
		-max_len=65536 -print_final_stats=0 "corpus-$name" >"$name.log" 2>&1); then
		echo "== $name: FAILED (see $out/$name.log)"
		tail -40 "$out/$name.log"
		status=1
	else
		echo "== $name: ok ($(grep -o 'Done [0-9]* runs' "$out/$name.log" | tail -1))"
	fi
done
exit $status
