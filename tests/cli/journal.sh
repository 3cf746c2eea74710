# Edits through the journal, headless: "ok SEQ ID" once durable, edits
# surviving a kill before any save, undo/redo across restarts and saves,
# bulk edits with preview, --yes and one undo step, filters, provenance.
. tests/lib.sh

# The interpreter itself: a version-manager shim costs half a second a call.
PY=$(python3 -c 'import sys; print(sys.executable)')

D="$T/tickets.jsonl"
cp sessions/demo/tickets.jsonl "$D"
cp "$D" "$T/orig.jsonl"
J="$D.journal"

# label_of ID [FILE]: the label field of a record in a JSONL file.
label_of() {
	"$PY" -c 'import json,sys
for l in open(sys.argv[2]):
	r=json.loads(l)
	if r.get("id")==sys.argv[1]: print(json.dumps(r.get("label")))' "$1" "${2:-$D}"
}
# state: the records after replay, saved to a copy (the data file is untouched).
state() {
	"$TUNETOP" --headless "$D" -e "save $T/state.jsonl" >/dev/null 2>"$T/state.err"
}
# expect_label NAME ID WANT: the replayed label of ID.
expect_label() {
	state
	got=$(label_of "$2" "$T/state.jsonl")
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1" "label of $2 is $got, want $3"; fi
}

run "$TUNETOP" --headless "$D" -e "label t0001 billing; flag t0002; note t0003 'call back'; label t0004 refund"
expect_rc "edits run" 0
if [ "$(grep -c '^ok [0-9]* t000[1-4]$' "$T/out")" -eq 4 ]; then ok "each edit prints ok SEQ ID"; else
	not_ok "each edit prints ok SEQ ID" "$(cat "$T/out")"; fi
expect_out "first edit is seq 1" "ok 1 t0001"
expect_out "a new label is announced" "label: created new label 'refund'"
expect_same "no save: the data file is untouched" "$D" "$T/orig.jsonl"
if [ -f "$J" ] && head -1 "$J" | grep -q '"tunetop_journal":1'; then ok "journal next to the data"; else
	not_ok "journal next to the data" "$(ls "$T")"; fi
expect_label "label survives a restart" t0001 '"billing"'
expect_label "new label survives a restart" t0004 '"refund"'
if "$PY" -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])]
d={x["id"]:x for x in r}
sys.exit(0 if d["t0002"].get("flags")==["flagged"] and d["t0003"].get("note")=="call back" else 1)' "$T/state.jsonl"; then
	ok "flag and note survive a restart"; else not_ok "flag and note survive a restart" "$(head -3 "$T/state.jsonl")"; fi

# Killed with SIGKILL while editing: the acknowledged edits are there.
i=1; : > "$T/many.tt"
while [ $i -le 300 ]; do printf 'label t%04d billing\n' $i >> "$T/many.tt"; i=$((i + 1)); done
# The output file exists before the child starts (a count of a missing file
# is no number); the wait ends when 20 edits are acknowledged or the child
# has ended, whichever comes first.
: > "$T/kill.out"
"$TUNETOP" --headless "$D" --script "$T/many.tt" >> "$T/kill.out" 2>&1 &
pid=$!
acked_count() { _c=$(grep -c '^ok' "$T/kill.out" 2>/dev/null); case $_c in ''|*[!0-9]*) echo 0 ;; *) echo "$_c" ;; esac; }
twenty_acked_or_ended() { ! kill -0 $pid 2>/dev/null || [ "$(acked_count)" -ge 20 ]; }
WAIT_POLL_MS=10 wait_until 60 twenty_acked_or_ended
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
acked=$(grep '^ok' "$T/kill.out" | tail -1 | cut -d' ' -f3)
state
got=$(label_of "$acked" "$T/state.jsonl")
if [ -n "$acked" ] && [ "$got" = '"billing"' ]; then ok "last acknowledged edit before SIGKILL kept ($acked)"; else
	not_ok "last acknowledged edit before SIGKILL kept" "acked=$acked got=$got" "$(cat "$T/state.err")"; fi

# Undo and redo across restarts.
cp "$T/orig.jsonl" "$D"; rm -f "$J"
run "$TUNETOP" --headless "$D" -e "label t0001 billing; label t0002 billing; label t0003 billing"
run "$TUNETOP" --headless "$D" -e "undo; undo"
expect_out "undo prints what it reverted" "undo: label of 1 record (step 3)"
expect_out "undo acknowledges the record" "ok 4 t0003"
expect_label "undone edit stays undone after a restart" t0002 '"account_access"'
expect_label "older edit kept" t0001 '"billing"'
run "$TUNETOP" --headless "$D" -e "redo"
expect_out "redo after a restart" "ok 6 t0002"
expect_label "redone after a restart" t0002 '"billing"'
run "$TUNETOP" --headless "$D" -e "redo; label t0005 how_to; redo"
expect_rc "redo after a new edit fails" 1
expect_err "nothing to redo" "redo: nothing to redo"

