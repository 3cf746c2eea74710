# gen-quality.py OUT [--empty] - the quality tests' JSONL data: two exact
# duplicate pairs after normalization (a1/a2 spans train and test: a leak;
# b1/b2 with labels that disagree), 20 distinct records in train and valid,
# and with --empty a whitespace-only text (an outlier). For tests/tui/quality*.sh.
import json, sys

rows = [
    ("a1", "The invoice for March was charged twice to our company card", "billing", "train"),
    ("b1", "Please add a dark mode to the calendar view on mobile devices", "feature", "train"),
    ("a2", "the invoice for March was charged twice to our company card.", "billing", "test"),
    ("b2", "PLEASE add a dark mode to the calendar  view on mobile devices", "bug", "train"),
]
if "--empty" in sys.argv[2:]:
    rows.append(("e1", "   ", "bug", "train"))
words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike".split()
for i in range(20):
    rows.append(("r%02d" % i, " ".join(words[(i + k * 3) % 13] + str(i * k) for k in range(8)),
                 "bug" if i % 2 else "billing", "train" if i % 4 else "valid"))
with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps({"id": r[0], "text": r[1], "label": r[2], "split": r[3]}) + "\n")
