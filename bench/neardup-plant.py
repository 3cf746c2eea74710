#!/usr/bin/env python3
"""neardup-plant.py IN OUT TRUTH [--copies 500] [--seed 1] [--min-words 20]

Plant edited copies of records in a JSONL dataset for bench/neardup.sh.
Each copy is a record of at least --min-words words (whitespace-separated)
with 1 to 3 edits, each one of: change a word (to another word of the
corpus), add a word, drop a word. The copy gets id "plant-N" and the
source's label and split; OUT is IN followed by the copies; TRUTH has one
line "plant-N<TAB>source id<TAB>edits" a copy. When fewer records are long
enough, sources repeat (each copy edited on its own). Standard library
only; deterministic for a seed.
"""
import argparse
import json
import random


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("truth")
    ap.add_argument("--copies", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-words", type=int, default=20)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    recs = []
    with open(a.inp, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                recs.append(json.loads(line))
    vocab = sorted({w for r in recs for w in r["text"].split()})
    long_ones = [i for i, r in enumerate(recs) if len(r["text"].split()) >= a.min_words]
    if not long_ones:
        raise SystemExit("neardup-plant: no record has %d words" % a.min_words)
    sources = rng.sample(long_ones, a.copies) if len(long_ones) >= a.copies else \
        [rng.choice(long_ones) for _ in range(a.copies)]
    with open(a.out, "w", encoding="utf-8") as out, open(a.truth, "w", encoding="utf-8") as tr:
        for r in recs:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
        for n, i in enumerate(sources):
            src = recs[i]
            words = src["text"].split()
            edits = []
            for _ in range(rng.randint(1, 3)):
                op = rng.choice(["change", "add", "drop"])
                at = rng.randrange(len(words))
                if op == "change":
                    words[at] = rng.choice(vocab)
                elif op == "add":
                    words.insert(at, rng.choice(vocab))
                else:
                    del words[at]
                edits.append(op)
            copy = dict(src)
            copy["id"] = "plant-%d" % (n + 1)
            copy["text"] = " ".join(words)
            out.write(json.dumps(copy, ensure_ascii=False) + "\n")
            tr.write("%s\t%s\t%s\n" % (copy["id"], src.get("id", str(i + 1)), ",".join(edits)))


main()
