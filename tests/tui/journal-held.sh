# A journal that does not replay in full, at 80x24: the workbench opens on
# the data with the edits before the bad line, says so with
# file:line:column, refuses edits, and after `journal set-aside` edits again.
. tests/lib.sh
. tests/tui/tui.inc

cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/tickets.jsonl"
D="$T/tickets.jsonl"
"$TUNETOP" --headless "$D" -e "label t0001 how_to" >/dev/null 2>&1
printf '{"seq":2,"time":"t","annotator":"u","id":"t9999","op":"flag","before":false,"after":true}\n' >> "$D.journal"
cp "$D.journal" "$T/journal.orig"

tui_start 80 24 "$D"
check "the workbench opens on the data" wait_status "816 records"
check "the status bar says the journal is held" wait_status "journal held"
keys Tab
type_line "zoom"	# the REPL alone: its lines are not wrapped
check "the REPL says which line and why" wait_for "tickets.jsonl.journal:3:"
check "and what to do" wait_for "until you run 'journal set-aside'"
type_line "flag t0002"
check "an edit is refused" wait_for "flag: refused: the journal holds a line"
expect_same "the journal is untouched" "$D.journal" "$T/journal.orig"
type_line "journal set-aside"
check "set-aside says where the old journal went" wait_for "moved the old journal to"
type_line "flag t0002"
check "then an edit is saved" wait_for "(saved, #"
type_line "zoom"
esc
keys q
check "quits" restored
if grep -q '"t0002"' "$D.journal" && grep -q '"how_to"' "$D.journal"; then
	ok "the new journal holds the replayed edit and the new one"; else
	not_ok "the new journal holds the replayed edit and the new one" "$(cat "$D.journal")"; fi