# save: the data file in its own format, the journal compacted, undo still there.
run "$TUNETOP" --headless "$D" -e "save"
expect_rc "save" 0
expect_out "save reports" "saved 816 records to $D"
if [ "$(label_of t0003)" = '"billing"' ] && [ "$(label_of t0005)" = '"how_to"' ]; then
	ok "saved file holds the edits"; else not_ok "saved file holds the edits" "$(head -5 "$D")"; fi
if grep -q '"op":"redo"' "$J" || grep -q '"op":"save"' "$J"; then not_ok "journal compacted" "$(cat "$J")"; else
	ok "journal compacted"; fi
"$PY" -c 'import sys
o=open(sys.argv[1]).read().splitlines(); n=open(sys.argv[2]).read().splitlines()
bad=[i for i in range(len(o)) if o[i]!=n[i] and not any(k in o[i] for k in ("t0001\"","t0002\"","t0003\"","t0005\""))]
sys.exit(1 if bad or len(o)!=len(n) else 0)' "$T/orig.jsonl" "$D" && ok "unedited lines byte for byte" || not_ok "unedited lines byte for byte"
run "$TUNETOP" --headless "$D" -e "undo; undo; save"
expect_out "undo after save reverts" "ok"
if [ "$(label_of t0005)" = "$(label_of t0005 "$T/orig.jsonl")" ] && [ "$(label_of t0003)" = "$(label_of t0003 "$T/orig.jsonl")" ] &&
   [ "$(label_of t0002)" = '"billing"' ]; then
	ok "undo survives save and restart"; else not_ok "undo survives save and restart" "$(label_of t0005) $(label_of t0003)"; fi

# Bulk edits: preview, --yes, one undo step.
cp "$T/orig.jsonl" "$D"; rm -f "$J"
run "$TUNETOP" --headless "$D" -e "relabel label=shipping split=none text~/dock/i how_to"
expect_rc "bulk without --yes fails in a script" 1
expect_out "preview counts" "relabel: "
expect_out "preview says what changes" "matching records change to 'how_to'; for example:"
expect_err "clear message about --yes" "relabel: not applied: a bulk edit in a script needs --yes"
if [ "$(grep -c ' -> how_to ' "$T/out")" -eq 3 ]; then ok "preview shows a sample of 3"; else
	not_ok "preview shows a sample of 3" "$(cat "$T/out")"; fi
