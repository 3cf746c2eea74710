#!/usr/bin/env python3
"""pretrain-corpus.py OUTDIR - English prose from installed Debian packages.

Sources (all installed by bench/pretrain-corpus.sh through scripts/deps.sh):
  fortunes             /usr/share/games/fortunes/* (not art, ascii-art, off/)
  python3.11-doc       the <p> paragraphs of the HTML manual (PSF licence)
  debian-reference-en  the <p> paragraphs of the Debian Reference (GPL-2+)
  doc-debian           the FAQ's <p> paragraphs and the plain-text documents

One record is one paragraph (or one fortune) with its whitespace collapsed.
Exact duplicates (after collapsing whitespace) are dropped, so the many
versions of the constitution count once per paragraph. Records shorter than
40 characters or with under 70% letters and spaces are dropped (headings,
tables, code). The split (train 96%, valid 2%, test 2%) is a hash of the text,
so it does not move when a source grows.

Writes OUTDIR/corpus.txt (one record a line) and OUTDIR/corpus.jsonl
({"text", "split"}), and prints the records and bytes per source.
"""
import glob
import gzip
import hashlib
import html.parser
import json
import os
import re
import sys

WS = re.compile(r"\s+")


def clean(text):
    return WS.sub(" ", text).strip()


def prose(text):
    if len(text) < 40:
        return False
    good = sum(1 for c in text if c.isalpha() or c == " ")
    return good >= 0.7 * len(text)


class Paragraphs(html.parser.HTMLParser):
    """Text inside <p> elements, minus anything inside <pre>/<script>/<style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.buf, self.depth, self.skip = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "script", "style"):
            self.skip += 1
        elif tag == "p":
            if self.depth == 0:
                self.buf = []
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("pre", "script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "p" and self.depth > 0:
            self.depth -= 1
            if self.depth == 0:
                self.out.append("".join(self.buf))

    def handle_data(self, data):
        if self.depth > 0 and self.skip == 0:
            self.buf.append(data)


def html_paragraphs(path):
    p = Paragraphs()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    p.close()
    return p.out


def text_paragraphs(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        return re.split(r"\n\s*\n", f.read())


def fortunes():
    out = []
    for path in sorted(glob.glob("/usr/share/games/fortunes/*")):
        name = os.path.basename(path)
        if "." in name or os.path.isdir(path) or name in ("art", "ascii-art"):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            out += re.split(r"^%$", f.read(), flags=re.M)
    return out


def sources():
    yield "fortunes", fortunes()
    paras = []
    for path in sorted(glob.glob("/usr/share/doc/python3.11/html/**/*.html", recursive=True)):
        paras += html_paragraphs(path)
    yield "python3.11-doc", paras
    paras = []
    for path in sorted(glob.glob("/usr/share/debian-reference/*.en.html")):
        paras += html_paragraphs(path)
    yield "debian-reference-en", paras
    paras = []
    for path in sorted(glob.glob("/usr/share/doc/debian/FAQ/*.en.html")):
        paras += html_paragraphs(path)
    for path in sorted(glob.glob("/usr/share/doc/debian/*.txt*")) + \
            ["/usr/share/doc/debian/debian-manifesto.gz"]:
        if os.path.exists(path):
            paras += text_paragraphs(path)
    yield "doc-debian", paras


def split_of(text):
    h = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:4], "big") % 100
    return "valid" if h < 2 else "test" if h < 4 else "train"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pretrain-corpus.py OUTDIR")
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    seen = set()
    records = []
    for name, paras in sources():
        n = b = 0
        for p in paras:
            t = clean(p)
            if not prose(t) or t in seen:
                continue
            seen.add(t)
            records.append(t)
            n += 1
            b += len(t.encode("utf-8")) + 1
        if n == 0:
            sys.exit(f"pretrain-corpus: no text from {name} (is the package installed?)")
        print(f"  {name:20s} {n:7d} records {b / 1e6:7.2f} MB")
    tmp_txt, tmp_js = outdir + "/.corpus.txt", outdir + "/.corpus.jsonl"
    with open(tmp_txt, "w", encoding="utf-8") as ft, open(tmp_js, "w", encoding="utf-8") as fj:
        for t in records:
            ft.write(t + "\n")
            fj.write(json.dumps({"text": t, "split": split_of(t)}, ensure_ascii=False) + "\n")
    os.replace(tmp_txt, outdir + "/corpus.txt")
    os.replace(tmp_js, outdir + "/corpus.jsonl")
    total = os.path.getsize(outdir + "/corpus.txt")
    print(f"  {'total (deduplicated)':20s} {len(records):7d} records {total / 1e6:7.2f} MB"
          f" -> {outdir}/corpus.txt, corpus.jsonl")


main()
