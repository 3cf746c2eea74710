#!/usr/bin/python3
"""Reference tensors for tests/unit/test-gpt.c, from a tiny GPT-2 written in
plain torch ops, mirroring Hugging Face's GPT2Model / GPT2LMHeadModel /
GPT2ForSequenceClassification (transformers is not installed here):
Conv1D weights [in, out], gelu_new (tanh), layer norm eps 1e-5, causal
softmax attention, tied LM head, score head without bias.

Run with Debian's torch:  /usr/bin/python3 tests/data/gpt/make-ref.py
(from the repository root). Writes, beside this script:

  tiny.safetensors      the weights in HF layout ("transformer." prefix,
                        score.weight, the attn.bias mask buffers HF's older
                        files carry), F32, metadata n_head
  tiny-ref.safetensors  tokens, targets, lengths, labels; for the LM and for
                        classification with last-token and mean pooling:
                        logits, loss and every parameter's gradient after one
                        backward (computed in float64 from the F32 weights);
                        curve.loss: the LM loss before each of 6 AdamW steps
                        (lr 1e-2, betas 0.9/0.999, eps 1e-8, wd 0.01)

The configuration is written in the test too; keep them in step."""
import json
import math
import os
import struct

import torch

VOCAB, CTX, DIM, LAYERS, HEADS, NLABELS = 64, 16, 32, 2, 4, 3
B, T = 3, 8
LENGTHS = [8, 5, 1]
LABELS = [2, 0, 1]
CURVE = dict(steps=6, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
HERE = os.path.dirname(os.path.abspath(__file__))


def layer_names(l):
    p = 'h.%d.' % l
    return [(p + 'ln_1.weight', [DIM]), (p + 'ln_1.bias', [DIM]),
            (p + 'attn.c_attn.weight', [DIM, 3 * DIM]), (p + 'attn.c_attn.bias', [3 * DIM]),
            (p + 'attn.c_proj.weight', [DIM, DIM]), (p + 'attn.c_proj.bias', [DIM]),
            (p + 'ln_2.weight', [DIM]), (p + 'ln_2.bias', [DIM]),
            (p + 'mlp.c_fc.weight', [DIM, 4 * DIM]), (p + 'mlp.c_fc.bias', [4 * DIM]),
            (p + 'mlp.c_proj.weight', [4 * DIM, DIM]), (p + 'mlp.c_proj.bias', [DIM])]


def param_shapes():
    out = [('wte.weight', [VOCAB, DIM]), ('wpe.weight', [CTX, DIM])]
    for l in range(LAYERS):
        out += layer_names(l)
    out += [('ln_f.weight', [DIM]), ('ln_f.bias', [DIM]), ('score.weight', [NLABELS, DIM])]
    return out


def init_params(gen):
    params = {}
    for name, shape in param_shapes():
        if name.endswith('.weight') and ('ln_' in name):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        elif len(shape) == 2:
            t = 0.2 * torch.randn(shape, generator=gen)
        else:
            t = 0.1 * torch.randn(shape, generator=gen)
        # round to F32 (what the file holds), then compute in float64
        params[name] = t.float().double()
    return params


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def body(p, tokens):
    Bn, Tn = tokens.shape
    hs = DIM // HEADS
    x = p['wte.weight'][tokens] + p['wpe.weight'][torch.arange(Tn)]
    mask = torch.tril(torch.ones(Tn, Tn, dtype=torch.bool))
    for l in range(LAYERS):
        q = 'h.%d.' % l
        h = torch.nn.functional.layer_norm(x, (DIM,), p[q + 'ln_1.weight'], p[q + 'ln_1.bias'],
                                           eps=1e-5)
        qkv = torch.addmm(p[q + 'attn.c_attn.bias'], h.view(-1, DIM),
                          p[q + 'attn.c_attn.weight']).view(Bn, Tn, 3 * DIM)
        qq, kk, vv = qkv.split(DIM, dim=2)
        qq, kk, vv = (t.view(Bn, Tn, HEADS, hs).transpose(1, 2) for t in (qq, kk, vv))
        att = torch.matmul(qq, kk.transpose(-1, -2)) / math.sqrt(hs)
        att = torch.where(mask, att, torch.tensor(torch.finfo(att.dtype).min, dtype=att.dtype))
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, vv).transpose(1, 2).contiguous().view(Bn, Tn, DIM)
        y = torch.addmm(p[q + 'attn.c_proj.bias'], y.view(-1, DIM),
                        p[q + 'attn.c_proj.weight']).view(Bn, Tn, DIM)
        x = x + y
        h = torch.nn.functional.layer_norm(x, (DIM,), p[q + 'ln_2.weight'], p[q + 'ln_2.bias'],
                                           eps=1e-5)
        h = gelu_new(torch.addmm(p[q + 'mlp.c_fc.bias'], h.view(-1, DIM), p[q + 'mlp.c_fc.weight']))
        h = torch.addmm(p[q + 'mlp.c_proj.bias'], h, p[q + 'mlp.c_proj.weight']).view(Bn, Tn, DIM)
        x = x + h
    return torch.nn.functional.layer_norm(x, (DIM,), p['ln_f.weight'], p['ln_f.bias'], eps=1e-5)


