#!/usr/bin/env python3
"""pretrain-export.py MODEL.safetensors OUTDIR - write the BPE tokenizer a
tunetop gpt model carries (tensor tokenizer.bpe) as GPT-2's vocab.json and
merges.txt, so tools that read GPT-2's files tokenize exactly as the model.

The blob (src/model/bpe-load.c, bpe_serialize): the magic "TTBPE001", then
little-endian u32 version, token count, each token as u32 length + its
vocab.json string, merge count, merges as u32 id pairs, XXH3-64 checksum.
"""
import json
import os
import struct
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, out = sys.argv[1:]
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        t = header.get("tokenizer.bpe")
        if t is None:
            sys.exit("pretrain-export: %s has no tensor tokenizer.bpe" % path)
        f.seek(8 + n + t["data_offsets"][0])
        blob = f.read(t["data_offsets"][1] - t["data_offsets"][0])
    if blob[:8] != b"TTBPE001":
        sys.exit("pretrain-export: %s: tokenizer.bpe is not a TTBPE001 blob" % path)
    off = 8
    (version, ntok), off = struct.unpack_from("<II", blob, off), off + 8
    if version != 1:
        sys.exit("pretrain-export: blob version %d, expected 1" % version)
    tokens = []
    for _ in range(ntok):
        (ln,) = struct.unpack_from("<I", blob, off)
        tokens.append(blob[off + 4:off + 4 + ln].decode("utf-8"))
        off += 4 + ln
    (nm,) = struct.unpack_from("<I", blob, off)
    off += 4
    merges = [struct.unpack_from("<II", blob, off + 8 * i) for i in range(nm)]
    if off + 8 * nm + 8 != len(blob):
        sys.exit("pretrain-export: %s: tokenizer.bpe has %d bytes, expected %d" %
                 (path, len(blob), off + 8 * nm + 8))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, ".vocab.json"), "w", encoding="utf-8") as f:
        json.dump({s: i for i, s in enumerate(tokens)}, f, ensure_ascii=False)
    with open(os.path.join(out, ".merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write("%s %s\n" % (tokens[a], tokens[b]))
    os.replace(os.path.join(out, ".vocab.json"), os.path.join(out, "vocab.json"))
    os.replace(os.path.join(out, ".merges.txt"), os.path.join(out, "merges.txt"))
    print("pretrain-export: %d tokens, %d merges -> %s/vocab.json, merges.txt" % (ntok, nm, out))


main()
