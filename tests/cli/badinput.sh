# Bad input never locks data out: an empty id, a journal line that cannot
# be replayed (held, set aside), duplicate ids, a corrupt model file, stale
# temporary files of killed saves, eval without known labels, multi-label
# CSV/TSV round trips and unknown output extensions.
. tests/lib.sh

# ---- an empty id: journaled by the record's number, so it replays ----

printf '{"id":"","text":"hello","label":"x"}\n{"id":"b","text":"world","label":"y"}\n' > "$T/e.jsonl"
run "$TUNETOP" --headless "$T/e.jsonl" -e "label @1 z"
expect_rc "empty id: the edit is made" 0
expect_out "empty id: acknowledged by number" "ok 1 1"
if grep -q '"rec":1' "$T/e.jsonl.journal" && ! grep -q '"id":""' "$T/e.jsonl.journal"; then
	ok "empty id: the journal names the record by number"; else
	not_ok "empty id: the journal names the record by number" "$(cat "$T/e.jsonl.journal")"; fi
run "$TUNETOP" --headless "$T/e.jsonl" -e "label 1 w" -e "save $T/e-state.jsonl"
expect_rc "empty id: the next load replays, and the number addresses it" 0
if [ -z "$(cat "$T/err")" ] && head -1 "$T/e-state.jsonl" | grep -q '"label": *"w"'; then
	ok "empty id: both edits kept, no warning"; else
	not_ok "empty id: both edits kept, no warning" "$(cat "$T/err")" "$(head -1 "$T/e-state.jsonl")"; fi

# ---- a journal line that cannot be replayed: held, never locking the data out ----

printf '{"id":"a","text":"one","label":"x"}\n{"id":"b","text":"two","label":"x"}\n{"id":"c","text":"three","label":"x"}\n' > "$T/h.jsonl"
cp "$T/h.jsonl" "$T/h.orig"
run "$TUNETOP" --headless "$T/h.jsonl" -e "label a good"
# Line 3 names no record; line 4 is a good edit written after it.
printf '{"seq":2,"time":"t","annotator":"u","id":"nope","op":"label","before":["x"],"after":["y"]}\n' >> "$T/h.jsonl.journal"
printf '{"seq":3,"time":"t","annotator":"u","id":"b","op":"label","before":["x"],"after":["late"]}\n' >> "$T/h.jsonl.journal"
cp "$T/h.jsonl.journal" "$T/h.journal.orig"
run "$TUNETOP" --headless "$T/h.jsonl" -e "save $T/h-state.jsonl"
expect_rc "held journal: the data opens" 0
expect_err "held journal: file:line:col and why" "h.jsonl.journal:3:37: no record nope"
expect_err "held journal: says what happens" "is open with the edits before it (1 undo steps)"
if grep -q '"label": *"good"' "$T/h-state.jsonl" && ! grep -q 'late' "$T/h-state.jsonl"; then
	ok "held journal: the good prefix is replayed, nothing after the bad line"; else
	not_ok "held journal: the good prefix is replayed, nothing after the bad line" "$(cat "$T/h-state.jsonl")"; fi
run "$TUNETOP" --headless "$T/h.jsonl" -e "label c more"
expect_rc "held journal: an edit is refused" 1
expect_err "held journal: the refusal names the line and the way out" "($T/h.jsonl.journal:3:37: no record nope"
run "$TUNETOP" --headless "$T/h.jsonl" -e "undo"
expect_rc "held journal: undo is refused too" 1
run "$TUNETOP" --headless "$T/h.jsonl" -e "save"
expect_rc "held journal: a save (which would compact it) is refused" 1
expect_same "held journal: the data file is untouched" "$T/h.jsonl" "$T/h.orig"
expect_same "held journal: the journal file is untouched" "$T/h.jsonl.journal" "$T/h.journal.orig"
run "$TUNETOP" --headless "$T/h.jsonl" -e "journal"
expect_out "held journal: 'journal' says it is held" "held: "
run "$TUNETOP" --headless "$T/h.jsonl" -e "journal set-aside" -e "label c more" -e "undo" -e "redo"
expect_rc "set-aside: then edits, undo and redo work" 0
expect_out "set-aside: says where the old journal went" "moved the old journal to $T/h.jsonl.journal.aside-"
aside=$(ls "$T"/h.jsonl.journal.aside-* 2>/dev/null | head -1)
if [ -n "$aside" ] && cmp -s "$aside" "$T/h.journal.orig"; then
	ok "set-aside: the old journal is kept byte for byte"; else
	not_ok "set-aside: the old journal is kept byte for byte" "$(ls "$T")"; fi
