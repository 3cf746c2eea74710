# `distill MODEL` from the workbench's REPL: the run starts with the
# teacher's probabilities (its note on the status line), finishes, and the
# run's metrics.jsonl beside the session records the teacher pass as an
# event.
. tests/lib.sh
. tests/tui/tui.inc

mkdir -p "$T/demo"
cp "$TUI_ROOT/sessions/demo.yaml" "$T/demo.yaml"
cp "$TUI_ROOT/sessions/demo/tickets.jsonl" "$T/demo/tickets.jsonl"
"$TUNETOP" train --data "$T/demo/tickets.jsonl" --valid none --set epochs=5 --set dim=8 \
	--set buckets=20000 --set threads=1 --out "$T/teacher" >/dev/null 2>&1
if [ -s "$T/teacher/model.safetensors" ]; then ok "teacher trained"; else not_ok "teacher trained"; fi

tui_start 100 30 "$T/demo.yaml"
check "opens the session" wait_status "READY"
keys Tab
type_line "set epochs 3"
type_line "split 80/10/10"
type_line "distill $T/teacher/model.safetensors"
check "the run finishes" wait_status "DONE" 60
events() { cat "$T"/demo.runs/*/metrics.jsonl 2>/dev/null | grep -q '"key": *"distill_teacher"'; }
check "metrics.jsonl: the distill event" wait_until 15 events
if cat "$T"/demo.runs/*/metrics.jsonl | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin if "distill_teacher" in l]
assert ev and ev[0]["soft_targets"] > 500 and ev[0]["teacher"].endswith("teacher/model.safetensors"), ev
'; then ok "the event counts the soft targets"; else
	not_ok "the event counts the soft targets" "$(grep distill "$T"/demo.runs/*/metrics.jsonl)"; fi
type_line "distill $T/nope.safetensors"
check "a missing teacher: said on the status line" wait_for "cannot read the teacher model"
esc
keys q
check "quits" restored
tui_stop
exit $_failed
