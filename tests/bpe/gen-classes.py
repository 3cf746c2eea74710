#!/usr/bin/python3
# gen-classes.py > tests/data/bpe/classes.txt
#
# The character classes of GPT-2's pattern as the `regex` module (Debian's
# python3-regex, the module GPT-2's encoder.py uses) sees them, for every
# code point but the surrogates: maximal ranges "FIRST LAST CLASS" in hex,
# CLASS S (\s), L (\p{L}) or N (\p{N}); code points in no range are neither.
# tests/unit/test-bpe.c checks bpe_char_class against it on every code point.
import regex

sp, L, N = regex.compile(r"\s"), regex.compile(r"\p{L}"), regex.compile(r"\p{N}")


def cls(c):
    if 0xd800 <= c <= 0xdfff:
        return "O"
    ch = chr(c)
    return "S" if sp.match(ch) else "L" if L.match(ch) else "N" if N.match(ch) else "O"


print("# regex %s: FIRST LAST CLASS (S white space, L letter, N number)" % regex.__version__)
start, cur = 0, cls(0)
for c in range(1, 0x110001):
    k = cls(c) if c < 0x110000 else None
    if k != cur:
        if cur != "O":
            print("%x %x %s" % (start, c - 1, cur))
        start, cur = c, k
