#!/usr/bin/env python3
"""Build the bundled demo dataset from messages.tsv.

Reads  sessions/demo/messages.tsv       (intent<TAB>message, hand-written)
Writes sessions/demo/tickets.jsonl      (the demo dataset)
       tests/data/demo-wrong-labels.tsv (records whose label was flipped on purpose)

Deterministic: a fixed seed, stdlib only.  Re-running produces identical files.

What the generated data contains, on purpose:
  * extra fields (channel, created) so tests can check unknown fields survive;
  * ~15% unlabeled records ("label": null);
  * ~3% exact or near duplicates of other records, with their own ids;
  * ~4% of labeled records with a plausible but wrong label (listed in the TSV).
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 20260412
UNLABELED_FRAC = 0.15
DUP_FRAC = 0.03
FLIP_FRAC = 0.04

INTENTS = ["billing", "account_access", "bug_report", "feature_request",
           "cancellation", "shipping", "how_to"]

# Plausible confusions: a flipped label goes to one of these.
CONFUSIONS = {
    "billing": ["cancellation", "account_access", "shipping"],
    "account_access": ["bug_report", "how_to"],
    "bug_report": ["how_to", "feature_request", "account_access"],
    "feature_request": ["how_to", "bug_report"],
    "cancellation": ["billing", "account_access"],
    "shipping": ["billing", "bug_report"],
    "how_to": ["feature_request", "account_access", "bug_report"],
}

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MESSAGES = os.path.join(HERE, "messages.tsv")
TICKETS = os.path.join(HERE, "tickets.jsonl")
WRONG = os.path.join(ROOT, "tests", "data", "demo-wrong-labels.tsv")


def read_messages(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 2 or not parts[1].strip():
                sys.exit(f"{path}:{lineno}: expected intent<TAB>message")
            intent, text = parts
            if intent not in INTENTS:
                sys.exit(f"{path}:{lineno}: unknown intent {intent!r}")
            out.append((intent, text))
    seen = set()
    for intent, text in out:
        if text in seen:
            sys.exit(f"{path}: duplicate message: {text}")
        seen.add(text)
    return out


def typo(rng, text):
    """Swap two adjacent letters inside one longer word."""
    words = text.split(" ")
    cands = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not cands:
        return None
    i = rng.choice(cands)
    w = words[i]
    for _ in range(10):
        j = rng.randrange(1, len(w) - 2)
        if w[j] != w[j + 1]:
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            return " ".join(words)
    return None


def near_copy(rng, text):
    """Return (variant_text, kind); kind 'exact' means an identical copy."""
    kinds = ["exact", "exact", "lower", "bang", "space", "typo", "trail"]
    for _ in range(20):
        kind = rng.choice(kinds)
        if kind == "exact":
            return text, kind
        if kind == "lower":
            v = text.lower()
        elif kind == "bang":
            v = text.rstrip(".!?") + "!"
        elif kind == "space":
            sp = [i for i, c in enumerate(text) if c == " "]
            if not sp:
                continue
            i = rng.choice(sp)
            v = text[:i] + " " + text[i:]
        elif kind == "trail":
            v = text + " "
        else:
            v = typo(rng, text)
            if v is None:
                continue
        if v != text:
            return v, kind
    return text, "exact"


def main():
    rng = random.Random(SEED)
    msgs = read_messages(MESSAGES)
    rng.shuffle(msgs)

    # records: dicts with internal keys; 'dup_of' points at a duplicate's source
    recs = [{"text": t, "true": i, "dup_of": None, "kind": None} for i, t in msgs]

    n_dup = round(DUP_FRAC * len(recs))
    sources = rng.sample(range(len(recs)), n_dup)
    dups = []
    for s in sources:
        text, kind = near_copy(rng, recs[s]["text"])
        dups.append({"text": text, "true": recs[s]["true"],
                     "dup_of": recs[s], "kind": kind})
    # insert each duplicate at a random position after its source
    for d in dups:
        pos = recs.index(d["dup_of"])
        recs.insert(rng.randrange(pos + 1, len(recs) + 1), d)

    n = len(recs)
    for k, r in enumerate(recs, 1):
        r["id"] = f"t{k:04d}"

    # monotone creation times over Q1 2026
    start = datetime(2026, 1, 5, 8, 0, 0, tzinfo=timezone.utc)
    span = int(timedelta(days=85).total_seconds())
    stamps = sorted(rng.randrange(span) for _ in range(n))
    for r, s in zip(recs, stamps):
        r["created"] = (start + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
        r["channel"] = rng.choices(["email", "chat", "phone"], [50, 35, 15])[0]

    # unlabeled
    unl = set(rng.sample(range(n), round(UNLABELED_FRAC * n)))
    for k, r in enumerate(recs):
        r["label"] = None if k in unl else r["true"]

    # flips: labeled records that are neither duplicates nor duplicated,
    # so the wrong-label list and the duplicate pairs stay separate cases
    in_dup = {id(d) for d in dups} | {id(d["dup_of"]) for d in dups}
    cand = [r for r in recs if r["label"] is not None and id(r) not in in_dup]
    labeled = sum(1 for r in recs if r["label"] is not None)
    flipped = rng.sample(cand, round(FLIP_FRAC * labeled))
    for r in flipped:
        r["label"] = rng.choice(CONFUSIONS[r["true"]])
    flipped.sort(key=lambda r: r["id"])

    with open(TICKETS, "w", encoding="utf-8", newline="\n") as f:
        for r in recs:
            obj = {"id": r["id"], "text": r["text"], "label": r["label"],
                   "channel": r["channel"], "created": r["created"]}
            f.write(json.dumps(obj, ensure_ascii=False) + "\n")

    os.makedirs(os.path.dirname(WRONG), exist_ok=True)
    with open(WRONG, "w", encoding="utf-8", newline="\n") as f:
        f.write("id\tgiven\ttrue\n")
        for r in flipped:
            f.write(f"{r['id']}\t{r['label']}\t{r['true']}\n")

    # summary
    print(f"wrote {os.path.relpath(TICKETS, ROOT)}: {n} records "
          f"({len(msgs)} messages + {len(dups)} duplicates)")
    print(f"wrote {os.path.relpath(WRONG, ROOT)}: {len(flipped)} flipped labels")
    print("labels as written (flipped included):")
    for intent in INTENTS:
        c = sum(1 for r in recs if r["label"] == intent)
        print(f"  {intent:16s} {c:4d}")
    print(f"  {'(unlabeled)':16s} {len(unl):4d}")
    kinds = {}
    for d in dups:
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    print(f"duplicates: {len(dups)} "
          + "(" + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) + ")")
    print(f"flipped: {len(flipped)} of {labeled} labeled")


if __name__ == "__main__":
    main()
