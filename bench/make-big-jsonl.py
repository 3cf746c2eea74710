#!/usr/bin/env python3
"""make-big-jsonl.py OUT [--records N] [--seed S]

Write a synthetic JSONL dataset for tunetop's load benchmark: by default
1,000,000 records of about 200 bytes each (about 200 MB), deterministic for a
given seed (same bytes on every run and Python 3 version: only random.random()
based calls are used).

Each line is one object with four fields, in this order:
  id      "big-0000001" ...
  text    a sentence of made-up words drawn from a Zipf-like vocabulary, with
          some Unicode (accented Latin, Greek, CJK, emoji) in about 1 line in
          10; about 3% of lines contain characters JSON must escape (\\" \\n
          \\t \\\\), and 2% always hold a non-ASCII word and are written
          with ASCII-only escapes, so e.g. "e acute" appears as \\u00e9 and
          non-BMP characters as surrogate pairs
  label   one of 10 labels, with skewed frequencies
  source  an extra field the loader must carry through untouched
          (one of 7 short strings)
Python standard library only.
"""

import argparse
import json
import os
import random
import sys

LABELS = ["billing", "shipping", "returns", "account", "technical",
          "sales", "feedback", "complaint", "privacy", "other"]
LABEL_WEIGHTS = [18, 16, 12, 11, 10, 9, 8, 7, 5, 4]
SOURCES = ["email", "chat", "phone", "web-form", "forum", "social", "api"]
UNICODE_WORDS = ["café", "naïve", "façade", "résumé", "über", "Ærø", "smörgåsbord",
                 "piñata", "Straße", "crème", "jalapeño", "coöperate",
                 "αβγ", "δοκιμή", "Москва", "привет", "日本語", "東京",
                 "中文", "한국어", "😀", "🚀", "✓", "→", "€5", "½", "—"]
ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "qu", "r",
          "s", "t", "v", "w", "z", "br", "ch", "cl", "dr", "fl", "gr", "pl",
          "pr", "sh", "sl", "st", "str", "th", "tr", ""]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "y"]
CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "ck", "st", "x"]
SPECIAL = ['"quoted"', 'say "hi"', "back\\slash", "C:\\temp", "tab\there",
           "line\nbreak", "two\n\nlines", "end.\n"]


def pick(rng, seq):
    return seq[int(rng.random() * len(seq))]


def make_vocab(rng, n):
    words, seen = [], set()
    while len(words) < n:
        w = "".join(pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, CODAS)
                    for _ in range(1 + int(rng.random() * 2)))
        if w and w not in seen:
            seen.add(w)
            words.append(w)
    return words


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="output path (written via OUT.tmp, then renamed)")
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240917)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    vocab = make_vocab(rng, 20000)
    # Zipf-like weights: word k has weight 1/(k+10).
    cum, total = [], 0.0
    for k in range(len(vocab)):
        total += 1.0 / (k + 10)
        cum.append(total)
    label_cum, t = [], 0
    for w in LABEL_WEIGHTS:
        t += w
        label_cum.append(t)

    tmp = args.out + ".tmp"
    nbytes = 0
    with open(tmp, "wb", buffering=1 << 20) as f:
        buf = []
        for i in range(args.records):
            # 3..31 words, mostly 12..22: mean text length about 120 bytes.
            nw = 3 + int(rng.random() * 8) + int(rng.random() * 8) \
                + int(rng.random() * 8) + int(rng.random() * 8)
            words = rng.choices(vocab, cum_weights=cum, k=nw)
            ascii_only = rng.random() < 0.02
            if ascii_only or rng.random() < 0.08:
                words[int(rng.random() * nw)] = UNICODE_WORDS[int(rng.random() * len(UNICODE_WORDS))]
            r = rng.random()
            if r < 0.03:
                words[int(rng.random() * nw)] = SPECIAL[int(rng.random() * len(SPECIAL))]
            words[0] = words[0].capitalize()
            text = " ".join(words) + pick(rng, ".....??!")
            rec = {
                "id": "big-%07d" % (i + 1),
                "text": text,
                "label": rng.choices(LABELS, cum_weights=label_cum)[0],
                "source": SOURCES[int(rng.random() * len(SOURCES))],
            }
            line = json.dumps(rec, ensure_ascii=ascii_only, separators=(", ", ": "))
            buf.append(line)
            if len(buf) == 10000:
                data = ("\n".join(buf) + "\n").encode("utf-8")
                f.write(data)
                nbytes += len(data)
                buf = []
        if buf:
            data = ("\n".join(buf) + "\n").encode("utf-8")
            f.write(data)
            nbytes += len(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, args.out)
    print("make-big-jsonl: %s: %d records, %d bytes (%.1f MB, %.1f bytes/line)"
          % (args.out, args.records, nbytes, nbytes / 1e6, nbytes / max(args.records, 1)))


if __name__ == "__main__":
    sys.exit(main())
