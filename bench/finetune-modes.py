#!/usr/bin/env python3
"""finetune-modes.py OUTDIR SPAMDIR BASE [--steps N] [--seed N] [--pretrain N]

Fine-tuning modes (issue 13, section 4), on SpamAssassin 3-way (easy_ham,
hard_ham, spam; SPAMDIR holds bench/spam-convert.mjs's output), all from the
same pre-trained GPT language model BASE (a tunetop gpt model file):

  full      every weight trains
  freeze2   the embeddings and the lower 2 of 4 blocks frozen (freeze_layers 2)
  lora8     LoRA rank 8, alpha 16, the default targets (c_attn, attn.c_proj)
  head      everything but the classification head frozen (freeze_layers -1)

Each runs --steps optimizer steps (batch 8, context 128, mean pooling,
dropout 0.1, AdamW, one thread) on the whole train split (--valid none), is
scored on the test split by the run itself (`--test`), and is timed by
/usr/bin/time: test macro-F1 and accuracy, step_ms_median, peak RSS, the
optimizer's moments (bytes, from the run's JSON), trainable parameters, and
the size of what the run saves (model.safetensors, or the adapter directory).
With --pretrain N, BASE is made first: the small preset (vocab 8192, dim 256,
4 layers) pre-trained as a language model on the train texts without labels
for N steps, with bench/pretrain-helps.py's settings. Then (--demo 1) the
same four modes on the demo (sessions/demo: its tiny pre-trained GPT, the
tickets, the session's `preset gpt` settings), and (--timing R) ms per step
again in R paired rounds on 400 records (the modes alternating, so the
machine's load hits them alike). --spam 0 runs only those two. The LoRA
adapter is scored again through `tunetop eval DIR` (adapter on its
base, hash checked) to show the files reproduce the run's figures.
"""
import json
import os
import subprocess
import sys
import time

TUNETOP = os.environ.get("TUNETOP", "build/tunetop")
NICE = ["nice", "-n", "10"]
COMMON = ["--set", "warmup=20", "--set", "epochs=10", "--set", "batch_size=8",
          "--set", "dropout=0.1", "--set", "weight_decay=0.01", "--set", "pooling=mean",
          "--set", "threads=1", "--set", "eval_every=0", "--set", "context=128",
          "--set", "schedule=cosine"]
# lr per mode: the usual ranges (fewer trained weights take a larger lr)
MODES = [
    ("full", "full fine-tuning", ["--set", "lr=0.0003"]),
    ("freeze2", "freeze lower half (freeze_layers 2)", ["--set", "lr=0.0003",
                                                       "--set", "freeze_layers=2"]),
    ("lora8", "LoRA rank 8 (c_attn, attn.c_proj)", ["--set", "lr=0.002", "--set", "lora_rank=8",
                                                    "--set", "lora_alpha=16"]),
    ("head", "head only (freeze_layers -1)", ["--set", "lr=0.003", "--set", "freeze_layers=-1"]),
]


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"id": r["id"], "text": r["text"], "label": r["label3"]}) + "\n")


def timed(args, out):
    tf = out + ".time"
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", tf] + NICE + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("finetune-modes.py: %s failed: %s" % (" ".join(args[:3]), p.stderr.strip()[-800:]))
    wall, kb, user, sys_ = open(tf).read().split()[-4:]
    return p.stdout, float(kb) / 1024.0, time.time() - t0


def saved_bytes(mdir):
    if os.path.exists(os.path.join(mdir, "adapter_config.json")):
        return sum(os.path.getsize(os.path.join(mdir, f)) for f in
                   ("adapter_model.safetensors", "adapter_config.json", "tunetop.json"))
    return os.path.getsize(os.path.join(mdir, "model.safetensors"))


def load1():
    return open("/proc/loadavg").read().split()[0]


