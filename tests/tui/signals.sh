# Terminal hygiene: SIGTERM and SIGHUP checkpoint a live run into its run
# directory, save the state beside the session, and restore
# the terminal; Ctrl-C quits an idle workbench; Ctrl-Z and SIGCONT give the
# terminal back and take it again; NO_COLOR means no colors.
. tests/lib.sh
. tests/tui/tui.inc

long_session "$T/long.yaml"
demo_session "$T/demo.yaml"

for sig in TERM HUP; do
	rm -rf "$T/long.runs" "$T/long.state.yaml"
	cp "$T/long.yaml" "$T/long.orig"
	tui_start 80 24 "$T/long.yaml"
	wait_status "READY"
	keys t
	wait_status "RUNNING"
	kill -s "$sig" "$(tui_pid)"
	check "SIG$sig: the terminal is restored" restored
	check "SIG$sig: the run was checkpointed first" test -s "$T/long.runs/1/checkpoint.safetensors"
	check "SIG$sig: the checkpoint is reported" wait_for "checkpoint written"
	check "SIG$sig: the state is saved with the checkpoint" \
		grep -qx "checkpoint: long.runs/1/checkpoint.safetensors" "$T/long.state.yaml"
	check "SIG$sig: and says so" wait_for "state saved to $T/long.state.yaml"
	check "SIG$sig: the person's session file is untouched" cmp -s "$T/long.yaml" "$T/long.orig"
	tui_stop
done

alternate_off() { [ "$(tx display -p -t main '#{alternate_on}')" = 0 ]; }
tui_shell 80 24 "$T/demo.yaml"
wait_status "READY"
keys C-z
check "Ctrl-Z gives the terminal back to the shell" \
	wait_until 30 alternate_off
type_line "fg"
check "fg takes it again and redraws" wait_status "READY"
check "redrawn framed" framed
keys C-c
check "Ctrl-C quits an idle workbench: the shell's screen is back" \
	wait_until 30 alternate_off
type_line 'echo "FG $?"; stty -a | tr " ;" "\n\n" | grep -x -e icanon -e echo | tr "\n" " "; echo MODES'
check "tunetop exited 0 after fg and Ctrl-C" wait_for "FG 0"
check "the terminal modes are restored" wait_for "icanon echo MODES"
tui_stop

TUI_ENV="NO_COLOR=1"
tui_start 80 24 "$T/demo.yaml"
wait_status "READY"
check "NO_COLOR: no colors" sh -c '! tmux -L '"$TMUX_SOCK"' capture-pane -e -p -t main | grep -q "[34]8;5;"'
check "NO_COLOR: the status bar is still set apart" sh -c 'tmux -L '"$TMUX_SOCK"' capture-pane -e -p -t main | tail -n 1 | grep -q "7m"'
keys q
check "quits" restored
