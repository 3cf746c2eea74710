# The data pane with short label names and confident predictions: every
# column sits under its header (conf under "conf", not under "predicted"),
# and the confidence keeps enough digits to tell rows apart.
. tests/lib.sh
. tests/tui/tui.inc

awk 'BEGIN { srand(5); split("a b c", L, " ")
	for (i = 0; i < 300; i++) { c = i % 3 + 1; t = ""
		for (k = 0; k < 5; k++) t = t (rand() < 0.8 ? "w" c : "w" int(rand() * 3 + 1)) " "
		printf "{\"id\":\"%d\",\"text\":\"%send\",\"label\":\"%s\"}\n", i, t, L[c] } }' > "$T/short.jsonl"
tui_start 80 24 --set epochs=30 --set threads=1 --set buckets=10000 --set dim=16 "$T/short.jsonl"
check "opens" wait_status "READY"
keys t
check "the run finishes" wait_status "DONE" 60
keys F2
check "the data pane shows predictions" wait_for "predicted"
distinct() {
	n=$(screen | awk '/│id / { h = index($0, "conf"); next } /│─/ { h = 0 }
		h && /^│[0-9]+ / { print substr($0, h, 6) }' | sort -u | wc -l)
	[ "$n" -ge 2 ]
}
check "confident rows are told apart in file order (not all 1.00)" distinct
keys o
type_line "conf desc"
check "sorted by confidence" wait_for "conf↓"
# Column of "conf" in the header, and the rows' values at that column.
aligned() {
	screen | awk '
		/│id / { h = index($0, "conf"); found = h; next }
		/│─/ { h = 0 }
		h && /^│[0-9]+ / { n++; v = substr($0, h, 1); if (v !~ /[0-9-]/) bad++ }
		END { exit !(found > 0 && n >= 5 && bad == 0) }'
}
check "conf values sit under the conf header" aligned
check "the header is not wider than the rows" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -p -t main | grep -q "│id  *label  *split  *flg  *predicted  *conf↓ *text"'
keys q
check "quits" restored
exit $_failed
