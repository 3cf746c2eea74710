# The quality view at 80x24: `quality leak` opens the records of a group
# that spans train and test in the data pane, members together; key L
# moves the group into the split of the record under the cursor (a
# journaled edit), `undo` puts it back, and key X deletes the member in
# the other split. `quality dup` lists the group whose labels disagree.
. tests/lib.sh
. tests/tui/tui.inc

python3 tests/data/gen-quality.py "$T/q.jsonl"

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
