# The confusion pane hides nothing silently: with 8 classes at 80x24 it says
# how many columns and rows are off screen and scrolls to them; with 39
# classes at 120x40 the top-confusions view lists the worst pairs and opens
# their records; rows sort by errors; `eval test` in the REPL prints its
# figures and the pane shows the test split, marked as such; multi-label
# data gets a per-label table and a finite validation loss.
. tests/lib.sh
. tests/tui/tui.inc

sh tests/data/gen-classes.sh 8 > "$T/c8.jsonl"
tui_start 80 24 --set epochs=3 --set threads=1 --set buckets=10000 --set dim=16 "$T/c8.jsonl"
check "opens 8 classes" wait_status "READY"
keys t
check "the run finishes" wait_status "DONE" 60
check "an evaluation fills the matrix" wait_for "confusion · step"
check "80x24, 8 classes: the hidden columns are counted" wait_for "+2›"
check "and the hidden row" wait_for "+1↓"
check "column labels are told apart (class_00 -> _00)" wait_for "_00 _01 _02"
keys F6
check "focused: the cursor column's full name is the legend" wait_for "col class_00"
keys l l l l l l l
check "l scrolls right to the last column" wait_for "col class_07"
check "the columns scrolled off to the left are counted" wait_for "‹+2"
keys G
check "G goes to the last row, the rows above are counted" wait_for "+1↑"
check "the last class is on screen" wait_for "class_07  "

keys o
check "o sorts the rows by errors" wait_for "by errors"
keys v v
check "v v: the per-class table" wait_for "· per class"
check "with the support of each class" wait_for "label         P     R    F1   n"
keys v
check "v again: back to the matrix" wait_for "confusion · col"
keys Tab
type_line "eval test"
check "eval test in the REPL prints its figures" \
	wait_for "test: accuracy"
check "the pane shows the test split, marked" wait_for "confusion · TEST split"
type_line "focus confusion"
keys T
check "T goes back to the validation split" wait_for "confusion · col"
check "no TEST mark on it" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "TEST split"'
keys q
check "quits" restored
tui_stop

sh tests/data/gen-classes.sh 39 2400 > "$T/c39.jsonl"
tui_start 120 40 --set epochs=2 --set threads=1 --set lr=0.2 --set buckets=10000 --set dim=16 "$T/c39.jsonl"
check "opens 39 classes" wait_status "READY"
keys t
check "the 39-class run finishes" wait_status "DONE" 60
check "an evaluation of 39 classes" wait_for "confusion · step"
check "120x40, 39 classes: the hidden columns are counted" \
	sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -Eq "\+[0-9]+( more)?›"'
check "and the hidden rows" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -Eq "\+[0-9]+↓"'
keys F6 v
check "v: the top confusions" wait_for "errors  true → predicted"
check "with how many pairs there are" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -Eq "1-[0-9]+ of [0-9]+ pairs"'
line=$(screen | grep -E "^│ +[0-9]+  class_[0-9]+ → class_[0-9]+" | head -1)
pair=$(echo "$line" | sed -E 's/^│ +([0-9]+)  (class_[0-9]+) → (class_[0-9]+).*/\1 \2 \3/')
set -- $pair
keys Enter
check "Enter opens the records of the first pair ($2 -> $3)" wait_for "true $2, predicted $3"
check "as many as it counts ($1)" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -J -t main | grep -q "│'"$1"' valid records labeled '"$2"' predicted '"$3"'"'
keys q
check "quits after the 39-class run" restored
tui_stop

# Multi-label: a per-label table instead of "no confusion matrix", a finite valid loss.
sh tests/data/gen-multilabel.sh > "$T/ml.ft"
tui_start 80 24 --set epochs=3 --set threads=1 --set buckets=10000 --set dim=16 "$T/ml.ft"
check "opens multi-label data" wait_status "READY"
keys t
check "the multi-label run finishes" wait_status "DONE" 60
check "the pane shows the per-label table" wait_for "confusion · step"
check "with P, R, F1 and support" wait_for "label         P     R    F1   n"
check "one row per label" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main |
	grep -Ec "│(sports|politics|tech|music|food) +[01]\.[0-9]{2} +[01]\.[0-9]{2} +[01]\.[0-9]{2} +[0-9]+ " | grep -qx 5'
check "the valid loss is a number" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -Eq "valid loss [0-9]+\.[0-9]+"'
check "no NaN anywhere" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -qi "nan"'
keys q
check "quits after the multi-label run" restored
exit $_failed
