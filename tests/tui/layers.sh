# The layers view of the curves pane (key w): a gpt-tiny classifier on the
# demo at 80x24 and 120x40 shows one row per layer (embed, block 0,
# block 1, ln_f, head) with its latest gradient norm and update ratio,
# and the values change as the run steps on; w again brings the curves back.
. tests/lib.sh
. tests/tui/tui.inc

# The numbers of the embed row: "embed ... 3.1e-01 1.2e-03".
embed_vals() { screen | grep '│embed ' | head -1 | tr '│' ' ' | awk '{ print $(NF - 1), $NF }'; }
vals_not() { v=$(embed_vals); [ -n "$v" ] && [ "$v" != "$1" ]; }
has_ratio() { embed_vals | grep -Eq ' [0-9]\.[0-9]e-[0-9]+$'; }

for size in "80 24" "120 40"; do
	set -- $size
	# a session file per size: its own runs and state, nothing reopened
	demo_session "$T/demo-$1.yaml"
	tui_start "$1" "$2" "$T/demo-$1.yaml"
	check "$1x$2: opens the session" wait_status "READY"
	keys Tab
	type_line "split 80/10/10"
	type_line "preset gpt-tiny"
	type_line "set dim 32"
	type_line "set heads 2"
	type_line "set context 32"
	type_line "set vocab_size 300"
	type_line "set log_every 2"
	type_line "set eval_every 0"
	type_line "layers"
	check "$1x$2: the layers view opens" wait_for "layers · w: curves"
	type_line "step 6"
	check "$1x$2: a gpt run steps and pauses" wait_status "PAUSED" 60
	esc
	check "$1x$2: a row per layer" wait_for "layers · step 6 · 5 layers"
	for l in embed "block 0" "block 1" ln_f head; do
		check "$1x$2: a row for $l" shows_re "│$l +"
	done
	check "$1x$2: its columns" shows "grad"
	check "$1x$2: the update ratio after two points" wait_until 30 has_ratio
	before=$(embed_vals)
	keys Tab
	type_line "step 6"
	esc
	check "$1x$2: values change as it trains" wait_until 60 vals_not "$before"
	check "$1x$2: the title follows the step" wait_for "layers · step 12"
	keys w
	check "$1x$2: w brings the curves back" wait_gone "layers · step"
	tui_stop
done

[ "$_failed" -eq 0 ]
