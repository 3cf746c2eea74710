#!/bin/sh
# deps.sh PROFILE - make sure the Debian packages tunetop needs are present.
#
# Quick when everything is there (one dpkg-query call). When something is
# missing and apt-get is usable (root, or sudo without a password), installs
# it; otherwise prints the exact command to run and fails.
#   build  compiler, libraries, test tools (make run / make test; the shell
#          tests read JSON with python3; tests/cli/bpe.sh runs GPT-2's encoder.py
#          with python3-regex)
#   fuzz   clang and its libFuzzer runtime
#   bench  the peers: fastText, PyTorch, Node.js/npm for the corpora; fortunes
#          and lz4 for the many-class sets (bench/make-many-class.py); English
#          prose for the demo's pre-trained model (bench/pretrain-corpus.sh)
set -eu

build="gcc make libc6-dev pkg-config libncurses-dev libreadline-dev libopenblas-dev
libyaml-dev libjansson-dev libutf8proc-dev libxxhash-dev libcmocka-dev tmux locales procps
python3 python3-regex"
fuzz="clang libclang-rt-14-dev"
bench="fasttext python3 python3-torch nodejs time fortunes lz4
python3.11-doc debian-reference-en doc-debian"

case "${1:-build}" in
build) want=$build ;;
fuzz) want=$fuzz ;;
bench) want=$bench ;;
*) echo "deps.sh: unknown profile '$1' (expected build, fuzz or bench)" >&2; exit 2 ;;
esac

missing=""
# npm comes with Debian's npm package or inside NodeSource's nodejs.
if [ "${1:-build}" = bench ] && ! command -v npm >/dev/null 2>&1; then
	want="$want npm"
fi
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "tunetop: missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "tunetop: run this, then try again:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q $missing; then
	$sudo apt-get update -q
	$sudo apt-get install -y -q $missing
fi
# A UTF-8 locale for the terminal UI and its tests.
if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
	echo "tunetop: note: no C.UTF-8 locale found" >&2
fi