expect_same "preview changes nothing" "$D" "$T/orig.jsonl"
n=$("$PY" -c 'import json,sys,re
print(sum(1 for l in open(sys.argv[1]) if (r:=json.loads(l)).get("label")=="shipping" and re.search("dock",r["text"],re.I)))' "$D")
run "$TUNETOP" --headless "$D" -e "relabel label=shipping text~/dock/i how_to --yes"
expect_rc "bulk with --yes" 0
if [ "$(grep -c '^ok ' "$T/out")" -eq "$n" ]; then ok "bulk acknowledges each record ($n)"; else
	not_ok "bulk acknowledges each record" "want $n, $(grep -c '^ok ' "$T/out")"; fi
if [ "$(grep -c '"step":1' "$J")" -eq "$n" ] && grep -q "\"count\":$n" "$J"; then ok "bulk is one step in the journal"; else
	not_ok "bulk is one step in the journal" "$(head -3 "$J")"; fi
run "$TUNETOP" --headless "$D" -e "undo"
expect_out "one undo reverts the bulk edit" "undo: label of $n records (step 1)"
state
if cmp -s "$T/state.jsonl" "$T/orig.jsonl"; then ok "bulk undo restores every record"; else
	not_ok "bulk undo restores every record" "$(cmp "$T/state.jsonl" "$T/orig.jsonl")"; fi
run "$TUNETOP" --headless "$D" -e "flag-where unlabeled --yes; journal 2"
expect_rc "flag-where" 0
expect_out "journal shows the last events" "flag     t"
run "$TUNETOP" --headless "$D" -e "flag-where label=nope --yes"
expect_rc "bad filter fails" 1
expect_err "bad filter names the term" "flag-where: filter term 'label=nope': no label 'nope'"
run "$TUNETOP" --headless "$D" -e "relabel colour=red billing --yes"
expect_err "unknown term named" "unknown filter term 'colour=red'"
run "$TUNETOP" --headless "$D" -e "relabel 'text~/late fee/' billing --yes"
expect_rc "regex with a space" 0
run "$TUNETOP" --headless "$D" -e "relabel label=billing pred!=billing conf=0.2..0.5 refund --yes"
expect_rc "prediction terms without a model fail" 1
expect_err "prediction terms need a model" "relabel: pred=, conf=, correct and wrong need a model's predictions (train first, in the workbench)"
run "$TUNETOP" --headless "$D" -e "flag-where conf=0.8..0.2 --yes"
expect_err "bad conf range named" "flag-where: filter term 'conf=0.8..0.2': the range is empty"

# Errors.
run "$TUNETOP" --headless "$D" -e "label t9999 billing"
expect_rc "unknown record fails" 1
expect_err "unknown record explained" "label: no record 't9999'"
run "$TUNETOP" --headless "$D" -e "delete t0010; label t0010 billing"
expect_err "deleted record refused" "label: record t0010 is deleted (undelete it first)"
run "$TUNETOP" --headless "$D" -e "undelete t0010; label t0010 billing"
expect_rc "undelete then label" 0

# A dataset without ids: records are numbered; a save that drops a deleted
# record renumbers the journal's history.
printf '{"text":"one","label":"a"}\n{"text":"two","label":"a"}\n{"text":"three","label":"a"}\n' > "$T/n.jsonl"
run "$TUNETOP" --headless "$T/n.jsonl" -e "delete 1; label 3 b; save"
expect_out "save says records were removed" "removed 1 deleted record from"
run "$TUNETOP" --headless "$T/n.jsonl" -e "undo; save"
if [ "$(cat "$T/n.jsonl")" = "$(printf '{"text":"two","label":"a"}\n{"text":"three","label":"a"}')" ]; then
	ok "renumbered history undoes the right record"; else not_ok "renumbered history undoes the right record" "$(cat "$T/n.jsonl")"; fi

# The data file changed behind tunetop's back: it opens as it is, without
# the journal's edits (they could land on the wrong records), and the
# journal is held: kept byte for byte, edits refused until it is set aside.
printf '{"text":"added by another program"}\n' >> "$D"
cp "$J" "$T/held.journal"
run "$TUNETOP" --headless "$D" -e "stats"
expect_rc "changed data with a journal still opens" 0
expect_err "changed data explained" "changed since this journal was written"
expect_err "changed data: the journal is held" "Edits are refused until it is set aside with 'journal set-aside'"
run "$TUNETOP" --headless "$D" -e "flag t0001"
expect_rc "changed data: an edit is refused" 1
expect_err "changed data: the refusal says what to do" "run 'journal set-aside'"
expect_same "changed data: the journal is untouched" "$J" "$T/held.journal"
cp "$T/held.journal" "$J"

# A torn last line is dropped with a warning.
rm -f "$J"
run "$TUNETOP" --headless "$D" -e "label t0001 billing"
printf '{"seq":2,"time":"2026' >> "$J"
run "$TUNETOP" --headless "$D" -e "label t0002 billing"
expect_rc "torn line: still opens" 0
expect_err "torn line warning" "tickets.jsonl.journal:3: warning: ignored an incomplete last line"
expect_out "seq goes on" "ok 2 t0002"

# A malformed line is reported with file:line:column; the data opens with
# the edits before it.
printf '{"seq":3,"op":"label"}\n' >> "$J"
run "$TUNETOP" --headless "$D" -e "stats"
expect_rc "malformed journal line: the data still opens" 0
expect_err "malformed line has line:col" "tickets.jsonl.journal:4:1: missing \"time\""
sed -i '$d' "$J"

# Provenance.
run "$TUNETOP" export --provenance "$D" "$T/prov.jsonl"
expect_rc "export --provenance" 0
expect_err "export counts lines" "wrote 2 provenance lines"
if "$PY" -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])]
k={"seq","time","annotator","id","op","before","after","suggestion","confidence"}
sys.exit(0 if len(r)==2 and all(k<=set(x) for x in r) and r[1]["id"]=="t0002" else 1)' "$T/prov.jsonl"; then
	ok "provenance lines have every field"; else not_ok "provenance lines have every field" "$(cat "$T/prov.jsonl")"; fi
run "$TUNETOP" export
expect_rc "export without args is a usage error" 2

# The session's annotator is credited.
printf 'name: t\ndata: tickets.jsonl\nannotator: ana\n' > "$T/s.yaml"
run "$TUNETOP" --headless "$T/s.yaml" -e "label t0003 billing"
if tail -1 "$J" | grep -q '"annotator":"ana"'; then ok "session annotator in the journal"; else
	not_ok "session annotator in the journal" "$(tail -1 "$J")"; fi
run env USER=bea "$TUNETOP" --headless "$D" -e "label t0003 how_to"
if tail -1 "$J" | grep -q '"annotator":"bea"'; then ok "\$USER is the default annotator"; else
	not_ok "\$USER is the default annotator" "$(tail -1 "$J")"; fi

# CSV keeps labels in the file; flags and notes live on in the journal.
printf 'text,label\nhello,a\nworld,b\n' > "$T/c.csv"
run "$TUNETOP" --headless "$T/c.csv" -e "label 1 b; flag 2; note 2 why; save"
run "$TUNETOP" --headless "$T/c.csv" -e "flag-where flagged --yes"
expect_out "CSV: flags survive a save" "1 records match 'flagged'; none would change"
if [ "$(cat "$T/c.csv")" = "$(printf 'text,label\nhello,b\nworld,b')" ]; then ok "CSV saved in its own format"; else
	not_ok "CSV saved in its own format" "$(cat "$T/c.csv")"; fi
