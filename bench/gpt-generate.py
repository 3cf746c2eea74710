#!/usr/bin/python3
"""The PyTorch side of bench/gpt-generate.sh: tokens per second of greedy
generation with a key/value cache (Hugging Face's past_key_values style:
each layer's keys and values of the positions so far, concatenated with
the new token's at every step), on a GPT-2 shape with random weights,
torch.inference_mode, float32.

  gpt-generate.py --vocab V --ctx C --dim D --layers L --heads H
                  [--prompt P] [--tokens N] [--rounds R] [--threads T]

Mirrors bench/gpt-gen.c: a prompt of P random tokens, then N new tokens,
R times after a warm-up of 8 tokens; prints
  tok_s MEDIAN best BEST prefill_ms MS rss_mb MB
with tok_s = (N - 1) / (time from the prompt's logits to the last token)."""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, heads):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.c_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)
        self.heads = heads

    def forward(self, x, past):
        b, t, c = x.shape
        hs = c // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, hs).transpose(1, 2) for z in (q, k, v))
        if past is not None:
            k = torch.cat((past[0], k), dim=2)
            v = torch.cat((past[1], v), dim=2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        if t > 1:
            n = k.shape[2]
            mask = torch.ones(t, n, dtype=torch.bool).tril(n - t)
            att = att.masked_fill(~mask, float('-inf'))
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.c_proj(y)
        x = x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh'))
        return x, (k, v)


class GPT(nn.Module):
    def __init__(self, vocab, ctx, c, layers, heads):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(ctx, c)
        self.h = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, idx, past, pos):
        t = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(pos, pos + t))
        present = []
        for i, block in enumerate(self.h):
            x, kv = block(x, past[i] if past else None)
            present.append(kv)
        return self.ln_f(x[:, -1]) @ self.wte.weight.t(), present


def generate(model, prompt, n):
    t0 = time.perf_counter()
    logits, past = model(prompt, None, 0)
    t1 = time.perf_counter()
    pos = prompt.shape[1]
    out = []
    for i in range(n):
        tok = logits.argmax(-1, keepdim=True)
        out.append(tok)
        if i + 1 == n:
            break
        logits, past = model(tok, past, pos)
        pos += 1
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main():
    ap = argparse.ArgumentParser()
    for name, default in (('vocab', 8192), ('ctx', 256), ('dim', 256), ('layers', 4),
                          ('heads', 4), ('prompt', 16), ('tokens', 64), ('rounds', 3),
                          ('threads', 2)):
        ap.add_argument('--' + name, type=int, default=default)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = GPT(a.vocab, a.ctx, a.dim, a.layers, a.heads).eval()
    prompt = torch.randint(0, a.vocab, (1, a.prompt))
    tps, pre = [], []
    with torch.inference_mode():
        generate(model, prompt, 8)
        for _ in range(a.rounds):
            p, d = generate(model, prompt, a.tokens)
            tps.append((a.tokens - 1) / d)
            pre.append(p * 1000.0)
    tps.sort()
    pre.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print('tok_s %.2f best %.2f prefill_ms %.2f rss_mb %.1f' %
          (tps[len(tps) // 2], tps[-1], pre[len(pre) // 2], rss))


if __name__ == '__main__':
    main()
