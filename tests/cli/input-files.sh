# Input files: only regular files are read (a device, a FIFO without a
# writer or a directory is refused at once, never read without bound or
# waited on), and a UTF-8 byte order mark is skipped on load and kept on
# save in every format. `timeout` only turns a hang into a failure.
. tests/lib.sh

# refused NAME PATH TEXT ARGS...: `tunetop ARGS PATH` fails at once with TEXT.
refused() {
	_name=$1 _path=$2 _text=$3
	shift 3
	run timeout 30 "$TUNETOP" "$@" "$_path"
	if [ "$rc" -eq 1 ] && grep -qF -- "$_text" "$T/err"; then ok "$_name"; else
		not_ok "$_name" "status $rc (124: it hung), want 1" "stderr: $(head -c 400 "$T/err")"; fi
}

refused "check /dev/zero is refused" /dev/zero \
	"/dev/zero: cannot read: is a character device (expected a regular file)" check
run timeout 30 "$TUNETOP" convert /dev/zero "$T/zero.jsonl"
expect_rc "convert /dev/zero fails at once" 1
expect_err "convert /dev/zero is explained" "is a character device"
refused "workbench open of /dev/zero is refused" /dev/zero \
	"is a character device" --headless -e quit

mkfifo "$T/fifo.jsonl"
refused "check of a FIFO without a writer is refused" "$T/fifo.jsonl" \
	"fifo.jsonl: cannot read: is a FIFO (named pipe) (expected a regular file)" check
refused "workbench open of a FIFO is refused" "$T/fifo.jsonl" "is a FIFO" --headless -e quit

mkdir "$T/dir.jsonl"
refused "check of a directory is refused" "$T/dir.jsonl" \
	"dir.jsonl: cannot read: is a directory (expected a regular file)" check

# A BOM is skipped on load: the first record is read as usual.
bom=$(printf '\357\273\277')
printf '%s{"id": "a", "text": "caf\\u00e9 one", "label": "x", "extra": [1, {"k": 2}]}\n{"id": "b", "text": "two", "label": "y"}\n' \
	"$bom" > "$T/bom.jsonl"
printf '%stext,label,id\nfirst one,x,a\nsecond,y,b\n' "$bom" > "$T/bom.csv"
printf '%stext\tlabel\tid\nfirst one\tx\ta\nsecond\ty\tb\n' "$bom" > "$T/bom.tsv"
printf '%s__label__x first one\n__label__y second\n' "$bom" > "$T/bom.ft"
for f in bom.jsonl bom.csv bom.tsv bom.ft; do
	run "$TUNETOP" check --json "$T/$f"
	if [ "$rc" -eq 0 ] && python3 - "$T/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["records"] == 2, d
assert sorted(d["labels"]) == ["x", "y"], d["labels"]
PY
	then ok "$f: BOM skipped, labels x and y"; else
		not_ok "$f: BOM skipped, labels x and y" "$(head -c 400 "$T/err")" "$(head -c 400 "$T/out")"; fi
	run "$TUNETOP" convert "$T/$f" "$T/out.$f"
	expect_same "$f: unedited round trip keeps the BOM byte for byte" "$T/$f" "$T/out.$f"
	cp "$T/$f" "$T/edit.$f"
	run "$TUNETOP" --headless "$T/edit.$f" -e "label @1 z; label @2 w; save"
	expect_rc "$f: edit and save" 0
	if [ "$(head -c 3 "$T/edit.$f")" = "$bom" ] && grep -q z "$T/edit.$f" && grep -q w "$T/edit.$f" &&
	   [ "$(tail -n +2 "$T/edit.$f" | head -c 3)" != "$bom" ]; then
		ok "$f: saved after an edit, the BOM is kept once"; else
		not_ok "$f: saved after an edit, the BOM is kept once" "$(od -c "$T/edit.$f" | head -5)"; fi
	rm -f "$T/edit.$f".journal* "$T/out.$f".journal*
done

# The first line's error column counts from after the BOM.
printf '%s{"text": 1}\n' "$bom" > "$T/bombad.jsonl"
run "$TUNETOP" check "$T/bombad.jsonl"
expect_err "BOM: error column after the BOM" "bombad.jsonl:1:10: field \"text\" is a number"

# Without an extension the BOM does not hide the format from sniffing.
cp "$T/bom.jsonl" "$T/bomdata"
run "$TUNETOP" check "$T/bomdata"
expect_out "BOM: JSONL sniffed without an extension" "(jsonl)"

# predict reads standard input a line at a time, and a line has a bound:
# endless bytes without a newline end with a clear error, not a growing heap.
run "$TUNETOP" train --data "$DATA/small.jsonl" --out "$T/m" --set epochs=1 --set dim=8 \
	--set buckets=1000 --set threads=1
expect_rc "a small model for predict" 0
printf 'my card was charged twice\r\nreset my password\n' > "$T/lines"
run sh -c '"$1" predict "$2" < "$3"' sh "$TUNETOP" "$T/m/model.safetensors" "$T/lines"
if [ "$rc" -eq 0 ] && [ "$(wc -l < "$T/out")" -eq 2 ]; then ok "predict: one line out per line in"; else
	not_ok "predict: one line out per line in" "status $rc" "$(head -c 400 "$T/out")"; fi
run timeout 60 sh -c '"$1" predict "$2" < /dev/zero' sh "$TUNETOP" "$T/m/model.safetensors"
expect_rc "predict: /dev/zero on stdin stops" 1
expect_err "predict: the endless line is explained" "standard input: line 1 is over 16 MiB"
