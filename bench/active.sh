#!/bin/sh
# bench/active.sh - the active-learning loop of issue 14 on SpamAssassin
# 3-way (easy_ham, hard_ham, spam), driven from a script through the
# headless commands: `tunetop train` on the labeled records, `tunetop eval`
# on the test split, `tunetop queue --order ORDER --model M` for the next
# 30 (bench/active.py does the loop). 30 labels to start, 30 more a round,
# 10 rounds; random order, pure uncertainty (margin) and uncertainty with
# diversity (uncertain); 3 seeds each (SEEDS=N to change).
#
# Target: the uncertain order reaches random's final macro-F1 with at most
# 70% of the labels (231 of 330). Figures: README.md, "Active learning".
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
need python3 python3
[ -x "$TUNETOP" ] || die "$TUNETOP not built (make)"
ensure_spam >/dev/null
python3 bench/active.py "$BENCH_OUT/active" "$SPAM_DIR" --seeds "${SEEDS:-3}"
