#!/usr/bin/env python3
"""bench/make-many-class.py - two many-class text sets from Debian's own data.

  fortunes  one fortune cookie -> its file in the Debian package `fortunes`
            (/usr/share/games/fortunes: art, computers, cookie, definitions,
            people, science, work, ...). Files with fewer than 50 cookies are
            left out; a cookie's lines are joined by spaces; exact duplicate
            texts are kept once (a text filed under two names is dropped).
  debsec    a Debian package's description (the short line and the long text)
            -> its archive section (admin, devel, libs, python, science, ...),
            from apt's package lists (`apt-get update` fills them). Sections with
            fewer than 100 packages are left out; identical descriptions are
            kept once. Packages are split by *source* package, so the -dev,
            -doc and library siblings of one source never straddle train and
            test.

Each set is split 80/20 (seeded, stratified per label for fortunes, by source
group for debsec) and written in fastText's format, which both tools read:
    OUT/NAME/train.txt   OUT/NAME/test.txt
Usage: bench/make-many-class.py OUTDIR
"""
import glob, os, random, re, subprocess, sys
from collections import Counter, defaultdict

FORTUNE_DIR = "/usr/share/games/fortunes"

def clean(text):
    # one line, no tabs, no leading "__label__" trickery
    text = re.sub(r"\s+", " ", text).strip()
    return text.replace("__label__", "label")

def fortunes():
    by_text = {}
    for dat in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*.dat"))):
        path = dat[:-4]
        name = os.path.basename(path)
        raw = open(path, encoding="utf-8", errors="replace").read()
        items = [clean(x) for x in raw.split("\n%\n")]
        items = [x for x in items if x and x != "%"]
        if len(items) < 50:
            continue
        for x in items:
            by_text.setdefault(x, set()).add(name)
    recs = [(next(iter(labels)), text) for text, labels in by_text.items() if len(labels) == 1]
    return recs, None

def debsec():
    lists = glob.glob("/var/lib/apt/lists/*_debian_dists_bookworm_main_binary-amd64_Packages*")
    if not lists:
        sys.exit("make-many-class.py: no apt package list for bookworm main; run apt-get update")
    path = lists[0]
    if path.endswith(".lz4"):
        data = subprocess.run(["lz4", "-dc", path], check=True, capture_output=True).stdout
    elif path.endswith(".xz"):
        data = subprocess.run(["xz", "-dc", path], check=True, capture_output=True).stdout
    else:
        data = open(path, "rb").read()
    recs, groups = [], []
    for stanza in data.decode("utf-8", "replace").split("\n\n"):
        fields, last = {}, None
        for line in stanza.split("\n"):
            if line.startswith(" ") and last:
                fields[last] += "\n" + line[1:]
            elif ":" in line:
                last, _, v = line.partition(":")
                fields[last] = v.strip()
        if "Package" not in fields or "Section" not in fields or "Description" not in fields:
            continue
        sec = fields["Section"].split("/")[-1]
        desc = "\n".join(l for l in fields["Description"].split("\n") if l.strip() != ".")
        src = fields.get("Source", fields["Package"]).split(" ")[0]
        recs.append((sec, clean(desc)))
        groups.append(src)
    seen, out, outg = {}, [], []
    for (sec, text), g in zip(recs, groups):
        if text in seen:
            continue
        seen[text] = 1
        out.append((sec, text))
        outg.append(g)
    count = Counter(s for s, _ in out)
    keep = [i for i, (s, _) in enumerate(out) if count[s] >= 100]
    return [out[i] for i in keep], [outg[i] for i in keep]

def split(recs, groups, seed=20261202):
    rng = random.Random(seed)
    if groups is None:
        by = defaultdict(list)
        for r in recs:
            by[r[0]].append(r)
        train, test = [], []
        for lab in sorted(by):
            rs = by[lab]
            rng.shuffle(rs)
            k = max(1, round(len(rs) * 0.2))
            test += rs[:k]
            train += rs[k:]
    else:
        names = sorted(set(groups))
        rng.shuffle(names)
        test_groups = set(names[: len(names) // 5])
        train = [r for r, g in zip(recs, groups) if g not in test_groups]
        test = [r for r, g in zip(recs, groups) if g in test_groups]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test

def write(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for lab, text in recs:
            f.write("__label__%s %s\n" % (lab, text))

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for name, make in (("fortunes", fortunes), ("debsec", debsec)):
        recs, groups = make()
        train, test = split(recs, groups)
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        write(os.path.join(d, "train.txt"), train)
        write(os.path.join(d, "test.txt"), test)
        labels = Counter(l for l, _ in train)
        words = sum(len(t.split()) for _, t in train) / max(1, len(train))
        print("%s: %d classes, %d train, %d test, %.1f words a text (largest class %.1f%%)"
              % (name, len(labels), len(train), len(test), words,
                 100.0 * max(labels.values()) / len(train)))

main()
