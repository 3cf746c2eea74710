# The quality view (key Q, or `quality` in the workbench) at 80x24 and
# 120x40: one row a kind of finding with its count - duplicates (the group
# whose labels disagree said first), near duplicates, leaks, outliers by
# kind, class balance per split, likely label errors with their run's
# state; Enter on a row opens its filter in the data pane with the
# members of a group together; after an edit (L moves the leaking group)
# the view counts again; Esc closes it.
. tests/lib.sh
. tests/tui/tui.inc

python3 tests/data/gen-quality.py "$T/q.jsonl" --empty
mkdir "$T/fresh"
cp "$T/q.jsonl" "$T/fresh/q.jsonl"	# the first run's edits are journaled beside q.jsonl

tui_start 80 24 --no-session "$T/q.jsonl"
check "opens" wait_status "READY"
keys Q
check "Q opens the quality view" wait_for "quality · Enter opens · r again · Esc"
check "duplicates: b1 and b2, whose labels disagree, said first" \
	shows_re "duplicates +2 records in 1 group; labels differ in 1 \(first\)"
check "near duplicates counted (a1 and a2 too)" shows_re "near duplicates +4 records in 2 groups; labels differ in 1 \(first\)"
check "leaks counted" shows_re "leaks +2 records in 1 group span train and valid/test"
check "outliers by kind" shows_re "  empty +1"
check "the unknown kind says how to check it" shows "not checked: check --model MODEL"
check "class balance per split" shows_re "balance train +3 classes < 1000 \(least: feature 1\)"
check "label errors with their state" shows "not run: label-errors run"
check "the view is framed" framed
check "the cursor row's filter is named" wait_for "Enter: filter dup"
keys j j
check "Down moves to leaks" wait_for "Enter: filter leak"
keys Enter
check "Enter opens the leak filter in the data pane" wait_for "data · 2 of 25 records · leak"
check "the view closed" wait_gone "quality · Enter opens"
check "the train member" shows_re "a1 +billing +train"
check "the test member" shows_re "a2 +billing +test"
keys L
check "L moves the group into the cursor's split" wait_for "unleak: moved 1 record to train"
keys Q
check "the view again" wait_for "quality · Enter opens"
check "counted again after the edit: no leak" shows_re "leaks +0 records in 0 groups"
check "the cursor stayed on leaks" shows "Enter: filter leak"
keys k
check "Up goes back to near duplicates" wait_for "Enter: filter near-dup"
keys Escape
check "Esc closes it" wait_gone "quality · Enter opens"
check "the screen stays framed" framed
tui_stop

tui_start 120 40 --no-session "$T/fresh/q.jsonl"
check "opens at 120x40" wait_status "READY"
keys Tab
type_line "quality"
check "quality opens the view" wait_for "quality · Enter opens · r again · Esc"
check "its rows at 120 columns" shows_re "balance test +3 classes < 1000 \(least: feature 0\); split < 1000"
check "framed at 120x40" framed
keys j j j
check "Down three times: outliers" wait_for "Enter: filter outlier"
keys Enter
check "outliers open from the view" wait_for "data · 1 of 25 records · outlier"
check "framed after" framed
tui_stop
