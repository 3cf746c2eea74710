#!/usr/bin/python3
# bpe-compare.py LINES REF TUNETOP NODE ENCODER_JSON VOCAB_BPE
# bpe-compare.py --classes CLASSES_TXT NODE_CLASSES
#
# For bench/bpe.sh: how many lines tunetop and the npm port gpt-3-encoder
# encode differently from GPT-2's encoder.py (REF), and why the port
# differs: each differing line is encoded again by encoder.py with the
# port's JavaScript \s in the pattern (JS has U+FEFF and lacks U+0085);
# when that gives the port's ids, the \s table is the cause; otherwise it is
# most likely the Unicode version of \p{L} and \p{N} (node 20 has ICU with
# Unicode 17, Debian 12's regex module and utf8proc Unicode 15).
import importlib.util
import json
import os
import sys

import regex

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gpt2_encode", os.path.join(here, "..", "tests", "bpe", "gpt2-encode.py"))
ge = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ge)

JS_S = r"[\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
JS_NOT_S = JS_S.replace("[", "[^", 1)


def read_lines(path):
    data = open(path, "rb").read()
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    return lines


def classes(table, node_path):
    """Code points whose class differs: tests/data/bpe/classes.txt vs node's."""
    want = {}
    for line in open(table):
        if not line.startswith("#"):
            a, b, k = line.split()
            for c in range(int(a, 16), int(b, 16) + 1):
                want[c] = k
    node = open(node_path).read()
    diff, examples, i = {}, {}, 0
    for c in range(0x110000):
        if 0xd800 <= c <= 0xdfff:
            continue
        pair = (want.get(c, "O"), node[i])
        i += 1
        if pair[0] != pair[1]:
            diff[pair] = diff.get(pair, 0) + 1
            examples.setdefault(pair, []).append("U+%04X" % c)
    names = {"S": "white space", "L": "a letter", "N": "a number", "O": "other"}
    print(f"character classes: node differs from the regex module on {sum(diff.values())} code points:")
    for (a, b), n in sorted(diff.items()):
        print(f"  {n:6d}  {names[a]} for GPT-2, {names[b]} for node (e.g. {', '.join(examples[(a, b)][:3])})")
    return 0


def main():
    if sys.argv[1] == "--classes":
        return classes(sys.argv[2], sys.argv[3])
    lines, ref, tt, node = (read_lines(p) for p in sys.argv[1:5])
    encoder = json.load(open(sys.argv[5], encoding="utf-8"))
    merges = [tuple(m.split()) for m in open(sys.argv[6], encoding="utf-8").read().split("\n")[1:-1]]
    js = ge.Encoder(encoder, merges)
    js.pat = regex.compile(
        r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?(?:(?!" + JS_S + r")[^\p{L}\p{N}])+|"
        + JS_S + r"+(?!" + JS_NOT_S + r")|" + JS_S + r"+")
    n = len(lines)
    tt_diff = [i for i in range(n) if tt[i] != ref[i]]
    node_diff = [i for i in range(n) if node[i] != ref[i]]
    why = {"U+0085 (NEL): white space in Python's regex, not in JS \\s": 0,
           "U+FEFF (BOM): in JS \\s, not white space in Unicode": 0,
           "JS \\s, other": 0, "not \\s: \\p{L}/\\p{N} of node's newer Unicode (or merge-key collisions)": 0}
    other = []
    for i in node_diff:
        text = lines[i].decode("utf-8")
        if " ".join(str(x) for x in js.encode(text)) == node[i].decode():
            if "\x85" in text:
                why["U+0085 (NEL): white space in Python's regex, not in JS \\s"] += 1
            elif "\ufeff" in text:
                why["U+FEFF (BOM): in JS \\s, not white space in Unicode"] += 1
            else:
                why["JS \\s, other"] += 1
        else:
            why["not \\s: \\p{L}/\\p{N} of node's newer Unicode (or merge-key collisions)"] += 1
            other.append(i)
    print(f"lines: {n}")
    print(f"tunetop differs from encoder.py on {len(tt_diff)} lines")
    print(f"gpt-3-encoder (node) differs from encoder.py on {len(node_diff)} lines:")
    for k, v in why.items():
        print(f"  {v:6d}  {k}")
    for i in other[:5]:
        print(f"  e.g. line {i + 1}: {lines[i][:120]!r}")
    return 1 if tt_diff else 0


sys.exit(main())
