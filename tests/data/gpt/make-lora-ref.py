#!/usr/bin/python3
"""Reference tensors for the LoRA tests (tests/unit/test-gpt-lora.c): the
tiny GPT-2 of make-ref.py (same weights: tiny.safetensors) with LoRA
adapters on all four GPT-2 targets, applied by hand as PEFT's LoRA Linear
does for a Conv1D (fan_in_fan_out): for a target y = x W + b,

    y = x W + b + (alpha / r) * x A^T B^T,   A [r, in], B [out, r]

(dropout 0). B is random here (PEFT starts it at zero, which would hide
half the gradient). Writes, beside this script:

  lora-tiny/adapter_model.safetensors  PEFT names:
        base_model.model.transformer.h.N.<module>.lora_A.weight / lora_B.weight
        base_model.model.score.weight (the head, PEFT's modules_to_save)
  lora-tiny/adapter_config.json        PEFT's keys (no base hash: torch
                                       has no xxhash here, so loading skips
                                       the check)
  lora-ref.safetensors  lm.logits, lm.loss, lm.grad.<name> (A and B), and
                        cls.logits, cls.loss, cls.grad.<name> (A, B, score)
                        for last-token pooling; computed in float64.

Run with Debian's torch:  /usr/bin/python3 tests/data/gpt/make-lora-ref.py
(after make-ref.py, whose tiny.safetensors and tiny-ref.safetensors it reads
the weights and the batch from)."""
import importlib.util
import json
import math
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('mref', os.path.join(HERE, 'make-ref.py'))
mref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mref)

R, ALPHA = 4, 8.0
TARGETS = ['c_attn', 'attn.c_proj', 'mlp.c_fc', 'mlp.c_proj']
DIMS = {'c_attn': (1, 3), 'attn.c_proj': (1, 1), 'mlp.c_fc': (1, 4), 'mlp.c_proj': (4, 1)}
PEFT = 'base_model.model.'
PATH = {'c_attn': 'attn.c_attn', 'attn.c_proj': 'attn.c_proj', 'mlp.c_fc': 'mlp.c_fc',
        'mlp.c_proj': 'mlp.c_proj'}


def lora_names():
    out = []
    for l in range(mref.LAYERS):
        for t in TARGETS:
            i, o = DIMS[t]
            base = '%stransformer.h.%d.%s' % (PEFT, l, PATH[t])
            out.append((base + '.lora_A.weight', [R, i * mref.DIM]))
            out.append((base + '.lora_B.weight', [o * mref.DIM, R]))
    return out