run "$TUNETOP" --headless "$T/h.jsonl" -e "save $T/h-state2.jsonl"
if [ "$rc" -eq 0 ] && [ -z "$(cat "$T/err")" ] && grep -q '"label": *"good"' "$T/h-state2.jsonl" &&
   grep -q '"label": *"more"' "$T/h-state2.jsonl"; then
	ok "set-aside: the new journal keeps the good prefix and the new edit"; else
	not_ok "set-aside: the new journal keeps the good prefix and the new edit" "$(cat "$T/err")" "$(cat "$T/h-state2.jsonl")"; fi
run "$TUNETOP" --headless "$T/h.jsonl" -e "journal set-aside"
expect_rc "set-aside: nothing to set aside when the journal replays" 1

# Malformed JSON in the middle, and an unreadable header: held, the data opens.
printf '{"id":"a","text":"one","label":"x"}\n' > "$T/m.jsonl"
run "$TUNETOP" --headless "$T/m.jsonl" -e "label a y"
printf '{"seq":2, oops\n' >> "$T/m.jsonl.journal"
run "$TUNETOP" --headless "$T/m.jsonl" -e "labels"
expect_rc "malformed JSON line: the data opens" 0
expect_err "malformed JSON line: file:line:col" "m.jsonl.journal:3:"
expect_out "malformed JSON line: the edit before it is there" "y "
printf 'not a journal\n' > "$T/m.jsonl.journal"
run "$TUNETOP" --headless "$T/m.jsonl" -e "labels"
expect_rc "a file that is no journal: the data opens" 0
expect_err "a file that is no journal: said so" "m.jsonl.journal:1:3: malformed JSON"

# ---- duplicate ids ----

printf '{"id":"a","text":"first","label":"x"}\n{"id":"b","text":"b","label":"x"}\n{"id":"a","text":"second","label":"x"}\n' > "$T/d.jsonl"
run "$TUNETOP" check "$T/d.jsonl"
expect_out "check: duplicate ids counted" "ids          1 record repeats an earlier id (1 id)"
expect_out "check: duplicate ids warned, with the records" '1 id names more than one record ("a" is records 1, 3)'
run "$TUNETOP" check --json "$T/d.jsonl"
expect_out "check --json: duplicate ids" '"duplicate_ids": {"ids": 1, "records": 1}'
run "$TUNETOP" check "$DATA/small.jsonl"
if grep -q "earlier id" "$T/out"; then not_ok "check: no duplicate-id line without duplicates" "$(cat "$T/out")"; else
	ok "check: no duplicate-id line without duplicates"; fi
run "$TUNETOP" --headless "$T/d.jsonl" -e "label a z"
expect_rc "an edit by an ambiguous id is refused" 1
expect_err "the refusal names the records" "id 'a' names 2 records (@1, @3): address one as @N"
if [ ! -f "$T/d.jsonl.journal" ]; then ok "the refused edit wrote nothing"; else
	not_ok "the refused edit wrote nothing" "$(cat "$T/d.jsonl.journal")"; fi
run "$TUNETOP" --headless "$T/d.jsonl" -e "label @3 z" -e "save $T/d-state.jsonl"
if [ "$rc" -eq 0 ] && [ "$(grep -c '"z"' "$T/d-state.jsonl")" = 1 ] && tail -1 "$T/d-state.jsonl" | grep -q '"z"'; then
	ok "@N edits the second record with the id, and only it"; else
	not_ok "@N edits the second record with the id, and only it" "$(cat "$T/d-state.jsonl")"; fi

# ---- a corrupt model file: the error names the file ----

run "$TUNETOP" train --data "$DATA/small.jsonl" --out "$T/m" --set epochs=1 --set dim=8 --set buckets=1000 --set threads=1
expect_rc "a model to corrupt" 0
python3 - "$T/m/model.safetensors" "$T/bad.safetensors" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b"TTVOCAB1")
open(sys.argv[2], "wb").write(d[:i] + b"XX" + d[i + 2:])
EOF
run "$TUNETOP" predict "$T/bad.safetensors" hello
expect_rc "corrupt tokenizer: fails" 1
expect_err "corrupt tokenizer: the file and the tensor are named" "$T/bad.safetensors: tensor tokenizer.vocab: vocabulary: bad magic"

# ---- eval on data without a label the model knows ----

printf '{"text":"no label"}\n{"text":"unknown","label":"never_seen"}\n' > "$T/nolabel.jsonl"
run "$TUNETOP" eval "$T/m/model.safetensors" "$T/nolabel.jsonl"
expect_rc "eval without known labels: fails" 1
expect_err "eval without known labels: says why" "no record has a label the model knows"
if grep -q nan "$T/out"; then not_ok "eval without known labels: no nan printed" "$(cat "$T/out")"; else
	ok "eval without known labels: no nan printed"; fi

# ---- stale temporary files of killed saves and checkpoints ----

