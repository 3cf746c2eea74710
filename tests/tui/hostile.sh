# Data never drives the terminal, in the workbench too: records whose ids,
# labels, texts and notes hold OSC 0 (window title), OSC 52 (clipboard),
# BEL, CSI 2J, C1 CSI, RLO and newlines are listed, shown in the detail and
# the label pane, and edited from the REPL, and the terminal (tmux) never
# sees a control sequence: the title, the clipboard and the bell flag stay
# untouched, the frame stays whole, and the REPL shows ids escaped on one
# line.
. tests/lib.sh
. tests/tui/tui.inc

python3 - "$T/h.jsonl" <<'PY'
import json, sys
bad = {"osc0": "\x1b]0;pwned\x07", "osc52": "\x1b]52;c;cHduZWQ=\x07", "bel": "a\x07b",
       "csi": "\x1b[2J\x1b[H", "c1": "\u009b31m", "rlo": "\u202egnp", "nl": "one\ntwo"}
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, (k, v) in enumerate(sorted(bad.items())):
        f.write(json.dumps({"id": "%s%s" % (k, v), "text": "%s text %s end" % (k, v),
                            "label": ["red\x1b[31m", "\u202eevil", "bell\x07"][i % 3],
                            "note": "note " + v}, ensure_ascii=False) + "\n")
PY

tui_start 100 30 "$T/h.jsonl"
tx set-option -g set-clipboard on >/dev/null 2>&1
check "opens the hostile data" wait_status "READY"
keys F2
check "F2 lists the records" wait_for "osc0"
keys j j j
check "the list shows the texts with their controls replaced" wait_for "osc0 text"
keys Enter
check "Enter shows the record in full" wait_for "record 4 of 7"
keys Enter
keys F3
check "F3 shows the labeling layout" wait_for "bel text"
keys F1
check "F1 back to the overview" wait_for "curves"
keys Tab
type_line 'label "nlone\ntwo" "new\nlabel"'
check "the REPL shows the edit with the id and label escaped" wait_for 'label nlone\ntwo: red\x1b[31m -> new\nlabel'
type_line 'label "no\nsuch" x'
check "an error quotes the id escaped, on one line" wait_for "label: no record 'no\\nsuch'"
type_line 'echo done'
check "the REPL answers" wait_for "done"
check "the window title was never set" [ "$(tx display -p -t main '#{pane_title}')" != "pwned" ]
check "the clipboard was never set" [ -z "$(tx list-buffers 2>/dev/null)" ]
check "no bell reached the terminal" [ "$(tx display -p -t main '#{window_bell_flag}')" = 0 ]
check "the frame is whole" framed
esc
keys q
check "quits with the terminal restored" restored