def pretrain(out, base, steps):
    path = os.path.join(out, "unlabeled.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in load(os.path.join(out, "train.jsonl")):
            f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
    print("pre-training gpt-small on the train texts, %d steps (load %s)" % (steps, load1()),
          flush=True)
    lm = os.path.join(out, "lm")
    timed([TUNETOP, "train", "--model", "gpt", "--objective", "lm", "--data", path, "--out", lm,
           "--json", "--preset", "gpt-small", "--set", "lr=0.001", "--set", "warmup=100",
           "--set", "dropout=0", "--set", "epochs=10", "--set", "max_steps=%d" % steps,
           "--set", "threads=1", "--set", "seed=42"], os.path.join(out, "lm"))
    os.replace(os.path.join(lm, "model.safetensors"), base)


# The demo (sessions/demo): its tiny pre-trained GPT fine-tuned on the tickets
# with the session's `preset gpt` settings, 10% held out (seeded) as validation.
DEMO = ["--set", "optimizer=adamw", "--set", "schedule=cosine", "--set", "warmup=20",
        "--set", "epochs=5", "--set", "batch_size=8", "--set", "dropout=0.1",
        "--set", "weight_decay=0.01", "--set", "pooling=mean", "--set", "threads=1"]
DEMO_LR = {"full": "0.0005", "freeze2": "0.0005", "lora8": "0.002", "head": "0.003"}


def demo(out, seed):
    base = "sessions/demo/gpt-tiny/model.safetensors"
    data = "sessions/demo/tickets.jsonl"
    print()
    print("demo: %s on %s (5 epochs, validation = 10%% held out, seed %d)" % (base, data, seed))
    print("| demo mode | valid macro-F1 | accuracy | ms/step | optimizer MB | trainable | saved |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, name, extra in MODES:
        pairs = [(extra[i], extra[i + 1]) for i in range(0, len(extra), 2)]
        extra = [x for p in pairs if not p[1].startswith("lr=") for x in p]
        if key == "freeze2":
            extra = ["--set", "freeze_layers=1"]    # the tiny model has 2 layers
            name = "freeze lower half (freeze_layers 1)"
        mdir = os.path.join(out, "demo-" + key)
        stdout, rss, secs = timed([TUNETOP, "train", "--model", "gpt", "--init", base,
                                   "--data", data, "--out", mdir, "--json",
                                   "--set", "seed=%d" % seed, "--set", "lr=" + DEMO_LR[key]] +
                                  DEMO + extra, os.path.join(out, "demo-" + key))
        d = json.loads(stdout.strip().splitlines()[-1])
        print("| %s | %.3f | %.3f | %.1f | %.2f | %s / %s | %.2f MB |" %
              (name, d["valid"]["macro_f1"], d["valid"]["accuracy"], d["step_ms_median"],
               d["optimizer_bytes"] / 1e6, "{:,}".format(d["params_trainable"]),
               "{:,}".format(d["params"]), saved_bytes(mdir) / 1e6), flush=True)


def timing(out, base, rounds, seed):
    """ms per step of each mode, the modes alternating in each round (so a
    change of the machine's load hits them alike), on 400 train records,
    40 steps each; the median over rounds of each run's step_ms_median."""
    sub_path = os.path.join(out, "timing.jsonl")
    recs = load(os.path.join(out, "train.jsonl"))[:400]
    with open(sub_path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    ms = {k: [] for k, _, _ in MODES}
    rss = {k: [] for k, _, _ in MODES}
    for rnd in range(rounds):
        for key, _, extra in MODES:
            stdout, mb, _ = timed([TUNETOP, "train", "--model", "gpt", "--init", base,
                                   "--data", sub_path, "--valid", "none", "--json",
                                   "--set", "seed=%d" % seed, "--set", "max_steps=40"] +
                                  COMMON + extra, os.path.join(out, "timing-" + key))
            d = json.loads(stdout.strip().splitlines()[-1])
            ms[key].append(d["step_ms_median"])
            rss[key].append(mb)
        print("timing round %d (load %s): %s" % (rnd + 1, load1(), ", ".join(
            "%s %.0f ms" % (k, ms[k][-1]) for k, _, _ in MODES)), flush=True)
    med = {k: sorted(v)[len(v) // 2] for k, v in ms.items()}
    print("| mode | ms/step (median of %d paired rounds) | vs full |" % rounds)
    print("|---|---:|---:|")
    for key, name, _ in MODES:
        print("| %s | %.0f | %.2fx |" % (name, med[key], med[key] / med["full"]))


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        sys.exit(__doc__)
    out, spam, base = args[:3]
    opts = {"--steps": "250", "--seed": "1", "--pretrain": "0", "--demo": "1", "--spam": "1",
            "--timing": "3"}
    rest = args[3:]
    for k in range(0, len(rest) - 1, 2):
        if rest[k] not in opts:
            sys.exit("finetune-modes.py: unknown option %s" % rest[k])
        opts[rest[k]] = rest[k + 1]
    steps, seed = int(opts["--steps"]), int(opts["--seed"])
    os.makedirs(out, exist_ok=True)
    train_path, test_path = os.path.join(out, "train.jsonl"), os.path.join(out, "test.jsonl")
    write(train_path, load(os.path.join(spam, "train.jsonl")))
    write(test_path, load(os.path.join(spam, "test.jsonl")))
    if opts["--spam"] == "0":      # the demo (and the paired timing) alone
        if opts["--demo"] != "0":
            demo(out, seed)
        if int(opts["--timing"]) > 0:
            timing(out, base, int(opts["--timing"]), seed)
        return
    if int(opts["--pretrain"]) > 0:
        pretrain(out, base, int(opts["--pretrain"]))
    base_size = os.path.getsize(base)
    rows = {}
    for key, name, extra in MODES:
        mdir = os.path.join(out, key)
        l0 = load1()
        stdout, rss, secs = timed([TUNETOP, "train", "--model", "gpt", "--init", base,
                                   "--data", train_path, "--test", test_path, "--valid", "none",
                                   "--out", mdir, "--json", "--set", "seed=%d" % seed,
                                   "--set", "max_steps=%d" % steps] + COMMON + extra,
                                  os.path.join(out, key))
        d = json.loads(stdout.strip().splitlines()[-1])
        r = {"name": name, "f1": d["test"]["macro_f1"], "acc": d["test"]["accuracy"],
             "ms": d["step_ms_median"], "rss": rss, "optim": d["optimizer_bytes"],
             "trainable": d["params_trainable"], "params": d["params"],
             "saved": saved_bytes(mdir), "secs": secs, "load": "%s-%s" % (l0, load1())}
        rows[key] = r
        print("%-40s macro-F1 %.4f acc %.4f  %.0f ms/step  RSS %.0f MB  optimizer %.2f MB  "
              "trainable %d/%d  saved %.2f MB  %.0f s (load %s)" %
              (name, r["f1"], r["acc"], r["ms"], r["rss"], r["optim"] / 1e6, r["trainable"],
               r["params"], r["saved"] / 1e6, secs, r["load"]), flush=True)
        if key == "lora8":
            ev, _, _ = timed([TUNETOP, "eval", mdir, test_path, "--json"],
                             os.path.join(out, "lora8-eval"))
            e = json.loads(ev.strip().splitlines()[-1])
            print("  the adapter through `tunetop eval %s`: macro-F1 %.4f acc %.4f "
                  "(the run's: %.4f %.4f)" % (mdir, e["macro_f1"], e["accuracy"], r["f1"],
                                               r["acc"]), flush=True)

    full = rows["full"]
    print()
    print("| mode (%d steps of 8, seed %d) | test macro-F1 | accuracy | ms/step | peak RSS MB | "
          "optimizer MB | trainable params | saved |" % (steps, seed))
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, _, _ in MODES:
        r = rows[key]
        print("| %s | %.4f | %.4f | %.0f | %.0f | %.2f (%.3fx) | %s (%.1f%%) | %.2f MB (%.2f%% of the base) |" %
              (r["name"], r["f1"], r["acc"], r["ms"], r["rss"], r["optim"] / 1e6,
               r["optim"] / full["optim"], "{:,}".format(r["trainable"]),
               100.0 * r["trainable"] / r["params"], r["saved"] / 1e6,
               100.0 * r["saved"] / base_size))
    lo = rows["lora8"]
    if opts["--demo"] != "0":
        demo(out, seed)
        print()
    if int(opts["--timing"]) > 0:
        timing(out, base, int(opts["--timing"]), seed)
        print()
    print()
    print("target: LoRA within 1 point of full (%.4f vs %.4f: %+.2f points, %s), optimizer < 1/3 "
          "of full's (%.3fx, %s), adapter < 2%% of the base file (%.2f%%, %s)" %
          (lo["f1"], full["f1"], 100 * (lo["f1"] - full["f1"]),
           "met" if lo["f1"] >= full["f1"] - 0.01 else "MISSED",
           lo["optim"] / full["optim"], "met" if lo["optim"] < full["optim"] / 3 else "MISSED",
           100.0 * lo["saved"] / base_size, "met" if lo["saved"] < 0.02 * base_size else "MISSED"))


main()
