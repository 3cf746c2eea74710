# The labeling flow at 80x24 on a scratch copy of the demo: the labeling
# layout, the unlabeled-first queue, 20 records labeled by key (one key
# each, saved mark), undo 2, quit; the journal and the data then hold 18
# new labels, in a restarted workbench and headless; a note by key.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"
counts() {
	"$TUNETOP" --headless "$T/demo.yaml" -e 'check --json' 2>/dev/null |
		sed -n 's/.*"unlabeled": \([0-9]*\).*"billing": {"count": \([0-9]*\).*/\1 \2/p'
}
before=$(counts)

tui_start 80 24 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"
keys F3
check "F3 shows the label pane with its queue" wait_for "1 of 816 · queue file"
check "the pane lists its keys" wait_for "a accept"
keys :
type_line "queue unlabeled"
esc
check "queue unlabeled is shown in the title" wait_for "1 of 816 · queue unlabeled"
check "the first record in the queue is unlabeled" wait_for "label: (none)"
keys 1
check "a label key labels and moves on" wait_for "2 of 816 · queue unlabeled"
keys p
check "the labeled record is marked saved" wait_for "· saved"
check "and shows its label" wait_for "label: billing"
keys n
i=1
while [ "$i" -lt 20 ]; do
	keys 1
	i=$((i + 1))
done
check "20 records labeled by 20 keys" wait_for "21 of 816 · queue unlabeled"
keys U U
undid() { [ "$(screen | grep -c 'undid label')" = 2 ]; }
wait_undid() {
	_n=100
	while [ "$_n" -gt 0 ] && ! undid; do sleep 0.05; _n=$((_n - 1)); done
	undid
}
check "U twice undoes two labels" wait_undid
keys q
check "quits" restored
tui_stop

after=$(counts)
check "18 labels more in the data (before: $before, after: $after)" \
	sh -c "echo '$before' | { read u b; [ '$after' = \"\$((u - 18)) \$((b + 18))\" ]; }"
run "$TUNETOP" --headless "$T/demo.yaml" -e 'journal all'
check "the journal has 18 undo steps and 2 redo" grep -q "18 undo steps, 2 redo" "$T/out"

tui_start 80 24 "$T/demo.yaml"
check "reopens" wait_status "READY"
keys F3 :
type_line "journal"
check "undo and redo survive the restart" wait_for "18 undo steps, 2 redo"
esc
keys m
check "m opens the prompt with 'note ID '" wait_for "› note t0001 "
type_line "call back"
check "the note is shown on the record" wait_for "line 1 · note"
esc
keys q
check "quits again" restored

