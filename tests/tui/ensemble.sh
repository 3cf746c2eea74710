# The workbench with an ensemble as the suggestion source: `ensemble M1 M2`
# from the REPL puts its suggestion in the label pane and its name on the
# status line, `a` accepts it (the journal keeps it as the suggestion shown),
# `ensemble off` goes back to the live model (no run: no suggestion).
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"
for s in 1 2; do
	"$TUNETOP" train --data "$TUI_ROOT/sessions/demo/tickets.jsonl" --set epochs=5 --set dim=8 \
		--set buckets=20000 --set threads=1 --set seed=$s --out "$T/m$s" >/dev/null 2>&1
done
# What the ensemble says about the first record of the queue (unlabeled first).
first=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("label") is None:
        print(" ".join(r["text"].split())); break' "$T/demo/tickets.jsonl")
want=$("$TUNETOP" predict --ensemble "$T/m1/model.safetensors,$T/m2/model.safetensors" "$first" |
	cut -d' ' -f1)

tui_start 100 30 "$T/demo.yaml"
check "opens the scratch demo" wait_status "READY"
keys F3
check "the label pane, unlabeled first" wait_for "1 of 816 · queue unlabeled"
check "no run: no suggestion" wait_for "model: no suggestion yet"
keys :
type_line "ensemble $T/m1/model.safetensors $T/m2/model.safetensors"
esc
check "the status line names the source" wait_status "ensemble 2 mean"
check "the label pane shows the ensemble's suggestion ($want)" wait_for "ensemble: $want "
keys a
check "a accepts it and moves on" wait_for "2 of 816 · queue unlabeled"
keys :
type_line "ensemble off"
esc
check "off: the status line no longer names it" wait_status_gone "ensemble 2 mean"
check "off: the live model again (none yet)" wait_for "model: no suggestion yet"
keys q
check "quits" restored
tui_stop

run "$TUNETOP" export --provenance "$T/demo/tickets.jsonl" "$T/prov.jsonl"
check "the journal keeps the ensemble's suggestion" grep -qF "\"suggestion\":\"$want\"" "$T/prov.jsonl"
