#!/usr/bin/python3
# gen-lines.py [N] [SEED]        N varied lines (default 12000, seed 12) on stdout
# gen-lines.py --all-code-points  every code point but the surrogates and LF,
#                                 each in a few contexts (long; the classes
#                                 themselves are checked by test-bpe.c)
#
# Lines for comparing BPE encoders (tests/cli/bpe.sh): many scripts,
# whitespace runs (tabs, NBSP, U+3000, the Unicode spaces, the separators
# U+001C..U+001F that Python's isspace takes and the regex module does not),
# contractions in both cases, numbers of many scripts, emoji with ZWJ,
# skin tones and flags, combining marks, control characters (C0 but LF,
# DEL, C1), <|endoftext|>, long words, random code points from every plane.
# UTF-8, one line each; deterministic for a seed.
import random
import sys

WORDS = [
    "the", "of", "and", "hello", "world", "Tokenizer", "GPT", "naïve", "café", "résumé",
    "Straße", "Ærøskøbing", "ĳssel", "ﬁne", "Ωμέγα", "Ελληνικά", "Русский", "язык", "Україна",
    "עברית", "שָׁלוֹם", "العربية", "مرحبا", "हिन्दी", "नमस्ते", "বাংলা", "தமிழ்", "ไทย",
    "ภาษาไทย", "日本語", "東京", "ひらがな", "カタカナ", "中文", "汉字", "漢字", "한국어",
    "안녕하세요", "ქართული", "Հայերեն", "አማርኛ", "ᚠᚢᚦ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝐁𝐨𝐥𝐝", "ǅemal",
    "Ǆ", "ﾊﾝｶｸ", "ｆｕｌｌ", "e\u0301", "a\u0308\u0304", "n\u0303o", "Zalgo\u0336\u0335\u0334",
    "x\u20dd", "ʼapostrophe", "ʻokina", "Ⓐⓑ", "ꙮ", "𓀀𓀁", "𐍈", "𞤀𞤢",
]
EMOJI = [
    "😀", "👍", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "❤️", "🇫🇷", "🇯🇵", "🧑🏿\u200d🚀",
    "✊🏻", "☺", "☺\ufe0f", "#\ufe0f\u20e3", "🫠", "🦀", "🐍", "\u2764", "©", "™", "🀄",
]
NUMBERS = [
    "0", "7", "42", "123456789", "3.14159", "1,000,000", "-17", "+1e10", "0x1F", "٣٤٥", "۱۲۳",
    "१२३", "৪৫", "๓๔", "Ⅻ", "ⅷ", "²", "³⁄₄", "½", "①②", "𝟙𝟚", "〇", "¹²³", "٫", "１２３",
]
PUNCT = [
    ".", ",", "!", "?", "...", "…", "—", "–", "-", "(", ")", "[", "]", "{", "}", "\"", "'",
    "«", "»", "„", "“", "”", "‘", "’", ";", ":", "@", "#", "$", "%", "^", "&", "*", "/", "\\",
    "|", "<", ">", "~", "`", "=", "+", "_", "§", "¶", "€", "£", "¥", "¢", "→", "∑", "√", "∞",
    "≠", "·", "•", "†", "‰", "\u00ad", "¿", "¡", "、", "。", "「", "」",
]
SPACES = [
    " ", " ", " ", "  ", "   ", "\t", "\t\t", " \t", "\t ", "\u00a0", "\u3000", "\u2009",
    "\u2002", "\u200a", "\u202f", "\u205f", "\u1680", "\u2028", "\u2029", "\u0085", "\x0b",
    "\x0c", "\r", "\r ", " \r", "\x1c", "\x1d", "\x1e", "\x1f", "\ufeff", "\u200b", "\u180e",
    "\u200d", "\u2060", " \u00a0 ", "    \t  ",
]
CONTRACTIONS = [
    "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D",
    "’s", "’t", "''s", "'x", "'", "'''", "'r", "'v", "'l", "'sup", "'tis", "'ll've",
]
SPECIAL = ["<|endoftext|>", "<|endoftext|", "|endoftext|>", "<| endoftext |>", "<|ENDOFTEXT|>"]


def rand_control(rng):
    c = rng.choice([rng.randrange(0, 32), 0x7f, rng.randrange(0x80, 0xa0)])
    return chr(c) if c != 10 else "\x00"


def rand_code_point(rng):
    plane = rng.choice([0, 0, 0, 0, 1, 1, 2, 3, 14, 15, 16])
    while True:
        c = plane * 0x10000 + rng.randrange(0x10000)
        if c != 10 and not 0xd800 <= c <= 0xdfff:
            return chr(c)


def long_word(rng):
    kind = rng.randrange(4)
    n = rng.randrange(30, 200)
    if kind == 0:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))
    if kind == 1:
        return "".join(rng.choice("0123456789") for _ in range(n))
    if kind == 2:
        return "".join(rng.choice("!?.-=*#") for _ in range(n))
    return "".join(rng.choice(WORDS) for _ in range(n // 10))


def ascii_word(rng):
    w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(1, 12)))
    return w.capitalize() if rng.random() < 0.2 else w.upper() if rng.random() < 0.05 else w


def piece(rng):
    r = rng.random()
    if r < 0.25:
        return ascii_word(rng)
    if r < 0.40:
        return rng.choice(WORDS)
    if r < 0.47:
        return rng.choice(NUMBERS)
    if r < 0.55:
        return rng.choice(PUNCT)
    if r < 0.63:
        return rng.choice(CONTRACTIONS)
    if r < 0.69:
        return rng.choice(EMOJI)
    if r < 0.73:
        return rand_control(rng)
    if r < 0.78:
        return rand_code_point(rng)
    if r < 0.80:
        return rng.choice(SPECIAL)
    if r < 0.803:
        return long_word(rng)
    return rng.choice(SPACES)


def line(rng):
    kind = rng.random()
    if kind < 0.03:
        return ""
    if kind < 0.06:
        return "".join(rng.choice(SPACES) for _ in range(rng.randrange(1, 6)))
    n = rng.randrange(1, 24)
    out = []
    for _ in range(n):
        out.append(piece(rng))
        if rng.random() < 0.6:
            out.append(" " if rng.random() < 0.8 else rng.choice(SPACES))
    return "".join(out)


def all_code_points():
    # "x" c "1 " c c "! " c " x": a letter, number, other or space splits differently
    # (the ids may still agree when no merge crosses the split).
    out = []
    for c in range(0x110000):
        if c == 10 or 0xd800 <= c <= 0xdfff:
            continue
        ch = chr(c)
        out.append("x" + ch + "1 " + ch + ch + "! " + ch + " x")
        if len(out) == 64:
            yield "\t".join(out)
            out = []
    if out:
        yield "\t".join(out)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--all-code-points":
        lines = all_code_points()
    else:
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 12000
        rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 12)
        lines = (line(rng) for _ in range(n))
    out = sys.stdout.buffer
    for s in lines:
        out.write(s.encode("utf-8") + b"\n")


main()
