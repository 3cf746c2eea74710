#!/usr/bin/python3
"""PyTorch's peer for bench/gpt-ckpt.sh: bench/gpt-step.py's GPT (the same
model as tunetop's) with each block wrapped in torch.utils.checkpoint when
--checkpoint 1 (torch 1.13, use_reentrant=False), as Hugging Face's
gradient_checkpointing_enable() does per block.

    gpt-ckpt.py --checkpoint 0|1 [--vocab V --dim C --layers L --heads H]
                [--batch B] [--context T] [--steps S] [--warmup W]
                [--threads N] [--dropout-pct P]

Prints one line: checkpoint, ms (median), ms_min, rss_mb (peak), loss.
Run with OMP_NUM_THREADS and OMP_WAIT_POLICY=PASSIVE set by the caller."""
import argparse
import importlib.util
import os
import resource
import time

import torch
import torch.nn.functional as F
import torch.utils.checkpoint

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('gpt_step', os.path.join(HERE, 'gpt-step.py'))
gs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gs)


class CkptGPT(gs.GPT):
    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(t)))
        for block in self.h:
            x = torch.utils.checkpoint.checkpoint(block, x, self.mask, use_reentrant=False)
        logits = self.ln_f(x) @ self.wte.weight.t()
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def main():
    ap = argparse.ArgumentParser()
    for name, default in (('vocab', 8192), ('dim', 256), ('layers', 4), ('heads', 4),
                          ('batch', 8), ('context', 512), ('steps', 5), ('warmup', 2),
                          ('threads', 2), ('dropout-pct', 10), ('checkpoint', 0)):
        ap.add_argument('--' + name, type=int, default=default)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    cls = CkptGPT if a.checkpoint else gs.GPT
    model = cls(a.vocab, a.context, a.dim, a.layers, a.heads, a.dropout_pct / 100.0)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.999), eps=1e-8,
                            weight_decay=0.01)
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
    print('checkpoint %d ms %.1f ms_min %.1f rss_mb %.0f loss %.4f'
          % (a.checkpoint, times[len(times) // 2], times[0], rss, loss.item()))


if __name__ == '__main__':
    main()
