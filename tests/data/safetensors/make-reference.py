#!/usr/bin/env python3
"""Write the reference safetensors fixtures with the standard library only,
following the format as the Hugging Face writer does: metadata first, then
tensors sorted by element size (largest first) and name, compact JSON,
header padded with spaces to a multiple of 8 (the unpadded variant skips
the padding, to test alignment), plus a few edge cases that also seed the
fuzzer. Run from this directory:
    python3 make-reference.py
test-safetensors.c checks the values written here."""
import json
import struct


def bf16(x):
    return struct.pack('<f', x)[2:4]


TENSORS = [
    # name, dtype, shape, raw bytes
    ('transformer.wte.weight', 'F32', [4, 3],
     struct.pack('<12f', *[i * 0.5 - 1.0 for i in range(12)])),
    ('transformer.h.0.ln_1.bias', 'F16', [4],
     struct.pack('<4e', 1.0, -2.5, 65504.0, 2.0 ** -20)),
    ('lm_head.weight', 'BF16', [2, 2],
     b''.join(bf16(x) for x in (1.0, -0.5, 3.140625, 100.0))),
    ('step', 'I64', [], struct.pack('<q', 12345678901)),
    ('input_ids', 'I32', [5], struct.pack('<5i', 50256, 0, -1, 7, 42)),
    ('mask', 'U8', [2, 3], bytes([1, 2, 3, 250, 0, 255])),
    ('flags', 'BOOL', [2], bytes([1, 0])),
    ('empty', 'F32', [0, 3], b''),
]
SIZES = {'F32': 4, 'F16': 2, 'BF16': 2, 'I64': 8, 'I32': 4, 'U8': 1, 'BOOL': 1}
METADATA = {'format': 'pt', 'model': 'gpt2-tiny', 'labels': '["ham","spam"]',
            'note': 'caf\u00e9'}


def write(path, pad):
    order = sorted(TENSORS, key=lambda t: (-SIZES[t[1]], t[0]))
    header = {'__metadata__': METADATA}
    data = b''
    for name, dtype, shape, raw in order:
        header[name] = {'dtype': dtype, 'shape': shape,
                        'data_offsets': [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode()
    if pad:
        text += b' ' * (-len(text) % 8)
    elif len(text) % 8 == 0:
        text += b' '
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + data)


def write_raw(path, header, data):
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + data)


write('reference.safetensors', True)
write('reference-unpadded.safetensors', False)
# Edge cases, also seeds for the fuzzer: a U64 at an unaligned offset, only
# empty tensors, no tensors at all.
write_raw('seed-unaligned.safetensors',
          {'a': {'dtype': 'F16', 'shape': [2], 'data_offsets': [0, 4]},
           'b': {'dtype': 'U64', 'shape': [1], 'data_offsets': [4, 12]}},
          struct.pack('<2eQ', 1.0, float('-inf'), 2 ** 40 + 3))
write_raw('seed-zero-size.safetensors',
          {'__metadata__': {'x': 'y'},
           'e': {'dtype': 'BF16', 'shape': [0], 'data_offsets': [0, 0]},
           'f': {'dtype': 'I8', 'shape': [3, 0, 2], 'data_offsets': [0, 0]}}, b'')
write_raw('seed-no-tensors.safetensors', {}, b'')
