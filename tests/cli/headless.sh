# Headless driver: -e, --script, --set, --config, sessions; the first
# failing command stops the run with a non-zero status.
. tests/lib.sh

run "$TUNETOP" --version
expect_rc "version exits 0" 0
expect_out "version prints the version" "tunetop 0."

run "$TUNETOP" --help
expect_out "help shows usage" "usage: tunetop"
expect_out "help lists check" "tunetop check"

run "$TUNETOP" --bogus
expect_rc "unknown flag is a usage error" 2
expect_err "unknown flag named" "unknown option '--bogus'"

run "$TUNETOP" --headless -e "load $DATA/small.jsonl; split 50/25/25; stats"
expect_rc "load, split, stats" 0
expect_out "stats counts records" "records      8"
expect_out "stats shows the unlabeled" "unlabeled    1"
expect_out "split reports counts" "split (seed 42"

run "$TUNETOP" -e "load $DATA/small.jsonl; frobnicate; echo after"
expect_rc "failing command exits 1" 1
expect_err "failing command named" "unknown command 'frobnicate'"
if grep -q after "$T/out"; then not_ok "commands after a failure do not run"; else
	ok "commands after a failure do not run"; fi

run "$TUNETOP" -e "s"
expect_err "ambiguous prefix lists candidates" "ambiguous command 's' (could be save, split, stats"

run "$TUNETOP" -e "set lr fast"
expect_rc "bad value fails" 1
expect_err "bad value explained" "lr: 'fast' is not a number"

run "$TUNETOP" -e "set epochs 3; show epochs"
expect_out "set then show" "epochs = 3"

printf 'echo one\n# a comment\nload %s\nbogus here\necho never\n' "$DATA/small.jsonl" > "$T/script.tt"
run "$TUNETOP" --script "$T/script.tt"
expect_rc "script failure exits 1" 1
expect_err "script error has file:line" "$T/script.tt:4: unknown command 'bogus'"
expect_out "script ran the lines before" "loaded 8 records"

run "$TUNETOP" --set lr=abc -e "show lr"
expect_rc "--set bad value fails" 1
expect_err "--set names the option" "--set lr=abc: lr: 'abc' is not a number"

printf 'lr: 0.2\nepochs: 5\nbogus_key: 1\n' > "$T/cfg.yaml"
run "$TUNETOP" --config "$T/cfg.yaml" -e "show lr"
expect_rc "bad config fails" 1
expect_err "bad config key has file:line:col" "$T/cfg.yaml:3:1: unknown option 'bogus_key'"

printf 'lr: 0.2\nepochs: 5\n' > "$T/cfg.yaml"
run "$TUNETOP" --config "$T/cfg.yaml" --set epochs=7 -e "show lr; show epochs"
expect_out "config applied" "lr = 0.2"
expect_out "--set after config wins" "epochs = 7"

run "$TUNETOP" --headless sessions/demo.yaml -e "labels"
expect_rc "demo session opens headless" 0
expect_out "demo labels in schema order" "billing"
if head -1 "$T/out" | grep -q '^billing'; then ok "schema order kept"; else
	not_ok "schema order kept" "$(head -3 "$T/out")"; fi

printf 'name: x\ndata: small.jsonl\ncolour: blue\n' > "$T/bad.yaml"
run "$TUNETOP" --headless "$T/bad.yaml" -e "stats"
expect_rc "bad session fails" 1
expect_err "bad session key has line:col" "bad.yaml:3:1: unknown session key 'colour'"

printf 'options:\n  epochs: 0\n' > "$T/bad2.yaml"
run "$TUNETOP" --headless "$T/bad2.yaml" -e "show epochs"
expect_err "bad session option has line:col" "bad2.yaml:2:11: epochs: 0 is out of range"

# A split made by `split` lives in the session: a plain save leaves the
# records as they were (and says so); `save ... with-split` writes it.
run "$TUNETOP" -e "load $DATA/small.jsonl; split 50/50 seed 3; save $T/nosplit.jsonl"
expect_out "save says where the split stays" "the split of 8 records stays in the session"
expect_same "a plain save does not write the split" "$DATA/small.jsonl" "$T/nosplit.jsonl"
run "$TUNETOP" -e "load $DATA/small.jsonl; split 50/50 seed 3; save $T/split.jsonl with-split"
run "$TUNETOP" check --json "$T/split.jsonl"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["splits"]["train"]+d["splits"]["valid"]==8 and d["splits"]["none"]==0 else 1)' "$T/out"; then
	ok "saved split survives a reload"; else not_ok "saved split survives a reload" "$(cat "$T/out")"; fi
run "$TUNETOP" -e "load $T/split.jsonl; split 10/90 seed 9"
expect_out "existing split is respected" "train 5, valid 3"
run "$TUNETOP" -e "load $T/split.jsonl; split 0/1 seed 9 reset"
expect_out "reset re-splits" "train 0, valid 8"

run "$TUNETOP" -e "preset ngram-adamw; show lr; show optimizer"
expect_rc "preset applies" 0
expect_out "preset sets an AdamW learning rate" "lr = 0.01"
expect_out "preset sets the optimizer" "optimizer = adamw"
run "$TUNETOP" -e "preset nope"
expect_err "unknown preset named" "unknown preset 'nope'"
