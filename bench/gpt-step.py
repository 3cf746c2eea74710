#!/usr/bin/python3
"""PyTorch's GPT-2 training step for bench/gpt-step.sh: the same model as
tunetop's (learned positions, pre-LayerNorm blocks, causal attention, GELU
tanh, MLP 4x, tied output, dropout), written as nanoGPT does (nn.Linear,
masked softmax attention; torch 1.13 has no fused attention), AdamW (lr
3e-4, weight decay 0.01 on every parameter, as tunetop's bench driver).

    gpt-step.py --vocab V --dim C --layers L --heads H --batch B --context T
                [--steps S] [--warmup W] [--threads N] [--dropout-pct P]

Prints one line like gpt-step.c: params, tokens, ms (median), ms_min, rss_mb, loss.
AdamW runs with foreach=False (torch 1.13's default); --foreach 1 was tried
here and was slower, with more memory.
Run with OMP_NUM_THREADS and OMP_WAIT_POLICY=PASSIVE set by the caller."""
import argparse
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, heads, p):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.c_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)
        self.heads = heads
        self.attn_drop = nn.Dropout(p)
        self.resid_drop = nn.Dropout(p)
        self.mlp_drop = nn.Dropout(p)

    def forward(self, x, mask):
        b, t, c = x.shape
        hs = c // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, hs).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))
        att = att.masked_fill(mask[:, :, :t, :t] == 0, float('-inf'))
        att = self.attn_drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        x = x + self.resid_drop(self.c_proj(y))
        h = F.gelu(self.c_fc(self.ln_2(x)), approximate='tanh')
        return x + self.mlp_drop(self.mlp_proj(h))


class GPT(nn.Module):
    def __init__(self, vocab, ctx, c, layers, heads, p):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(ctx, c)
        self.drop = nn.Dropout(p)
        self.h = nn.ModuleList(Block(c, heads, p) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        self.register_buffer('mask', torch.tril(torch.ones(ctx, ctx)).view(1, 1, ctx, ctx))
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(t)))
        for block in self.h:
            x = block(x, self.mask)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    ap = argparse.ArgumentParser()
    for name, default in (('vocab', 8192), ('dim', 256), ('layers', 4), ('heads', 4),
                          ('batch', 8), ('context', 64), ('steps', 10), ('warmup', 3),
                          ('threads', 2), ('dropout-pct', 0), ('foreach', 0)):
        ap.add_argument('--' + name, type=int, default=default)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = GPT(a.vocab, a.context, a.dim, a.layers, a.heads, a.dropout_pct / 100.0)
    model.train()
    nparams = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=0.01, foreach=bool(a.foreach))
    data = torch.randint(0, a.vocab, (a.batch * a.context + 1,))
    x = data[:-1].view(a.batch, a.context)
    y = data[1:].view(a.batch, a.context)
    times = []
    loss = None
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        loss = model(x, y)
        loss.backward()
        opt.step()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print('params %d tokens %d ms %.2f ms_min %.2f rss_mb %.0f loss %.4f'
          % (nparams, a.batch * a.context, times[len(times) // 2], times[0], rss, loss.item()))


if __name__ == '__main__':
    main()
