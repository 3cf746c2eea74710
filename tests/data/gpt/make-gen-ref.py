#!/usr/bin/python3
"""Reference greedy generations for tests/unit/test-gpt-generate.c and
tests/cli/generate.sh, from the plain-torch GPT-2 of make-ref.py (same
functions, float64 from the F32 weights; transformers is not installed).

Run with Debian's torch:  /usr/bin/python3 tests/data/gpt/make-gen-ref.py
(from the repository root, after make-ref.py). Writes:

  tiny-gen-ref.safetensors   for tiny.safetensors: prompts.N (I32) and
                             greedy.N (I32): the greedy continuation up to
                             the context (16 positions), a torch loop that
                             recomputes the whole sequence every step
  gen/model.safetensors      a second tiny model (vocab 261, ctx 32, dim 32,
                             2 layers, 4 heads) whose vocabulary matches
  gen/vocab.json, gen/merges.txt   a byte-level BPE of 256 bytes (GPT-2's
                             order), 4 merges spelling "hello" and
                             <|endoftext|> (261 tokens)
  gen/greedy.safetensors     prompt (I32: "hello" = [259]) and greedy (I32):
                             20 greedy tokens, stopping early at <|endoftext|>

Every greedy step asserts that the best logit leads the second by more
than 1e-3, so float32 rounding in tunetop cannot flip an argmax."""
import importlib.util
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('make_ref', os.path.join(HERE, 'make-ref.py'))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

MIN_GAP = 1e-3


def read_safetensors(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        a, b = info['data_offsets']
        flat = struct.unpack('<%df' % ((b - a) // 4), raw[8 + n + a:8 + n + b])
        out[name] = torch.tensor(flat, dtype=torch.float64).view(info['shape'])
    return out


def configure(vocab, ctx, dim, layers, heads):
    ref.VOCAB, ref.CTX, ref.DIM, ref.LAYERS, ref.HEADS = vocab, ctx, dim, layers, heads


def greedy(p, prompt, steps, ctx, eot=None):
    seq = list(prompt)
    out = []
    while len(out) < steps and len(seq) < ctx:
        x = ref.body(p, torch.tensor([seq]))
        logits = x[0, -1] @ p['wte.weight'].t()
        top = torch.topk(logits, 2)
        assert top.values[0] - top.values[1] > MIN_GAP, (prompt, out, top)
        tok = int(top.indices[0])
        out.append(tok)
        seq.append(tok)
        if tok == eot:
            break
    return out


def tiny_refs():
    configure(64, 16, 32, 2, 4)
    w = read_safetensors(os.path.join(HERE, 'tiny.safetensors'))
    p = {k[len('transformer.'):]: v for k, v in w.items() if k.startswith('transformer.')}
    prompts = [[5], [1, 2, 3], [63, 0, 17, 42, 9, 33, 8]]
    t = []
    for i, pr in enumerate(prompts):
        g = greedy(p, pr, 100, 16)
        assert len(pr) + len(g) == 16
        t += [('prompts.%d' % i, torch.tensor(pr, dtype=torch.int32)),
              ('greedy.%d' % i, torch.tensor(g, dtype=torch.int32))]
    ref.write_safetensors(os.path.join(HERE, 'tiny-gen-ref.safetensors'), t, None)


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + \
        list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return bs, [chr(c) for c in cs]


def gen_model():
    vocab, ctx, dim, layers, heads = 261, 32, 32, 2, 4
    configure(vocab, ctx, dim, layers, heads)
    bs, cs = bytes_to_unicode()
    v = {cs[i]: i for i in range(256)}
    merges = [('h', 'e'), ('l', 'l'), ('he', 'll'), ('hell', 'o')]
    for a, b in merges:
        v[a + b] = len(v)
    v['<|endoftext|>'] = len(v)
    assert len(v) == vocab
    d = os.path.join(HERE, 'gen')
    with open(os.path.join(d, 'vocab.json'), 'w', encoding='utf-8') as f:
        json.dump(v, f, ensure_ascii=False)
    with open(os.path.join(d, 'merges.txt'), 'w', encoding='utf-8') as f:
        f.write('#version: 0.2\n' + ''.join('%s %s\n' % m for m in merges))

    gen = torch.Generator().manual_seed(34)
    shapes = [s for s in ref.param_shapes() if s[0] != 'score.weight']
    p = {}
    for name, shape in shapes:
        if name.endswith('.weight') and 'ln_' in name:
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif len(shape) == 2:
            t = 0.3 * torch.randn(shape, generator=gen)
        else:
            t = 0.1 * torch.randn(shape, generator=gen)
        p[name] = t.float().double()
    weights = [('transformer.' + n, p[n].float()) for n, _ in shapes]
    ref.write_safetensors(os.path.join(d, 'model.safetensors'), weights, {'n_head': str(heads)})
    prompt = [259]
    g = greedy(p, prompt, 20, ctx, eot=260)
    ref.write_safetensors(os.path.join(d, 'greedy.safetensors'),
                          [('prompt', torch.tensor(prompt, dtype=torch.int32)),
                           ('greedy', torch.tensor(g, dtype=torch.int32))], None)
    print('gen greedy:', g)


def main():
    torch.manual_seed(0)
    tiny_refs()
    gen_model()


if __name__ == '__main__':
    main()