# A writer that is gone (no process has PID 99999999), a live one (this
# shell), and a file of another name.
cp "$DATA/small.jsonl" "$T/s.jsonl"
for f in s.jsonl.tmp.99999999.abcDEF s.jsonl.journal.tmp.99999999.ab12CD \
	 s.jsonl.tmp.$$.xyzXYZ s.jsonl.tmp.notours s.jsonl.tmp.99999999.abcDEF.x; do
	printf 'partial' > "$T/$f"
done
run "$TUNETOP" --headless "$T/s.jsonl" -e "stats"
expect_rc "stale temps: the data opens" 0
if [ ! -e "$T/s.jsonl.tmp.99999999.abcDEF" ] && [ ! -e "$T/s.jsonl.journal.tmp.99999999.ab12CD" ]; then
	ok "stale temps: a dead writer's data and journal temps are removed"; else
	not_ok "stale temps: a dead writer's data and journal temps are removed" "$(ls "$T")"; fi
if [ -e "$T/s.jsonl.tmp.$$.xyzXYZ" ] && [ -e "$T/s.jsonl.tmp.notours" ] &&
   [ -e "$T/s.jsonl.tmp.99999999.abcDEF.x" ]; then
	ok "stale temps: a live writer's and other names are kept"; else
	not_ok "stale temps: a live writer's and other names are kept" "$(ls "$T")"; fi
printf 'partial' > "$T/m/model.safetensors.tmp.99999999.qwerty"
run "$TUNETOP" predict "$T/m/model.safetensors" hello
if [ "$rc" -eq 0 ] && [ ! -e "$T/m/model.safetensors.tmp.99999999.qwerty" ]; then
	ok "stale temps: opening a model removes its killed checkpoint's temp"; else
	not_ok "stale temps: opening a model removes its killed checkpoint's temp" "$(ls "$T/m")"; fi
printf 'partial' > "$T/m/best.safetensors.tmp.99999999.qwerty"
run "$TUNETOP" train --data "$DATA/small.jsonl" --out "$T/m" --set epochs=1 --set dim=8 --set buckets=1000 --set threads=1
if [ "$rc" -eq 0 ] && [ ! -e "$T/m/best.safetensors.tmp.99999999.qwerty" ]; then
	ok "stale temps: writing a model file removes its stale temps"; else
	not_ok "stale temps: writing a model file removes its stale temps" "$(ls "$T/m")"; fi

# ---- convert: multi-label through CSV/TSV, and unknown extensions ----

printf '{"id":"1","text":"one","label":["a","b"]}\n{"id":"2","text":"two","label":"a"}\n{"id":"3","text":"three","label":["c","b","a"]}\n' > "$T/multi.jsonl"
for ext in csv tsv; do
	run "$TUNETOP" convert "$T/multi.jsonl" "$T/multi.$ext"
	run "$TUNETOP" convert "$T/multi.$ext" "$T/back-$ext.jsonl"
	if python3 - "$T/multi.jsonl" "$T/back-$ext.jsonl" <<'EOF'
import json, sys
def labels(p):
    out = []
    for l in open(p):
        v = json.loads(l).get("label")
        out.append(v if isinstance(v, list) else [v] if v else [])
    return out
sys.exit(0 if labels(sys.argv[1]) == labels(sys.argv[2]) else 1)
EOF
	then ok "multi-label round trip through $ext"; else
		not_ok "multi-label round trip through $ext" "$(cat "$T/multi.$ext")" "$(cat "$T/back-$ext.jsonl")"; fi
done
expect_out_file() { if grep -qF -- "$2" "$3"; then ok "$1"; else not_ok "$1" "$(cat "$3")"; fi; }
expect_out_file "multi-label CSV joins with the separator" "3,three,c|b|a" "$T/multi.csv"
run "$TUNETOP" convert --set 'label_sep=;' "$T/multi.jsonl" "$T/semi.csv"
expect_out_file "label_sep picks the separator" "1,one,a;b" "$T/semi.csv"
run "$TUNETOP" convert --set 'label_sep=' "$T/multi.jsonl" "$T/none.csv"
expect_rc "no separator and several labels: refused" 1
expect_err "no separator: says how to fix it" "label_sep is empty"
run "$TUNETOP" convert "$T/multi.jsonl" "$T/out.xyz"
expect_rc "unknown output extension: refused" 2
expect_err "unknown output extension: says to use --to" "give one with --to"
if [ ! -e "$T/out.xyz" ]; then ok "unknown output extension: nothing written"; else
	not_ok "unknown output extension: nothing written"; fi
run "$TUNETOP" convert --to tsv "$T/multi.jsonl" "$T/out.xyz"
expect_rc "unknown extension with --to: written" 0
expect_out_file "unknown extension with --to: in that format" "1	one	a|b" "$T/out.xyz"

exit $_failed
