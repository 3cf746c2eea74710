# The quality view at 80x24: `quality leak` opens the records of a group
# that spans train and test in the data pane, members together; key L
# moves the group into the split of the record under the cursor (a
# journaled edit), `undo` puts it back, and key X deletes the member in
# the other split. `quality dup` lists the group whose labels disagree.
. tests/lib.sh
. tests/tui/tui.inc

python3 - "$T/q.jsonl" <<'PY'
import json, sys
rows = [
    ("a1", "The invoice for March was charged twice to our company card", "billing", "train"),
    ("b1", "Please add a dark mode to the calendar view on mobile devices", "feature", "train"),
    ("a2", "the invoice for March was charged twice to our company card.", "billing", "test"),
    ("b2", "PLEASE add a dark mode to the calendar  view on mobile devices", "bug", "train"),
]
words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
for i in range(20):
    rows.append(("r%02d" % i, " ".join(words[(i + k * 3) % 13] + str(i * k) for k in range(8)),
                 "bug" if i % 2 else "billing", "train" if i % 4 else "valid"))
with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps({"id": r[0], "text": r[1], "label": r[2], "split": r[3]}) + "\n")
PY

tui_start 80 24 --no-session "$T/q.jsonl"
check "opens" wait_status "READY"
keys Tab
type_line "zoom"
type_line "quality"
check "quality opens the quality view" wait_for "quality · Enter opens · r again · Esc"
keys Escape
check "Esc closes it" wait_gone "quality · Enter opens"
check "quality counts the findings" wait_for "2 leaking across splits (leak)"
check "and says how to open them" wait_for "open one with: quality dup|near-dup|leak|outlier[=KIND]"
type_line "quality leak"
check "quality leak opens the filter" wait_for "filter leak: 2 of 24 records, groups together"
type_line "zoom"
esc
keys F2
check "the data pane lists the leak" wait_for "data · 2 of 24 records · leak"
check "the train member" shows_re "a1 +billing train"
check "the test member" shows_re "a2 +billing test"
keys L
check "L moves the group into the cursor's split" wait_for "unleak: moved 1 record to train"
check "a2 is in train now" shows_re "a2 +billing train"
keys Tab
type_line "undo"
check "undo puts it back" wait_for 'undid move a2: "train" -> "test"'
esc
check "a2 is in test again" shows_re "a2 +billing test"
keys X
check "X deletes the other split's member" wait_for "unleak: deleted 1 record"
keys Tab
type_line "quality dup"
check "dup: the case/space duplicates with other labels" wait_for "filter dup: 2 of 24 records"
esc
check "b1 listed" shows_re "b1 +feature"
check "b2 listed" shows_re "b2 +bug"
check "the screen stays framed" framed
tui_stop
