# The labeling flow at 80x24 on a scratch copy of the demo: the labeling
# layout, the unlabeled-first queue (the default), 20 records labeled by key (one key
# each, saved mark), undo 2, quit; the journal and the data then hold 18
# new labels, in a restarted workbench and headless; a note by key.
# Then: a label added while labeling (A), used by its key, shown with its
# guideline on ?, kept by save and session save; the queue's order and
# record restored from the session; 12 labels at 80x24 and 120x40; the
# entropy order while a run trains.
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
check "F3 shows the label pane with its queue, unlabeled first" wait_for "1 of 816 · queue unlabeled"
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
check "U twice undoes two labels" wait_until 15 undid
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
keys F3
check "quitting saved the queue order" wait_for "of 816 · queue unlabeled"
keys :
type_line "journal"
check "undo and redo survive the restart" wait_for "18 undo steps, 2 redo"
esc
keys m
check "m opens the prompt with 'note ID '" wait_for "› note t0"
type_line "call back"
check "the note's text is shown on the record" wait_for "note: call back"
esc
keys q
check "quits again" restored

tui_stop

# ---- a label added while labeling ----
tui_start 80 24 "$T/demo.yaml"
check "opens to add a label" wait_status "READY"
keys F3 :
type_line "queue file"
esc
keys g
check "the label pane, file order" wait_for "1 of 816 · queue file"
keys A
check "A opens the prompt with 'add-label '" wait_for "› add-label "
type_line "refund_request - wants a refund of a charge"
check "add-label gives the next free key" wait_for "refund_request added on key 8"
esc
check "the pane lists the new label on its key at once" wait_for "8 refund_request"
keys 8
check "its key labels the record and moves on" wait_for "2 of 816 · queue file"
keys p
check "the record has the new label" wait_for "label: refund_request"
check "and is saved" wait_for "· saved"
keys '?'
check "? over the label pane shows the label guidelines" wait_for "labels: key, name, guideline"
check "with the new label's key, name and guideline" \
	wait_for "8  refund_request   wants a refund of a charge"
check "and the demo's guidelines" wait_for "charges, invoices, refunds, plans"
check "the guidelines overlay is framed at 80x24" framed
esc
keys Tab
type_line "save"
check "save writes the data" wait_for "saved 816 records"
type_line "session save"
check "session save" wait_for "session saved to"
esc
keys q
check "quits after adding a label" restored
tui_stop
check "the data file holds the new label" \
	sh -c "grep -c '\"refund_request\"' '$T/demo/tickets.jsonl' | grep -qx 1"
check "the session keeps the new label with its key and guideline" \
	sh -c "grep -q 'refund_request' '$T/demo.yaml' && grep -q 'wants a refund of a charge' '$T/demo.yaml'"
run "$TUNETOP" --headless "$T/demo.yaml" -e 'labels'
expect_out "headless, the label set has the new label" "refund_request"

# ---- the queue in the session: order, seed and record ----
tui_start 80 24 "$T/demo.yaml"
check "reopens to set the queue" wait_status "READY"
keys F3 :
type_line "queue random 5"
esc
check "queue random 5" wait_for "1 of 816 · queue random 5"
keys n n n
check "three records on" wait_for "4 of 816 · queue random 5"
rec=$(screen | sed -n '2s/^│\([^ ]*\) · .*/\1/p')
check "a record id is on screen ($rec)" test -n "$rec"
keys :
type_line "session save"
check "session save with the queue" wait_for "session saved to"
esc
keys q
check "quits after setting the queue" restored
tui_stop
check "the session records the order and seed" grep -q "queue: random 5" "$T/demo.yaml"
tui_start 80 24 "$T/demo.yaml"
check "reopens with the queue" wait_status "READY"
check "the same order and position come back" wait_for "4 of 816 · queue random 5"
check "on the same record ($rec)" wait_for "│$rec · "
keys :
type_line "queue least-confident"
check "least-confident is the margin order" wait_for "queue margin"
check "which waits for predictions" wait_for "no predictions yet"
esc
keys q
check "quits after the restored queue" restored
tui_stop

