#!/usr/bin/env python3
"""neardup-score.py CHECK_JSON TRUTH DATA [--threshold T]

Score `tunetop check --near-dups --json` against neardup-plant.py's truth:
the share of planted copies found in one near-duplicate group with their
source, and the false groups: groups in which some record's exact Jaccard
similarity (character 5-gram sets of the NFKC, case-folded,
whitespace-collapsed texts, computed here independently) to every other
member is below T - 0.1 (a join the estimate should not have made).
Also counts groups with no planted copy (duplicates already in the
corpus). Prints one line of key=value pairs.
"""
import argparse
import json
import unicodedata


def norm(t):
    return " ".join(unicodedata.normalize("NFKC", t).casefold().split())


def shingles(t, k=5):
    t = norm(t)
    return {t[i:i + k] for i in range(max(1, len(t) - k + 1))} if t else set()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("check")
    ap.add_argument("truth")
    ap.add_argument("data")
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    with open(a.check, encoding="utf-8") as f:
        rep = json.load(f)
    groups = rep["findings"]["near_duplicates"]["list"]
    texts = {}
    with open(a.data, encoding="utf-8") as f:
        for n, line in enumerate(f):
            r = json.loads(line)
            texts[str(r.get("id", n + 1))] = r["text"]
    group_of = {}
    for g, grp in enumerate(groups):
        for m in grp["records"]:
            group_of[str(m["id"])] = g
    found = total = 0
    for line in open(a.truth, encoding="utf-8"):
        plant, src, _ = line.rstrip("\n").split("\t")
        total += 1
        if plant in group_of and group_of[plant] == group_of.get(src):
            found += 1
    false_groups = no_plant = 0
    for grp in groups:
        ids = [str(m["id"]) for m in grp["records"]]
        if not any(i.startswith("plant-") for i in ids):
            no_plant += 1
        sh = [shingles(texts[i]) for i in ids]
        bad = False
        for x in range(len(ids)):
            best = max((len(sh[x] & sh[y]) / max(1, len(sh[x] | sh[y]))
                        for y in range(len(ids)) if y != x), default=1.0)
            if best < a.threshold - 0.1:
                bad = True
        false_groups += bad
    print("planted=%d found=%d share=%.4f groups=%d groups_without_plant=%d false_groups=%d"
          % (total, found, found / max(1, total), len(groups), no_plant, false_groups))


main()