def lm(p, tokens, targets):
    logits = body(p, tokens) @ p['wte.weight'].t()
    loss = torch.nn.functional.cross_entropy(logits.view(-1, VOCAB), targets.view(-1),
                                             ignore_index=-1)
    return logits, loss


def classify(p, tokens, lengths, labels, pool):
    x = body(p, tokens)
    if pool == 'last':
        pooled = x[torch.arange(B), lengths - 1]
    else:
        m = (torch.arange(T)[None, :] < lengths[:, None]).to(x.dtype)
        pooled = (x * m[:, :, None]).sum(1) / lengths[:, None].to(x.dtype)
    logits = pooled @ p['score.weight'].t()
    return logits, torch.nn.functional.cross_entropy(logits, labels)


def leaf(params, names):
    return {n: params[n].clone().requires_grad_(n in names) for n in params}


def run(params, fn, names):
    p = leaf(params, names)
    logits, loss = fn(p)
    loss.backward()
    grads = {n: p[n].grad if p[n].grad is not None else torch.zeros_like(p[n]) for n in names}
    return logits.detach(), loss.detach(), grads


def adamw_curve(params, tokens, targets):
    names = [n for n, _ in param_shapes() if n != 'score.weight']
    p = {n: params[n].clone().requires_grad_(True) for n in names}
    opt = torch.optim.AdamW(list(p.values()), lr=CURVE['lr'], betas=CURVE['betas'],
                            eps=CURVE['eps'], weight_decay=CURVE['weight_decay'])
    losses = []
    for _ in range(CURVE['steps']):
        opt.zero_grad()
        _, loss = lm(p, tokens, targets)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return torch.tensor(losses)


FMT = {torch.float32: ('F32', 'f'), torch.int32: ('I32', 'i')}


def write_safetensors(path, tensors, metadata):
    header = {'__metadata__': metadata} if metadata else {}
    data = b''
    for name, t in tensors:
        dtype, code = FMT[t.dtype]
        flat = t.contiguous().view(-1).tolist()
        raw = struct.pack('<%d%s' % (len(flat), code), *flat)
        header[name] = {'dtype': dtype, 'shape': list(t.shape),
                        'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + data)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(12)
    params = init_params(gen)
    tokens = torch.randint(0, VOCAB, (B, T), generator=gen)
    targets = torch.cat([tokens[:, 1:], torch.randint(0, VOCAB, (B, 1), generator=gen)], 1)
    targets[0, 3] = -1
    targets[2, 0] = -1
    lengths = torch.tensor(LENGTHS)
    labels = torch.tensor(LABELS)
    lm_names = [n for n, _ in param_shapes() if n != 'score.weight']
    all_names = [n for n, _ in param_shapes()]

    weights = []
    for n, _ in param_shapes():
        name = n if n == 'score.weight' else 'transformer.' + n
        weights.append((name, params[n].float()))
        if n.endswith('attn.c_attn.weight'):
            mask = torch.tril(torch.ones(CTX, CTX)).view(1, 1, CTX, CTX)
            weights.append((name.replace('c_attn.weight', 'bias'), mask))
    write_safetensors(os.path.join(HERE, 'tiny.safetensors'), weights, {'n_head': str(HEADS)})

    i32 = torch.int32
    ref = [('tokens', tokens.to(i32)), ('targets', targets.to(i32)),
           ('lengths', lengths.to(i32)), ('labels', labels.to(i32))]
    logits, loss, grads = run(params, lambda p: lm(p, tokens, targets), lm_names)
    ref += [('lm.logits', logits.float()), ('lm.loss', loss.float().view(1))]
    ref += [('lm.grad.' + n, grads[n].float()) for n in lm_names]
    for pool in ('last', 'mean'):
        logits, loss, grads = run(params, lambda p: classify(p, tokens, lengths, labels, pool),
                                  all_names)
        pre = 'cls.%s.' % pool
        ref += [(pre + 'logits', logits.float()), (pre + 'loss', loss.float().view(1))]
        ref += [(pre + 'grad.' + n, grads[n].float()) for n in all_names]
    ref.append(('curve.loss', adamw_curve(params, tokens, targets).float()))
    write_safetensors(os.path.join(HERE, 'tiny-ref.safetensors'), ref, None)


if __name__ == '__main__':
    main()