def body(p, lora, tokens):
    """make-ref.py's body with the adapters added after each target."""
    Bn, Tn = tokens.shape
    D, H = mref.DIM, mref.HEADS
    hs = D // H
    s = ALPHA / R

    def lin(x, l, t, wname, bname):
        y = torch.addmm(p[bname], x, p[wname])
        a = lora['%stransformer.h.%d.%s.lora_A.weight' % (PEFT, l, PATH[t])]
        b = lora['%stransformer.h.%d.%s.lora_B.weight' % (PEFT, l, PATH[t])]
        return y + s * (x @ a.t()) @ b.t()

    x = p['wte.weight'][tokens] + p['wpe.weight'][torch.arange(Tn)]
    mask = torch.tril(torch.ones(Tn, Tn, dtype=torch.bool))
    for l in range(mref.LAYERS):
        q = 'h.%d.' % l
        h = torch.nn.functional.layer_norm(x, (D,), p[q + 'ln_1.weight'], p[q + 'ln_1.bias'],
                                           eps=1e-5)
        qkv = lin(h.view(-1, D), l, 'c_attn', q + 'attn.c_attn.weight',
                  q + 'attn.c_attn.bias').view(Bn, Tn, 3 * D)
        qq, kk, vv = qkv.split(D, dim=2)
        qq, kk, vv = (t.view(Bn, Tn, H, hs).transpose(1, 2) for t in (qq, kk, vv))
        att = torch.matmul(qq, kk.transpose(-1, -2)) / math.sqrt(hs)
        att = torch.where(mask, att, torch.tensor(torch.finfo(att.dtype).min, dtype=att.dtype))
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, vv).transpose(1, 2).contiguous().view(Bn, Tn, D)
        y = lin(y.view(-1, D), l, 'attn.c_proj', q + 'attn.c_proj.weight',
                q + 'attn.c_proj.bias').view(Bn, Tn, D)
        x = x + y
        h = torch.nn.functional.layer_norm(x, (D,), p[q + 'ln_2.weight'], p[q + 'ln_2.bias'],
                                           eps=1e-5)
        h = mref.gelu_new(lin(h.view(-1, D), l, 'mlp.c_fc', q + 'mlp.c_fc.weight',
                              q + 'mlp.c_fc.bias'))
        h = lin(h, l, 'mlp.c_proj', q + 'mlp.c_proj.weight', q + 'mlp.c_proj.bias')
        x = x + h.view(Bn, Tn, D)
    return torch.nn.functional.layer_norm(x, (D,), p['ln_f.weight'], p['ln_f.bias'], eps=1e-5)


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(12)
    params = mref.init_params(gen)  # the same draws as make-ref.py
    tokens = torch.randint(0, mref.VOCAB, (mref.B, mref.T), generator=gen)
    targets = torch.cat([tokens[:, 1:], torch.randint(0, mref.VOCAB, (mref.B, 1),
                                                      generator=gen)], 1)
    targets[0, 3] = -1
    targets[2, 0] = -1
    lengths = torch.tensor(mref.LENGTHS)
    labels = torch.tensor(mref.LABELS)
    lgen = torch.Generator().manual_seed(77)
    lora = {}
    for name, shape in lora_names():
        lora[name] = (0.3 * torch.randn(shape, generator=lgen)).float().double()
    score = params['score.weight']

    def run(fn, names):
        lv = {n: lora[n].clone().requires_grad_(True) for n in lora}
        sc = score.clone().requires_grad_(True)
        p = dict(params)
        p['score.weight'] = sc
        logits, loss = fn(p, lv)
        loss.backward()
        grads = {n: lv[n].grad for n in lv}
        grads[PEFT + 'score.weight'] = sc.grad
        return logits.detach(), loss.detach(), {n: grads[n] for n in names}

    def lm(p, lv):
        logits = body(p, lv, tokens) @ p['wte.weight'].t()
        loss = torch.nn.functional.cross_entropy(logits.view(-1, mref.VOCAB),
                                                 targets.view(-1), ignore_index=-1)
        return logits, loss

    def cls(p, lv):
        x = body(p, lv, tokens)
        pooled = x[torch.arange(mref.B), lengths - 1]
        logits = pooled @ p['score.weight'].t()
        return logits, torch.nn.functional.cross_entropy(logits, labels)

    names = [n for n, _ in lora_names()]
    ref = []
    logits, loss, grads = run(lm, names)
    ref += [('lm.logits', logits.float()), ('lm.loss', loss.float().view(1))]
    ref += [('lm.grad.' + n, grads[n].float()) for n in names]
    logits, loss, grads = run(cls, names + [PEFT + 'score.weight'])
    ref += [('cls.logits', logits.float()), ('cls.loss', loss.float().view(1))]
    ref += [('cls.grad.' + n, grads[n].float()) for n in names + [PEFT + 'score.weight']]
    mref.write_safetensors(os.path.join(HERE, 'lora-ref.safetensors'), ref, None)

    adapter = [(n, lora[n].float()) for n in names]
    adapter.append((PEFT + 'score.weight', score.float()))
    out = os.path.join(HERE, 'lora-tiny')
    os.makedirs(out, exist_ok=True)
    mref.write_safetensors(os.path.join(out, 'adapter_model.safetensors'), adapter,
                           {'format': 'pt'})
    config = {'peft_type': 'LORA', 'task_type': 'SEQ_CLS', 'r': R, 'lora_alpha': ALPHA,
              'lora_dropout': 0.0, 'target_modules': TARGETS, 'fan_in_fan_out': True,
              'bias': 'none', 'modules_to_save': ['score'],
              'base_model_name_or_path': 'tiny.safetensors', 'inference_mode': True}
    with open(os.path.join(out, 'adapter_config.json'), 'w') as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