# ---- twelve labels at 80x24 and 120x40 ----
sed '/^options:/i\
  - {name: refund_dispute, key: "8", description: "disputes a charge with the bank or asks for money back after a chargeback; partial refunds and credits promised by support count too"}\
  - {name: security_incident, key: "9", description: "phishing, leaked data, suspicious logins, account takeovers reported by customers or found by our monitoring"}\
  - {name: integrations, description: "Slack, Google Calendar, Outlook, Zapier sync; calendar invites not arriving; webhooks that fail"}\
  - {name: data_export, description: "exports, backups, GDPR data requests"}\
  - {name: praise}' "$TUI_ROOT/sessions/demo.yaml" |
	sed -e "s#^data: demo/#data: $T/demo/#" > "$T/twelve.yaml"
tui_start 80 24 "$T/twelve.yaml"
check "twelve labels: opens" wait_status "READY"
keys F3
check "80x24: the last label key is shown" wait_for "h praise"
text_row() { screen | sed -n 3p | grep -q '^│[^ │]'; }
check "80x24: the record text is still shown" wait_until 15 text_row
check "80x24: the label line is shown" wait_for "label: "
check "80x24: ? help is on the action row" wait_for "? help"
check "80x24: framed" framed
keys '?'
check "80x24 ?: every label, the last without a guideline" wait_for "h  praise             (no guideline)"
check "80x24 ?: when all do not fit wrapped, long guidelines are cut with …" \
	wait_for "disputes a charge with the bank or asks for money bac…"
check "80x24 ?: framed" framed
esc
tx resize-window -t main -x 120 -y 40
check "120x40: every action key fits" wait_for "A add label  ? help"
check "120x40: the label keys" wait_for "9 security_incident"
check "120x40: framed" framed
keys '?'
check "120x40 ?: long guidelines wrap" wait_for "refunds and credits promised by support count too"
check "120x40 ?: the action keys are listed" wait_for "queue next"
esc
keys q
check "twelve labels: quits" restored
tui_stop

# ---- the entropy order while a run trains ----
tui_start 80 24 "$T/demo.yaml"
check "opens to train" wait_status "READY"
keys F3 :
type_line "queue entropy"
check "the queue is in entropy order" wait_for "1 of 816 · queue entropy"
esc
first=$(screen | sed -n '2s/^│\([^ ]*\) · .*/\1/p')
keys t
check "with predictions the pane shows the model's suggestion" wait_for "(a: accept)" 30
# epoch_past N: the status bar shows an epoch past N, or the run is done.
epoch_past() {
	_e=$(screen | tail -n 1 | sed -n 's/.*epoch \([0-9]*\)[./].*/\1/p')
	{ [ -n "$_e" ] && [ "$_e" -gt "$1" ]; } || screen | tail -n 1 | grep -qF "DONE"
}
e0=$(screen | tail -n 1 | sed -n 's/.*epoch \([0-9]*\)[./].*/\1/p')
check "two more epochs end (new predictions re-rank the queue)" wait_until 30 epoch_past "$(( ${e0:-0} + 2 ))"
check "re-ranking keeps the record on screen ($first) and its place" \
	sh -c "screen() { tmux -L '$TMUX_SOCK' capture-pane -p -t main; };
	       screen | grep -qF '1 of 816 · queue entropy' && screen | grep -qF '│$first · '"
keys n
check "n goes on" wait_for "2 of 816 · queue entropy"
keys p
check "p comes back to the same record while it trains" wait_for "│$first · "
keys q
# q asks first while the run trains, or quits at once when it is done.
asked_or_quit() { screen | grep -qF -e "Quit anyway?" -e "EXITED"; }
check "q asks or quits" wait_until 15 asked_or_quit
screen | grep -qF "Quit anyway?" && keys y
check "quits while training" restored
