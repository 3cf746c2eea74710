#!/bin/sh
# layers.sh - a lower layer never includes a higher layer's header.
#
# The layers, lowest first, are the folders of src/:
#
#   base  data  model  train  cmd  ui  cli
#
# A header include/tunetop/NAME.h belongs to the layer of its module
# src/LAYER/NAME.c; the few headers without a same-named source file are
# listed below. Every #include "..." of every file in src/ and
# include/tunetop/ is checked, and so is the rule that nothing outside ui/
# and cli/ names curses or readline.
#
# Prints one TAP line per file checked ("ok - layers: src/base/util.c") and
# a "not ok" line naming each bad include; exits 1 if any.
set -u
cd "$(dirname "$0")/.."

LAYERS="base data model train cmd ui cli"

rank() { # rank LAYER -> 0..6, or 99 for an unknown layer
	_i=0
	for _l in $LAYERS; do
		[ "$_l" = "$1" ] && { echo $_i; return; }
		_i=$((_i + 1))
	done
	echo 99
}

# The layer a header belongs to, or "" if unknown.
header_layer() {
	case "$1" in
	version) echo base; return ;;
	cmd-ui | ui-term | pane | repl) echo ui; return ;;
	cli) echo cli; return ;;
	esac
	for _l in $LAYERS; do
		[ -f "src/$_l/$1.c" ] && { echo "$_l"; return; }
	done
	echo ""
}

# The layer of a file in src/LAYER/ or include/tunetop/.
file_layer() {
	case "$1" in
	src/*/*) _d=${1#src/}; echo "${_d%%/*}" ;;
	include/tunetop/*) _b=$(basename "$1" .h); header_layer "$_b" ;;
	esac
}

failed=0
for f in src/*/*.c src/*/*.h include/tunetop/*.h; do
	fl=$(file_layer "$f")
	if [ -z "$fl" ]; then
		echo "not ok - layers: $f has no layer (add it to scripts/layers.sh)"
		failed=1
		continue
	fi
	fr=$(rank "$fl")
	bad=""
	for inc in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case "$inc" in
		tunetop/*.h) name=$(basename "$inc" .h); il=$(header_layer "$name") ;;
		*.h) il=$fl ;; # a private header beside the file: same layer
		*) continue ;;
		esac
		if [ -z "$il" ]; then
			bad="$bad $inc (unknown layer)"
		elif [ "$(rank "$il")" -gt "$fr" ]; then
			bad="$bad $inc ($il)"
		fi
	done
	if [ "$fl" != ui ] && [ "$fl" != cli ] &&
		grep -Eq '^#[[:space:]]*include[[:space:]]*<(n?curses|ncursesw/|readline/)' "$f"; then
		bad="$bad curses/readline"
	fi
	if [ -n "$bad" ]; then
		echo "not ok - layers: $f ($fl) includes a higher layer:$bad"
		failed=1
	else
		echo "ok - layers: $f ($fl)"
	fi
done
exit $failed
