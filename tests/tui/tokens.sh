# Key T in the label pane at 80x24: the BPE tokenization of the record on
# screen, as `tokens` prints it; without a tokenizer, a message saying how
# to load one; after `tokenizer VOCAB MERGES`, GPT-2's pieces and ids of
# the record's text (here a1's, then a2's after moving on).
. tests/lib.sh
. tests/tui/tui.inc

cat > "$T/t.jsonl" <<'JSONL'
{"id": "a1", "text": "Hello world, it's a tokenizer test"}
{"id": "a2", "text": "second record here"}
JSONL

tui_start 80 24 --no-session "$T/t.jsonl"
check "opens" wait_status "READY"
keys F3
check "the label pane shows a1" wait_for "Hello world, it's a tokenizer test"
keys T
check "T without a tokenizer says how to load one" \
	wait_for "tokens-record: no BPE tokenizer loaded (tokenizer VOCAB MERGES loads GPT-2's"
keys Tab
type_line "tokenizer $DATA/gpt2/encoder.json $DATA/gpt2/vocab.bpe"
check "the tokenizer loads" wait_for "tokenizer: 50257 tokens, 50000 merges"
esc
keys T
check "T shows the record's pieces and ids" wait_for '"Hello"=15496 | " world"=995 | ","=11'
check "and the counts" wait_for "9 tokens, 8 pre-tokens, 34 bytes"
keys n
check "the next record" wait_for "2 of 2"
keys T
check "T follows the record on screen" wait_for '"second"=12227 | " record"=1700 | " here"=994'
check "its counts" wait_for "3 tokens, 3 pre-tokens, 18 bytes"
check "the screen stays framed" framed
tui_stop
