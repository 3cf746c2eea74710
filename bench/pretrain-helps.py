#!/usr/bin/env python3
"""pretrain-helps.py OUTDIR SPAMDIR [--seeds N] [--steps N] [--labels N]

Does pre-training help? (issue 12, section 6), on SpamAssassin 3-way
(easy_ham, hard_ham, spam; SPAMDIR holds bench/spam-convert.mjs's output):

1. pre-train a GPT language model (preset gpt-tiny, vocab 4096, or $PRESET; lr 1e-3,
   --steps optimizer steps) on the train split's texts without labels;
2. for each seed, draw --labels labeled records from the train split (one of
   each class first, then at random) and train on them alone
   (--valid none): the pre-trained model fine-tuned (--init), the same
   shape from scratch with the same fine-tuning settings, and the n-gram
   model (preset ngram-small);
3. `tunetop eval` each on the whole test split: macro-F1 and accuracy.

Prints one line per run and a summary table (mean and range over seeds).
"""
import json
import os
import random
import subprocess
import sys
import time

TUNETOP = os.environ.get("TUNETOP", "build/tunetop")
NICE = ["nice", "-n", "10"]
# Fine-tuning and from-scratch runs share every setting but --init.
FINETUNE = ["--set", "lr=0.0003", "--set", "warmup=20", "--set", "epochs=30",
            "--set", "batch_size=8", "--set", "dropout=0.1", "--set", "weight_decay=0.01",
            "--set", "pooling=mean", "--set", "threads=1", "--set", "eval_every=0"]
# gpt-tiny with a 4096-token BPE by default; PRESET=gpt-small runs the issue's
# small shape (vocab 8192, dim 256, 4 layers), about 5x the time per step.
SHAPE = (["--preset", os.environ["PRESET"]] if os.environ.get("PRESET") else
         ["--preset", "gpt-tiny", "--set", "vocab_size=4096"])


def load(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs.append({"id": r["id"], "text": r["text"], "label": r["label3"]})
    return recs


def write(path, recs, with_labels=True):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            o = {"id": r["id"], "text": r["text"]}
            if with_labels:
                o["label"] = r["label"]
            f.write(json.dumps(o) + "\n")


def run(args):
    t = time.time()
    p = subprocess.run(NICE + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("pretrain-helps.py: %s failed: %s" % (" ".join(args[:4]), p.stderr.strip()[-800:]))
    return p.stdout, time.time() - t


def last_json(text):
    return json.loads(text.strip().splitlines()[-1])


def sample(train, n, seed):
    rng = random.Random(seed)
    order = list(range(len(train)))
    rng.shuffle(order)
    chosen, seen = [], set()
    for i in order:  # one of each class first
        if train[i]["label"] not in seen:
            seen.add(train[i]["label"])
            chosen.append(i)
    for i in order:
        if len(chosen) >= n:
            break
        if i not in chosen:
            chosen.append(i)
    return [train[i] for i in chosen]


def pretrain(out, train, steps):
    model = os.path.join(out, "lm", "model.safetensors")
    if os.path.exists(model) and os.path.exists(os.path.join(out, "lm.json")):
        print("pre-trained model: %s (remove it to train again)" % model)
        return model
    path = os.path.join(out, "unlabeled.jsonl")
    write(path, train, with_labels=False)
    print("pre-training %s on %d texts without labels, %d steps (load %s)" %
          (SHAPE[1], len(train), steps, open("/proc/loadavg").read().split()[0]), flush=True)
    stdout, secs = run([TUNETOP, "train", "--model", "gpt", "--objective", "lm", "--data", path,
                        "--out", os.path.join(out, "lm"), "--json"] + SHAPE +
                       ["--set", "lr=0.001", "--set", "warmup=100", "--set", "dropout=0",
                        "--set", "epochs=10", "--set", "max_steps=%d" % steps,
                        "--set", "threads=1", "--set", "seed=42"])
    d = last_json(stdout)
    with open(os.path.join(out, "lm.json"), "w") as f:
        f.write(json.dumps(d) + "\n")
    print("pre-trained: %d steps in %.0f s wall, step_ms_median %.0f, valid perplexity %.1f, "
          "test perplexity %.1f" % (d["steps"], secs, d["step_ms_median"],
                                   d["valid"]["perplexity"], d["test"]["perplexity"]), flush=True)
    return model


def evaluate(model, test_path):
    stdout, _ = run([TUNETOP, "eval", model, test_path, "--json"])
    return last_json(stdout)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    out, spam = args[:2]
    opts = {"--seeds": "3", "--steps": "1500", "--labels": "100"}
    rest = args[2:]
    for k in range(0, len(rest) - 1, 2):
        if rest[k] not in opts:
            sys.exit("pretrain-helps.py: unknown option %s" % rest[k])
        opts[rest[k]] = rest[k + 1]
    seeds, steps, nlab = int(opts["--seeds"]), int(opts["--steps"]), int(opts["--labels"])
    os.makedirs(out, exist_ok=True)
    train = load(os.path.join(spam, "train.jsonl"))
    test_path = os.path.join(out, "test.jsonl")
    write(test_path, load(os.path.join(spam, "test.jsonl")))
    lm = pretrain(out, train, steps)

    results = {"pre-trained + fine-tuned": [], "from scratch": [], "n-gram": []}
    for seed in range(1, seeds + 1):
        work = os.path.join(out, "seed-%d" % seed)
        os.makedirs(work, exist_ok=True)
        lab = sample(train, nlab, seed)
        lab_path = os.path.join(work, "labeled.jsonl")
        write(lab_path, lab)
        counts = {}
        for r in lab:
            counts[r["label"]] = counts.get(r["label"], 0) + 1
        runs = {
            "pre-trained + fine-tuned": ["--model", "gpt", "--init", lm] + FINETUNE,
            "from scratch": ["--model", "gpt"] + SHAPE + FINETUNE,
            "n-gram": ["--model", "ngram", "--preset", "ngram-small"],
        }
        for name, extra in runs.items():
            mdir = os.path.join(work, name.split()[0].replace("-", ""))
            _, secs = run([TUNETOP, "train", "--data", lab_path, "--valid", "none", "--out", mdir,
                           "--set", "seed=%d" % seed, "--json"] + extra)
            ev = evaluate(os.path.join(mdir, "model.safetensors"), test_path)
            results[name].append((ev["macro_f1"], ev["accuracy"], secs))
            print("seed %d labels %s  %-26s macro-F1 %.4f accuracy %.4f  train %.0f s (load %s)" %
                  (seed, counts, name, ev["macro_f1"], ev["accuracy"], secs,
                   open("/proc/loadavg").read().split()[0]), flush=True)

    print()
    print("| model (%d labels, test split of %d records) | macro-F1 mean (min-max) | accuracy mean | train s |"
          % (nlab, sum(1 for _ in open(test_path))))
    print("|---|---|---|---|")
    for name, rs in results.items():
        f1 = [r[0] for r in rs]
        print("| %s | %.3f (%.3f-%.3f) | %.3f | %.0f |" %
              (name, sum(f1) / len(f1), min(f1), max(f1), sum(r[1] for r in rs) / len(rs),
               sum(r[2] for r in rs) / len(rs)))


main()
