# tunetop merge BASE ADAPTER_DIR OUT: a PEFT adapter (written by torch,
# tests/data/gpt/make-lora-ref.py) folded into the tiny GPT-2. The merged
# weights are checked against W + (alpha / r) A^T B^T computed here in
# plain Python from the two files; the head comes from the adapter; a
# hash that names another base, a missing tensor and a bad command line
# fail with clear messages and leave OUT untouched.
. tests/lib.sh

G="$DATA/gpt"
run "$TUNETOP" merge "$G/tiny.safetensors" "$G/lora-tiny" "$T/merged.safetensors"
expect_rc "merge" 0
expect_err "merge says what it wrote" "(29 tensors; rank 4, alpha 8, 16 adapter tensors folded)"

if python3 - "$G/tiny.safetensors" "$G/lora-tiny/adapter_model.safetensors" "$T/merged.safetensors" <<'PY'
import json, struct, sys

def load(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        h = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in h.items():
        if k == '__metadata__':
            continue
        a, b = v['data_offsets']
        assert v['dtype'] == 'F32', (k, v)
        out[k] = (v['shape'], struct.unpack('<%df' % ((b - a) // 4), data[a:b]))
    return out

base, ad, merged = load(sys.argv[1]), load(sys.argv[2]), load(sys.argv[3])
P = 'base_model.model.'
scale = 8.0 / 4
checked = 0
for name, (shape, w) in merged.items():
    if name == 'score.weight':
        assert w == ad[P + 'score.weight'][1], 'the head is the adapter\'s'
        continue
    wb = base[name][1]
    mod = name[len('transformer.'):-len('.weight')]
    a = ad.get(P + 'transformer.' + mod + '.lora_A.weight')
    if a is None:
        assert w == wb, name + ' changed without an adapter'
        continue
    (r, n_in), A = a
    (n_out, _), B = ad[P + 'transformer.' + mod + '.lora_B.weight']
    assert shape == [n_in, n_out], (name, shape)
    for i in range(n_in):
        for o in range(n_out):
            want = wb[i * n_out + o] + scale * sum(A[k * n_in + i] * B[o * r + k] for k in range(r))
            got = w[i * n_out + o]
            assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), (name, i, o, got, want)
    checked += 1
assert checked == 8, checked
PY
then ok "merged weights are W + scale (B A)^T, the head the adapter's"; else not_ok "merged weights are W + scale (B A)^T, the head the adapter's"; fi

# an adapter made for another base: refused, OUT untouched
cp -r "$G/lora-tiny" "$T/other"
python3 - "$T/other/adapter_config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c['base_model_xxh3_128'] = '0123456789abcdef0123456789abcdef'
json.dump(c, open(sys.argv[1], 'w'))
PY
cp "$T/merged.safetensors" "$T/keep.safetensors"
run "$TUNETOP" merge "$G/tiny.safetensors" "$T/other" "$T/merged.safetensors"
expect_rc "another base's adapter fails" 1
expect_err "the hash mismatch is named" "this adapter was made for base tiny.safetensors (xxh3-128 0123456789abcdef0123456789abcdef)"
expect_same "OUT untouched after a failure" "$T/merged.safetensors" "$T/keep.safetensors"
run "$TUNETOP" merge --no-hash-check "$G/tiny.safetensors" "$T/other" "$T/m2.safetensors"
expect_rc "--no-hash-check merges it" 0
expect_same "the same weights" "$T/m2.safetensors" "$T/merged.safetensors"

# a missing tensor is named
python3 - "$G/lora-tiny/adapter_model.safetensors" "$T/other/adapter_model.safetensors" <<'PY'
import json, struct, sys
src = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', src[:8])[0]
h = json.loads(src[8:8 + n])
data = src[8 + n:]
drop = 'base_model.model.transformer.h.1.mlp.c_proj.lora_B.weight'
del h[drop]
out, hdr = b'', {}
for k, v in h.items():
    if k == '__metadata__':
        hdr[k] = v
        continue
    a, b = v['data_offsets']
    hdr[k] = dict(v, data_offsets=[len(out), len(out) + b - a])
    out += data[a:b]
hb = json.dumps(hdr).encode()
hb += b' ' * (-len(hb) % 8)
open(sys.argv[2], 'wb').write(struct.pack('<Q', len(hb)) + hb + out)
PY
run "$TUNETOP" merge --no-hash-check "$G/tiny.safetensors" "$T/other" "$T/m3.safetensors"
expect_rc "a missing tensor fails" 1
expect_err "the missing tensor is named" "missing tensor base_model.model.transformer.h.1.mlp.c_proj.lora_B.weight"
if [ ! -e "$T/m3.safetensors" ]; then ok "nothing written"; else not_ok "nothing written"; fi

run "$TUNETOP" merge "$G/tiny.safetensors" "$T/nowhere" "$T/m4.safetensors"
expect_rc "a missing adapter directory fails" 1
expect_err "the config file is named" "nowhere/adapter_config.json"
run "$TUNETOP" merge "$G/tiny.safetensors"
expect_rc "too few arguments" 2
expect_err "usage" "usage: tunetop merge"
run "$TUNETOP" merge --bogus a b c
expect_rc "unknown option" 2

exit $_failed
